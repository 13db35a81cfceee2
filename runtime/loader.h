/* Loading a compiled program into the kernel: create its maps, patch the map
 * references in each program's instructions, and run the verifier. */
#ifndef SOBT_RUNTIME_LOADER_H
#define SOBT_RUNTIME_LOADER_H

#include <stdbool.h>
#include <stdio.h>

#include "program.h"

struct loaded_program {
    int *map_fds; /* indexed like program->maps; -1 when not created */
    int nmaps;
    int *prog_fds; /* indexed like program->progs; -1 when not loaded */
    bool *raw_tracepoint; /* indexed like program->progs: loaded as a raw
                             tracepoint program (raw_tracepoint.h) */
    int nprogs;
};

/* Create every map and load every program. On failure prints one error (and
 * the verifier log when the verifier refused a program), releases what was
 * created and returns -1. With verbose, prints to `verbose_out` what -v
 * shows of each program: "Program ID: N", "The verifier log:" and the
 * verifier's summary line (as bpftrace -v), then
 * "PROBE: N instructions verified, N instructions loaded". */
int loader_load(const struct compiled_program *prog, bool verbose, FILE *verbose_out,
                struct loaded_program *out);

/* Writes the start time (CLOCK_MONOTONIC ns, the clock of bpf_ktime_get_ns)
 * into the program's start-time map, if it has one, for `elapsed`. Returns 0
 * or -1 after printing an error. */
int loader_set_start_time(const struct compiled_program *prog, const struct loaded_program *lp);

/* Close every file descriptor and free the arrays; safe on a zeroed struct. */
void loader_unload(struct loaded_program *lp);

/* The name `probe` prints for a program's first attach point, for messages. */
const char *loader_probe_name(const struct compiled_program *prog, int prog_index);

/* Tell the programs that check the stop flag to stop (program.h). */
int loader_set_stop_flag(const struct compiled_program *prog, const struct loaded_program *lp);

#endif
