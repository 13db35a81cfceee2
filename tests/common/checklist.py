"""What the Python check scripts share (tests/cli, tests/install): a failure
with its reason, and the loop that runs named checks and reports them as
"ok NAME" / "FAIL NAME" and "N passed, N failed"."""
import subprocess
import sys


class CheckFailure(Exception):
    """A check found something wrong; the message says what."""


def expect(what, got, wanted):
    if got != wanted:
        raise CheckFailure("%s: expected %r, got %r" % (what, wanted, got))


def run_checks(checks, names, run_one):
    """Run checks[name] for each name (all of them when names is empty)
    through run_one(check), report each, and exit: 1 if any failed."""
    passed = failed = 0
    for name in names or list(checks):
        try:
            run_one(checks[name])
            print("ok %s" % name)
            passed += 1
        except (CheckFailure, OSError, subprocess.TimeoutExpired) as failure:
            print("FAIL %s\n  %s" % (name, failure))
            failed += 1
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
