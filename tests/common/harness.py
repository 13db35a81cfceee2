"""What the Python test runners share: running tracers (sobt, or bpftrace 0.17
as the reference) and reporting results the same way everywhere.

A runner imports it from this folder, found from its own path:

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
    import harness  # noqa: E402

The pieces, in the order a runner meets them:

  setup     sobt_and_names() reads the argv "SOBT [NAME]..."; require()
            checks root, executables and tracefs (mounting it if needed)
            and fails loudly through fail_setup() ("RUNNER: FAIL: why" on
            stderr, "0 passed, 1 failed", exit status 1); nothing skips.
  running   run() (or start() then finish()) runs a program to its end under
            a timeout, in a process group of its own that is killed whole on
            timeout, and returns a Result; drop_noise() removes bpftrace
            0.17's harmless warnings from its stderr.
  tracing   Tracer streams a running tracer's stdout line by line
            (wait_for_line, wait_for_lines, stop with SIGINT, kill);
            trace_workload() is a whole test on real events: tracer, ready
            line, workload, SIGINT, checks; TestFailure is what checks raise.
  results   Tally prints "ok NAME" / "FAIL NAME" and its report, and the
            closing "N passed, N failed" with the exit status; run_cases()
            is the usual loop around it; quoted() indents output for a report.
"""
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
SCRIPTS = REPO / "scripts"
TRACEFS = pathlib.Path("/sys/kernel/tracing")

# The reference tracer, Debian's bpftrace 0.17.
BPFTRACE = shutil.which("bpftrace") or "/usr/bin/bpftrace"

# What bpftrace 0.17 prints on stderr of its own accord: it cannot raise
# RLIMIT_MEMLOCK (harmless where BPF memory is charged to cgroups), and its
# "Addrspace is not set" warning. Neither says anything about the test.
BPFTRACE_NOISE = ("couldn't set RLIMIT_MEMLOCK", "WARNING: Addrspace is not set")


class TestFailure(Exception):
    """A check that did not hold; its text is the reason shown under FAIL."""


# ---------------------------------------------------------------------------
# Setup: what every test needs, or a loud failure.


def runner_name():
    """The running script's name without .py, e.g. "run_diff"."""
    return pathlib.Path(sys.argv[0]).stem


def fail_setup(message):
    """The runner cannot run its tests: says why on stderr, counts it as one
    failure on stdout and exits with status 1."""
    print("%s: FAIL: %s" % (runner_name(), message), file=sys.stderr)
    print("0 passed, 1 failed")
    sys.stdout.flush()
    sys.exit(1)


def require(root=None, executables=(), tracepoint=None):
    """What the runner needs, or fail_setup(): root (root says why it is
    needed), every path of executables an executable file, and tracepoint
    ("net/net_dev_xmit") in tracefs, which is mounted here if it is not."""
    if root and os.geteuid() != 0:
        fail_setup("must run as root (%s)" % root)
    for path in executables:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            fail_setup("not an executable: %s" % path)
    if tracepoint:
        if not (TRACEFS / "events").is_dir():
            subprocess.run(["mount", "-t", "tracefs", "nodev", str(TRACEFS)])
        if not (TRACEFS / "events" / tracepoint).is_dir():
            fail_setup("tracefs is not mounted at %s and could not be mounted, or this "
                       "kernel lacks the tracepoint %s" % (TRACEFS, tracepoint))


def sobt_and_names(known):
    """(SOBT, names) from the argv "SOBT [NAME]...", all of known when no
    name is given; exits (status 1) without SOBT or for an unknown name."""
    if len(sys.argv) < 2:
        sys.exit("usage: %s.py SOBT [NAME]...  (NAME: %s)" % (runner_name(), " ".join(known)))
    unknown = [n for n in sys.argv[2:] if n not in known]
    if unknown:
        sys.exit("%s: no such test: %s (known: %s)"
                 % (runner_name(), " ".join(unknown), " ".join(known)))
    return sys.argv[1], sys.argv[2:] or list(known)


# ---------------------------------------------------------------------------
# Running a program to its end.


def drop_noise(text):
    """stderr (str or bytes) without the lines of BPFTRACE_NOISE."""
    if isinstance(text, bytes):
        noise = [n.encode() for n in BPFTRACE_NOISE]
        return b"".join(line for line in text.splitlines(keepends=True)
                        if not any(n in line for n in noise))
    return "".join(line for line in text.splitlines(keepends=True)
                   if not any(n in line for n in BPFTRACE_NOISE))


