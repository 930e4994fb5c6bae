#!/bin/sh
# test_cmd_check.sh — `wirecheck check` end to end on the bundled capture: exact report
# lines, every exit status (0 pass, 1 fail, 2 usage/scenario/capture/run-record error, 3
# inconclusive), JSON and JUnit reports read back, vantage tags and placeholders, and a
# live run's record (--run) judging the process checks as the run did.
set -u
TEST=cmd_check; . "$(dirname "$0")/lib.sh"
CAP="$SRC/captures/tcp-echo-lo.pcap"
FIX="$SRC/tests/fixtures/verdict"

# json FILE PYTHON-EXPR [ARG]: the expression, over the report loaded as r (and ARG as
# a), must be true
json() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
a = sys.argv[3] if len(sys.argv) > 3 else None
sys.exit(0 if eval(sys.argv[2]) else 1)' "$@" || fail "$1: not true: $2"
}

# The interpreter with junitparser, if any (test_junit.sh needs it; here it is a bonus).
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import junitparser' 2>/dev/null; then
		PY=$p
		break
	fi
done

# ---- exit 0: every expectation holds ----
status 0 "$WC" check "$CAP" --expect "$FIX/echo-pass.json"
has "$TMP/out" "scenario tcp-echo-lo: the bundled TCP echo on lo: handshake, echoed stream, teardown, and checksums as lo leaves them"
has "$TMP/out" "  capture $CAP: 14 frames"
has "$TMP/out" "  placeholders: port 7007 (from the capture), server 127.0.0.1 (from the capture), client 127.0.0.1 (from the capture)"
has "$TMP/out" "PASS capture.health  the capture is fit to judge  1/1 points"
has "$TMP/out" "PASS checksum  every TCP checksum left partial by lo (frames 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)  2/2 points"
has "$TMP/out" "    filter: frame.number in {1 2 3 4 5 6 7 8 9 10 11 12 13 14}"
has "$TMP/out" "PASS ip.fields  default TTL from the client (frames 1, 3, 4, 7, 8, 10, 12, 14)  1/1 points"
has "$TMP/out" "PASS tcp.handshake  one complete handshake, opened by the client (frames 1, 2, 3)  1/1 points"
has "$TMP/out" "    the server echoed all 117 bytes the client sent (frames 4, 6, 8, 9, 10, 11)"
has "$TMP/out" "    The client closed first (FIN in frame 12), the server's FIN followed in frame 13; the client ends in TIME_WAIT"
has "$TMP/out" "6 passed, 0 failed, 0 inconclusive — 7/7 points"
has "$TMP/out" "verdict: PASS"
[ -s "$TMP/err" ] && fail "a passing run wrote to stderr: $(cat "$TMP/err")"
grep -q "$(printf '\033')" "$TMP/out" && fail "colour despite NO_COLOR"

# ---- exit 1: one expectation fails; all three reports at once ----
status 1 "$WC" check "$CAP" --expect "$FIX/echo-mixed.json" \
	--report json:"$TMP/mixed.json" --report junit:"$TMP/mixed.xml" --report text:-
