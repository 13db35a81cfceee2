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
import os
import signal
import subprocess
import sys
import threading
import time

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


class Reader(threading.Thread):
    """Reads a pipe to its end so the tracer never blocks on it."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.data = bytearray()
        self.lock = threading.Lock()

    def run(self):
        for chunk in iter(lambda: self.pipe.read1(65536), b""):
            with self.lock:
                self.data += chunk

    def lines(self):
        with self.lock:
            return self.data.count(b"\n")

    def text(self):
        with self.lock:
            return bytes(self.data).decode(errors="replace")


def check(sobt, signame, program):
    proc = subprocess.Popen([sobt, "--unsafe", "-e", program], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    out, err = Reader(proc.stdout), Reader(proc.stderr)
    out.start()
    err.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while out.lines() < RUNNING_LINES and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if proc.poll() is not None or out.lines() < RUNNING_LINES:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return "never started (exit status %s); stderr:\n%s" % (proc.returncode, err.text())
    sent = time.monotonic()
    proc.send_signal(getattr(signal, signame))
    try:
        proc.wait(timeout=BOUND_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return "still running %.1f s after %s: killed" % (BOUND_S, signame)
    took = time.monotonic() - sent
    out.join(5)
    err.join(5)
    # END's output comes last, before the (empty) map dump.
    tail = [line for line in out.text().splitlines() if line.strip()][-1:]
    problems = []
    if proc.returncode != 0:
        problems.append("exit status %s" % proc.returncode)
    if tail != ["end"]:
        problems.append("END's output is not the last line: %r" % tail)
    if problems:
        return "%s after %.2f s; stderr:\n%s" % ("; ".join(problems), took, err.text())
    print("   exited %.2f s after %s" % (took, signame))
    return None


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: signals_under_load.py SOBT [NAME]...")
    if os.geteuid() != 0:
        print("FAIL: must run as root (sobt loads BPF programs)")
        print("0 passed, 1 failed")
        return 1
    sobt, names = sys.argv[1], sys.argv[2:] or list(CASES)
    passed = failed = 0
    for name in names:
        signame, program = CASES[name]
        report = check(sobt, signame, program)
        if report:
            failed += 1
            print("FAIL %s\n%s" % (name, report))
        else:
            passed += 1
            print("ok %s" % name)
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
