#!/usr/bin/env python3
"""trafficgen on its own, without a tracer: every mode runs and reports what
the integration tests rely on (ports, results, the connect/accept totals).
Needs root (--ping-overflow makes a network namespace)."""
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402

MIX = ["--tcp4", "2", "--tcp6", "1", "--tcp-size", "70000", "--udp4", "3", "--udp6", "2",
       "--refused", "1", "--inprogress", "1", "--udp-overflow", "20", "--ping-overflow", "5",
       "--loops", "2"]

EXPECTED = [  # (pattern, lines per loop)
    (r"^tcp4 127\.0\.0\.1:[1-9]\d* connect=ok sent=70000 received=70000$", 2),
    (r"^tcp6 \[::1\]:[1-9]\d* connect=ok sent=70000 received=70000$", 1),
    (r"^udp4 127\.0\.0\.1:[1-9]\d* connect=ok datagrams=3 size=1000 answered=3$", 1),
    (r"^udp6 \[::1\]:[1-9]\d* connect=ok datagrams=2 size=1000 answered=2$", 1),
    (r"^refused4 127\.0\.0\.1:[1-9]\d* connect=ECONNREFUSED$", 1),
    (r"^inprogress4 127\.0\.0\.1:[1-9]\d* connect=EINPROGRESS completed=ok$", 1),
    (r"^udp_overflow4 127\.0\.0\.1:[1-9]\d* rcvbuf=\d+ sent=20 size=1000$", 1),
    (r"^ping_overflow4 127\.0\.0\.1 rcvbuf=\d+ sent=5 size=1008$", 1),
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_trafficgen.py TRAFFICGEN")
    harness.require(executables=[sys.argv[1]])
    proc = harness.run([sys.argv[1]] + MIX, 120)
    lines = proc.out.splitlines()
    problems = []
    if proc.timed_out:
        problems.append("timed out after 120 s")
    elif proc.status != 0:
        problems.append("exit status %d: %s" % (proc.status, proc.err.strip()))
    for pattern, per_loop in EXPECTED:
        got = sum(1 for line in lines if re.match(pattern, line))
        if got != 2 * per_loop:
            problems.append("%d lines match %s, expected %d" % (got, pattern, 2 * per_loop))
    # Per loop: 3 TCP + 2 UDP + 1 refused + 1 in progress connects, 3 accepts.
    if not lines or lines[-1] != "total connect=14 accept=6":
        problems.append("last line %r, expected 'total connect=14 accept=6'"
                        % (lines[-1] if lines else ""))
    if len(lines) != 1 + 2 * sum(n for _, n in EXPECTED):
        problems.append("%d lines of output, expected %d"
                        % (len(lines), 1 + 2 * sum(n for _, n in EXPECTED)))
    tally = harness.Tally()
    for p in problems:
        tally.fail(p)
    if problems:
        print("--- output:\n" + proc.out)
    else:
        tally.ok("trafficgen")
    return tally.exit_status()


if __name__ == "__main__":
    sys.exit(main())
