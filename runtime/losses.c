/* Lost events and lost stacks: the programs count them per CPU (a failed
 * ring-buffer reservation, a failed bpf_get_stackid); the runtime sums the
 * CPUs and reports what is new since its last report. */
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "diag.h"
#include "losses.h"

int losses_open(struct losses *l, const struct compiled_program *prog,
                const struct loaded_program *lp)
{
    memset(l, 0, sizeof(*l));
    l->fd = -1;
    int id = prog->losses_map_id;
    if (id < 0)
        return 0;
    if (id >= lp->nmaps || lp->map_fds[id] < 0 ||
        prog->maps[id].bpf_type != BPF_MAP_TYPE_ARRAY ||
        prog->maps[id].value_size != 8 * LOSS_COUNTERS || prog->maps[id].max_entries != 1) {
        diag_plain_error("the loss counters name an unusable map %d", id);
        return -1;
    }
    l->fd = lp->map_fds[id];
    return 0;
}

/* What the programs have counted in slot `which` so far (every CPU adds
 * to the one value atomically); what was last reported when the map cannot
 * be read. */
static uint64_t total(struct losses *l, uint32_t which)
{
    uint32_t key = 0;
    uint64_t counters[LOSS_COUNTERS];
    if (bpf_map_lookup_elem(l->fd, &key, counters) != 0)
        return l->reported[which];
    return counters[which];
}

/* The count lost since the last report, which is now reported. */
static uint64_t take_new(struct losses *l, uint32_t which)
{
    if (l->fd < 0)
        return 0;
    uint64_t now = total(l, which);
    uint64_t fresh = now > l->reported[which] ? now - l->reported[which] : 0;
    l->reported[which] = now;
    return fresh;
}

void losses_report_events(struct losses *l, const struct output *out)
{
    uint64_t lost = take_new(l, LOSS_EVENTS);
    if (lost == 0)
        return;
    out->format->lost_events(out, lost);
    fflush(out->file);
}

void losses_report_stacks(struct losses *l, const struct compiled_program *prog)
{
    uint64_t lost = take_new(l, LOSS_STACKS);
    if (lost == 0)
        return;
    diag_plain_warning("Lost %" PRIu64 " stack trace%s: the stack map (%" PRIu32
                       " stacks) was full or the stack's hash slot held another stack; "
                       "%s print%s as an empty stack",
                       lost, lost == 1 ? "" : "s", prog->stack_map_entries,
                       lost == 1 ? "it" : "they", lost == 1 ? "s" : "");
}

void losses_close(struct losses *l)
{
    l->fd = -1;
}
