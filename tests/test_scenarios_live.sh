#!/bin/sh
# test_scenarios_live.sh — the bundled scenarios, live: every reference run passes, and
# every faulty variant fails the checks it declares, with the words it declares in their
# reasons and nothing inconclusive. Skips (77) where network namespaces cannot be made.
TEST=scenarios-live; . "$(dirname "$0")/lib.sh"
SCEN="$SRC/scenarios"

"$WC" run "$SRC/tests/fixtures/run/tcp-echo.json" --report json:"$TMP/probe.json" 2>"$TMP/probe.err"
if [ $? -eq 3 ] && grep -q '"why":"the live run could not be made: .*namespace' "$TMP/probe.json"; then
	echo "SKIP: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["scenarios"][0]["why"])' "$TMP/probe.json")"
	exit 77
fi

# ---- the reference runs, all at once -----------------------------------------------------
"$WC" run "$SCEN" -j 3 --report json:"$TMP/all.json" >"$TMP/all.out" 2>&1
rc=$?
python3 - "$TMP/all.json" >"$TMP/all.txt" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["scenarios"]:
    if s["verdict"] != "pass":
        bad = [c for c in s["checks"] if c["verdict"] != "pass"]
        print("%s: %s (%s)" % (s["name"], s["verdict"], s["why"] or "; ".join("%s %s: %s" % (c["path"], c["verdict"], c["reason"]) for c in bad)))
EOF
[ "$rc" -eq 0 ] || fail "the reference runs exited $rc: $(cat "$TMP/all.txt") $(tail -5 "$TMP/all.out")"

# ---- every faulty variant, three at a time ------------------------------------------------
python3 - "$WC" "$SCEN" "$TMP" >"$TMP/variants.txt" 2>&1 <<'EOF'
import concurrent.futures, glob, json, os, subprocess, sys
wc, scen, tmp = sys.argv[1:4]
jobs = []
for path in sorted(glob.glob(os.path.join(scen, "*.json"))):
    for v in json.load(open(path)).get("variants", []):
        jobs.append((path, v))

def run(job):
    path, v = job
    out = os.path.join(tmp, "variant-%s-%s.json" % (os.path.basename(path)[:-5], v["name"]))
    p = subprocess.run([wc, "run", path, "--variant", v["name"], "--report", "json:" + out],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    where = "%s --variant %s" % (os.path.basename(path), v["name"])
    if p.returncode != 1:
        return "%s: exited %d, expected 1 (a check failed): %s" % (where, p.returncode, p.stderr.strip()[-300:])
    s = json.load(open(out))["scenarios"][0]
    problems = []
    for c in s["checks"]:
        if c["verdict"] == "inconclusive":
            problems.append("%s %s is inconclusive: %s" % (c["path"], c["check"], c["reason"]))
    for f in v["fails"]:
        failed = [c for c in s["checks"] if c["check"] == f["check"] and c["verdict"] == "fail"
                  and c["path"] == f.get("expect", c["path"])]
        if not failed:
            problems.append("%s did not fail" % f["check"])
        elif "reason" in f and not any(f["reason"] in c["reason"] for c in failed):
            problems.append("%s failed without the words \"%s\": %s" % (f["check"], f["reason"],
                            " | ".join(c["reason"] for c in failed)))
    return "; ".join("%s: %s" % (where, p) for p in problems)

with concurrent.futures.ThreadPoolExecutor(3) as ex:
    results = list(ex.map(run, jobs))
print("%d variants" % len(jobs))
for r in results:
    if r:
        print("BAD", r)
EOF
grep -q '^[0-9]* variants$' "$TMP/variants.txt" || fail "the variants did not run: $(cat "$TMP/variants.txt")"
grep '^BAD ' "$TMP/variants.txt" | while read -r line; do echo "FAIL: ${line#BAD }"; done
grep -q '^BAD ' "$TMP/variants.txt" && fail "some variants did not fail as declared"
head -1 "$TMP/variants.txt"

finish
