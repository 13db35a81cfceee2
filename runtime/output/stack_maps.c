/* The stack maps the printers read kstack/ustack values from (see
 * output.h: output_use_maps, output_stack_map_fd). */
#include "output/stack_maps.h"
#include "symbols/usyms.h"

struct stack_map {
    int fd;
    uint32_t max_frames;
};

static struct stack_map kstack_map = {.fd = -1}, ustack_map = {.fd = -1};

static struct stack_map find_stack_map(const struct compiled_program *prog, const int *map_fds,
                                       int id)
{
    if (id < 0 || id >= prog->nmaps || map_fds[id] < 0)
        return (struct stack_map){.fd = -1};
    return (struct stack_map){.fd = map_fds[id], .max_frames = prog->maps[id].value_size / 8};
}

int output_use_maps(const struct compiled_program *prog, const int *map_fds)
{
    if (!prog || !map_fds) {
        usym_watch_stop();
        kstack_map = ustack_map = (struct stack_map){.fd = -1};
        return 0;
    }
    kstack_map = find_stack_map(prog, map_fds, prog->kstack_map_id);
    ustack_map = find_stack_map(prog, map_fds, prog->ustack_map_id);
    return usym_watch_start(prog, map_fds);
}

int output_stack_map_fd(enum value_kind kind, uint32_t *max_frames)
{
    const struct stack_map *m = kind == VK_KSTACK ? &kstack_map : &ustack_map;
    if (max_frames)
        *max_frames = m->max_frames;
    return m->fd;
}
