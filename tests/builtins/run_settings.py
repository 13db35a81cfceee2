#!/usr/bin/env python3
"""bpftrace's settings, each as its environment variable and (where bpftrace
has one) its config block key, each checked by an effect that a sobt
ignoring it would not show: BPFTRACE_CAT_BYTES_MAX, BPFTRACE_MAP_KEYS_MAX,
BPFTRACE_STACK_MODE, BPFTRACE_PERF_RB_PAGES, BPFTRACE_MAX_PROBES,
BPFTRACE_MAX_BPF_PROGS, BPFTRACE_LOG_SIZE, BPFTRACE_NO_CPP_DEMANGLE,
BPFTRACE_NO_USER_SYMBOLS, BPFTRACE_CACHE_USER_SYMBOLS, BPFTRACE_VMLINUX,
BPFTRACE_BTF, BPFTRACE_KERNEL_SOURCE, BPFTRACE_COLOR; and bad values.

Usage: run_settings.py --sobt PATH [CHECK...]

Needs root, gcc and clang (to build a target process, a BTF file and a
fake vmlinux). Prints "ok NAME" or "FAIL NAME" with the reason, then
"N passed, N failed"; exits non-zero on any failure.
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import harness  # noqa: E402
import checks_main  # noqa: E402
from harness import TestFailure, expect  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
SOBT = "sobt"
TMP = pathlib.Path("/tmp")


def sobt(program, *options, env=None, timeout=60):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BPFTRACE_")}
    full_env.update(env or {})
    result = harness.run([SOBT, *options, "-e", program], timeout, env=full_env)
    result.raise_if_timed_out()
    return result.status, result.out, result.err


def build(argv):
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise TestFailure("%s failed: %s" % (" ".join(map(str, argv)), done.stderr))


def check_cat_bytes_max():
    text = TMP / "file.txt"
    text.write_text("abcdef\n")
    program = 'BEGIN { cat("%s"); printf("|\\n"); exit(); }' % text
    for env, config, wanted in (({}, "", "abcdef\n|"), ({"BPFTRACE_CAT_BYTES_MAX": "3"}, "", "abc|"),
                                ({}, "config = { cat_bytes_max = 4 } ", "abcd|"),
                                ({"BPFTRACE_CAT_BYTES_MAX": "2"}, "config = { cat_bytes_max = 4 } ",
                                 "ab|")):
        rc, out, err = sobt(config + program, env=env)
        expect("cat with %s %s" % (env, config), out.split("\n", 1)[1].rstrip("\n"), wanted)


def check_map_keys_max():
    program = "BEGIN { @[1] = 1; @[2] = 2; @[3] = 3; exit(); }"
    rc, out, err = sobt(program, env={"BPFTRACE_MAP_KEYS_MAX": "2"})
    expect("entries kept", re.findall(r"^@\[\d\]", out, re.M), ["@[1]", "@[2]"])


def check_stack_mode():
    for value, pattern in (("perf", r"^\t[0-9a-f]+ \S+\+\d+$"), ("raw", r"^[0-9a-f]+$"),
                           ("bpftrace", r"^        \S+\+\d+$")):
        rc, out, err = sobt("BEGIN { print(kstack(2)); exit(); }",
                            env={"BPFTRACE_STACK_MODE": value})
        frames = [line for line in out.splitlines()[1:] if line]
        if len(frames) != 2 or not all(re.match(pattern, f) for f in frames):
            raise TestFailure("BPFTRACE_STACK_MODE=%s: %r" % (value, frames))
    rc, out, err = sobt("config = { stack_mode = raw } BEGIN { print(kstack(1)); exit(); }")
    if not re.match(r"^[0-9a-f]+$", out.splitlines()[2]):
        raise TestFailure("config stack_mode = raw: %r" % out)
    rc, out, err = sobt("BEGIN { exit(); }", env={"BPFTRACE_STACK_MODE": "fancy"})
    expect("a bad mode", (rc, err), (1, "ERROR: Env var 'BPFTRACE_STACK_MODE' did not contain a "
                                        "valid stack mode (bpftrace, perf or raw): fancy\n"))


def check_perf_rb_pages():
    """100 records of 208 bytes sent at once (21 KB): they fit the default
    ring buffer (64 pages a CPU) and not one of a page a CPU."""
    program = ('BEGIN { $i = 0; while ($i < 100) { printf("%d %s\\n", $i, str(0)); $i++; } '
               'exit(); }')
    env = {"BPFTRACE_STRLEN": "200"}
    rc, out, err = sobt(program, env=env)
    expect("lines by default", (rc, len(out.splitlines()) - 3), (0, 100))
    rc, out, err = sobt(program, env=dict(env, BPFTRACE_PERF_RB_PAGES="1"))
    if "Lost" not in out + err or len(out.splitlines()) - 3 >= 100:
        raise TestFailure("with 1 page a CPU nothing was lost: %d lines" % len(out.splitlines()))


THREE = ("tracepoint:syscalls:sys_enter_getppid,tracepoint:syscalls:sys_enter_getpid,"
         "tracepoint:syscalls:sys_enter_gettid { exit(); }")


def check_max_probes():
    rc, out, err = sobt(THREE, "--dry-run")
    expect("three probes by default", rc, 0)
    rc, out, err = sobt(THREE, env={"BPFTRACE_MAX_PROBES": "2"})
    expect("three probes over 2", (rc, err.splitlines()[0]),
           (1, "ERROR: Can't attach to 3 probes because it exceeds the current limit of 2 probes."))


def check_max_bpf_progs():
    program = "BEGIN { exit(); } END { }"
    rc, out, err = sobt(program)
    expect("two programs by default", rc, 0)
    rc, out, err = sobt(program, env={"BPFTRACE_MAX_BPF_PROGS": "1"})
    expect("two programs over 1", (rc, err.splitlines()[0]),
           (1, "ERROR: Your program is trying to generate more than 1 BPF programs, which exceeds "
               "the current limit of 1."))


def check_log_size():
    """-v keeps the verifier's summary: 50 bytes do not hold it."""
    rc, out, err = sobt("BEGIN { exit(); }", "-v")
    expect("-v by default", rc, 0)
    rc, out, err = sobt("BEGIN { exit(); }", "-v", env={"BPFTRACE_LOG_SIZE": "50"})
    expect("-v with 50 bytes", (rc, err.splitlines()[-1]),
           (1, "ERROR: Error: Failed to load program, verification log buffer not big enough, try "
               "increasing the BPFTRACE_LOG_SIZE environment variable beyond the current value of "
               "50 bytes"))


