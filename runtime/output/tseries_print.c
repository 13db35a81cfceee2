/* A tseries() row printed: current bpftrace's time-series graph, and its
 * JSON. The graph (bpftrace's docs/stdlib.md "tseries" shows it):
 *
 *                  MIN                                                MAX
 *     hh:mm:ss.ms  |___________________________________________________|
 *     10:39:49.300 *                         .                         | -5
 *     10:39:49.400 |    *                    .                         | -4
 *                  v___________________________________________________v
 *                  MIN                                                MAX
 *
 *  - A line is 53 columns, '|' at both ends; its value's '*' at column
 *    52 * (v - min) / (max - min) (computed in float, as bpftrace does),
 *    or 26 when every value is the same; a missing interval has no '*'
 *    and "-" for its value.
 *  - When min < 0 < max, a '.' marks zero at column 53 * -min / (max - min).
 *  - min and max are the row's smallest and largest values, each moved one
 *    away when they are equal; above and below the graph min is
 *    left-aligned in 21 columns, max right-aligned in 32.
 *  - Time is each interval's start (CLOCK_TAI, shown as local wall-clock
 *    time) as %H:%M:%S, with milliseconds, "μs" or nanoseconds after a dot
 *    when the interval between rows is under a second (ms from 1ms, μs
 *    from 1μs, ns below); the header names that unit ("hh:mm:ss.ms").
 *  - JSON: [{"interval_start": "%Y-%m-%dT%H:%M:%S.NNNNNNNNN", "value": V}, ...]
 *    with null for a missing interval. */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "output/json.h"
#include "output/map_printers.h"

#define GRAPH_WIDTH 53
#define LABEL_PADDING 21

struct time_unit {
    const char *name; /* "" for whole seconds */
    int digits;
    uint64_t ns;
};

/* bpftrace's duration_str(): the largest unit the interval reaches */
static struct time_unit unit_of(uint64_t interval_ns)
{
    if (interval_ns >= 1000000000ull)
        return (struct time_unit){"", 0, 1000000000ull};
    if (interval_ns >= 1000000ull)
        return (struct time_unit){"ms", 3, 1000000ull};
    if (interval_ns >= 1000ull)
        return (struct time_unit){"\u03bcs", 6, 1000ull};
    return (struct time_unit){"ns", 9, 1};
}

/* CLOCK_TAI nanoseconds as wall-clock (CLOCK_REALTIME) nanoseconds. */
static uint64_t wall_clock_ns(uint64_t tai_ns)
{
    struct timespec tai, real;
    clock_gettime(CLOCK_TAI, &tai);
    clock_gettime(CLOCK_REALTIME, &real);
    int64_t offset =
        (int64_t)(tai.tv_sec - real.tv_sec) * 1000000000 + (tai.tv_nsec - real.tv_nsec);
    /* the offset is whole seconds (37 once set, 0 before): round away the
     * nanoseconds between the two readings */
    offset = (offset + (offset >= 0 ? 500000000 : -500000000)) / 1000000000 * 1000000000;
    return tai_ns - (uint64_t)offset;
}

static void write_time(FILE *out, uint64_t tai_ns, const char *format, int digits)
{
    uint64_t ns = wall_clock_ns(tai_ns);
    time_t secs = (time_t)(ns / 1000000000ull);
    struct tm tm;
    char text[64];
    localtime_r(&secs, &tm);
    strftime(text, sizeof(text), format, &tm);
    fputs(text, out);
    if (digits) {
        uint64_t fraction = ns % 1000000000ull;
        for (int i = digits; i < 9; i++)
            fraction /= 10;
        fprintf(out, ".%0*" PRIu64, digits, fraction);
    }
}

static void int_text(char *buf, size_t cap, int64_t v, bool is_signed)
{
    if (is_signed)
        snprintf(buf, cap, "%" PRId64, v);
    else
        snprintf(buf, cap, "%" PRIu64, (uint64_t)v);
}

/* b - a as a float, without overflowing the integers */
static float distance(int64_t a, int64_t b, bool is_signed)
{
    __int128 d = is_signed ? (__int128)b - a : (__int128)(uint64_t)b - (uint64_t)a;
    return (float)d;
}

