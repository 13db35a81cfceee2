/* The two map printers behind output_format.map: bpftrace's text and its
 * JSON. Both walk the same rows (map_rows.h). Private to runtime/output/. */
#ifndef SOBT_OUTPUT_MAP_PRINTERS_H
#define SOBT_OUTPUT_MAP_PRINTERS_H

#include <stddef.h>
#include <stdint.h>

#include "output/format.h"
#include "output/map_rows.h"

void map_text_print(const struct output *o, const struct map_rows *rows, size_t first,
                    uint64_t div);
void map_json_print(const struct output *o, const struct map_rows *rows, size_t first,
                    uint64_t div);

/* tseries_print.c: a tseries() row's graph (the lines after "@name[key]:"),
 * and its JSON array */
void tseries_text_print_row(FILE *out, const struct map_rows *rows, const struct row *row);
void tseries_json_write_row(FILE *out, const struct map_rows *rows, const struct row *row);

#endif
