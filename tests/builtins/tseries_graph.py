"""What a tseries() map must print, computed here from the values a script
records beside each tseries() write, by the rules of current bpftrace's
docs/stdlib.md ("tseries": its two example graphs) and its text and JSON
output, independently of sobt's C (runtime/output/tseries_*.c):

 - each write lands in epoch CLOCK_TAI ns // interval; the values of one
   epoch combine as the last written, or their avg (truncated), max, min
   or sum;
 - the graph shows the `intervals` epochs ending at the map's latest, from
   the first that has a value; an epoch without one prints "-";
 - min and max of the values (each moved one away when equal) label the
   graph, min left-aligned in 21 columns and max right-aligned in 32;
 - a line is 53 columns with '|' at both ends, the value's '*' at column
   int(52 * (v - min) / (max - min)) in single-precision float, and when
   min < 0 < max a '.' at int(53 * -min / (max - min));
 - times are the epochs' starts as local wall-clock %H:%M:%S with
   milliseconds when the interval is under a second (header hh:mm:ss.ms).
"""
import struct
import time

GRAPH_WIDTH = 53
PADDING = 21


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def combine(values, agg):
    if agg == "last":
        return values[-1]
    if agg == "avg":
        return trunc_div(sum(values), len(values))
    return {"max": max, "min": min, "sum": sum}[agg](values)


def tai_offset_ns():
    """CLOCK_TAI - CLOCK_REALTIME, whole seconds."""
    return round(time.clock_gettime(time.CLOCK_TAI) - time.time()) * 1_000_000_000


def window(writes, interval_ns, intervals, agg):
    """writes: [(tai_ns, value)] in write order. Returns [(epoch, value or
    None)] as the map prints them."""
    by_epoch = {}
    for tai, value in writes:
        by_epoch.setdefault(tai // interval_ns, []).append(value)
    last = max(by_epoch)
    start = min(e for e in by_epoch if e >= last - intervals + 1)
    return [(e, combine(by_epoch[e], agg) if e in by_epoch else None)
            for e in range(start, last + 1)]


def wall_clock(epoch, interval_ns, offset_ns):
    ns = epoch * interval_ns - offset_ns
    return time.localtime(ns // 1_000_000_000), ns % 1_000_000_000


def time_text(epoch, interval_ns, offset_ns, digits):
    tm, fraction = wall_clock(epoch, interval_ns, offset_ns)
    text = time.strftime("%H:%M:%S", tm)
    if digits:
        text += ".%0*d" % (digits, fraction // 10 ** (9 - digits))
    return text


def graph(points, interval_ns, offset_ns):
    """The lines after "@name:" (its text form), for whole-millisecond to
    whole-second intervals."""
    present = [v for _, v in points if v is not None]
    lo, hi = min(present), max(present)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    step = interval_ns if len(points) > 1 else 0
    digits, header = (0, "hh:mm:ss") if step >= 1_000_000_000 else (3, "hh:mm:ss.ms")
    assert step == 0 or step >= 1_000_000, "only ms and s intervals are rendered here"
    width = 8 + (1 + digits if digits else 0)
    bounds = " " * (width + 1) + str(lo).ljust(PADDING) + str(hi).rjust(GRAPH_WIDTH - PADDING)
    out = [bounds, header.ljust(width + 1) + "|" + "_" * (GRAPH_WIDTH - 2) + "|"]
    span = f32(hi - lo)
    zero = int(f32(f32(GRAPH_WIDTH * f32(-lo)) / span)) if lo < 0 < hi else 0
    for epoch, value in points:
        line = [" "] * GRAPH_WIDTH
        line[0] = line[-1] = "|"
        if zero > 0:
            line[zero] = "."
        stamp = time_text(epoch, interval_ns, offset_ns, digits)
        if value is None:
            out.append("%s %s -" % (stamp, "".join(line)))
            continue
        point = int(f32(f32((GRAPH_WIDTH - 1) * f32(value - lo)) / span))
        line[max(0, min(GRAPH_WIDTH - 1, point))] = "*"
        out.append("%s %s %d" % (stamp, "".join(line), value))
    out.append(" " * width + " v" + "_" * (GRAPH_WIDTH - 2) + "v")
    out.append(bounds)
    return "\n".join(out) + "\n"


def json_points(points, interval_ns, offset_ns):
    """The JSON array's items: interval_start as %Y-%m-%dT%H:%M:%S with
    nanoseconds, value (None for null)."""
    items = []
    for epoch, value in points:
        tm, fraction = wall_clock(epoch, interval_ns, offset_ns)
        items.append({"interval_start": time.strftime("%Y-%m-%dT%H:%M:%S", tm) + ".%09d" % fraction,
                      "value": value})
    return items
