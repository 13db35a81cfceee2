/* Building a map's rows: reduce each entry over CPUs, gather hist buckets
 * per key, sort as bpftrace 0.17 does (see output.h for the rules). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output/hist_buckets.h"
#include "output/map_rows.h"
#include "output/values.h"

#define LHIST_MAX_BUCKETS (1u << 20)

bool map_is_hist(const struct map_desc *map)
{
    return map->agg == AGG_HIST || map->agg == AGG_LHIST;
}

bool map_value_is_signed(const struct map_desc *map)
{
    return map->agg != AGG_COUNT && map->value.is_signed;
}

static bool sorts_by_value(const struct map_desc *map)
{
    return map->agg != AGG_NONE || map->value.kind == VK_INT;
}

static int compare_keys(const struct map_rows *c, const uint8_t *a, const uint8_t *b)
{
    const struct record_desc *key = &c->map->key;
    for (int i = 0; i < key->nfields; i++) {
        const struct value_desc *f = &key->fields[i];
        int r = 0;
        if (f->kind == VK_INT) {
            struct value_desc as_unsigned = *f;
            as_unsigned.is_signed = false;
            uint64_t x = output_read_int(&as_unsigned, a), y = output_read_int(&as_unsigned, b);
            r = x < y ? -1 : x > y;
        } else if (f->kind == VK_STRING) {
            r = strncmp((const char *)a + f->offset, (const char *)b + f->offset, f->size);
        } else if (f->kind == VK_PROBE && c->prog) {
            uint64_t x = read_u64(a + f->offset), y = read_u64(b + f->offset);
            if (x < (uint64_t)c->prog->nprobe_names && y < (uint64_t)c->prog->nprobe_names)
                r = strcmp(c->prog->probe_names[x], c->prog->probe_names[y]);
            else
                r = x < y ? -1 : x > y;
        } else {
            r = memcmp(a + f->offset, b + f->offset, f->size);
        }
        if (r)
            return r;
    }
    return 0;
}

static int compare_rows(const void *pa, const void *pb, void *arg)
{
    const struct map_rows *c = arg;
    const struct row *a = pa, *b = pb;
    if (sorts_by_value(c->map)) {
        bool is_signed = map_is_hist(c->map) ? false : map_value_is_signed(c->map);
        if (less_than(a->value, b->value, is_signed))
            return -1;
        if (less_than(b->value, a->value, is_signed))
            return 1;
    }
    return compare_keys(c, a->key, b->key);
}

static uint64_t average(uint64_t total, uint64_t count, bool is_signed)
{
    if (count == 0)
        return 0;
    return divide(total, count, is_signed);
}

static int add_row(struct map_rows *c, struct row r)
{
    if (c->nrows == c->rows_cap) {
        size_t cap = c->rows_cap ? c->rows_cap * 2 : 16;
        struct row *grown = realloc(c->rows, cap * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        c->rows = grown;
        c->rows_cap = cap;
    }
    c->rows[c->nrows++] = r;
    return 0;
}

static int build_plain_rows(struct map_rows *c)
{
    const struct map_desc *map = c->map;
    bool is_signed = map_value_is_signed(map);
    for (size_t i = 0; i < c->snap.n; i++) {
        struct row r = {.key = c->snap.keys + i * c->snap.key_size, .entry = i};
        switch (map->agg) {
        case AGG_NONE:
            if (map->value.kind == VK_INT)
                r.value = output_read_int(&map->value, cpu_value(&c->snap, i, 0));
            break;
        case AGG_COUNT:
        case AGG_SUM:
            r.value = sum_u64(&c->snap, i, 0);
            break;
        case AGG_MIN:
        case AGG_MAX:
            r.value = min_max(&c->snap, i, map->agg == AGG_MAX, is_signed);
            break;
        case AGG_AVG:
        case AGG_STATS:
            r.count = sum_u64(&c->snap, i, 0);
            r.total = sum_u64(&c->snap, i, 8);
            r.value = average(r.total, r.count, is_signed);
            break;
        case AGG_HIST:
        case AGG_LHIST:
            break;
        }
        int err = add_row(c, r);
        if (err)
            return err;
    }
    return 0;
}

static int compare_user_keys(const void *pa, const void *pb, void *arg)
{
    const struct map_rows *c = arg;
    return memcmp(*(const uint8_t *const *)pa, *(const uint8_t *const *)pb, c->user_key_size);
}

/* hist/lhist BPF keys are the user key followed by a u64 bucket index: gather
 * the buckets of each user key into one row. */
