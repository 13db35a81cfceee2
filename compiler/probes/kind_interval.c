/* The interval kind: a timer that fires on one CPU. Spelled
 * "interval:UNIT:COUNT" (s, ms, us, hz), or "interval:COUNT[SUFFIX]"
 * (time_spec.c). */
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

static int parse_interval(const struct probe_kind *kind, char **parts, int nparts,
                          struct attach_point *ap, char *err, size_t errlen)
{
    struct probe_rate rate = {.kind = kind->name};
    int rc = probe_parse_rate(parts, nparts, &rate, err, errlen);
    if (rc == PROBE_RATE_ZERO)
        probe_set_error(err, errlen, "interval must be greater than 0: interval:%s:%s", parts[0],
                        parts[1]);
    if (rc < 0)
        return -1;
    if (rate.is_frequency && rate.period_ns == 0) {
        probe_set_error(err, errlen, "interval:hz:%s is more than 1000000000 per second", parts[1]);
        return -1;
    }
    ap->period_ns = rate.period_ns;
    char *name = probe_format("interval:%s:%llu", rate.unit, (unsigned long long)rate.count);
    if (probe_add_match(ap, strdup(""), name) < 0) {
        probe_set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

const struct probe_kind probe_kind_interval = {
    .name = "interval",
    .aliases = {"i"},
    .provider = PROV_INTERVAL,
    .bpf_prog_type = BPF_PROG_TYPE_PERF_EVENT,
    .shape = "1 or 2 arguments",
    .offers = OFFERS_TASK_KFUNCS,
    .list = probe_list_time_units,
    .expand = parse_interval,
};
