#!/bin/sh
# test_explain_cli.sh — `wirecheck explain` end to end on real captures: exact lines,
# exit statuses, valid JSON, one packet line per frame.
set -u
TEST=explain_cli; . "$(dirname "$0")/lib.sh"
FIX="$SRC/tests/fixtures/real"

# ---- a SYN its own sender resets (Zeek's RSTOS0) ----
status 0 "$WC" explain "$FIX/zeek__testing_btest_Traces_tcp_syn-then-rst.pcap"
has "$TMP/out" "TCP connections"
has "$TMP/out" "connection #0 client 1.1.1.1:13131 → server 1.1.1.2:31313"
has "$TMP/out" "  handshake: not complete — SYN frame 1"
has "$TMP/out" "  reset: the client sent a RST in frame 2 — reset during the handshake, before it completed"
has "$TMP/out" "  client states: CLOSED → SYN_SENT (1) → CLOSED (2)"
has "$TMP/out" "  TCP: 1 SYN, 0 SYN-ACK, 1 RST, 0 FIN; 1 connection, 0 complete handshakes, 0 closed with FIN both ways, 1 with RST"
grep -q "$(printf '\033')" "$TMP/out" && fail "colour despite NO_COLOR"

sections() { grep -E '^(Packets|TCP connections|UDP flows|ICMP errors|Anomalies|Capture|Summary)( \([0-9]+\))?$' "$1" | sed 's/ (.*//' | tr '\n' ' '; }
got=$(sections "$TMP/out")
[ "$got" = "TCP connections UDP flows ICMP errors Anomalies Capture Summary " ] || fail "text sections: $got"
status 0 "$WC" explain "$FIX/zeek__testing_btest_Traces_tcp_syn-then-rst.pcap" --packets
got=$(sections "$TMP/out")
[ "$got" = "Packets TCP connections UDP flows ICMP errors Anomalies Capture Summary " ] || fail "text sections with --packets: $got"
# a connection number that does not exist: an empty TCP section that says so
status 0 "$WC" explain "$FIX/zeek__testing_btest_Traces_tcp_syn-then-rst.pcap" --flow 7
grep -A1 -x "TCP connections" "$TMP/out" | grep -qx "none" || fail "--flow 7: no 'none' under TCP connections"

# ---- an orderly close: the server closes first and ends in TIME_WAIT ----
status 0 "$WC" explain "$FIX/zeek__testing_btest_Traces_http_http_09.pcap" --flow 0
has "$TMP/out" "TCP connections"
has "$TMP/out" "  handshake: complete — SYN frame 1, SYN-ACK frame 2, ACK frame 3"
has "$TMP/out" "  teardown: the server closed first (FIN in frame 8, acknowledged in frame 9); the client's FIN in frame 9, acknowledged in frame 10"
has "$TMP/out" "  the server ends in TIME_WAIT (it closed first and acknowledged the other FIN)"
has "$TMP/out" "  server states: LISTEN → SYN_RCVD (2) → ESTABLISHED (3) → FIN_WAIT_1 (8) → FIN_WAIT_2 (9) → TIME_WAIT (10)"
grep -q "^connection #1 " "$TMP/out" && fail "--flow 0 showed connection #1"
grep -q "^UDP flows" "$TMP/out" && fail "--flow 0 showed the UDP section"

# ---- an ICMP port unreachable whose datagram is not in the capture ----
status 0 "$WC" explain "$FIX/zeek__testing_btest_Traces_icmp_icmp-destunreach-udp.pcap"
has "$TMP/out" "frame 1: ICMP destination unreachable, port unreachable (type 3 code 3) from 192.168.1.102 to 192.168.1.1"
has "$TMP/out" "  it quotes UDP 192.168.1.1:53 → 192.168.1.102:59207"
has "$TMP/out" "  ICMP: 1 error (0 matched to a flow); port unreachable: 1 ICMPv4, 0 ICMPv6"
# the error is frame 1 itself: its time is 0, not the absolute time of the capture
for fmt_args in "--format json" "--format json --packets"; do
	status 0 "$WC" explain "$FIX/zeek__testing_btest_Traces_icmp_icmp-destunreach-udp.pcap" $fmt_args
	python3 - "$TMP/out" <<'PY' || fail "ICMP error in frame 1 ($fmt_args): time not relative"
import json, sys
d = json.load(open(sys.argv[1]))
e = d["icmp_errors"]
assert len(e) == 1 and e[0]["frame"] == 1 and e[0]["time"] == 0, e
assert '"time":0.000000,' in open(sys.argv[1]).read()
PY
done

# ---- a malformed frame: the anomaly at its frame ----
status 0 "$WC" explain "$FIX/tcpdump__tests_ipv4_invalid_length.pcap"
grep -q "^frame [0-9]*: ipv4\.[a-z_]* (malformed) — " "$TMP/out" || fail "no malformed IPv4 anomaly line"

