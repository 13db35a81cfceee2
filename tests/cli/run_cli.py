#!/usr/bin/env python3
"""The command line as a user meets it: the program on standard input, where
the output goes and what happens when it cannot be written, running without
root, and every option bpftrace has (-B, -f, -q, -v, -d, --info,
--no-warnings, --emit-elf, --emit-llvm) with its errors and exit statuses.
Each check runs sobt for real and asserts its exact output, stderr and exit
status; where bpftrace 0.17 has the option, sobt is compared with it.

Usage: run_cli.py --sobt PATH [--bpftrace PATH] [CHECK...]

Needs root (the checks that drop it do so themselves). Prints "ok NAME" or
"FAIL NAME" with the reason, then "N passed, N failed"; exits non-zero on any
failure.
"""
import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402
from harness import TestFailure, expect  # noqa: E402

HELLO = 'BEGIN { printf("hello %s\\n", str($1)); exit(); }'
BPFTRACE = "bpftrace"  # the reference, set in main()

def run(argv, stdin=None, stdout=subprocess.PIPE, **kwargs):
    result = harness.run(argv, 60, input=stdin, stdout=stdout, **kwargs).raise_if_timed_out()
    return result.status, result.out, result.err


def bpftrace_run(argv, **kwargs):
    """run() for bpftrace, its RLIMIT_MEMLOCK complaint left out of stderr."""
    rc, out, err = run([BPFTRACE] + argv, **kwargs)
    return rc, out, harness.drop_noise(err)


def check_stdin_program(sobt, tmp):
    rc, out, err = run([sobt, "-", "world"], stdin=HELLO.encode())
    expect("exit status", rc, 0)
    expect("stdout", out, "Attaching 1 probe...\nhello world\n\n\n")
    # Diagnostics name the program "stdin", as for -e.
    rc, out, err = run([sobt, "-"], stdin=b"BEGIN { printf(\"x\") exit(); }")
    expect("exit status of a bad program", rc, 1)
    expect("stderr", err, "stdin:1:21: ERROR: syntax error, unexpected identifier, "
                          "expecting } or ;\nBEGIN { printf(\"x\") exit(); }\n"
                          "                    ^~~~\n")


def check_output_full(sobt, tmp):
    rc, out, err = run([sobt, "-o", "/dev/full", "-e", HELLO])
    expect("exit status", rc, 1)
    expect("stderr", err, "ERROR: writing the output to /dev/full failed: "
                          "No space left on device\n")
    with open("/dev/full", "wb") as full:
        rc, out, err = run([sobt, "-e", HELLO], stdout=full)
    expect("exit status with stdout on /dev/full", rc, 1)
    expect("stderr", err, "ERROR: writing the output to standard output failed: "
                          "No space left on device\n")


def check_output_file(sobt, tmp):
    path = tmp / "out.txt"
    path.write_text("old contents that must go\n")
    rc, out, err = run([sobt, "-o", str(path), "-e", HELLO, "file"])
    # as bpftrace 0.17: the two empty lines before the map dump go to stdout
    expect("exit status", rc, 0)
    expect("stdout", out, "\n\n")
    expect("file", path.read_text(), "Attaching 1 probe...\nhello file\n")
    reference = tmp / "bpftrace.txt"
    want = bpftrace_run(["-o", str(reference), "-e", HELLO, "file"])[:2]
    expect("bpftrace's (exit status, stdout, file)", (want, reference.read_text()),
           ((rc, out), path.read_text()))


def check_output_symlink(sobt, tmp):
    target = tmp / "target"
    target.write_text("precious\n")
    link = tmp / "link"
    link.symlink_to(target)
    rc, out, err = run([sobt, "-o", str(link), "-e", HELLO])
    expect("exit status", rc, 1)
    expect("stderr", err, "ERROR: cannot write the output to %s: it is a symbolic link, "
                          "and sobt does not follow links for its output\n" % link)
    expect("the link's target", target.read_text(), "precious\n")


def check_not_root(sobt, tmp):
    # A copy that the unprivileged user can reach (the build tree may be in
    # root's home).
    copy = tmp / "sobt"
    shutil.copy(sobt, copy)
    os.chmod(tmp, 0o755)
    os.chmod(copy, 0o755)
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    wanted = ("ERROR: sobt must run as root: it reads tracefs and loads BPF programs "
              "(CAP_BPF, CAP_PERFMON)\n")
    for argv in (["-e", "t:syscalls:sys_enter_getpid { @ = count(); }"],
                 ["-e", "BEGIN { exit(); }"], ["-l", "tracepoint:syscalls:*"]):
        rc, out, err = run(drop + [str(copy)] + argv, cwd="/")
        expect("exit status of %s" % argv, rc, 1)
        expect("stderr of %s" % argv, err, wanted)
        expect("stdout of %s" % argv, out, "")

