#!/bin/bash
# The BPF side of the bench, sobt next to bpftrace 0.17 in one run: xlated
# instruction counts of the bench programs (bpftool prog dump xlated), time
# until a 360-tracepoint wildcard is fully detached after the tracer exits
# (no perf event left in any process it started), and compile time against
# program size. Not a test: it prints a table. Run as root:
#
#     bench/bpf.sh [--sobt PATH] [--bpftrace PATH]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sobt=$here/build/cli/sobt
bpftrace=$(command -v bpftrace || echo /usr/bin/bpftrace)
while [ $# -gt 0 ]; do
    case "$1" in
    --sobt) sobt=$2; shift 2 ;;
    --bpftrace) bpftrace=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
command -v bpftool >/dev/null || { echo "bench: needs bpftool" >&2; exit 1; }
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing
export BPFTRACE_MAX_BPF_PROGS=2048 BPFTRACE_MAX_PROBES=2048
work=$(mktemp -d /tmp/sobt-bpf.XXXXXX)
trap 'rm -rf "$work"' EXIT

programs=(
    'pid+comm count|t:syscalls:sys_enter_connect { @[pid, comm] = count(); }'
    'hist|t:syscalls:sys_enter_connect { @ = hist(args->addrlen); }'
    'printf|t:syscalls:sys_enter_connect { printf("%d %s\n", pid, comm); }'
    'kstack count|t:syscalls:sys_enter_connect { @[kstack] = count(); }'
    'string key|t:syscalls:sys_enter_connect { @[comm] = count(); }'
    'latency pair|t:syscalls:sys_enter_connect { @s[tid] = nsecs; } t:syscalls:sys_exit_connect /@s[tid]/ { @ns = hist(nsecs - @s[tid]); delete(@s[tid]); }'
)

# start TRACER PROGRAM: runs it in the background until it has attached; its pid
start() {
    "$1" -e "$2" </dev/null >"$work/out" 2>&1 &
    local pid=$! i
    for ((i = 0; i < 600; i++)); do
        grep -q '^Attaching' "$work/out" 2>/dev/null && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    sleep 1.5 # bpftrace prints the line before it attaches
    echo $pid
}

stop() { # SIGINT until it is gone (bpftrace 0.17 can miss one)
    local i
    for ((i = 0; i < 120; i++)); do
        kill -INT "$1" 2>/dev/null || break
        sleep 0.25
    done
    wait "$1" 2>/dev/null || true
}

# xlated instructions of every program process PID holds, summed
xlated() {
    local id total=0 n
    for id in $(grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un); do
        n=$(bpftool prog show id "$id" | sed -n 's/.*xlated \([0-9]*\)B.*/\1/p')
        total=$((total + ${n:-0} / 8))
    done
    echo $total
}

echo "xlated BPF instructions (all programs of the script)"
printf '  %-16s %9s %9s %7s\n' program bpftrace sobt ratio
for entry in "${programs[@]}"; do
    label=${entry%%|*} prog=${entry#*|}
    pid=$(start "$bpftrace" "$prog"); b=$(xlated "$pid"); stop "$pid"
    pid=$(start "$sobt" "$prog"); s=$(xlated "$pid"); stop "$pid"
    awk -v l="$label" -v b="$b" -v s="$s" 'BEGIN { printf "  %-16s %9d %9d %6.2fx\n", l, b, s, (b ? s / b : 0) }'
done

# pids running binary $1 that hold perf events now (other tracers on the
# machine do not count)
perf_holders() {
    local p exe
    exe=$(readlink -f "$1")
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/exe" 2>/dev/null)" = "$exe" ] || continue
        ls -l "$p/fd" 2>/dev/null | grep -q 'anon_inode:\[perf_event\]' && echo "${p#/proc/}"
    done | sort
}

# detach TRACER: seconds from the tracer's exit until no process that was
# not holding perf events before it started holds one
detach() {
    local before pid t0 i left
    before=$(perf_holders "$1")
    pid=$(start "$1" 't:syscalls:sys_enter_* { @[probe] = count(); }')
    stop "$pid"
    t0=$(date +%s%N)
    for ((i = 0; i < 1200; i++)); do
        left=$(comm -13 <(echo "$before") <(perf_holders "$1") | wc -l)
        [ "$left" -eq 0 ] && break
        sleep 0.05
    done
    awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}
echo
echo "t:syscalls:sys_enter_* (360 tracepoints): seconds from exit until no perf event is left"
bd=$(detach "$bpftrace"); sd=$(detach "$sobt")
awk -v b="$bd" -v s="$sd" 'BEGIN { printf "  bpftrace %6.2f s   sobt %6.2f s\n", b, s }'

echo
echo "compile time (--emit-elf) of BEGIN { @a = 1; ... } by statement count"
for n in 1000 2000 4000 8000; do
    awk -v n=$n 'BEGIN { printf "BEGIN {"; for (i = 0; i < n; i++) printf " @a = %d;", i; print " }" }' >"$work/big.bt"
    t0=$(date +%s%N)
    "$sobt" --emit-elf "$work/big.elf" "$work/big.bt" >/dev/null 2>&1 || true
    awk -v n=$n -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "  %5d statements %7.2f s\n", n, (b - a) / 1e9 }'
done