static void write_bounds(FILE *out, int indent, int64_t min, int64_t max, bool is_signed)
{
    char lo[32], hi[32];
    int_text(lo, sizeof(lo), min, is_signed);
    int_text(hi, sizeof(hi), max, is_signed);
    fprintf(out, "%*s%-*s%*s\n", indent, "", LABEL_PADDING, lo, GRAPH_WIDTH - LABEL_PADDING, hi);
}

void tseries_text_print_row(FILE *out, const struct map_rows *c, const struct row *r)
{
    size_t first, last;
    if (!tseries_row_span(c, r, &first, &last))
        return;
    bool is_signed = c->map->value.is_signed;
    int64_t min = (int64_t)r->buckets[first], max = min;
    for (size_t i = first; i <= last; i++) {
        if (!r->present[i])
            continue;
        int64_t v = (int64_t)r->buckets[i];
        if (less_than((uint64_t)v, (uint64_t)min, is_signed))
            min = v;
        if (less_than((uint64_t)max, (uint64_t)v, is_signed))
            max = v;
    }
    if (min == max) {
        if (is_signed ? min != INT64_MIN : (uint64_t)min != 0)
            min--;
        if (is_signed ? max != INT64_MAX : (uint64_t)max != UINT64_MAX)
            max++;
    }
    uint64_t interval = last > first ? c->map->tseries_interval_ns : 0;
    struct time_unit unit = unit_of(interval);
    char header[32];
    snprintf(header, sizeof(header), "hh:mm:ss%s%s", unit.digits ? "." : "", unit.name);
    int time_size = 8 + (unit.digits ? 1 + unit.digits : 0);

    write_bounds(out, time_size + 1, min, max, is_signed);
    fprintf(out, "%-*s|", time_size + 1, header);
    for (int i = 0; i < GRAPH_WIDTH - 2; i++)
        fputc('_', out);
    fputs("|\n", out);

    float span = distance(min, max, is_signed);
    int zero = 0;
    if (is_signed && min < 0 && max > 0)
        zero = (int)((float)GRAPH_WIDTH * distance(min, 0, true) / span);
    for (size_t i = first; i <= last; i++) {
        char line[GRAPH_WIDTH + 1];
        memset(line, ' ', GRAPH_WIDTH);
        line[GRAPH_WIDTH] = '\0';
        line[0] = line[GRAPH_WIDTH - 1] = '|';
        if (zero > 0)
            line[zero] = '.';
        write_time(out, (c->ts_first_epoch + i) * c->map->tseries_interval_ns, "%H:%M:%S",
                   unit.digits);
        if (!r->present[i]) {
            fprintf(out, " %s -\n", line);
            continue;
        }
        int64_t v = (int64_t)r->buckets[i];
        int point = GRAPH_WIDTH / 2;
        if (min != max)
            point = (int)((float)(GRAPH_WIDTH - 1) * distance(min, v, is_signed) / span);
        point = point < 0 ? 0 : point > GRAPH_WIDTH - 1 ? GRAPH_WIDTH - 1 : point;
        line[point] = '*';
        char value[32];
        int_text(value, sizeof(value), v, is_signed);
        fprintf(out, " %s %s\n", line, value);
    }
    fprintf(out, "%*s v", time_size, "");
    for (int i = 0; i < GRAPH_WIDTH - 2; i++)
        fputc('_', out);
    fputs("v\n", out);
    write_bounds(out, time_size + 1, min, max, is_signed);
}

void tseries_json_write_row(FILE *out, const struct map_rows *c, const struct row *r)
{
    size_t first, last;
    fputc('[', out);
    if (tseries_row_span(c, r, &first, &last)) {
        for (size_t i = first; i <= last; i++) {
            fputs(i > first ? ", {\"interval_start\": \"" : "{\"interval_start\": \"", out);
            write_time(out, (c->ts_first_epoch + i) * c->map->tseries_interval_ns,
                       "%Y-%m-%dT%H:%M:%S", 9);
            fputs("\", \"value\": ", out);
            if (!r->present[i])
                fputs("null", out);
            else if (c->map->value.is_signed)
                fprintf(out, "%" PRId64, (int64_t)r->buckets[i]);
            else
                fprintf(out, "%" PRIu64, r->buckets[i]);
            fputc('}', out);
        }
    }
    fputc(']', out);
}
