#!/usr/bin/env python3
"""Every built-in current bpftrace documents (stdlib_names.txt, the headings
of its docs/stdlib.md) is an entry of sobt's built-in table
(compiler/builtins/builtins.c: functions and variables), part of the
language (sizeof), or listed below as not there yet with the reason. A
name listed below that the table has gained is reported, so that the list
shrinks with the work.

Usage: check_stdlib_names.py SOURCE_ROOT
"""
import pathlib
import re
import sys

# Not table entries, with why.
LANGUAGE = {"sizeof": "an operator of the grammar", "offsetof": "an operator of the grammar"}
PENDING = {}


def main():
    root = pathlib.Path(sys.argv[1])
    here = pathlib.Path(__file__).resolve().parent
    documented = [line.strip() for line in (here / "stdlib_names.txt").read_text().splitlines()
                  if line.strip() and not line.startswith("#")]
    table = set(re.findall(r'^\s*\{"(\w+)"', (root / "compiler/builtins/builtins.c").read_text(),
                           re.MULTILINE))
    missing = [n for n in documented if n not in table and n not in LANGUAGE and n not in PENDING]
    done = [n for n in PENDING if n in table]
    for name in missing:
        print("FAIL %s: documented by bpftrace, not in the built-in table" % name)
    for name in done:
        print("note: %s is in the table now: take it off PENDING" % name)
    print("%d documented, %d in the table, %d pending (%s)" % (
        len(documented), len([n for n in documented if n in table]),
        len([n for n in documented if n in PENDING and n not in table]),
        ", ".join(sorted(n for n in PENDING if n not in table))))
    sys.exit(1 if missing else 0)


main()
