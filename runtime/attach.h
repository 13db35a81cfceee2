/* Attaching every program of a compiled program at every one of its attach
 * points, and undoing it. */
#ifndef SOBT_RUNTIME_ATTACH_H
#define SOBT_RUNTIME_ATTACH_H

#include <stdio.h>

#include "loader.h"
#include "providers/provider.h"
#include "syscall_dispatch.h"

struct attach_set {
    struct attachment *items;
    int count;
    struct syscall_dispatch dispatch; /* wide syscall tracepoint sets */
};

/* bpftrace's "Attaching N probes..." count: every attach point, BEGIN and
 * END included. */
int attach_count_probes(const struct compiled_program *prog);

/* -v: "Attaching PROBE" for every attach point (BEGIN and END too), as
 * bpftrace -v says before attaching. */
void attach_list_probes(const struct compiled_program *prog, FILE *out);

/* Attach everything except BEGIN/END. On failure prints one error naming the
 * probe, detaches what was attached and returns -1. */
int attach_all(const struct compiled_program *prog, const struct loaded_program *lp,
               struct attach_set *out);

/* Stop every program: the caller has set the stop flag (loader_set_stop_flag)
 * for those that check it; the others' bpf links are closed. Either way they
 * stop running at once (the kernel frees
 * the program arrays after an RCU grace period, asynchronously). The perf
 * events stay open until attach_detach_all. */
void attach_stop_all(struct attach_set *set);

/* Close everything. For tracepoints this is slow: the kernel unregisters each
 * tracepoint's perf event synchronously (two RCU grace periods each). */
void attach_detach_all(struct attach_set *set);

/* At exit: like attach_detach_all, but many perf events are closed by a
 * short-lived background process so that sobt exits without waiting. */
void attach_release_all(struct attach_set *set);

#endif
