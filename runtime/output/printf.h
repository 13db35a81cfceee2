/* Formatting event records the way bpftrace's printf() does. */
#ifndef SOBT_OUTPUT_PRINTF_H
#define SOBT_OUTPUT_PRINTF_H

#include <stdio.h>

#include "program.h"

/* printf(fmt, args...): the fields of `args` sit at their offsets in `data`.
 * Integers are widened to 64 bits (sign-extended when signed) and then read
 * by the conversion as C printf would read them, which is what bpftrace 0.17
 * does: %d/%u/%x/%o/%c take the low 32 bits, %hd 16, %hhd 8, %ld/%lld/%zd/%jd
 * all 64; %p prints 0x... (or "(nil)" for 0). `%%` prints one `%`. */
void output_printf(FILE *out, const struct compiled_program *prog, const char *fmt,
                   const struct record_desc *args, const void *data);

#endif