def kill_group(proc):
    """SIGKILL to proc's process group (proc and all it started); reaps proc."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


class Result:
    """How a program run by run() or finish() ended. status is its exit
    status, or None when it timed out (timed_out; it was killed, and stdout
    and stderr hold what it wrote until then). stdout and stderr are bytes
    (empty when not captured); out and err are them decoded."""

    def __init__(self, argv, pid, status, stdout, stderr, timed_out, timeout):
        self.argv = argv
        self.pid = pid
        self.status = status
        self.stdout = stdout or b""
        self.stderr = stderr or b""
        self.timed_out = timed_out
        self.timeout = timeout

    @property
    def out(self):
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self):
        return self.stderr.decode("utf-8", "replace")

    def raise_if_timed_out(self):
        """Returns self, or raises TestFailure when the program timed out."""
        if self.timed_out:
            raise TestFailure("timed out after %s s: %s" % (self.timeout, " ".join(self.argv)))
        return self


def start(argv, input_pipe=False, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
          env=None, cwd=None):
    """Starts argv in a session (so a process group) of its own. stdin is
    /dev/null, or a pipe with input_pipe (for finish()'s input)."""
    return subprocess.Popen([str(a) for a in argv],
                            stdin=subprocess.PIPE if input_pipe else subprocess.DEVNULL,
                            stdout=stdout, stderr=stderr, env=env, cwd=cwd,
                            start_new_session=True)


def finish(proc, timeout, input=None):
    """Waits up to timeout seconds for a program from start(), feeding it
    input (bytes), and collects its output; on timeout kills its whole
    process group. Returns a Result."""
    try:
        out, err = proc.communicate(input, timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, err = proc.communicate()
        timed_out = True
    return Result(proc.args, proc.pid, None if timed_out else proc.returncode,
                  out, err, timed_out, timeout)


def run(argv, timeout, input=None, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=None, cwd=None):
    """start() then finish(): argv to its end, or killed after timeout
    seconds. input is bytes for its stdin (else /dev/null); stdout may be a
    file, stderr subprocess.STDOUT. Returns a Result."""
    proc = start(argv, input is not None, stdout, stderr, env, cwd)
    return finish(proc, timeout, input)


# ---------------------------------------------------------------------------
# A tracer that runs while the test makes events.


class Tracer:
    """A tracer process in a process group of its own, whose stdout is
    collected line by line as it runs (output(), wait_for_line()) and whose
    stderr, without BPFTRACE_NOISE, is collected for reports (stderr)."""

    def __init__(self, argv, env=None):
        self.argv = [str(a) for a in argv]
        self.lines = []
        self.stderr = b""
        self._eof = False
        self._cond = threading.Condition()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, start_new_session=True)
        self._readers = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self):
        # Whole chunks, not lines, so that a flood of output is read as fast
        # as it comes and never blocks the tracer.
        pending = b""
        for chunk in iter(lambda: self.proc.stdout.read1(65536), b""):
            *complete, pending = (pending + chunk).split(b"\n")
            if complete:
                with self._cond:
                    self.lines.extend(line.decode("utf-8", "replace") for line in complete)
                    self._cond.notify_all()
        with self._cond:
            if pending:
                self.lines.append(pending.decode("utf-8", "replace"))
            self._eof = True
            self._cond.notify_all()

    def _read_stderr(self):
        self.stderr = drop_noise(self.proc.stderr.read())

    def drain(self):
        """Once the tracer has exited: reads the rest of its output (up to
        5 s per stream, as a process it started may hold the pipes)."""
        for reader in self._readers:
            reader.join(5)

    def _wait_until(self, found, what, timeout):
        """Waits until found(lines) holds; TestFailure when the tracer exits
        first or timeout seconds pass."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not found(self.lines):
                if self._eof and self.proc.poll() is not None:
                    raise TestFailure("tracer exited (status %s) before printing %s"
                                      % (self.proc.returncode, what))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TestFailure("tracer did not print %s within %d s" % (what, timeout))
                self._cond.wait(min(left, 0.2))

    def wait_for_line(self, pattern, timeout):
        """Waits for a line matching the regex pattern (re.search)."""
        regex = re.compile(pattern)
        scanned = [0]

        def found(lines):
            hit = any(regex.search(line) for line in lines[scanned[0]:])
            scanned[0] = len(lines)
            return hit

        self._wait_until(found, "/%s/" % pattern, timeout)

    def wait_for_lines(self, count, timeout):
        """Waits until the tracer has printed count lines."""
        self._wait_until(lambda lines: len(lines) >= count, "%d lines" % count, timeout)

    def running(self):
        return self.proc.poll() is None

    def signal(self, signum):
        """Sends signum to the tracer (not its group) if it still runs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signum)

    def wait(self, timeout):
        """The exit status as soon as the tracer exits (drain() then reads
        the rest of its output), or None if it still runs after timeout
        seconds (it is left running)."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, repeat_sigint=False, timeout=60):
        """SIGINT, as Ctrl-C would; returns the exit status. TestFailure (and
        the tracer killed) when it has not exited within timeout seconds.

        repeat_sigint works around a race in bpftrace 0.17: a SIGINT that
        arrives while it is between two waits for events is noted but not acted
        on until the next event, which may never come (seen about once in ten
        runs, blocked in epoll_wait with the signal already handled). A second
        SIGINT interrupts that wait. sobt gets exactly one.

        The SIGINT is repeated only while the tracer has printed nothing since
        the first: once its exit output has begun it is acting on the signal,
        and a second SIGINT during its teardown (detaching 700 tracepoints
        takes 0.17 tens of seconds) kills it."""
        with self._cond:
            printed_before = len(self.lines)
        self.signal(signal.SIGINT)
        try:
            if repeat_sigint:
                deadline = time.monotonic() + timeout
                while self.proc.poll() is None and time.monotonic() < deadline:
                    try:
                        self.proc.wait(timeout=3)
                    except subprocess.TimeoutExpired:
                        with self._cond:
                            exiting = len(self.lines) > printed_before
                        if not exiting:
                            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TestFailure("tracer did not exit within %d s of SIGINT" % timeout)
        self.drain()
        return self.proc.returncode

    def kill(self):
        """Kills the tracer's process group if the tracer still runs, and
        reads the rest of its output."""
        if self.proc.poll() is None:
            kill_group(self.proc)
        self.drain()

    def output(self):
        """The stdout lines so far, without their newlines."""
        with self._cond:
            return list(self.lines)

    def stderr_text(self):
        return self.stderr.decode("utf-8", "replace")

    def report(self, reason):
        """A failure report: the reason, the tracer's argv, its stdout and
        its stderr, as indented lines."""
        lines = ["  %s" % reason,
                 "  tracer: %s" % " ".join(self.argv),
                 "  --- tracer stdout:"] + quoted(self.output())
        if self.stderr:
            lines += ["  --- tracer stderr:"] + quoted(self.stderr_text().splitlines())
        return lines


def trace_workload(argv, ready, workload, check, start_timeout, settle_s, linger_s,
                   repeat_sigint=False, describe=None, stop_timeout=60):
    """One test on real events: start the tracer argv, wait up to
    start_timeout s for a line matching ready and settle_s more (it may still
    be attaching), run workload() to make the events, wait linger_s for the
    last of them, stop the tracer with SIGINT (repeated for bpftrace 0.17,
    see Tracer.stop) and require exit status 0, then check(lines, made)
    with made what workload() returned; check raises TestFailure.
    stop_timeout is how long the tracer may take to exit after the SIGINT.

    Returns None, or the report of the failure: Tracer.report() and, once
    workload() has returned, describe(made) (a list of lines)."""
    tracer = Tracer(argv)
    made = None
    try:
        tracer.wait_for_line(ready, start_timeout)
        time.sleep(settle_s)
        made = workload()
        time.sleep(linger_s)
        status = tracer.stop(repeat_sigint=repeat_sigint, timeout=stop_timeout)
        if status != 0:
            raise TestFailure("tracer exited with status %d after SIGINT" % status)
        check(tracer.output(), made)
        return None
    except TestFailure as failure:
        tracer.kill()
        report = tracer.report(failure)
        if made is not None and describe:
            report += describe(made)
        return "\n".join(report)
    finally:
        tracer.kill()


# ---------------------------------------------------------------------------
# Results.


def quoted(lines, prefix="  | "):
    """Output lines indented for a failure report."""
    return [prefix + line for line in lines]


class Tally:
    """Prints one "ok NAME" or "FAIL NAME" (with its report on the lines
    after) per test and counts them; finish() prints "N passed, N failed"
    and returns the exit status."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, name):
        self.passed += 1
        print("ok %s" % name)
        sys.stdout.flush()

    def fail(self, name, report=None):
        """name may carry a short reason ("NAME: why"); report is a text or
        a list of lines, printed under it."""
        self.failed += 1
        print("FAIL %s" % name)
        if report is not None:
            print(report if isinstance(report, str) else "\n".join(report))
        sys.stdout.flush()

    def record(self, name, report):
        """ok when report is None, else FAIL with the report."""
        if report is None:
            self.ok(name)
        else:
            self.fail(name, report)

    def exit_status(self):
        return 1 if self.failed else 0

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.stdout.flush()
        return self.exit_status()


