/* The runtime's entry point: load, attach, run the event loop, print maps. */
#ifndef SOBT_RUN_H
#define SOBT_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "program.h"
#include "target_process.h"

enum run_mode {
    RUN_NORMAL,  /* attach, trace until exit() or SIGINT/SIGTERM, run END, print maps */
    RUN_DRY_RUN, /* load and attach, then detach and exit 0 without tracing */
    RUN_VERIFY,  /* load every program into the verifier, attach nothing */
};

struct output_format;
struct metrics_address;

struct run_options {
    enum run_mode mode;
    FILE *out;     /* -o FILE, else stdout */
    FILE *console; /* standard output when `out` is -o FILE; NULL: `out` */
    const struct output_format *format; /* -f text|json; NULL: text */
    bool quiet;    /* -q: no "Attaching N probes..." */
    bool verbose;  /* -v: each program's id, verifier summary and instruction
                      counts, and each probe as it is attached (stderr) */
    bool hold_output; /* -B full: the output is written when its buffer fills
                         (and at exit), not after each batch of events */
    struct target_process *target; /* -p, -c: probes of user space are its alone, a
                                      -c command starts after BEGIN, and tracing ends
                                      when it exits; NULL: none */
    bool usdt_file_activation; /* --usdt-file-activation: raise usdt semaphores in the
                                  processes that map a probed file (when the kernel
                                  does not count them itself) */
    const struct metrics_address *metrics; /* --metrics: serve the maps to Prometheus
                                              while tracing; NULL: no endpoint */
};

/* Returns the process exit status (0 on success, 1 after printing an error). */
int runtime_run(const struct compiled_program *prog, const struct run_options *opts);

/* Mount tracefs at /sys/kernel/tracing when no tracefs is mounted and we
 * are root. Returns 0 when tracefs is available afterwards. */
int tracefs_ensure_mounted(void);

#endif
