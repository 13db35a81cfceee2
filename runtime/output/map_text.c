/* Maps in bpftrace 0.17's text format.
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
 *    (hist counts too, while the bars still use the undivided counts; lhist
 *    counts never). stats maps ignore both, as 0.17 does (map_dump.c).
 *  - A map with no entries prints "\n", but a count() map without a key prints
 *    "@name: 0" (also after clear()). avg and stats maps print "\n" after
 *    their entries (so "\n\n" when empty). A hist prints "@name[k]: \n" (space
 *    before the newline), its buckets, then "\n", per key.
 *  - Buckets run from the first to the last non-zero one; each line is the
 *    label left-aligned in 16 columns, the count right-aligned in 8, " |", a bar
 *    of count * 52 / max '@'s padded with spaces to 52, "|".
 *  - At exit: "\n\n", then every printed map in byte order of its name
 *    (map_dump.c). */
#include <inttypes.h>

#include "output/hist_buckets.h"
#include "output/map_printers.h"
#include "output/values.h"

#define HIST_BAR_WIDTH 52

static void print_key(FILE *out, const struct map_rows *c, const struct row *r)
{
    const struct record_desc *key = &c->map->key;
    fputs(c->map->name, out);
    if (key->nfields == 0)
        return;
    fputc('[', out);
    for (int i = 0; i < key->nfields; i++) {
        if (i)
            fputs(", ", out);
        output_print_key_field(out, c->prog, &key->fields[i], r->key);
    }
    fputc(']', out);
}

static void print_int(FILE *out, uint64_t v, bool is_signed)
{
    if (is_signed)
        fprintf(out, "%" PRId64, (int64_t)v);
    else
        fprintf(out, "%" PRIu64, v);
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

static void print_hist_row(FILE *out, const struct map_rows *c, const struct row *r, uint64_t div)
{
    print_key(out, c, r);
    fputs(": \n", out);

    size_t first, last;
    if (row_bucket_span(c, r, &first, &last)) {
        uint64_t max = 0;
        for (size_t i = first; i <= last; i++)
            max = r->buckets[i] > max ? r->buckets[i] : max;
        /* bpftrace 0.17 divides hist counts by print's div, never lhist's. */
        uint64_t count_div = c->map->agg == AGG_HIST ? div : 0;
        for (size_t i = first; i <= last; i++) {
            char label[96];
            if (c->map->agg == AGG_HIST)
                hist_bucket_label(label, sizeof(label), i, c->map->hist_bits);
            else
                lhist_label(label, sizeof(label), c->map, i, c->nbuckets);
            uint64_t count = r->buckets[i];
            unsigned bar = (unsigned)((unsigned __int128)count * HIST_BAR_WIDTH / max);
            fprintf(out, "%-16s%8" PRIu64 " |", label, divide(count, count_div, false));
            for (unsigned k = 0; k < HIST_BAR_WIDTH; k++)
                fputc(k < bar ? '@' : ' ', out);
            fputs("|\n", out);
        }
    }
    fputc('\n', out);
}

static void print_plain_row(FILE *out, const struct map_rows *c, const struct row *r, uint64_t div)
{
    const struct map_desc *map = c->map;
    bool is_signed = map_value_is_signed(map);
    print_key(out, c, r);
    fputs(": ", out);
    if (map->agg == AGG_STATS) {
        fprintf(out, "count %" PRId64 ", average ", (int64_t)r->count);
        print_int(out, r->value, is_signed);
        fputs(", total ", out);
        print_int(out, r->total, is_signed);
    } else if (map->agg == AGG_NONE && (map->value.kind != VK_INT || map->value.is_bool)) {
        output_print_field(out, c->prog, &map->value, cpu_value(&c->snap, r->entry, 0));
    } else {
        print_int(out, divide(r->value, div, is_signed), is_signed);
    }
    fputc('\n', out);
}

void map_text_print(const struct output *o, const struct map_rows *c, size_t first,
                    uint64_t div)
{
    FILE *out = o->file;
    const struct map_desc *map = c->map;
    if (map_rows_unset_count(c))
        fprintf(out, "%s: 0\n", map->name);
    else if (c->nrows == 0)
        fputc('\n', out);
    for (size_t i = first; i < c->nrows; i++) {
        if (map_is_hist(map))
            print_hist_row(out, c, &c->rows[i], div);
        else
            print_plain_row(out, c, &c->rows[i], div);
    }
    if (map->agg == AGG_AVG || map->agg == AGG_STATS)
        fputc('\n', out);
}