def user_symbol(tmp, env, program_body, rounds=15):
    """Runs symbol_target under a getppid tracer whose body gets the target's
    function address as $1; returns sobt's output lines."""
    target = tmp / "symbol_target"
    if not target.exists():
        build(["gcc", "-O1", "-no-pie", "-fno-pie", "-o", target, HERE / "symbol_target.c"])
    address = subprocess.run([target, "0"], capture_output=True, text=True).stdout.strip()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BPFTRACE_")}
    full_env.update(env)
    tracer = harness.Tracer([SOBT, "-e", 'tracepoint:syscalls:sys_enter_getppid '
                             '/comm == "symbol_target"/ { %s }' % program_body, "0x" + address],
                            env=full_env)
    try:
        tracer.wait_for_line("Attaching", 30)
        subprocess.run([target, str(rounds)], capture_output=True, timeout=30)
        if "exit()" in program_body:
            if tracer.wait(30) is None:
                raise TestFailure("the tracer did not exit")
            tracer.drain()
        else:
            tracer.stop()  # the target has exited: its map is gone from /proc
    finally:
        tracer.kill()
    return [line for line in tracer.output()[1:] if line], address


def check_user_symbols(tmp):
    body = 'printf("%s\\n", usym($1)); exit();'
    lines, addr = user_symbol(tmp, {}, body)
    expect("usym", lines, ["sobt::probe_target(int)"])
    lines, addr = user_symbol(tmp, {"BPFTRACE_NO_CPP_DEMANGLE": "1"}, body)
    expect("usym without demangling", lines, ["_ZN4sobt12probe_targetEi"])
    lines, addr = user_symbol(tmp, {"BPFTRACE_NO_USER_SYMBOLS": "1"}, body)
    expect("usym without user symbols", lines, ["0x" + addr])
    # kept in a map and printed at exit, after the process has gone
    body = "@[usym($1)] = count();"
    lines, addr = user_symbol(tmp, {"BPFTRACE_CACHE_USER_SYMBOLS": "PER_PID"}, body, rounds=3)
    keys = lambda lines: [line.split("]:")[0] + "]" for line in lines]
    expect("usym per pid, at exit", keys(lines), ["@[sobt::probe_target(int)]"])
    lines, addr = user_symbol(tmp, {"BPFTRACE_CACHE_USER_SYMBOLS": "NONE"}, body, rounds=3)
    expect("usym without a cache, at exit", keys(lines), ["@[0x%s]" % addr])


def check_vmlinux(tmp):
    """Kernel symbols from an ELF file: a function of a small object."""
    source = tmp / "fake_vmlinux.c"
    source.write_text("int sobt_fake_kernel_function(int x) { return x * 3 + 1; }\n")
    elf = tmp / "vmlinux"
    build(["gcc", "-O1", "-mcmodel=kernel", "-fno-pie", "-no-pie", "-nostdlib", "-static",
           "-Wl,-Ttext=0xffffffffa0000000", "-Wl,-e,sobt_fake_kernel_function", "-o", elf, source])
    nm = subprocess.run(["nm", elf], capture_output=True, text=True).stdout
    addr = int([line for line in nm.splitlines() if "sobt_fake" in line][0].split()[0], 16)
    program = 'BEGIN { printf("%%s\\n", ksym(%d)); exit(); }' % (addr + 1)
    rc, out, err = sobt(program, env={"BPFTRACE_VMLINUX": str(elf)})
    expect("ksym from BPFTRACE_VMLINUX", out.splitlines()[1], "sobt_fake_kernel_function")
    rc, out, err = sobt(program)
    if "sobt_fake_kernel_function" in out:
        raise TestFailure("found without BPFTRACE_VMLINUX")
    rc, out, err = sobt("BEGIN { exit(); }", env={"BPFTRACE_VMLINUX": str(tmp / "none")})
    expect("a missing vmlinux", (rc, err), (1, "ERROR: could not read kernel symbols from %s "
                                                "(BPFTRACE_VMLINUX): No such file or directory\n"
                                           % (tmp / "none")))


