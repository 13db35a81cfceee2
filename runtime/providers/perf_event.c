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

int perf_pmu_type(const char *pmu)
{
    char path[256], buf[32];
    snprintf(path, sizeof(path), PMU_DIR "/%s/type", pmu);
    if (!read_line(path, buf, sizeof(buf)))
        return -1;
    return atoi(buf);
}

int perf_pmu_config_bit(const char *pmu, const char *field)
{
    char path[256], buf[64];
    snprintf(path, sizeof(path), PMU_DIR "/%s/format/%s", pmu, field);
    int bit;
    if (!read_line(path, buf, sizeof(buf)) || sscanf(buf, "config:%d", &bit) != 1 || bit < 0 ||
        bit > 63)
        return -1;
    return bit;
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

void attachment_close(struct attachment *a)
{
    /* The link first: it holds a reference on the perf event. */
    if (a->link_fd >= 0)
        close(a->link_fd);
    if (a->perf_fd >= 0)
        close(a->perf_fd);
    a->link_fd = a->perf_fd = -1;
}
