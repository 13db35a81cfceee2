/* Maps as Prometheus metrics: the exposition of the plan metrics_names.c
 * made, in the Prometheus text format 0.0.4 or OpenMetrics 1.0, from the
 * rows the text and JSON printers walk (map_rows.h). The mapping is in
 * metrics.h. The two formats differ in four places only:
 *  - a counter's HELP and TYPE lines name the family "sobt_x" in
 *    OpenMetrics and its sample "sobt_x_total" in 0.0.4 (the sample is
 *    sobt_x_total in both, so the series are the same);
 *  - a histogram's _count is written in 0.0.4 only (OpenMetrics has it
 *    only beside a _sum, which a hist() does not have);
 *  - a stats() _sum below zero is left out of OpenMetrics, where a
 *    summary's sum must not be negative;
 *  - OpenMetrics ends with "# EOF".
 *
 * Two entries whose keys print the same (ksym() of two addresses in one
 * function, kstack(3) of stacks that differ deeper down) would be one
 * series twice, which neither format allows: they are merged as their
 * aggregation merges values (counts, sums, bucket counts and stats()
 * added, min of mins, max of maxes, avg() from the added counts and
 * totals, the largest of plain integers). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/hist_buckets.h"
#include "output/map_rows.h"
#include "output/metrics.h"
#include "output/metrics_labels.h"

/* One series: its label set and its (possibly merged) row. */
struct series {
    char *labels;
    size_t order; /* the row's place in text order, to keep merges stable */
    struct row row;
};

struct exposition {
    FILE *out;
    const struct metrics_map *m;
    const struct map_rows *rows;
    enum metrics_format format;
};

static void write_sample(const struct exposition *x, const char *suffix, const char *labels,
                         const char *le, uint64_t v, bool is_signed)
{
    fprintf(x->out, "%s%s", x->m->family, suffix);
    bool any = labels[0] || le;
    if (any)
        fprintf(x->out, "{%s%s%s%s%s}", labels, labels[0] && le ? "," : "", le ? "le=\"" : "",
                le ? le : "", le ? "\"" : "");
    if (is_signed)
        fprintf(x->out, " %" PRId64 "\n", (int64_t)v);
    else
        fprintf(x->out, " %" PRIu64 "\n", v);
}

/* The largest integer bucket i holds, as an le value; +Inf for lhist's
 * overflow bucket [max, ...). */
static void bucket_le(char *buf, size_t cap, const struct map_rows *rows, size_t i)
{
    const struct map_desc *map = rows->map;
    double le;
    uint64_t lo, hi;
    if (map->agg == AGG_HIST && i == 0) {
        le = -1;
    } else if (map->agg == AGG_HIST) {
        hist_bucket_bounds(i, map->hist_bits, &lo, &hi);
        le = (double)hi;
    } else if (i + 1 == rows->nbuckets)
        le = INFINITY;
    else if (i == 0)
        le = (double)(map->lhist_min - 1);
    else
        le = (double)(map->lhist_min + (int64_t)i * map->lhist_step - 1);
    metrics_canonical_number(buf, cap, le);
}

static void write_histogram(const struct exposition *x, const struct series *s)
{
    uint64_t cumulative = 0;
    char le[48], next_le[48];
    bucket_le(le, sizeof(le), x->rows, 0);
    for (size_t i = 0; i < x->rows->nbuckets; i++) {
        cumulative += s->row.buckets[i];
        bool last = i + 1 == x->rows->nbuckets;
        if (!last)
            bucket_le(next_le, sizeof(next_le), x->rows, i + 1);
        /* bounds far beyond 2^53 can round to one number: the later, larger
         * count stands for both */
        if (last || strcmp(le, next_le) != 0)
            write_sample(x, "_bucket", s->labels, le, cumulative, false);
        if (last && strcmp(le, "+Inf") != 0) /* hist's last bucket ends at 2^63-1 */
            write_sample(x, "_bucket", s->labels, "+Inf", cumulative, false);
        memcpy(le, next_le, sizeof(le));
    }
    if (x->format == METRICS_PROMETHEUS_TEXT)
        write_sample(x, "_count", s->labels, NULL, cumulative, false);
}

static void write_series(const struct exposition *x, const struct series *s)
{
    bool is_signed = map_value_is_signed(x->m->map);
    const struct row *r = &s->row;
    switch (x->m->type) {
    case METRIC_COUNTER:
        write_sample(x, "_total", s->labels, NULL, r->value, false);
        break;
    case METRIC_GAUGE:
        write_sample(x, "", s->labels, NULL, r->value, is_signed);
        break;
    case METRIC_SUMMARY:
        write_sample(x, "_count", s->labels, NULL, r->count, false);
        if (x->format == METRICS_PROMETHEUS_TEXT || !is_signed || (int64_t)r->total >= 0)
            write_sample(x, "_sum", s->labels, NULL, r->total, is_signed);
        break;
    case METRIC_HISTOGRAM:
        write_histogram(x, s);
        break;
    }
}

