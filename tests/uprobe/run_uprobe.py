#!/usr/bin/env python3
"""uprobes, uretprobes and usdt probes on uprobe_target (built by the suite:
target_main.c and friends), run with -c and with -p. The target prints what
it did (calls, sums of arguments and return values, how often its usdt
semaphore was up); each check derives its expectations from that report or
from the number of rounds, and, where bpftrace 0.17 has the feature, also
requires sobt's output to be byte-identical to bpftrace's.

Usage: run_uprobe.py --sobt PATH --target PATH [CHECK...]

Needs root and bpftrace. Prints "ok NAME" or "FAIL NAME" with the reason,
then "N passed, N failed"; exits non-zero on any failure.
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402
from harness import TestFailure, expect  # noqa: E402

ROUNDS = 5
T = L = SOBT = None  # the target, its library, sobt: set in main()


def tracer_run(argv, timeout=60, env=None, cwd=None):
    """(status, stdout, stderr) of a tracer run to its end."""
    environ = dict(os.environ, **(env or {}))
    r = harness.run([str(a) for a in argv], timeout, env=environ, cwd=cwd).raise_if_timed_out()
    return r.status, r.out, harness.drop_noise(r.err)


def both(args, **kwargs):
    """Runs sobt and bpftrace with the same arguments; their stdout and exit
    status must be the same. Returns sobt's (status, stdout, stderr)."""
    mine = tracer_run([SOBT] + args, **kwargs)
    ref = tracer_run([harness.BPFTRACE] + args, **kwargs)
    if mine[:2] != ref[:2]:
        raise TestFailure("sobt and bpftrace 0.17 differ for %s\n--- sobt (%s):\n%s%s\n"
                          "--- bpftrace (%s):\n%s%s" % (" ".join(map(str, args)), mine[0],
                                                       mine[1], mine[2], ref[0], ref[1], ref[2]))
    return mine