def expect_one_line_error(what, result):
    """A command-line error: exit status 1, nothing on stdout, one line on
    stderr starting with ERROR:."""
    rc, out, err = result
    expect("exit status of %s" % what, rc, 1)
    expect("stdout of %s" % what, out, "")
    if not re.fullmatch(r"ERROR: [^\n]+\n", err):
        raise TestFailure("%s: expected one ERROR line on stderr, got %r" % (what, err))


def check_bad_values(sobt, tmp):
    begin = ["-e", "BEGIN { exit(); }"]
    for argv in (["-B", "lines"] + begin, ["-f", "xml"] + begin,
                 ["--missing-probes=sometimes"] + begin, ["-dnothing"] + begin,
                 ["--nope"] + begin, ["-x"] + begin, ["-e"], ["-B"], ["--emit-elf"],
                 ["-kkk"] + begin, ["-q"], [str(tmp / "no-such-script.bt")],
                 ["--emit-llvm", str(tmp / "x"), "-d", "ir"] + begin):
        expect_one_line_error(" ".join(argv), run([sobt] + argv))
    # the messages bpftrace gives, in one line
    expect("-B's message", run([sobt, "-B", "x"] + begin)[2],
           "ERROR: -B must be either 'line', 'full', or 'none' (got 'x')\n")
    expect("-f's message", run([sobt, "-f", "xml"] + begin)[2],
           "ERROR: Invalid output format \"xml\" (valid formats: 'text', 'json')\n")


def check_exit_codes(sobt, tmp):
    rc, out, err = run([sobt, "--help"])
    expect("--help exit status", (rc, err), (0, ""))
    if not out.startswith("USAGE:"):
        raise TestFailure("--help prints %r" % out[:80])
    rc, out, err = run([sobt, "-V"])
    expect("-V exit status", (rc, err), (0, ""))
    # a bare sobt, as a bare bpftrace: the usage on stderr, exit status 1
    rc, out, err = run([sobt])
    expect("bare exit status", (rc, out), (1, ""))
    if not err.startswith("USAGE:"):
        raise TestFailure("a bare sobt prints %r" % err[:80])
    for tracer in (BPFTRACE, sobt):
        rc = run([tracer, "-e", "BEGIN { @x = foo(); }"])[0]
        expect("exit status of %s on a bad program" % tracer, rc, 1)


