#!/usr/bin/env python3
"""Lost events are counted and reported: a flood of printf records into a
reader too slow for it loses records, and sobt must say how many ("Lost N
events", as bpftrace prints it), so that printed lines + reported losses =
events produced. The same flood into a reader that keeps up loses nothing.

Usage: lost_events.py SOBT [slow|fast|slow_json]...

The program counts what it produced in a count() map printed at exit, and
stops producing well before it calls exit(), so no record is dropped for
arriving after exit(). Rates are chosen so both outcomes are certain:

  slow  20k records/s for 5 s; the reader sleeps 3 s before reading. The
        ring buffer (512 KiB, ~22k records), the pipe (64 KiB) and stdio
        hold ~30k of the ~60k made meanwhile: at least ~30k must be lost.
  fast   5k records/s for 3 s, read at once: the ring buffer alone holds
        4 s of them, so nothing may be lost.
  slow_json  slow with -f json: the losses are {"type": "lost_events", ...}
        records, and every line of the output must be JSON.

Ends with "N passed, N failed"; needs root.
"""
import json
import pathlib
import re
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "common"))
import harness  # noqa: E402

PROGRAM = """i:ms:10 /@ticks < {ticks}/ {{
  @ticks++;
  $i = 0;
  while ($i < {per_tick}) {{ printf("line %d\\n", $i); @produced = count(); $i++; }}
}}
i:s:{exit_after} {{ exit(); }}
"""

CASES = {
    # name: (ticks of 10 ms, records per tick, exit after s, reader's sleep s, -f)
    "slow": (500, 200, 7, 3, "text"),
    "fast": (300, 50, 5, 0, "text"),
    "slow_json": (500, 200, 7, 3, "json"),
}


def run(sobt, ticks, per_tick, exit_after, reader_sleep, output_format):
    program = PROGRAM.format(ticks=ticks, per_tick=per_tick, exit_after=exit_after)
    proc = harness.start([sobt, "-f", output_format, "-e", program])
    time.sleep(reader_sleep)
    result = harness.finish(proc, exit_after + 60)
    if result.timed_out:
        return None, "timed out\n" + result.err
    return (result.status, result.out), result.err


def tally(text):
    """Lines printed, losses reported, and the @produced and @ticks counts."""
    printed = sum(1 for line in text.splitlines() if re.fullmatch(r"line \d+", line))
    lost = sum(int(n) for n in re.findall(r"^Lost (\d+) events$", text, re.M))
    produced = re.search(r"^@produced: (\d+)$", text, re.M)
    ticks = re.search(r"^@ticks: (\d+)$", text, re.M)
    return (printed, lost, int(produced.group(1)) if produced else None,
            int(ticks.group(1)) if ticks else None)


def tally_json(text):
    """tally() for -f json; raises ValueError on a line that is not JSON."""
    printed = lost = 0
    produced = ticks = None
    for line in text.splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        kind, data = record["type"], record["data"]
        if kind == "printf" and re.fullmatch(r"line \d+\n", data):
            printed += 1
        elif kind == "lost_events":
            lost += data["events"]
        elif kind == "map":
            produced = data.get("@produced", produced)
            ticks = data.get("@ticks", ticks)
    return printed, lost, produced, ticks


def check(name, sobt):
    ticks, per_tick, exit_after, reader_sleep, output_format = CASES[name]
    result, err = run(sobt, ticks, per_tick, exit_after, reader_sleep, output_format)
    if result is None:
        return err
    status, text = result
    try:
        counts = tally_json(text) if output_format == "json" else tally(text)
    except (ValueError, KeyError, TypeError) as bad:
        return "output is not the expected JSON records: %s\n%s" % (bad, text[:2000])
    printed, lost, produced, done_ticks = counts
    facts = "printed %d, lost %d, produced %s, ticks %s, exit status %s" % (
        printed, lost, produced, done_ticks, status)
    problems = []
    if status != 0:
        problems.append("exit status %s" % status)
    if done_ticks != ticks:
        problems.append("the producer did not finish its %d ticks before exit()" % ticks)
    if produced != ticks * per_tick:
        problems.append("@produced should be %d" % (ticks * per_tick))
    elif printed + lost != produced:
        problems.append("printed + lost != produced: %d events unaccounted for"
                        % (produced - printed - lost))
    if name.startswith("slow") and lost == 0:
        problems.append("a reader asleep for %d s must lose events" % reader_sleep)
    if name == "fast" and lost != 0:
        problems.append("a reader that keeps up must lose nothing")
    if problems:
        return "%s\n%s\nstderr:\n%s" % (facts, "; ".join(problems), err)
    print("   %s" % facts)
    return None


def main():
    sobt, names = harness.sobt_and_names(CASES)
    harness.require(root="sobt loads BPF programs", executables=[sobt])
    return harness.run_cases(names, lambda name: check(name, sobt))


if __name__ == "__main__":
    sys.exit(main())
