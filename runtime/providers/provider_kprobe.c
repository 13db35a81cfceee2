/* kprobe and kretprobe providers through the perf kprobe PMU: the probe
 * lives exactly as long as its perf event fd. The legacy kprobe_events file
 * is never used, since its entries outlive a tracer that crashed. */
#include "providers/provider.h"

#define KPROBE_PMU "kprobe"

static int attach_kprobe_pmu(int prog_fd, const struct attach_desc *at, const char *probe_name,
                             bool retprobe, struct attachment *out)
{
    struct perf_event_attr attr;
    if (perf_pmu_event_init(&attr, KPROBE_PMU, probe_name) < 0)
        return -1;
    attr.config1 = (uint64_t)(uintptr_t)at->target; /* kprobe_func */
    attr.config2 = at->offset;                      /* offset within it */
    if (retprobe && perf_pmu_set_config_field(&attr, KPROBE_PMU, "retprobe", 1, probe_name) < 0)
        return -1;
    return attach_probe_event(prog_fd, &attr, 0, (uint64_t)at->probe_id, probe_name, out);
}

static int kprobe_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                         struct attachment *out)
{
    return attach_kprobe_pmu(prog_fd, at, probe_name, false, out);
}

static int kretprobe_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                            struct attachment *out)
{
    return attach_kprobe_pmu(prog_fd, at, probe_name, true, out);
}

const struct provider provider_kprobe = {
    .name = "kprobe",
    .attach = kprobe_attach,
};

const struct provider provider_kretprobe = {
    .name = "kretprobe",
    .attach = kretprobe_attach,
};
