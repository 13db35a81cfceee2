"""The command line both runners of this folder share: --sobt PATH and the
names of the checks to run (all by default)."""
import argparse
import os
import sys

import harness


def main(doc, checks, run_check, executables=()):
    """Parses "--sobt PATH [CHECK...]", checks the setup (root, sobt and
    executables, the getppid tracepoint) and runs run_check(sobt, name) for
    each check; exits with the tally's status."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--sobt", required=True)
    parser.add_argument("checks", nargs="*")
    args = parser.parse_args()
    sobt = os.path.abspath(args.sobt)
    harness.require(root="sobt loads BPF programs", executables=[sobt, *executables],
                    tracepoint="syscalls/sys_enter_getppid")
    sys.exit(harness.run_cases(args.checks or list(checks), lambda name: run_check(sobt, name)))
