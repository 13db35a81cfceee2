#!/usr/bin/env python3
"""scripts/sockstat.bt and scripts/sordrop.bt are the two ```bt blocks of the
user's networking notes, byte for byte: they must run as written.

With --notes PATH (the notes live outside this repository, e.g.
/work/shared/seed/networking-notes.md) the blocks are extracted from the notes
and compared with the scripts. Always, the scripts are also compared with the
SHA-256 of those blocks recorded below when the scripts were extracted, so an
accidental edit of a script fails this test even where the notes are absent.
"""
import argparse
import hashlib
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402
from harness import SCRIPTS  # noqa: E402

# In the order the blocks appear in the notes.
VERBATIM = [
    ("sockstat.bt", "8e315eaecc8f07b8d77205cae186d05667ae70e9dafd220174fb04f5dbcca9d2"),
    ("sordrop.bt", "99affbedeaca830b52534775183f831fdc31eac4a81f789cdc863b9b133d0088"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=pathlib.Path)
    args = parser.parse_args()
    tally = harness.Tally()

    blocks = None
    if args.notes:
        text = args.notes.read_text()
        blocks = re.findall(r"^```bt\n(.*?)^```", text, re.S | re.M)
        if len(blocks) != len(VERBATIM):
            tally.fail("notes have %d bt blocks, expected %d" % (len(blocks), len(VERBATIM)))
            return tally.exit_status()

    for i, (name, digest) in enumerate(VERBATIM):
        content = (SCRIPTS / name).read_bytes()
        if hashlib.sha256(content).hexdigest() != digest:
            tally.fail("%s: differs from the recorded notes block (sha256)" % name)
        elif blocks is not None and blocks[i].encode() != content:
            tally.fail("%s: differs from block %d of %s" % (name, i + 1, args.notes))
        else:
            tally.ok(name)
    return tally.exit_status()


if __name__ == "__main__":
    sys.exit(main())
