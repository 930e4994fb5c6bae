#!/bin/sh
# The bundled capture captures/tcp-echo-lo.pcap is explained as captures/README.md says.
set -u
wc="$WC_BUILDDIR/src/wirecheck"
cap="$WC_SRCDIR/captures/tcp-echo-lo.pcap"
out=$("$wc" explain "$cap") || { echo "FAIL: explain exited $?"; exit 1; }
fail=0
expect() {
	if printf '%s\n' "$out" | grep -qF -- "$1"; then
		echo "ok: $1"
	else
		echo "FAIL: missing: $1"
		fail=1
	fi
}
expect "connection #0 client 127.0.0.1:"
expect "handshake: complete — SYN frame 1, SYN-ACK frame 2, ACK frame 3"
expect "client → server: 117 bytes of stream"
expect "server → client: 117 bytes of stream"
expect "the client closed first (FIN in frame 12"
expect "the client ends in TIME_WAIT"
expect "checksums: 14 partial"
expect "anomalies: none"
exit $fail