has "$TMP/out" "PASS checksum  TCP checksums left partial by lo (frames 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)  2/2 points"
has "$TMP/out" "FAIL ip.fields  the client set IP_TTL to 5 (frames 1, 3, 4, 7, 8, 10, 12, 14)  0/3 points"
has "$TMP/out" "    frames 1, 3, 4, 7, 8, 10, 12 and 14 of the 8 IP packets from the client do not have a TTL of exactly 5 (frame 1: TTL 64)"
has "$TMP/out" "1 passed, 1 failed, 0 inconclusive — 2/5 points"
has "$TMP/out" "verdict: FAIL"
json "$TMP/mixed.json" 'r["report"] == "wirecheck" and r["version"] == 1 and r["verdict"] == "fail" and r["exit_status"] == 1'
json "$TMP/mixed.json" 'r["totals"] == {"passed": 1, "failed": 1, "inconclusive": 0, "points": 2, "points_max": 5}'
json "$TMP/mixed.json" 'r["scenarios"][0]["name"] == "tcp-echo-mixed" and r["scenarios"][0]["why"] is None'
json "$TMP/mixed.json" '[c["verdict"] for c in r["scenarios"][0]["checks"]] == ["pass", "fail"]'
json "$TMP/mixed.json" 'r["scenarios"][0]["checks"][1]["frames"] == [1, 3, 4, 7, 8, 10, 12, 14]'
json "$TMP/mixed.json" 'r["scenarios"][0]["checks"][1]["path"] == "expect[1]" and r["scenarios"][0]["checks"][1]["points_max"] == 3'
json "$TMP/mixed.json" 'r["scenarios"][0]["placeholders"]["port"] == {"value": "7007", "source": "capture", "why_unknown": None}'
json "$TMP/mixed.json" 'r["scenarios"][0]["captures"] == [{"role": "", "path": a, "frames": 14, "broken": False, "broken_detail": None}]' "$CAP"
xmllint --noout "$TMP/mixed.xml" || fail "xmllint refuses mixed.xml"
grep -qF '<failure message="frames 1, 3, 4, 7, 8, 10, 12 and 14 of the 8 IP packets from the client do not have a TTL of exactly 5 (frame 1: TTL 64)" type="fail">' "$TMP/mixed.xml" ||
	fail "mixed.xml lacks the failure"
if [ -n "$PY" ]; then
	"$PY" "$SRC/tests/junit_summary.py" "$TMP/mixed.xml" >"$TMP/mixed.sum" || fail "junitparser counts disagree on mixed.xml"
	has "$TMP/mixed.sum" "testsuites tests=2 failures=1 skipped=0 errors=0"
	has "$TMP/mixed.sum" "  case tcp-echo-mixed | checksum: TCP checksums left partial by lo | pass | 14 TCP checksums are partial (frames 1, 2, 3, 4, 5, 6, 7, 8, … (14 in all)), as expected (at least 1)"
	has "$TMP/mixed.sum" "  case tcp-echo-mixed | ip.fields: the client set IP_TTL to 5 | failure | frames 1, 3, 4, 7, 8, 10, 12 and 14 of the 8 IP packets from the client do not have a TTL of exactly 5 (frame 1: TTL 64)"
else
	echo "note: no python3 with junitparser: the JUnit reports were checked with xmllint only"
fi

# ---- exit 3: the server's capture was not given ----
status 3 "$WC" check client="$CAP" --expect "$FIX/echo-vantage.json" --report text:- --report junit:"$TMP/v.xml"
has "$TMP/out" "  capture client $CAP: 14 frames"
has "$TMP/out" "PASS ip.fields  default TTL as sent (frames 1, 3, 4, 7, 8, 10, 12, 14)  1/1 points"
has "$TMP/out" "INCONCLUSIVE ip.fields  default TTL as received  0/1 points"
has "$TMP/out" "    this expectation judges the capture taken at the server, but no capture was tagged server= (captures given: client)"
has "$TMP/out" "verdict: INCONCLUSIVE — 1 of 2 checks could not be decided from the capture"
xmllint --noout "$TMP/v.xml" || fail "xmllint refuses v.xml"
grep -qF '<skipped message="this expectation judges the capture taken at the server, but no capture was tagged server= (captures given: client)"/>' "$TMP/v.xml" ||
	fail "v.xml lacks the skipped case"
if [ -n "$PY" ]; then
	"$PY" "$SRC/tests/junit_summary.py" "$TMP/v.xml" >"$TMP/v.sum" || fail "junitparser counts disagree on v.xml"
	has "$TMP/v.sum" "testsuites tests=2 failures=0 skipped=1 errors=0"
fi

