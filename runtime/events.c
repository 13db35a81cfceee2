/* The event loop's other half: each ring-buffer record is a u64 async id
 * (an index into program->asyncs) followed by that action's arguments. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "diag.h"
#include "events.h"
#include "output.h"
#include "printf_format.h"

#define DEFAULT_TIME_FORMAT "%H:%M:%S\n"

static void print_time(FILE *out, const char *fmt)
{
    char buf[1024];
    time_t now = time(NULL);
    struct tm local;
    localtime_r(&now, &local);
    size_t n = strftime(buf, sizeof(buf), fmt && fmt[0] ? fmt : DEFAULT_TIME_FORMAT, &local);
    fwrite(buf, 1, n, out);
}

static const struct map_desc *map_of(struct events *ev, const struct async_desc *ad)
{
    if (ad->map_id < 0 || ad->map_id >= ev->prog->nmaps)
        return NULL;
    return &ev->prog->maps[ad->map_id];
}

static int report_once(struct events *ev, int err, const char *fmt, const char *what)
{
    if (!ev->error)
        diag_plain_error(fmt, what);
    ev->error = err;
    return 0; /* keep going: one bad record should not stop tracing */
}

static int handle_record(void *ctx, void *data, size_t size)
{
    struct events *ev = ctx;
    if (ev->discard || ev->exit_seen)
        return 0;
    uint64_t id;
    if (size < sizeof(id))
        return report_once(ev, -EINVAL, "%s", "malformed event: shorter than its id");
    memcpy(&id, data, sizeof(id));
    if (id >= (uint64_t)ev->prog->nasyncs)
        return report_once(ev, -EINVAL, "%s", "malformed event: unknown async id");
    const struct async_desc *ad = &ev->prog->asyncs[id];
    const void *args = (const char *)data + sizeof(id);
    if (size - sizeof(id) < ad->args.size)
        return report_once(ev, -EINVAL, "%s", "malformed event: shorter than its arguments");

    const struct map_desc *map;
    switch (ad->kind) {
    case ASYNC_PRINTF:
        output_printf(ev->out, ev->prog, ad->fmt, &ad->args, args);
        break;
    case ASYNC_TIME:
        print_time(ev->out, ad->fmt);
        break;
    case ASYNC_PRINT:
    case ASYNC_CLEAR:
    case ASYNC_ZERO:
        map = map_of(ev, ad);
        if (!map)
            return report_once(ev, -EINVAL, "%s", "malformed event: unknown map");
        if (ad->kind == ASYNC_PRINT)
            output_print_map(ev->out, ev->prog, map, ev->lp->map_fds[ad->map_id], ad->top, ad->div);
        else if (ad->kind == ASYNC_CLEAR)
            output_clear_map(ev->lp->map_fds[ad->map_id], map);
        else
            output_zero_map(ev->lp->map_fds[ad->map_id], map);
        break;
    case ASYNC_EXIT:
        ev->exit_seen = true;
        break;
    case ASYNC_PRINT_VALUE:
        if (ad->args.nfields < 1)
            return report_once(ev, -EINVAL, "%s", "malformed event: print() without a value");
        output_print_value(ev->out, ev->prog, &ad->args.fields[0], args);
        break;
    case ASYNC_SYSTEM:
        return report_once(ev, -ENOTSUP, "%s", "system() is not implemented yet");
    case ASYNC_CAT:
        return report_once(ev, -ENOTSUP, "%s", "cat() is not implemented yet");
    }
    return 0;
}

int events_open(struct events *ev, const struct compiled_program *prog,
                const struct loaded_program *lp, FILE *out)
{
    memset(ev, 0, sizeof(*ev));
    ev->prog = prog;
    ev->lp = lp;
    ev->out = out;
    if (prog->ringbuf_map_id < 0)
        return 0;
    if (prog->ringbuf_map_id >= lp->nmaps) {
        diag_plain_error("the event channel names an unknown map");
        return -1;
    }
    ev->rb = ring_buffer__new(lp->map_fds[prog->ringbuf_map_id], handle_record, ev, NULL);
    if (!ev->rb) {
        diag_plain_error("could not open the event ring buffer: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int events_poll(struct events *ev, int timeout_ms)
{
    if (!ev->rb) {
        /* Nothing to read: just wait, interruptibly, like a poll would. */
        return poll(NULL, 0, timeout_ms) < 0 ? -errno : 0;
    }
    int n = ring_buffer__poll(ev->rb, timeout_ms);
    if (n > 0)
        fflush(ev->out); /* live output for `sobt ... | grep` */
    return n;
}

int events_drain(struct events *ev)
{
    if (!ev->rb)
        return 0;
    int n = ring_buffer__consume(ev->rb);
    fflush(ev->out);
    return n;
}

void events_close(struct events *ev)
{
    if (ev->rb)
        ring_buffer__free(ev->rb);
    ev->rb = NULL;
}
