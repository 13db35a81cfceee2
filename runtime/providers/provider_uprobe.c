/* uprobe, uretprobe and usdt providers through the perf uprobe PMU: a perf
 * event whose config1 is the binary's path and config2 the file offset of
 * the probed instruction; it lives exactly as long as its fd (the
 * uprobe_events file is never used: its entries outlive a tracer that
 * crashed). A usdt probe's semaphore is counted by the kernel itself
 * (ref_ctr_offset) wherever the PMU has that field: in every process that
 * maps the binary, now or later, for as long as the probe lives. With -p or
 * -c the event is opened for that process only. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "providers/provider.h"

#define UPROBE_PMU "uprobe"

bool uprobe_kernel_counts_semaphores(void)
{
    const char *off = getenv("SOBT_NO_UPROBE_REFCOUNT");
    return perf_pmu_config_bit(UPROBE_PMU, "ref_ctr_offset") >= 0 && !(off && *off == '1');
}

static int set_config_field(struct perf_event_attr *attr, const char *field, uint64_t value,
                            const char *probe_name)
{
    int bit = perf_pmu_config_bit(UPROBE_PMU, field);
    if (bit < 0) {
        diag_plain_error("%s: this kernel's uprobe PMU has no %s field", probe_name, field);
        return -1;
    }
    attr->config |= value << bit;
    return 0;
}

static int attach_uprobe_pmu(int prog_fd, const struct attach_desc *at, const char *probe_name,
                             bool retprobe, struct attachment *out)
{
    int type = perf_pmu_type(UPROBE_PMU);
    if (type < 0) {
        diag_plain_error("%s: this kernel has no uprobe support (no uprobe PMU)", probe_name);
        return -1;
    }
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.type = (uint32_t)type;
    attr.size = sizeof(attr);
    attr.config1 = (uint64_t)(uintptr_t)at->target; /* uprobe_path */
    attr.config2 = at->offset;                      /* probe_offset */
    attr.sample_period = 1;
    attr.wakeup_events = 1;
    if (retprobe && set_config_field(&attr, "retprobe", 1, probe_name) < 0)
        return -1;
    if (at->ref_ctr_offset && uprobe_kernel_counts_semaphores() &&
        set_config_field(&attr, "ref_ctr_offset", at->ref_ctr_offset, probe_name) < 0)
        return -1;
    /* Without a process, one event on CPU 0 serves every CPU (as for
     * tracepoints); with one, the event follows it on any CPU. */
    int pid = providers_target_pid();
    int pfd = perf_event_open_cloexec(&attr, pid, pid > 0 ? -1 : 0);
    if (pfd < 0) {
        int err = errno;
        if (err == ESRCH)
            diag_plain_error("%s: the traced process %d is gone", probe_name, pid);
        else
            diag_plain_error("%s: could not create the probe: %s", probe_name, strerror(err));
        return -1;
    }
    return attach_perf_event_link(prog_fd, pfd, (uint64_t)at->probe_id, probe_name, out);
}

static int uprobe_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                         struct attachment *out)
{
    return attach_uprobe_pmu(prog_fd, at, probe_name, false, out);
}

static int uretprobe_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                            struct attachment *out)
{
    return attach_uprobe_pmu(prog_fd, at, probe_name, true, out);
}

const struct provider provider_uprobe = {
    .name = "uprobe",
    .attach = uprobe_attach,
};

const struct provider provider_uretprobe = {
    .name = "uretprobe",
    .attach = uretprobe_attach,
};

const struct provider provider_usdt = {
    .name = "usdt",
    .attach = uprobe_attach,
};
