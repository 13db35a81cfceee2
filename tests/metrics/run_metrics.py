#!/usr/bin/env python3
"""--metrics: the Prometheus endpoint, scraped with a real HTTP client while
sobt traces, its exposition validated (promtool check metrics for the
Prometheus text format, prometheus_client's strict parser for OpenMetrics)
and compared with the maps sobt prints at exit (-f json, parsed).

Usage: run_metrics.py --sobt PATH --trafficgen PATH [CHECK...]

  every_map_kind   a BEGIN program fills every aggregation and key shape:
                   the exposition (both formats) holds exactly the dump's
                   values, labels named by the documented rule, escaped
                   label values, duplicate keys merged, names that collide
  live_traffic     loopback traffic from trafficgen, scraped while it runs
                   (counters only grow) and after: equal to the dump, and
                   to trafficgen's own count of its connects
  http             404, 405, 400, 505, 431, HEAD, content negotiation,
                   several scrapes at once
  slow_client      a client that never finishes its request holds neither
                   the scrapes nor the event loop, and is cut off after the
                   read timeout
  shutdown         the port is closed before END runs, and after exit
  errors           a taken port and bad addresses: one exact error line,
                   exit 1, nothing attached

Needs root, tracefs, promtool (Debian's prometheus) and
python3-prometheus-client. Prints "ok NAME" / "FAIL NAME" and "N passed,
N failed"; exits non-zero on any failure.
"""
import argparse
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "common"))
sys.path.insert(0, str(HERE))
import exposition as ex  # noqa: E402
import harness  # noqa: E402
from harness import TestFailure, expect  # noqa: E402

START_TIMEOUT_S = 60
# "Attaching N probes..." comes before the probes attach: tracing starts
# within this long after it (as in tests/integration).
SETTLE_S = 2.0
ARGS = None


def start_sobt(program, port, *extra):
    tracer = harness.Tracer([ARGS.sobt, "-f", "json", "--metrics", "127.0.0.1:%d" % port]
                            + list(extra) + ["-e", program])
    tracer.wait_for_line(r'"attached_probes"', START_TIMEOUT_S)
    return tracer


def scrape_both(port):
    """Both formats, each validated: (text samples, OpenMetrics samples, types)."""
    status, headers, text = ex.scrape(port)
    expect("status", status, 200)
    expect("Content-Type", headers["Content-Type"], ex.CONTENT_TEXT)
    ex.promtool_check(text)
    status, headers, om = ex.scrape(port, accept=ex.PROMETHEUS_ACCEPT)
    expect("status (OpenMetrics)", status, 200)
    expect("Content-Type (OpenMetrics)", headers["Content-Type"], ex.CONTENT_OPENMETRICS)
    if not om.endswith("# EOF\n"):
        raise TestFailure("the OpenMetrics exposition does not end with # EOF")
    types, text_samples = ex.parse(text, openmetrics=False)
    om_types, om_samples = ex.parse(om, openmetrics=True)
    expect("metric types in both formats", types, om_types)
    return ex.comparable(text_samples), ex.comparable(om_samples), types


def stop(tracer):
    status = tracer.stop()
    expect("exit status after SIGINT", status, 0)
    return ex.json_maps(tracer.output())


def kernel_function_with_room():
    """Two addresses inside one kernel function (ksym() prints both alike)."""
    previous = None
    with open("/proc/kallsyms") as f:
        for line in f:
            addr, kind, name = line.split()[:3]
            addr = int(addr, 16)
            if previous and previous[1] in "tT" and addr - previous[0] >= 16 and previous[0]:
                return previous[0], previous[0] + 8
            previous = (addr, kind, name)
    raise TestFailure("no kernel function in /proc/kallsyms (is it readable?)")


