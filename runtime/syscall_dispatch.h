/* Wide sets of syscall tracepoints (t:syscalls:sys_enter_*) attached as one
 * program on raw_syscalls:sys_enter (and one on sys_exit) that tail-calls
 * each syscall's own program by number. Closing a tracepoint's perf event
 * waits out RCU grace periods, one tracepoint at a time: 340 of them kept
 * their perf events alive for ~18 s after exit; two close in milliseconds.
 * The records match: raw_syscalls' (id, args[6]) and (id, ret) have the
 * layout of every sys_enter_NAME (__syscall_nr, the arguments as 8-byte
 * slots) and sys_exit_NAME (__syscall_nr, ret), so each program runs
 * unchanged. */
#ifndef SOBT_RUNTIME_SYSCALL_DISPATCH_H
#define SOBT_RUNTIME_SYSCALL_DISPATCH_H

#include <stdbool.h>

#include "providers/provider.h"

/* Below this many syscall tracepoints, each keeps its own perf event: the
 * dispatcher runs on every syscall of the system, traced or not. */
#define SYSCALL_DISPATCH_MIN 16

struct syscall_dispatch {
    int table_fd[2]; /* BPF_MAP_TYPE_PROG_ARRAY by syscall number: enter, exit */
    int prog_fd[2];  /* the dispatchers */
    int count;       /* programs placed in the tables */
};

/* Nothing open yet; syscall_dispatch_init does the same at run time. */
#define SYSCALL_DISPATCH_INIT                                                                      \
    {                                                                                              \
        .table_fd = {-1, -1}, .prog_fd = { -1, -1 }                                                \
    }

void syscall_dispatch_init(struct syscall_dispatch *d);

/* Whether the attach point `target` ("syscalls:sys_enter_NAME") has a
 * syscall number the dispatcher can route to. */
bool syscall_dispatch_can_take(const char *target);

/* Put prog_fd in the table for `target` (syscall_dispatch_can_take).
 * Returns 0, or -1 after printing an error. */
int syscall_dispatch_add(struct syscall_dispatch *d, const char *target, int prog_fd);

/* Attach the dispatchers of the non-empty tables: each fills one of `out`
 * (up to two). Returns how many were filled, or -1 after an error. */
int syscall_dispatch_attach(struct syscall_dispatch *d, struct attachment *out);

/* Close the tables and the dispatchers (after their attachments). */
void syscall_dispatch_close(struct syscall_dispatch *d);

#endif
