/* Probe providers: one per probe kind, one small interface. A provider
 * attaches one program to one attach point and says how to undo it; BEGIN and
 * END are not attached at all but run once (provider_begin_end.c). */
#ifndef SOBT_RUNTIME_PROVIDER_H
#define SOBT_RUNTIME_PROVIDER_H

#include <stdbool.h>

#include "program.h"

/* What attaching left open: closing both detaches (a perf event that is
 * closed takes its bpf link with it, and both are O_CLOEXEC so nothing
 * outlives the process). */
struct attachment {
    int perf_fd; /* -1 when the provider needs none */
    int link_fd; /* -1 when nothing was attached */
    bool stopped_by_flag; /* its program checks the stop flag: no need to detach to stop it */
};

struct provider {
    const char *name;
    /* Attach prog_fd at `at`. `probe_name` is the full probe name for error
     * messages. Returns 0, or -1 after printing one error line. */
    int (*attach)(int prog_fd, const struct attach_desc *at, const char *probe_name,
                  struct attachment *out);
};

extern const struct provider provider_tracepoint;
extern const struct provider provider_interval;
extern const struct provider provider_kprobe;
extern const struct provider provider_kretprobe;

/* Runs a BEGIN or END program once, now, on this CPU. Returns 0 or -1 after
 * printing an error. */
int provider_begin_end_run(int prog_fd, const char *probe_name);

/* Attach a program through a perf event: the bpf link carries the cookie that
 * the program reads back with bpf_get_attach_cookie. Takes ownership of
 * perf_fd (closed on failure). Shared by every perf-event-based provider. */
int attach_perf_event_link(int prog_fd, int perf_fd, uint64_t cookie, const char *probe_name,
                           struct attachment *out);

/* perf_event_open(2) with close-on-exec; libbpf has no wrapper for it. */
int perf_event_open_cloexec(void *attr, int pid, int cpu);

void attachment_close(struct attachment *a);

#endif
