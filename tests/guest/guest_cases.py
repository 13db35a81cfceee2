#!/usr/bin/env python3
"""The data side of the qemu guest harness (run_guest.sh): reads the test
cases, writes them as shell files for the guest's /init, and checks the serial
console log against them afterwards.

  guest_cases.py prepare CASES DIR [NAME...]   write DIR/NN-name.sh per case
  guest_cases.py manual DIR TRAFFIC READY LINGER -- SOBT_ARGS...
                                               one case "manual" from argv
  guest_cases.py check CASES CONSOLE [NAME...] assert; "ok"/"FAIL" per case
  guest_cases.py show CONSOLE                  print a manual run's output

The case file format is described at the top of tests/guest/cases.txt.
"""
import base64
import binascii
import pathlib
import re
import shlex
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import harness  # noqa: E402
import pcap_text  # noqa: E402

KEYS = {"sobt", "traffic", "ready", "linger", "rc", "expect", "reject", "pcap"}
REPEATED = {"expect", "reject"}
NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
# Lines the kernel prints on the console: "[   12.345678] message".
KERNEL_LINE = re.compile(r"^\[\s*\d+\.\d+\] ")
# Terminal resets and cursor codes that firmware and the kernel write before
# /init's first line ("ESC c", "ESC [ ? 7 l", "ESC [ 2 J").
TERMINAL_CODE = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|[A-Za-z])")


class Bad(Exception):
    pass


def read_cases(path):
    """Ordered list of dicts; repeated keys become lists."""
    cases = []
    current = None
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            where = "%s:%d" % (path, number)
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            header = re.match(r"^\[(.*)\]\s*$", line)
            if header:
                name = header.group(1)
                if not NAME.match(name):
                    raise Bad("%s: bad case name %r" % (where, name))
                if any(c["name"] == name for c in cases):
                    raise Bad("%s: case %s defined twice" % (where, name))
                current = {"name": name, "expect": [], "reject": []}
                cases.append(current)
                continue
            pair = re.match(r"^(\w+)\s*=\s?(.*)$", line)
            if not pair or current is None:
                raise Bad("%s: expected [name] or key = value" % where)
            key, value = pair.groups()
            if key not in KEYS:
                raise Bad("%s: unknown key %r" % (where, key))
            if key in REPEATED:
                try:
                    re.compile(value, re.MULTILINE)
                except re.error as e:
                    raise Bad("%s: bad regex: %s" % (where, e))
                current[key].append(value)
            elif key in current:
                raise Bad("%s: %s given twice" % (where, key))
            else:
                current[key] = value
    for case in cases:
        if "sobt" not in case:
            raise Bad("%s: case %s has no sobt line" % (path, case["name"]))
        for key in ("rc", "linger"):
            if key in case and not case[key].isdigit():
                raise Bad("%s: case %s: %s must be a number" % (path, case["name"], key))
        # The guest's shell must be able to split them the same way.
        for key in ("sobt", "traffic"):
            try:
                shlex.split(case.get(key, ""))
            except ValueError as e:
                raise Bad("%s: case %s: %s: %s" % (path, case["name"], key, e))
    return cases


def select(cases, names):
    if not names:
        return cases
    known = {c["name"] for c in cases}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise Bad("no such case: %s" % ", ".join(unknown))
    return [c for c in cases if c["name"] in names]


def write_guest_case(directory, index, case):
    """A file the guest's /init sources: plain assignments, quoted for sh."""
    fields = {
        "name": case["name"],
        "sobt_args": case["sobt"],
        "traffic": case.get("traffic", ""),
        "ready": case.get("ready", "^Attaching "),
        "linger": case.get("linger", "1"),
        "pcap": case.get("pcap", ""),
    }
    text = "".join("%s=%s\n" % (k, shlex.quote(v)) for k, v in fields.items())
    with open("%s/%02d-%s.sh" % (directory, index, case["name"]), "w") as f:
        f.write(text)


def parse_console(path):
    """{name: (rc, [lines])} for every complete block, plus the guest's
    start-up and end uptimes (None when missing) and the raw lines."""
    with open(path, "rb") as f:
        lines = [TERMINAL_CODE.sub("", l.decode("utf-8", "replace").rstrip("\r"))
                 for l in f.read().split(b"\n")]
    blocks = {}
    ready = done = None
    current = None
    body = []
    for line in lines:
        m = re.match(r"^=== GUEST READY uptime=([\d.]+) ===$", line)
        if m:
            ready = float(m.group(1))
            continue
        m = re.match(r"^=== GUEST DONE uptime=([\d.]+) ===$", line)
        if m:
            done = float(m.group(1))
            continue
        m = re.match(r"^=== BEGIN test (\S+) ===$", line)
        if m:
            current, body = m.group(1), []
            continue
        m = re.match(r"^=== END test (\S+) rc=(\d+) ===$", line)
        if m and current == m.group(1):
            blocks[current] = (int(m.group(2)), body)
            current = None
            continue
        if current is not None and not KERNEL_LINE.match(line):
            body.append(line)
    return blocks, ready, done, lines


