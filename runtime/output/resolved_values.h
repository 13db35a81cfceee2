/* Values whose text is found in userspace when they are printed: buf()
 * bytes, MAC addresses, cgroup paths, error texts, user names and
 * strftime() timestamps (program.h VK_BUFFER ... VK_TIMESTAMP). */
#ifndef SOBT_OUTPUT_RESOLVED_VALUES_H
#define SOBT_OUTPUT_RESOLVED_VALUES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "program.h"

/* buf() bytes as printf's %r (style '\0'), %rx ('x') or %rh ('h') show
 * them; map values, keys and print() show them as %r. */
void output_print_buffer(FILE *out, const uint8_t *field, uint32_t size, char style);

/* Is v one of the kinds above? Then output_print_resolved prints it. */
bool output_is_resolved_kind(enum value_kind kind);
void output_print_resolved(FILE *out, const struct compiled_program *prog,
                           const struct value_desc *v, const uint8_t *p);

#endif
