/* The buckets of hist(x [, k]) (program.h has the index rule): how many there
 * are, the values each holds, and the label bpftrace prints for it. One place
 * for the text, JSON and --metrics printers. Private to runtime/output/. */
#ifndef SOBT_OUTPUT_HIST_BUCKETS_H
#define SOBT_OUTPUT_HIST_BUCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Indexes 0 .. hist_bucket_count(k) - 1. */
size_t hist_bucket_count(int k);

/* Bucket i >= 1 holds the values lo .. hi (hi is 2^64-1 for the last one). */
void hist_bucket_bounds(size_t i, int k, uint64_t *lo, uint64_t *hi);

/* "(..., 0)", "[5]", "[16, 20)", "[1K, 2K)", as bpftrace prints them. */
void hist_bucket_label(char *buf, size_t cap, size_t i, int k);

#endif
