#!/usr/bin/env python3
"""Integration tests for the socket tracepoint tools of scripts/ (issue 3):
sofamily, soconnect, soaccept, soconnlat, so1stbyte, skbdrop, tcpdrop.

Each test starts a tracer on one script, makes loopback activity with
trafficgen, stops the tracer with SIGINT and asserts the lines that must
appear: families and their names, 127.0.0.1 and ::1, the ports trafficgen
printed, the connect and accept results, histograms with exact counts for
trafficgen's own process name, stacks with symbol names, drop lines for
refused connects.

Usage:
  run_integration3.py --tracer PATH --trafficgen PATH [TEST...]
  run_integration3.py --self-check --trafficgen PATH [TEST...]
  run_integration3.py --list
  run_integration3.py --print-variant SCRIPT

--self-check runs the same assertions under bpftrace 0.17, to check the tests
themselves. 0.17 cannot run the scripts as shipped: it fails on any kernel
header it cannot find (net/sock.h, linux/skbuff.h), on uapi <linux/in.h>
here, and on headers mixed with tracepoints whose fields need BTF-only types
(u64 in read-family syscalls), and uapi <linux/socket.h> lacks AF_INET. So it
runs a variant: every #include dropped and the macros they supplied (AF_*,
E*, ETH_P_*) replaced by their numbers; types and enum constants
(SKB_DROP_REASON_*, IPPROTO_TCP) still come from BTF. --print-variant shows
it. sobt runs the scripts as shipped.

trafficgen runs with --hold and lives until the tracer has exited: tracers
resolve user stack symbols from /proc/PID/maps when they print, so the
process must still exist then.

Needs root and tracefs (mounted here if missing); fails loudly otherwise.
Prints "ok NAME" / "FAIL NAME" with the reasons and the tracer's output, then
"N passed, N failed"; exits non-zero on any failure.
"""
import argparse
import errno
import os
import pathlib
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402
from harness import SCRIPTS, TestFailure  # noqa: E402

SETTLE_S = 2.0
START_TIMEOUT_S = 120
TRAFFIC_TIMEOUT_S = 120

# ---------------------------------------------------------------------------
# The bpftrace 0.17 variant of a script.

# Macros that 0.17 would have taken from headers it cannot use here, with
# values Python knows from the same C headers; the rest by hand.
EXTRA_MACROS = {"ETH_P_IP": 0x0800, "ETH_P_IPV6": 0x86DD}


def macro_value(name):
    if name in EXTRA_MACROS:
        return EXTRA_MACROS[name]
    if name.startswith("AF_") and hasattr(socket, name):
        return int(getattr(socket, name))
    if re.match(r"^E[A-Z0-9]+$", name) and hasattr(errno, name):
        return getattr(errno, name)
    return None


def bpftrace017_variant(text):
    """The script with its #include lines dropped and AF_*, E* and ETH_P_*
    names outside string literals replaced by their values."""
    text = re.sub(r"(?m)^#include <[^>]+>\n", "", text)
    pieces = re.split(r'("(?:[^"\\\n]|\\.)*")', text)

    def number(m):
        value = macro_value(m.group(0))
        return m.group(0) if value is None else str(value)

    for i in range(0, len(pieces), 2):  # even pieces are outside strings
        pieces[i] = re.sub(r"\b(?:AF_[A-Z0-9]+|E[A-Z0-9]+|ETH_P_[A-Z0-9]+)\b", number, pieces[i])
    return "".join(pieces)


# ---------------------------------------------------------------------------
# trafficgen, kept alive with --hold until the tracer is done.


