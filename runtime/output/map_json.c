/* Maps in bpftrace 0.17's JSON format (-f json), one document per map:
 *
 *   {"type": "map", "data": {"@name": {"k1,k2": 5, "k3,k4": 7}}}
 *   {"type": "map", "data": {"@name": 5}}                      (no key)
 *   {"type": "hist", "data": {"@h": [{"min": 4, "max": 7, "count": 1}]}}
 *   {"type": "stats", "data": {"@s": {"count": 1, "average": 3, "total": 3}}}
 *
 * The rules, each checked against `bpftrace -f json` 0.17:
 *  - The type is "hist" for hist and lhist maps, "stats" for stats and avg
 *    maps (an avg value is its average alone), "map" for the others.
 *  - A key is one JSON string: its fields as text prints them, joined by ","
 *    without spaces. Integer values are numbers, other values strings.
 *  - Entries come in text's order and obey print's top and div the same way.
 *  - A map with no entries prints nothing at all, except a count() without
 *    a key, which prints 0 as in text.
 *  - hist buckets: index 0 (negative values) {"max": -1, ...}; [0] and [1]
 *    have min = max; [2^k, 2^(k+1)) is {"min": 2^k, "max": 2^(k+1) - 1}.
 *    lhist: the underflow bucket {"max": min - 1}, the overflow bucket
 *    {"min": max}, the others [lo, lo + step - 1]. Like text, from the first
 *    to the last non-zero bucket; hist counts are divided by div, lhist's
 *    are not. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/json.h"
#include "output/hist_buckets.h"
#include "output/map_printers.h"
#include "output/values.h"

static const char *document_type(const struct map_desc *map)
{
    if (map_is_hist(map))
        return "hist";
    if (map->agg == AGG_AVG || map->agg == AGG_STATS)
        return "stats";
    return "map";
}

static void write_int(FILE *out, uint64_t v, bool is_signed)
{
    if (is_signed)
        fprintf(out, "%" PRId64, (int64_t)v);
    else
        fprintf(out, "%" PRIu64, v);
}

/* The key's fields as text prints them, joined by ",", as one JSON string. */
static void write_key(FILE *out, const struct map_rows *c, const struct row *r)
{
    const struct record_desc *key = &c->map->key;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        for (int i = 0; i < key->nfields; i++) {
            if (i)
                fputc(',', mem);
            output_print_key_field(mem, c->prog, &key->fields[i], r->key);
        }
        fclose(mem);
    }
    json_write_string(out, text ? text : "", text ? len : 0);
    free(text);
}

/* One bucket's bounds, as bpftrace's JSON gives them. */
static void write_bucket_bounds(FILE *out, const struct map_rows *c, size_t i)
{
    const struct map_desc *map = c->map;
    if (map->agg == AGG_HIST) {
        if (i == 0)
            fputs("\"max\": -1, ", out);
        else {
            uint64_t lo, hi;
            hist_bucket_bounds(i, map->hist_bits, &lo, &hi);
            fprintf(out, "\"min\": %" PRIu64 ", \"max\": %" PRIu64 ", ", lo, hi);
        }
    } else if (i == 0) {
        fprintf(out, "\"max\": %" PRId64 ", ", map->lhist_min - 1);
    } else if (i == c->nbuckets - 1) {
        fprintf(out, "\"min\": %" PRId64 ", ", map->lhist_max);
    } else {
        int64_t lo = map->lhist_min + (int64_t)(i - 1) * map->lhist_step;
        fprintf(out, "\"min\": %" PRId64 ", \"max\": %" PRId64 ", ", lo, lo + map->lhist_step - 1);
    }
}

static void write_buckets(FILE *out, const struct map_rows *c, const struct row *r, uint64_t div)
{
    uint64_t count_div = c->map->agg == AGG_HIST ? div : 0;
    size_t first, last;
    fputc('[', out);
    if (row_bucket_span(c, r, &first, &last)) {
        for (size_t i = first; i <= last; i++) {
            fputs(i > first ? ", {" : "{", out);
            write_bucket_bounds(out, c, i);
            fprintf(out, "\"count\": %" PRIu64 "}", divide(r->buckets[i], count_div, false));
        }
    }
    fputc(']', out);
}

static void write_value(FILE *out, const struct map_rows *c, const struct row *r, uint64_t div)
{
    const struct map_desc *map = c->map;
    bool is_signed = map_value_is_signed(map);
    if (map_is_hist(map)) {
        write_buckets(out, c, r, div);
    } else if (map->agg == AGG_STATS) {
        fprintf(out, "{\"count\": %" PRId64 ", \"average\": ", (int64_t)r->count);
        write_int(out, r->value, is_signed);
        fputs(", \"total\": ", out);
        write_int(out, r->total, is_signed);
        fputc('}', out);
    } else if (map->agg == AGG_NONE && (map->value.kind != VK_INT || map->value.is_bool)) {
        json_write_field(out, c->prog, &map->value, cpu_value(&c->snap, r->entry, 0));
    } else {
        write_int(out, divide(r->value, div, is_signed), is_signed);
    }
}

void map_json_print(const struct output *o, const struct map_rows *c, size_t first,
                    uint64_t div)
{
    FILE *out = o->file;
    const struct map_desc *map = c->map;
    bool unset_count = map_rows_unset_count(c);
    if (c->nrows == 0 && !unset_count)
        return;
    bool keyed = map->key.nfields > 0;
    fprintf(out, "{\"type\": \"%s\", \"data\": {", document_type(map));
    json_write_string(out, map->name, strlen(map->name));
    fputs(keyed ? ": {" : ": ", out);
    if (unset_count)
        fputc('0', out);
    for (size_t i = first; i < c->nrows; i++) {
        if (i > first)
            fputs(", ", out);
        if (keyed) {
            write_key(out, c, &c->rows[i]);
            fputs(": ", out);
        }
        write_value(out, c, &c->rows[i], div);
    }
    fputs(keyed ? "}}}\n" : "}}\n", out);
}
