/* The runtime's entry point: load, attach, run the event loop, print maps. */
#ifndef SOBT_RUN_H
#define SOBT_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "program.h"

enum run_mode {
    RUN_NORMAL,  /* attach, trace until exit() or SIGINT/SIGTERM, run END, print maps */
    RUN_DRY_RUN, /* load and attach, then detach and exit 0 without tracing */
    RUN_VERIFY,  /* load every program into the verifier, attach nothing */
};

struct run_options {
    enum run_mode mode;
    FILE *out;    /* -o FILE, else stdout */
    bool quiet;   /* -q: no "Attaching N probes..." */
    bool verbose; /* -v: per-program instruction counts from the verifier */
};

/* Returns the process exit status (0 on success, 1 after printing an error). */
int runtime_run(const struct compiled_program *prog, const struct run_options *opts);

/* Mount tracefs at /sys/kernel/tracing when no tracefs is mounted and we
 * are root. Returns 0 when tracefs is available afterwards. */
int tracefs_ensure_mounted(void);

#endif