def first_line_after(argv, pattern):
    """Run argv; seconds until a stdout line matching pattern arrived, and
    until the process ended."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = None
    for line in proc.stdout:
        if first is None and re.match(pattern, line.decode(errors="replace")):
            first = time.monotonic() - start
    proc.wait(timeout=30)
    return first, time.monotonic() - start


def check_buffering(sobt, tmp):
    program = 'interval:ms:100 { printf("x\\n"); } interval:s:2 { exit(); }'
    for mode in (None, "line", "none", "full"):
        argv = [sobt] + (["-B", mode] if mode else []) + ["-e", program]
        first, end = first_line_after(argv, r"x$")
        if first is None:
            raise TestFailure("-B %s: no x line at all" % mode)
        if mode == "full" and first < end - 0.5:
            raise TestFailure("-B full: a line arrived at %.2f s, before the end at %.2f s"
                               % (first, end))
        if mode != "full" and first > end - 1.0:
            raise TestFailure("-B %s: the first line arrived at %.2f s, the end at %.2f s"
                               % (mode, first, end))


def check_json_output_file(sobt, tmp):
    # -o FILE -f json against bpftrace: the file holds the JSON lines, the two
    # empty lines before the map dump go to stdout
    program = 'BEGIN { printf("a \\"b\\"\\n"); @x[1, "k"] = count(); @h = hist(3); exit(); }'
    argv = ["-f", "json", "-o", "FILE", "-e", program]
    results = []
    for name, runner, tracer in (("bpftrace", bpftrace_run, []), ("sobt", run, [sobt])):
        path = tmp / (name + ".json")
        rc, out, err = runner(tracer + [str(path) if a == "FILE" else a for a in argv])
        results.append((rc, out, path.read_text()))
    expect("sobt (exit status, stdout, file) against bpftrace's", results[1], results[0])


def check_quiet(sobt, tmp):
    program = 'BEGIN { printf("q\\n"); @x = 3; exit(); }'
    for fmt in ("text", "json"):
        want = bpftrace_run(["-q", "-f", fmt, "-e", program])[:2]
        got = run([sobt, "-q", "-f", fmt, "-e", program])[:2]
        expect("-q -f %s (exit status, stdout) against bpftrace's" % fmt, got, want)


def check_emit_elf(sobt, tmp):
    path = tmp / "prog.o"
    rc, out, err = run([sobt, "--emit-elf", str(path), "-e",
                        'BEGIN { printf("must not run\\n"); exit(); }'])
    expect("exit status", (rc, out, err), (0, "", ""))
    rc, header, err = run(["readelf", "-h", str(path)])
    expect("readelf's exit status", (rc, err), (0, ""))
    if not re.search(r"Machine:\s+Linux BPF", header):
        raise TestFailure("not a BPF ELF:\n%s" % header)
    expect_one_line_error("--emit-elf into a missing directory",
                          run([sobt, "--emit-elf", str(tmp / "none" / "x.o"), "-e",
                               "BEGIN { exit(); }"]))


def check_emit_llvm(sobt, tmp):
    program = 'BEGIN { printf("hello llvm\\n"); exit(); }'
    rc, out, err = run([sobt, "--emit-llvm", str(tmp / "sobt"), "-e", program])
    expect("exit status and output (the program runs)", (rc, out),
           (0, "Attaching 1 probe...\nhello llvm\n\n\n"))
    ir = (tmp / "sobt.optimized.ll").read_text()
    if not (ir.startswith("; ModuleID") and re.search(r"^define ", ir, re.M)):
        raise TestFailure("sobt.optimized.ll is not LLVM IR:\n%s" % ir[:200])
    # the name is bpftrace's
    bpftrace_run(["--emit-llvm", str(tmp / "bpftrace"), "-e", program])
    if not (tmp / "bpftrace.optimized.ll").is_file():
        raise TestFailure("bpftrace wrote no bpftrace.optimized.ll: the name is wrong")


def info_sections(text):
    """{section: {key: value}} of --info's output."""
    sections, current = {}, None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            current = sections.setdefault(line, {})
        elif line.strip() and current is not None:
            key, _, value = line.strip().partition(": ")
            current[key] = value
    return sections


def check_info(sobt, tmp):
    rc, out, err = run([sobt, "--info"])
    expect("exit status and stdout (--info prints on stderr, as bpftrace)", (rc, out), (0, ""))
    ours = info_sections(err)
    theirs = info_sections(bpftrace_run(["--info"])[2])
    expect("--info's sections", list(ours), list(theirs))
    # the kernel is the same: where both name a feature they must agree
    for section in ("Kernel helpers", "Kernel features", "Map types", "Probe types"):
        for key, value in theirs[section].items():
            if key in ours[section]:
                expect("%s / %s" % (section, key), ours[section][key], value)
        if len(ours[section]) < 3:
            raise TestFailure("%s has only %s" % (section, ours[section]))


def check_no_warnings(sobt, tmp):
    # an attach point that names no kernel function: a compiler warning, then
    # a runtime one (missing_probes=warn skips it)
    argv = ["--missing-probes=warn", "-e",
            "kprobe:sobt_no_such_function { } BEGIN { printf(\"ran\\n\"); exit(); }"]
    rc, out, err = run([sobt] + argv)
    expect("exit status", rc, 0)
    if "WARNING: kernel function not found: sobt_no_such_function" not in err:
        raise TestFailure("the warning to silence is gone; stderr: %r" % err)
    expect("--no-warnings", run([sobt, "--no-warnings"] + argv), (0, out, ""))


