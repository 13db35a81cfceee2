/* The stack maps that kstack and ustack values are ids into: the printers
 * read the frames from them (stack_maps.c). */
#ifndef SOBT_OUTPUT_STACK_MAPS_H
#define SOBT_OUTPUT_STACK_MAPS_H

#include <stdint.h>

#include "program.h"

/* Gives the printers the loaded program's map fds (indexed like prog->maps):
 * kstack and ustack values are ids in its stack maps. Also starts watching its
 * maps for the pids of ustack/usym values, so that processes that exit before
 * the maps are printed can still be symbolized (see symbols/usyms.h). Call it after
 * loading, and with (NULL, NULL) before the maps are closed. Returns 0, or a
 * negative errno when the watcher could not start (printing still works). */
int output_use_maps(const struct compiled_program *prog, const int *map_fds);

/* The fd of the stack map that VK_KSTACK or VK_USTACK values refer to, and the
 * most frames one of its values holds; -1 before output_use_maps or when the
 * program has no such map. */
int output_stack_map_fd(enum value_kind kind, uint32_t *max_frames);

#endif