class Traffic:
    def __init__(self, trafficgen, args):
        self.argv = [trafficgen] + args + ["--hold"]
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.pid = self.proc.pid
        self.lines = []
        self.stderr = ""
        deadline = time.monotonic() + TRAFFIC_TIMEOUT_S
        # The last line, "total ...", comes before the hold: read up to it.
        while True:
            raw = self.proc.stdout.readline()
            if not raw:
                self.release()
                raise TestFailure("trafficgen %s exited (%s) before its total line: %s"
                                  % (" ".join(args), self.proc.returncode, self.stderr))
            line = raw.decode().rstrip("\n")
            self.lines.append(line)
            total = re.match(r"^total connect=(\d+) accept=(\d+)$", line)
            if total:
                self.connects, self.accepts = int(total.group(1)), int(total.group(2))
                return
            if time.monotonic() > deadline:
                self.release()
                raise TestFailure("trafficgen took over %d s" % TRAFFIC_TIMEOUT_S)

    def release(self):
        """Lets trafficgen exit (EOF on its stdin) and reaps it."""
        if self.proc.returncode is not None:
            return
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        # Its output ends with the total line; only stderr may hold more.
        self.stderr = self.proc.stderr.read().decode(errors="replace")
        self.proc.stdout.close()
        self.proc.stderr.close()

    def actions(self, kind):
        """(address, port, rest) of every "KIND ADDRESS:PORT ..." line, e.g.
        kind "tcp6" gives ("::1", 41234, "connect=ok ...")."""
        found = []
        for line in self.lines:
            m = re.match(r"^%s (\[[^\]]+\]|[\d.]+):(\d+)(.*)$" % re.escape(kind), line)
            if m:
                found.append((m.group(1).strip("[]"), int(m.group(2)), m.group(3).strip()))
        return found

    def report(self):
        """Its argv and output, for a failure report."""
        return (["  --- trafficgen (pid %d): %s" % (self.pid, " ".join(self.argv))]
                + harness.quoted(self.lines))


# ---------------------------------------------------------------------------
# Reading what the tracers print.


def expect_line(lines, line):
    if line not in lines:
        raise TestFailure("missing line: %r" % line)


def expect_match(lines, pattern, what):
    regex = re.compile(pattern)
    hits = [i for i, line in enumerate(lines) if regex.match(line)]
    if not hits:
        raise TestFailure("no line for %s: /%s/" % (what, pattern))
    return hits


HIST_LINE = re.compile(r"^(\[[^\]]*[\])]|\(\.\.\., [^)]*\)|\[[^\]]*, \.\.\.\))\s+(\d+) \|[@ ]*\|$")


def hist_total(lines, start):
    """Sum of the bucket counts of the histogram whose lines begin at start."""
    total, i = 0, start
    while i < len(lines):
        m = HIST_LINE.match(lines[i])
        if not m:
            break
        total += int(m.group(2))
        i += 1
    if i == start:
        raise TestFailure("no histogram buckets after line %d: %r"
                          % (start, lines[start - 1] if start else ""))
    return total


def stack_entries(lines, map_name):
    """Entries of a map keyed by a stack, or by a stack and more, as bpftrace
    prints them:
        @us[
            frame+off
            ...
        , comm]: VALUE           (or "]: VALUE" for a key of just a stack)
    Returns (frames, rest_of_key, value_text, index of the line after)."""
    entries = []
    i = 0
    while i < len(lines):
        if lines[i] == "%s[" % map_name:
            frames = []
            j = i + 1
            while j < len(lines) and not re.match(r"^(, .*)?\]: ?", lines[j]):
                frames.append(lines[j].strip())
                j += 1
            if j == len(lines):
                raise TestFailure("unterminated %s[ entry at line %d" % (map_name, i))
            m = re.match(r"^(?:, (.*))?\]: ?(.*)$", lines[j])
            entries.append((frames, m.group(1), m.group(2).strip(), j + 1))
            i = j + 1
        else:
            i += 1
    return entries


SYMBOL_FRAME = re.compile(r"^[A-Za-z_.$][\w.$]*\+\d+$")

# ---------------------------------------------------------------------------
# The tests. Each returns (script name, ready pattern, trafficgen arguments,
# check function); check(lines, traffic) raises TestFailure.


def private_comm(tag):
    """A process name of its own for this run, so that other trafficgen runs
    on the machine (other test suites) do not add to counts keyed by comm."""
    return "%s%d" % (tag, os.getpid() % 100000)