def run_check_suite(doc, checks, run_check):
    """The main of a runner of named checks: argv "--sobt PATH --target PATH
    [CHECK...]" (every check when none is named); run_check(name, sobt,
    target) runs one and raises TestFailure when it fails. Needs root.
    Exits with the tally's status."""
    import argparse
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--sobt", required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("checks", nargs="*", metavar="CHECK", help=" ".join(checks))
    args = ap.parse_args()
    unknown = [c for c in args.checks if c not in checks]
    if unknown:
        ap.error("no such check: %s" % " ".join(unknown))
    sobt, target = os.path.abspath(args.sobt), os.path.abspath(args.target)
    require(root="it loads BPF programs", executables=[sobt, target])
    tally = Tally()
    for name in args.checks or list(checks):
        try:
            run_check(name, sobt, target)
            tally.ok(name)
        except TestFailure as failure:
            tally.fail(name, "  " + str(failure).replace("\n", "\n  "))
    sys.exit(tally.finish())


def expect(what, got, wanted):
    """Raise TestFailure unless got == wanted, saying both."""
    if got != wanted:
        raise TestFailure("%s: expected %r, got %r" % (what, wanted, got))


def run_cases(cases, run_one, name=str):
    """For each case, run_one(case) returns None when it passed or the
    failure report, or raises TestFailure (reported as "  REASON"); prints
    ok/FAIL under name(case) and the closing line; returns the exit status."""
    tally = Tally()
    for case in cases:
        try:
            report = run_one(case)
        except TestFailure as failure:
            report = "  %s" % failure
        tally.record(name(case), report)
    return tally.finish()


