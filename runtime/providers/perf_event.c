/* The perf-event plumbing the providers share: opening an event, and
 * attaching a program to it with a bpf link that carries the BPF cookie. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "diag.h"
#include "providers/provider.h"

int perf_event_open_cloexec(void *attr, int pid, int cpu)
{
    return (int)syscall(SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

#define PMU_DIR "/sys/bus/event_source/devices"

/* A small sysfs file holding one line; returns its first line or NULL. */
static char *read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char *line = fgets(buf, (int)size, f);
    fclose(f);
    return line;
}

/* What sysfs says of a PMU does not change while sobt runs, and every
 * attachment asks (a wildcard uprobe set: hundreds of times): each file is
 * read once. */
struct pmu_fact {
    char path[160];
    int value;
};
static struct pmu_fact pmu_facts[16];
static int npmu_facts;

/* The number a PMU file gives through parse ("%d", "config:%d"), or -1;
 * remembered by path. */
static int pmu_fact(const char *path, const char *parse)
{
    for (int i = 0; i < npmu_facts; i++)
        if (strcmp(pmu_facts[i].path, path) == 0)
            return pmu_facts[i].value;
    char buf[64];
    int value;
    if (!read_line(path, buf, sizeof(buf)) || sscanf(buf, parse, &value) != 1 || value < 0)
        value = -1;
    if (npmu_facts < (int)(sizeof(pmu_facts) / sizeof(pmu_facts[0])) &&
        strlen(path) < sizeof(pmu_facts[0].path)) {
        snprintf(pmu_facts[npmu_facts].path, sizeof(pmu_facts[0].path), "%s", path);
        pmu_facts[npmu_facts++].value = value;
    }
    return value;
}

int perf_pmu_type(const char *pmu)
{
    char path[160];
    snprintf(path, sizeof(path), PMU_DIR "/%s/type", pmu);
    return pmu_fact(path, "%d");
}

int perf_pmu_config_bit(const char *pmu, const char *field)
{
    char path[160];
    snprintf(path, sizeof(path), PMU_DIR "/%s/format/%s", pmu, field);
    int bit = pmu_fact(path, "config:%d");
    return bit > 63 ? -1 : bit;
}

int perf_pmu_event_init(struct perf_event_attr *attr, const char *pmu, const char *probe_name)
{
    int type = perf_pmu_type(pmu);
    if (type < 0) {
        diag_plain_error("%s: this kernel has no %s support (no %s PMU)", probe_name, pmu, pmu);
        return -1;
    }
    memset(attr, 0, sizeof(*attr));
    attr->type = (uint32_t)type;
    attr->size = sizeof(*attr);
    return 0;
}

int perf_pmu_set_config_field(struct perf_event_attr *attr, const char *pmu, const char *field,
                              uint64_t value, const char *probe_name)
{
    int bit = perf_pmu_config_bit(pmu, field);
    if (bit < 0) {
        diag_plain_error("%s: this kernel's %s PMU has no %s format", probe_name, pmu, field);
        return -1;
    }
    attr->config |= value << bit;
    return 0;
}

/* Kept here, beside the perf events it limits, rather than in the table
 * (providers.c), which the providers must not call back into. */
static int target_pid = -1;
static bool target_is_child;

void providers_set_target(int pid, bool is_child)
{
    target_pid = pid > 0 ? pid : -1;
    target_is_child = pid > 0 && is_child;
}

int providers_target_pid(bool usdt)
{
    return target_is_child && !usdt ? -1 : target_pid;
}

int attach_probe_event(int prog_fd, struct perf_event_attr *attr, int pid, uint64_t cookie,
                       const char *probe_name, struct attachment *out)
{
    attr->sample_period = 1;
    attr->wakeup_events = 1;
    /* Without a process, one event on CPU 0 serves every CPU (the program
     * runs wherever the probe is hit); with one, the event follows it. */
    int pfd = perf_event_open_cloexec(attr, pid > 0 ? pid : -1, pid > 0 ? -1 : 0);
    if (pfd < 0) {
        if (errno == ESRCH)
            diag_plain_error("%s: the traced process %d is gone", probe_name, pid);
        else if (errno == EILSEQ)
            diag_plain_error("%s: the offset is not at an instruction boundary (EILSEQ)",
                             probe_name);
        else
            diag_plain_error("%s: could not create the probe: %s", probe_name, strerror(errno));
        return -1;
    }
    return attach_perf_event_link(prog_fd, pfd, cookie, probe_name, out);
}

int attach_perf_event_link(int prog_fd, int perf_fd, uint64_t cookie, const char *probe_name,
                           struct attachment *out)
{
    LIBBPF_OPTS(bpf_link_create_opts, opts, .perf_event.bpf_cookie = cookie);
    int link_fd = bpf_link_create(prog_fd, perf_fd, BPF_PERF_EVENT, &opts);
    if (link_fd < 0) {
        diag_plain_error("%s: could not attach the program: %s", probe_name, strerror(errno));
        close(perf_fd);
        return -1;
    }
    out->perf_fd = perf_fd;
    out->link_fd = link_fd;
    return 0;
}

#define MAX_CPUS 4096

int online_cpus(const int **cpus)
{
    static int list[MAX_CPUS];
    static int count = -1;
    if (count < 0) {
        FILE *f = fopen("/sys/devices/system/cpu/online", "re");
        char line[4096];
        if (!f || !fgets(line, sizeof(line), f)) {
            if (f)
                fclose(f);
            diag_plain_error("cannot read the online CPUs (/sys/devices/system/cpu/online)");
            return -1;
        }
        fclose(f);
        count = 0;
        /* "0-3,5,7-8" */
        for (char *p = line; *p && *p != '\n';) {
            char *end;
            long first = strtol(p, &end, 10), last = first;
            if (*end == '-')
                last = strtol(end + 1, &end, 10);
            for (long c = first; c <= last && count < MAX_CPUS; c++)
                list[count++] = (int)c;
            p = *end == ',' ? end + 1 : end;
            if (end == p && *p != ',')
                break;
        }
    }
    *cpus = list;
    return count;
}

void attachment_close(struct attachment *a)
{
    /* The link first: it holds a reference on the perf event. */
    if (a->link_fd >= 0)
        close(a->link_fd);
    if (a->perf_fd >= 0)
        close(a->perf_fd);
    a->link_fd = a->perf_fd = -1;
}
