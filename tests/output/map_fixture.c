/* The map output tests' fixture (see map_fixture.h): real BPF maps made
 * as the compiler describes them and filled as the BPF code would. It checks
 * nothing itself: check.h's counters belong to each test's own file. */
#include "map_fixture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/check.h"

static int ncpus;
static char *probe_names[] = {"BEGIN", "END"};

static void die_errno(const char *what, int err)
{
    fprintf(stderr, "FAIL: %s: %s\n", what, strerror(err < 0 ? -err : err));
    fprintf(stderr, "the map output tests create real BPF maps and needs root (CAP_BPF); "
                    "it does not skip.\n");
    exit(1);
}

/* key_layout: a sample key record (only its field layout is used); NULL for no key.
 * value: the value description (kind/size/signedness). */
void tmap_create(struct tmap *m, const char *name, enum map_agg agg,
                 const struct record *key_layout, struct value_desc value)
{
    memset(m, 0, sizeof(*m));
    record_init(&m->key_layout);
    if (key_layout) {
        m->key_layout = *key_layout;
        m->key_layout.desc.fields = m->key_layout.fields;
    }
    struct map_desc *d = &m->desc;
    d->name = (char *)name;
    d->agg = agg;
    d->value = value;
    d->key = m->key_layout.desc;
    d->max_entries = 4096;
    bool has_key = m->key_layout.desc.nfields > 0;
    if (agg == AGG_HIST || agg == AGG_LHIST) {
        m->user_key_size = has_key ? record_padded_size(&m->key_layout) : 0;
        d->key_size = (uint32_t)m->user_key_size + 8;
    } else {
        m->user_key_size = record_padded_size(&m->key_layout);
        d->key_size = (uint32_t)m->user_key_size;
    }
    switch (agg) {
    case AGG_NONE:
        d->bpf_type = BPF_MAP_TYPE_HASH;
        d->value_size = value.size;
        break;
    case AGG_MIN:
    case AGG_MAX:
    case AGG_AVG:
    case AGG_STATS:
        d->bpf_type = BPF_MAP_TYPE_PERCPU_HASH;
        d->value_size = 16;
        break;
    default:
        d->bpf_type = BPF_MAP_TYPE_PERCPU_HASH;
        d->value_size = 8;
        break;
    }
    m->fd = bpf_map_create(d->bpf_type, NULL, d->key_size, d->value_size, d->max_entries, NULL);
    if (m->fd < 0)
        die_errno("bpf_map_create", m->fd);
}

void tmap_lhist(struct tmap *m, int64_t min, int64_t max, int64_t step)
{
    m->desc.lhist_min = min;
    m->desc.lhist_max = max;
    m->desc.lhist_step = step;
}

void tmap_close(struct tmap *m)
{
    close(m->fd);
}

const struct value_desc signed_int = {.kind = VK_INT, .size = 8, .is_signed = true};
const struct value_desc unsigned_int = {.kind = VK_INT, .size = 8, .is_signed = false};

/* ---- Filling maps as the BPF side would --------------------------------------- */

static void bpf_key_of(const struct tmap *m, const struct record *key, uint8_t *out)
{
    memset(out, 0, m->desc.key_size);
    if (key)
        memcpy(out, key->data, m->user_key_size);
}

void put_plain(struct tmap *m, const struct record *key, const void *value)
{
    uint8_t k[256];
    bpf_key_of(m, key, k);
    int err = bpf_map_update_elem(m->fd, k, value, BPF_ANY);
    if (err)
        die_errno("bpf_map_update_elem", err);
}

void put_int(struct tmap *m, const struct record *key, int64_t v)
{
    put_plain(m, key, &v); /* little endian: narrower values are the low bytes */
}

typedef void (*slot_update)(uint8_t *slot, int64_t v);

/* Read-modify-write of one CPU's slot of a per-CPU value. */
static void percpu_update(struct tmap *m, const uint8_t *bpf_key, int cpu, slot_update fn,
                          int64_t v)
{
    size_t stride = (m->desc.value_size + 7) / 8 * 8;
    uint8_t *values = calloc((size_t)ncpus, stride);
    if (!values)
        die_errno("calloc", ENOMEM);
    if (bpf_map_lookup_elem(m->fd, bpf_key, values) < 0)
        memset(values, 0, (size_t)ncpus * stride);
    fn(values + (size_t)(cpu % ncpus) * stride, v);
    int err = bpf_map_update_elem(m->fd, bpf_key, values, BPF_ANY);
    free(values);
    if (err)
        die_errno("bpf_map_update_elem (per-CPU)", err);
}

static int64_t slot_word(const uint8_t *slot, int i)
{
    int64_t w;
    memcpy(&w, slot + 8 * i, 8);
    return w;
}

static void set_slot_word(uint8_t *slot, int i, int64_t w)
{
    memcpy(slot + 8 * i, &w, 8);
}