EVERY_MAP_KIND = r"""
BEGIN {
  @calls = count(); @calls = count(); @calls = count();
  @calls_by_name["read"] = count(); @calls_by_name["write"] = count();
  @calls_by_name["write"] = count();
  @amount[1] = sum(100); @amount[2] = sum(-40);
  @smallest[comm] = min(7); @smallest[comm] = min(-3);
  @largest[comm, 1] = max(11); @largest[comm, 2] = max(12);
  @mean = avg(10); @mean = avg(21);
  @spread["pos"] = stats(10); @spread["pos"] = stats(30);
  @spread["neg"] = stats(-10); @spread["neg"] = stats(-1);
  @sizes = hist(-5); @sizes = hist(0); @sizes = hist(1); @sizes = hist(3);
  @sizes = hist(3000); @sizes = hist(5000000000);
  @sizes_by_proto["tcp"] = hist(100); @sizes_by_proto["udp"] = hist(70000);
  @fine = hist(-1, 2); @fine = hist(6, 2); @fine = hist(100, 2); @fine = hist(5000000000, 2);
  @fine_by_proto["udp"] = hist(1500, 3); @fine_by_proto["udp"] = hist(1, 3);
  @linear = lhist(-20, 0, 20, 5); @linear = lhist(7, 0, 20, 5);
  @linear = lhist(19, 0, 20, 5); @linear = lhist(25, 0, 20, 5);
  @linear_positive[1] = lhist(250, 100, 300, 50); @linear_positive[1] = lhist(50, 100, 300, 50);
  @plain["a"] = 42; @plain["b"] = -9;
  @text = "strings are not exposed";
  $af = 2; $le = 7; $key0 = 3;
  @named[comm, $af, cpu] = count();
  @unnamed[$af, 1 + 2] = sum(5);
  @reserved[$le, $key0] = count();
  @shared[$af, $af] = count();
  @cast[(uint32)$af] = count();
  @disagree[$af] = count(); @disagree[$le] = count();
  @where[probe] = count();
  @dups[ksym(FIRST)] = count(); @dups[ksym(FIRST)] = count(); @dups[ksym(SECOND)] = count();
  @x = count(); @x_total = 5;
  @esc["x\"y\\z"] = count();
  @esc["a\nb"] = count(); @esc["a\nb"] = count();
  @esc["caf\xc3\xa9"] = count(); @esc["caf\xc3\xa9"] = count(); @esc["caf\xc3\xa9"] = count();
  @esc["\xff"] = count(); @esc["\xff"] = count(); @esc["\xff"] = count(); @esc["\xff"] = count();
}
"""

# What each map becomes: its kind and its label names, by metrics.h's rule.
EVERY_MAP_SPEC = {
    "@calls": ("count", [], None),
    "@calls_by_name": ("count", ["key0"], None),
    "@amount": ("sum", ["key0"], None),
    "@smallest": ("min", ["comm"], None),
    "@largest": ("max", ["comm", "key1"], None),
    "@mean": ("avg", [], None),
    "@spread": ("stats", ["key0"], None),
    "@sizes": ("hist", [], None),
    "@sizes_by_proto": ("hist", ["key0"], None),
    "@fine": ("hist", [], (2,)),  # hist(x, k): 2^k buckets per power of two
    "@fine_by_proto": ("hist", ["key0"], (3,)),
    "@linear": ("lhist", [], (0, 20, 5)),
    "@linear_positive": ("lhist", ["key0"], (100, 300, 50)),
    "@plain": ("int", ["key0"], None),
    "@named": ("count", ["comm", "af", "cpu"], None),  # built-ins and a variable
    "@unnamed": ("sum", ["af", "key1"], None),  # an expression names nothing
    "@reserved": ("count", ["key0", "key1"], None),  # le is reserved, keyN is taken
    "@shared": ("count", ["key0", "key1"], None),  # one name for two fields
    "@cast": ("count", ["af"], None),  # a cast keeps the name
    "@disagree": ("count", ["key0"], None),  # two uses, two names
    "@where": ("count", ["probe"], None),
    "@dups": ("count", ["ksym"], None),  # two addresses, one printed key: merged
    "@x": ("count", [], None),
}

TYPES = {"count": "counter", "sum": "gauge", "min": "gauge", "max": "gauge", "avg": "gauge",
         "int": "gauge", "stats": "summary", "hist": "histogram", "lhist": "histogram"}


