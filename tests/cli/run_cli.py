#!/usr/bin/env python3
"""The command line as a user meets it: the program on standard input, where
the output goes and what happens when it cannot be written, and running
without root. Each check runs sobt for real and asserts its exact output,
stderr and exit status.

Usage: run_cli.py --sobt PATH [CHECK...]

Needs root (the checks that drop it do so themselves). Prints "ok NAME" or
"FAIL NAME" with the reason, then "N passed, N failed"; exits non-zero on any
failure.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402
from harness import TestFailure  # noqa: E402

HELLO = 'BEGIN { printf("hello %s\\n", str($1)); exit(); }'


def run(argv, stdin=None, stdout=subprocess.PIPE, **kwargs):
    result = harness.run(argv, 60, input=stdin, stdout=stdout, **kwargs).raise_if_timed_out()
    return result.status, result.out, result.err


def expect(what, got, wanted):
    if got != wanted:
        raise TestFailure("%s: expected %r, got %r" % (what, wanted, got))


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
    expect("exit status", rc, 0)
    expect("stdout", out, "")
    expect("file", path.read_text(), "Attaching 1 probe...\nhello file\n\n\n")


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


CHECKS = {
    "stdin_program": check_stdin_program,
    "output_full": check_output_full,
    "output_file": check_output_file,
    "output_symlink": check_output_symlink,
    "not_root": check_not_root,
}


def run_check(name, sobt):
    with tempfile.TemporaryDirectory(prefix="sobt-cli-") as tmp:
        CHECKS[name](sobt, pathlib.Path(tmp))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sobt", required=True)
    parser.add_argument("checks", nargs="*")
    args = parser.parse_args()
    sobt = os.path.abspath(args.sobt)
    harness.require(root="sobt loads BPF programs; not_root drops it itself", executables=[sobt])
    sys.exit(harness.run_cases(args.checks or list(CHECKS), lambda name: run_check(name, sobt)))


if __name__ == "__main__":
    main()
