#!/bin/bash
# Runs sobt inside a qemu guest booted from Debian's cloud kernel, where
# kprobes work (they do not on the host kernel). See tests/README.md.
#
#   run_guest.sh --sobt PATH [--trafficgen PATH] [--cases FILE] [CASE...]
#       runs the test cases (default tests/guest/cases.txt, all of them) and
#       checks their output; exits non-zero if any fails
#   run_guest.sh --sobt PATH [--traffic 'ARGS'] -- SOBT_ARGS...
#       runs one sobt command line in the guest (e.g. "-- scripts/foo.bt"),
#       with trafficgen ARGS as traffic, and prints its output
#
# Other options:
#   --timeout SECONDS   limit for the whole qemu run (default 900)
#   --ready REGEX       manual mode: grep -E pattern in sobt's stdout after
#                       which the traffic starts (default "^Attaching ")
#   --linger SECONDS    manual mode: wait after the traffic before SIGINT
#   --keep              keep the work directory (initramfs, console log)
#
# Needs: qemu-system-x86, busybox-static, cpio, apt-get (to download the
# kernel package once into tests/guest/cache/), python3, cc with static glibc.
# A boot failure, a timeout or a missing output block is a failure, never a skip.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache="$here/cache"

sobt=
trafficgen=
cases="$here/cases.txt"
timeout_s=900
manual=0
traffic="--tcp4 5 --tcp6 2 --udp4 5 --udp6 2 --refused 1"
ready='^Attaching '
linger=1
keep=0
selected=()

die() {
    echo "run_guest: FAIL: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case "$1" in
    --sobt) sobt=$2; shift 2 ;;
    --trafficgen) trafficgen=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --traffic) traffic=$2; shift 2 ;;
    --ready) ready=$2; shift 2 ;;
    --linger) linger=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --) manual=1; shift; break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) selected+=("$1"); shift ;;
    esac
done
[ -n "$sobt" ] || die "--sobt PATH is required"
[ -x "$sobt" ] || die "not an executable: $sobt"
if [ "$manual" = 1 ] && [ $# -eq 0 ]; then
    die "nothing after --: give sobt's arguments, e.g. -- scripts/netsize.bt"
fi
for tool in qemu-system-x86_64 cpio gzip apt-get apt-cache dpkg python3 ldd timeout flock; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install qemu-system-x86 cpio)"
done
if [ ! -x /bin/busybox ] || ldd /bin/busybox >/dev/null 2>&1; then
    die "/bin/busybox missing or not static (apt-get install busybox-static)"
fi

work=$(mktemp -d /tmp/sobt-guest.XXXXXX)
if [ "$keep" = 1 ]; then
    echo "run_guest: work directory $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi

# --- The kernel: the package linux-image-cloud-amd64 depends on, cached.
kernel_package=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[^ ]*-cloud-amd64\)$/\1/p' | head -n1)
mkdir -p "$cache"
# One run at a time downloads and unpacks; the others wait and reuse it.
exec 9>"$cache/.lock"
flock 9
deb=
if [ -n "$kernel_package" ]; then
    deb=$(ls "$cache/${kernel_package}"_*.deb 2>/dev/null | head -n1 || true)
    if [ -z "$deb" ]; then
        echo "run_guest: downloading $kernel_package into $cache" >&2
        (cd "$cache" && apt-get -q -o APT::Sandbox::User=root download "$kernel_package" >&2) || true
        deb=$(ls "$cache/${kernel_package}"_*.deb 2>/dev/null | head -n1 || true)
    fi
fi
if [ -z "$deb" ]; then
    # No package index or no network: any cloud kernel downloaded before will do.
    deb=$(ls -t "$cache"/linux-image-*-cloud-amd64_*.deb 2>/dev/null | head -n1 || true)
    [ -n "$deb" ] || die "cannot get the cloud kernel package (apt-cache depends
linux-image-cloud-amd64 gave '${kernel_package}'; run apt-get update?)"
    echo "run_guest: using cached $(basename "$deb")" >&2
fi
kernel_dir="$cache/$(basename "$deb" .deb)"
# Of the package's modules (90 MB) only those the module-BTF tests load are
# kept: the watchdog core (tracepoints watchdog_*) and softdog, its software
# driver, both with BTF. A cache made before they were kept lacks them.
guest_modules="watchdog softdog"
if [ ! -d "$kernel_dir/boot" ] || [ ! -f "$kernel_dir/modules/softdog.ko" ]; then
    rm -rf "$kernel_dir.tmp" "$kernel_dir"
    dpkg -x "$deb" "$kernel_dir.tmp"
    mkdir "$kernel_dir.tmp/modules"
    for module in $guest_modules; do
        find "$kernel_dir.tmp/lib/modules" -name "$module.ko" -exec cp {} "$kernel_dir.tmp/modules/" \;
        [ -f "$kernel_dir.tmp/modules/$module.ko" ] || die "$(basename "$deb") has no $module.ko"
    done
    rm -rf "$kernel_dir.tmp/lib" "$kernel_dir.tmp/usr"
    mv "$kernel_dir.tmp" "$kernel_dir"
