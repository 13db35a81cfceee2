/* Making sure tracefs is there (these machines boot without it mounted), and
 * the small permission and rlimit checks that come before loading anything. */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "run.h"
#include "tracefs_mount.h"

#define TRACEFS_DIR "/sys/kernel/tracing"
#define DEBUGFS_TRACING_DIR "/sys/kernel/debug/tracing"

const char runtime_permission_message[] =
    "sobt needs root (CAP_BPF and CAP_PERFMON) to load BPF programs";

static bool has_events_dir(const char *dir)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof(path), "%s/events", dir);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *runtime_tracefs_dir(void)
{
    /* Only a found directory is remembered: tracefs may be mounted later. */
    static const char *found;
    if (found)
        return found;
    if (has_events_dir(TRACEFS_DIR))
        found = TRACEFS_DIR;
    else if (has_events_dir(DEBUGFS_TRACING_DIR))
        found = DEBUGFS_TRACING_DIR;
    return found;
}

int tracefs_ensure_mounted(void)
{
    if (runtime_tracefs_dir())
        return 0;
    if (geteuid() != 0)
        return -1;
    if (mount("nodev", TRACEFS_DIR, "tracefs", 0, NULL) != 0 && errno != EBUSY)
        return -1;
    return runtime_tracefs_dir() ? 0 : -1;
}

static bool cap_is_effective(const struct __user_cap_data_struct data[2], int cap)
{
    return data[cap / 32].effective & (1u << (cap % 32));
}

bool runtime_has_bpf_permission(void)
{
    if (geteuid() == 0)
        return true;
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2] = {{0}};
    /* glibc has no capget wrapper and libcap is not worth a dependency. */
    if (syscall(SYS_capget, &header, data) != 0)
        return false;
    if (cap_is_effective(data, CAP_SYS_ADMIN))
        return true;
    return cap_is_effective(data, CAP_BPF) && cap_is_effective(data, CAP_PERFMON);
}

void runtime_raise_memlock(void)
{
    struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
    (void)setrlimit(RLIMIT_MEMLOCK, &unlimited);
}
