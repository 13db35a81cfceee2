/* Rates and periods of the timed kinds (interval, profile): "UNIT:COUNT"
 * with UNIT one of s, ms, us, hz, or, as current bpftrace allows, one
 * "COUNT[SUFFIX]" with a duration suffix (ns when there is none): "1s",
 * "100ms", "1000000000". */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

struct time_unit {
    const char *name;
    uint64_t ns_per_count; /* 0 for hz: the count is a frequency */
};

/* UNIT of "KIND:UNIT:COUNT" */
static const struct time_unit units[] = {
    {"s", 1000000000ull},
    {"ms", 1000000ull},
    {"us", 1000ull},
    {"hz", 0},
};

/* SUFFIX of "KIND:COUNT[SUFFIX]" */
static const struct time_unit suffixes[] = {
    {"", 1ull},           {"ns", 1ull},          {"us", 1000ull},         {"ms", 1000000ull},
    {"s", 1000000000ull}, {"m", 60000000000ull}, {"h", 3600000000000ull}, {"d", 86400000000000ull},
};

/* The shortest period the one-part spelling accepts, as bpftrace. */
#define MIN_PERIOD_NS 1000ull

static const struct time_unit *find_unit(const struct time_unit *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, table[i].name) == 0)
            return &table[i];
    return NULL;
}

int probe_parse_count(const char *text, uint64_t *out, const char **rest, char *err, size_t errlen)
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

/* "UNIT:COUNT" */
static int parse_unit_count(char **parts, struct probe_rate *out, char *err, size_t errlen)
{
    const struct time_unit *unit = find_unit(units, sizeof(units) / sizeof(units[0]), parts[0]);
    if (!unit) {
        probe_set_error(err, errlen, "%s is not an accepted unit of time", parts[0]);
        return -1;
    }
    const char *rest;
    if (probe_parse_count(parts[1], &out->count, &rest, err, errlen) < 0)
        return -1;
    if (*rest) {
        probe_set_error(err, errlen, "Found trailing non-numeric characters: %s", parts[1]);
        return -1;
    }
    out->unit = unit->name;
    if (out->count == 0)
        return PROBE_RATE_ZERO;
    if (unit->ns_per_count) {
        if (out->count > UINT64_MAX / unit->ns_per_count) {
            probe_set_error(err, errlen, "Failed to parse '%s': out of range", parts[1]);
            return -1;
        }
        out->period_ns = out->count * unit->ns_per_count;
    } else {
        out->is_frequency = true;
        out->period_ns = out->count > 1000000000ull ? 0 : 1000000000ull / out->count;
    }
    return 0;
}

/* "COUNT[SUFFIX]": named in microseconds, as bpftrace does ("1s" is "us:1000000"). */
static int parse_duration(const char *text, struct probe_rate *out, char *err, size_t errlen)
{
    uint64_t count;
    const char *rest;
    if (probe_parse_count(text, &count, &rest, err, errlen) < 0)
        return -1;
    const struct time_unit *unit =
        find_unit(suffixes, sizeof(suffixes) / sizeof(suffixes[0]), rest);
    if (!unit) {
        probe_set_error(err, errlen, "Invalid rate of %s probe: invalid trailing bytes: %s",
                        out->kind, text);
        return -1;
    }
    if (count > UINT64_MAX / unit->ns_per_count) {
        probe_set_error(err, errlen, "Failed to parse '%s': out of range", text);
        return -1;
    }
    out->period_ns = count * unit->ns_per_count;
    if (out->period_ns < MIN_PERIOD_NS) {
        probe_set_error(err, errlen,
                        "Invalid rate of %s probe. Minimum is %llu or 1us. Found: %llu "
                        "nanoseconds",
                        out->kind, MIN_PERIOD_NS, (unsigned long long)out->period_ns);
        return -1;
    }
    out->unit = "us";
    out->count = out->period_ns / 1000;
    return 0;
}

int probe_parse_rate(char **parts, int nparts, struct probe_rate *out, char *err, size_t errlen)
{
    if (nparts == 2)
        return parse_unit_count(parts, out, err, errlen);
    if (nparts == 1)
        return parse_duration(parts[0], out, err, errlen);
    probe_set_error(err, errlen, "%s probe type requires 1 or 2 arguments, found %d", out->kind,
                    nparts);
    return -1;
}

int probe_list_time_units(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                          bool verbose)
{
    (void)verbose;
    if (nparts < 1 || nparts > 2)
        return PROBE_LIST_WRONG_SHAPE;
    static const char *const by_name[] = {"hz", "ms", "s", "us"};
    int n = 0;
    for (size_t i = 0; i < sizeof(by_name) / sizeof(by_name[0]); i++)
        if (fnmatch(parts[0], by_name[i], 0) == 0) {
            fprintf(out, "%s:%s:\n", kind->name, by_name[i]);
            n++;
        }
    return n;
}
