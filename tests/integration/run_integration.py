#!/usr/bin/env python3
"""Integration tests on the running kernel: start a tracer (sobt, or bpftrace
with --self-check) on a script from scripts/ or a one-liner, make loopback
traffic with trafficgen, stop the tracer with SIGINT, and assert the lines that
must appear in its output.

Usage:
  run_integration.py --tracer PATH --trafficgen PATH [TEST...]
  run_integration.py --self-check --trafficgen PATH [TEST...]
  run_integration.py --list

--self-check runs the tests under bpftrace 0.17 to check the assertions
themselves; tests bpftrace cannot run here (kprobes) use a tracepoint-only
variant of the script, noted per test.

Needs root and tracefs (mounted here if missing); fails loudly otherwise.
Prints "ok NAME" / "FAIL NAME" with the reasons and the tracer's output, then
"N passed, N failed"; exits non-zero on any failure.
"""
import argparse
import os
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402
from harness import SCRIPTS, TestFailure  # noqa: E402

# After the tracer's start line, give it this long to finish attaching. Both
# tracers print "Attaching N probes..." before they attach (and install their
# SIGINT handler), so a script without a BEGIN line to wait for has no better
# sign of readiness; a SIGINT sent too early kills the tracer.
SETTLE_S = 2.0
START_TIMEOUT_S = 60


# ---------------------------------------------------------------------------
# Reading what tracers print.


def hist_buckets(lines, map_header):
    """Bucket label -> count for the histogram printed under map_header
    (e.g. "@recv_bytes:"), from the last time it was printed."""
    start = None
    for i, line in enumerate(lines):
        if line.rstrip() == map_header:
            start = i
    if start is None:
        raise TestFailure("no %s histogram in the output" % map_header)
    buckets = {}
    for line in lines[start + 1:]:
        m = re.match(r"^(\[[^\]]*[\])]|\(\.\.\., [^)]*\)|\[[^\]]*, \.\.\.\))\s+(\d+) \|", line)
        if not m:
            break
        buckets[m.group(1)] = int(m.group(2))
    if not buckets:
        raise TestFailure("%s has no buckets" % map_header)
    return buckets


def expect_bucket_at_least(lines, map_header, bucket, minimum):
    buckets = hist_buckets(lines, map_header)
    got = buckets.get(bucket, 0)
    if got < minimum:
        raise TestFailure("%s bucket %s has %d, expected at least %d (buckets: %s)"
                          % (map_header, bucket, got, minimum, buckets))


def expect_line(lines, line):
    if line not in lines:
        raise TestFailure("missing line: %r" % line)


def map_entries(lines, pattern):
    """Every match of a regex over the output lines."""
    regex = re.compile(pattern)
    return [m for m in (regex.match(line) for line in lines) if m]


# ---------------------------------------------------------------------------
# trafficgen


def run_trafficgen(trafficgen, args):
    """Runs trafficgen directly (no shell) so its pid and comm are its own."""
    result = harness.run([trafficgen] + args, 120).raise_if_timed_out()
    if result.status != 0:
        raise TestFailure("trafficgen %s failed (%d): %s"
                          % (" ".join(args), result.status, result.err))
    lines = result.out.splitlines()
    total = re.match(r"^total connect=(\d+) accept=(\d+)$", lines[-1] if lines else "")
    if not total:
        raise TestFailure("trafficgen printed no total line")
    return {"pid": result.pid, "lines": lines,
            "connects": int(total.group(1)), "accepts": int(total.group(2))}


# ---------------------------------------------------------------------------
# The tests. Each returns (tracer arguments, ready pattern, trafficgen
# arguments, check function); check(lines, traffic) raises TestFailure.


def script(name):
    return str(SCRIPTS / name)


def tracepoint_only_copy(name, tmpdir):
    """bpftrace cannot attach kprobes on this kernel: for --self-check, a copy
    of the script without its kprobe attach points."""
    text = (SCRIPTS / name).read_text()
    kept = [line for line in text.splitlines(keepends=True)
            if not re.match(r"^\s*(kprobe|kretprobe|k|kr):", line)]
    path = pathlib.Path(tmpdir) / name
    path.write_text("".join(kept).replace("tracepoint:syscalls:sys_enter_socket,\n",
                                          "tracepoint:syscalls:sys_enter_socket\n"))
    return str(path)


