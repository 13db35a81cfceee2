/* The software and hardware kinds: the kernel's predefined perf events
 * ("software:page-faults:100", "hardware:cache-misses:1e6"), on every CPU,
 * sampling once every COUNT events (each event's default when left out).
 * The names, aliases and default counts are bpftrace's. A hardware event
 * needs a PMU: where the machine has none (a VM without a virtual PMU) the
 * attach point is refused here, with why. */
#include <errno.h>
#include <fnmatch.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"
#include "target/perf_hardware.h"

struct perf_counter {
    const char *name;
    const char *alias; /* NULL: none */
    uint64_t config;   /* PERF_COUNT_SW_* or PERF_COUNT_HW_* */
    uint64_t default_count;
};

/* By name, as bpftrace lists them. */
static const struct perf_counter software_events[] = {
    {"alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
    {"bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1},
    {"context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
    {"cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000},
    {"cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1},
    {"dummy", NULL, PERF_COUNT_SW_DUMMY, 1},
    {"emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1},
    {"major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
    {"minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
    {"page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100},
    {"task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1},
    {NULL, NULL, 0, 0},
};

static const struct perf_counter hardware_events[] = {
    {"backend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000},
    {"branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000},
    {"branch-misses", NULL, PERF_COUNT_HW_BRANCH_MISSES, 100000},
    {"bus-cycles", NULL, PERF_COUNT_HW_BUS_CYCLES, 100000},
    {"cache-misses", NULL, PERF_COUNT_HW_CACHE_MISSES, 1000000},
    {"cache-references", NULL, PERF_COUNT_HW_CACHE_REFERENCES, 1000000},
    {"cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000},
    {"frontend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000},
    {"instructions", NULL, PERF_COUNT_HW_INSTRUCTIONS, 1000000},
    {"ref-cycles", NULL, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000},
    {NULL, NULL, 0, 0},
};

static const struct perf_counter *events_of(const struct probe_kind *kind)
{
    return kind->provider == PROV_HARDWARE ? hardware_events : software_events;
}

static const struct perf_counter *find_event(const struct perf_counter *table, const char *name)
{
    for (; table->name; table++)
        if (strcmp(name, table->name) == 0 || (table->alias && strcmp(name, table->alias) == 0))
            return table;
    return NULL;
}

static int expand_perf_counter(const struct probe_kind *kind, char **parts, int nparts,
                               struct attach_point *ap, char *err, size_t errlen)
{
    if (nparts < 1 || nparts > 2) {
        probe_set_error(err, errlen, "%s probe type requires 1 or 2 arguments", kind->name);
        return -1;
    }
    const struct perf_counter *ev = find_event(events_of(kind), parts[0]);
    if (!ev) {
        probe_set_error(err, errlen, "%s is not a %s probe", parts[0], kind->name);
        return -1;
    }
    uint64_t count = ev->default_count;
    bool has_count = nparts == 2 && parts[1][0];
    if (has_count) {
        const char *rest;
        if (probe_parse_count(parts[1], &count, &rest, err, errlen) < 0)
            return -1;
        if (*rest) {
            probe_set_error(err, errlen, "Found trailing non-numeric characters: %s", parts[1]);
            return -1;
        }
        if (count == 0) {
            probe_set_error(err, errlen, "%s:%s: the count must be a positive integer", kind->name,
                            parts[0]);
            return -1;
        }
    }
    if (kind->provider == PROV_HARDWARE) {
        int e = perf_hardware_event_error(ev->config);
        if (e == ENOENT || e == EOPNOTSUPP || e == ENODEV) {
            probe_set_error(err, errlen,
                            "hardware:%s: this machine has no hardware performance counters "
                            "for it (perf_event_open of a PERF_TYPE_HARDWARE event: %s); a "
                            "virtual machine without a virtual PMU has none",
                            parts[0], strerror(e));
            return PROBE_MISSING; /* missing_probes = warn|ignore runs without it */
        }
    }
    ap->event_config = ev->config;
    ap->sample_period = count;
    char *name = has_count
                     ? probe_format("%s:%s:%llu", kind->name, parts[0], (unsigned long long)count)
                     : probe_format("%s:%s", kind->name, parts[0]);
    if (probe_add_match(ap, strdup(""), name) < 0) {
        probe_set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* -l 'software:*': each name and alias as "software:NAME:", in order. */
static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int list_perf_counter(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                             bool verbose)
{
    (void)verbose;
    if (nparts < 1 || nparts > 2)
        return PROBE_LIST_WRONG_SHAPE;
    const char *names[32];
    int n = 0;
    for (const struct perf_counter *ev = events_of(kind); ev->name && n < 30; ev++) {
        names[n++] = ev->name;
        if (ev->alias)
            names[n++] = ev->alias;
    }
    qsort(names, (size_t)n, sizeof(names[0]), compare_strings);
    int listed = 0;
    for (int i = 0; i < n; i++)
        if (fnmatch(parts[0], names[i], 0) == 0) {
            fprintf(out, "%s:%s:\n", kind->name, names[i]);
            listed++;
        }
    return listed;
}

/* The two kinds differ only in their names and events. */
#define PERF_COUNTER_KIND(NAME, ALIAS, PROVIDER)                                                   \
    {                                                                                              \
        .name = NAME, .aliases = {ALIAS}, .provider = PROVIDER,                                    \
        .bpf_prog_type = BPF_PROG_TYPE_PERF_EVENT, .shape = "1 or 2 arguments",                    \
        .offers = OFFERS_REGS | OFFERS_SIGNAL, .listed_by_wildcard = true,                         \
        .expand = expand_perf_counter, .list = list_perf_counter,                                  \
    }

const struct probe_kind probe_kind_software = PERF_COUNTER_KIND("software", "s", PROV_SOFTWARE);
const struct probe_kind probe_kind_hardware = PERF_COUNTER_KIND("hardware", "h", PROV_HARDWARE);
