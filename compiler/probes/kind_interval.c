/* The interval kind: a timer that fires on one CPU. Spelled
 * "interval:UNIT:COUNT" (s, ms, us, hz), or, as current bpftrace allows,
 * "interval:COUNT[SUFFIX]" with a duration suffix (ns when there is none):
 * "interval:1s", "interval:100ms", "interval:1000000000". */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

struct time_unit {
    const char *name;
    uint64_t ns_per_count; /* 0 for hz: the count is a frequency */
};

/* UNIT of "interval:UNIT:COUNT" */
static const struct time_unit units[] = {
    {"s", 1000000000ull},
    {"ms", 1000000ull},
    {"us", 1000ull},
    {"hz", 0},
};

/* SUFFIX of "interval:COUNT[SUFFIX]" */
static const struct time_unit suffixes[] = {
    {"", 1ull},           {"ns", 1ull},           {"us", 1000ull},
    {"ms", 1000000ull},   {"s", 1000000000ull},   {"m", 60000000000ull},
    {"h", 3600000000000ull}, {"d", 86400000000000ull},
};

/* The shortest period the one-argument spelling accepts, as bpftrace. */
#define MIN_PERIOD_NS 1000ull

static const struct time_unit *find_unit(const struct time_unit *table, size_t n,
                                         const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, table[i].name) == 0)
            return &table[i];
    return NULL;
}

/* A count as bpftrace takes it: decimal digits, '_' between them allowed
 * ("1_000"), optionally with an exponent ("1e3" is 1000). Returns 0 with
 * *rest at the first character after it, or -1 with an error written. */
static int parse_count(const char *text, uint64_t *out, const char **rest, char *err,
                       size_t errlen)
{
    const char *p = text;
    uint64_t value = 0;
    if (!isdigit((unsigned char)*p)) {
        probe_set_error(err, errlen, "Failed to parse '%s': not a number", text);
        return -1;
    }
    for (; isdigit((unsigned char)*p) || (*p == '_' && isdigit((unsigned char)p[1])); p++) {
        if (*p == '_')
            continue;
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
    *out = value;
    *rest = p;
    return 0;
out_of_range:
    probe_set_error(err, errlen, "Failed to parse '%s': out of range", text);
    return -1;
}

static int add_interval(struct attach_point *ap, uint64_t period_ns, char *name, char *err,
                        size_t errlen)
{
    ap->period_ns = period_ns;
    if (probe_add_match(ap, strdup(""), name) < 0) {
        probe_set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* "interval:UNIT:COUNT" */
static int parse_unit_count(char **parts, struct attach_point *ap, char *err, size_t errlen)
{
    const struct time_unit *unit = find_unit(units, sizeof(units) / sizeof(units[0]), parts[0]);
    if (!unit) {
        probe_set_error(err, errlen, "%s is not an accepted unit of time", parts[0]);
        return -1;
    }
    uint64_t count;
    const char *rest;
    if (parse_count(parts[1], &count, &rest, err, errlen) < 0)
        return -1;
    if (*rest) {
        probe_set_error(err, errlen, "Found trailing non-numeric characters: %s", parts[1]);
        return -1;
    }
    if (count == 0) {
        probe_set_error(err, errlen, "interval must be greater than 0: interval:%s:%s", parts[0],
                        parts[1]);
        return -1;
    }
    uint64_t period;
    if (unit->ns_per_count) {
        if (count > UINT64_MAX / unit->ns_per_count) {
            probe_set_error(err, errlen, "Failed to parse '%s': out of range", parts[1]);
            return -1;
        }
        period = count * unit->ns_per_count;
    } else {
        if (count > 1000000000ull) {
            probe_set_error(err, errlen, "interval:hz:%s is more than 1000000000 per second",
                            parts[1]);
            return -1;
        }
        period = 1000000000ull / count;
    }
    char *name = probe_format("interval:%s:%llu", unit->name, (unsigned long long)count);
    return add_interval(ap, period, name, err, errlen);
}

/* "interval:COUNT[SUFFIX]": `probe` names it in microseconds, as bpftrace
 * does ("interval:1s" is "interval:us:1000000"). */
static int parse_duration(const char *text, struct attach_point *ap, char *err, size_t errlen)
{
    uint64_t count;
    const char *rest;
    if (parse_count(text, &count, &rest, err, errlen) < 0)
        return -1;
    const struct time_unit *unit =
        find_unit(suffixes, sizeof(suffixes) / sizeof(suffixes[0]), rest);
    if (!unit) {
        probe_set_error(err, errlen, "Invalid rate of interval probe: invalid trailing bytes: %s",
                        text);
        return -1;
    }
    if (count > UINT64_MAX / unit->ns_per_count) {
        probe_set_error(err, errlen, "Failed to parse '%s': out of range", text);
        return -1;
    }
    uint64_t period = count * unit->ns_per_count;
    if (period < MIN_PERIOD_NS) {
        probe_set_error(err, errlen,
                        "Invalid rate of interval probe. Minimum is %llu or 1us. Found: %llu "
                        "nanoseconds",
                        MIN_PERIOD_NS, (unsigned long long)period);
        return -1;
    }
    char *name = probe_format("interval:us:%llu", (unsigned long long)(period / 1000));
    return add_interval(ap, period, name, err, errlen);
}

static int parse_interval(const struct probe_kind *kind, char **parts, int nparts,
                          struct attach_point *ap, char *err, size_t errlen)
{
    if (nparts == 2)
        return parse_unit_count(parts, ap, err, errlen);
    if (nparts == 1)
        return parse_duration(parts[0], ap, err, errlen);
    probe_set_error(err, errlen, "interval probe type requires 1 or 2 arguments, found %d",
                    nparts);
    return -1;
}

const struct probe_kind probe_kind_interval = {
    .name = "interval",
    .aliases = {"i"},
    .provider = PROV_INTERVAL,
    .bpf_prog_type = BPF_PROG_TYPE_PERF_EVENT,
    .shape = "1 or 2 arguments",
    .expand = parse_interval,
};
