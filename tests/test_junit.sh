#!/bin/sh
# test_junit.sh — the JUnit report read back by a real consumer: junitparser (Debian's
# python3-junitparser) loads the hand-built sample outcomes written by report_sample and
# must find the suites, cases, failures and skips the report means.
set -u
TEST=junit; . "$(dirname "$0")/lib.sh"

# The interpreter that has junitparser: Debian's python3 comes first in CI, but a
# developer's PATH may hold another one.
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import junitparser' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "SKIP: no python3 with junitparser (apt-get install python3-junitparser)"
	exit 77
fi

"$BUILD/tests/report_sample" junit "$TMP/report.xml" || exit 99
xmllint --noout "$TMP/report.xml" || fail "xmllint refuses the report"
"$PY" "$SRC/tests/junit_summary.py" "$TMP/report.xml" >"$TMP/summary" || fail "junitparser counts disagree"

has "$TMP/summary" "testsuites tests=7 failures=2 skipped=1 errors=0"
has "$TMP/summary" "suite tcp-echo tests=4 failures=1 skipped=0 timestamp=2023-11-14T22:13:20"
has "$TMP/summary" "  property file=scenarios/tcp-echo.json"
has "$TMP/summary" "  property verdict=fail"
has "$TMP/summary" "  property points=7"
has "$TMP/summary" "  property points_max=9"
has "$TMP/summary" "  property placeholder.port=7007"
has "$TMP/summary" "  case tcp-echo | tcp.handshake: complete handshake | pass | the client's SYN in frame 1 was answered with SYN-ACK in frame 2 and acknowledged in frame 3"
has "$TMP/summary" "  case tcp-echo | tcp.teardown: the server closes first | failure | the client closed first: its FIN is in frame 12"
has "$TMP/summary" 'suite udp <lost> & "found" tests=3 failures=1 skipped=1 timestamp=1970-01-01T00:00:00'
has "$TMP/summary" '  case udp <lost> & "found" | udp.datagrams: all 40 "datagrams" <arrive> | failure | sent on the client side, never seen on the server side: 39 datagrams'
has "$TMP/summary" '  case udp <lost> & "found" | icmp.unreachable: no ICMP error | skipped | this expectation uses {port}, which is unknown: it was not given with --set; give it with --set port=…'
has "$TMP/summary" '  case udp <lost> & "found" | ip.fields: TTL 64 | pass | every packet has TTL 64'
[ "$(grep -c '^  case ' "$TMP/summary")" -eq 7 ] || fail "junitparser did not see 7 cases"

finish
