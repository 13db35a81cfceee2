/* The fixture of the map output tests (test_map_output, test_map_print):
 * REAL kernel maps created with bpf_map_create as the compiler describes
 * them, filled from userspace the way the BPF code of the equivalent
 * bpftrace program would (spreading updates over CPUs for per-CPU maps),
 * then printed by runtime/output/ and compared with bpftrace 0.17's text.
 *
 * Needs root (CAP_BPF): without it the tests FAIL, they never skip. */
#ifndef SOBT_TEST_MAP_FIXTURE_H
#define SOBT_TEST_MAP_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "common/check.h"
#include "output/output.h"
#include "record.h"

/* A test map: its description, its key layout and its kernel fd. */
struct tmap {
    struct map_desc desc;
    struct record key_layout;
    size_t user_key_size; /* bytes of the user key inside the BPF key */
    int fd;
};

extern const struct value_desc signed_int, unsigned_int;

/* Reads the number of possible CPUs; first thing in main(). */
void map_fixture_init(void);

/* key_layout: a sample key record (only its field layout is used); NULL for no key.
 * value: the value description (kind/size/signedness). */
void tmap_create(struct tmap *m, const char *name, enum map_agg agg,
                 const struct record *key_layout, struct value_desc value);
void tmap_lhist(struct tmap *m, int64_t min, int64_t max, int64_t step);
void tmap_close(struct tmap *m);

/* Plain values, and aggregations as one CPU's event adds v. */
void put_plain(struct tmap *m, const struct record *key, const void *value);
void put_int(struct tmap *m, const struct record *key, int64_t v);
void agg(struct tmap *m, const struct record *key, int cpu, int64_t v);
void hist_bucket_add(struct tmap *m, const struct record *key, uint64_t bucket, int cpu, int64_t n);
void hist_add(struct tmap *m, const struct record *key, int cpu, int64_t v);
/* Adds v to the map `times` times, alternating CPUs as concurrent events would. */
void hist_add_n(struct tmap *m, const struct record *key, int64_t v, int times);

/* Keys: one int64, or one string. */
struct record key_int(int64_t v);
struct record key_str(const char *s);

/* What the maps print at exit (they are closed) / what print(@m, top, div)
 * prints; malloc'd, with the printer's status in *err. */
char *map_text_at_exit(struct tmap **maps, int n, int *err);
char *map_text_of_print(struct tmap *m, uint64_t top, uint64_t div, int *err);

/* The checks, inline so that they count in the test's own file. */
static inline void check_exit(const char *what, struct tmap **maps, int n, const char *want)
{
    int err;
    char *got = map_text_at_exit(maps, n, &err);
    expect_true(what, err == 0);
    expect_text(what, got, want);
    free(got);
}

static inline void check_print(const char *what, struct tmap *m, uint64_t top, uint64_t div,
                               const char *want)
{
    int err;
    char *got = map_text_of_print(m, top, div, &err);
    expect_true(what, err == 0);
    expect_text(what, got, want);
    free(got);
}

#endif
