/* Printing BPF maps exactly as bpftrace 0.17 prints them. Nothing else in
 * sobt prints maps: print(), the dump at exit, clear() and zero() come here. */
#ifndef SOBT_OUTPUT_H
#define SOBT_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "program.h"

/* Gives the printers the loaded program's map fds (indexed like prog->maps):
 * kstack and ustack values are ids in its stack maps. Also starts watching its
 * maps for the pids of ustack/usym values, so that processes that exit before
 * the maps are printed can still be symbolized (see usymbols.h). Call it after
 * loading, and with (NULL, NULL) before the maps are closed. Returns 0, or a
 * negative errno when the watcher could not start (printing still works). */
int output_use_maps(const struct compiled_program *prog, const int *map_fds);

/* The fd of the stack map that VK_KSTACK or VK_USTACK values refer to, and the
 * most frames one of its values holds; -1 before output_use_maps or when the
 * program has no such map. */
int output_stack_map_fd(enum value_kind kind, uint32_t *max_frames);

/* print(@m), print(@m, top), print(@m, top, div): top = 0 prints every entry,
 * otherwise the `top` largest; div = 0 or 1 leaves values undivided.
 * Returns 0, or a negative errno when the map cannot be read. */
int output_print_map(FILE *out, const struct compiled_program *prog, const struct map_desc *map,
                     int map_fd, uint64_t top, uint64_t div);

/* What bpftrace prints when the program ends: two newlines, then every
 * non-internal map in name order. map_fds[i] is the fd of prog->maps[i]
 * (negative fds are skipped). Returns 0 or the first negative errno. */
int output_print_maps_at_exit(FILE *out, const struct compiled_program *prog, const int *map_fds);

/* clear(@m): delete every key (array maps, whose keys cannot be deleted, are zeroed). */
int output_clear_map(int fd, const struct map_desc *map);

/* zero(@m): keep every key, set its value to zero on every CPU. */
int output_zero_map(int fd, const struct map_desc *map);

#endif
