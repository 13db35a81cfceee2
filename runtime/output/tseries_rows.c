/* A tseries() map's rows, as bpftrace builds them: each slot's CPUs
 * combined (only those holding the slot's latest epoch: the last value by
 * its write time, avg by sums and counts, max, min, sum), the slots of a
 * key gathered into one row, and the intervals every row shows: the
 * `intervals` epochs ending at the latest epoch of the whole map. A row
 * starts at its first epoch in that window; an epoch it has no value for
 * is missing ("-" in text, null in JSON). Rows are sorted from the least
 * to the most recently written key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output/map_rows.h"

/* One slot (one BPF entry) with its CPUs combined. */
struct slot_value {
    uint64_t epoch; /* 0: never written */
    uint64_t value;
};

static struct slot_value combine_cpus(const struct map_rows *c, size_t entry)
{
    const struct map_desc *map = c->map;
    bool is_signed = map->value.is_signed;
    struct slot_value out = {0};
    uint64_t meta = 0;
    for (int cpu = 0; cpu < c->snap.ncpus; cpu++) {
        const uint8_t *p = cpu_value(&c->snap, entry, cpu);
        uint64_t v = read_u64(p), m = read_u64(p + 8), epoch = read_u64(p + 16);
        if (epoch == 0 || epoch < out.epoch)
            continue;
        if (epoch > out.epoch) {
            out = (struct slot_value){.epoch = epoch, .value = v};
            meta = m;
            continue;
        }
        switch (map->tseries_agg) {
        case TSERIES_LAST:
            if (m > meta) {
                out.value = v;
                meta = m;
            }
            break;
        case TSERIES_AVG:
            out.value += v;
            meta += m;
            break;
        case TSERIES_SUM:
            out.value += v;
            break;
        case TSERIES_MAX:
        case TSERIES_MIN:
            if (less_than(out.value, v, is_signed) == (map->tseries_agg == TSERIES_MAX))
                out.value = v;
            break;
        }
    }
    if (out.epoch && map->tseries_agg == TSERIES_AVG)
        out.value = divide(out.value, meta, is_signed);
    return out;
}

static int compare_user_keys(const void *pa, const void *pb, void *arg)
{
    const struct map_rows *c = arg;
    return memcmp(*(const uint8_t *const *)pa, *(const uint8_t *const *)pb, c->user_key_size);
}

/* The row of the entries order[from, to) (one user key). */
static int key_row(struct map_rows *c, const uint8_t **order, size_t from, size_t to,
                   const struct slot_value *slots)
{
    struct row r = {.key = order[from]};
    r.buckets = calloc(c->nbuckets, sizeof(uint64_t));
    r.present = calloc(c->nbuckets, 1);
    if (!r.buckets || !r.present) {
        free(r.buckets);
        free(r.present);
        return -ENOMEM;
    }
    for (size_t i = from; i < to; i++) {
        size_t entry = (size_t)(order[i] - c->snap.keys) / c->snap.key_size;
        const struct slot_value *s = &slots[entry];
        if (s->epoch == 0)
            continue;
        if (s->epoch > r.total) {
            r.total = s->epoch; /* sorts by it */
            r.value = s->value; /* the latest value: what --metrics shows */
        }
        if (s->epoch < c->ts_first_epoch)
            continue;
        r.buckets[s->epoch - c->ts_first_epoch] = s->value;
        r.present[s->epoch - c->ts_first_epoch] = 1;
    }
    if (r.total == 0) { /* every slot zeroed (zero()) or never written: no row */
        free(r.buckets);
        free(r.present);
        return 0;
    }
    int err = map_rows_add(c, r);
    if (err) {
        free(r.buckets);
        free(r.present);
    }
    return err;
}

int build_tseries_rows(struct map_rows *c)
{
    const struct map_desc *map = c->map;
    if (map->key_size < 8 || map->tseries_intervals == 0 || map->tseries_interval_ns == 0)
        return -EINVAL;
    c->user_key_size = map->key_size - 8;
    c->nbuckets = map->tseries_intervals;
    size_t n = c->snap.n;
    struct slot_value *slots = calloc(n ? n : 1, sizeof(*slots));
    const uint8_t **order = malloc((n ? n : 1) * sizeof(*order));
    if (!slots || !order) {
        free(slots);
        free(order);
        return -ENOMEM;
    }
    uint64_t last = 0;
    for (size_t i = 0; i < n; i++) {
        slots[i] = combine_cpus(c, i);
        last = slots[i].epoch > last ? slots[i].epoch : last;
        order[i] = c->snap.keys + i * c->snap.key_size;
    }
    c->ts_last_epoch = last;
    c->ts_first_epoch = last >= c->nbuckets ? last - c->nbuckets + 1 : 1;
    if (n > 1)
        qsort_r(order, n, sizeof(*order), compare_user_keys, c);
    int err = 0;
    for (size_t i = 0; i < n && !err;) {
        size_t j = i + 1;
        while (j < n && memcmp(order[j], order[i], c->user_key_size) == 0)
            j++;
        err = key_row(c, order, i, j, slots);
        i = j;
    }
    free(slots);
    free(order);
    return err;
}

bool tseries_row_span(const struct map_rows *c, const struct row *r, size_t *first, size_t *last)
{
    if (c->ts_last_epoch == 0)
        return false;
    *last = (size_t)(c->ts_last_epoch - c->ts_first_epoch);
    *first = *last;
    for (size_t i = 0; i <= *last; i++) {
        if (r->present[i]) {
            *first = i;
            break;
        }
    }
    return true;
}