def test_netsize(ctx):
    # TCP payloads of 1990 bytes: 2042 bytes on receive (IPv4 20 + TCP 20 +
    # timestamps 12), 2056 on send (plus the 14-byte Ethernet header), so the
    # two directions land in different buckets. UDP datagrams of 20000 bytes
    # (20028 / 20042) land in [16K, 32K) everywhere.
    tcp, udp = 5, 10

    def check(lines, traffic):
        for layer in ("@nic_recv_bytes:", "@recv_bytes:"):
            expect_bucket_at_least(lines, layer, "[1K, 2K)", 2 * tcp)
            expect_bucket_at_least(lines, layer, "[16K, 32K)", 2 * udp)
        for layer in ("@nic_send_bytes:", "@send_bytes:"):
            expect_bucket_at_least(lines, layer, "[2K, 4K)", 2 * tcp)
            expect_bucket_at_least(lines, layer, "[16K, 32K)", 2 * udp)

    return ([script("netsize.bt")], r"^Attaching \d+ probes?\.\.\.$",
            ["--tcp4", str(tcp), "--tcp-size", "1990", "--udp4", str(udp),
             "--udp-size", "20000"], check)


def test_nettxlat(ctx):
    tcp, udp = 5, 10

    def check(lines, traffic):
        expect_line(lines, "Tracing net device xmit queue latency. Hit Ctrl-C to end.")
        buckets = hist_buckets(lines, "@us:")
        # Every TCP connection sends at least SYN, data and FIN each way;
        # every datagram is answered.
        minimum = 6 * tcp + 2 * udp
        if sum(buckets.values()) < minimum:
            raise TestFailure("@us holds %d packets, expected at least %d"
                              % (sum(buckets.values()), minimum))

    return ([script("nettxlat.bt")], r"^Tracing net device xmit queue latency",
            ["--tcp4", str(tcp), "--udp4", str(udp)], check)


def test_sordrop(ctx):
    pings = 10

    def check(lines, traffic):
        expect_line(lines, "Tracing socket receive buffer full. Hit Ctrl-C to end.")
        made = [l for l in traffic["lines"] if l.startswith("ping_overflow4 ")]
        rcvbuf = int(re.search(r"rcvbuf=(\d+)", made[0]).group(1))
        drops = map_entries(lines, r"^tracepoint:sock:sock_rcvqueue_full rmem_alloc (-?\d+) "
                                   r"> rcvbuf (-?\d+), skb size (\d+)$")
        ours = [m for m in drops if int(m.group(2)) == rcvbuf]
        # The first reply fits in the empty buffer; after that it is full.
        if len(ours) < 1:
            raise TestFailure("no sock_rcvqueue_full line with rcvbuf %d" % rcvbuf)
        for m in ours:
            if int(m.group(1)) < rcvbuf or int(m.group(3)) <= 0:
                raise TestFailure("implausible line: %s" % m.group(0))

    return ([script("sordrop.bt")], r"^Tracing socket receive buffer full",
            ["--ping-overflow", str(pings)], check)


# A mix that makes every kind of connect: 3 + 2 TCP, one per UDP family,
# 2 refused, 2 nonblocking.
CONNECT_MIX = ["--tcp4", "3", "--tcp6", "2", "--udp4", "2", "--udp6", "1",
               "--refused", "2", "--inprogress", "2"]


def test_connect_by_comm(ctx):
    # A name of its own for this trafficgen, so that other runs of the test
    # suite on the same machine do not add to its count.
    comm = "tg%d" % (os.getpid() % 10000000)

    def check(lines, traffic):
        expect_line(lines, "@[%s]: %d" % (comm, traffic["connects"]))

    return (["-e", "t:syscalls:sys_enter_connect { @[comm] = count(); }"],
            r"^Attaching \d+ probes?\.\.\.$", CONNECT_MIX + ["--comm", comm], check)