def check_btf(tmp):
    source = tmp / "types.c"
    source.write_text("struct sobt_btf_probe { int a; char b[13]; long c; };\n"
                      "struct sobt_btf_probe sobt_btf_probe_instance;\n")
    obj = tmp / "types.o"
    build(["clang", "-g", "-target", "bpf", "-c", "-o", obj, source])
    program = 'BEGIN { printf("%d\\n", sizeof(struct sobt_btf_probe)); exit(); }'
    rc, out, err = sobt(program, env={"BPFTRACE_BTF": str(obj)})
    expect("sizeof from BPFTRACE_BTF", (rc, out.splitlines()[1:2]), (0, ["32"]))
    rc, out, err = sobt(program)
    expect("without BPFTRACE_BTF", rc, 1)


def check_kernel_source(tmp):
    include = tmp / "ksrc" / "include" / "linux"
    include.mkdir(parents=True)
    (include / "sobt_ksrc_probe.h").write_text("#define SOBT_KSRC_VALUE 4242\n")
    program = '#include <linux/sobt_ksrc_probe.h>\nBEGIN { printf("%d\\n", SOBT_KSRC_VALUE); exit(); }'
    rc, out, err = sobt(program, env={"BPFTRACE_KERNEL_SOURCE": str(tmp / "ksrc")})
    expect("a macro from BPFTRACE_KERNEL_SOURCE", (rc, out.splitlines()[1:2]), (0, ["4242"]))
    rc, out, err = sobt(program)
    expect("without it", rc, 1)


def check_color():
    program = "BEGIN { nope }"
    rc, out, err = sobt(program, env={"BPFTRACE_COLOR": "always"})
    expect("always", err.splitlines()[0], "stdin:1:9: \033[31mERROR:\033[0m Unknown identifier: 'nope'")
    for value in ("never", "auto"):  # auto: stderr is a pipe here
        rc, out, err = sobt(program, env={"BPFTRACE_COLOR": value})
        expect(value, err.splitlines()[0], "stdin:1:9: ERROR: Unknown identifier: 'nope'")
    rc, out, err = sobt(program, env={"BPFTRACE_COLOR": "rainbow"})
    expect("a bad value", err, "ERROR: Env var 'BPFTRACE_COLOR' did not contain a valid value "
                               "(auto, always or never).\n")


def check_bad_numbers():
    for var in ("BPFTRACE_CAT_BYTES_MAX", "BPFTRACE_PERF_RB_PAGES", "BPFTRACE_MAX_PROBES",
                "BPFTRACE_MAX_BPF_PROGS", "BPFTRACE_LOG_SIZE"):
        for value in ("abc", "0", "-1"):
            rc, out, err = sobt("BEGIN { exit(); }", env={var: value})
            expect("%s=%s" % (var, value), (rc, out, err),
                   (1, "", "ERROR: Env var '%s' did not contain a valid uint64_t, or was "
                           "zero-valued.\n" % var))
    for var in ("BPFTRACE_NO_CPP_DEMANGLE", "BPFTRACE_NO_USER_SYMBOLS"):
        rc, out, err = sobt("BEGIN { exit(); }", env={var: "yes"})
        expect(var, (rc, err), (1, "ERROR: Env var '%s' did not contain a valid value (0 or 1).\n"
                                   % var))


CHECKS = {
    "cat_bytes_max": check_cat_bytes_max,
    "map_keys_max": check_map_keys_max,
    "stack_mode": check_stack_mode,
    "perf_rb_pages": check_perf_rb_pages,
    "max_probes": check_max_probes,
    "max_bpf_progs": check_max_bpf_progs,
    "log_size": check_log_size,
    "user_symbols": check_user_symbols,
    "vmlinux": check_vmlinux,
    "btf": check_btf,
    "kernel_source": check_kernel_source,
    "color": check_color,
    "bad_numbers": check_bad_numbers,
}


def run_check(sobt, name):
    global SOBT, TMP
    SOBT = sobt
    with tempfile.TemporaryDirectory(prefix="sobt-settings-") as tmp:
        TMP = pathlib.Path(tmp)
        check = CHECKS[name]
        check(TMP) if check.__code__.co_argcount else check()


if __name__ == "__main__":
    checks_main.main(__doc__, CHECKS, run_check,
                     executables=[shutil.which(t) or t for t in ("gcc", "clang", "nm")])