def test_sofamily(ctx):
    comm = private_comm("tgfam")
    traffic_args = ["--tcp4", "3", "--tcp6", "2", "--udp4", "2", "--udp6", "1",
                    "--refused", "2", "--inprogress", "2", "--accept-addr", "--comm", comm]

    def check(lines, traffic):
        expect_line(lines, "Tracing socket connect/accepts. Ctrl-C to end.")
        # One connect per tcp/refused/inprogress line; one per UDP flow.
        v4 = sum(len(traffic.actions(k)) for k in ("tcp4", "udp4", "refused4", "inprogress4"))
        v6 = sum(len(traffic.actions(k)) for k in ("tcp6", "udp6"))
        if v4 + v6 != traffic.connects:
            raise TestFailure("trafficgen made %d connects, its lines say %d"
                              % (traffic.connects, v4 + v6))
        expect_line(lines, "@connect[%s, 2, AF_INET]: %d" % (comm, v4))
        expect_line(lines, "@connect[%s, 10, AF_INET6]: %d" % (comm, v6))
        expect_line(lines, "@accept[%s, 2, AF_INET]: %d" % (comm, len(traffic.actions("accept4"))))
        expect_line(lines, "@accept[%s, 10, AF_INET6]: %d"
                    % (comm, len(traffic.actions("accept6"))))

    return "sofamily.bt", r"^Tracing socket connect/accepts", traffic_args, check


def test_soconnect(ctx):
    traffic_args = ["--tcp4", "2", "--tcp6", "2", "--udp4", "1", "--udp6", "1",
                    "--refused", "2", "--inprogress", "2"]
    header = "PID    PROCESS  FAM  ADDRESS       PORT  LAT(us)  RESULT"
    results = {"tcp4": (2, "Success"), "tcp6": (10, "Success"), "udp4": (2, "Success"),
               "udp6": (10, "Success"), "refused4": (2, "Connection refused"),
               "inprogress4": (2, "In progress")}

    def check(lines, traffic):
        expect_line(lines, header)
        mine = [l for l in lines if l.startswith("%-6d " % traffic.pid)]
        for kind, (family, result) in results.items():
            for address, port, _ in traffic.actions(kind):
                prefix = "%-6d %-8s %-4d %-13s %-5d " % (traffic.pid, "trafficgen", family,
                                                        address, port)
                # LAT(us) is %-8d: at least 8 wide, then one space.
                expect_match(mine, re.escape(prefix) + r"(?=\d)[\d ]{8,} " + re.escape(result)
                             + "$", "%s to %s port %d" % (kind, address, port))
        if len(mine) != traffic.connects:
            raise TestFailure("%d lines for trafficgen's pid, expected one per connect (%d)"
                              % (len(mine), traffic.connects))

    return "soconnect.bt", r"^PID +PROCESS", traffic_args, check


def test_soaccept(ctx):
    traffic_args = ["--tcp4", "2", "--tcp6", "2", "--accept-addr"]

    def check(lines, traffic):
        expect_line(lines, "PID   PROCESS  FAM  ADDRESS         PORT   RESULT")
        expected = []
        for kind, family in (("accept4", 2), ("accept6", 10)):
            for _, _, rest in traffic.actions(kind):
                m = re.match(r"^peer=(\[[^\]]+\]|[\d.]+):(\d+)$", rest)
                expected.append("%-5d %-8s %-4d %-15s %-6d %s" % (
                    traffic.pid, "trafficgen", family, m.group(1).strip("[]"),
                    int(m.group(2)), "Success"))
        if len(expected) != traffic.accepts:
            raise TestFailure("trafficgen printed %d peers for %d accepts"
                              % (len(expected), traffic.accepts))
        for line in expected:
            expect_line(lines, line)
        mine = [l for l in lines if l.startswith("%-5d " % traffic.pid)]
        if len(mine) != len(expected):
            raise TestFailure("%d lines for trafficgen's pid, expected %d"
                              % (len(mine), len(expected)))

    return "soaccept.bt", r"^PID +PROCESS", traffic_args, check


