#!/usr/bin/env python3
"""Built-ins bpftrace 0.17 lacks, or whose output depends on the machine,
each checked against a value the test computes itself: pton() against
inet_pton, strerror() against libc, cgroup_path() against /proc/PID/cgroup,
ppid against this test's pid, username against the password database,
ncpus against /sys, strftime() against the clock, strlen/strstr/
strcontains against Python's, signal() against a process that catches it,
errorf()/warnf() on stderr, and the perf and raw stack modes.

Usage: run_builtins.py --sobt PATH [CHECK...]

Needs root. Prints "ok NAME" or "FAIL NAME" with the reason, then
"N passed, N failed"; exits non-zero on any failure.
"""
import datetime
import ipaddress
import os
import pathlib
import pwd
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import harness  # noqa: E402
import checks_main  # noqa: E402
from harness import TestFailure, expect  # noqa: E402

SOBT = "sobt"


def sobt(program, *options, env=None, timeout=60):
    """Runs a program to its exit; returns (status, stdout, stderr)."""
    full_env = dict(os.environ, **(env or {}))
    result = harness.run([SOBT, *options, "-e", program], timeout, env=full_env)
    result.raise_if_timed_out()
    return result.status, result.out, result.err


def lines_of(program, *options, env=None):
    """The lines a program prints between "Attaching" and the map dump."""
    rc, out, err = sobt(program, *options, env=env)
    if rc != 0:
        raise TestFailure("exit status %d, stderr %r" % (rc, err))
    return [line for line in out.splitlines()[1:] if line]


def check_pton():
    for text in ("10.1.2.3", "255.255.255.0", "::1", "fe80::1:2", "2001:db8::ff00:42:8329"):
        packed = ipaddress.ip_address(text).packed
        got = lines_of('BEGIN { printf("%%s\\n", ntop(pton("%s"))); $a = pton("%s"); '
                       'printf("%%d %%d\\n", $a[0], $a[%d]); exit(); }'
                       % (text, text, len(packed) - 1))
        expect("ntop(pton(%s))" % text, got[0], str(ipaddress.ip_address(packed)))
        expect("pton(%s) bytes" % text, got[1], "%d %d" % (packed[0], packed[-1]))


def check_strerror():
    numbers = (1, 2, 13, 22, 110, 111)
    program = "BEGIN { %s exit(); }" % " ".join(
        'printf("%%s\\n", strerror(%d));' % n for n in numbers)
    expect("strerror", lines_of(program), [os.strerror(n) for n in numbers])


def check_cgroup_path():
    """sobt started inside a fresh cgroup2 group: cgroup is its id (the
    directory's inode), cgroup_path() names it as /proc/PID/cgroup does."""
    mounts = [line.split() for line in open("/proc/mounts")]
    roots = [m[1] for m in mounts if m[2] == "cgroup2"]
    if not roots:
        raise TestFailure("no cgroup2 hierarchy is mounted")
    group = pathlib.Path(roots[0]) / ("sobt-builtins-%d" % os.getpid())
    group.mkdir()
    try:
        script = 'echo $$ > %s/cgroup.procs && cat /proc/self/cgroup && exec "$@"' % group
        rc = subprocess.run(["sh", "-c", script, "sh", SOBT, "-e",
                             'BEGIN { printf("%d\\n%s\\n", cgroup, cgroup_path(cgroup)); '
                             'exit(); }'], capture_output=True, text=True, timeout=60)
        if rc.returncode != 0:
            raise TestFailure("exit status %d: %s" % (rc.returncode, rc.stderr))
        lines = [line for line in rc.stdout.splitlines() if line]
        v2 = [line for line in lines if line.startswith("0::")][0][3:]
        expect("cgroup", lines[-2], str(os.stat(group).st_ino))
        expect("cgroup_path, cgroup2 first", lines[-1].split(",")[0], "unified:" + v2)
    finally:
        group.rmdir()


def check_task():
    """ppid is this test (sobt's parent), pcomm sobt's own name, username
    root's, ncpus the possible CPUs."""
    possible = 0
    for part in open("/sys/devices/system/cpu/possible").read().strip().split(","):
        a, _, b = part.partition("-")
        possible += int(b or a) - int(a) + 1
    got = lines_of('BEGIN { printf("%d %d %s %s %d %d\\n", ppid, ppid(), pcomm, username, ncpus, '
                   'pid(init) == pid); exit(); }')
    expect("ppid ppid() pcomm username ncpus pid(init)==pid", got[0],
           "%d %d sobt %s %d 1" % (os.getpid(), os.getpid(), pwd.getpwuid(0).pw_name, possible))


def check_probetype():
    got = lines_of('BEGIN { printf("%s\\n", probetype); } interval:ms:1 { printf("%s\\n", '
                   'probetype); exit(); }')
    expect("probetype", got, ["special", "interval"])


def check_clocks():
    got = lines_of('BEGIN { $m = nsecs; $b = nsecs(boot); $t = nsecs(tai); $j = jiffies; '
                   'printf("%d %d %d %d\\n", $b >= $m, $t > $b, $j > 0, numaid); exit(); }')
    expect("boot >= monotonic, tai > boot, jiffies, numaid", got[0], "1 1 1 0")


