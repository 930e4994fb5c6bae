#!/bin/sh
# test_gencap.sh — the benchmark's capture generator writes what its summary says, as tshark reads it.
#
# tshark, not wirecheck, is the judge here: every IPv4, TCP, UDP and ICMP checksum
# gencap meant to be right must verify, exactly the UDP datagrams it listed as corrupt
# must fail, and the SYN, SYN-ACK, RST, FIN, port-unreachable, UDP, connection and
# flow counts must equal its summary. The same seed must give the same bytes.
set -eu

build=${WC_BUILDDIR:-.}
gencap=$build/bench/gencap
tmp=$build/tests/tmp/gencap
packets=20000

if ! command -v tshark >/dev/null 2>&1; then
	echo "SKIP: tshark is not installed; it is the independent reader this test needs"
	exit 77
fi
mkdir -p "$tmp"
cap=$tmp/cap.pcap
sum=$tmp/summary.json

fail() {
	echo "FAIL: $*"
	exit 1
}

"$gencap" --packets $packets --seed 7 --out "$cap" --summary "$sum" || fail "gencap exited $?"

# A summary value: gencap writes one "key": value per line.
val() {
	v=$(sed -n "s/^  \"$1\": \([0-9][0-9]*\),*\$/\1/p" "$sum")
	[ -n "$v" ] || fail "summary has no $1"
	echo "$v"
}

# occurrence=f: in an ICMP error the first IP header is the outer one; the quoted
# datagram's fields come after it and are left out.
tshark -n -r "$cap" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-o udp.check_checksum:TRUE -T fields -E occurrence=f \
	-e frame.number -e ip.checksum.status -e tcp.checksum.status -e udp.checksum.status \
	-e icmp.checksum.status -e icmpv6.checksum.status -e icmp.type -e icmp.code \
	-e icmpv6.type -e icmpv6.code -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.reset \
	-e tcp.flags.fin -e ipv6.version -e tcp.stream -e udp.stream >"$tmp/fields.tsv" 2>"$tmp/tshark.err" ||
	fail "tshark failed: $(cat "$tmp/tshark.err")"

# Checksum status: 0 bad, 1 good, 3 not present (UDP over IPv4 with the checksum off).
: >"$tmp/bad.txt"
awk -F '\t' -v bad="$tmp/bad.txt" '
	function set(v) { return v == "1" || v == "True" }
	{
		frames++
		if ($15 == "6") v6++
		if ($2 != "" && $2 != "1") { print "frame " $1 ": IPv4 header checksum status " $2; errors++ }
		if ($7 != "" || $9 != "") {
			if ($5 $6 != "1") { print "frame " $1 ": ICMP checksum status " $5 $6; errors++ }
			if (($7 == "3" && $8 == "3") || ($9 == "1" && $10 == "4")) unreach++
			next
		}
		if ($3 != "" && $3 != "1") { print "frame " $1 ": TCP checksum status " $3; errors++ }
		if ($4 != "") {
			udp++
			if ($4 == "0") print $1 >bad
			else if ($4 == "3") zero++
			else if ($4 != "1") { print "frame " $1 ": UDP checksum status " $4; errors++ }
		}
		if ($4 != "" && !($17 in us)) { us[$17] = 1; udp_flows++ }
		if ($3 != "") {
			if (!($16 in ts)) { ts[$16] = 1; conns++ }
			if (set($11) && !set($12)) syn++
			if (set($11) && set($12)) synack++
			if (set($13)) rst++
			if (set($14)) fin++
		}
	}
	END {
		printf "packets %d\ntcp_syn %d\ntcp_syn_ack %d\ntcp_rst %d\ntcp_fin %d\n", frames, syn, synack, rst, fin
		printf "icmp_port_unreachable %d\nudp_datagrams %d\nudp_zero_checksum %d\nipv6_packets %d\n", unreach, udp, zero, v6
		printf "tcp_connections %d\nudp_flows_all %d\n", conns, udp_flows
		printf "checksum_errors %d\n", errors
	}' "$tmp/fields.tsv" >"$tmp/counts.txt"

grep -v '^[a-z0-9_]* [0-9]*$' "$tmp/counts.txt" && fail "a checksum meant to be right is wrong (above)"
[ "$(sed -n 's/^checksum_errors //p' "$tmp/counts.txt")" = 0 ] || fail "checksum errors"

status=0
for key in packets tcp_syn tcp_syn_ack tcp_rst tcp_fin icmp_port_unreachable udp_datagrams \
	udp_zero_checksum ipv6_packets tcp_connections udp_flows_all; do
	if [ $key = udp_flows_all ]; then
		want=$(($(val udp_flows) + $(val udp_closed_port_flows)))
	else
		want=$(val $key)
	fi
	got=$(sed -n "s/^$key //p" "$tmp/counts.txt")
	if [ "$got" != "$want" ]; then
		echo "FAIL: $key: tshark counts $got, gencap says it wrote $want"
		status=1
	fi
done
[ "$(val packets)" = $packets ] || fail "summary says $(val packets) packets, asked for $packets"

# The deliberately corrupt checksums: exactly the frames gencap listed, and some.
sed -n 's/^  "udp_bad_checksum_frames": \[\(.*\)\]$/\1/p' "$sum" | tr -d ' ' | tr ',' '\n' |
	sed '/^$/d' >"$tmp/bad_expected.txt"
[ "$(wc -l <"$tmp/bad_expected.txt")" -eq "$(val udp_bad_checksum)" ] || fail "bad-frame list length"
[ "$(val udp_bad_checksum)" -gt 0 ] || fail "no corrupt UDP checksums generated"
if ! cmp -s "$tmp/bad.txt" "$tmp/bad_expected.txt"; then
	echo "FAIL: frames with a bad UDP checksum differ from the ones gencap corrupted:"
	diff "$tmp/bad_expected.txt" "$tmp/bad.txt" | head -20
	status=1
fi

# The mix the benchmark relies on is there at all.
for key in tcp_refused tcp_rst_ending tcp_fin_client_first tcp_fin_server_first \
	tcp_retransmissions tcp_out_of_order tcp_dup_acks udp_zero_checksum ipv6_packets; do
	[ "$(val $key)" -gt 0 ] || { echo "FAIL: summary: no $key"; status=1; }
done
# 10–100 µs between packets
dur=$(val duration_us)
if [ "$dur" -lt $((packets * 10)) ] || [ "$dur" -gt $((packets * 100)) ]; then
	echo "FAIL: duration $dur µs for $packets packets"
	status=1
fi

# Deterministic for a seed, different for another.
"$gencap" --packets $packets --seed 7 --out "$tmp/again.pcap" --summary "$tmp/again.json"
cmp -s "$cap" "$tmp/again.pcap" || { echo "FAIL: same seed, different capture"; status=1; }
"$gencap" --packets $packets --seed 8 --out "$tmp/other.pcap" --summary "$tmp/other.json"
cmp -s "$cap" "$tmp/other.pcap" && { echo "FAIL: seeds 7 and 8 gave the same capture"; status=1; }

[ $status = 0 ] && echo "PASS: $(val packets) packets, $(val tcp_connections) TCP connections, $(val udp_bad_checksum) corrupt UDP checksums as listed"
exit $status