static int build_hist_rows(struct map_rows *c)
{
    const struct map_desc *map = c->map;
    if (map->key_size < 8)
        return -EINVAL;
    c->user_key_size = map->key_size - 8;
    if (map->agg == AGG_HIST) {
        c->nbuckets = hist_bucket_count(map->hist_bits);
    } else {
        if (map->lhist_step <= 0 || map->lhist_max <= map->lhist_min)
            return -EINVAL;
        uint64_t steps = (uint64_t)(map->lhist_max - map->lhist_min) / (uint64_t)map->lhist_step;
        if (steps > LHIST_MAX_BUCKETS)
            return -E2BIG; /* the resolver bounds this; never allocate without limit */
        c->nbuckets = (size_t)steps + 2;
    }

    size_t n = c->snap.n;
    const uint8_t **order = malloc((n ? n : 1) * sizeof(*order));
    if (!order)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = c->snap.keys + i * c->snap.key_size;
    if (n > 1) /* qsort with a NULL base is undefined even for 0 rows */
        qsort_r(order, n, sizeof(*order), compare_user_keys, c);

    int err = 0;
    for (size_t i = 0; i < n && !err;) {
        struct row r = {.key = order[i], .buckets = calloc(c->nbuckets, sizeof(uint64_t))};
        if (!r.buckets) {
            err = -ENOMEM;
            break;
        }
        for (; i < n && memcmp(order[i], r.key, c->user_key_size) == 0; i++) {
            uint64_t bucket = read_u64(order[i] + c->user_key_size);
            if (bucket >= c->nbuckets)
                continue; /* no label exists for it; bpftrace never produces one */
            size_t entry = (size_t)(order[i] - c->snap.keys) / c->snap.key_size;
            uint64_t count = sum_u64(&c->snap, entry, 0);
            r.buckets[bucket] += count;
            r.value += count;
        }
        err = add_row(c, r);
        if (err)
            free(r.buckets);
    }
    free(order);
    return err;
}

bool map_rows_unset_count(const struct map_rows *r)
{
    return r->nrows == 0 && r->map->agg == AGG_COUNT && r->map->key.nfields == 0;
}

bool row_bucket_span(const struct map_rows *r, const struct row *row, size_t *first, size_t *last)
{
    bool any = false;
    for (size_t i = 0; i < r->nbuckets; i++) {
        if (!row->buckets[i])
            continue;
        if (!any)
            *first = i;
        *last = i;
        any = true;
    }
    return any;
}

void map_rows_free(struct map_rows *c)
{
    for (size_t i = 0; i < c->nrows; i++)
        free(c->rows[i].buckets);
    free(c->rows);
    snapshot_free(&c->snap);
    memset(c, 0, sizeof(*c));
}

int map_rows_read(struct map_rows *c, const struct compiled_program *prog,
                  const struct map_desc *map, int fd)
{
    memset(c, 0, sizeof(*c));
    c->prog = prog;
    c->map = map;
    int err = snapshot_read(&c->snap, fd, map);
    if (err)
        return err;
    err = map_is_hist(map) ? build_hist_rows(c) : build_plain_rows(c);
    if (err) {
        map_rows_free(c);
        return err;
    }
    if (c->nrows > 1)
        qsort_r(c->rows, c->nrows, sizeof(*c->rows), compare_rows, c);
    return 0;
}