def test_soconnlat(ctx):
    comm = private_comm("tglat")
    traffic_args = ["--tcp4", "3", "--tcp6", "2", "--udp4", "1", "--inprogress", "2",
                    "--refused", "1", "--comm", comm]

    def check(lines, traffic):
        expect_line(lines, "Tracing IP connect() latency with ustacks. Ctrl-C to end.")
        # Every connect that succeeds, at once or after EINPROGRESS; not the
        # refused one.
        wanted = traffic.connects - len(traffic.actions("refused4"))
        entries = [e for e in stack_entries(lines, "@us") if e[1] == comm]
        if not entries:
            raise TestFailure("no @us[ustack, %s] histogram" % comm)
        total = 0
        for frames, _, value, after in entries:
            if value:
                raise TestFailure("histogram entry with a value on its key line: %r" % value)
            if not any(re.match(r"^(__)?connect\+\d+$", f) for f in frames):
                raise TestFailure("user stack without a connect+N frame: %s" % frames)
            total += hist_total(lines, after)
        if total != wanted:
            raise TestFailure("@us[..., %s] histograms hold %d connects, expected %d"
                              % (comm, total, wanted))

    return "soconnlat.bt", r"^Tracing IP connect\(\) latency", traffic_args, check


def test_so1stbyte(ctx):
    comm = private_comm("tg1st")
    traffic_args = ["--tcp4", "3", "--tcp6", "2", "--udp4", "2", "--udp6", "1",
                    "--refused", "1", "--inprogress", "1", "--comm", comm]

    def check(lines, traffic):
        expect_line(lines, "Tracing IP socket first-read-byte latency. Ctrl-C to end.")
        # Each TCP client reads the reply once; each connected UDP socket
        # reads its first answer. Refused and in-progress sockets never read.
        wanted = (len(traffic.actions("tcp4")) + len(traffic.actions("tcp6"))
                  + len(traffic.actions("udp4")) + len(traffic.actions("udp6")))
        header = "@us[%s]:" % comm
        starts = [i for i, l in enumerate(lines) if l.rstrip() == header]
        if len(starts) != 1:
            raise TestFailure("%d %s histograms, expected one" % (len(starts), header))
        total = hist_total(lines, starts[0] + 1)
        if total != wanted:
            raise TestFailure("%s holds %d first reads, expected %d" % (header, total, wanted))

    return "so1stbyte.bt", r"^Tracing IP socket first-read-byte", traffic_args, check


DROP_TOP_FRAME = re.compile(r"^(sk_skb_reason_drop|kfree_skb\w*)\+\d+$")


def test_skbdrop(ctx):
    refused = 3

    def check(lines, traffic):
        expect_line(lines, "Tracing  unusual skb drop stacks. Hit Ctrl-C to end.")
        entries = stack_entries(lines, "@")
        if not entries:
            raise TestFailure("no @[kstack] entries")
        for frames, rest, value, _ in entries:
            if rest is not None or not re.match(r"^\d+$", value):
                raise TestFailure("not a @[kstack]: COUNT entry: %r %r" % (rest, value))
            if not frames or not all(SYMBOL_FRAME.match(f) for f in frames):
                raise TestFailure("stack with unresolved frames: %s" % frames)
        # The SYN to a closed port is dropped by tcp_v4_rcv (reason
        # NO_SOCKET) after the RST goes back; other drops may add to this.
        rcv = [e for e in entries if any(f.startswith("tcp_v4_rcv+") for f in e[0])]
        if sum(int(e[2]) for e in rcv) < refused:
            raise TestFailure("stacks through tcp_v4_rcv count %d drops, expected at least %d"
                              % (sum(int(e[2]) for e in rcv), refused))
        for frames, _, _, _ in rcv:
            if not DROP_TOP_FRAME.match(frames[0]):
                raise TestFailure("drop stack does not start in the free function: %s" % frames)

    return "skbdrop.bt", r"^Tracing  unusual skb drop stacks", ["--refused", str(refused)], check


