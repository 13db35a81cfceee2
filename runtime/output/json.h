/* JSON as bpftrace 0.17 writes it (-f json). Every string that reaches a
 * JSON document is escaped here and nowhere else. */
#ifndef SOBT_OUTPUT_JSON_H
#define SOBT_OUTPUT_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "program.h"

/* `len` bytes of `s` as a JSON string, quotes included. Escapes as bpftrace
 * does: \" \\ \n \r \t, other bytes below 0x20 as \u00XX, and bytes from
 * 0x80 up as \uffffffXX (see json.c for why). */
void json_write_string(FILE *out, const char *s, size_t len);

/* The value at v->offset in `record` as bpftrace's JSON shows it: an
 * integer (or address) as a number, a tuple or array as a JSON array, a
 * struct as an object, anything else (strings, probes, symbols, stacks) as
 * the text `-f text` shows for it, as a JSON string. */
void json_write_field(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                      const void *record);

#endif
