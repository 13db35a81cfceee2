/* A map as bpftrace prints it, before it is printed: its entries read at one
 * moment, reduced over CPUs, a hist's buckets gathered per key, and sorted
 * in bpftrace's order. What the printers (map_text.c, map_json.c) walk. Private
 * to runtime/output/. */
#ifndef SOBT_OUTPUT_MAP_ROWS_H
#define SOBT_OUTPUT_MAP_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/map_snapshot.h"
#include "program.h"

/* One printed entry (a hist row gathers all buckets of a key). */
struct row {
    const uint8_t *key;    /* the user key (first bytes of the BPF key) */
    size_t entry;          /* snapshot entry, for plain values */
    uint64_t value;        /* int-like value used for sorting and printing */
    uint64_t count, total; /* avg and stats */
    uint64_t *buckets;     /* hist/lhist counts, nbuckets of them */
};

struct map_rows {
    const struct compiled_program *prog;
    const struct map_desc *map;
    struct snapshot snap;
    struct row *rows;
    size_t nrows, rows_cap;
    size_t nbuckets;
    size_t user_key_size;
};

bool map_is_hist(const struct map_desc *map);
bool map_value_is_signed(const struct map_desc *map);

/* A count() without a key has no entry before its first event, yet bpftrace
 * prints it as 0 (also after clear()): true for such a map. */
bool map_rows_unset_count(const struct map_rows *r);

/* The buckets a hist/lhist row prints: from its first non-zero bucket to
 * its last, both included. False when every bucket is zero. */
bool row_bucket_span(const struct map_rows *r, const struct row *row, size_t *first, size_t *last);

/* Read the map behind fd and build its rows in bpftrace's order. Returns 0
 * or a negative errno (then r holds nothing). */
int map_rows_read(struct map_rows *r, const struct compiled_program *prog,
                  const struct map_desc *map, int fd);
void map_rows_free(struct map_rows *r);

#endif
