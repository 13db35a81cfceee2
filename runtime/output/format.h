/* The output format (-f text | json): every record the runtime prints goes
 * through one of two tables of printers, chosen once on the command line.
 * The event handlers, the loss reports and the map dump call these and never
 * ask which format is in use.
 *
 * What each record looks like in each format is bpftrace 0.17's (checked
 * against `bpftrace -f json`; format_text.c and format_json.c list them). */
#ifndef SOBT_OUTPUT_FORMAT_H
#define SOBT_OUTPUT_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "program.h"

struct map_rows;

/* Where records go and in which format. */
struct output {
    FILE *file;    /* the program's output: standard output, or -o FILE */
    FILE *console; /* standard output; the same stream as `file` without -o.
                      bpftrace 0.17 writes the two empty lines before the map
                      dump there, not into -o FILE (map_dump.c). */
    const struct output_format *format;
};

/* The records whose content is text: printf(), time(), cat(), join() and
 * system()'s output. JSON names them by these kinds. */
enum text_record {
    TEXT_PRINTF,
    TEXT_TIME,
    TEXT_CAT,
    TEXT_JOIN,
    TEXT_SYSTEM,
};

/* A text record being written: what record_open hands out and record_close
 * takes back. */
struct text_record_buffer {
    FILE *stream;
    char *text;
    size_t len;
};

struct output_format {
    const char *name; /* as -f spells it */
    /* "Attaching N probes..." */
    void (*attached_probes)(const struct output *o, int nprobes);
    /* "Lost N events" */
    void (*lost_events)(const struct output *o, uint64_t lost);
    /* A text record: record_open returns the stream its text is written to
     * (piece by piece, as printf and system() produce it), record_close ends
     * the record. Text writes straight through; JSON collects the text and
     * writes one document. record_open returns NULL when out of memory. */
    FILE *(*record_open)(const struct output *o, struct text_record_buffer *b);
    void (*record_close)(const struct output *o, struct text_record_buffer *b,
                         enum text_record kind);
    /* print(value) of a non-map value: the field v inside `data`. */
    void (*value)(const struct output *o, const struct compiled_program *prog,
                  const struct value_desc *v, const void *data);
    /* One map, its rows from `first` on (print's top already applied);
     * div divides the printed values as print(@m, top, div) says. */
    void (*map)(const struct output *o, const struct map_rows *rows, size_t first,
                uint64_t div);
    /* -k/-kk: a BPF helper failed with `ret` where `ad` says. */
    void (*helper_error)(const struct output *o, const struct compiled_program *prog,
                         const struct async_desc *ad, int64_t ret);
};

extern const struct output_format output_format_text;
extern const struct output_format output_format_json;

/* The format -f NAME names, or NULL for an unknown name. */
const struct output_format *output_format_named(const char *name);

/* The usual case: text on one stream (what tests and tools print with). */
static inline struct output output_text_to(FILE *file)
{
    return (struct output){.file = file, .console = file, .format = &output_format_text};
}

#endif
