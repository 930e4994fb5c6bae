#!/bin/sh
# test_captures.sh — every bundled scenario's stored reference run (captures/NAME/: the
# captures, the traces and run.json), judged again offline with no privileges, passes; and
# every stored run belongs to a scenario.
TEST=captures; . "$(dirname "$0")/lib.sh"
n=0
for scenario in "$SRC"/scenarios/*.json; do
	name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$scenario") || exit 99
	rec="$SRC/captures/$name/run.json"
	if [ ! -f "$rec" ]; then
		fail "$(basename "$scenario"): no stored run in captures/$name/ (captures/record.sh makes them)"
		continue
	fi
	"$WC" check --run "$rec" --expect "$scenario" --report json:"$TMP/$name.json" >"$TMP/$name.out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] || fail "captures/$name judged against $(basename "$scenario") exited $rc: $(grep -E '^(FAIL|INCONCLUSIVE)|^wirecheck' "$TMP/$name.out")"
	n=$((n + 1))
done
# The process checks cite the frames the socket calls answer: the trace put on the
# captures' clock finds the RST that refused connect(), the ICMP error that refused send(),
# the datagram read short.
cites() { # NAME CHECK WORDS...: the stored run's CHECK result cites a frame with WORDS
	python3 - "$TMP/$1.json" "$2" "$3" <<'EOF' || fail "captures/$1: $2 does not cite \"$3 N\": $(cat "$TMP/cites")"
import json, re, sys
report, check, words = sys.argv[1:4]
for c in json.load(open(report))["scenarios"][0]["checks"]:
    if c["check"] == check and re.search(re.escape(words) + r" [0-9]+", c["reason"]) and c["frames"]:
        sys.exit(0)
open(sys.argv[1].rsplit("/", 1)[0] + "/cites", "w").write(repr([c["reason"] for c in
     json.load(open(report))["scenarios"][0]["checks"] if c["check"] == check]))
sys.exit(1)
EOF
}
cites closed-port sock.calls "after the RST in frame"
cites udp-closed-port sock.calls "after the ICMP port unreachable in frame"

for dir in "$SRC"/captures/*/; do
	name=$(basename "$dir")
	grep -lq "\"name\": \"$name\"" "$SRC"/scenarios/*.json || fail "captures/$name/ belongs to no scenario"
done
[ "$n" -ge 20 ] || fail "only $n scenarios have a stored run"
echo "$n stored runs judged"
finish
