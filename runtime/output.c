/* Map printing in bpftrace 0.17's text format; see output.h.
 *
 * The rules, each checked against bpftrace 0.17 (tests/output has the commands):
 *  - An entry is "@name[k1, k2]: value\n"; "@name: value\n" without keys.
 *    Keys print raw: strings without quotes, probes by name, ints by signedness.
 *  - Entries are sorted ascending: int-valued maps (count, sum, min, max, plain
 *    ints) by value, avg and stats by their average, hist/lhist by the total of
 *    their buckets; plain string (and other non-int) values by key. Keys compare
 *    field by field, ints as unsigned of their width, strings with strcmp; the
 *    key also breaks ties (bpftrace leaves ties in hash order).
 *  - top keeps the last `top` entries of that order; div divides printed values
 *    (hist counts too, while the bars still use the undivided counts). stats
 *    maps ignore both, as 0.17 does.
 *  - A map with no entries prints "\n", but a count() map without a key prints
 *    "@name: 0" (also after clear()). avg and stats maps print "\n" after
 *    their entries (so "\n\n" when empty). A hist prints "@name[k]: \n" (space
 *    before the newline), its buckets, then "\n", per key.
 *  - Buckets run from the first to the last non-zero one; each line is the
 *    label left-aligned in 16 columns, the count right-aligned in 8, " |", a bar
 *    of count * 52 / max '@'s padded with spaces to 52, "|".
 *  - At exit: "\n\n", then every printed map in byte order of its name. */
#include "output.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "printf_format.h"
#include "usymbols.h"

#define HIST_BAR_WIDTH 52
#define HIST_BUCKETS 65 /* indexes 0 (negative) .. 64 ([2^62, 2^63)) */
#define LHIST_MAX_BUCKETS (1u << 20)

/* ---- The maps the printers read: stack maps ------------------------------------ */

struct stack_map {
    int fd;
    uint32_t max_frames;
};

static struct stack_map kstack_map = {.fd = -1}, ustack_map = {.fd = -1};

static struct stack_map find_stack_map(const struct compiled_program *prog, const int *map_fds,
                                       int id)
{
    if (id < 0 || id >= prog->nmaps || map_fds[id] < 0)
        return (struct stack_map){.fd = -1};
    return (struct stack_map){.fd = map_fds[id], .max_frames = prog->maps[id].value_size / 8};
}

int output_use_maps(const struct compiled_program *prog, const int *map_fds)
{
    if (!prog || !map_fds) {
        usym_watch_stop();
        kstack_map = ustack_map = (struct stack_map){.fd = -1};
        return 0;
    }
    kstack_map = find_stack_map(prog, map_fds, prog->kstack_map_id);
    ustack_map = find_stack_map(prog, map_fds, prog->ustack_map_id);
    return usym_watch_start(prog, map_fds);
}

int output_stack_map_fd(enum value_kind kind, uint32_t *max_frames)
{
    const struct stack_map *m = kind == VK_KSTACK ? &kstack_map : &ustack_map;
    if (max_frames)
        *max_frames = m->max_frames;
    return m->fd;
}

/* ---- Reading a map ---------------------------------------------------------- */

