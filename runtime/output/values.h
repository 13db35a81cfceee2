/* One value as bpftrace prints it: in map keys and values, print(value),
 * and printf's %s. */
#ifndef SOBT_OUTPUT_VALUES_H
#define SOBT_OUTPUT_VALUES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "program.h"

/* print(value) for a non-map value: the value at v->offset in `data`, then a newline. */
void output_print_value(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                        const void *data);

/* One value (at v->offset in `record`) as the text bpftrace shows for it in map
 * values, print() and printf("%s"): integers in decimal by their signedness
 * (addresses too), strings up to the first NUL, probe indexes as probe
 * names, ksym/usym as symbol names, kstack/ustack as "\n" then one indented
 * line per frame ("name+offset", or the address in hex when unresolvable);
 * tuples as "(1, a)", structs as "{ .a = 1, .b = x }", arrays as "[1,2]". */
void output_print_field(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                        const void *record);

/* The same for a map key, where bpftrace 0.17 prints some values its own
 * way: stacks indented by 4 spaces rather than 8 ("@[\n    f1\n    f2\n]: 1"),
 * addresses in hex ("0xffff8881"), structs without spaces ("{.a=1,.b=x}"). */
void output_print_key_field(FILE *out, const struct compiled_program *prog,
                            const struct value_desc *v, const void *record);

/* The integer at v->offset in `record` (a bitfield's bits, when v is one),
 * widened to 64 bits by its signedness. */
uint64_t output_read_int(const struct value_desc *v, const void *record);

/* ---- composite values: tuples, structs, arrays ----
 *
 * Both printers (text here, JSON in json.c) walk a composite value the same
 * way: its parts in order, each a value_desc of its own whose offset counts
 * from the same place as the composite's (so it reads from the same
 * `record`), nested to any depth. They differ only in punctuation and in
 * how a leaf (a scalar value) is written: a value_style says both. */
struct value_style {
    const char *tuple_open, *tuple_sep, *tuple_close;
    const char *record_open, *record_sep, *record_close;
    const char *array_open, *array_sep, *array_close;
    /* before each struct member: its name, e.g. ".a = " */
    void (*member_name)(FILE *out, const char *name);
    /* a value that is not composite */
    void (*leaf)(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                 const void *record);
};

bool output_is_composite(const struct value_desc *v);
/* How many parts composite value v has; part i of it. */
int output_value_nparts(const struct value_desc *v);
void output_value_part(const struct value_desc *v, int i, struct value_desc *part);
/* v in the given style: composites part by part, leaves by style->leaf. */
void output_print_styled(FILE *out, const struct compiled_program *prog,
                         const struct value_style *style, const struct value_desc *v,
                         const void *record);

#endif