def check_every_map_kind(port, tmp):
    first, second = kernel_function_with_room()
    program = EVERY_MAP_KIND.replace("FIRST", hex(first)).replace("SECOND", hex(second))
    tracer = harness.Tracer([ARGS.sobt, "-f", "json", "--metrics", str(port), "-e", program])
    try:
        tracer.wait_for_line(r'"attached_probes"', START_TIMEOUT_S)
        text, om, types = scrape_both(port)
        dumped = stop(tracer)
    finally:
        tracer.kill()
    for name, (kind, _, _) in EVERY_MAP_SPEC.items():
        family = "sobt_" + name[1:]
        expect("type of %s" % family, types.get(family), TYPES[kind])
    # A gauge @x_total would reuse the counter @x's sample name: it gets _2.
    expect("type of sobt_x_total_2", types.get("sobt_x_total_2"), "gauge")
    expect("sobt_x_total_2", text.get(("sobt_x_total_2", ())), 5.0)
    expect("strings are not exposed", "sobt_text" in types, False)
    for samples, openmetrics in ((text, False), (om, True)):
        what = "the OpenMetrics exposition" if openmetrics else "the text exposition"
        wanted = ex.expected_series(EVERY_MAP_SPEC, dumped, openmetrics)
        ours = {k: v for k, v in samples.items()
                if not k[0].startswith(("sobt_esc", "sobt_x_total_2"))}
        ex.expect_same_series(what, ours, wanted)
        escaped = {dict(labels)["key0"]: v for (name, labels), v in samples.items()
                   if name == "sobt_esc_total"}
        expect("label values of @esc in " + what, escaped,
               {'x"y\\z': 1.0, "a\nb": 2.0, "caf\u00e9": 3.0, "\\xff": 4.0})
    # the dump really had two @dups entries for the one series
    expect("@dups entries in the dump", len(dumped["@dups"][1]), 2)


def run_trafficgen(comm):
    result = harness.run([ARGS.trafficgen, "--tcp4", "2", "--tcp6", "1", "--tcp-size", "3000",
                          "--udp4", "2", "--udp-size", "200", "--loops", "4",
                          "--pause-ms", "250", "--comm", comm], 120).raise_if_timed_out()
    if result.status != 0:
        raise TestFailure("trafficgen failed (%d): %s" % (result.status, result.err))
    last = result.out.splitlines()[-1]
    return int(last.split()[1].split("=")[1])  # "total connect=N accept=N"


LIVE_SPEC = {
    "@connects": ("count", ["comm", "addrlen"], None),
    "@send_sizes": ("hist", ["comm"], None),
    "@sent": ("sum", ["comm"], None),
    "@send_stats": ("stats", ["comm"], None),
}


def check_live_traffic(port, tmp):
    comm = "tgm%d" % (os.getpid() % 1000000)
    program = ('t:syscalls:sys_enter_connect /comm == "%s"/ '
               '{ @connects[comm, args->addrlen] = count(); } '
               't:syscalls:sys_enter_sendto /comm == "%s"/ { @send_sizes[comm] = hist(args->len); '
               '@sent[comm] = sum(args->len); @send_stats[comm] = stats(args->len); }'
               % (comm, comm))
    tracer = start_sobt(program, port)
    try:
        time.sleep(SETTLE_S)
        made = {}
        worker = threading.Thread(target=lambda: made.update(connects=run_trafficgen(comm)))
        worker.start()
        previous = {}
        while worker.is_alive():  # scrapes while the traffic flows: counters only grow
            text, _, _ = scrape_both(port)
            for key, value in text.items():
                if key[0].endswith(("_total", "_bucket", "_count")) and value < previous.get(key, 0):
                    raise TestFailure("%r fell from %r to %r" % (key, previous[key], value))
            previous = text
            time.sleep(0.2)
        worker.join()
        if "connects" not in made:
            raise TestFailure("trafficgen did not run")
        time.sleep(0.5)
        text, om, _ = scrape_both(port)
        dumped = stop(tracer)
    finally:
        tracer.kill()
    ex.expect_same_series("the text exposition", text, ex.expected_series(LIVE_SPEC, dumped, False))
    ex.expect_same_series("the OpenMetrics exposition", om,
                          ex.expected_series(LIVE_SPEC, dumped, True))
    connects = sum(v for (name, labels), v in text.items()
                   if name == "sobt_connects_total" and dict(labels)["comm"] == comm)
    expect("connects counted, as trafficgen made them", connects, float(made["connects"]))
    families = {dict(labels).get("addrlen") for (name, labels) in text
                if name == "sobt_connects_total"}
    expect("addrlen labels (IPv4 and IPv6 sockaddrs)", families, {"16", "28"})


