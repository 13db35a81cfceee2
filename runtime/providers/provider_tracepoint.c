/* Tracepoint provider: a perf event of type PERF_TYPE_TRACEPOINT for the
 * tracepoint's id, and a bpf link that carries the probe index as cookie. */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "providers/provider.h"
#include "raw_tracepoint.h"
#include "tracefs_mount.h"

/* events/CAT/NAME/id; target is "CAT:NAME". Returns the id or -1. */
static long tracepoint_id(const char *target, const char *probe_name)
{
    const char *dir = runtime_tracefs_dir();
    if (!dir) {
        diag_plain_error("%s: tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)",
                         probe_name);
        return -1;
    }
    const char *colon = strchr(target, ':');
    if (!colon) {
        diag_plain_error("%s: not a tracepoint name: %s", probe_name, target);
        return -1;
    }
    char path[512];
    snprintf(path, sizeof(path), "%s/events/%.*s/%s/id", dir, (int)(colon - target), target,
             colon + 1);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag_plain_error("%s: no such tracepoint (%s)", probe_name, strerror(errno));
        return -1;
    }
    char buf[32];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        diag_plain_error("%s: could not read the tracepoint id", probe_name);
        return -1;
    }
    buf[n] = '\0';
    return strtol(buf, NULL, 10);
}

static int tracepoint_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                             struct attachment *out)
{
    long id = tracepoint_id(at->target, probe_name);
    if (id < 0)
        return -1;
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.size = sizeof(attr);
    attr.config = (uint64_t)id;
    attr.sample_period = 1;
    attr.wakeup_events = 1;
    /* One event on CPU 0 is enough: a BPF program attached to a tracepoint
     * runs for hits on every CPU. */
    int pfd = perf_event_open_cloexec(&attr, -1, 0);
    if (pfd < 0) {
        diag_plain_error("%s: perf_event_open failed: %s", probe_name, strerror(errno));
        return -1;
    }
    return attach_perf_event_link(prog_fd, pfd, (uint64_t)at->probe_id, probe_name, out);
}

/* The same tracepoint through a raw tracepoint link (raw_tracepoint.h): the
 * raw tracepoint is named as the event, without its category. */
static int raw_tracepoint_attach(int prog_fd, const struct attach_desc *at,
                                 const char *probe_name, struct attachment *out)
{
    const char *colon = strchr(at->target, ':');
    const char *name = colon ? colon + 1 : at->target;
    int fd = raw_tracepoint_open(name, prog_fd, (uint64_t)at->probe_id);
    if (fd < 0) {
        diag_plain_error("%s: cannot attach the raw tracepoint %s: %s", probe_name, name,
                         strerror(errno));
        return -1;
    }
    out->perf_fd = -1;
    out->link_fd = fd;
    return 0;
}

const struct provider provider_raw_tracepoint = {
    .name = "tracepoint",
    .attach = raw_tracepoint_attach,
    .needs_tracefs = true,
};

const struct provider provider_tracepoint = {
    .name = "tracepoint",
    .attach = tracepoint_attach,
    .needs_tracefs = true,
};