def with_pcaps(body):
    """The block with each pcap file the guest sent (base64 between "---
    pcap PATH" and "--- pcap end") replaced by pcap_text's description."""
    out, name, encoded = [], None, []
    for line in body:
        m = re.match(r"^--- pcap (\S+)$", line)
        if m and name is None and m.group(1) != "end":
            name, encoded = m.group(1), []
        elif name is not None and line == "--- pcap end":
            try:
                data = base64.b64decode("".join(encoded), validate=True)
                out.extend(pcap_text.describe(name, data))
            except binascii.Error:
                out.append("pcap %s: not base64: %s" % (name, " ".join(encoded)))
            name = None
        elif name is not None:
            encoded.append(line.strip())
        else:
            out.append(line)
    return out


def test_seconds(body):
    for line in body:
        m = re.match(r"^--- time start=([\d.]+) end=([\d.]+)$", line)
        if m:
            return float(m.group(2)) - float(m.group(1))
    return None


def console_tail(lines, count=40):
    return "\n".join(harness.quoted(lines[-count:]))


def check(cases_path, console_path, names):
    cases = select(read_cases(cases_path), names)
    blocks, ready, done, lines = parse_console(console_path)
    if ready is None:
        print("FAIL guest: the guest never reached /init's first line (boot failed)")
        print(console_tail(lines))
        return 1
    tally = harness.Tally()
    for case in cases:
        name = case["name"]
        if name not in blocks:
            tally.fail("%s: no complete output block (=== BEGIN/END test %s ===) on the console"
                       % (name, name))
            continue
        rc, body = blocks[name]
        body = with_pcaps(body)
        text = "\n".join(body) + "\n"
        problems = []
        want_rc = int(case.get("rc", "0"))
        if rc != want_rc:
            problems.append("sobt exited with status %d, expected %d" % (rc, want_rc))
        for regex in case["expect"]:
            if not re.search(regex, text, re.MULTILINE):
                problems.append("missing: /%s/" % regex)
        for regex in case["reject"]:
            m = re.search(regex, text, re.MULTILINE)
            if m:
                problems.append("unwanted: /%s/ matched %r" % (regex, m.group(0)))
        seconds = test_seconds(body)
        took = " (%.1f s)" % seconds if seconds is not None else ""
        if problems:
            # The body as one entry: an empty one still prints its empty line.
            tally.fail(name + took, ["  " + p for p in problems]
                       + ["\n".join(harness.quoted(body))])
        else:
            tally.ok(name + took)
    if done is None:
        print("FAIL guest: no '=== GUEST DONE' line: the guest died or hung before the end")
        print(console_tail(lines))
    else:
        print("guest: /init started at %.1f s of guest uptime, tests ran for %.1f s"
              % (ready, done - ready))
    status = tally.finish()
    return 1 if done is None else status


def show(console_path):
    """A manual run: print the block without its markers; exit with sobt's
    status, or 1 when the guest did not produce the block."""
    blocks, ready, done, lines = parse_console(console_path)
    if "manual" not in blocks:
        what = "boot failed" if ready is None else "no complete output block"
        print("run_guest: FAIL: %s; console tail:" % what, file=sys.stderr)
        print(console_tail(lines), file=sys.stderr)
        return 1
    rc, body = blocks["manual"]
    print("\n".join(body))
    print("--- sobt exit status %d" % rc)
    return rc


def main(argv):
    try:
        if len(argv) >= 3 and argv[0] == "prepare":
            cases = select(read_cases(argv[1]), argv[3:])
            for index, case in enumerate(cases, 1):
                write_guest_case(argv[2], index, case)
            return 0
        if len(argv) >= 6 and argv[0] == "manual" and argv[5] == "--":
            case = {"name": "manual", "sobt": shlex.join(argv[6:]), "traffic": argv[2],
                    "ready": argv[3], "linger": argv[4]}
            write_guest_case(argv[1], 1, case)
            return 0
        if len(argv) >= 3 and argv[0] == "check":
            return check(argv[1], argv[2], argv[3:])
        if len(argv) == 2 and argv[0] == "show":
            return show(argv[1])
    except Bad as e:
        print("guest_cases: %s" % e, file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
