#!/bin/busybox sh
# busybox ash, which has "local" as dash does; the test files are generated.
# shellcheck shell=dash disable=SC1090
# /init of the qemu guest (see run_guest.sh): sets up a minimal system, runs
# every test in /tests/*.sh in name order and prints each one's output between
# markers on the serial console, which the host parses. It must never stop
# early without saying why: the host treats a missing END marker as a failure,
# and a final marker tells "all tests ran" from "the guest died half way".
#
# Each /tests/NN-name.sh sets (quoted for this shell by the host):
#   name        test name, printed in the markers
#   sobt_args   sobt's command line after "sobt", a shell fragment
#   traffic     trafficgen's arguments, a shell fragment ("" = do not run it)
#   ready       grep -E pattern in sobt's stdout that says it has attached
#   linger      seconds to wait after the traffic before SIGINT
#   pcap        files (skboutput()'s) printed in base64 after the test

/bin/busybox mkdir -p /proc /sys /dev /tmp /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs nodev /sys/kernel/tracing
mount -t debugfs nodev /sys/kernel/debug

# The module-BTF tests probe these (watchdog's tracepoints, softdog's
# functions); soft_noboot: an armed softdog that expires only logs.
insmod /lib/modules/watchdog.ko || echo "init: insmod watchdog.ko failed"
insmod /lib/modules/softdog.ko soft_noboot=1 || echo "init: insmod softdog.ko failed"

ip link set lo up
# The kernel adds ::1 when lo comes up; add it explicitly in case it did not.
ip -6 addr show dev lo | grep -q '::1/128' || ip -6 addr add ::1/128 dev lo

# How long start-up took, for the host's timing report.
echo
echo "=== GUEST READY uptime=$(cut -d' ' -f1 /proc/uptime) ==="

# Whether process $1 is still running (a zombie counts as gone).
# Attach file descriptors (bpf links, perf events) open in process $1.
attach_fds() {
    ls -l "/proc/$1/fd" 2>/dev/null | grep -cE 'bpf_link|perf_event'
}

# Wait (at most 60 s) until process $1 holds attach descriptors and their
# number has not changed for a second.
wait_attached() {
    local prev=-1 same=0 n left=120
    while [ "$left" -gt 0 ] && alive "$1"; do
        n=$(attach_fds "$1")
        if [ "$n" -gt 0 ] && [ "$n" -eq "$prev" ]; then
            same=$((same + 1))
            [ "$same" -ge 2 ] && return 0
        else
            same=0
        fi
        prev=$n
        left=$((left - 1))
        sleep 0.5
    done
}

alive() {
    [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# Waits up to $2 seconds for process $1 to end; returns non-zero on timeout.
wait_gone() {
    local left=$(($2 * 5))
    while alive "$1"; do
        [ "$left" -le 0 ] && return 1
        left=$((left - 1))
        sleep 0.2
    done
    return 0
}

run_test() {
    local dir="/tmp/test.$name"
    mkdir -p "$dir"
    local start
    start=$(cut -d' ' -f1 /proc/uptime)
    local note=""

    # exec so that $! is sobt itself and SIGINT reaches it, not a shell.
    eval "exec /bin/sobt $sobt_args" </dev/null >"$dir/out" 2>"$dir/err" &
    local pid=$!

    # sobt compiles with LLVM under software emulation: give it time.
    local left=1500
    while ! grep -qE "$ready" "$dir/out" 2>/dev/null; do
        if ! alive "$pid"; then
            note="sobt exited before printing /$ready/"
            break
        fi
        if [ "$left" -le 0 ]; then
            note="sobt did not print /$ready/ within 300 s"
            break
        fi
        left=$((left - 1))
        sleep 0.2
    done
    # "Attaching N probes..." is printed before the programs are loaded and
    # attached, which under emulation (and ASan) can take seconds: wait until
    # sobt's count of open bpf links and perf events stops growing.
    [ -z "$note" ] && wait_attached "$pid"

    # Traffic only for a sobt that is tracing: after an early exit it would
    # only make the output longer.
    local traffic_rc=-
    if [ -n "$traffic" ] && [ -z "$note" ]; then
        eval "timeout 120 /bin/trafficgen $traffic" >"$dir/traffic" 2>&1 </dev/null
        traffic_rc=$?
        sleep "$linger"
    fi

    if alive "$pid"; then
        kill -INT "$pid"
        if ! wait_gone "$pid" 60; then
            note="$note${note:+; }sobt still running 60 s after SIGINT: killed"
            kill -KILL "$pid"
        fi
    fi
    wait "$pid"
    local rc=$?

    local end
    end=$(cut -d' ' -f1 /proc/uptime)
    echo "=== BEGIN test $name ==="
    echo "--- sobt $sobt_args"
    cat "$dir/out"
    echo "--- stderr"
    cat "$dir/err"
    if [ "$traffic_rc" != - ]; then
        echo "--- trafficgen $traffic (rc=$traffic_rc)"
        cat "$dir/traffic"
    fi
    # skboutput()'s files, for the host to read back (guest_cases.py)
    local file
    for file in $pcap; do
        echo "--- pcap $file"
        if [ -f "$file" ]; then base64 "$file"; else echo "(no such file)"; fi
        echo "--- pcap end"
    done
    [ -n "$note" ] && echo "--- harness: $note"
    echo "--- time start=$start end=$end"
    echo "=== END test $name rc=$rc ==="
}

cd /
for test in /tests/*.sh; do
    [ -e "$test" ] || continue
    name='' sobt_args='' traffic='' ready='^Attaching ' linger=1 pcap=
    . "$test"
    run_test
done

echo "=== GUEST DONE uptime=$(cut -d' ' -f1 /proc/uptime) ==="
sync
poweroff -f
