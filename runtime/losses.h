/* What the BPF programs could not record, counted per CPU in an internal map
 * (program.h, enum loss_counter), and reported: lost events as bpftrace's
 * "Lost N events" line in the output, lost stacks as a warning. */
#ifndef SOBT_RUNTIME_LOSSES_H
#define SOBT_RUNTIME_LOSSES_H

#include <stdint.h>
#include <stdio.h>

#include "loader.h"
#include "output/format.h"

struct losses {
    int fd; /* the counter map; -1 when the program has none */
    uint64_t reported[LOSS_COUNTERS]; /* totals already reported */
};

/* Returns 0, or -1 after printing an error. */
int losses_open(struct losses *l, const struct compiled_program *prog,
                const struct loaded_program *lp);
/* Reports the events lost since the last report ("Lost N events"), if any. */
void losses_report_events(struct losses *l, const struct output *out);
/* A warning naming the stacks lost since the last report, if any. */
void losses_report_stacks(struct losses *l, const struct compiled_program *prog);
void losses_close(struct losses *l);

#endif
