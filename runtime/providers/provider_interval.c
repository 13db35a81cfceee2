/* Interval provider: a software CPU-clock perf event on one CPU whose sample
 * period is the interval, as bpftrace does (interval probes fire once per
 * period, not once per CPU). */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>

#include "diag.h"
#include "providers/provider.h"

static int interval_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                           struct attachment *out)
{
    if (at->period_ns == 0) {
        diag_plain_error("%s: interval must be positive", probe_name);
        return -1;
    }
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.type = PERF_TYPE_SOFTWARE;
    attr.size = sizeof(attr);
    attr.config = PERF_COUNT_SW_CPU_CLOCK;
    attr.sample_period = at->period_ns;
    int pfd = perf_event_open_cloexec(&attr, -1, 0);
    if (pfd < 0) {
        diag_plain_error("%s: perf_event_open failed: %s", probe_name, strerror(errno));
        return -1;
    }
    return attach_perf_event_link(prog_fd, pfd, (uint64_t)at->probe_id, probe_name, out);
}

const struct provider provider_interval = {
    .name = "interval",
    .attach = interval_attach,
};
