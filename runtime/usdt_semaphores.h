/* USDT semaphores raised by hand, for kernels whose uprobe PMU cannot count
 * them (no ref_ctr_offset field; SOBT_NO_UPROBE_REFCOUNT=1 acts so): a probe
 * guarded by a semaphore fires only while the semaphore is non-zero, so the
 * runtime adds one to it, through /proc/PID/mem, in the -p process, in the
 * -c command right after its exec (held there as bpftrace holds it) and,
 * with --usdt-file-activation, in every process that maps the probed file
 * at attach time; and takes it back at the end. Where the kernel counts
 * them, this does nothing (the kernel does it for every process). */
#ifndef SOBT_RUNTIME_USDT_SEMAPHORES_H
#define SOBT_RUNTIME_USDT_SEMAPHORES_H

#include <stdbool.h>
#include <sys/types.h>

#include "program.h"

struct raised_semaphore {
    pid_t pid;
    unsigned long addr;
};

struct usdt_semaphores {
    struct raised_semaphore *items;
    int count;
};

/* Raises the semaphores of prog's usdt attach points in pid (when > 0) and,
 * with file_activation, in every process mapping a probed file. Processes
 * that cannot be written are skipped with a warning. */
void usdt_semaphores_raise(struct usdt_semaphores *s, const struct compiled_program *prog,
                           pid_t pid, bool file_activation);

/* Whether the kernel leaves prog's usdt semaphores to the tracer. */
bool usdt_semaphores_needed(const struct compiled_program *prog);

/* Raises them in pid too (a -c command once it has exec'd), keeping what s
 * raised before. */
void usdt_semaphores_raise_in(struct usdt_semaphores *s, const struct compiled_program *prog,
                              pid_t pid);

/* Takes back what usdt_semaphores_raise added, in the processes still there. */
void usdt_semaphores_lower(struct usdt_semaphores *s);

#endif