static void add_word(uint8_t *slot, int64_t v)
{
    set_slot_word(slot, 0, slot_word(slot, 0) + v);
}

static void min_word(uint8_t *slot, int64_t v)
{
    if (!slot_word(slot, 1) || v < slot_word(slot, 0))
        set_slot_word(slot, 0, v);
    set_slot_word(slot, 1, 1);
}

static void max_word(uint8_t *slot, int64_t v)
{
    if (!slot_word(slot, 1) || v > slot_word(slot, 0))
        set_slot_word(slot, 0, v);
    set_slot_word(slot, 1, 1);
}

static void avg_words(uint8_t *slot, int64_t v)
{
    set_slot_word(slot, 0, slot_word(slot, 0) + 1);
    set_slot_word(slot, 1, slot_word(slot, 1) + v);
}

void agg(struct tmap *m, const struct record *key, int cpu, int64_t v)
{
    uint8_t k[256];
    bpf_key_of(m, key, k);
    static const slot_update by_agg[] = {
        [AGG_COUNT] = add_word, [AGG_SUM] = add_word,  [AGG_MIN] = min_word,
        [AGG_MAX] = max_word,   [AGG_AVG] = avg_words, [AGG_STATS] = avg_words,
    };
    percpu_update(m, k, cpu, by_agg[m->desc.agg], m->desc.agg == AGG_COUNT ? 1 : v);
}

/* program.h's bucket functions, as the BPF code computes them. */
static uint64_t hist_bucket(int64_t n)
{
    if (n < 0)
        return 0;
    if (n == 0)
        return 1;
    uint64_t b = 2;
    while (n >>= 1)
        b++;
    return b;
}

static uint64_t lhist_bucket(const struct map_desc *d, int64_t v)
{
    if (v < d->lhist_min)
        return 0;
    if (v >= d->lhist_max)
        return 1 + (uint64_t)((d->lhist_max - d->lhist_min) / d->lhist_step);
    return 1 + (uint64_t)((v - d->lhist_min) / d->lhist_step);
}

void hist_bucket_add(struct tmap *m, const struct record *key, uint64_t bucket, int cpu, int64_t n)
{
    uint8_t k[256];
    bpf_key_of(m, key, k);
    memcpy(k + m->user_key_size, &bucket, 8);
    percpu_update(m, k, cpu, add_word, n);
}

void hist_add(struct tmap *m, const struct record *key, int cpu, int64_t v)
{
    uint64_t b = m->desc.agg == AGG_HIST ? hist_bucket(v) : lhist_bucket(&m->desc, v);
    hist_bucket_add(m, key, b, cpu, 1);
}

/* Adds v to the map `times` times, alternating CPUs as concurrent events would. */
void hist_add_n(struct tmap *m, const struct record *key, int64_t v, int times)
{
    for (int i = 0; i < times; i++)
        hist_add(m, key, i, v);
}

/* Keys: one int64, one string, or a (string, int64) tuple. */
struct record key_int(int64_t v)
{
    struct record r;
    record_init(&r);
    record_i64(&r, v);
    return r;
}

struct record key_str(const char *s)
{
    struct record r;
    record_init(&r);
    record_str(&r, s, 16);
    return r;
}

/* ---- Printing and comparing ---------------------------------------------------- */

static struct compiled_program program_of(struct tmap **maps, int n, struct map_desc *storage,
                                          int *fds)
{
    struct compiled_program prog = {.maps = storage,
                                    .nmaps = n,
                                    .ringbuf_map_id = -1,
                                    .probe_names = probe_names,
                                    .nprobe_names = 2,
                                    .strlen = 64};
    for (int i = 0; i < n; i++) {
        storage[i] = maps[i]->desc;
        storage[i].id = i;
        fds[i] = maps[i]->fd;
    }
    return prog;
}

char *map_text_at_exit(struct tmap **maps, int n, int *err)
{
    struct map_desc storage[16];
    int fds[16];
    struct compiled_program prog = program_of(maps, n, storage, fds);
    struct capture c;
    struct output to = output_text_to(capture_start(&c));
    *err = output_print_maps_at_exit(&to, &prog, fds);
    char *got = capture_end(&c);
    for (int i = 0; i < n; i++)
        tmap_close(maps[i]);
    return got;
}

char *map_text_of_print(struct tmap *m, uint64_t top, uint64_t div, int *err)
{
    struct map_desc storage[1];
    int fds[1];
    struct compiled_program prog = program_of(&m, 1, storage, fds);
    struct capture c;
    struct output to = output_text_to(capture_start(&c));
    *err = output_print_map(&to, &prog, &storage[0], m->fd, top, div);
    return capture_end(&c);
}

void map_fixture_init(void)
{
    ncpus = libbpf_num_possible_cpus();
    if (ncpus <= 0)
        die_errno("libbpf_num_possible_cpus", ncpus);
}