# ---- both vantage points given: each expectation judges its own ----
status 0 "$WC" check client="$CAP" server="$CAP" --expect "$FIX/echo-vantage.json"
has "$TMP/out" "PASS ip.fields  default TTL as received (frames 1, 3, 4, 7, 8, 10, 12, 14 in the server capture)  1/1 points"
has "$TMP/out" "PASS ip.fields  default TTL as sent (frames 1, 3, 4, 7, 8, 10, 12, 14 in the client capture)  1/1 points"

# ---- exit 3: a capture that breaks off is never judged pass or fail ----
head -c 1000 "$CAP" >"$TMP/cut.pcap"
status 3 "$WC" check "$TMP/cut.pcap" --expect "$FIX/echo-mixed.json" --report json:-
json "$TMP/out" 'r["verdict"] == "inconclusive" and r["exit_status"] == 3'
json "$TMP/out" 'r["scenarios"][0]["captures"][0]["broken"] and r["scenarios"][0]["captures"][0]["frames"] == 9'
json "$TMP/out" 'r["scenarios"][0]["why"].endswith("breaks off after frame 9 (truncated dump file; tried to read 105 captured bytes, only got 50), so it cannot be judged")'
json "$TMP/out" '[c["verdict"] for c in r["scenarios"][0]["checks"]] == ["pass", "fail"]'

# ---- placeholders from the command line: they win over the capture ----
status 1 "$WC" check "$CAP" --expect "$FIX/echo-pass.json" --set port=7008 --set server=::0001
has "$TMP/out" "  placeholders: port 7008 (from --set), server ::1 (from --set), client 127.0.0.1 (from the capture)"
has "$TMP/out" "3 passed, 3 failed, 0 inconclusive — 4/7 points"

# ---- exit 2: usage, scenario and capture errors, each with its message ----
status 2 "$WC" check "$CAP" --expect "$FIX/bad-count.json"
has "$TMP/err" "wirecheck: $FIX/bad-count.json: expect[0]: unknown key \"cont\"; did you mean \"count\"?"
[ -s "$TMP/out" ] && fail "a scenario error wrote a report"
status 2 "$WC" check "$TMP/missing.pcap" --expect "$FIX/echo-pass.json"
has "$TMP/err" "wirecheck: $TMP/missing.pcap: No such file or directory"
status 2 "$WC" check "$CAP" --expect "$TMP/missing.json"
has "$TMP/err" "wirecheck: cannot open $TMP/missing.json: No such file or directory"
status 2 "$WC" check "$CAP"
has "$TMP/err" "wirecheck: check: --expect SCENARIO.json is required"
has "$TMP/err" "Try 'wirecheck check --help'."
status 2 "$WC" check --expect "$FIX/echo-pass.json"
has "$TMP/err" "wirecheck: check: no capture file given"
status 2 "$WC" check "$CAP" "$CAP" --expect "$FIX/echo-pass.json"
has "$TMP/err" "wirecheck: check: with several captures, tag each with where it was taken (client=c.pcap server=s.pcap): '$CAP' has no tag"
status 2 "$WC" check a="$CAP" a="$CAP" --expect "$FIX/echo-pass.json"
has "$TMP/err" "wirecheck: check: two captures tagged 'a'"
status 2 "$WC" check "$CAP" --expect "$FIX/echo-pass.json" --report xml:"$TMP/r.xml"
has "$TMP/err" "wirecheck: check: unknown report format 'xml' (text, json or junit)"
status 2 "$WC" check "$CAP" --expect "$FIX/echo-pass.json" --report json
has "$TMP/err" "wirecheck: check: --report wants FORMAT:PATH (text, json or junit; PATH - for standard output), not 'json'"
status 2 "$WC" check "$CAP" --expect "$FIX/echo-pass.json" --report json:- --report text:-
has "$TMP/err" "wirecheck: check: only one report can go to standard output"
status 2 "$WC" check "$CAP" --expect "$FIX/echo-pass.json" --report junit:"$TMP/no/such/dir.xml"
has "$TMP/err" "wirecheck: check: cannot write the report $TMP/no/such/dir.xml: No such file or directory"
status 2 "$WC" check "$CAP" --expect "$FIX/echo-pass.json" --set port=0
has "$TMP/err" "wirecheck: check: --set: port wants a number from 1 to 65535, not '0'"
status 2 "$WC" check "$CAP" --expect "$FIX/echo-pass.json" --set host=10.0.0.1
has "$TMP/err" "wirecheck: check: --set: unknown placeholder 'host' (port, server or client)"
status 2 "$WC" check "$CAP" --expect "$FIX/echo-pass.json" --bogus
has "$TMP/err" "wirecheck: check: unknown option '--bogus'"