# ---- --packets: one line per frame, in order ----
for f in zeek__testing_btest_Traces_http_http_09.pcap zeek__testing_btest_Traces_udp-multiple-source-ports.pcap \
         tcpdump__tests_LINKTYPE_IPV6.pcap; do
	status 0 "$WC" explain "$FIX/$f" --packets
	frames=$(sed -n 's/^  \([0-9]*\) frames\{0,1\}, .*/\1/p' "$TMP/out")
	lines=$(sed -n '/^Packets$/,/^$/p' "$TMP/out" | grep -c '^ *[0-9][0-9]* [0-9]*\.[0-9]\{6\} ')
	[ -n "$frames" ] && [ "$lines" -eq "$frames" ] || fail "$f: $lines packet lines for $frames frames"
	first=$(sed -n '/^Packets$/{n;p;}' "$TMP/out" | awk '{print $1}')
	[ "$first" = 1 ] || fail "$f: the first packet line is frame '$first'"
done

# ---- JSON: valid, the documented keys, no colour ----
status 0 "$WC" explain "$FIX/zeek__testing_btest_Traces_http_http_09.pcap" --format json --packets
python3 - "$TMP/out" <<'PY' || fail "JSON check failed"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["wirecheck"] == {"version": d["wirecheck"]["version"], "command": "explain"}, d["wirecheck"]
assert list(d) == ["wirecheck", "packets", "tcp_connections", "udp_flows", "icmp_errors", "anomalies",
                   "capture", "summary"], list(d)
assert d["capture"]["frames"] == 50 and len(d["packets"]) == 50
assert [p["frame"] for p in d["packets"]] == list(range(1, 51))
assert [c["id"] for c in d["tcp_connections"]] == [0, 1, 2, 3, 4]
c = d["tcp_connections"][0]
assert c["teardown"]["time_wait"] == "server" and c["teardown"]["rst"] is None, c["teardown"]
assert c["handshake"]["complete"] is True and c["conn_state"] == "SF"
assert d["summary"]["tcp_syn"] == 5 and d["summary"]["handshakes_complete"] == 5
PY
status 0 "$WC" explain "$FIX/zeek__testing_btest_Traces_tcp_syn-then-rst.pcap" --format json
python3 - "$TMP/out" <<'PY' || fail "JSON check (RST) failed"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["wirecheck", "tcp_connections", "udp_flows", "icmp_errors", "anomalies", "capture",
                   "summary"], list(d)
rst = d["tcp_connections"][0]["teardown"]["rst"]
assert rst["by"] == "client" and rst["frame"] == 2, rst
assert d["tcp_connections"][0]["conn_state"] == "RSTOS0"
PY
# every real capture: text and JSON, never a crash, JSON always valid
for f in "$FIX"/*; do
	case "$f" in *.md | *.tsv | *.jsonl) continue ;; esac
	"$WC" explain "$f" --packets >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "$f: text exit $rc"
	"$WC" explain "$f" --packets --format json >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		python3 -m json.tool "$TMP/out" >/dev/null || fail "$f: invalid JSON"
	elif [ "$rc" -eq 2 ]; then
		[ -s "$TMP/out" ] && fail "$f: output written although it could not be opened"
		grep -q "^wirecheck: cannot open $f: " "$TMP/err" || fail "$f: $(cat "$TMP/err")"
	else
		fail "$f: JSON exit $rc"
	fi
done

# ---- output that cannot be written is an error, in both formats, not a silent loss ----
if [ -w /dev/full ]; then
	for fmt_args in "--format text" "--format json --packets"; do
		"$WC" explain "$FIX/zeek__testing_btest_Traces_http_http_09.pcap" $fmt_args >/dev/full 2>"$TMP/err"
		rc=$?
		[ "$rc" -eq 2 ] || fail "output to /dev/full ($fmt_args) exited $rc"
		has "$TMP/err" "wirecheck: cannot write the output: No space left on device"
	done
fi

# ---- usage errors exit 2 and name the problem ----
status 2 "$WC"
status 2 "$WC" frobnicate
has "$TMP/err" "wirecheck: unknown command 'frobnicate'"
status 2 "$WC" explain
has "$TMP/err" "wirecheck: explain: no capture file given"
status 2 "$WC" explain --bogus "$FIX/zeek__testing_btest_Traces_tcp_syn-then-rst.pcap"
has "$TMP/err" "wirecheck: explain: unknown option '--bogus'"
status 2 "$WC" explain --format html "$FIX/zeek__testing_btest_Traces_tcp_syn-then-rst.pcap"
has "$TMP/err" "wirecheck: explain: unknown format 'html' (text or json)"
status 2 "$WC" explain --flow x "$FIX/zeek__testing_btest_Traces_tcp_syn-then-rst.pcap"
status 2 "$WC" explain "$TMP/missing.pcap"
has "$TMP/err" "wirecheck: cannot open $TMP/missing.pcap: No such file or directory"
[ -s "$TMP/out" ] && fail "output written for a missing file"
printf 'not a capture at all\n' >"$TMP/text.pcap"
status 2 "$WC" explain "$TMP/text.pcap"
grep -q "^wirecheck: cannot open $TMP/text.pcap: " "$TMP/err" || fail "not-a-capture message: $(cat "$TMP/err")"
status 0 "$WC" --help
has "$TMP/out" "  explain CAPTURE   explain a .pcap or .pcapng capture in plain language"
status 0 "$WC" explain --help
has "$TMP/out" "  --packets          also show one line per packet, as it is read"
status 0 "$WC" --version
has "$TMP/out" "wirecheck 0.1.0"

echo "explain command-line checks done"
finish
