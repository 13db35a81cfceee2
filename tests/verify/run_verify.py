#!/usr/bin/env python3
"""Every program sobt exists for passes the kernel verifier: each script in
scripts/ and each one-liner at the top of the user's networking notes is
compiled and loaded with `sobt --verify` (nothing is attached, so kprobe
programs are checked on a kernel that cannot attach kprobes), and must exit 0.

  run_verify.py --sobt PATH [--notes PATH] [--only scripts|one-liners] [NAME...]

The one-liners are the `bpftrace -e '...'` lines of the notes' first ```sh
block, split as a shell would and run verbatim with "bpftrace" replaced by
"sobt --verify". The notes live outside this repository: --notes, else
$SOBT_NOTES, else /work/shared/seed/networking-notes.md. The one-liners as they
were when this test was written are recorded below; when the notes are found,
what they hold now must equal that record (a changed notes file is a failure
until the record is updated), and when they are not found the record is
verified instead, and the output says so.

Prints "ok NAME" or "FAIL NAME" (with sobt's output) per item and ends with
"N passed, N failed"; exits non-zero on any failure. Needs root (loading BPF
programs), and says so rather than skipping.
"""
import argparse
import os
import pathlib
import re
import shlex
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402

DEFAULT_NOTES = pathlib.Path("/work/shared/seed/networking-notes.md")

# The notes' one-liners, in order, as extracted when this test was written.
RECORDED_ONE_LINERS = [
    """bpftrace -e 't:syscalls:sys_enter_accept* { printf("%d, %s\\n", pid, comm); }'""",
    """bpftrace -e 't:syscalls:sys_enter_accept* { @[pid, comm] = count(); }'""",
    """bpftrace -e 't:syscalls:sys_enter_connect { @[pid, comm] = count(); }'""",
    """bpftrace -e 't:syscalls:sys_enter_connect { @[ustack, comm] = count(); }'""",
    """bpftrace -e 'kprobe:sock_sendmsg { @[comm] = count(); }'""",
    """bpftrace -e 'k:tcp_sendmsg { @send_bytes = hist(arg2); }'""",
    """bpftrace -e 'kr:tcp_recvmsg /retval >=0/ { @recv_bytes = hist(retval); }'""",
    """bpftrace -e 'k:udp_sendmsg { @send_bytes = hist(arg2); }'""",
    """bpftrace -e 'kr:udp_recvmsg /retval >=0/ { @recv_bytes = hist(retval); }'""",
]

TIMEOUT_S = 120
# sobt's output shown per failure: the first errors say what is wrong.
SHOWN_LINES = 24


def one_liners_from_notes(text):
    """The `bpftrace -e '...'` lines of the first ```sh block."""
    block = re.search(r"^```sh\n(.*?)^```", text, re.S | re.M)
    if not block:
        return None
    return [line.strip() for line in block.group(1).splitlines()
            if line.strip().startswith("bpftrace -e ")]


def one_liner_items(notes_path, problems):
    """[(name, argv after "sobt --verify")] for the one-liners."""
    if notes_path.is_file():
        found = one_liners_from_notes(notes_path.read_text())
        if found is None:
            problems.append("%s has no ```sh block" % notes_path)
            found = []
        elif found != RECORDED_ONE_LINERS:
            problems.append("the one-liners in %s differ from the record in %s: update "
                            "RECORDED_ONE_LINERS" % (notes_path, pathlib.Path(__file__).name))
        print("one-liners: %d from %s" % (len(found), notes_path))
        lines = found
    else:
        print("one-liners: %s not found (give --notes or SOBT_NOTES); verifying the %d "
              "recorded in %s" % (notes_path, len(RECORDED_ONE_LINERS),
                                  pathlib.Path(__file__).name))
        lines = RECORDED_ONE_LINERS
    items = []
    for number, line in enumerate(lines, 1):
        argv = shlex.split(line)
        if argv[0] != "bpftrace":
            problems.append("one-liner %d does not start with bpftrace: %s" % (number, line))
            continue
        items.append(("one-liner-%d %s" % (number, line), argv[1:]))
    return items


def script_items(scripts_dir):
    return [("scripts/" + p.name, [str(p)]) for p in sorted(scripts_dir.glob("*.bt"))]


def verify(sobt, args):
    """(ok, output) of `sobt --verify ARGS`."""
    run = harness.run([sobt, "--verify"] + args, TIMEOUT_S, stderr=subprocess.STDOUT)
    if run.timed_out:
        return False, "timed out after %d s" % TIMEOUT_S
    if run.status != 0:
        return False, "exit status %d\n%s" % (run.status, run.out)
    return True, run.out


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sobt", required=True)
    parser.add_argument("--notes", type=pathlib.Path,
                        default=pathlib.Path(os.environ.get("SOBT_NOTES", DEFAULT_NOTES)))
    parser.add_argument("--scripts", type=pathlib.Path, default=harness.SCRIPTS)
    parser.add_argument("--only", choices=["scripts", "one-liners"])
    parser.add_argument("names", nargs="*", help="run only items whose name contains one of these")
    args = parser.parse_args()

    harness.require(root="it loads BPF programs into the kernel verifier",
                    executables=[args.sobt])

    problems = []
    items = []
    if args.only != "one-liners":
        items += script_items(args.scripts)
        if not items:
            problems.append("no scripts in %s" % args.scripts)
    if args.only != "scripts":
        items += one_liner_items(args.notes, problems)
    if args.names:
        items = [i for i in items if any(n in i[0] for n in args.names)]
        if not items:
            problems.append("no item matches %s" % " ".join(args.names))

    tally = harness.Tally()
    for name, argv in items:
        ok, output = verify(args.sobt, argv)
        if ok:
            tally.ok(name)
        else:
            lines = output.rstrip("\n").splitlines()
            shown = lines[:SHOWN_LINES]
            if len(lines) > SHOWN_LINES:
                shown.append("... (%d more lines)" % (len(lines) - SHOWN_LINES))
            tally.fail(name, harness.quoted(shown))
    for problem in problems:
        tally.fail(problem)
    return tally.finish()


if __name__ == "__main__":
    sys.exit(main())
