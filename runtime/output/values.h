/* One value as bpftrace prints it: in map keys and values, print(value),
 * and printf's %s. */
#ifndef SOBT_OUTPUT_VALUES_H
#define SOBT_OUTPUT_VALUES_H

#include <stdint.h>
#include <stdio.h>

#include "program.h"

/* print(value) for a non-map value: the value at v->offset in `data`, then a newline. */
void output_print_value(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                        const void *data);

/* One value (at v->offset in `record`) as the text bpftrace shows for it in map
 * keys, map values, print() and printf("%s"): integers in decimal by their
 * signedness, strings up to the first NUL, probe indexes as probe names,
 * ksym/usym as symbol names, kstack/ustack as "\n" then one indented line
 * per frame ("name+offset", or the address in hex when unresolvable). */
void output_print_field(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                        const void *record);

/* The same for a map key: stacks are indented by 4 spaces there and by 8
 * everywhere else, as in bpftrace ("@[\n    f1\n    f2\n]: 1"). */
void output_print_key_field(FILE *out, const struct compiled_program *prog,
                            const struct value_desc *v, const void *record);

/* The integer at v->offset in `record`, widened to 64 bits by its signedness. */
uint64_t output_read_int(const struct value_desc *v, const void *record);

#endif
