/* The printers this runtime calls, as agreed with runtime/output.h and
 * runtime/printf_format.h (another engineer's files). Until those headers
 * land this declares the same prototypes; replace the include then. */
#ifndef SOBT_RUNTIME_OUTPUT_CALLS_H
#define SOBT_RUNTIME_OUTPUT_CALLS_H

#include <stdint.h>
#include <stdio.h>

#include "program.h"

int output_print_map(FILE *out, const struct compiled_program *prog, const struct map_desc *map,
                     int map_fd, uint64_t top, uint64_t div);
int output_print_maps_at_exit(FILE *out, const struct compiled_program *prog, const int *map_fds);
int output_clear_map(int fd, const struct map_desc *map);
int output_zero_map(int fd, const struct map_desc *map);
void output_printf(FILE *out, const struct compiled_program *prog, const char *fmt,
                   const struct record_desc *args, const void *data);
void output_print_value(FILE *out, const struct compiled_program *prog,
                        const struct value_desc *value, const void *data);

#endif