def check_strftime():
    before = time.time()
    got = lines_of('BEGIN { printf("%s\\n", strftime("%Y-%m-%d %H:%M:%S.%f", nsecs)); exit(); }')
    after = time.time()
    when = datetime.datetime.strptime(got[0], "%Y-%m-%d %H:%M:%S.%f").timestamp()
    if not before - 1 <= when <= after + 1:
        raise TestFailure("strftime of nsecs says %s, the clock %s..%s" % (got[0], before, after))


STRINGS = [("hello", "ll"), ("hello", "lo"), ("hello", "x"), ("hello", ""), ("", ""),
           ("", "a"), ("abcabc", "cab"), ("aaab", "aab"), ("hi", "high")]


def check_strings():
    program = "BEGIN { %s exit(); }" % " ".join(
        '$h = "%s"; printf("%%d %%d %%d\\n", strlen($h), strstr($h, "%s"), strcontains($h, "%s"));'
        % (h, n, n) for h, n in STRINGS)
    wanted = ["%d %d %d" % (len(h), h.find(n), int(n in h)) for h, n in STRINGS]
    expect("strlen strstr strcontains", lines_of(program), wanted)


def check_signal():
    """signal("SIGUSR1") from the getppid tracepoint of a process that
    catches it and says so."""
    catcher = ("import os, signal, time, sys\n"
               "got = []\n"
               "signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))\n"
               "for _ in range(200):\n"
               "    os.getppid(); time.sleep(0.05)\n"
               "    if got: print('caught', got[0]); sys.exit(0)\n"
               "sys.exit(1)\n")
    tracer = harness.Tracer([SOBT, "--unsafe", "-e",
                             'tracepoint:syscalls:sys_enter_getppid /comm == "sobt-catcher"/ '
                             '{ signal("SIGUSR1"); exit(); }'])
    try:
        tracer.wait_for_line("Attaching", 30)
        child = subprocess.run(["python3", "-c", "import ctypes, sys; "
                                "ctypes.CDLL(None).prctl(15, b'sobt-catcher'); "
                                "exec(sys.argv[1])", catcher],
                               capture_output=True, text=True, timeout=30)
        expect("the catcher", child.stdout.strip(), "caught %d" % signal.SIGUSR1)
    finally:
        tracer.kill()


def check_errorf_warnf():
    """Each at its call's span (first column, one past the last), as
    bpftrace's documentation shows it: "stdin:1:9-62: ERROR: ..."."""
    error, warning = 'errorf("bad %d", 5)', 'warnf("odd %s", "x")'
    program = 'BEGIN { printf("a\\n"); %s; %s; exit(); }' % (error, warning)

    def span(call):
        start = program.index(call) + 1
        return "stdin:1:%d-%d" % (start, start + len(call))

    rc, out, err = sobt(program)
    expect("exit status", rc, 0)
    expect("stdout", out, "Attaching 1 probe...\na\n\n\n")
    expect("stderr", err, "%s: ERROR: bad 5\n%s: WARNING: odd x\n" % (span(error), span(warning)))
    rc, out, err = sobt(program, "--no-warnings")
    expect("stderr with --no-warnings", err, "%s: ERROR: bad 5\n" % span(error))


def check_stack_modes():
    """kstack in perf mode is "\\tADDR name+off", in raw mode "ADDR"; the
    environment's mode is the default, kstack(mode) overrides it."""
    perf = re.compile(r"^\t[0-9a-f]+ \S+\+\d+$")
    raw = re.compile(r"^[0-9a-f]+$")
    for env, program, pattern in (
            ({}, "BEGIN { print(kstack(perf, 3)); exit(); }", perf),
            ({}, "BEGIN { print(kstack(raw)); exit(); }", raw),
            ({"BPFTRACE_STACK_MODE": "perf"}, "BEGIN { print(kstack); exit(); }", perf),
            ({"BPFTRACE_STACK_MODE": "raw"}, "BEGIN { @[kstack] = count(); exit(); }", raw),
            ({"BPFTRACE_STACK_MODE": "raw"}, "BEGIN { print(kstack(bpftrace, 2)); exit(); }",
             re.compile(r"^        \S+\+\d+$"))):
        rc, out, err = sobt(program, env=env)
        frames = [line for line in out.splitlines()[1:] if line and not line.startswith(("@", "]"))]
        if rc != 0 or not frames or not all(pattern.match(f) for f in frames):
            raise TestFailure("%s %s: frames %r (stderr %r)" % (env, program, frames, err))


CHECKS = {
    "pton": check_pton,
    "strerror": check_strerror,
    "cgroup_path": check_cgroup_path,
    "task": check_task,
    "probetype": check_probetype,
    "clocks": check_clocks,
    "strftime": check_strftime,
    "strings": check_strings,
    "signal": check_signal,
    "errorf_warnf": check_errorf_warnf,
    "stack_modes": check_stack_modes,
}


def run_check(sobt, name):
    global SOBT
    SOBT = sobt
    CHECKS[name]()


if __name__ == "__main__":
    checks_main.main(__doc__, CHECKS, run_check)
