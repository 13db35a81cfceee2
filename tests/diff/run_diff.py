#!/usr/bin/env python3
"""Differential tests: run every tests/diff/cases/*.bt under bpftrace 0.17 (the
reference) and under sobt, and compare stdout byte for byte and the exit status.

Usage:
  run_diff.py --sobt PATH [--bpftrace PATH] [--cases DIR] [--format F] [NAME...]
  run_diff.py --self-check [--runs 3]      # bpftrace on both sides

A case's first comment lines may say how to run it:

  // args: 42 hello "two words"    positional parameters ($1, $2, ...), split
                                   as a shell would, after the file name
  // diff-args: --unsafe           options for both tracers, before it
  // diff-json-left-out: WHY       not run with --format json (0.17 is wrong)

--format json runs both tracers with `-f json` and also requires every
non-empty line of sobt's output to be one JSON document (json.loads); the
default, --format text, runs them as they are.

--self-check validates the cases themselves: it runs bpftrace --runs times
and requires identical output every time, so a case whose output depends on
timing or on hash order cannot slip in.

Prints "ok NAME" or "FAIL NAME" followed by a unified diff for each case, and
a final "N passed, N failed" line; exits non-zero on any failure.
"""
import argparse
import difflib
import json
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


def case_header(case, name):
    """The value of a `// NAME: value` line among the case's first comment
    lines, or None."""
    for line in case.read_text().splitlines():
        if not line.startswith("//"):
            break
        if line.startswith("// %s:" % name):
            return line.split(":", 1)[1].strip()
    return None


def run_tracer(tracer, case, output_format):
    """Run one tracer on one case file (see the header lines above); stdin is
    closed so nothing waits on it."""
    options = (case_header(case, "diff-args") or "").split()
    if output_format != "text":
        options = ["-f", output_format] + options
    params = shlex.split(case_header(case, "args") or "")
    result = harness.run([tracer] + options + [str(case)] + params, CASE_TIMEOUT_S)
    if result.timed_out:
        return Run(result.stdout, b"timed out after %d s\n" % CASE_TIMEOUT_S, "timeout")
    return Run(result.stdout, harness.drop_noise(result.stderr), result.status)


def describe(name, run):
    text = run.stdout.decode("utf-8", "replace").splitlines(keepends=True)
    text.append("[exit status: %s]\n" % run.status)
    return text


def json_lines_problem(run):
    """None when every non-empty line of the run's stdout is a JSON document,
    else a report naming the first line that is not."""
    for number, line in enumerate(run.stdout.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            json.loads(line)
        except ValueError as err:
            return "line %d is not JSON (%s): %r\n" % (number, err, line)
    return None


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
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="the output format both tracers print (-f); default text")
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
        # `// diff-json-left-out: WHY`: bpftrace 0.17's JSON for this case is
        # wrong in a way sobt does not copy (tests/README.md lists them).
        left_out = case_header(case, "diff-%s-left-out" % args.format)
        if left_out:
            print("left out %s (-f %s): %s" % (case.stem, args.format, left_out))
            continue
        if timeouts >= MAX_TIMEOUTS:
            tally.fail(case.stem, "not run: %d runs timed out already" % timeouts)
            continue
        reference = run_tracer(args.bpftrace, case, args.format)
        runs = [reference]
        report = None
        if args.self_check:
            for _ in range(max(args.runs, 2) - 1):
                runs.append(run_tracer(args.bpftrace, case, args.format))
                report = compare(case, reference, runs[-1], "bpftrace", "bpftrace again")
                if report:
                    break
            if not report and reference.status == "timeout":
                report = "timed out\n"
        else:
            runs.append(run_tracer(args.sobt, case, args.format))
            report = compare(case, reference, runs[-1], "bpftrace", "sobt")
            if not report and args.format == "json":
                report = json_lines_problem(runs[-1])
        timeouts += sum(1 for run in runs if run.status == "timeout")
        if not report:
            tally.ok(case.stem)
        else:  # Tally ends the report with a newline of its own.
            tally.fail(case.stem, report[:-1] if report.endswith("\n") else report)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
