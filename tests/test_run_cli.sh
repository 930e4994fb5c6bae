#!/bin/sh
# test_run_cli.sh — `wirecheck run` as graders and CI call it: arguments and their errors,
# -j giving the same reports as one at a time, --keep-pcap judged again by `check --run`,
# SIGINT leaving nothing behind, and a run as an unprivileged user (user namespaces).
# Skips (77) when this machine cannot make network namespaces at all.
TEST=run-cli; . "$(dirname "$0")/lib.sh"
RUN="$SRC/tests/fixtures/run"

# The hostile programs run from a folder of this test only: nothing else has their paths,
# so a process still running from there after a run is a leftover of that run.
mkdir -p "$TMP/bin" && cp "$BUILD"/tests/fixtures/hostile/ignore_term "$BUILD"/tests/fixtures/hostile/fork_spin \
	"$BUILD"/tests/fixtures/hostile/flood "$BUILD"/tests/fixtures/hostile/never_exit "$TMP/bin/" || exit 99
PATH="$TMP/bin:$PATH"
# the runs' scratch directories, apart from those of tests running at the same time
TMPDIR="$TMP/scratch"
mkdir -p "$TMPDIR" || exit 99
export PATH TMPDIR

leftovers() {
	pgrep -f "$TMP/bin/" >/dev/null && fail "$1: processes of the hostile programs are still running: $(pgrep -af "$TMP/bin/")"
	ls -d "$TMPDIR"/wirecheck-* >/dev/null 2>&1 && fail "$1: a scratch directory is left: $(ls -d "$TMPDIR"/wirecheck-*)"
}

# ---- can this machine make runs at all? -----------------------------------------
"$WC" run "$RUN/tcp-echo.json" --report json:"$TMP/probe.json" 2>"$TMP/probe.err"
probe=$?
if [ "$probe" -eq 3 ] && grep -q '"why":"the live run could not be made: .*namespace' "$TMP/probe.json"; then
	echo "SKIP: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["scenarios"][0]["why"])' "$TMP/probe.json")"
	exit 77
fi
[ "$probe" -eq 0 ] || fail "the TCP echo scenario exited $probe: $(cat "$TMP/probe.err")"

# ---- arguments -------------------------------------------------------------------------
status 0 "$WC" run --help
for opt in --program --keep-pcap --report --set --jobs; do
	grep -q -- "$opt" "$TMP/out" || fail "run --help does not mention $opt"
done
status 2 "$WC" run
has "$TMP/err" "wirecheck: run: no scenario given"
status 2 "$WC" run "$RUN/tcp-echo.json" -j 0
has "$TMP/err" "wirecheck: run: -j must be a number from 1 to 16, not '0'"
status 2 "$WC" run "$RUN/tcp-echo.json" --program server
has "$TMP/err" "wirecheck: run: --program wants ROLE=COMMAND (server=./my-server), not 'server'"
status 2 "$WC" run "$RUN/tcp-echo.json" --program 'server=./a.out "unclosed'
has "$TMP/err" "wirecheck: run: --program server: unterminated quote in './a.out \"unclosed'"
status 2 "$WC" run "$RUN/tcp-echo.json" --program nosuchrole=true
has "$TMP/err" "wirecheck: run: --program nosuchrole: no scenario given has a program with that role"
status 2 "$WC" run "$RUN/tcp-echo.json" --set server=10.0.0.9
has "$TMP/err" "wirecheck: run: --set takes only port=N in a live run ({server} and {client} are the topology's addresses), not 'server=10.0.0.9'"
status 2 "$WC" run "$TMP/missing.json"
has "$TMP/err" "wirecheck: run: $TMP/missing.json: No such file or directory"
printf '{"name": "x", "summary": "s", "question": "q", "expect": [{"check": "tcp.handshak"}]}' >"$TMP/bad.json"
status 2 "$WC" run "$TMP/bad.json"
has "$TMP/err" "wirecheck: $TMP/bad.json: expect[0].check: unknown check \"tcp.handshak\"; did you mean \"tcp.handshake\"?"
status 2 "$WC" run "$RUN/tcp-echo.json" --variant nosuch
has "$TMP/err" "wirecheck: run: --variant nosuch: $RUN/tcp-echo.json has no such variant"
status 2 "$WC" run "$SRC/scenarios/06-no-htons.json" --variant no-htons --program server=true
has "$TMP/err" "wirecheck: run: --variant no-htons and --program server both replace the server"
mkdir -p "$TMP/empty"
status 2 "$WC" run "$TMP/empty"
has "$TMP/err" "wirecheck: run: $TMP/empty holds no *.json scenario"

