/* Which maps --metrics exposes and under which metric and label names; the
 * rules are in metrics.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/metrics.h"

/* Why each type (OpenMetrics' meanings):
 *  - count() only grows while the program runs (clear() and zero() reset
 *    it, which Prometheus's rate() reads as a counter reset): a counter;
 *  - sum() can fall (negative values), min() and max() and avg() move
 *    either way, a plain integer is whatever the script stored: gauges;
 *  - stats() is a count and a total of observations: a summary without
 *    quantiles (its _sum is negative when the values are);
 *  - hist() and lhist() are bucketed observations: histograms;
 *  - tseries() is the value of each interval: its latest interval's value,
 *    a gauge (the graph itself is what a scrape over time draws). */
int metrics_type_of(const struct map_desc *map)
{
    switch (map->agg) {
    case AGG_COUNT:
        return METRIC_COUNTER;
    case AGG_SUM:
    case AGG_MIN:
    case AGG_MAX:
    case AGG_AVG:
    case AGG_TSERIES:
        return METRIC_GAUGE;
    case AGG_STATS:
        return METRIC_SUMMARY;
    case AGG_HIST:
    case AGG_LHIST:
        return METRIC_HISTOGRAM;
    case AGG_NONE:
        return map->value.kind == VK_INT ? METRIC_GAUGE : -1;
    }
    return -1;
}

/* The names a family's samples (and, in OpenMetrics, the family itself)
 * use, as suffixes of the family name. */
static const char *const *sample_suffixes(enum metric_type type)
{
    static const char *const counter[] = {"", "_total", NULL};
    static const char *const gauge[] = {"", NULL};
    static const char *const summary[] = {"", "_count", "_sum", NULL};
    static const char *const histogram[] = {"", "_bucket", "_count", "_sum", NULL};
    switch (type) {
    case METRIC_COUNTER:
        return counter;
    case METRIC_SUMMARY:
        return summary;
    case METRIC_HISTOGRAM:
        return histogram;
    case METRIC_GAUGE:
        break;
    }
    return gauge;
}

/* Names taken by the families planned so far. */
struct taken_names {
    char **names;
    size_t n, cap;
};

static bool is_taken(const struct taken_names *t, const char *name, const char *suffix)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < t->n; i++)
        if (strncmp(t->names[i], name, len) == 0 && strcmp(t->names[i] + len, suffix) == 0)
            return true;
    return false;
}

static int take(struct taken_names *t, const char *name, const char *suffix)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **grown = realloc(t->names, cap * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        t->names = grown;
        t->cap = cap;
    }
    size_t len = strlen(name) + strlen(suffix) + 1;
    char *s = malloc(len);
    if (!s)
        return -ENOMEM;
    snprintf(s, len, "%s%s", name, suffix);
    t->names[t->n++] = s;
    return 0;
}

static void taken_free(struct taken_names *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
}

static bool any_taken(const struct taken_names *t, const char *name, enum metric_type type)
{
    for (const char *const *s = sample_suffixes(type); *s; s++)
        if (is_taken(t, name, *s))
            return true;
    return false;
}

/* "sobt_" and the map's name without "@", invalid characters as "_", then
 * "_2", "_3", ... until no name of the family is taken. */
static char *family_name(const struct map_desc *map, enum metric_type type,
                         struct taken_names *taken)
{
    const char *bare = map->name[0] == '@' ? map->name + 1 : map->name;
    size_t cap = strlen(bare) + 32;
    char *base = malloc(cap), *name = malloc(cap);
    if (!base || !name) {
        free(base);
        free(name);
        return NULL;
    }
    int len = snprintf(base, cap, bare[0] ? "sobt_%s" : "sobt", bare);
    for (int i = 0; i < len; i++) {
        char c = base[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ok)
            base[i] = '_';
    }
    snprintf(name, cap, "%s", base);
    for (int k = 2; any_taken(taken, name, type); k++)
        snprintf(name, cap, "%s_%d", base, k);
    free(base);
    for (const char *const *s = sample_suffixes(type); *s; s++)
        if (take(taken, name, *s) < 0) {
            free(name);
            return NULL;
        }
    return name;
}

