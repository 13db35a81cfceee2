#!/usr/bin/env python3
"""Built-ins bpftrace 0.17 lacks, or whose output depends on the machine,
each checked against a value the test computes itself: pton() against
inet_pton, strerror() against libc, cgroup_path() against /proc/PID/cgroup,
ppid against this test's pid, username against the password database,
ncpus against /sys, strftime() against the clock, strlen/strstr/
strcontains against Python's, signal() against a process that catches it,
errorf()/warnf() on stderr, the perf and raw stack modes; syscall_name()
against the ABI header, len() of stacks against the frames printed,
assert(), has_cpid and is_str() (bools: true/false), getopt() against the parameters the test passes, and
globmatch() against fnmatch.

Usage: run_builtins.py --sobt PATH [CHECK...]

Needs root. Prints "ok NAME" or "FAIL NAME" with the reason, then
"N passed, N failed"; exits non-zero on any failure.
"""
import datetime
import fnmatch
import ipaddress
import json
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
import tseries_graph  # noqa: E402
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


def check_char_pointer_strings():
    """strlen() and strcap() of a char pointer (a syscall's path, in user
    memory): the path's length, at most the default string length
    (BPFTRACE_STRLEN: 64 here; bpftrace's strnlen(p, default_str_length()))."""
    with tempfile.TemporaryDirectory(prefix="sobtstrlen") as tmp:
        short = os.path.join(tmp, "a")
        long = os.path.join(tmp, "x" * 90)
        opener = ("import os, sys, time\ntime.sleep(1)\n"
                  "for p in sys.argv[1:]:\n    try: os.open(p, os.O_RDONLY)\n    except OSError: pass\n")
        program = ('tracepoint:syscalls:sys_enter_openat '
                   '/pid == cpid && strcontains(str(args.filename), "sobtstrlen")/ { '
                   'printf("%d %d %s\\n", strlen(args.filename), strcap(args.filename), '
                   'str(args.filename)); if (++@n == 2) { exit(); } }')
        rc, out, err = sobt(program, "-c", "%s -c '%s' %s %s" % (sys.executable, opener, short, long))
        if rc != 0:
            raise TestFailure("exit status %d, stderr %r" % (rc, err))
        got = [tuple(int(x) for x in line.split()[:2]) for line in out.splitlines()
               if re.match(r"\d+ \d+ /", line)]
        expect("strlen, strcap of a path", got, [(len(short), len(short)), (64, 64)])


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


def check_syscall_name():
    """syscall_name(nr) against the kernel ABI header's __NR_ table (the
    test reads its text; sobt's table comes from the C preprocessor)."""
    header = pathlib.Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h").read_text()
    numbers = {int(m.group(2)): m.group(1)
               for m in re.finditer(r"^#define __NR_(\w+) (\d+)$", header, re.MULTILINE)}
    chosen = sorted(numbers)[::37] + [max(numbers)]
    program = "BEGIN { %s exit(); }" % " ".join(
        'printf("%%s\\n", syscall_name(%d));' % n for n in chosen)
    expect("syscall_name", lines_of(program), [numbers[n] for n in chosen])
    expect("syscall_name(unknown)", lines_of("BEGIN { print(syscall_name(99999)); exit(); }"),
           ["99999"])