# ---- a directory, one at a time and three at once: the same reports --------------------
mkdir -p "$TMP/set"
for s in tcp-echo tcp-refused udp-closed; do cp "$RUN/$s.json" "$TMP/set/"; done
# What a run decides: each check's verdict and points, each scenario's verdict. Frame
# numbers and counts are not compared: timing (delayed ACKs, coalesced writes) differs
# between any two live runs, one at a time or not.
verdicts() {
	python3 - "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(r["verdict"], r["exit_status"])
for s in r["scenarios"]:
    print(s["name"], s["verdict"], s["totals"])
    for c in s["checks"]:
        print(" ", c["path"], c["check"], c["verdict"], c["points"], c["points_max"])
EOF
}
status 0 "$WC" run "$TMP/set" --report json:"$TMP/serial.json"
status 0 "$WC" run "$TMP/set" -j 3 --report json:"$TMP/parallel.json"
verdicts "$TMP/serial.json" >"$TMP/serial.txt"
verdicts "$TMP/parallel.json" >"$TMP/parallel.txt"
diff "$TMP/serial.txt" "$TMP/parallel.txt" >"$TMP/diff" || fail "-j 3 reports differ from -j 1: $(cat "$TMP/diff")"
[ "$(grep -c '^run-' "$TMP/serial.txt")" -eq 3 ] || fail "the directory's scenarios were not all run: $(cat "$TMP/serial.txt")"

# ---- a faulty variant: named in the report, failing what it declares -----------------------
status 1 "$WC" run "$SRC/scenarios/06-no-htons.json" --variant no-htons
grep -q "^  variant no-htons: " "$TMP/out" || fail "the report does not name the variant: $(head -5 "$TMP/out")"
grep -q "^FAIL port.byteorder " "$TMP/out" || fail "the no-htons variant did not fail port.byteorder"

# ---- kept files, judged again offline -------------------------------------------------------
status 0 "$WC" run "$RUN/tcp-refused.json" --keep-pcap "$TMP/keep" --report json:"$TMP/live.json"
K="$TMP/keep/run-tcp-refused"
for f in client.pcap server.pcap client.trace run.json; do
	[ -s "$K/$f" ] || fail "--keep-pcap did not keep $f"
done
status 0 "$WC" check client="$K/client.pcap" server="$K/server.pcap" --run "$K/run.json" \
	--expect "$RUN/tcp-refused.json" --report json:"$TMP/offline.json"
python3 - "$TMP/live.json" "$TMP/offline.json" >"$TMP/cmp" <<'EOF' || fail "the offline verdict differs: $(cat "$TMP/cmp")"
import json, sys
live, offline = (json.load(open(p))["scenarios"][0] for p in sys.argv[1:3])
a = [(c["path"], c["verdict"], c["reason"]) for c in live["checks"]]
b = [(c["path"], c["verdict"], c["reason"]) for c in offline["checks"]]
if a != b or live["verdict"] != offline["verdict"]:
    print(a, b)
    sys.exit(1)
EOF
# without the run record the process checks cannot be decided
status 3 "$WC" check client="$K/client.pcap" server="$K/server.pcap" --expect "$RUN/tcp-refused.json"

# ---- SIGINT: the runs end in order, inconclusive, nothing left ---------------------------------
sed 's/"time_limit": 1}/"time_limit": 60}/' "$RUN/containment.json" >"$TMP/long.json"
"$WC" run "$TMP/long.json" >"$TMP/int.out" 2>&1 &
pid=$!
sleep 1
kill -INT "$pid"
waited=0
while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
if kill -0 "$pid" 2>/dev/null; then
	fail "wirecheck run was still running 5 s after SIGINT"
	kill -KILL "$pid"
fi
wait "$pid"
rc=$?
[ "$rc" -eq 3 ] || fail "an interrupted run exited $rc, expected 3 (inconclusive)"
grep -q "the run was interrupted before it ended" "$TMP/int.out" || fail "the interrupted run does not say so: $(cat "$TMP/int.out")"
leftovers "after SIGINT"

# ---- hostile programs through the command ------------------------------------------------------
status 1 "$WC" run "$RUN/containment.json"
grep -q "the forker was still running when its time limit ran out" "$TMP/out" || fail "the verdict does not say why: $(cat "$TMP/out")"
leftovers "after the hostile programs"

# ---- as a user without privileges: user namespaces ------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
	if setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c "test -x '$WC' && test -r '$RUN/tcp-echo.json'" 2>/dev/null; then
		(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups env TMPDIR=/tmp "$WC" run "$RUN/tcp-echo.json" \
			"$RUN/udp-cut.json") >"$TMP/nobody.out" 2>&1
		rc=$?
		if [ "$rc" -eq 3 ] && grep -q "user namespace" "$TMP/nobody.out"; then
			echo "note: not run as an unprivileged user: $(grep -m1 'could not be made' "$TMP/nobody.out")"
		else
			[ "$rc" -eq 0 ] || fail "as user nobody, run exited $rc: $(cat "$TMP/nobody.out")"
		fi
	else
		echo "note: not run as an unprivileged user: user nobody cannot reach $WC"
	fi
fi

finish
