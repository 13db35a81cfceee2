/* Stand-ins for runtime/output.c and runtime/printf_format.c (being written
 * by another engineer) so the runtime can be tested on its own. They print
 * just enough to show that the runtime passed the right format, record and
 * map file descriptor: printf formats one u64 argument; the map dump lists
 * each printed map's keys in ascending order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "output_calls.h"

void output_printf(FILE *out, const struct compiled_program *prog, const char *fmt,
                   const struct record_desc *args, const void *data)
{
    uint64_t v = 0;
    if (args->nfields > 0)
        memcpy(&v, (const char *)data + args->fields[0].offset, sizeof(v));
    fprintf(out, fmt, (long long)v);
}

void output_print_value(FILE *out, const struct compiled_program *prog,
                        const struct value_desc *value, const void *data)
{
    uint64_t v;
    memcpy(&v, (const char *)data + value->offset, sizeof(v));
    fprintf(out, "%llu\n", (unsigned long long)v);
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Keys of a map whose BPF key is a u64. */
int output_print_map(FILE *out, const struct compiled_program *prog, const struct map_desc *map,
                     int map_fd, uint64_t top, uint64_t div)
{
    uint64_t keys[1024];
    int n = 0;
    uint64_t key, *prev = NULL;
    while (n < 1024 && bpf_map_get_next_key(map_fd, prev, &key) == 0) {
        keys[n++] = key;
        prev = &keys[n - 1];
    }
    qsort(keys, n, sizeof(keys[0]), compare_u64);
    fprintf(out, "%s: keys", map->name);
    for (int i = 0; i < n; i++)
        fprintf(out, " %llu", (unsigned long long)keys[i]);
    fputc('\n', out);
    return 0;
}

int output_print_maps_at_exit(FILE *out, const struct compiled_program *prog, const int *map_fds)
{
    for (int i = 0; i < prog->nmaps; i++)
        if (!prog->maps[i].is_internal)
            output_print_map(out, prog, &prog->maps[i], map_fds[i], 0, 0);
    return 0;
}

int output_clear_map(int fd, const struct map_desc *map)
{
    return 0;
}

int output_zero_map(int fd, const struct map_desc *map)
{
    return 0;
}