def check_len_stack():
    """len(kstack) is the number of frames kstack prints in the same probe;
    len(kstack(2)) is at most 2; len(ustack) likewise."""
    program = ('tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { '
               '$k = len(kstack); $k2 = len(kstack(2)); $u = len(ustack); '
               'printf("%d %d %d\\n", $k, $k2, $u); '
               'print(kstack); print(ustack); exit(); }')
    rc, out, err = sobt(program, "-c", "%s -c 'import os, time; time.sleep(1); os.getppid()'"
                        % sys.executable)
    if rc != 0:
        raise TestFailure("exit status %d, stderr %r" % (rc, err))
    lines = out.splitlines()[1:]
    counts = [int(x) for x in lines[0].split()]
    blocks = "\n".join(lines[1:]).split("\n\n")
    frames = [[f for f in block.splitlines() if f.strip()] for block in blocks if block.strip()]
    expect("len(kstack), len(kstack(2)), len(ustack)", counts,
           [len(frames[0]), min(2, len(frames[0])), len(frames[1])])
    # deeper than one measuring piece: 40 nested calls, frame pointers kept
    with tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "deep_stack")
        subprocess.run(["gcc", "-O0", "-fno-omit-frame-pointer", "-o", target,
                        str(pathlib.Path(__file__).resolve().parent / "deep_stack.c")], check=True)
        rc, out, err = sobt('tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { '
                            '$u = len(ustack); $u5 = len(ustack(5)); printf("%d %d\\n", $u, $u5); '
                            'print(ustack); exit(); }', "-c", target + " 40")
    lines = out.splitlines()[1:]
    frames = [f for f in lines[1:] if f.strip()]
    if rc != 0 or len(frames) < 40:
        raise TestFailure("deep stack: exit %d, %d frames, stderr %r" % (rc, len(frames), err))
    expect("len(ustack), len(ustack(5)) of a deep stack", lines[0], "%d 5" % len(frames))


def check_assert_has_cpid():
    """assert() reports at its call and stops the probe; has_cpid is 1 only
    with -c; assert_str() of a string compiles to nothing."""
    rc, out, err = sobt('BEGIN { assert_str(comm); assert(1 == 1, "holds"); printf("a\\n"); '
                        'assert(2 < 1, "two"); printf("b\\n"); }')
    expect("assert output", out.splitlines()[1:2], ["a"])
    if "b" in out.splitlines() or not re.search(r"^stdin:1:\d+-\d+: ERROR: assert failed: two$",
                                                  err, re.MULTILINE):
        raise TestFailure("assert: stdout %r stderr %r" % (out, err))
    expect("has_cpid", lines_of("BEGIN { print(has_cpid); exit(); }"), ["false"])
    expect("has_cpid -c", lines_of("BEGIN { print(has_cpid()); exit(); }", "-c", "true"), ["true"])
    # the type predicates are bools too, printed as current bpftrace prints them
    expect("is_str", lines_of('BEGIN { print((is_str("a"), is_str(1), is_integer(1))); exit(); }'),
           ["(true, false, true)"])


def check_globmatch():
    """globmatch() against Python's fnmatch.fnmatchcase (the same rules: `*`
    crosses `/`, `[!...]` negates, no escapes), on strings and patterns
    chosen to reach every kind of pattern item, and on comm."""
    strings = ["", "a", "abc", "hello", "a/b/c", "x-y", "[x]", "aaab", "abab", "sobt.bt"]
    patterns = ["*", "a*", "*c", "a?c", "h*l*o", "[a-c]*", "[!a-c]*", "*/*", "a*b*c", "?",
                "[]x]*", "[x-]-y", "*ab", "*a*a*b", "s?bt.[b]t", "[", "[a"]
    pairs = [(s, p) for s in strings for p in patterns]
    for start in range(0, len(pairs), 40):
        chunk = pairs[start:start + 40]
        program = "BEGIN { %s exit(); }" % " ".join(
            'printf("%%d\\n", globmatch("%s", "%s"));' % pair for pair in chunk)
        expect("globmatch %r" % (chunk,), lines_of(program),
               [str(int(fnmatch.fnmatchcase(s, p))) for s, p in chunk])
    expect("globmatch(comm)", lines_of('BEGIN { printf("%d %d\\n", globmatch(comm, "so*"), '
                                       'globmatch(comm, "so")); exit(); }'), ["1 0"])


