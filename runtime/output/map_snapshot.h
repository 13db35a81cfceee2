/* A map read from user space: every key and value copied out at one moment,
 * per-CPU values side by side, and the reductions over CPUs that the
 * aggregations need. Private to runtime/output/. */
#ifndef SOBT_OUTPUT_MAP_SNAPSHOT_H
#define SOBT_OUTPUT_MAP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "program.h"

/* Every key and value of a map, copied out at one moment. A per-CPU lookup
 * returns one value per possible CPU, each padded to 8 bytes. */
struct snapshot {
    size_t n, cap;
    uint8_t *keys;
    uint8_t *values;
    size_t key_size;
    size_t cpu_stride;   /* bytes of one CPU's value */
    int ncpus;           /* 1 for maps that are not per-CPU */
    size_t value_stride; /* cpu_stride * ncpus */
};

/* 0, or a negative errno (then s holds nothing). */
int snapshot_read(struct snapshot *s, int fd, const struct map_desc *map);
void snapshot_free(struct snapshot *s);

static inline const uint8_t *cpu_value(const struct snapshot *s, size_t entry, int cpu)
{
    return s->values + entry * s->value_stride + (size_t)cpu * s->cpu_stride;
}

static inline uint64_t read_u64(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return v;
}

static inline bool less_than(uint64_t a, uint64_t b, bool is_signed)
{
    return is_signed ? (int64_t)a < (int64_t)b : a < b;
}

/* The u64 at offset in every CPU's value of an entry, summed. */
uint64_t sum_u64(const struct snapshot *s, size_t entry, size_t offset);
/* min/max over the CPUs whose is_set word is non-zero; 0 when none is set. */
uint64_t min_max(const struct snapshot *s, size_t entry, bool want_max, bool is_signed);
/* v / d by the signedness; d == 0 leaves v. */
uint64_t divide(uint64_t v, uint64_t d, bool is_signed);

#endif
