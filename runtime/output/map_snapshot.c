/* Reading a whole map from user space, reducing per-CPU values, and clear()
 * and zero(), which rewrite every entry. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "output/map_snapshot.h"
#include "output/output.h"

static bool is_percpu(uint32_t bpf_type)
{
    return bpf_type == BPF_MAP_TYPE_PERCPU_HASH || bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY ||
           bpf_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_array(uint32_t bpf_type)
{
    return bpf_type == BPF_MAP_TYPE_ARRAY || bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

static int snapshot_init(struct snapshot *s, const struct map_desc *map)
{
    memset(s, 0, sizeof(*s));
    s->key_size = map->key_size;
    s->ncpus = 1;
    s->cpu_stride = map->value_size;
    if (is_percpu(map->bpf_type)) {
        int ncpus = libbpf_num_possible_cpus();
        if (ncpus <= 0)
            return ncpus < 0 ? ncpus : -EINVAL;
        s->ncpus = ncpus;
        s->cpu_stride = (map->value_size + 7) & ~(size_t)7;
    }
    s->value_stride = s->cpu_stride * (size_t)s->ncpus;
    return 0;
}

void snapshot_free(struct snapshot *s)
{
    free(s->keys);
    free(s->values);
    memset(s, 0, sizeof(*s));
}

static int snapshot_grow(struct snapshot *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    uint8_t *keys = realloc(s->keys, cap * (s->key_size ? s->key_size : 1));
    if (!keys)
        return -ENOMEM;
    s->keys = keys;
    uint8_t *values = realloc(s->values, cap * (s->value_stride ? s->value_stride : 1));
    if (!values)
        return -ENOMEM;
    s->values = values;
    s->cap = cap;
    return 0;
}

int snapshot_read(struct snapshot *s, int fd, const struct map_desc *map)
{
    int err = snapshot_init(s, map);
    if (err)
        return err;
    uint8_t *prev = malloc(s->key_size ? s->key_size : 1);
    if (!prev)
        return -ENOMEM;
    bool have_prev = false;
    /* A key deleted under us restarts the walk at the first key; the bound keeps
     * a busy map from looping forever. */
    size_t limit = (size_t)map->max_entries + 1;
    while (s->n < limit) {
        if (s->n == s->cap && (err = snapshot_grow(s)) < 0)
            break;
        uint8_t *key = s->keys + s->n * s->key_size;
        err = bpf_map_get_next_key(fd, have_prev ? prev : NULL, key);
        if (err == -ENOENT) {
            err = 0;
            break;
        }
        if (err < 0)
            break;
        memcpy(prev, key, s->key_size);
        have_prev = true;
        err = bpf_map_lookup_elem(fd, key, s->values + s->n * s->value_stride);
        if (err == -ENOENT) { /* deleted since get_next_key: leave it out */
            err = 0;
            continue;
        }
        if (err < 0)
            break;
        s->n++;
    }
    free(prev);
    if (err)
        snapshot_free(s);
    return err;
}

uint64_t sum_u64(const struct snapshot *s, size_t entry, size_t offset)
{
    uint64_t total = 0;
    for (int cpu = 0; cpu < s->ncpus; cpu++)
        total += read_u64(cpu_value(s, entry, cpu) + offset);
    return total;
}

uint64_t min_max(const struct snapshot *s, size_t entry, bool want_max, bool is_signed)
{
    uint64_t best = 0;
    bool any = false;
    for (int cpu = 0; cpu < s->ncpus; cpu++) {
        const uint8_t *v = cpu_value(s, entry, cpu);
        if (!read_u64(v + 8))
            continue;
        uint64_t x = read_u64(v);
        if (!any || (want_max ? less_than(best, x, is_signed) : less_than(x, best, is_signed)))
            best = x;
        any = true;
    }
    return best;
}

uint64_t divide(uint64_t v, uint64_t d, bool is_signed)
{
    if (d == 0)
        return v;
    if (is_signed)
        return (uint64_t)((int64_t)v / (int64_t)d);
    return v / d;
}

int output_zero_map(int fd, const struct map_desc *map)
{
    struct snapshot s;
    int err = snapshot_read(&s, fd, map);
    if (err)
        return err;
    uint8_t *zeros = calloc(1, s.value_stride ? s.value_stride : 1);
    if (!zeros) {
        snapshot_free(&s);
        return -ENOMEM;
    }
    for (size_t i = 0; i < s.n; i++) {
        /* a tseries slot keeps its epoch: the key's intervals stay, at 0 */
        for (int cpu = 0; map->agg == AGG_TSERIES && cpu < s.ncpus; cpu++)
            memcpy(zeros + (size_t)cpu * s.cpu_stride + 16, cpu_value(&s, i, cpu) + 16, 8);
        int rc = bpf_map_update_elem(fd, s.keys + i * s.key_size, zeros, BPF_EXIST);
        if (rc < 0 && rc != -ENOENT && !err)
            err = rc;
    }
    free(zeros);
    snapshot_free(&s);
    return err;
}

int output_clear_map(int fd, const struct map_desc *map)
{
    if (is_array(map->bpf_type))
        return output_zero_map(fd, map);
    struct snapshot s;
    int err = snapshot_read(&s, fd, map);
    if (err)
        return err;
    for (size_t i = 0; i < s.n; i++) {
        int rc = bpf_map_delete_elem(fd, s.keys + i * s.key_size);
        if (rc < 0 && rc != -ENOENT && !err)
            err = rc;
    }
    snapshot_free(&s);
    return err;
}