def check_getopt():
    """getopt() against the named parameters the test passes after --, and
    the defaults it leaves to the program; positional ones around them."""
    given = {"aa": "20", "bb": None, "cc": "false", "dd": "text here"}
    args = ["--%s" % k if v is None else "--%s=%s" % (k, v) for k, v in given.items()]
    program = ('BEGIN { print((getopt("aa", 1), getopt("bb"), getopt("cc", true), '
               'getopt("dd", "x", "description"), getopt("ee", -7), getopt("ff", "def"), '
               'getopt("gg"), str($1), str($2), $#)); exit(); }')
    result = harness.run([SOBT, "-e", program, "p1", "--", args[0], "p2", *args[1:]], 60)
    result.raise_if_timed_out()
    rc, out, err = result.status, result.out, result.err
    if rc != 0:
        raise TestFailure("exit status %d, stderr %r" % (rc, err))
    expected = "(%d, %s, %s, %s, %d, %s, %s, p1, p2, 2)" % (
        int(given["aa"]), "true", "false", given["dd"], -7, "def", "false")
    expect("getopt", out.splitlines()[1], expected)
    # -- --help lists what the program reads, and runs nothing
    result = harness.run([SOBT, "-e", program, "--", "--help"], 60)
    expect("-- --help", (result.status, result.out.splitlines()), (0, [
        "PROGRAM OPTIONS:",
        "    %-24s (default: 1)" % "--aa=INT",
        "    %-24s (default: false)" % "--bb",
        "    %-24s (default: true)" % "--cc",
        "    %-24s description (default: \"x\")" % "--dd=STRING",
        "    %-24s (default: -7)" % "--ee=INT",
        "    %-24s (default: \"def\")" % "--ff=STRING",
        "    %-24s (default: false)" % "--gg"]))
    # a named parameter nothing reads is a mistake, as is a value of the wrong kind
    for extra, message in (("--zz=1", 'ERROR: Unknown program option --zz: no getopt("zz") reads it'),
                           ("--aa=x", "Program option --aa expects an integer value")):
        result = harness.run([SOBT, "-e", program, "--", extra], 60)
        if result.status != 1 or message not in result.err:
            raise TestFailure("%s: status %d, stderr %r" % (extra, result.status, result.err))


def check_comm_of_pid():
    """comm(pid) in an interval and a tracepoint probe (the program types
    whose kfuncs this kernel allows) names a process this test starts, as
    /proc/PID/comm does; a pid that has ended gives "N/A" and bpftrace's
    warning at the call's span."""
    with tempfile.TemporaryDirectory() as tmp:
        named = pathlib.Path(tmp) / "sobt-comm-x"
        named.write_bytes(pathlib.Path("/bin/sleep").read_bytes())
        named.chmod(0o755)
        child = subprocess.Popen([str(named), "30"])
        ended = subprocess.Popen(["true"])
        ended.wait()
        try:
            want = pathlib.Path("/proc/%d/comm" % child.pid).read_text().strip()
            expect("the child's comm", want, "sobt-comm-x")
            call = "comm(%d)" % ended.pid
            program = ('interval:ms:1 { printf("%%s %%s\\n", comm(%d), %s); exit(); }'
                       % (child.pid, call))
            rc, out, err = sobt(program)
            expect("exit status", rc, 0)
            expect("stdout", out.splitlines()[1], "%s N/A" % want)
            start = program.index(call) + 1
            expect("stderr", err, "stdin:1:%d-%d: WARNING: No such process (pid=%d)\n"
                   % (start, start + len(call), ended.pid))
            # in a tracepoint: the traced child's own name and its parent's (sobt)
            rc, out, err = sobt('tracepoint:syscalls:sys_enter_getppid /pid == cpid/ { '
                                'printf("%s %s %s\\n", comm(pid), comm, comm(ppid)); exit(); }',
                                "-c", "%s -c 'import os, time; time.sleep(1); os.getppid()'"
                                % sys.executable)
            expect("tracepoint exit status", rc, 0)
            name = pathlib.Path(sys.executable).name[:15]  # comm: the name exec was given
            expect("tracepoint", out.splitlines()[1], "%s %s sobt" % (name, name))
        finally:
            child.kill()
            child.wait()


