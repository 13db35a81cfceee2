/* Formatting event records the way bpftrace's printf() and print(value) do. */
#ifndef SOBT_PRINTF_FORMAT_H
#define SOBT_PRINTF_FORMAT_H

#include <stdio.h>

#include "program.h"

/* printf(fmt, args...): the fields of `args` sit at their offsets in `data`.
 * Integers are widened to 64 bits (sign-extended when signed) and then read
 * by the conversion as C printf would read them, which is what bpftrace 0.17
 * does: %d/%u/%x/%o/%c take the low 32 bits, %hd 16, %hhd 8, %ld/%lld/%zd/%jd
 * all 64; %p prints 0x... (or "(nil)" for 0). `%%` prints one `%`. */
void output_printf(FILE *out, const struct compiled_program *prog, const char *fmt,
                   const struct record_desc *args, const void *data);

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