# ---- --run: the record of the live run that made the capture (tests/fixtures/runrec) ----
RR="$SRC/tests/fixtures/runrec"
UDP="$SRC/tests/fixtures/checks/udp-echo-lo.pcap"
status 1 "$WC" check "$UDP" --run "$RR/run.json" --expect "$RR/udp-echo-proc.json" --report text:- --report json:"$TMP/run.json"
has "$TMP/out" "PASS capture.health  the capture is fit to judge  1/1 points"
has "$TMP/out" "    the capture is fit to judge: 6 frames, 1 link type, no frame cut short or captured twice, every TCP connection's SYN seen; the kernel dropped none of 6 packets, all written"
has "$TMP/out" "FAIL sock.calls  the server reads every datagram whole  0/1 points"
has "$TMP/out" "    the server read 8 bytes of a 11-byte datagram: 3 bytes discarded (1 short read of 3, the first at line 6 of its trace); expected exactly 0"
has "$TMP/out" "PASS proc.zombies  the server leaves no zombie  1/1 points"
has "$TMP/out" "    no zombie of the server was left at the end, as expected"
has "$TMP/out" "PASS proc.exit  server exits with status 0  1/1 points"
has "$TMP/out" "    the server exited with status 0, as expected"
has "$TMP/out" "PASS proc.output  server's stdout matches /^got 3 datagrams\$/  1/1 points"
has "$TMP/out" "    the server's stdout matches \"^got 3 datagrams\$\""
has "$TMP/out" "PASS proc.output  client's stdout matches /UQUQUQ/  1/1 points"
has "$TMP/out" "    the client's stdout matches \"UQUQUQ\""
has "$TMP/out" "5 passed, 1 failed, 0 inconclusive — 5/6 points"
has "$TMP/out" "verdict: FAIL"
json "$TMP/run.json" '[c["path"] for c in r["scenarios"][0]["checks"]] == ["expect[0]", "expect[1]", "expect[2]", "programs[0].expect_exit", "programs[0].expect_stdout", "programs[1].expect_stdout"]'
json "$TMP/run.json" '[c["verdict"] for c in r["scenarios"][0]["checks"]] == ["pass", "fail", "pass", "pass", "pass", "pass"]'

# the same without the record: every process check needs a live run
status 3 "$WC" check "$UDP" --expect "$RR/udp-echo-proc.json"
has "$TMP/out" "    the capture is fit to judge: 6 frames, 1 link type, no frame cut short or captured twice, every TCP connection's SYN seen; kernel drops are not recorded in a capture file, so only a live run can rule them out"
has "$TMP/out" "INCONCLUSIVE sock.calls  the server reads every datagram whole  0/1 points"
has "$TMP/out" "    needs a live run: only \`wirecheck run\`, which runs the programs, learns the socket calls of the server"
has "$TMP/out" "INCONCLUSIVE proc.zombies  the server leaves no zombie  0/1 points"
has "$TMP/out" "    needs a live run: only \`wirecheck run\`, which runs the programs, learns the zombie count of the server"
has "$TMP/out" "INCONCLUSIVE proc.exit  server exits with status 0  0/1 points"
has "$TMP/out" "    needs a live run: only \`wirecheck run\`, which runs the programs, learns the exit status of the server"
has "$TMP/out" "INCONCLUSIVE proc.output  client's stdout matches /UQUQUQ/  0/1 points"
has "$TMP/out" "    needs a live run: only \`wirecheck run\`, which runs the programs, learns the output of the client"
has "$TMP/out" "1 passed, 0 failed, 5 inconclusive — 1/6 points"
has "$TMP/out" "verdict: INCONCLUSIVE — 5 of 6 checks could not be decided from the capture"

