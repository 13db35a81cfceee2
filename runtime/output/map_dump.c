/* Printing maps in the chosen format: read a map into rows, apply print()'s
 * top, hand the rows to the format's printer; at exit, every map in name
 * order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output/map_rows.h"
#include "output/output.h"

int output_print_map(const struct output *o, const struct compiled_program *prog,
                     const struct map_desc *map, int map_fd, uint64_t top, uint64_t div)
{
    struct map_rows rows;
    int err = map_rows_read(&rows, prog, map, map_fd);
    if (err)
        return err;
    /* bpftrace 0.17 prints every stats entry undivided whatever top and div say. */
    if (map->agg == AGG_STATS)
        top = div = 0;
    size_t first = top && rows.nrows > top ? rows.nrows - (size_t)top : 0;
    o->format->map(o, &rows, first, div);
    map_rows_free(&rows);
    return 0;
}

static int compare_map_names(const void *pa, const void *pb)
{
    const struct map_desc *a = *(const struct map_desc *const *)pa;
    const struct map_desc *b = *(const struct map_desc *const *)pb;
    return strcmp(a->name, b->name);
}

int output_print_maps_at_exit(const struct output *o, const struct compiled_program *prog,
                              const int *map_fds)
{
    /* In both formats; 0.17 writes them to standard output even when -o FILE
     * takes the rest (so a JSON file holds JSON lines only). */
    fputs("\n\n", o->console ? o->console : o->file);
    const struct map_desc **order =
        malloc((size_t)(prog->nmaps ? prog->nmaps : 1) * sizeof(*order));
    if (!order)
        return -ENOMEM;
    int n = 0;
    for (int i = 0; i < prog->nmaps; i++) {
        if (!prog->maps[i].is_internal && map_fds[i] >= 0)
            order[n++] = &prog->maps[i];
    }
    if (n > 1)
        qsort(order, (size_t)n, sizeof(*order), compare_map_names);

    int first_err = 0;
    for (int i = 0; i < n; i++) {
        int err = output_print_map(o, prog, order[i], map_fds[order[i] - prog->maps], 0, 0);
        if (err && !first_err)
            first_err = err;
    }
    free(order);
    return first_err;
}
