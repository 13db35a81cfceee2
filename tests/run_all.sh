#!/bin/bash
# The whole test suite, in one command, on Debian 12 as root:
#
#     bash tests/run_all.sh
#
# Installs the packages it needs if they are missing, builds sobt with
# AddressSanitizer and UndefinedBehaviorSanitizer in a build directory of its
# own, mounts tracefs if needed, runs every meson test suite (unit, output,
# runtime, differential against bpftrace 0.17, integration with real traffic),
# and ends with one line "N passed, N failed". Exits non-zero on any failure,
# on a test that timed out or was skipped, and when it cannot set itself up.
#
# Environment: SOBT_TEST_BUILD (build directory, default build-sanitize in the
# source tree), SOBT_TEST_ARGS (extra arguments for meson test, e.g. a suite).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SOBT_TEST_BUILD:-$here/build-sanitize}

# Keep in step with README.md and .ci/run.
packages=(build-essential pkg-config meson ninja-build flex bison llvm-14-dev lld libbpf-dev
          libelf-dev libdw-dev zlib1g-dev libzstd-dev libtinfo-dev bpftrace bpftool clang-14
          python3 iproute2 valgrind qemu-system-x86 busybox-static cpio man-db groff-base
          prometheus python3-prometheus-client systemtap-sdt-dev)

fail_setup() {
    echo "run_all: $*" >&2
    echo "0 passed, 1 failed"
    exit 1
}

[ "$(id -u)" -eq 0 ] || fail_setup "must run as root: the tests load BPF programs and trace"

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "run_all: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q </dev/null || fail_setup "apt-get update failed"
    apt-get install -y -q "${missing[@]}" </dev/null || fail_setup "apt-get install failed"
fi

if [ ! -d /sys/kernel/tracing/events ]; then
    mount -t tracefs nodev /sys/kernel/tracing || true
fi
[ -d /sys/kernel/tracing/events ] || fail_setup "tracefs is not mounted and could not be mounted"

# bpftrace 0.17 warns when it cannot raise RLIMIT_MEMLOCK; raising it here
# also keeps libbpf happy on kernels that still charge BPF memory to it.
ulimit -l unlimited 2>/dev/null || true

setup_args=(-Db_sanitize=address,undefined -Dbuildtype=debug)
if [ -d "$build/meson-private" ]; then
    meson setup --reconfigure "${setup_args[@]}" "$build" "$here" || fail_setup "meson setup failed"
else
    meson setup "${setup_args[@]}" "$build" "$here" || fail_setup "meson setup failed"
fi
ninja -C "$build" || fail_setup "build failed"

# Sanitizer reports must fail the test that triggered them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

# meson test's own exit status is folded into the count below.
meson test -C "$build" --no-rebuild --print-errorlogs --timeout-multiplier 3 \
    ${SOBT_TEST_ARGS:-} </dev/null || true

# Count from meson's machine-readable log: every test is one JSON line. A
# skipped test counts as failed: a test that needs something missing must
# say so loudly, not pass quietly.
python3 - "$build/meson-logs/testlog.json" <<'EOF'
import json
import sys

passed = failed = 0
try:
    with open(sys.argv[1]) as log:
        for line in log:
            if not line.strip():
                continue
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            else:
                failed += 1
except OSError as err:
    print("run_all: no test log: %s" % err, file=sys.stderr)
    failed += 1
if passed + failed == 0:
    print("run_all: no tests ran", file=sys.stderr)
    failed = 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