def check_http(port, tmp):
    tracer = start_sobt("BEGIN { @calls = count(); }", port)
    try:
        status, headers, body = ex.scrape(port, path="/")
        expect("GET / status", status, 404)
        status, headers, body = ex.scrape(port, path="/metricsx")
        expect("GET /metricsx status", status, 404)
        status, headers, body = ex.scrape(port, method="POST")
        expect("POST /metrics status", (status, headers["Allow"]), (405, "GET, HEAD"))
        status, headers, body = ex.scrape(port, method="HEAD")
        expect("HEAD /metrics", (status, headers["Content-Type"], body),
               (200, ex.CONTENT_TEXT, ""))
        status, headers, body = ex.scrape(port, path="/metrics?name[]=x")
        expect("a query string", (status, body.splitlines()[-1]), (200, "sobt_calls_total 1"))
        answer = ex.raw_request(port, b"garbage\r\n\r\n")
        expect("garbage", answer.split(b"\r\n")[0], b"HTTP/1.1 400 Bad Request")
        answer = ex.raw_request(port, b"GET /metrics HTTP/2.0\r\n\r\n")
        expect("HTTP/2.0", answer.split(b"\r\n")[0], b"HTTP/1.1 505 HTTP Version Not Supported")
        answer = ex.raw_request(port, b"GET /metrics HTTP/1.1\r\nX: " + b"y" * 9000)
        expect("a huge head", answer.split(b"\r\n")[0],
               b"HTTP/1.1 431 Request Header Fields Too Large")
        answer = ex.raw_request(port, b"GET /metrics HTTP/1.0\n\n")
        expect("bare LF line ends", answer.split(b"\r\n")[0], b"HTTP/1.1 200 OK")
        status, headers, body = ex.scrape(port, accept="application/openmetrics-text")
        expect("OpenMetrics on request", (headers["Content-Type"], body.splitlines()[-1]),
               (ex.CONTENT_OPENMETRICS, "# EOF"))
        # several at once, all whole
        results = []

        def one():
            results.append(ex.scrape(port, accept=ex.PROMETHEUS_ACCEPT)[::2])

        threads = [threading.Thread(target=one) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        expect("12 simultaneous scrapes", len(results), 12)
        if any(r != results[0] or r[0] != 200 for r in results):
            raise TestFailure("simultaneous scrapes differ: %r" % results)
        stop(tracer)
    finally:
        tracer.kill()


def check_slow_client(port, tmp):
    program = 'interval:ms:100 { @ticks = count(); printf("tick\\n"); }'
    tracer = start_sobt(program, port)
    try:
        silent = socket.create_connection(("127.0.0.1", port), timeout=30)
        silent.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")  # and never the end
        ticks_before = len(tracer.output())
        started = time.monotonic()
        status, _, body = ex.scrape(port, timeout=5)
        expect("a scrape beside the silent client", status, 200)
        if time.monotonic() - started > 2:
            raise TestFailure("the scrape waited for the silent client")
        time.sleep(3)
        if len(tracer.output()) - ticks_before < 10:
            raise TestFailure("%d ticks in 3 s while a client hung: the event loop waited"
                              % (len(tracer.output()) - ticks_before))
        # the server cuts it off after its 10 s read timeout
        silent.settimeout(15)
        data = silent.recv(100)
        waited = time.monotonic() - started
        silent.close()
        expect("what the silent client got", data, b"")
        if not 8 <= waited <= 14:
            raise TestFailure("the silent client was cut off after %.1f s, not ~10 s" % waited)
        stop(tracer)
    finally:
        tracer.kill()


def check_shutdown(port, tmp):
    # END asks whether the port still listens: it must not.
    probe = tmp / "probe_port.sh"
    probe.write_text("exec 2>/dev/null\n(echo > /dev/tcp/127.0.0.1/%d) && echo listening "
                     "|| echo closed\n" % port)
    program = 'BEGIN { @calls = count(); } END { system("bash %s"); }' % probe
    tracer = harness.Tracer([ARGS.sobt, "--unsafe", "--metrics", str(port), "-e", program])
    try:
        tracer.wait_for_line(r"^Attaching", START_TIMEOUT_S)
        expect("scrape while tracing", ex.scrape(port)[0], 200)
        expect("exit status", tracer.stop(), 0)
    finally:
        tracer.kill()
    lines = tracer.output()
    if "closed" not in lines:
        raise TestFailure("END did not find the port closed: %r" % lines)
    with socket.socket() as s:
        expect("connect after exit", s.connect_ex(("127.0.0.1", port)) != 0, True)


def check_errors(port, tmp):
    program = 'BEGIN { printf("ran\\n"); exit(); }'
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = harness.run([ARGS.sobt, "--metrics", "127.0.0.1:%d" % port, "-e", program], 60)
        expect("port taken", (result.status, result.out, result.err),
               (1, "", "ERROR: --metrics: cannot listen on 127.0.0.1:%d: Address already in use\n"
                % port))
        result = harness.run([ARGS.sobt, "--metrics", str(port), "-e", program], 60)
        expect("port taken (PORT alone)", (result.status, result.out, result.err),
               (1, "", "ERROR: --metrics: cannot listen on 127.0.0.1:%d: Address already in use\n"
                % port))
    usage = ("use PORT, IPV4:PORT, localhost:PORT or [IPV6]:PORT, with PORT from 1 to 65535")
    for bad in ["http", "0", "65536", "127.0.0.1", "127.0.0.1:", "1.2.3:9100", "host:9100",
                "[::1]", "::1:9100", "[::1:9100", "9100x", ""]:
        result = harness.run([ARGS.sobt, "--metrics", bad, "-e", program], 60)
        expect("--metrics %r" % bad, (result.status, result.out, result.err),
               (1, "", "ERROR: --metrics: invalid address '%s': %s\n" % (bad, usage)))
    result = harness.run([ARGS.sobt, "--metrics", "192.0.2.1:%d" % port, "-e", program], 60)
    expect("an address not of this host", (result.status, result.out, result.err),
           (1, "", "ERROR: --metrics: cannot listen on 192.0.2.1:%d: Cannot assign requested "
                   "address\n" % port))
    result = harness.run([ARGS.sobt, "-e", program, "--metrics"], 60)
    expect("no value", (result.status, result.out, result.err),
           (1, "", "ERROR: option '--metrics' needs an argument (see sobt --help)\n"))
    # accepted spellings run the program
    for good in ["localhost:%d" % port, "[::1]:%d" % port]:
        result = harness.run([ARGS.sobt, "--metrics", good, "-e", program], 60)
        expect("--metrics %s" % good, (result.status, result.out),
               (0, "Attaching 1 probe...\nran\n\n\n"))


CHECKS = {
    "every_map_kind": check_every_map_kind,
    "live_traffic": check_live_traffic,
    "http": check_http,
    "slow_client": check_slow_client,
    "shutdown": check_shutdown,
    "errors": check_errors,
}


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sobt", required=True)
    parser.add_argument("--trafficgen", required=True)
    parser.add_argument("checks", nargs="*")
    ARGS = parser.parse_args()
    unknown = [c for c in ARGS.checks if c not in CHECKS]
    if unknown:
        parser.error("no such check: %s (known: %s)" % (", ".join(unknown), " ".join(CHECKS)))
    harness.require(root="tracing needs it", executables=[ARGS.sobt, ARGS.trafficgen],
                    tracepoint="syscalls/sys_enter_connect")
    if not shutil.which("promtool"):
        harness.fail_setup("promtool is not installed (Debian's prometheus package; "
                           "tests/run_all.sh installs it)")
    ex.prometheus_client()
    with tempfile.TemporaryDirectory(prefix="sobt-metrics-") as tmp:
        return harness.run_cases(ARGS.checks or list(CHECKS),
                                 lambda name: CHECKS[name](ex.free_port(), pathlib.Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