def test_connect_by_pid_comm(ctx):
    # The one-liner from the notes, verbatim.
    def check(lines, traffic):
        expect_line(lines, "@[%d, trafficgen]: %d" % (traffic["pid"], traffic["connects"]))

    return (["-e", "t:syscalls:sys_enter_connect { @[pid, comm] = count(); }"],
            r"^Attaching \d+ probes?\.\.\.$", CONNECT_MIX, check)


def test_accept_printf(ctx):
    # The one-liner from the notes, verbatim: one line per accept(2).
    def check(lines, traffic):
        ours = [l for l in lines if l == "%d, trafficgen" % traffic["pid"]]
        if len(ours) != traffic["accepts"]:
            raise TestFailure("%d accept lines for trafficgen, expected %d"
                              % (len(ours), traffic["accepts"]))

    return (["-e", 't:syscalls:sys_enter_accept* { printf("%d, %s\\n", pid, comm); }'],
            r"^Attaching \d+ probes?\.\.\.$", ["--tcp4", "3", "--tcp6", "2"], check)


def test_sockstat(ctx):
    # sockstat.bt has two kprobes, which cannot attach here: sobt runs it with
    # --missing-probes=warn; bpftrace (--self-check) runs a copy without them.
    loops = 3

    def check(lines, traffic):
        expect_line(lines, "Tracing sock statistics. Output every 1 seconf.")
        if not any(re.match(r"^\d\d:\d\d:\d\d$", l) for l in lines):
            raise TestFailure("no time() line (HH:MM:SS)")
        totals = {}
        for m in map_entries(lines, r"^@\[(tracepoint:syscalls:sys_enter_\w+)\]: (\d+)$"):
            totals[m.group(1)] = totals.get(m.group(1), 0) + int(m.group(2))
        probe = "tracepoint:syscalls:sys_enter_"
        accepts = totals.get(probe + "accept", 0) + totals.get(probe + "accept4", 0)
        wanted = {"connect": traffic["connects"], "bind": 1, "socket": traffic["connects"]}
        for name, minimum in wanted.items():
            if totals.get(probe + name, 0) < minimum:
                raise TestFailure("%s%s totals %d over all intervals, expected at least %d"
                                  % (probe, name, totals.get(probe + name, 0), minimum))
        if accepts < traffic["accepts"]:
            raise TestFailure("accept/accept4 total %d, expected at least %d"
                              % (accepts, traffic["accepts"]))

    if ctx.self_check:
        argv = [tracepoint_only_copy("sockstat.bt", ctx.tmpdir)]
    else:
        argv = ["--missing-probes=warn", script("sockstat.bt")]
    traffic = ["--tcp4", "2", "--udp4", "1", "--refused", "1", "--loops", str(loops),
               "--pause-ms", "700"]
    return (argv, r"^Tracing sock statistics", traffic, check)


def test_repeated_attach(ctx):
    # One tracepoint named twice in a block (once by a wildcard): the block
    # runs once per naming, and `probe` keys by name, so the two merge.
    comm = "tr%d" % (os.getpid() % 10000000)

    def check(lines, traffic):
        expect_line(lines, "@[tracepoint:syscalls:sys_enter_connect]: %d"
                    % (2 * traffic["connects"]))

    program = ('t:syscalls:sys_enter_connect, t:syscalls:sys_enter_conn* /comm == "%s"/ '
               '{ @[probe] = count(); }' % comm)
    return (["-e", program], r"^Attaching \d+ probes?\.\.\.$",
            ["--refused", "2", "--tcp4", "1", "--comm", comm], check)


