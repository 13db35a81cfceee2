/* bpftrace 0.17's text output (-f text, the default): records are written
 * as they are, straight to the output stream. */
#include <inttypes.h>
#include <string.h>

#include "diag.h"
#include "output/format.h"
#include "output/map_printers.h"
#include "output/values.h"

static void text_attached_probes(const struct output *o, int nprobes)
{
    fprintf(o->file, "Attaching %d probe%s...\n", nprobes, nprobes == 1 ? "" : "s");
}

static void text_lost_events(const struct output *o, uint64_t lost)
{
    fprintf(o->file, "Lost %" PRIu64 " events\n", lost);
}

static FILE *text_record_open(const struct output *o, struct text_record_buffer *b)
{
    b->stream = o->file;
    return b->stream;
}

/* join() ends its line; its JSON record holds the strings alone (0.17). */
static void text_record_close(const struct output *o, struct text_record_buffer *b,
                              enum text_record kind)
{
    if (kind == TEXT_JOIN)
        fputc('\n', o->file);
    b->stream = NULL;
}

static void text_value(const struct output *o, const struct compiled_program *prog,
                       const struct value_desc *v, const void *data)
{
    output_print_value(o->file, prog, v, data);
}

/* bpftrace's warning, pointing into the script; 0.17 prints it in the
 * output (stdout, or -o FILE), in order with the rest. --no-warnings
 * silences it (diag.h). */
static void text_helper_error(const struct output *o, const struct compiled_program *prog,
                              const struct async_desc *ad, int64_t ret)
{
    struct source src = {.filename = prog->source_name, .text = prog->source_text};
    struct loc loc = {ad->where.line, ad->where.col, ad->where.end_col};
    if (ret < 0)
        diag_warning_span(o->file, &src, loc, "Failed to %s: %s (%" PRId64 ")", ad->fmt,
                          strerror((int)-ret), ret);
    else
        diag_warning_span(o->file, &src, loc, "Failed to %s: %" PRId64, ad->fmt, ret);
}

const struct output_format output_format_text = {
    .name = "text", .attached_probes = text_attached_probes, .lost_events = text_lost_events,
    .record_open = text_record_open, .record_close = text_record_close, .value = text_value,
    .map = map_text_print, .helper_error = text_helper_error,
};

const struct output_format *output_format_named(const char *name)
{
    static const struct output_format *const formats[] = {&output_format_text,
                                                          &output_format_json};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(formats[i]->name, name) == 0)
            return formats[i];
    return NULL;
}
