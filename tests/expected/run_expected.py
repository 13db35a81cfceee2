#!/usr/bin/env python3
"""Expected-output tests for language that bpftrace 0.17 lacks (so the
differential suite cannot compare it): typed `let` declarations, as current
bpftrace documents them. Each cases/NAME.bt runs under sobt; its stdout must
equal cases/NAME.out byte for byte and its exit status must be 0. The .out
files are written by hand from bpftrace's documentation (docs/language.md:
"Variables and Maps", "Data Types"), not recorded from sobt.

Usage: run_expected.py --sobt PATH [NAME...]
Prints "ok NAME" or "FAIL NAME" with a diff, then "N passed, N failed".
"""
import argparse
import difflib
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
TIMEOUT_S = 30


# tseries graphs label their intervals in local time: a day-long interval
# starts at 00:00:00 in UTC (slotted_map_ops)
CASE_ENV = dict(os.environ, TZ="UTC0")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sobt", required=True)
    parser.add_argument("--cases", type=pathlib.Path, default=HERE / "cases")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run_expected: FAIL: must run as root (sobt loads BPF programs)")
    cases = sorted(args.cases.glob("*.bt"))
    if args.names:
        cases = [c for c in cases if c.stem in args.names]
    if not cases:
        sys.exit("run_expected: FAIL: no cases")
    passed = failed = 0
    for case in cases:
        expected = case.with_suffix(".out").read_text()
        # leading lines "// exit status: N" asks for that status (exit(N)),
        # "// args: ..." for sobt's options (-f json)
        want_status, options = 0, []
        for line in case.read_text().split("\n"):
            if line.startswith("// exit status:"):
                want_status = int(line.split(":")[1])
            elif line.startswith("// args:"):
                options = line.split(":", 1)[1].split()
            else:
                break
        try:
            proc = subprocess.run([args.sobt, "-q"] + options + [str(case)],
                                  stdin=subprocess.DEVNULL, env=CASE_ENV,
                                  capture_output=True, text=True, timeout=TIMEOUT_S)
            got, status, err = proc.stdout, proc.returncode, proc.stderr
        except subprocess.TimeoutExpired:
            got, status, err = "", "timeout", ""
        if got == expected and status == want_status:
            passed += 1
            print("ok %s" % case.stem)
            continue
        failed += 1
        print("FAIL %s (exit status %s)" % (case.stem, status))
        sys.stdout.writelines(difflib.unified_diff(
            expected.splitlines(keepends=True), got.splitlines(keepends=True),
            fromfile="expected", tofile="sobt"))
        if err:
            print("--- sobt stderr:\n" + err)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
