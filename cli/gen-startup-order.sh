#!/bin/bash
# Rewrites cli/startup-order.txt: the functions of sobt that run when it
# starts, compiles and loads a few typical programs, found by running them
# under callgrind. cli/meson.build hands the list to lld, which places those
# functions next to each other, so that a run touches ~5 MiB of code pages
# instead of ~20 MiB scattered over the 22 MiB of (mostly LLVM) code.
#
# Usage (as root, from the source tree, after building):
#   bash cli/gen-startup-order.sh [path/to/sobt]
# Needs valgrind. Regenerate after a change of LLVM version or a large change
# of the compiler; a stale list costs memory, never correctness (names that
# no longer exist are ignored).
set -euo pipefail

sobt=${1:-build/cli/sobt}
out=$(dirname "$0")/startup-order.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

programs=(
    'BEGIN { exit(); }'
    'tracepoint:syscalls:sys_enter_openat { @opens[comm] = count(); @flags = hist(args->flags); printf("%d %s\n", pid, str(args->filename)); } interval:ms:300 { exit(); }'
    'tracepoint:sched:sched_switch { @[args->prev_comm, kstack] = sum(args->prev_state); $x = nsecs; if ($x > 0) { @last = $x; } } interval:ms:300 { print(@last); clear(@last); exit(); }'
)
for i in "${!programs[@]}"; do
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$tmp/cg.$i" \
        "$sobt" -q -e "${programs[$i]}" > /dev/null 2> "$tmp/log.$i" ||
        { cat "$tmp/log.$i" >&2; exit 1; }
done

# callgrind names a function the first time it mentions it: "fn=(id) name"
sed -nE 's/^c?fn=\([0-9]+\) (.*)/\1/p' "$tmp"/cg.* | sort -u > "$tmp/executed"
nm --defined-only "$sobt" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u > "$tmp/defined"
comm -12 "$tmp/executed" "$tmp/defined" > "$out"
echo "$out: $(wc -l < "$out") functions"
