/* The maps as Prometheus metrics (--metrics): which maps are exposed, under
 * which metric and label names (metrics_names.c), and their exposition in
 * the Prometheus text format 0.0.4 or in OpenMetrics 1.0 (map_metrics.c),
 * each map read when it is rendered, through the same rows the text and
 * JSON printers walk (map_rows.h).
 *
 * The mapping, per aggregation (why each type: see metrics_type_of):
 *
 *   count()               counter    sobt_NAME_total{labels} N
 *   sum() min() max()     gauge      sobt_NAME{labels} N
 *   avg()                 gauge      the average, as print() shows it
 *   plain integer values  gauge
 *   stats()               summary    sobt_NAME_count, sobt_NAME_sum
 *   tseries()             gauge      its latest interval's value
 *   hist() lhist()        histogram  sobt_NAME_bucket{labels,le="..."}, and
 *                                    sobt_NAME_count in the 0.0.4 format
 *   other values (strings, stacks, symbols, addresses): not exposed.
 *
 * Names: "sobt_" and the map's name without "@" ("@" alone is "sobt"), any
 * character outside [a-zA-Z0-9_] replaced by "_"; a name that would reuse
 * a metric name (or a sample name such as NAME_total, NAME_bucket) of a map
 * earlier in name order gets "_2", "_3", ... appended.
 *
 * Labels: one per key field, named as the script names the field (see
 * compiler/sema/key_names.c: `@c[comm, $af]` gives comm and af) when that
 * name is a valid label name not starting with "__", not le or quantile
 * (the exposition's own), not of the form keyN, and not shared by two
 * fields of the key; otherwise keyN, N the field's position from 0. The
 * value is the field as the text output prints it (strings raw, probes by
 * name, stacks as their lines), escaped as the format says (\\, \", \n);
 * bytes that are not UTF-8 are written as the text \xHH.
 *
 * Histograms: one bucket per bucket of the map, always all of them, so
 * that every host and every scrape has the same buckets (summing buckets
 * across hosts needs that). le is the largest integer the bucket holds
 * (hist: -1 for negative values, 0, 1, 3, 7, ..., 2^63-1; lhist: min-1 for
 * the underflow, then lo+step-1 per step); counts are cumulative; the last
 * bucket (hist's, and lhist's overflow) is +Inf. A hist() keeps only its
 * bucket counts, so no sum exists: there is no _sum (an estimate from the
 * bucket bounds would make rate(_sum)/rate(_count) silently wrong, and
 * OpenMetrics forbids a _sum beside buckets with negative bounds, which
 * every hist() has). The count is the +Inf bucket; the 0.0.4 format also
 * writes it as _count, which OpenMetrics allows only together with _sum. */
#ifndef SOBT_OUTPUT_METRICS_H
#define SOBT_OUTPUT_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "program.h"

enum metrics_format {
    METRICS_PROMETHEUS_TEXT, /* text/plain; version=0.0.4 */
    METRICS_OPENMETRICS,     /* application/openmetrics-text; version=1.0.0 */
};

enum metric_type {
    METRIC_COUNTER,
    METRIC_GAUGE,
    METRIC_SUMMARY,
    METRIC_HISTOGRAM,
};

/* One exposed map and its names, fixed when serving starts. */
struct metrics_map {
    const struct map_desc *map;
    int fd;
    enum metric_type type;
    char *family;  /* "sobt_connect" */
    char **labels; /* map->key.nfields label names */
};

struct metrics_plan {
    const struct compiled_program *prog;
    struct metrics_map *maps; /* in the order of the map names */
    int nmaps;
};

/* Which maps are exposed and their names. map_fds[i] is the fd of
 * prog->maps[i]. 0, or -ENOMEM (then the plan holds nothing). */
int metrics_plan_make(struct metrics_plan *plan, const struct compiled_program *prog,
                      const int *map_fds);
void metrics_plan_free(struct metrics_plan *plan);

/* The metric type of a map, or -1 for a map that is not exposed. */
int metrics_type_of(const struct map_desc *map);

/* Every planned map, read now, in `format`. 0, or the first negative errno
 * of a map that could not be read (what was written is then incomplete). */
int metrics_render(FILE *out, const struct metrics_plan *plan, enum metrics_format format);

#endif
