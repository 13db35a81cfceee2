#!/usr/bin/env python3
"""Positional parameters ($1, $2, $#, str($N)) under sobt and bpftrace 0.17:
the same program with the same command-line arguments, stdout compared byte
for byte. Ends with "N passed, N failed"."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402

PROGRAM = ('BEGIN { printf("%d %d %s %d [%s]\\n", $#, $1, str($2), $1 * 2, str($3)); '
           '@[$1] = count(); exit(); }')
CASES = [["41", "hello"], ["0x10", "a b", "third"], []]


def run(tool, args):
    result = harness.run([tool, "-e", PROGRAM] + args, 60).raise_if_timed_out()
    return result.status, result.out


def compare(sobt, args):
    expected = run(harness.BPFTRACE, args)
    got = run(sobt, args)
    if got == expected:
        return None
    return "  bpftrace: %r\n  sobt:     %r" % (expected, got)


def main():
    sobt = sys.argv[1]
    harness.require(root="both tracers load BPF programs", executables=[sobt, harness.BPFTRACE])
    return harness.run_cases(CASES, lambda args: compare(sobt, args), name=repr)


if __name__ == "__main__":
    sys.exit(main())
