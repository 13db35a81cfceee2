#!/bin/bash
# Start-up time, peak memory and per-event cost of sobt next to bpftrace 0.17,
# measured in the same run so that the ratios mean something on a noisy VM.
# Not a test: it asserts nothing, it prints a table. Run as root:
#
#     bench/run.sh [--sobt PATH] [--bpftrace PATH] [--reps N] [--calls N] [--quick]
#
# --reps N     repetitions per start-up measurement (median is printed; default 5)
# --calls N    connect(-1) calls per per-event measurement (default 2000000)
# --quick      one repetition of the slow sys_enter_* start-up (bpftrace needs
#              ~26 s for it), and fewer calls
# Without a sobt binary (default build/cli/sobt) the sobt columns say n/a.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sobt=$here/build/cli/sobt
bpftrace=$(command -v bpftrace || echo /usr/bin/bpftrace)
reps=5
calls=2000000
many_reps=3

while [ $# -gt 0 ]; do
    case "$1" in
    --sobt) sobt=$2; shift 2 ;;
    --bpftrace) bpftrace=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --calls) calls=$2; shift 2 ;;
    --quick) many_reps=1; calls=500000; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
done

[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing
have_sobt=1
[ -x "$sobt" ] || { echo "bench: no sobt at $sobt; sobt columns will be n/a" >&2; have_sobt=0; }
ulimit -l unlimited 2>/dev/null || true

work=$(mktemp -d /tmp/sobt-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/connect_loop" "$here/bench/connect_loop.c"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure REPS TRACER ARGS...: prints "median_wall_seconds median_peak_rss_kib".
# Wall time is taken with nanosecond clocks around the run (time's %e has only
# 10 ms resolution, too coarse for a fast start); peak RSS comes from %M.
measure() {
    local n=$1; shift
    local walls=() rsses=() i start end
    for ((i = 0; i < n; i++)); do
        start=$(date +%s%N)
        /usr/bin/time -f '%e %M' -o "$work/time" "$@" </dev/null >/dev/null 2>"$work/err" || {
            echo "bench: failed: $*" >&2; sed 's/^/  /' "$work/err" >&2; echo "nan nan"; return; }
        end=$(date +%s%N)
        walls+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')")
        rsses+=("$(awk '{ print $2 }' "$work/time")")
    done
    echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${rsses[@]}" | median)"
}

row() { # row LABEL BPF_WALL BPF_RSS SOBT_WALL SOBT_RSS
    awk -v label="$1" -v bw="$2" -v br="$3" -v sw="$4" -v sr="$5" 'BEGIN {
        if (sw == "nan" || sw == "") {
            printf "%-44s %9.3f s %9s   %8.1f MiB %9s\n", label, bw, "n/a", br / 1024, "n/a"
        } else {
            printf "%-44s %9.3f s %9.3f s %6.1fx  %8.1f MiB %8.1f MiB %6.1fx\n", label, bw, sw,
                   (sw > 0 ? bw / sw : 0), br / 1024, sr / 1024, (sr > 0 ? br / sr : 0)
        }
    }'
}

startup() { # startup LABEL REPS PROGRAM
    local label=$1 n=$2 prog=$3 b s="nan nan"
    b=$(measure "$n" "$bpftrace" -e "$prog")
    [ $have_sobt -eq 1 ] && s=$(measure "$n" "$sobt" -e "$prog")
    # shellcheck disable=SC2086
    row "$label" $b $s
}

echo "sobt: $sobt"
echo "bpftrace: $bpftrace ($("$bpftrace" --version 2>/dev/null))"
echo "kernel: $(uname -r), $(nproc) CPUs; medians of $reps runs ($many_reps for sys_enter_*)"
echo
printf '%-44s %11s %11s %7s  %12s %12s %7s\n' "start-up to exit" "bpftrace" "sobt" "ratio" \
    "bpftrace RSS" "sobt RSS" "ratio"
startup "BEGIN { exit(); }" "$reps" 'BEGIN { exit(); }'
startup "one tracepoint (sys_enter_getpid, count)" "$reps" \
    't:syscalls:sys_enter_getpid { @ = count(); } i:ms:1 { exit(); }'
startup "sys_enter_* (~350 tracepoints, @[probe])" "$many_reps" \
    't:syscalls:sys_enter_* { @[probe] = count(); } i:ms:1 { exit(); }'
echo "(ratios are bpftrace / sobt: how many times faster and smaller sobt is)"
echo

# Per-event cost: connect(-1) in a loop, untraced and under each tracer
# counting @[pid, comm] on sys_enter_connect.
traced_cost() { # traced_cost TRACER: prints ns/call of the loop while it traces
    local tracer=$1 pid cost i
    "$tracer" -e 't:syscalls:sys_enter_connect { @[pid, comm] = count(); }' \
        </dev/null >"$work/trace.out" 2>"$work/trace.err" &
    pid=$!
    for ((i = 0; i < 600; i++)); do # up to 60 s to attach
        grep -q '^Attaching' "$work/trace.out" 2>/dev/null && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    sleep 1 # the Attaching line comes before the attach itself in bpftrace
    if ! kill -0 $pid 2>/dev/null; then
        echo "bench: $tracer did not start:" >&2; sed 's/^/  /' "$work/trace.err" >&2
        echo nan; return
    fi
    cost=$("$work/connect_loop" "$calls")
    kill -INT $pid
    # bpftrace 0.17 can miss a SIGINT that lands between two waits: repeat it.
    for ((i = 0; i < 60; i++)); do
        kill -0 $pid 2>/dev/null || break
        sleep 0.5
        kill -INT $pid 2>/dev/null || true
    done
    wait $pid 2>/dev/null || true
    echo "$cost"
}

base=$("$work/connect_loop" "$calls")
bcost=$(traced_cost "$bpftrace")
scost=nan
[ $have_sobt -eq 1 ] && scost=$(traced_cost "$sobt")
awk -v n="$calls" -v base="$base" -v b="$bcost" -v s="$scost" 'BEGIN {
    printf "per-event cost: connect(-1) x %d, @[pid, comm] = count() on sys_enter_connect\n", n
    printf "  untraced  %8.1f ns/call\n", base
    printf "  bpftrace  %8.1f ns/call  (+%.1f ns per event)\n", b, b - base
    if (s == "nan")
        printf "  sobt           n/a\n"
    else
        printf "  sobt      %8.1f ns/call  (+%.1f ns per event; bpftrace/sobt overhead %.2fx)\n",
               s, s - base, (s - base > 0 ? (b - base) / (s - base) : 0)
}'
