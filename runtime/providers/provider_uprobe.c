/* uprobe, uretprobe and usdt providers through the perf uprobe PMU: a perf
 * event whose config1 is the binary's path and config2 the file offset of
 * the probed instruction; it lives exactly as long as its fd (the
 * uprobe_events file is never used: its entries outlive a tracer that
 * crashed). A usdt probe's semaphore is counted by the kernel itself
 * (ref_ctr_offset) wherever the PMU has that field: in every process that
 * maps the binary, now or later, for as long as the probe lives. With -p the
 * event is opened for that process only, with -c a usdt probe's (provider.h). */
#include <stdlib.h>

#include "providers/provider.h"

#define UPROBE_PMU "uprobe"

bool uprobe_kernel_counts_semaphores(void)
{
    const char *off = getenv("SOBT_NO_UPROBE_REFCOUNT");
    return perf_pmu_config_bit(UPROBE_PMU, "ref_ctr_offset") >= 0 && !(off && *off == '1');
}

static int attach_uprobe_pmu(int prog_fd, const struct attach_desc *at, const char *probe_name,
                             bool retprobe, bool usdt, struct attachment *out)
{
    struct perf_event_attr attr;
    if (perf_pmu_event_init(&attr, UPROBE_PMU, probe_name) < 0)
        return -1;
    attr.config1 = (uint64_t)(uintptr_t)at->target; /* uprobe_path */
    attr.config2 = at->offset;                      /* probe_offset */
    if (retprobe && perf_pmu_set_config_field(&attr, UPROBE_PMU, "retprobe", 1, probe_name) < 0)
        return -1;
    if (at->ref_ctr_offset && uprobe_kernel_counts_semaphores() &&
        perf_pmu_set_config_field(&attr, UPROBE_PMU, "ref_ctr_offset", at->ref_ctr_offset,
                                  probe_name) < 0)
        return -1;
    return attach_probe_event(prog_fd, &attr, providers_target_pid(usdt), (uint64_t)at->probe_id,
                              probe_name, out);
}

static int uprobe_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                         struct attachment *out)
{
    return attach_uprobe_pmu(prog_fd, at, probe_name, false, false, out);
}

static int uretprobe_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                            struct attachment *out)
{
    return attach_uprobe_pmu(prog_fd, at, probe_name, true, false, out);
}

const struct provider provider_uprobe = {
    .name = "uprobe",
    .attach = uprobe_attach,
};

const struct provider provider_uretprobe = {
    .name = "uretprobe",
    .attach = uretprobe_attach,
};

static int usdt_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                       struct attachment *out)
{
    return attach_uprobe_pmu(prog_fd, at, probe_name, false, true, out);
}

const struct provider provider_usdt = {
    .name = "usdt",
    .attach = usdt_attach,
};
