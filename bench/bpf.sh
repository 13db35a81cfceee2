#!/bin/bash
# The BPF side of the bench: sobt next to bpftrace 0.17 and next to a
# hand-written libbpf program doing the same work (bench/floor/, built here
# with clang -target bpf), in one run, as ratios:
#   - xlated BPF instructions of each bench program (bpftool prog show);
#   - in-kernel ns per event from kernel.bpf_stats_enabled (run_time_ns /
#     run_cnt of the tracer's programs over a connect(-1) loop);
#   - printf throughput: a connect(-1) loop as fast as it goes, lines printed
#     and events lost;
#   - seconds from SIGINT until a wide probe set is fully detached (the
#     tracer gone, no perf event left in any process of its binary);
#   - compile time (--emit-elf, CPU seconds) against program size.
# Not a test: it prints tables. Run as root:
#
#     bench/bpf.sh [--sobt PATH] [--bpftrace PATH] [--calls N]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sobt=$here/build/cli/sobt
bpftrace=$(command -v bpftrace || echo /usr/bin/bpftrace)
calls=1000000
while [ $# -gt 0 ]; do
    case "$1" in
    --sobt) sobt=$2; shift 2 ;;
    --bpftrace) bpftrace=$2; shift 2 ;;
    --calls) calls=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
