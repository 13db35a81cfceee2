#!/bin/bash
# Start-up time and peak memory of sobt next to bpftrace 0.17, then the BPF
# side (bench/bpf.sh: instructions, in-kernel ns per event next to bpftrace
# and a hand-written libbpf floor, printf throughput, detach, compile time),
# all in the same run so that the ratios mean something on a noisy VM.
# Not a test: it asserts nothing, it prints a table. Run as root:
#
#     bench/run.sh [--sobt PATH] [--bpftrace PATH] [--reps N] [--calls N] [--quick]
#
# --reps N     repetitions per start-up measurement (median is printed; default 5)
# --calls N    connect(-1) calls per per-event measurement (default 1000000)
# --quick      one repetition of the slow sys_enter_* start-up (bpftrace needs
#              ~26 s for it), and fewer calls
# Without a sobt binary (default build/cli/sobt) the sobt columns say n/a.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sobt=$here/build/cli/sobt
bpftrace=$(command -v bpftrace || echo /usr/bin/bpftrace)
reps=5
calls=1000000
many_reps=3

while [ $# -gt 0 ]; do
    case "$1" in
    --sobt) sobt=$2; shift 2 ;;
    --bpftrace) bpftrace=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --calls) calls=$2; shift 2 ;;
    --quick) many_reps=1; calls=200000; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
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

# The BPF side in the same run: instructions, in-kernel ns per event against
# bpftrace and the hand-written floor, printf throughput, detach, compile time.
if [ $have_sobt -eq 1 ]; then
    echo
    "$here/bench/bpf.sh" --sobt "$sobt" --bpftrace "$bpftrace" --calls "$calls"
fi