static bool is_percpu(uint32_t bpf_type)
{
    return bpf_type == BPF_MAP_TYPE_PERCPU_HASH || bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY ||
           bpf_type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_array(uint32_t bpf_type)
{
    return bpf_type == BPF_MAP_TYPE_ARRAY || bpf_type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

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

static void snapshot_free(struct snapshot *s)
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

static int snapshot_read(struct snapshot *s, int fd, const struct map_desc *map)
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

/* ---- Reducing per-CPU values ------------------------------------------------ */

static const uint8_t *cpu_value(const struct snapshot *s, size_t entry, int cpu)
{
    return s->values + entry * s->value_stride + (size_t)cpu * s->cpu_stride;
}

static uint64_t read_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint64_t sum_u64(const struct snapshot *s, size_t entry, size_t offset)
{
    uint64_t total = 0;
    for (int cpu = 0; cpu < s->ncpus; cpu++)
        total += read_u64(cpu_value(s, entry, cpu) + offset);
    return total;
}

static bool less_than(uint64_t a, uint64_t b, bool is_signed)
{
    return is_signed ? (int64_t)a < (int64_t)b : a < b;
}

/* min/max over the CPUs whose is_set word is non-zero; 0 when none is set. */
static uint64_t min_max(const struct snapshot *s, size_t entry, bool want_max, bool is_signed)
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

static uint64_t divide(uint64_t v, uint64_t d, bool is_signed)
{
    if (d == 0)
        return v;
    if (is_signed)
        return (uint64_t)((int64_t)v / (int64_t)d);
    return v / d;
}

/* ---- Rows: one printed entry (a hist row gathers all buckets of a key) ---------- */

struct row {
    const uint8_t *key;    /* the user key (first bytes of the BPF key) */
    size_t entry;          /* snapshot entry, for plain values */
    uint64_t value;        /* int-like value used for sorting and printing */
    uint64_t count, total; /* avg and stats */
    uint64_t *buckets;     /* hist/lhist counts, nbuckets of them */
};

struct print_ctx {
    FILE *out;
    const struct compiled_program *prog;
    const struct map_desc *map;
    struct snapshot snap;
    struct row *rows;
    size_t nrows, rows_cap;
    size_t nbuckets;
    size_t user_key_size;
};

static bool is_hist(const struct map_desc *map)
{
    return map->agg == AGG_HIST || map->agg == AGG_LHIST;
}

static bool value_is_signed(const struct map_desc *map)
{
    return map->agg != AGG_COUNT && map->value.is_signed;
}

static bool sorts_by_value(const struct map_desc *map)
{
    return map->agg != AGG_NONE || map->value.kind == VK_INT;
}

static int compare_keys(const struct print_ctx *c, const uint8_t *a, const uint8_t *b)
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
    const struct print_ctx *c = arg;
    const struct row *a = pa, *b = pb;
    if (sorts_by_value(c->map)) {
        bool is_signed = is_hist(c->map) ? false : value_is_signed(c->map);
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

static int add_row(struct print_ctx *c, struct row r)
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

static int build_plain_rows(struct print_ctx *c)
{
    const struct map_desc *map = c->map;
    bool is_signed = value_is_signed(map);
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
    const struct print_ctx *c = arg;
    return memcmp(*(const uint8_t *const *)pa, *(const uint8_t *const *)pb, c->user_key_size);
}

/* hist/lhist BPF keys are the user key followed by a u64 bucket index: gather
 * the buckets of each user key into one row. */
static int build_hist_rows(struct print_ctx *c)
{
    const struct map_desc *map = c->map;
    if (map->key_size < 8)
        return -EINVAL;
    c->user_key_size = map->key_size - 8;
    if (map->agg == AGG_HIST) {
        c->nbuckets = HIST_BUCKETS;
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

/* ---- Printing ----------------------------------------------------------------- */

static void print_key(const struct print_ctx *c, const struct row *r)
{
    const struct record_desc *key = &c->map->key;
    fputs(c->map->name, c->out);
    if (key->nfields == 0)
        return;
    fputc('[', c->out);
    for (int i = 0; i < key->nfields; i++) {
        if (i)
            fputs(", ", c->out);
        output_print_key_field(c->out, c->prog, &key->fields[i], r->key);
    }
    fputc(']', c->out);
}

static void print_int(FILE *out, uint64_t v, bool is_signed)
{
    if (is_signed)
        fprintf(out, "%" PRId64, (int64_t)v);
    else
        fprintf(out, "%" PRIu64, v);
}

/* hist labels: powers of two, with K/M/G from 2^10 on and T from 2^40 on
 * (2^50 is "1024T": bpftrace has no larger suffix). */
static void hist_power_label(char *buf, size_t cap, int power)
{
    static const char suffixes[] = {'\0', 'K', 'M', 'G', 'T'};
    int tier = power / 10 < 4 ? power / 10 : 4;
    uint64_t n = (uint64_t)1 << (power - tier * 10);
    if (tier)
        snprintf(buf, cap, "%" PRIu64 "%c", n, suffixes[tier]);
    else
        snprintf(buf, cap, "%" PRIu64, n);
}

static void hist_label(char *buf, size_t cap, size_t index)
{
    if (index == 0) {
        snprintf(buf, cap, "(..., 0)");
    } else if (index == 1) {
        snprintf(buf, cap, "[0]");
    } else if (index == 2) {
        snprintf(buf, cap, "[1]");
    } else {
        char lo[32], hi[32];
        hist_power_label(lo, sizeof(lo), (int)index - 2);
        hist_power_label(hi, sizeof(hi), (int)index - 1);
        snprintf(buf, cap, "[%s, %s)", lo, hi);
    }
}

/* lhist bounds use the largest of K, M, G, T, P, E that divides them exactly
 * ("[1K, 2K)", "[3M, ...)"), else plain decimal ("[1000000, 2000000)"). */
static void lhist_bound(char *buf, size_t cap, int64_t n)
{
    static const char suffixes[] = "KMGTPE";
    for (int tier = 6; tier >= 1; tier--) {
        int64_t unit = (int64_t)1 << (10 * tier);
        if (n != 0 && n % unit == 0) {
            snprintf(buf, cap, "%" PRId64 "%c", n / unit, suffixes[tier - 1]);
            return;
        }
    }
    snprintf(buf, cap, "%" PRId64, n);
}

static void lhist_label(char *buf, size_t cap, const struct map_desc *map, size_t index,
                        size_t nbuckets)
{
    char lo[32], hi[32];
    if (index == 0) {
        lhist_bound(lo, sizeof(lo), map->lhist_min);
        snprintf(buf, cap, "(..., %s)", lo);
    } else if (index == nbuckets - 1) {
        lhist_bound(lo, sizeof(lo), map->lhist_max);
        snprintf(buf, cap, "[%s, ...)", lo);
    } else {
        int64_t start = map->lhist_min + (int64_t)(index - 1) * map->lhist_step;
        lhist_bound(lo, sizeof(lo), start);
        lhist_bound(hi, sizeof(hi), start + map->lhist_step);
        snprintf(buf, cap, "[%s, %s)", lo, hi);
    }
}

static void print_hist_row(const struct print_ctx *c, const struct row *r, uint64_t div)
{
    FILE *out = c->out;
    print_key(c, r);
    fputs(": \n", out);

    size_t first = c->nbuckets, last = 0;
    uint64_t max = 0;
    for (size_t i = 0; i < c->nbuckets; i++) {
        if (!r->buckets[i])
            continue;
        if (first == c->nbuckets)
            first = i;
        last = i;
        if (r->buckets[i] > max)
            max = r->buckets[i];
    }
    for (size_t i = first; i < c->nbuckets && i <= last; i++) {
        char label[96];
        if (c->map->agg == AGG_HIST)
            hist_label(label, sizeof(label), i);
        else
            lhist_label(label, sizeof(label), c->map, i, c->nbuckets);
        uint64_t count = r->buckets[i];
        unsigned bar = (unsigned)((unsigned __int128)count * HIST_BAR_WIDTH / max);
        fprintf(out, "%-16s%8" PRIu64 " |", label, divide(count, div, false));
        for (unsigned k = 0; k < HIST_BAR_WIDTH; k++)
            fputc(k < bar ? '@' : ' ', out);
        fputs("|\n", out);
    }
    fputc('\n', out);
}

static void print_plain_row(const struct print_ctx *c, const struct row *r, uint64_t div)
{
    const struct map_desc *map = c->map;
    FILE *out = c->out;
    bool is_signed = value_is_signed(map);
    print_key(c, r);
    fputs(": ", out);
    if (map->agg == AGG_STATS) {
        fprintf(out, "count %" PRId64 ", average ", (int64_t)r->count);
        print_int(out, r->value, is_signed);
        fputs(", total ", out);
        print_int(out, r->total, is_signed);
    } else if (map->agg == AGG_NONE && map->value.kind != VK_INT) {
        output_print_field(out, c->prog, &map->value, cpu_value(&c->snap, r->entry, 0));
    } else {
        print_int(out, divide(r->value, div, is_signed), is_signed);
    }
    fputc('\n', out);
}

static void print_ctx_free(struct print_ctx *c)
{
    for (size_t i = 0; i < c->nrows; i++)
        free(c->rows[i].buckets);
    free(c->rows);
    snapshot_free(&c->snap);
}

int output_print_map(FILE *out, const struct compiled_program *prog, const struct map_desc *map,
                     int map_fd, uint64_t top, uint64_t div)
{
    struct print_ctx c = {.out = out, .prog = prog, .map = map};
    int err = snapshot_read(&c.snap, map_fd, map);
    if (err)
        return err;
    err = is_hist(map) ? build_hist_rows(&c) : build_plain_rows(&c);
    if (err) {
        print_ctx_free(&c);
        return err;
    }
    if (c.nrows > 1)
        qsort_r(c.rows, c.nrows, sizeof(*c.rows), compare_rows, &c);

    /* bpftrace 0.17 prints every stats entry undivided whatever top and div say. */
    if (map->agg == AGG_STATS)
        top = div = 0;
    size_t start = top && c.nrows > top ? c.nrows - (size_t)top : 0;

    if (c.nrows == 0 && map->agg == AGG_COUNT && map->key.nfields == 0)
        fprintf(out, "%s: 0\n", map->name); /* a count without a key is 0 before any event */
    else if (c.nrows == 0)
        fputc('\n', out);
    for (size_t i = start; i < c.nrows; i++) {
        if (is_hist(map))
            print_hist_row(&c, &c.rows[i], div);
        else
            print_plain_row(&c, &c.rows[i], div);
    }
    if (map->agg == AGG_AVG || map->agg == AGG_STATS)
        fputc('\n', out);

    print_ctx_free(&c);
    return 0;
}

static int compare_map_names(const void *pa, const void *pb)
{
    const struct map_desc *a = *(const struct map_desc *const *)pa;
    const struct map_desc *b = *(const struct map_desc *const *)pb;
    return strcmp(a->name, b->name);
}

int output_print_maps_at_exit(FILE *out, const struct compiled_program *prog, const int *map_fds)
{
    fputs("\n\n", out);
    const struct map_desc **order =
        malloc((size_t)(prog->nmaps ? prog->nmaps : 1) * sizeof(*order));
    if (!order)
        return -ENOMEM;
    int n = 0;
    for (int i = 0; i < prog->nmaps; i++) {
        if (!prog->maps[i].is_internal && map_fds[i] >= 0)
            order[n++] = &prog->maps[i];
    }
    if (n > 1)
        qsort(order, (size_t)n, sizeof(*order), compare_map_names);

    int first_err = 0;
    for (int i = 0; i < n; i++) {
        int err = output_print_map(out, prog, order[i], map_fds[order[i] - prog->maps], 0, 0);
        if (err && !first_err)
            first_err = err;
    }
    free(order);
    return first_err;
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
