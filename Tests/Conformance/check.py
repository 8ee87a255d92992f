#!/usr/bin/env python3
"""Runs ../shared/conformance (kpt e2e and catalog cases) against a stoop binary.

Every case must pass, except the ones listed in known-failures.txt, each with its reason. A
listed case that passes is an error too, so the list never goes stale.

usage: check.py SHARED_DIR STOOP_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))


def known_failures():
    known = {}
    with open(os.path.join(here, "known-failures.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            case, _, reason = line.partition(" ")
            known[case] = reason.strip()
    return known


def main():
    shared, binary = sys.argv[1], os.path.abspath(sys.argv[2])
    known = known_failures()
    problems = []
    totals = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    suites = [("kpt-e2e", []), ("catalog", ["--image-pull-policy", "never"])]
    for suite, extra in suites:
        with tempfile.TemporaryDirectory() as tmp:
            report = os.path.join(tmp, "report.json")
            subprocess.run(
                [sys.executable, os.path.join(shared, "conformance", "run.py"),
                 os.path.join(shared, "conformance", suite), "--kpt", binary, "-j", "2",
                 "--json", report] + extra,
                stdout=subprocess.DEVNULL, check=False)
            with open(report, encoding="utf-8") as f:
                results = json.load(f)["results"]
        for result in results:
            name = suite + "/" + result["case"]
            status = result["status"]
            totals[status] = totals.get(status, 0) + 1
            if status == "FAIL" and name not in known:
                problems.append("FAIL %s: %s" % (name, result.get("reason", "")))
            elif status == "PASS" and name in known:
                problems.append("PASS %s, listed as a known failure: remove it from known-failures.txt" % name)
            elif status == "FAIL":
                print("known failure %s (%s)" % (name, known[name]))
    print("conformance: %d passed, %d failed (%d known), %d skipped" % (
        totals["PASS"], totals["FAIL"], len([k for k in known]), totals["SKIP"]))
    for problem in problems:
        print(problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
