#!/usr/bin/env python3
"""Positional parameters ($1, $2, $#, str($N)) under sobt and bpftrace 0.17:
the same program with the same command-line arguments, stdout compared byte
for byte. Ends with "N passed, N failed"."""
import subprocess
import sys

PROGRAM = ('BEGIN { printf("%d %d %s %d [%s]\\n", $#, $1, str($2), $1 * 2, str($3)); '
           '@[$1] = count(); exit(); }')
CASES = [["41", "hello"], ["0x10", "a b", "third"], []]


def run(tool, args):
    proc = subprocess.run([tool, "-e", PROGRAM] + args, capture_output=True, text=True,
                          timeout=60)
    return proc.returncode, proc.stdout


def main():
    sobt = sys.argv[1]
    passed = failed = 0
    for args in CASES:
        expected = run("bpftrace", args)
        got = run(sobt, args)
        if got == expected:
            passed += 1
            print("ok %r" % (args,))
        else:
            failed += 1
            print("FAIL %r\n  bpftrace: %r\n  sobt:     %r" % (args, expected, got))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
