/* bpftrace 0.17's JSON output (-f json): one JSON document per line, each
 * {"type": ..., "data": ...}. Checked against `bpftrace -f json` 0.17:
 *
 *   {"type": "attached_probes", "data": {"probes": 1}}
 *   {"type": "lost_events", "data": {"events": 12}}
 *   {"type": "printf", "data": "hi 5\n"}          also "time", "cat", "join",
 *                                                  and "syscall" for system()
 *   {"type": "value", "data": 5}                   print(value)
 *   {"type": "helper_error", "helper": "map_update_elem", "retcode": -7,
 *    "line": 1, "col": 25}                          (-k, on one line)
 *
 * Maps: map_json.c. Before the maps printed at exit come two empty lines,
 * as in text (map_dump.c). A cat() of a file that cannot be read is a record with empty data (and an
 * error on stderr), as in 0.17. Errors and warnings stay text on stderr, as
 * in 0.17; -k warnings are records, and --no-warnings leaves them in. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/format.h"
#include "output/json.h"
#include "output/map_printers.h"

static void json_attached_probes(const struct output *o, int nprobes)
{
    fprintf(o->file, "{\"type\": \"attached_probes\", \"data\": {\"probes\": %d}}\n", nprobes);
}

static void json_lost_events(const struct output *o, uint64_t lost)
{
    fprintf(o->file, "{\"type\": \"lost_events\", \"data\": {\"events\": %" PRIu64 "}}\n", lost);
}

static FILE *json_record_open(const struct output *o, struct text_record_buffer *b)
{
    b->text = NULL;
    b->len = 0;
    b->stream = open_memstream(&b->text, &b->len);
    return b->stream;
}

static const char *record_type(enum text_record kind)
{
    switch (kind) {
    case TEXT_PRINTF: return "printf";
    case TEXT_TIME: return "time";
    case TEXT_CAT: return "cat";
    case TEXT_JOIN: return "join";
    case TEXT_SYSTEM: return "syscall";
    }
    return "?";
}

static void json_record_close(const struct output *o, struct text_record_buffer *b,
                              enum text_record kind)
{
    if (!b->stream)
        return;
    fclose(b->stream);
    b->stream = NULL;
    fprintf(o->file, "{\"type\": \"%s\", \"data\": ", record_type(kind));
    json_write_string(o->file, b->text ? b->text : "", b->text ? b->len : 0);
    fputs("}\n", o->file);
    free(b->text);
    b->text = NULL;
}

static void json_value(const struct output *o, const struct compiled_program *prog,
                       const struct value_desc *v, const void *data)
{
    fputs("{\"type\": \"value\", \"data\": ", o->file);
    json_write_field(o->file, prog, v, data);
    fputs("}\n", o->file);
}

static void json_helper_error(const struct output *o, const struct compiled_program *prog,
                              const struct async_desc *ad, int64_t ret)
{
    const char *helper = ad->fmt ? ad->fmt : "";
    fputs("{\"type\": \"helper_error\", \"helper\": ", o->file);
    json_write_string(o->file, helper, strlen(helper));
    fprintf(o->file, ", \"retcode\": %" PRId64 ", \"line\": %d, \"col\": %d}\n", ret,
            ad->where.line, ad->where.col);
}

const struct output_format output_format_json = {
    .name = "json", .attached_probes = json_attached_probes, .lost_events = json_lost_events,
    .record_open = json_record_open, .record_close = json_record_close, .value = json_value,
    .map = map_json_print, .helper_error = json_helper_error,
};