def test_tcpdrop(ctx):
    traffic_args = ["--refused", "2", "--tcp4", "1", "--tcp6", "1"]

    def check(lines, traffic):
        expect_line(lines, "Tracing tcp drops. Hit Ctrl-C to end.")
        expect_line(lines, "%-8s %-7s %-16s %39s:%-5s %39s:%-5s %-11s %s" % (
            "TIME", "PID", "COMM", "SADDR", "SPORT", "DADDR", "DPORT", "STATE", "REASON"))
        refused = traffic.actions("refused4")
        for address, port, _ in refused:
            # The dropped SYN, seen from the closed port's side: local end
            # ADDRESS:PORT, remote end the connecting socket's ephemeral port.
            pattern = (r"^\d\d:\d\d:\d\d \d+ +\S.{0,15} " + re.escape("%39s:%-5d" % (address, port))
                       + " " + re.escape("%39s:" % address) + r"\d+ *" + r" - {10} NO_SOCKET$")
            hits = expect_match(lines, pattern, "the refused connect to port %d" % port)
            # Its kernel stack follows, up to the next blank line.
            stack = []
            for line in lines[hits[0] + 1:]:
                if stack and not line.strip():
                    break
                if line.strip():
                    stack.append(line.strip())
            if not stack or not DROP_TOP_FRAME.match(stack[0]):
                raise TestFailure("no drop stack after the line for port %d: %s" % (port, stack))
            if not any(f.startswith("tcp_v4_rcv+") for f in stack):
                raise TestFailure("the drop stack for port %d misses tcp_v4_rcv: %s"
                                  % (port, stack))
        # Closing connections purges their queues (reason QUEUE_PURGE), which
        # the script leaves out: the completed flows' ports must not appear.
        for kind in ("tcp4", "tcp6"):
            for address, port, _ in traffic.actions(kind):
                if any(re.search(r":%d +" % port, l) and "NO_SOCKET" not in l for l in lines):
                    raise TestFailure("a drop line for the completed %s flow on port %d"
                                      % (kind, port))

    return "tcpdrop.bt", r"^Tracing tcp drops", traffic_args, check


TESTS = {
    "sofamily": test_sofamily,
    "soconnect": test_soconnect,
    "soaccept": test_soaccept,
    "soconnlat": test_soconnlat,
    "so1stbyte": test_so1stbyte,
    "skbdrop": test_skbdrop,
    "tcpdrop": test_tcpdrop,
}


class Context(harness.SuiteContext):
    """With the script each test runs: as shipped, or its 0.17 variant."""

    def script_path(self, name):
        if not self.self_check:
            return str(SCRIPTS / name)
        path = pathlib.Path(self.tmpdir) / name
        path.write_text(bpftrace017_variant((SCRIPTS / name).read_text()))
        return str(path)


def run_test(name, tracer_path, trafficgen, ctx):
    script_name, ready, traffic_args, check = TESTS[name](ctx)
    started = []

    def traffic():
        started.append(Traffic(trafficgen, traffic_args))
        return started[-1]

    try:
        return harness.trace_workload(
            [tracer_path, ctx.script_path(script_name)], ready, traffic, check,
            START_TIMEOUT_S, SETTLE_S, linger_s=0.5,  # let the last events through
            repeat_sigint=ctx.self_check, describe=Traffic.report)
    finally:
        for made in started:  # held until the tracer has exited
            made.release()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    harness.add_tracer_arguments(
        parser, "run under bpftrace 0.17 (script variants) to validate the tests")
    parser.add_argument("--print-variant", metavar="SCRIPT",
                        help="print the bpftrace 0.17 variant of scripts/SCRIPT and exit")
    args = parser.parse_args()

    if args.list:
        print("\n".join(TESTS))
        return 0
    if args.print_variant:
        sys.stdout.write(bpftrace017_variant((SCRIPTS / args.print_variant).read_text()))
        return 0
    return harness.run_tracer_suite(parser, args, TESTS, run_test, Context,
                                    "sobt-integration3-")


if __name__ == "__main__":
    sys.exit(main())
