/* The interval kind: "interval:UNIT:COUNT" (s, ms, us, hz), a timer that
 * fires on one CPU. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

struct time_unit {
    const char *name;
    uint64_t ns_per_count; /* 0 for hz: the count is a frequency */
};

static const struct time_unit time_units[] = {
    {"s", 1000000000ull},
    {"ms", 1000000ull},
    {"us", 1000ull},
    {"hz", 0},
};

/* A count as bpftrace takes it: decimal digits, optionally with an exponent
 * ("1e3" is 1000). Returns 0 or -1 with an error written. */
static int parse_interval_count(const char *text, uint64_t *out, char *err, size_t errlen)
{
    const char *p = text;
    uint64_t value = 0;
    if (!isdigit((unsigned char)*p)) {
        probe_set_error(err, errlen, "Failed to parse '%s': not a number", text);
        return -1;
    }
    for (; isdigit((unsigned char)*p); p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (value > (UINT64_MAX - d) / 10)
            goto out_of_range;
        value = value * 10 + d;
    }
    if (*p == 'e' && isdigit((unsigned char)p[1])) {
        unsigned exponent = 0;
        for (p++; isdigit((unsigned char)*p); p++)
            if ((exponent = exponent * 10 + (unsigned)(*p - '0')) > 19)
                goto out_of_range;
        for (; exponent > 0 && value != 0; exponent--) {
            if (value > UINT64_MAX / 10)
                goto out_of_range;
            value *= 10;
        }
    }
    if (*p) {
        probe_set_error(err, errlen, "Found trailing non-numeric characters: %s", text);
        return -1;
    }
    *out = value;
    return 0;
out_of_range:
    probe_set_error(err, errlen, "Failed to parse '%s': out of range", text);
    return -1;
}

static int parse_interval(const struct probe_kind *kind, char **parts, int nparts,
                          struct attach_point *ap, char *err, size_t errlen)
{
    if (nparts != 2) {
        probe_set_error(err, errlen, "interval probe type requires 2 arguments");
        return -1;
    }
    const struct time_unit *unit = NULL;
    for (size_t i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++)
        if (strcmp(parts[0], time_units[i].name) == 0)
            unit = &time_units[i];
    if (!unit) {
        probe_set_error(err, errlen, "%s is not an accepted unit of time", parts[0]);
        return -1;
    }
    uint64_t count;
    if (parse_interval_count(parts[1], &count, err, errlen) < 0)
        return -1;
    if (count == 0) {
        probe_set_error(err, errlen, "interval must be greater than 0: interval:%s:%s", parts[0],
                  parts[1]);
        return -1;
    }
    if (unit->ns_per_count) {
        if (count > UINT64_MAX / unit->ns_per_count) {
            probe_set_error(err, errlen, "Failed to parse '%s': out of range", parts[1]);
            return -1;
        }
        ap->period_ns = count * unit->ns_per_count;
    } else {
        if (count > 1000000000ull) {
            probe_set_error(err, errlen, "interval:hz:%s is more than 1000000000 per second", parts[1]);
            return -1;
        }
        ap->period_ns = 1000000000ull / count;
    }
    char *name = probe_format("interval:%s:%llu", unit->name, (unsigned long long)count);
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
    .shape = "2 arguments",
    .expand = parse_interval,
};
