#!/usr/bin/env python3
"""SIGTERM and SIGINT stop sobt under load: END runs and its output appears,
and sobt exits with status 0 within a bound, however many records are
queued. The load is a tracepoint that fires on every context switch, with
an action per record that is slow (system(): a fork and exec each, which
themselves switch context and so refill the queue), floods (printf) or reads
a file (cat).

Usage: signals_under_load.py SOBT [NAME]...

Each case waits until sobt is plainly running (its output has started),
sends one signal, and measures until exit. bpftrace 0.17 takes ~0.3 s here;
the bound leaves room for a loaded CI machine. Ends with "N passed, N
failed"; needs root and tracefs.
"""
import pathlib
import signal
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402

BOUND_S = 3.0
RUNNING_LINES = 20  # output lines that show tracing has started
START_TIMEOUT_S = 60

LOAD = "tracepoint:sched:sched_switch"
END = ' END { print("end"); }'
CASES = {
    "system_sigterm": ("SIGTERM", LOAD + ' { system("echo foo"); }' + END),
    "system_sigint": ("SIGINT", LOAD + ' { system("echo foo"); }' + END),
    "printf_sigterm": ("SIGTERM", LOAD + ' { printf("%s %d\\n", comm, pid); }' + END),
    "printf_sigint": ("SIGINT", LOAD + ' { printf("%s %d\\n", comm, pid); }' + END),
    "cat_sigterm": ("SIGTERM", LOAD + ' { cat("/proc/loadavg"); }' + END),
    "cat_sigint": ("SIGINT", LOAD + ' { cat("/proc/loadavg"); }' + END),
}


def check(sobt, signame, program):
    tracer = harness.Tracer([sobt, "--unsafe", "-e", program])
    try:
        tracer.wait_for_lines(RUNNING_LINES, START_TIMEOUT_S)
        started = tracer.running()
    except harness.TestFailure:
        started = False
    if not started:
        tracer.kill()
        return "never started (exit status %s); stderr:\n%s" % (tracer.proc.returncode,
                                                                 tracer.stderr_text())
    sent = time.monotonic()
    tracer.signal(getattr(signal, signame))
    status = tracer.wait(BOUND_S)
    if status is None:
        tracer.kill()
        return "still running %.1f s after %s: killed" % (BOUND_S, signame)
    took = time.monotonic() - sent
    tracer.drain()
    # END's output comes last, before the (empty) map dump.
    tail = [line for line in tracer.output() if line.strip()][-1:]
    problems = []
    if status != 0:
        problems.append("exit status %s" % status)
    if tail != ["end"]:
        problems.append("END's output is not the last line: %r" % tail)
    if problems:
        return "%s after %.2f s; stderr:\n%s" % ("; ".join(problems), took, tracer.stderr_text())
    print("   exited %.2f s after %s" % (took, signame))
    return None


def main():
    sobt, names = harness.sobt_and_names(CASES)
    harness.require(root="sobt loads BPF programs", executables=[sobt],
                    tracepoint="sched/sched_switch")
    return harness.run_cases(names, lambda name: check(sobt, *CASES[name]))


if __name__ == "__main__":
    sys.exit(main())