def test_syscall_wildcard(ctx):
    # Every syscall tracepoint at once: sobt runs them from one program per
    # direction on raw_syscalls, dispatching on the syscall number; each
    # hit must still land under its own tracepoint's name.
    comm = "sw%d" % (os.getpid() % 10000000)
    # ~720 probes: over the default limit of 512 of both tracers (bpftrace
    # 0.17 also loads one program per tracepoint)
    os.environ["BPFTRACE_MAX_BPF_PROGS"] = "2048"
    os.environ["BPFTRACE_MAX_PROBES"] = "2048"

    def check(lines, traffic):
        for kind in ("enter", "exit"):
            expect_line(lines, "@%s[tracepoint:syscalls:sys_%s_connect]: %d"
                        % (kind, kind, traffic["connects"]))
        counts = {}
        for m in map_entries(lines, r"^@(enter|exit)\[tracepoint:syscalls:sys_\w+?_(\w+)\]: (\d+)$"):
            counts[(m.group(1), m.group(2))] = int(m.group(3))
        # every call that returns is seen going in and coming out, as itself
        for name in ("socket", "bind", "close", "accept", "listen"):
            if counts.get(("enter", name), 0) == 0 or \
                    counts.get(("enter", name)) != counts.get(("exit", name)):
                raise TestFailure("%s: %s entries, %s exits" % (
                    name, counts.get(("enter", name)), counts.get(("exit", name))))

    program = ('t:syscalls:sys_enter_* /comm == "%s"/ { @enter[probe] = count(); } '
               't:syscalls:sys_exit_* /comm == "%s"/ { @exit[probe] = count(); }' % (comm, comm))
    return (["-e", program], r"^Attaching \d+ probes?\.\.\.$",
            ["--refused", "2", "--tcp4", "1", "--comm", comm], check)


def test_raw_tracepoint_wildcard(ctx):
    # A wide tracepoint set whose program reads nothing of the record runs
    # from raw tracepoint links (detached at once on exit); the attach cookie
    # must still name each hit's own tracepoint.
    comm = "rw%d" % (os.getpid() % 10000000)

    def check(lines, traffic):
        counts = {}
        for m in map_entries(lines, r"^@\[tracepoint:(sock|net):(\w+)\]: (\d+)$"):
            counts[m.group(2)] = int(m.group(3))
        # each connect moves a socket from CLOSE to SYN_SENT in its own task
        if counts.get("inet_sock_set_state", 0) < traffic["connects"]:
            raise TestFailure("inet_sock_set_state: %s hits for %d connects"
                              % (counts.get("inet_sock_set_state"), traffic["connects"]))
        if counts.get("net_dev_queue", 0) == 0:
            raise TestFailure("no net_dev_queue hit: %s" % counts)

    program = 't:sock:*,t:net:* /comm == "%s"/ { @[probe] = count(); }' % comm
    return (["-e", program], r"^Attaching \d+ probes?\.\.\.$",
            ["--refused", "2", "--tcp4", "1", "--comm", comm], check)


TESTS = {
    "netsize": test_netsize,
    "nettxlat": test_nettxlat,
    "sordrop": test_sordrop,
    "connect_by_comm": test_connect_by_comm,
    "connect_by_pid_comm": test_connect_by_pid_comm,
    "accept_printf": test_accept_printf,
    "sockstat": test_sockstat,
    "repeated_attach": test_repeated_attach,
    "syscall_wildcard": test_syscall_wildcard,
    "raw_tracepoint_wildcard": test_raw_tracepoint_wildcard,
}


def run_test(name, tracer_path, trafficgen, ctx):
    tracer_args, ready, traffic_args, check = TESTS[name](ctx)
    return harness.trace_workload(
        [tracer_path] + tracer_args, ready, lambda: run_trafficgen(trafficgen, traffic_args),
        check, START_TIMEOUT_S, SETTLE_S,
        # Let the last events and interval prints through before stopping.
        linger_s=1.2 if name == "sockstat" else 0.5, repeat_sigint=ctx.self_check,
        # bpftrace 0.17 closes its ~720 tracepoints one grace period at a
        # time: 50 s on a quiet machine, more under load
        stop_timeout=200 if name == "syscall_wildcard" and ctx.self_check else 60,
        describe=lambda traffic: (["  --- trafficgen (pid %d):" % traffic["pid"]]
                                  + harness.quoted(traffic["lines"])))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    harness.add_tracer_arguments(parser, "run under bpftrace to validate the assertions")
    args = parser.parse_args()

    if args.list:
        print("\n".join(TESTS))
        return 0
    return harness.run_tracer_suite(parser, args, TESTS, run_test, harness.SuiteContext,
                                    "sobt-integration-")


if __name__ == "__main__":
    sys.exit(main())