static uint64_t pick(uint64_t a, uint64_t b, bool want_max, bool is_signed)
{
    return less_than(a, b, is_signed) == want_max ? b : a;
}

/* Fold row b into row a, as the map's aggregation combines values. */
static void merge_rows(const struct exposition *x, struct row *a, const struct row *b)
{
    const struct map_desc *map = x->m->map;
    bool is_signed = map_value_is_signed(map);
    switch (map->agg) {
    case AGG_COUNT:
    case AGG_SUM:
        a->value += b->value;
        break;
    case AGG_MIN:
        a->value = pick(a->value, b->value, false, is_signed);
        break;
    case AGG_MAX:
    case AGG_NONE:
        a->value = pick(a->value, b->value, true, is_signed);
        break;
    case AGG_AVG:
    case AGG_STATS:
        a->count += b->count;
        a->total += b->total;
        a->value = a->count ? divide(a->total, a->count, is_signed) : 0;
        break;
    case AGG_HIST:
    case AGG_LHIST:
        for (size_t i = 0; i < x->rows->nbuckets; i++)
            a->buckets[i] += b->buckets[i];
        break;
    }
}

static int compare_series(const void *pa, const void *pb)
{
    const struct series *a = pa, *b = pb;
    int c = strcmp(a->labels, b->labels);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

/* Every row as a series, sorted by labels, equal labels merged. */
static int write_rows(const struct exposition *x, const struct metrics_plan *plan)
{
    const struct map_rows *rows = x->rows;
    struct series *all = calloc(rows->nrows ? rows->nrows : 1, sizeof(*all));
    if (!all)
        return -ENOMEM;
    int err = 0;
    for (size_t i = 0; i < rows->nrows && !err; i++) {
        all[i] = (struct series){.order = i, .row = rows->rows[i]};
        all[i].labels = metrics_label_set(plan, x->m, rows->rows[i].key);
        if (!all[i].labels)
            err = -ENOMEM;
    }
    if (!err && rows->nrows > 1)
        qsort(all, rows->nrows, sizeof(*all), compare_series);
    for (size_t i = 0; i < rows->nrows && !err;) {
        size_t j = i + 1;
        for (; j < rows->nrows && strcmp(all[j].labels, all[i].labels) == 0; j++)
            merge_rows(x, &all[i].row, &all[j].row);
        write_series(x, &all[i]);
        i = j;
    }
    for (size_t i = 0; i < rows->nrows; i++)
        free(all[i].labels);
    free(all);
    return err;
}

static const char *type_name(enum metric_type type)
{
    switch (type) {
    case METRIC_COUNTER:
        return "counter";
    case METRIC_SUMMARY:
        return "summary";
    case METRIC_HISTOGRAM:
        return "histogram";
    case METRIC_GAUGE:
        break;
    }
    return "gauge";
}

static const char *aggregation_name(const struct map_desc *map)
{
    static const char *const names[] = {
        [AGG_NONE] = "integer value", [AGG_COUNT] = "count()", [AGG_SUM] = "sum()",
        [AGG_MIN] = "min()",          [AGG_MAX] = "max()",     [AGG_AVG] = "avg()",
        [AGG_STATS] = "stats()",      [AGG_HIST] = "hist()",   [AGG_LHIST] = "lhist()",
    };
    return names[map->agg];
}

static int write_map(FILE *out, const struct metrics_plan *plan, const struct metrics_map *m,
                     enum metrics_format format)
{
    /* a counter's HELP and TYPE name its sample in 0.0.4, its family in OpenMetrics */
    const char *suffix =
        m->type == METRIC_COUNTER && format == METRICS_PROMETHEUS_TEXT ? "_total" : "";
    fprintf(out, "# HELP %s%s %s of map %s\n", m->family, suffix, aggregation_name(m->map),
            m->map->name);
    fprintf(out, "# TYPE %s%s %s\n", m->family, suffix, type_name(m->type));

    struct map_rows rows;
    int err = map_rows_read(&rows, plan->prog, m->map, m->fd);
    if (err)
        return err;
    struct exposition x = {.out = out, .m = m, .rows = &rows, .format = format};
    if (map_rows_unset_count(&rows)) /* a count() without a key reads 0 before its first event */
        write_series(&x, &(struct series){.labels = ""});
    err = write_rows(&x, plan);
    map_rows_free(&rows);
    return err;
}

int metrics_render(FILE *out, const struct metrics_plan *plan, enum metrics_format format)
{
    int first_err = 0;
    for (int i = 0; i < plan->nmaps; i++) {
        int err = write_map(out, plan, &plan->maps[i], format);
        if (err && !first_err)
            first_err = err;
    }
    if (format == METRICS_OPENMETRICS)
        fputs("# EOF\n", out);
    return first_err;
}
