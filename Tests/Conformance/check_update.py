#!/usr/bin/env python3
"""Replays kpt's own `pkg update` tests (../shared/conformance/kpt-update) against a stoop binary.

Every case must match kpt's expected result, except the ones listed in
update-differences.txt, each with its reason. A listed case that passes is an error too, so the
list never goes stale.

usage: check_update.py SHARED_DIR STOOP_BINARY
"""
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))


def listed():
    known = {}
    with open(os.path.join(here, "update-differences.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            case, _, reason = line.partition(" ")
            known[case] = reason.strip()
    return known


def main():
    shared, binary = sys.argv[1], os.path.abspath(sys.argv[2])
    runner = os.path.join(shared, "conformance", "kpt-update", "run_part1.py")
    known = listed()
    with tempfile.TemporaryDirectory() as base:
        env = dict(os.environ, STOOP=binary, REPLAY_BASE=base)
        done = subprocess.run(
            [sys.executable, runner, "--no-kpt", "--jobs", "2"],
            env=env, capture_output=True, text=True)
        report = os.path.join(base, "results", "part1.json")
        if not os.path.exists(report):
            sys.stderr.write(done.stdout + done.stderr)
            sys.exit("kpt-update: the runner wrote no results")
        with open(report, encoding="utf-8") as f:
            cases = json.load(f)
    problems = []
    passed = 0
    for case in cases:
        result = case.get("stoop") or {}
        ok = result.get("ok") is True
        if ok:
            passed += 1
            if case["id"] in known:
                problems.append(f"{case['id']}: passes now; remove it from update-differences.txt")
        elif case["id"] not in known:
            detail = "; ".join(result.get("problems") or [])[:400]
            problems.append(f"{case['id']}: {detail}")
    print(f"kpt-update: {passed} of {len(cases)} match kpt's expected result, "
          f"{len(known)} listed differences")
    for problem in problems:
        print("  " + problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
