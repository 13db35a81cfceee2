/* The profile kind: a CPU-clock perf event on every CPU that samples at a
 * rate, "profile:hz:99", "profile:ms:10" (s, ms, us, hz), or as current
 * bpftrace allows "profile:COUNT[SUFFIX]" (time_spec.c). Its context is the
 * interrupted registers, so kstack, ustack and reg() see what ran. */
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

static int expand_profile(const struct probe_kind *kind, char **parts, int nparts,
                          struct attach_point *ap, char *err, size_t errlen)
{
    struct probe_rate rate = {.kind = kind->name};
    int rc = probe_parse_rate(parts, nparts, &rate, err, errlen);
    if (rc == PROBE_RATE_ZERO)
        probe_set_error(err, errlen, "profile frequency should be a positive integer");
    if (rc < 0)
        return -1;
    if (rate.is_frequency)
        ap->sample_freq = rate.count;
    else
        ap->period_ns = rate.period_ns;
    char *name = probe_format("profile:%s:%llu", rate.unit, (unsigned long long)rate.count);
    if (probe_add_match(ap, strdup(""), name) < 0) {
        probe_set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

const struct probe_kind probe_kind_profile = {
    .name = "profile",
    .aliases = {"p"},
    .provider = PROV_PROFILE,
    .bpf_prog_type = BPF_PROG_TYPE_PERF_EVENT,
    .shape = "1 or 2 arguments",
    .list = probe_list_time_units,
    .offers = OFFERS_REGS | OFFERS_SIGNAL | OFFERS_TASK_KFUNCS,
    .expand = expand_profile,
};