# the kernel dropped packets in the run: the capture cannot be judged, whatever else failed
status 3 "$WC" check "$UDP" --run "$RR/drops.json" --expect "$RR/udp-echo-proc.json"
has "$TMP/out" "INCONCLUSIVE capture.health  the capture is fit to judge  0/1 points"
has "$TMP/out" "    the capture is not fit to judge: the kernel dropped 12 of 4000 captured packets (capture buffer full)"
has "$TMP/out" "verdict: INCONCLUSIVE — the capture itself cannot be judged (expect[0]): the capture is not fit to judge: the kernel dropped 12 of 4000 captured packets (capture buffer full)"

# no capture given: the run's own, found from the record's directory (here a kept
# directory moved elsewhere and named relative to the working directory)
mkdir "$TMP/kept"
cp "$UDP" "$TMP/kept/lo.pcap"
cp "$RR/server.trace" "$TMP/kept/"
sed 's|"../checks/udp-echo-lo.pcap"|"lo.pcap"|' "$RR/run.json" >"$TMP/kept/run.json"
WC_ABS="$(cd "$(dirname "$WC")" && pwd)/wirecheck"
(cd "$TMP" && "$WC_ABS" check --run kept/run.json --expect "$RR/udp-echo-proc.json") >"$TMP/out" 2>"$TMP/err"
[ $? -eq 1 ] || fail "check --run kept/run.json did not exit 1: $(cat "$TMP/err")"
has "$TMP/out" "  capture kept/lo.pcap: 6 frames"
has "$TMP/out" "    the server read 8 bytes of a 11-byte datagram: 3 bytes discarded (1 short read of 3, the first at line 6 of its trace); expected exactly 0"
has "$TMP/out" "5 passed, 1 failed, 0 inconclusive — 5/6 points"

# a run record that is not one: exit 2, the file and the JSON path, no report
sed '0,/"exit_status": 0/s//"exit_status": "0"/' "$RR/run.json" >"$TMP/kept/bad.json"
status 2 "$WC" check "$UDP" --run "$TMP/kept/bad.json" --expect "$RR/udp-echo-proc.json"
has "$TMP/err" "wirecheck: $TMP/kept/bad.json: roles[0].exit_status: expected a whole number, got a string"
[ -s "$TMP/out" ] && fail "a run record error wrote a report"
sed 's/"zombies": 0,/"zombie": 0,/' "$RR/run.json" >"$TMP/kept/bad.json"
status 2 "$WC" check "$UDP" --run "$TMP/kept/bad.json" --expect "$RR/udp-echo-proc.json"
has "$TMP/err" "wirecheck: $TMP/kept/bad.json: roles[0]: unknown key \"zombie\"; did you mean \"zombies\"?"
status 2 "$WC" check "$UDP" --run "$TMP/none.json" --expect "$RR/udp-echo-proc.json"
has "$TMP/err" "wirecheck: cannot open $TMP/none.json: No such file or directory"
status 2 "$WC" check "$UDP" --run "$RR/run.json" --run "$RR/drops.json" --expect "$RR/udp-echo-proc.json"
has "$TMP/err" "wirecheck: check: one --run at a time"
status 2 "$WC" check --expect "$RR/udp-echo-proc.json"
has "$TMP/err" "wirecheck: check: no capture file given"

status 0 "$WC" check --help
grep -q "^Usage: wirecheck check \[ROLE=\]CAPTURE... --expect SCENARIO.json" "$TMP/out" || fail "--help shows no usage"

finish
