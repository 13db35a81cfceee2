#!/usr/bin/env python3
"""Differential tests: run every tests/diff/cases/*.bt under bpftrace 0.17 (the
reference) and under sobt, and compare stdout byte for byte and the exit status.

Usage:
  run_diff.py --sobt PATH [--bpftrace PATH] [--cases DIR] [NAME...]
  run_diff.py --self-check [--runs 3]      # bpftrace on both sides

A case may give its program command-line arguments ($1, $2, ...) in a
first line of the form

  // args: 42 hello "two words"

(split as a shell would); both tracers get them after the file name.

--self-check validates the cases themselves: it runs bpftrace --runs times
and requires identical output every time, so a case whose output depends on
timing or on hash order cannot slip in.

Prints "ok NAME" or "FAIL NAME" followed by a unified diff for each case, and
a final "N passed, N failed" line; exits non-zero on any failure.
"""
import argparse
import difflib
import pathlib
import shlex
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "common"))
import harness  # noqa: E402

CASE_TIMEOUT_S = 30

# After this many timed-out runs the remaining cases are reported as failed
# without running them, so a tracer that hangs on everything cannot hold CI
# for cases x timeout.
MAX_TIMEOUTS = 3


class Run:
    def __init__(self, stdout, stderr, status):
        self.stdout = stdout
        self.stderr = stderr
        self.status = status


ARGS_PREFIX = "// args:"


def case_args(case):
    """The positional arguments a case declares on its first line, if any."""
    with open(case, encoding="utf-8") as f:
        first = f.readline().strip()
    return shlex.split(first[len(ARGS_PREFIX):]) if first.startswith(ARGS_PREFIX) else []


def run_tracer(tracer, case):
    """Run one tracer on one case file; stdin is closed so nothing waits on it."""
    result = harness.run([tracer, str(case)] + case_args(case), CASE_TIMEOUT_S)
    if result.timed_out:
        return Run(result.stdout, b"timed out after %d s\n" % CASE_TIMEOUT_S, "timeout")
    return Run(result.stdout, harness.drop_noise(result.stderr), result.status)


def describe(name, run):
    text = run.stdout.decode("utf-8", "replace").splitlines(keepends=True)
    text.append("[exit status: %s]\n" % run.status)
    return text


def compare(case, expected, actual, expected_name, actual_name):
    """Returns the failure report, or None when both runs agree."""
    if expected.stdout == actual.stdout and expected.status == actual.status:
        return None
    diff = difflib.unified_diff(
        describe(expected_name, expected),
        describe(actual_name, actual),
        fromfile="%s (%s)" % (case.name, expected_name),
        tofile="%s (%s)" % (case.name, actual_name),
    )
    report = "".join(diff)
    if actual.stderr:
        report += "--- %s stderr:\n%s" % (actual_name,
                                          actual.stderr.decode("utf-8", "replace"))
    return report


def find_cases(cases_dir, names):
    cases = sorted(cases_dir.glob("*.bt"))
    if names:
        wanted = set(n[:-3] if n.endswith(".bt") else n for n in names)
        cases = [c for c in cases if c.stem in wanted]
        missing = wanted - set(c.stem for c in cases)
        if missing:
            sys.exit("run_diff: no such case: %s" % ", ".join(sorted(missing)))
    if not cases:
        sys.exit("run_diff: no cases in %s" % cases_dir)
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sobt", help="the sobt binary under test")
    parser.add_argument("--bpftrace", default=harness.BPFTRACE,
                        help="the reference (default: bpftrace on PATH)")
    parser.add_argument("--cases", type=pathlib.Path, default=HERE / "cases")
    parser.add_argument("--self-check", action="store_true",
                        help="compare bpftrace with itself to validate the cases")
    parser.add_argument("--runs", type=int, default=3,
                        help="reference runs per case in --self-check (default 3)")
    parser.add_argument("names", nargs="*", help="run only these cases")
    args = parser.parse_args()

    if not args.self_check and not args.sobt:
        parser.error("--sobt PATH is required (or use --self-check)")
    harness.require(root="bpftrace and sobt load BPF programs",
                    executables=[args.bpftrace] + ([] if args.self_check else [args.sobt]))

    tally = harness.Tally()
    timeouts = 0
    for case in find_cases(args.cases, args.names):
        if timeouts >= MAX_TIMEOUTS:
            tally.fail(case.stem, "not run: %d runs timed out already" % timeouts)
            continue
        reference = run_tracer(args.bpftrace, case)
        runs = [reference]
        report = None
        if args.self_check:
            for _ in range(max(args.runs, 2) - 1):
                runs.append(run_tracer(args.bpftrace, case))
                report = compare(case, reference, runs[-1], "bpftrace", "bpftrace again")
                if report:
                    break
            if not report and reference.status == "timeout":
                report = "timed out\n"
        else:
            runs.append(run_tracer(args.sobt, case))
            report = compare(case, reference, runs[-1], "bpftrace", "sobt")
        timeouts += sum(1 for run in runs if run.status == "timeout")
        if not report:
            tally.ok(case.stem)
        else:  # Tally ends the report with a newline of its own.
            tally.fail(case.stem, report[:-1] if report.endswith("\n") else report)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
