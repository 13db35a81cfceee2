"""What the --metrics checks share: scraping (urllib, and raw sockets for
requests urllib will not send), validating an exposition (promtool for the
Prometheus text format, prometheus_client's strict parser for OpenMetrics),
reading it into {(sample name, labels): value}, and the series a map dump
(sobt -f json at exit) says the exposition must hold, computed from
runtime/output/metrics.h's rules, not from sobt's code."""
import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request

from harness import TestFailure, fail_setup

PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,"
                     "application/openmetrics-text;version=0.0.1;q=0.75,"
                     "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")  # as Prometheus sends it
CONTENT_TEXT = "text/plain; version=0.0.4; charset=utf-8"
CONTENT_OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8"


def prometheus_client():
    """Debian's python3-prometheus-client (its parsers), also when the
    python3 running the tests is not Debian's."""
    try:
        import prometheus_client.openmetrics.parser  # noqa: F401
        import prometheus_client.parser  # noqa: F401
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        try:
            import prometheus_client.openmetrics.parser  # noqa: F401
            import prometheus_client.parser  # noqa: F401
        except ImportError:
            fail_setup("python3-prometheus-client is not installed (tests/run_all.sh installs it)")
    import prometheus_client as client
    return client


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port, accept=None, method="GET", path="/metrics", timeout=10):
    """(status, headers, body text) of one request through urllib."""
    request = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), method=method)
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def raw_request(port, data, timeout=10):
    """What the server answers to these bytes, up to its close."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        answer = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return answer
            answer += chunk


def promtool_check(text):
    """promtool check metrics: the Prometheus text format parses and lints clean."""
    result = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                            capture_output=True, timeout=60)
    if result.returncode != 0 or result.stdout or result.stderr:
        raise TestFailure("promtool check metrics (status %d): %s%s"
                          % (result.returncode, result.stdout.decode(), result.stderr.decode()))


def parse(text, openmetrics):
    """{family: type} and {(sample name, sorted label pairs): value}; a
    format error (OpenMetrics is checked strictly) is a TestFailure."""
    client = prometheus_client()
    reader = (client.openmetrics.parser if openmetrics else client.parser)
    types, samples = {}, {}
    try:
        for family in reader.text_string_to_metric_families(text):
            types[family.name] = family.type
            for s in family.samples:
                key = (s.name, tuple(sorted(s.labels.items())))
                if key in samples:
                    raise TestFailure("series %r twice" % (key,))
                samples[key] = s.value
    except ValueError as error:
        raise TestFailure("%s exposition does not parse: %s"
                          % ("OpenMetrics" if openmetrics else "text", error))
    return types, samples


# ---------------------------------------------------------------------------
# What a map dump says the exposition holds.


def json_maps(lines):
    """{"@name": (record type, value)} from sobt -f json's map records;
    keyed values are lists of (key, value) pairs, so that two entries whose
    keys print the same are both kept."""
    maps = {}
    for line in lines:
        if not line.startswith("{"):
            continue
        record = json.loads(line, object_pairs_hook=lambda pairs: pairs)
        record = dict(record)
        if record["type"] not in ("map", "hist", "stats"):
            continue
        for name, value in record["data"]:
            maps[name] = (record["type"], value)
    return maps


def hist_bounds(kind, lo=None, hi=None, step=None):
    """Every le of a hist(), hist(x, k) (lo is k) or lhist(lo, hi, step), as
    metrics.h says."""
    if kind == "hist" and not lo:
        return [-1.0, 0.0, 1.0] + [float(2 ** k - 1) for k in range(2, 64)] + [float("inf")]
    if kind == "hist":
        # bpftrace's hist(x, k): single values 0 .. 2N-1 (N = 2^k), then each
        # power of two 2^p .. 2^(p+1)-1 (p >= k+1) cut into N equal parts, up
        # to 2^64-1
        n = 2 ** lo
        bounds = [-1.0] + [float(v) for v in range(2 * n)]
        for p in range(lo + 1, 64):
            part = 2 ** p // n
            bounds += [float(2 ** p + (m + 1) * part - 1) for m in range(n)]
        return bounds + [float("inf")]
    steps = (hi - lo) // step
    return [float(lo - 1)] + [float(lo + i * step - 1) for i in range(1, steps + 1)] \
        + [float("inf")]


def merge(kind, a, b):
    """Two entries whose keys print alike, merged as metrics.h says."""
    if kind in ("count", "sum"):
        return a + b
    if kind == "min":
        return min(a, b)
    if kind in ("max", "int"):
        return max(a, b)
    if kind in ("stats", "avg"):
        return {"count": a["count"] + b["count"], "total": a["total"] + b["total"]}
    return a + b  # hist buckets: lists, concatenated


def expected_series(spec, dumped, openmetrics):
    """spec: {"@name": (kind, [label names], extra)} with kind count, sum,
    min, max, avg, int, stats, hist or lhist (extra: (lo, hi, step) for
    lhist); dumped: json_maps(). Returns {(sample, labels): value}."""
    series = {}
    for name, (kind, labels, extra) in spec.items():
        family = "sobt_" + name[1:] if name != "@" else "sobt"
        rtype, value = dumped.get(name, (None, [] if labels else None))
        entries = value if labels else ([("", value)] if value is not None else [])
        merged = {}
        for key, v in entries:
            if kind == "stats":
                v = dict(v)
            if kind == "avg" and key in merged:
                raise TestFailure("the dump shows an avg() average alone: two %s entries "
                                  "cannot be merged from it" % name)
            merged[key] = merge(kind, merged[key], v) if key in merged else v
        for key, v in merged.items():
            names = tuple(zip(labels, key.split(","))) if labels else ()
            base = tuple(sorted(names))
            if kind == "count":
                series[(family + "_total", base)] = float(v)
            elif kind in ("sum", "min", "max", "avg", "int"):
                series[(family, base)] = float(v)
            elif kind == "stats":
                series[(family + "_count", base)] = float(v["count"])
                if not openmetrics or v["total"] >= 0:
                    series[(family + "_sum", base)] = float(v["total"])
            else:
                buckets = [dict(b) for b in v]
                bounds = hist_bounds(kind, *extra) if extra else hist_bounds(kind)
                for le in bounds:
                    held = sum(b["count"] for b in buckets if "max" in b and b["max"] <= le)
                    if le == float("inf"):
                        held = sum(b["count"] for b in buckets)
                    series[(family + "_bucket", tuple(sorted(names + (("le", le),))))] = held
                if not openmetrics:
                    series[(family + "_count", base)] = float(sum(b["count"] for b in buckets))
    return series


def comparable(samples):
    """Parsed samples with each le as a number, to compare with expected_series."""
    out = {}
    for (name, labels), value in samples.items():
        labels = tuple(sorted((k, float(v) if k == "le" else v) for k, v in labels))
        out[(name, labels)] = value
    return out


def expect_same_series(what, got, wanted):
    if got == wanted:
        return
    missing = sorted(set(wanted) - set(got), key=repr)
    extra = sorted(set(got) - set(wanted), key=repr)
    wrong = sorted((k for k in wanted if k in got and got[k] != wanted[k]), key=repr)
    lines = ["%s differs from the map dump:" % what]
    lines += ["  missing %r = %r" % (k, wanted[k]) for k in missing[:10]]
    lines += ["  not in the dump %r = %r" % (k, got[k]) for k in extra[:10]]
    lines += ["  %r is %r, the dump says %r" % (k, got[k], wanted[k]) for k in wrong[:10]]
    raise TestFailure("\n".join(lines))