# ---------------------------------------------------------------------------
# Suites that trace a workload program (integration, integration3).


def add_tracer_arguments(parser, self_check_help):
    """--tracer, --self-check, --bpftrace, --trafficgen, --list and the test
    names, as the tracing suites take them."""
    parser.add_argument("--tracer", help="the sobt binary under test")
    parser.add_argument("--self-check", action="store_true", help=self_check_help)
    parser.add_argument("--bpftrace", default=BPFTRACE)
    parser.add_argument("--trafficgen", help="the trafficgen binary")
    parser.add_argument("--list", action="store_true", help="list the tests")
    parser.add_argument("names", nargs="*", help="run only these tests")


class SuiteContext:
    """What a tracing suite's tests get besides their name: whether they run
    under bpftrace (self_check) and a scratch directory (tmpdir)."""

    def __init__(self, self_check, tmpdir):
        self.self_check = self_check
        self.tmpdir = tmpdir


def run_tracer_suite(parser, args, tests, run_test, make_context, tmp_prefix):
    """main() of a tracing suite once --list is handled: check the arguments
    and the machine (root, executables, tracefs), run the named tests (all
    by default) as run_test(name, tracer, trafficgen, context), print ok/FAIL
    per test and the closing line; returns the exit status."""
    if not args.trafficgen:
        parser.error("--trafficgen PATH is required")
    tracer = args.bpftrace if args.self_check else args.tracer
    if not tracer:
        parser.error("--tracer PATH is required (or use --self-check)")
    unknown = [n for n in args.names if n not in tests]
    if unknown:
        parser.error("no such test: %s (see --list)" % ", ".join(unknown))
    require(root="tracing needs it", executables=[tracer, args.trafficgen],
            tracepoint="net/net_dev_xmit")
    with tempfile.TemporaryDirectory(prefix=tmp_prefix) as tmpdir:
        context = make_context(args.self_check, tmpdir)
        return run_cases(args.names or list(tests),
                         lambda name: run_test(name, tracer, args.trafficgen, context))
