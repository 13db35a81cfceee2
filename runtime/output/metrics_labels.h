/* The text inside a metric's braces, and the numbers of `le` labels, as
 * both exposition formats want them. Private to runtime/output/. */
#ifndef SOBT_OUTPUT_METRICS_LABELS_H
#define SOBT_OUTPUT_METRICS_LABELS_H

#include <stddef.h>
#include <stdint.h>

#include "output/metrics.h"

/* `name="value",...` for a key of m (no braces; "" for a map without a
 * key), allocated; NULL when out of memory. */
char *metrics_label_set(const struct metrics_plan *plan, const struct metrics_map *m,
                        const uint8_t *key);

/* v as OpenMetrics' canonical numbers for `le` (Go's shortest %g, with
 * ".0" appended when that has no point or exponent: "0.0", "1023.0",
 * "1.048575e+06"; "+Inf"). */
void metrics_canonical_number(char *buf, size_t cap, double v);

#endif