for tool in bpftool jq clang-14; do
    command -v $tool >/dev/null || { echo "bench: needs $tool" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing
export BPFTRACE_MAX_BPF_PROGS=2048 BPFTRACE_MAX_PROBES=2048
work=$(mktemp -d /tmp/sobt-bpf.XXXXXX)
stats_pid=
trap '[ -z "$stats_pid" ] || kill -INT $stats_pid; rm -rf "$work"' EXIT

# the floor: BPF C by hand and its libbpf loader
clang-14 -O2 -g -target bpf -I/usr/include/"$(uname -m)"-linux-gnu \
    -c "$here/bench/floor/floor.bpf.c" -o "$work/floor.bpf.o"
cc -O2 -o "$work/floor" "$here/bench/floor/floor.c" -lbpf
cc -O2 -o "$work/connect_loop" "$here/bench/connect_loop.c"

# label | sobt and bpftrace script | floor program (floor.bpf.c names)
programs=(
    'pid+comm count|t:syscalls:sys_enter_connect { @[pid, comm] = count(); }|pid_comm_count'
    'hist|t:syscalls:sys_enter_connect { @ = hist(args->addrlen); }|hist'
    'printf|t:syscalls:sys_enter_connect { printf("%d %s\n", pid, comm); }|print'
    'kstack count|t:syscalls:sys_enter_connect { @[kstack] = count(); }|kstack_count'
    'string key|t:syscalls:sys_enter_connect { @[comm] = count(); }|comm_count'
    'latency pair|t:syscalls:sys_enter_connect { @s[tid] = nsecs; } t:syscalls:sys_exit_connect /@s[tid]/ { @ns = hist(nsecs - @s[tid]); delete(@s[tid]); }|latency'
    'sys_enter_* (360)|t:syscalls:sys_enter_* { @[probe] = count(); }|wildcard'
)

# start TRACER ARGS...: runs it in the background until it has attached;
# sets $tracer_pid
start() {
    "$@" </dev/null >"$work/out" 2>"$work/err" &
    tracer_pid=$!
    local i
    for ((i = 0; i < 600; i++)); do
        grep -q '^Attaching' "$work/out" 2>/dev/null && break
        kill -0 $tracer_pid 2>/dev/null || break
        sleep 0.1
    done
    sleep 1.5 # bpftrace prints the line before it attaches
}

stop() { # SIGINT until it is gone (bpftrace 0.17 can miss one)
    local i
    for ((i = 0; i < 120; i++)); do
        kill -INT "$1" 2>/dev/null || break
        sleep 0.25
    done
    wait "$1" 2>/dev/null || true
}

prog_ids() { # the BPF programs process PID holds
    grep -h '^prog_id:' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -un
}

xlated() { # instructions of every program of process PID, summed
    local id total=0 n
    for id in $(prog_ids "$1"); do
        n=$(bpftool prog show id "$id" -j | jq '.bytes_xlated // 0')
        total=$((total + n / 8))
    done
    echo $total
}

run_stats() { # "run_time_ns run_cnt" of every program of process PID, summed
    local id t=0 c=0 s
    for id in $(prog_ids "$1"); do
        s=$(bpftool prog show id "$id" -j | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"')
        t=$((t + ${s% *})) c=$((c + ${s#* }))
    done
    echo "$t $c"
}

# measure SCRIPT|FLOOR TOOL: "xlated ns_per_event" of one tool on one program
measure() {
    local prog=$1 floor=$2 tool=$3 x a b
    case $tool in
    floor) start "$work/floor" "$work/floor.bpf.o" "$floor" ;;
    *) start "$tool" -e "$prog" ;;
    esac
    x=$(xlated $tracer_pid)
    a=$(run_stats $tracer_pid)
    "$work/connect_loop" "$calls" >/dev/null
    b=$(run_stats $tracer_pid)
    stop $tracer_pid
    awk -v x="$x" -v a="$a" -v b="$b" 'BEGIN { split(a, p, " "); split(b, q, " ");
        n = q[2] - p[2]; printf "%d %.1f", x, (n > 0 ? (q[1] - p[1]) / n : 0) }'
}

# bpf_stats on for as long as the floor holds its fd (BPF_ENABLE_STATS), not
# through the sysctl that another bench on the machine may switch off
"$work/floor" --enable-stats >/dev/null &
stats_pid=$!
echo "BPF programs: xlated instructions and in-kernel ns per event (bpf_stats,"
echo "connect(-1) x $calls); ratios are sobt / bpftrace and sobt / floor (hand-written libbpf)"
printf '  %-18s %8s %8s %8s %6s %6s   %9s %9s %9s %6s %6s\n' program bpftrace sobt floor \
    s/b s/f "bpftrace" "sobt" "floor" s/b s/f
printf '  %-18s %8s %8s %8s %6s %6s   %9s %9s %9s %6s %6s\n' "" insns insns insns "" "" \
    ns/event ns/event ns/event "" ""
for entry in "${programs[@]}"; do
    IFS='|' read -r label prog floor <<<"$entry"
    b=$(measure "$prog" "$floor" "$bpftrace")
    s=$(measure "$prog" "$floor" "$sobt")
    f=$(measure "$prog" "$floor" floor)
    awk -v l="$label" -v b="$b" -v s="$s" -v f="$f" 'BEGIN {
        split(b, B, " "); split(s, S, " "); split(f, F, " ")
        printf "  %-18s %8d %8d %8d %5.2fx %5.2fx   %9.1f %9.1f %9.1f %5.2fx %5.2fx\n", l,
            B[1], S[1], F[1], (B[1] ? S[1] / B[1] : 0), (F[1] ? S[1] / F[1] : 0),
            B[2], S[2], F[2], (B[2] ? S[2] / B[2] : 0), (F[2] ? S[2] / F[2] : 0) }'
done
kill -INT $stats_pid
wait $stats_pid || true
stats_pid=

# printf throughput: how many of a fast loop's events reach the output
echo
echo "printf(\"%d %s\\n\", pid, comm) on a connect(-1) loop x $calls: lines printed, lost"
for tool in "$bpftrace" "$sobt" floor; do
    case $tool in
    floor) start "$work/floor" "$work/floor.bpf.o" print; name=floor ;;
    *) start "$tool" -e 't:syscalls:sys_enter_connect { printf("%d %s\n", pid, comm); }'
       name=$(basename "$tool") ;;
    esac
    t0=$(date +%s%N)
    "$work/connect_loop" "$calls" >/dev/null
    t1=$(date +%s%N)
    sleep 1
    stop $tracer_pid
    lines=$(grep -c ' connect_loop$' "$work/out" || true)
    awk -v n="$name" -v c="$calls" -v l="$lines" -v a="$t0" -v b="$t1" 'BEGIN {
        s = (b - a) / 1e9; printf "  %-9s %8d of %d printed (%5.1f%%) in %.2f s: %.0f lines/s delivered\n",
            n, l, c, 100 * l / c, s, l / s }'