fi
exec 9>&-
vmlinuz=$(ls "$kernel_dir"/boot/vmlinuz-* | head -n1)
config=$(ls "$kernel_dir"/boot/config-* | head -n1)
# Everything sobt needs is built in; the initramfs carries only the modules
# whose BTF the module-probe tests read (init.sh loads them).
for option in KPROBES KPROBE_EVENTS BPF_SYSCALL BPF_EVENTS PERF_EVENTS TRACING FTRACE_SYSCALLS \
    DEBUG_INFO_BTF DEBUG_INFO_BTF_MODULES MODULES DEBUG_FS DEVTMPFS IPV6 NET_NS SERIAL_8250_CONSOLE BLK_DEV_INITRD RD_GZIP; do
    grep -qx "CONFIG_$option=y" "$config" || die "$(basename "$config"): CONFIG_$option is not built in"
done

# --- The traffic generator, static because the guest has no libc of its own
# apart from sobt's libraries.
if [ -z "$trafficgen" ]; then
    trafficgen="$work/trafficgen"
    cc -static -O2 -D_GNU_SOURCE -o "$trafficgen" "$repo/tests/integration/trafficgen.c" ||
        die "cannot build a static trafficgen (is libc6-dev installed?)"
fi
[ -x "$trafficgen" ] || die "not an executable: $trafficgen"
ldd "$trafficgen" >/dev/null 2>&1 && die "$trafficgen is not statically linked"

# --- The initramfs.
root="$work/root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,tests,usr/bin,usr/sbin}
cp /bin/busybox "$root/bin/busybox"
cp "$sobt" "$root/bin/sobt"
cp "$trafficgen" "$root/bin/trafficgen"
cp -r "$repo/scripts" "$root/scripts"
mkdir -p "$root/lib/modules"
for module in $guest_modules; do
    cp "$kernel_dir/modules/$module.ko" "$root/lib/modules/"
done
install -m 755 "$here/init.sh" "$root/init"
# Every library at the path ldd names, and the dynamic loader ("/lib64/ld-...").
ldd "$sobt" | awk '/=> \// { print $3 } /^[ \t]*\/[^ ]+ \(0x/ { print $1 }' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done

if [ "$manual" = 1 ]; then
    # Arguments naming files here (scripts) go into the guest at their absolute path.
    args=()
    for arg in "$@"; do
        if [ -f "$arg" ]; then
            abs=$(realpath "$arg")
            mkdir -p "$root$(dirname "$abs")"
            cp "$abs" "$root$abs"
            args+=("$abs")
        else
            args+=("$arg")
        fi
    done
    python3 "$here/guest_cases.py" manual "$root/tests" "$traffic" "$ready" "$linger" -- \
        "${args[@]}"
else
    python3 "$here/guest_cases.py" prepare "$cases" "$root/tests" ${selected[@]+"${selected[@]}"} ||
        die "bad case file $cases"
fi

(cd "$root" && find . -print0 | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$work/ir.cpio.gz"

# --- Boot. KVM hangs on this machine's nested setup: software emulation.
console="$work/console.log"
echo "run_guest: booting $(basename "$vmlinuz") (initramfs $(du -h "$work/ir.cpio.gz" | cut -f1))" >&2
start=$(date +%s.%N)
status=0
timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -m 3G -smp 2 -nographic -nic none \
    -no-reboot -kernel "$vmlinuz" -initrd "$work/ir.cpio.gz" \
    -append "console=ttyS0 quiet panic=-1" </dev/null >"$console" 2>&1 || status=$?
end=$(date +%s.%N)
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    echo "run_guest: FAIL: qemu did not finish within $timeout_s s" >&2
elif [ "$status" != 0 ]; then
    echo "run_guest: FAIL: qemu exited with status $status" >&2
fi
echo "run_guest: qemu ran for $seconds s" >&2

# --- Assertions (or, by hand, the output).
check=0
if [ "$manual" = 1 ]; then
    python3 "$here/guest_cases.py" show "$console" || check=$?
else
    python3 "$here/guest_cases.py" check "$cases" "$console" ${selected[@]+"${selected[@]}"} ||
        check=$?
fi
[ "$status" = 0 ] || exit 1
exit "$check"