/* A script's name can label a field: a valid label name, not reserved. */
static bool usable_label(const char *name)
{
    if (!name || !name[0] || (name[0] >= '0' && name[0] <= '9'))
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
    }
    if (strncmp(name, "__", 2) == 0 || strcmp(name, "le") == 0 || strcmp(name, "quantile") == 0)
        return false;
    if (strncmp(name, "key", 3) == 0 && name[3] &&
        strspn(name + 3, "0123456789") == strlen(name + 3))
        return false; /* keyN is what unnamed fields are called */
    return true;
}

static const char *script_name(const struct map_desc *map, int i)
{
    return map->key_names ? map->key_names[i] : NULL;
}

static bool shared_by_another_field(const struct map_desc *map, int field, const char *name)
{
    for (int i = 0; i < map->key.nfields; i++)
        if (i != field && script_name(map, i) && strcmp(script_name(map, i), name) == 0)
            return true;
    return false;
}

static char **label_names(const struct map_desc *map)
{
    int n = map->key.nfields;
    char **labels = calloc((size_t)(n ? n : 1), sizeof(*labels));
    if (!labels)
        return NULL;
    for (int i = 0; i < n; i++) {
        const char *name = script_name(map, i);
        char keyn[32];
        if (!usable_label(name) || shared_by_another_field(map, i, name)) {
            snprintf(keyn, sizeof(keyn), "key%d", i);
            name = keyn;
        }
        labels[i] = strdup(name);
        if (!labels[i]) {
            for (int k = 0; k < i; k++)
                free(labels[k]);
            free(labels);
            return NULL;
        }
    }
    return labels;
}

static int compare_map_names(const void *pa, const void *pb)
{
    const struct map_desc *a = *(const struct map_desc *const *)pa;
    const struct map_desc *b = *(const struct map_desc *const *)pb;
    return strcmp(a->name, b->name);
}

void metrics_plan_free(struct metrics_plan *plan)
{
    for (int i = 0; i < plan->nmaps; i++) {
        struct metrics_map *m = &plan->maps[i];
        if (m->labels)
            for (int k = 0; k < m->map->key.nfields; k++)
                free(m->labels[k]);
        free(m->labels);
        free(m->family);
    }
    free(plan->maps);
    memset(plan, 0, sizeof(*plan));
}

int metrics_plan_make(struct metrics_plan *plan, const struct compiled_program *prog,
                      const int *map_fds)
{
    memset(plan, 0, sizeof(*plan));
    plan->prog = prog;
    size_t cap = (size_t)(prog->nmaps ? prog->nmaps : 1);
    const struct map_desc **order = malloc(cap * sizeof(*order));
    plan->maps = calloc(cap, sizeof(*plan->maps));
    if (!order || !plan->maps) {
        free(order);
        free(plan->maps);
        plan->maps = NULL;
        return -ENOMEM;
    }
    size_t n = 0;
    for (int i = 0; i < prog->nmaps; i++)
        if (!prog->maps[i].is_internal && map_fds[i] >= 0 && metrics_type_of(&prog->maps[i]) >= 0)
            order[n++] = &prog->maps[i];
    if (n > 1)
        qsort(order, n, sizeof(*order), compare_map_names);

    struct taken_names taken = {0};
    int err = 0;
    for (size_t i = 0; i < n && !err; i++) {
        struct metrics_map *m = &plan->maps[plan->nmaps++];
        m->map = order[i];
        m->fd = map_fds[order[i] - prog->maps];
        m->type = (enum metric_type)metrics_type_of(m->map);
        m->family = family_name(m->map, m->type, &taken);
        m->labels = label_names(m->map);
        if (!m->family || !m->labels)
            err = -ENOMEM;
    }
    taken_free(&taken);
    free(order);
    if (err)
        metrics_plan_free(plan);
    return err;
}