TSERIES_SCRIPT = (
    'i:ms:%d { @n++; $v = (@n * 7 %% 11) - 5; $a = nsecs(tai); @ = tseries($v, 100ms, %d%s); '
    '$b = nsecs(tai); printf("%%lld %%lld %%d\\n", $a, $b, $v); if (@n == %d) { exit(); } }')


def recorded_tseries(every_ms, intervals, agg, writes, *options):
    """Runs the script; returns (stdout, [(tai, value)]). A write whose two
    clock readings fall in different intervals leaves its interval unknown
    to the test: run again (three times at most)."""
    program = TSERIES_SCRIPT % (every_ms, intervals, "" if agg == "last" else ', "%s"' % agg,
                                writes)
    for _ in range(3):
        rc, out, err = sobt(program, *options)
        if rc != 0:
            raise TestFailure("exit status %d, stderr %r" % (rc, err))
        lines = out.splitlines()
        if options:  # -f json: the printf lines are documents
            docs = [json.loads(line) for line in lines if line.startswith("{")]
            lines = [d["data"].rstrip("\n") for d in docs if d["type"] == "printf"]
        recorded = [tuple(int(x) for x in line.split()) for line in lines
                    if re.fullmatch(r"\d+ \d+ -?\d+", line)]
        if len(recorded) != writes:
            raise TestFailure("%d writes recorded, not %d: %r" % (len(recorded), writes, out))
        if all(a // 100_000_000 == b // 100_000_000 for a, b, _ in recorded):
            return out, [(a, v) for a, _, v in recorded]
    raise TestFailure("every run wrote across an interval boundary")


def check_tseries():
    """tseries()'s graph, for each way of combining an interval's values
    and with intervals that have none, against the graph tseries_graph.py
    draws from the values the script recorded (with their CLOCK_TAI
    times); and its -f json form."""
    offset = tseries_graph.tai_offset_ns()
    for every_ms, intervals, agg, writes in ((40, 8, "last", 25), (40, 8, "avg", 25),
                                             (40, 6, "max", 20), (40, 6, "min", 20),
                                             (40, 6, "sum", 20), (250, 10, "last", 6)):
        out, writes_seen = recorded_tseries(every_ms, intervals, agg, writes)
        points = tseries_graph.window(writes_seen, 100_000_000, intervals, agg)
        want = "@:\n" + tseries_graph.graph(points, 100_000_000, offset) + "\n"
        start = out.find("@:\n")
        expect("tseries %s every %dms" % (agg, every_ms), out[start:start + len(want)], want)
    out, writes_seen = recorded_tseries(40, 5, "sum", 15, "-f", "json")
    docs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    got = [d for d in docs if d["type"] == "tseries"]
    points = tseries_graph.window(writes_seen, 100_000_000, 5, "sum")
    expect("tseries -f json", got, [{"type": "tseries", "data": {
        "@": tseries_graph.json_points(points, 100_000_000, offset)}}])


CHECKS = {
    "pton": check_pton,
    "strerror": check_strerror,
    "cgroup_path": check_cgroup_path,
    "task": check_task,
    "probetype": check_probetype,
    "clocks": check_clocks,
    "strftime": check_strftime,
    "strings": check_strings,
    "char_pointer_strings": check_char_pointer_strings,
    "signal": check_signal,
    "errorf_warnf": check_errorf_warnf,
    "stack_modes": check_stack_modes,
    "syscall_name": check_syscall_name,
    "len_stack": check_len_stack,
    "assert_has_cpid": check_assert_has_cpid,
    "getopt": check_getopt,
    "globmatch": check_globmatch,
    "comm_of_pid": check_comm_of_pid,
    "tseries": check_tseries,
}


def run_check(sobt, name):
    global SOBT
    SOBT = sobt
    CHECKS[name]()


if __name__ == "__main__":
    checks_main.main(__doc__, CHECKS, run_check)