done

# pids running binary $1 that hold perf events now
perf_holders() {
    local p
    for p in $(pidof "$(readlink -f "$1")"); do
        ls -l "/proc/$p/fd" 2>/dev/null | grep -q 'anon_inode:\[perf_event\]' && echo "$p"
    done | sort
}

# detach TRACER PROGRAM: seconds from SIGINT until the tracer has exited and
# no process of its binary that was not holding perf events before holds one
detach() {
    local before t0 i left
    before=$(perf_holders "$1")
    start "$1" -e "$2"
    t0=$(date +%s%N)
    stop $tracer_pid
    for ((i = 0; i < 1200; i++)); do
        left=$(comm -13 <(echo "$before") <(perf_holders "$1") | wc -l)
        [ "$left" -eq 0 ] && break
        sleep 0.05
    done
    awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}
echo
echo "seconds from SIGINT until the tracer has exited and no perf event of it is left"
for set in 't:syscalls:sys_enter_*' 't:sched:*' 't:net:*,t:sock:*'; do
    prog="$set { @[probe] = count(); }"
    bd=$(detach "$bpftrace" "$prog"); sd=$(detach "$sobt" "$prog")
    awk -v p="$set" -v b="$bd" -v s="$sd" 'BEGIN { printf "  %-24s bpftrace %6.2f s   sobt %6.2f s\n", p, b, s }'
done

# a mix: probes of 50 statements each (keyed counts, printf with comm,
# string-keyed sums, hist of a variable, a conditional map write)
mixed() {
    awk -v n="$1" 'BEGIN {
        split("read write openat close getpid connect", sc, " ")
        for (p = 0; p < n / 50; p++) {
            printf "tracepoint:syscalls:sys_enter_%s {", sc[p % 6 + 1]
            for (i = 0; i < 50; i++) {
                k = i % 5
                if (k == 0) printf " @m%d[pid, %d] = count();", p % 7, i
                else if (k == 1) printf " printf(\"x %%d %%s\\n\", pid, comm);"
                else if (k == 2) printf " @s[comm, %d] = sum(%d);", i, i
                else if (k == 3) printf " $v%d = nsecs + %d; @h = hist($v%d);", i, i, i
                else printf " if (pid > %d) { @c[tid] = %d; }", i, i
            }
            print " }"
        }
    }'
}
# compile_time LABEL N: CPU seconds (user + system) of sobt --emit-elf
compile_time() {
    /usr/bin/time -f '%U %S' -o "$work/ctime" "$sobt" --emit-elf "$work/big.elf" "$work/big.bt" \
        >/dev/null 2>&1 || true
    awk -v l="$1" -v n="$2" '{ printf "  %-7s %5d statements %7.2f s\n", l, n, $1 + $2 }' "$work/ctime"
}
echo
echo "compile time (--emit-elf, CPU seconds) by statement count: BEGIN { @a = 1; ... }, and"
echo "a mix of probes of 50 statements (keyed counts, printf, string keys, hist, if)"
for n in 1000 2000 4000 8000; do
    awk -v n=$n 'BEGIN { printf "BEGIN {"; for (i = 0; i < n; i++) printf " @a = %d;", i; print " }" }' >"$work/big.bt"
    compile_time "@a = N" $n
done
for n in 1000 2000 4000 8000; do
    mixed $n >"$work/big.bt"
    compile_time mix $n
done