# missing_probes (current bpftrace's config variable): one attach point of
# each kind that names something this system lacks. Its message as a
# located error (error, the default: 0.17's text), a located warning in
# current bpftrace's words (warn), or nothing (ignore); the rest still runs.
MISSING = [  # (attach point, error (0.17's text), warning (current bpftrace's))
    ("tracepoint:sched:sobt_nope", "tracepoint not found: sched:sobt_nope",
     "Tracepoint not found: sched:sobt_nope"),
    ("uprobe:/bin/sh:sobt_nope", "Could not resolve symbol: /bin/sh:sobt_nope", None),
    ("uretprobe:/bin/sh:sobt_nope", "Could not resolve symbol: /bin/sh:sobt_nope", None),
    ("uprobe:/sobt/no/such/file:f",
     "uprobe target file '/sobt/no/such/file' does not exist or is not executable",
     "Uprobe target file '/sobt/no/such/file' does not exist or is not executable"),
    ("usdt:/bin/sh:sobt:nope", "no usdt probe sobt:nope in /bin/sh",
     "No usdt probe sobt:nope in /bin/sh"),
    ("usdt:/sobt/no/such/file:p",
     "usdt target file '/sobt/no/such/file' does not exist or is not executable",
     "Usdt target file '/sobt/no/such/file' does not exist or is not executable"),
    ("rawtracepoint:sobt_nope",
     "raw tracepoint not found: sobt_nope (BTF has no btf_trace_sobt_nope)",
     "Raw tracepoint not found: sobt_nope (BTF has no btf_trace_sobt_nope)"),
    ("fentry:sobt_nope", "kernel function not found in BTF: sobt_nope",
     "Kernel function not found in BTF: sobt_nope"),
    ("fexit:sobt_nope", "kernel function not found in BTF: sobt_nope",
     "Kernel function not found in BTF: sobt_nope"),
    ("hardware:cache-misses:1000",
     "hardware:cache-misses: this machine has no hardware performance counters for it "
     "(perf_event_open of a PERF_TYPE_HARDWARE event: No such file or directory); a virtual "
     "machine without a virtual PMU has none", None),
]
RAN = 'BEGIN { printf("ran\\n"); exit(); }'


def check_missing_probes(sobt, tmp):
    _, ran_out, _ = run([sobt, "-e", RAN])
    for point, error, warning in MISSING:
        for mode in ("error", "warn", "ignore"):
            config = 'config = { missing_probes = "%s" } ' % mode
            program = config + point + " { } " + RAN
            rc, out, err = run([sobt, "-e", program])
            caret = " " * len(config) + "^" + "~" * (len(point) - 1)
            located = "stdin:1:%d: %%s: %%s\n%s\n%s\n" % (len(config) + 1, program, caret)
            if mode == "error":
                expect("%s, error" % point, (rc, out, err), (1, "", located % ("ERROR", error)))
            elif mode == "warn":
                expect("%s, warn" % point, (rc, out, err),
                       (0, ran_out, located % ("WARNING", warning or error)))
            else:
                expect("%s, ignore" % point, (rc, out, err), (0, ran_out, ""))
    # the environment wins over the script, as for every config variable
    program = 'config = { missing_probes = "error" } t:sched:sobt_nope { } ' + RAN
    expect("BPFTRACE_MISSING_PROBES=ignore", run([sobt, "-e", program],
                                                 env=dict(os.environ,
                                                          BPFTRACE_MISSING_PROBES="ignore")),
           (0, ran_out, ""))
    expect("BPFTRACE_MISSING_PROBES=bogus",
           run([sobt, "-e", RAN], env=dict(os.environ, BPFTRACE_MISSING_PROBES="bogus")),
           (1, "", "ERROR: Env var 'BPFTRACE_MISSING_PROBES': Invalid value for missing_probes: "
                   "valid values are ignore, warn, and error.\n"))
    # nothing left to attach
    expect("no probe left", run([sobt, "-e", 'config = { missing_probes = "ignore" } '
                                 "t:sched:sobt_nope { }"]), (1, "No probes to attach\n", ""))
    # an attach point that fails when attached (no kprobes on this kernel):
    # the reason, then current bpftrace's line
    program = 'config = { missing_probes = "warn" } kprobe:vfs_read { } ' + RAN
    rc, out, err = run([sobt, "-e", program])
    expect("kprobe failing at attach, warn", (rc, out.replace("2 probes", "1 probe"),
                                              err.splitlines()[-1:]),
           (0, ran_out, ["WARNING: Unable to attach probe: kprobe:vfs_read. Skipping."]))


def check_debug(sobt, tmp):
    program = 'BEGIN { printf("it ran\\n"); exit(); }'
    # bpftrace 0.17's -d: a dry run printing the AST and the IR
    for argv in (["-d", "-e", program], ["-e", program, "-d"]):
        rc, out, err = run([sobt] + argv)
        expect("exit status of %s" % argv, (rc, err), (0, ""))
        ran = re.search(r"^(it ran|Attaching .*)$", out, re.M)
        if not (out.startswith("Program\n") and "\ndefine " in out) or ran:
            raise TestFailure("%s printed:\n%s" % (argv, out))
    rc, out, err = run([sobt, "-dd", "-e", program])
    if rc != 0 or "\ndefine " not in out or not re.search(r"^\s+\d+:\s+exit$", out, re.M):
        raise TestFailure("-dd: exit status %d, printed:\n%s" % (rc, out))
    # -d STAGE prints, then runs
    rc, out, err = run([sobt, "-d", "ast", "-e", program])
    expect("-d ast", (rc, out.endswith("Attaching 1 probe...\nit ran\n\n\n")), (0, True))


