/* profile, software and hardware providers: a sampling perf event on every
 * online CPU, each with its own bpf link. profile is the CPU clock at a
 * frequency (hz) or a period (ns); software and hardware are the kernel's
 * predefined events (PERF_COUNT_SW_*, PERF_COUNT_HW_*), sampled once every
 * sample_period events. With -p (not -c: as uprobes) the events count that
 * process only. */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>

#include "diag.h"
#include "providers/provider.h"

/* An event of the given type and config on cpu, sampled as at asks. */
static int attach_sampling_event(int prog_fd, uint32_t type, uint64_t config,
                                 const struct attach_desc *at, const char *probe_name, int cpu,
                                 struct attachment *out)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.size = sizeof(attr);
    attr.type = type;
    attr.config = config;
    if (at->sample_freq) {
        attr.freq = 1;
        attr.sample_freq = at->sample_freq;
    } else {
        attr.sample_period = at->sample_period;
    }
    int pfd = perf_event_open_cloexec(&attr, providers_target_pid(false), cpu);
    if (pfd < 0) {
        int e = errno;
        if (type == PERF_TYPE_HARDWARE && (e == ENOENT || e == EOPNOTSUPP))
            diag_plain_error("%s: this machine has no hardware performance counters for it "
                             "(perf_event_open: %s)",
                             probe_name, strerror(e));
        else if (e == ESRCH)
            diag_plain_error("%s: the traced process %d is gone", probe_name,
                             providers_target_pid(false));
        else
            diag_plain_error("%s: perf_event_open on CPU %d failed: %s", probe_name, cpu,
                             strerror(e));
        return -1;
    }
    return attach_perf_event_link(prog_fd, pfd, (uint64_t)at->probe_id, probe_name, out);
}

static int profile_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                          int cpu, struct attachment *out)
{
    return attach_sampling_event(prog_fd, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, at,
                                 probe_name, cpu, out);
}

static int software_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                           int cpu, struct attachment *out)
{
    return attach_sampling_event(prog_fd, PERF_TYPE_SOFTWARE, at->event_config, at, probe_name, cpu,
                                 out);
}

static int hardware_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                           int cpu, struct attachment *out)
{
    return attach_sampling_event(prog_fd, PERF_TYPE_HARDWARE, at->event_config, at, probe_name, cpu,
                                 out);
}

const struct provider provider_profile = {
    .name = "profile",
    .attach_cpu = profile_attach,
};

const struct provider provider_software = {
    .name = "software",
    .attach_cpu = software_attach,
};

const struct provider provider_hardware = {
    .name = "hardware",
    .attach_cpu = hardware_attach,
};