def report_of(stdout):
    """The target's report: {"add_numbers": {"calls": 5, ...}, ...}."""
    report = {}
    for line in stdout.splitlines():
        m = re.match(r"^(\w+) ((?:\w+=-?\d+ ?)+)$", line)
        if m:
            report[m.group(1)] = {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", m.group(2))}
    if "add_numbers" not in report:
        raise TestFailure("no report from the target in:\n" + stdout)
    return report


def map_values(stdout):
    """Single-line map entries: {"@name": "value", "@name[key]": "value"}."""
    return dict(re.findall(r"^(@[^:\n]*(?:\[[^\n]*\])?): (.*)$", stdout, re.M))


def expect_maps(stdout, wanted):
    got = map_values(stdout)
    for name, value in wanted.items():
        expect(name, got.get(name), str(value))


# ---------------------------------------------------------------------------


def check_c_counts(tmp):
    """-c: exact counts and sums of arguments and return values of C, C++ and
    library functions and usdt probes, the same as bpftrace's output."""
    script = tmp / "counts.bt"
    script.write_text(f"""
uprobe:{T}:add_numbers {{ @add_calls = count(); @add_args = sum(arg0 + arg1); }}
uprobe:{T}:add_numbers {{ @reg_di = sum(reg("di") == arg0); @reg_sp = sum(reg("sp") % 16 == 8); }}
uretprobe:{T}:add_numbers {{ @add_ret = sum(retval); }}
uprobe:{T}:mix_args {{ @mix_args = sum(arg0 + arg1 + arg2 + arg3 + arg4 + arg5); }}
uretprobe:{T}:mix_args {{ @mix_ret = sum(retval); }}
uretprobe:{T}:*_frame {{ @frames[probe] = sum(retval); }}
uretprobe:{T}:outer_frame {{ @outer_ret = sum(retval); }}
uprobe:{L}:lib_square {{ @sq_calls = count(); }}
uretprobe:{L}:lib_square {{ @sq_ret = sum(retval); }}
uretprobe:{T}:run_cpp {{ @cpp_ret = sum(retval); }}
uprobe:{T}:"sobt_test::Widget::compute" {{ @compute[probe] = sum(arg1); }}
uretprobe:{T}:*overloaded* {{ @overloaded[probe] = sum(retval); }}
uprobe:{T}:greet /str(arg0) == "sobt-2"/ {{ @greeted_2 = count(); }}
usdt:{T}:sobt_test:iteration {{ @it0 = sum(arg0); @it1 = sum(arg1); }}
usdt:{T}:sobt_test:opt_args {{ @opt = sum(arg0 + arg1 + arg2); }}
usdt:{T}:twice {{ @twice[probe] = count(); @twice_sum = sum(arg0); }}
usdt:{T}:sobt_test:negative {{ @neg = sum(arg0); }}
usdt:{T}:sobt_test:guarded {{ @guarded = count(); }}
""")
    status, out, err = both(["-c", f"{T} {ROUNDS}", script])
    expect("exit status", status, 0)
    r = report_of(out)
    sum_i = r["iteration"]["arg0"]
    expect_maps(out, {
        "@add_calls": r["add_numbers"]["calls"], "@add_args": r["add_numbers"]["args"],
        "@add_ret": r["add_numbers"]["ret"],
        # the first argument's register; the stack just after a call (ABI)
        "@reg_di": r["add_numbers"]["calls"], "@reg_sp": r["add_numbers"]["calls"], "@mix_args": r["mix_args"]["ret"],
        "@mix_ret": r["mix_args"]["ret"], "@outer_ret": r["outer_frame"]["ret"],
        "@sq_calls": r["lib_square"]["calls"], "@sq_ret": r["lib_square"]["ret"],
        "@cpp_ret": r["run_cpp"]["ret"],
        "@greeted_2": 1, "@it0": sum_i, "@it1": r["iteration"]["arg1"],
        "@opt": sum_i + 5 * ROUNDS + 7 * sum_i, "@neg": 2**64 - sum_i,
        "@guarded": r["guarded"]["enabled"],
        "@twice_sum": sum(i if i % 2 else i + 1000 for i in range(1, ROUNDS + 1)),
        f"@twice[usdt:{T}:sobt_test:twice]": ROUNDS,
        f"@compute[uprobe:{T}:_ZN9sobt_test6Widget7computeEi]": sum_i,
        f"@overloaded[uretprobe:{T}:_ZN9sobt_test10overloadedEi]": sum_i + ROUNDS,
        f"@overloaded[uretprobe:{T}:_ZN9sobt_test10overloadedEli]": sum_i + 2 * ROUNDS,
        # outer_frame(i) = middle_frame(i) + 1 = inner_frame(i) + 2 = 2 * i + 2
        f"@frames[uretprobe:{T}:inner_frame]": r["outer_frame"]["ret"] - 2 * ROUNDS,
        f"@frames[uretprobe:{T}:middle_frame]": r["outer_frame"]["ret"] - ROUNDS,
        f"@frames[uretprobe:{T}:outer_frame]": r["outer_frame"]["ret"],
    })
    expect("guarded enabled (the kernel raised the semaphore)", r["guarded"]["enabled"], ROUNDS)
    # two usdt sites of `twice`: Attaching counts sites
    expect("first line", out.splitlines()[0], "Attaching 22 probes...")


class WaitingTarget:
    """uprobe_target --wait: started first, told to run once tracers are
    attached, kept alive (stdin open) until close()."""

    def __init__(self, env=None):
        self.proc = subprocess.Popen([str(T), "--wait", str(ROUNDS)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        m = re.match(r"ready (\d+)", line)
        if not m:
            self.close()
            raise TestFailure("the target did not start: %r" % line)
        self.pid = int(m.group(1))

    def go(self):
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def close(self):
        """Lets it exit; returns its report text."""
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out


def trace_waiting_target(tracers, script, env=None, target_env=None):
    """Each tracer (argv before the script) attaches with -p to one waiting
    target; once all printed "go" (BEGIN), the target runs; they exit on
    their own (the script's exit()). Returns ([stdout...], target report)."""
    target = WaitingTarget(target_env)
    running = []
    try:
        environ = dict(os.environ, **(env or {}))
        running = [harness.Tracer(argv + ["-p", str(target.pid), "-e", script], env=environ)
                   for argv in tracers]
        for t in running:
            t.wait_for_line(r"^go$", 60)
        target.go()
        outputs = []
        for t in running:
            if t.wait(60) is None:
                raise TestFailure("\n".join(t.report("did not exit on its own")))
            t.drain()
            if t.proc.returncode != 0:
                raise TestFailure("\n".join(t.report("exit status %d" % t.proc.returncode)))
            outputs.append("\n".join(t.output()) + "\n")
        return outputs, report_of(target.close())
    finally:
        for t in running:
            t.kill()
        target.close()


def check_p_counts(tmp):
    """-p: both tracers on one live process at once (same pid, same names):
    targets left out, a library by name, user stacks and symbols, usdt with
    a semaphore; byte-identical output."""
    script = """BEGIN { printf("go\\n"); }
uprobe:add_numbers { @add[probe] = count(); @add_args = sum(arg0 + arg1); }
uprobe:libuprobe_target_lib:lib_square { @sq[probe, ustack(2)] = count(); }
uprobe:inner_frame { @stack[ustack] = count(); @func[func] = count(); }
uprobe:"sobt_test::Widget::compute" { @compute[ustack(1)] = count(); }
usdt:iteration { @it[probe] = sum(arg1); }
usdt:guarded { @guarded = count(); }
uprobe:work_done { exit(); }
"""
    (mine, ref), report = trace_waiting_target([[SOBT], [harness.BPFTRACE]], script)
    if mine != ref:
        raise TestFailure("sobt and bpftrace 0.17 differ:\n--- sobt:\n%s--- bpftrace:\n%s"
                          % (mine, ref))
    values = map_values(mine)
    adds = [v for k, v in values.items() if re.match(r"@add\[uprobe:/proc/\d+/root%s:add_numbers\]$"
                                                     % re.escape(str(T)), k)]
    expect("@add", adds, [str(report["add_numbers"]["calls"])])
    expect("@add_args", values.get("@add_args"), str(report["add_numbers"]["args"]))
    expect("@guarded", values.get("@guarded"), str(report["guarded"]["enabled"]))
    expect("guarded enabled", report["guarded"]["enabled"], ROUNDS)
    for frame in ("inner_frame+0", "middle_frame+", "outer_frame+", "main+",
                  "sobt_test::Widget::compute(int)+0", "lib_square+0"):
        if "\n    " + frame not in mine:
            raise TestFailure("no frame %s in:\n%s" % (frame, mine))


def check_c_scope(tmp):
    """-c limits usdt probes to the command (bpftrace(8): "USDT probes will
    only be attached to the child"), not uprobes (bpftrace 0.17 counts every
    process's calls there too): a second instance of the target, running
    meanwhile, is counted by the uprobe only. The command sleeps first and
    then execs the target (cpid stays its pid), so the other instance has
    finished its rounds by then. sobt only: 0.17 looks for the usdt probe in
    the command's first executable (the shell) and gives up."""
    child_rounds = ROUNDS + 2
    script = f"""BEGIN {{ printf("go\\n"); }}
uprobe:{T}:add_numbers {{ @add[pid == cpid] = count(); }}
usdt:{T}:sobt_test:iteration {{ @iteration[pid == cpid] = count(); }}
"""
    other = WaitingTarget()
    tracer = None
    try:
        command = f"/bin/sh -c 'sleep 1; exec {T} {child_rounds}'"
        tracer = harness.Tracer([SOBT, "-c", command, "-e", script])
        tracer.wait_for_line(r"^go$", 60)
        other.go()
        other_report = report_of(other.close())
        if tracer.wait(60) is None:
            raise TestFailure("\n".join(tracer.report("did not exit with its command")))
        tracer.drain()
        out = "\n".join(tracer.output()) + "\n"
    finally:
        if tracer:
            tracer.kill()
        other.close()
    expect_maps(out, {
        "@add[0]": other_report["add_numbers"]["calls"],
        "@add[1]": child_rounds,
        "@iteration[1]": child_rounds,
    })
    if "@iteration[0]" in out:
        raise TestFailure("a usdt probe fired outside the -c command:\n" + out)


LIST_PATTERNS = ["uprobe:{T}:*", "uretprobe:{T}:*frame", "usdt:{T}:*", "usdt:{T}:*:tw*",
                 "usdt:{T}:twice", "uprobe:{L}:*", "usdt:{L}:*", "uprobe:{T}:*overloaded*",
                 'uprobe:{T}:"sobt_test::overloaded(long, int)"', "uprobe:{D}/lib*:lib_square",
                 "uprobe:libc:mallo*"]


def check_lists(tmp):
    """-l for uprobes and usdt, byte-identical to bpftrace 0.17's listing."""
    for pattern in LIST_PATTERNS:
        pattern = pattern.format(T=T, L=L, D=T.parent)
        status, out, err = both(["-l", pattern])
        expect("exit status of -l %s" % pattern, status, 0)
        if not out:
            raise TestFailure("-l %s listed nothing" % pattern)


def check_exited_stacks(tmp):
    """-c: the target has exited when the maps print (and by the time the
    printf records are read): its stacks, func and usym still print names
    (bpftrace 0.17 prints addresses there)."""
    script = tmp / "stacks.bt"
    script.write_text(f"""
uprobe:{T}:inner_frame {{ @stacks[ustack] = count(); @funcs[func] = count(); }}
uprobe:{L}:lib_square {{ @lib[ustack(2)] = count(); }}
uprobe:{T}:work_done {{ printf("done in %s:%s\\n", func, ustack(2)); @sym[usym(arg0)] = count(); }}
""")
    status, out, err = tracer_run([SOBT, "-c", f"{T} {ROUNDS}", script])
    expect("exit status", status, 0)
    calls = report_of(out)["outer_frame"]["calls"]
    stack = re.search(r"^@stacks\[\n((?:    .*\n)+)\]: (\d+)$", out, re.M)
    if not stack:
        raise TestFailure("no @stacks entry in:\n" + out)
    frames = [f.strip() for f in stack.group(1).splitlines()]
    names = [re.sub(r"\+\d+$", "", f) for f in frames[:4]]
    expect("stack frames", names, ["inner_frame", "middle_frame", "outer_frame", "main"])
    expect("stack count", int(stack.group(2)), calls)
    expect_maps(out, {"@funcs[inner_frame]": calls})
    if not re.search(r"^@lib\[\n    lib_square\+0\n    main\+\d+\n\]: %d$" % calls, out, re.M):
        raise TestFailure("no library stack in:\n" + out)
    if not re.search(r"^done in work_done:\n\s+work_done\+0\n\s+main\+\d+\n", out, re.M):
        raise TestFailure("no printf of func and ustack in:\n" + out)


def check_busy_stacks(tmp):
    """A busy machine: a thousand process starts between attaching and the
    target's run fill the kernel's mmap-record ring many times over unless
    sobt reads it as it goes; the target (exec'd by the -c shell after
    them) still gets its stacks named, never another image's names."""
    script = tmp / "busy.bt"
    script.write_text(f"uprobe:{T}:inner_frame {{ @stacks[ustack] = count(); }}\n")
    command = f"sh -c 'i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done; exec {T} {ROUNDS}'"
    status, out, err = tracer_run([SOBT, "-c", command, script], timeout=120)
    expect("exit status", status, 0)
    calls = report_of(out)["outer_frame"]["calls"]
    stack = re.search(r"^@stacks\[\n((?:    .*\n)+)\]: (\d+)$", out, re.M)
    if not stack:
        raise TestFailure("no @stacks entry in:\n" + out)
    names = [re.sub(r"\+\d+$", "", f.strip()) for f in stack.group(1).splitlines()[:4]]
    expect("stack frames", names, ["inner_frame", "middle_frame", "outer_frame", "main"])
    expect("stack count", int(stack.group(2)), calls)


def check_cpp_lang(tmp):
    """The cpp language part: listed by demangled, quoted names; a quoted
    demangled name with its parameters picks one overload;
    BPFTRACE_NO_CPP_DEMANGLE keeps stacks mangled."""
    status, out, err = tracer_run([SOBT, "-l", f"uprobe:{T}:cpp:*overloaded*"])
    expect("-l with cpp", out, f'uprobe:{T}:cpp:"sobt_test::overloaded(int)"\n'
                               f'uprobe:{T}:cpp:"sobt_test::overloaded(long, int)"\n')
    script = (f'uprobe:{T}:cpp:"sobt_test::overloaded(long, int)" {{ @[probe] = count(); }} '
              f'uprobe:{T}:"sobt_test::Widget::compute" {{ @s[ustack(1)] = count(); }}')
    for env, shown in (({}, "sobt_test::Widget::compute(int)+0"),
                       ({"BPFTRACE_NO_CPP_DEMANGLE": "1"}, "_ZN9sobt_test6Widget7computeEi+0")):
        status, out, err = tracer_run([SOBT, "-c", f"{T} {ROUNDS}", "-e", script], env=env)
        expect("exit status", status, 0)
        expect_maps(out, {f"@[uprobe:{T}:_ZN9sobt_test10overloadedEli]": ROUNDS})
        if f"@s[\n    {shown}\n]: {ROUNDS}" not in out:
            raise TestFailure("no stack frame %s (env %s) in:\n%s" % (shown, env, out))


def check_lib_names(tmp):
    """uprobe:libNAME: with -c, the library the command's binary needs
    (through its RUNPATH); without a process, /etc/ld.so.cache (which does not
    know this one: an error). A usdt probe in a library (bpftrace 0.17 cannot
    find where it is)."""
    script = ("uprobe:libuprobe_target_lib:lib_square { @[probe] = count(); } "
              f"usdt:{L}:sobt_lib:squared {{ @squared = sum(arg0); }}")
    status, out, err = tracer_run([SOBT, "-c", f"{T} {ROUNDS}", "-e", script])
    expect("exit status", status, 0)
    expect_maps(out, {f"@[uprobe:{L.resolve()}:lib_square]": ROUNDS,
                      "@squared": report_of(out)["lib_square"]["ret"]})
    status, out, err = tracer_run([SOBT, "-e", script])
    expect("without -c: exit status", status, 1)
    expect("without -c: stderr", err.splitlines()[0], "stdin:1:1: ERROR: uprobe target file "
           "'libuprobe_target_lib' does not exist or is not executable")


def second_instruction(func):
    """(offset, address) of func's second instruction, from objdump."""
    nm = subprocess.run(["nm", str(T)], capture_output=True, text=True, check=True).stdout
    start = int(re.search(r"^([0-9a-f]+) T %s$" % func, nm, re.M).group(1), 16)
    dis = subprocess.run(["objdump", "-d", "--start-address=%#x" % start,
                          "--stop-address=%#x" % (start + 16), str(T)],
                         capture_output=True, text=True, check=True).stdout
    addrs = [int(a, 16) for a in re.findall(r"^\s+([0-9a-f]+):", dis, re.M)]
    return addrs[1] - start, addrs[1]


def check_offsets(tmp):
    """FUNC+OFFSET and an address, at an instruction: they fire once per
    call; inside an instruction or past the function: exact errors."""
    off, addr = second_instruction("add_numbers")
    script = (f"uprobe:{T}:add_numbers+{off} {{ @off = count(); }} "
              f"uprobe:{T}:{addr:#x} {{ @addr[probe] = count(); }}")
    status, out, err = tracer_run([SOBT, "-c", f"{T} {ROUNDS}", "-e", script])
    expect("exit status", status, 0)
    expect_maps(out, {"@off": ROUNDS, f"@addr[uprobe:{T}:{addr:#x}]": ROUNDS})
    for probe, message in ((f"uprobe:{T}:add_numbers+{off + 1}",
                            f"Could not add uprobe into middle of instruction: "
                            f"{T}:add_numbers+{off + 1}"),
                           (f"uprobe:{T}:add_numbers+100000",
                            "Offset outside the function bounds ('add_numbers' size is "),
                           (f"uretprobe:{T}:add_numbers+{off}", "Offset not allowed")):
        status, out, err = tracer_run([SOBT, "-e", probe + " {}"])
        expect("exit status of " + probe, status, 1)
        if not err.startswith("stdin:1:1: ERROR: " + message):
            raise TestFailure("%s: expected %r, got:\n%s" % (probe, message, err))


def check_semaphores(tmp):
    """Without the kernel's semaphore counting (SOBT_NO_UPROBE_REFCOUNT=1):
    -p raises the semaphore in that process, --usdt-file-activation in every
    process mapping the file, -c in the command held right after its exec."""
    script = 'BEGIN { printf("go\\n"); } usdt:guarded { @g = count(); } uprobe:work_done { exit(); }'
    env = {"SOBT_NO_UPROBE_REFCOUNT": "1"}
    (out,), report = trace_waiting_target([[SOBT]], script, env=env)
    expect("-p: guarded enabled", report["guarded"]["enabled"], ROUNDS)
    expect_maps(out, {"@g": ROUNDS})
    target = WaitingTarget()
    try:
        script = (f'BEGIN {{ printf("go\\n"); }} usdt:{T}:guarded {{ @g = count(); }} '
                  f'uprobe:{T}:work_done {{ exit(); }}')
        tracer = harness.Tracer([SOBT, "--usdt-file-activation", "-e", script],
                                env=dict(os.environ, **env))
        tracer.wait_for_line("^go$", 60)
        target.go()
        if tracer.wait(60) is None:
            raise TestFailure("--usdt-file-activation: the tracer did not exit")
        tracer.drain()
        expect_maps("\n".join(tracer.output()), {"@g": ROUNDS})
    finally:
        report = report_of(target.close())
    expect("--usdt-file-activation: guarded enabled", report["guarded"]["enabled"], ROUNDS)
    # -c: raised in the command once it has exec'd, before it runs
    status, out, err = tracer_run([SOBT, "-c", f"{T} {ROUNDS}", "-e",
                                   f"usdt:{T}:guarded {{ @g = count(); }}"], env=env)
    expect("-c: status", (status, err), (0, ""))
    expect("-c: guarded enabled", report_of(out)["guarded"]["enabled"], ROUNDS)
    expect_maps(out, {"@g": ROUNDS})


def check_wildcard_targets(tmp):
    """A target "*" (current bpftrace; 0.17 took it as a $PATH glob): with
    -p every file the process maps, found by the function it holds (the
    program's own add_numbers, the library's lib_square), each fired exactly
    once per round; without -p every file some running process maps (in a
    pid namespace of the test's, so that they are known: the target's);
    "lib*" is a path glob that names no file."""
    script = ('BEGIN { printf("go\\n"); } uprobe:*:add_numbers, uprobe:*:lib_square '
              '{ @[probe] = count(); } uprobe:*:work_done { exit(); }')
    (out,), report = trace_waiting_target([[SOBT]], script)
    values = map_values(out)
    add = [v for k, v in values.items() if re.match(r"@\[uprobe:/proc/\d+/root%s:add_numbers\]$"
                                                    % re.escape(str(T)), k)]
    square = [v for k, v in values.items()
              if re.match(r"@\[uprobe:/proc/\d+/root%s:lib_square\]$" % re.escape(str(L)), k)]
    expect("uprobe:*:add_numbers -p", add, [str(report["add_numbers"]["calls"])])
    expect("uprobe:*:lib_square -p", square, [str(report["lib_square"]["calls"])])
    expect("probes", len(values), 2)
    target = WaitingTarget()
    try:
        status, out, err = tracer_run([SOBT, "-p", str(target.pid), "-l", "uprobe:*:add_numbers"])
        expect("-p -l uprobe:*:add_numbers", (status, out, err),
               (0, "uprobe:/proc/%d/root%s:add_numbers\n" % (target.pid, T), ""))
    finally:
        target.close()
    # Without -p, in a pid namespace of its own (its /proc shows only its
    # processes): the target, a shell and sleep; sobt lists what they map.
    inside = (f'{{ sleep 60 | {T} --wait {ROUNDS} >/dev/null; }} & n=0; '
              f'until grep -qs libuprobe_target_lib /proc/[0-9]*/maps || [ $n -gt 300 ]; '
              f'do n=$((n + 1)); sleep 0.1; done; '
              f'exec {SOBT} -l "uprobe:*:lib_squar?" "uprobe:*:add_numbers"')
    status, out, err = tracer_run(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
                                   inside])
    expect("-l uprobe:*:... in a pid namespace", (status, out, err),
           (0, "uprobe:%s:lib_square\nuprobe:%s:add_numbers\n" % (L, T), ""))
    # a plain $PATH: meson's puts the library directory first, where lib*
    # names every library (each then read for lib_square)
    status, out, err = tracer_run([SOBT, "-e", "uprobe:lib*:lib_square { }"],
                                  env={"PATH": "/usr/bin:/bin"})
    expect("uprobe:lib*: status", status, 1)
    expect("uprobe:lib*: error", err.splitlines()[0],
           "stdin:1:1: ERROR: uprobe target file 'lib*' does not exist or is not executable")


def check_uaddr_pie(tmp):
    """uaddr() in a position-independent binary (the test program is one):
    uprobe and usdt programs read the symbol where the process loaded it, as
    current bpftrace does (bpftrace 0.17 read the file's address: 0 here).
    The semaphore the kernel raised reads 1, `enabled` the count the target
    reports. A uretprobe keeps the file's address, with a located warning."""
    script = (f"usdt:{T}:sobt_test:guarded {{ @g = count(); }} "
              f"uprobe:{T}:guarded_enabled_count {{ "
              f'@sem = max(*uaddr("sobt_test_guarded_semaphore")); '
              f'@v = max(*uaddr("enabled")); }}')
    status, out, err = tracer_run([SOBT, "-c", f"{T} {ROUNDS}", "-e", script])
    expect("exit status", status, 0)
    expect("warnings", "WARNING" in err, False)
    enabled = re.search(r"^guarded enabled=(\d+)$", out, re.M)
    if not enabled:
        raise TestFailure("no 'guarded enabled=N' line in:\n%s" % out)
    expect("guarded enabled", int(enabled.group(1)), ROUNDS)
    expect_maps(out, {"@g": ROUNDS, "@sem": 1, "@v": enabled.group(1)})
    prog = f'uretprobe:{T}:add_numbers {{ @ = *uaddr("enabled"); }}'
    status, out, err = tracer_run([SOBT, "--verify", "-e", prog])
    expect("exit status", status, 0)
    column = prog.index('"enabled"') + 1
    expect("warning", err.split("\n", 1)[0],
           f'stdin:1:{column}: WARNING: uaddr("enabled"): {T} is '
           "position-independent; this is the symbol's address in the file, not where a "
           "process loaded it (sobt relocates it in uprobe and usdt probes only)")


def check_errors(tmp):
    """Bad input: one clear error line (or the caret), exit status 1, and no
    process left behind."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    bad_interpreter = tmp / "bad_interpreter"
    bad_interpreter.write_text("#!/nonexistent/interpreter\n")
    bad_interpreter.chmod(0o755)
    arg2 = f"usdt:{T}:iteration {{ @ = arg2; }}"
    arg6 = f"uprobe:{T}:add_numbers {{ @ = arg6; }}"
    cases = [
        (["-p", str(gone.pid), "-e", "BEGIN {}"],
         "ERROR: no process with pid %d: No such process\n" % gone.pid),
        (["-p", "12ab", "-e", "BEGIN {}"], "ERROR: pid '12ab' is not a valid decimal number\n"),
        (["-c", "/nonexistent/command arg", "-e", "BEGIN {}"],
         "ERROR: Failed to fork child: path '/nonexistent/command' does not exist or is not "
         "executable\n"),
        (["-p", "1", "-c", str(T), "-e", "BEGIN {}"], "ERROR: -p and -c cannot be used together\n"),
        (["-c", str(bad_interpreter), "-e", f"uprobe:{T}:main {{}}"],
         "ERROR: Failed to start child '%s': No such file or directory\n" % bad_interpreter),
        (["-e", arg2], f"stdin:1:{arg2.index('arg2') + 1}: ERROR: usdt:{T}:sobt_test:iteration "
         "has 2 arguments: there is no arg2\n"),
        (["-e", arg6], f"stdin:1:{arg6.index('arg6') + 1}: ERROR: x86_64 doesn't support arg6\n"),
    ]
    for args, wanted in cases:
        status, out, err = tracer_run([SOBT] + args)
        expect("exit status of %s" % args, status, 1)
        expect("stderr of %s" % args, err.split("\n", 1)[0] + "\n", wanted)
    leftover = subprocess.run(["pgrep", "-f", str(bad_interpreter)], capture_output=True)
    expect("processes left behind", leftover.stdout, b"")
    # a command that never starts (a dry run) goes away at once, unrun
    status, out, err = tracer_run([SOBT, "--dry-run", "-c", f"{T} 1", "-e",
                                   f"uprobe:{T}:add_numbers {{}}"], timeout=30)
    expect("--dry-run -c: (status, stdout)", (status, out), (0, "Attaching 1 probe...\n"))


CHECKS = {name[6:]: fn for name, fn in globals().items() if name.startswith("check_")}


def run_check(name, sobt, target):
    global T, L, SOBT
    SOBT = sobt
    T = pathlib.Path(target)
    L = T.parent / "libuprobe_target_lib.so"
    if not harness.shutil.which(harness.BPFTRACE):
        harness.fail_setup("bpftrace (the reference) is missing: %s" % harness.BPFTRACE)
    with tempfile.TemporaryDirectory() as d:
        CHECKS[name](pathlib.Path(d))


if __name__ == "__main__":
    harness.run_check_suite(__doc__, CHECKS, run_check)