def check_verbose(sobt, tmp):
    rc, out, err = run([sobt, "-v", "-e", 'BEGIN { printf("v\\n"); exit(); }'])
    expect("exit status and output", (rc, out), (0, "Attaching 1 probe...\nv\n\n\n"))
    for pattern in (r"^Program ID: \d+$", r"^processed \d+ insns",
                    r"^BEGIN: \d+ instructions verified, \d+ instructions loaded$",
                    r"^Attaching BEGIN$"):
        if not re.search(pattern, err, re.M):
            raise TestFailure("-v: no line like %r in:\n%s" % (pattern, err))

def set_comm(name):
    """For a child: its process name, which the traced programs filter on."""
    import ctypes
    ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)  # PR_SET_NAME


def traced(tracer, output_format, program, trigger):
    """Run `tracer -f FORMAT -e program` until it exits, calling trigger()
    from its first line on (which it prints before it has attached
    everything) until it exits; its exit status and stdout."""
    proc = subprocess.Popen([tracer, "-f", output_format, "-e", program], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    first = proc.stdout.readline()
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        trigger()
        time.sleep(0.2)
    try:
        rest, _ = proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        rest, _ = proc.communicate()
    return proc.returncode, (first + rest).decode(errors="replace")


def check_traced_output(sobt, tmp):
    # What only a traced event has, against bpftrace, in text and JSON: stacks
    # as keys and values, symbols, and join() of execve's argv.
    # The trigger repeats until the tracer exits, and a tracer under load may
    # take a while to detach after exit(): @once keeps a late second event
    # from counting (both tracers print it the same).
    stacks = ('tracepoint:syscalls:sys_enter_getppid /comm == "sobtstack" && @once == 0/ {'
              ' @once = 1; @[kstack(3), comm] = count(); @k = kstack(2); print(kstack(2));'
              ' @s[ksym(0xffffffff81000000)] = 1; exit(); }')
    join = ('tracepoint:syscalls:sys_enter_execve /comm == "sobtjoin" && @once == 0/ {'
            ' @once = 1; join(args->argv); join(args->argv, ","); exit(); }')

    def getppid():
        # in a forked child: an exec would rename it
        child = os.fork()
        if child == 0:
            set_comm("sobtstack")
            os.getppid()
            os._exit(0)
        os.waitpid(child, 0)

    def execve():
        subprocess.run(["/bin/echo", "a", "b c", 'q"uote'], stdout=subprocess.DEVNULL,
                       preexec_fn=lambda: set_comm("sobtjoin"), check=True)

    for name, program, trigger in (("stacks", stacks, getppid), ("join", join, execve)):
        for fmt in ("text", "json"):
            want = traced(BPFTRACE, fmt, program, trigger)
            got = traced(sobt, fmt, program, trigger)
            expect("%s -f %s: sobt (exit status, stdout) against bpftrace's" % (name, fmt),
                   got, want)
            if want[1].count("\n") < 4:
                raise TestFailure("%s: bpftrace printed too little: %r" % (name, want))


CHECKS = {
    "stdin_program": check_stdin_program,
    "output_full": check_output_full,
    "output_file": check_output_file,
    "output_symlink": check_output_symlink,
    "not_root": check_not_root,
    "bad_values": check_bad_values,
    "exit_codes": check_exit_codes,
    "buffering": check_buffering,
    "json_output_file": check_json_output_file,
    "quiet": check_quiet,
    "emit_elf": check_emit_elf,
    "emit_llvm": check_emit_llvm,
    "info": check_info,
    "no_warnings": check_no_warnings,
    "missing_probes": check_missing_probes,
    "debug": check_debug,
    "verbose": check_verbose,
    "traced_output": check_traced_output,
}


def run_check(name, sobt):
    with tempfile.TemporaryDirectory(prefix="sobt-cli-") as tmp:
        CHECKS[name](sobt, pathlib.Path(tmp))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sobt", required=True)
    parser.add_argument("--bpftrace", default=harness.BPFTRACE,
                        help="the reference (default: bpftrace on PATH)")
    parser.add_argument("checks", nargs="*")
    args = parser.parse_args()
    global BPFTRACE
    BPFTRACE = args.bpftrace
    sobt = os.path.abspath(args.sobt)
    harness.require(root="sobt loads BPF programs; not_root drops it itself",
                    executables=[sobt, BPFTRACE])
    sys.exit(harness.run_cases(args.checks or list(CHECKS), lambda name: run_check(name, sobt)))


if __name__ == "__main__":
    main()
