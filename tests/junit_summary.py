"""junit_summary.py FILE — read a JUnit XML report with junitparser, a JUnit consumer CI
tools use, and print what it understood one line each, so the shell tests compare
lines: the totals, each suite with its counts and properties, each case with its
result and message. Counts are recomputed from the cases and must agree with the
attributes the report wrote."""
import sys

from junitparser import Error, Failure, JUnitXml, Skipped


def case_line(case):
    results = list(case.result)
    if not results:
        return "pass", case.system_out or ""
    r = results[0]
    kind = {Failure: "failure", Skipped: "skipped", Error: "error"}.get(type(r), type(r).__name__)
    return kind, r.message or ""


def main(path):
    xml = JUnitXml.fromfile(path)
    suites = list(xml) if xml._tag == "testsuites" else [xml]
    print(f"testsuites tests={xml.tests} failures={xml.failures} skipped={xml.skipped} errors={xml.errors}")
    bad = 0
    for suite in suites:
        counts = {"pass": 0, "failure": 0, "skipped": 0, "error": 0}
        print(f"suite {suite.name} tests={suite.tests} failures={suite.failures} skipped={suite.skipped} "
              f"timestamp={suite.timestamp}")
        for prop in suite.properties():
            print(f"  property {prop.name}={prop.value}")
        for case in suite:
            kind, message = case_line(case)
            counts[kind] += 1
            print(f"  case {case.classname} | {case.name} | {kind} | {message}")
        if (suite.tests, suite.failures, suite.skipped) != (sum(counts.values()), counts["failure"], counts["skipped"]):
            print(f"  MISMATCH: the cases say {counts}")
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
