/* Printing BPF maps exactly as bpftrace 0.17 prints them, in the chosen
 * format (format.h). Nothing else in sobt prints maps: print(), the dump at
 * exit, clear() and zero() come here (map_dump.c, map_snapshot.c). */
#ifndef SOBT_OUTPUT_H
#define SOBT_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "output/format.h"
#include "program.h"

/* print(@m), print(@m, top), print(@m, top, div): top = 0 prints every entry,
 * otherwise the `top` largest; div = 0 or 1 leaves values undivided.
 * Returns 0, or a negative errno when the map cannot be read. */
int output_print_map(const struct output *o, const struct compiled_program *prog,
                     const struct map_desc *map, int map_fd, uint64_t top, uint64_t div);

/* What bpftrace prints when the program ends: two newlines, then every
 * non-internal map in name order. map_fds[i] is the fd of prog->maps[i]
 * (negative fds are skipped). Returns 0 or the first negative errno. */
int output_print_maps_at_exit(const struct output *o, const struct compiled_program *prog,
                              const int *map_fds);

/* clear(@m): delete every key (array maps, whose keys cannot be deleted, are zeroed). */
int output_clear_map(int fd, const struct map_desc *map);

/* zero(@m): keep every key, set its value to zero on every CPU. */
int output_zero_map(int fd, const struct map_desc *map);

#endif
