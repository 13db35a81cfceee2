/* hist() buckets. With k = 0, bpftrace 0.17's layout and labels: [0], [1],
 * then [2^n, 2^(n+1)) with K, M, G, T (2^50 is "1024T": 0.17 has no larger
 * suffix). With k > 0, current bpftrace's: N = 2^k single values [0] ..
 * [2N-1], then each power of two split into N buckets, labelled by their
 * first value as (N + m) * 2^p with the suffix of 2^p's thousands (K, M, G,
 * T, P, E). */
#include "output/hist_buckets.h"

#include <inttypes.h>
#include <stdio.h>

#define HIST_BUCKETS_K0 65 /* indexes 0 (negative) .. 64 ([2^62, 2^63)) */

size_t hist_bucket_count(int k)
{
    if (k == 0)
        return HIST_BUCKETS_K0;
    /* the largest index, of 2^64-1, is ((63-k) << k) + 2N: (65-k) << k */
    return ((size_t)(65 - k) << k) + 1;
}

/* The first value of bucket i >= 1 (2^64 past the last one). */
static unsigned __int128 bucket_start(size_t i, int k)
{
    size_t n = (size_t)1 << k;
    if (i <= 2 * n)
        return i - 1;
    size_t j = i - 1;
    unsigned power = (unsigned)(j >> k) - 1;
    return (unsigned __int128)(n + (j & (n - 1))) << power;
}

void hist_bucket_bounds(size_t i, int k, uint64_t *lo, uint64_t *hi)
{
    unsigned __int128 start = bucket_start(i, k), end = bucket_start(i + 1, k);
    unsigned __int128 max = UINT64_MAX;
    *lo = (uint64_t)start;
    *hi = end - 1 > max ? UINT64_MAX : (uint64_t)(end - 1);
}

static void power_label(char *buf, size_t cap, int power)
{
    static const char suffixes[] = {'\0', 'K', 'M', 'G', 'T'};
    int tier = power / 10 < 4 ? power / 10 : 4;
    uint64_t n = (uint64_t)1 << (power - tier * 10);
    if (tier)
        snprintf(buf, cap, "%" PRIu64 "%c", n, suffixes[tier]);
    else
        snprintf(buf, cap, "%" PRIu64, n);
}

/* The start of bucket j + 1 as current bpftrace writes it. */
static void split_label(char *buf, size_t cap, size_t j, int k)
{
    static const char suffixes[] = "\0KMGTPE";
    size_t n = (size_t)1 << k;
    unsigned power = (unsigned)(j >> k) - 1;
    unsigned decade = power / 10;
    uint64_t v = (uint64_t)(n + (j & (n - 1))) << (power - 10 * decade);
    if (decade)
        snprintf(buf, cap, "%" PRIu64 "%c", v, suffixes[decade]);
    else
        snprintf(buf, cap, "%" PRIu64, v);
}

void hist_bucket_label(char *buf, size_t cap, size_t i, int k)
{
    char lo[32], hi[32];
    if (i == 0) {
        snprintf(buf, cap, "(..., 0)");
    } else if (i <= ((size_t)2 << k)) {
        snprintf(buf, cap, "[%zu]", i - 1);
    } else if (k == 0) {
        power_label(lo, sizeof(lo), (int)i - 2);
        power_label(hi, sizeof(hi), (int)i - 1);
        snprintf(buf, cap, "[%s, %s)", lo, hi);
    } else {
        split_label(lo, sizeof(lo), i - 1, k);
        split_label(hi, sizeof(hi), i, k);
        snprintf(buf, cap, "[%s, %s)", lo, hi);
    }
}
