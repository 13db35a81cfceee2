/* kprobe and kretprobe providers through the perf kprobe PMU: the probe
 * lives exactly as long as its perf event fd. The legacy kprobe_events file
 * is never used, since its entries outlive a tracer that crashed. */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>

#include "diag.h"
#include "providers/provider.h"

#define KPROBE_PMU "kprobe"

static int attach_kprobe_pmu(int prog_fd, const struct attach_desc *at, const char *probe_name,
                             bool retprobe, struct attachment *out)
{
    int type = perf_pmu_type(KPROBE_PMU);
    if (type < 0) {
        diag_plain_error("%s: this kernel has no kprobe support (no kprobe PMU)", probe_name);
        return -1;
    }
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.type = (uint32_t)type;
    attr.size = sizeof(attr);
    attr.config1 = (uint64_t)(uintptr_t)at->target; /* kprobe_func */
    attr.config2 = 0;                               /* offset within it */
    if (retprobe) {
        int bit = perf_pmu_config_bit(KPROBE_PMU, "retprobe");
        if (bit < 0) {
            diag_plain_error("%s: this kernel's kprobe PMU has no retprobe format", probe_name);
            return -1;
        }
        attr.config |= 1ull << bit;
    }
    attr.sample_period = 1;
    attr.wakeup_events = 1;
    int pfd = perf_event_open_cloexec(&attr, -1, 0);
    if (pfd < 0) {
        diag_plain_error("%s: could not create the probe: %s", probe_name, strerror(errno));
        return -1;
    }
    return attach_perf_event_link(prog_fd, pfd, (uint64_t)at->probe_id, probe_name, out);
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
