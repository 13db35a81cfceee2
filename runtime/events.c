/* The event loop's other half: each ring-buffer record is a u64 async id
 * (an index into program->asyncs) followed by that action's arguments. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "diag.h"
#include "events.h"
#include "output/output.h"
#include "output/printf.h"

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

/* system() and cat() take a printf-style format and arguments: the text they
 * act on is what printf would print. NULL when out of memory. */
static char *format_to_string(const struct events *ev, const struct async_desc *ad,
                              const void *args)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return NULL;
    output_printf(mem, ev->prog, ad->fmt, &ad->args, args);
    if (fclose(mem) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* An error of system() or cat() is reported and tracing goes on, with exit
 * status 0, as in bpftrace. Our output is flushed first so that the message
 * lands after what was printed before it. */
static void report_action_error(struct events *ev, const char *fmt, const char *what, int err)
{
    fflush(ev->out.file);
    diag_plain_error(fmt, what, strerror(err));
}

/* system(): /bin/sh -c COMMAND, like system(3). Its standard output is copied
 * into ours (so `-o FILE` gets it, as in bpftrace), its standard error is
 * shared; our buffered output is flushed first to keep the order. Its exit
 * status is ignored, as bpftrace ignores it. */
static void run_system(struct events *ev, FILE *out, const char *command)
{
    fflush(ev->out.file);
    FILE *child = popen(command, "r");
    if (!child) {
        report_action_error(ev, "system(\"%s\") could not start: %s", command, errno);
        return;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), child)) > 0)
        fwrite(buf, 1, n, out);
    pclose(child);
}

#define CAT_BYTES_MAX_DEFAULT 10240

/* cat(): the first cat_bytes_max bytes of a file (BPFTRACE_CAT_BYTES_MAX),
 * as they are: nothing past them is read, so a endless file (/dev/zero) or
 * a huge one costs no more. */
static void cat_file(struct events *ev, FILE *out, const char *path)
{
    const uint64_t max = ev->prog->settings.cat_bytes_max ? ev->prog->settings.cat_bytes_max
                                                          : CAT_BYTES_MAX_DEFAULT;
    FILE *f = fopen(path, "r");
    if (!f) {
        report_action_error(ev, "failed to open file '%s': %s", path, errno);
        return;
    }
    char buf[4096];
    size_t total = 0;
    while (total < max) {
        size_t want = max - total < sizeof(buf) ? (size_t)(max - total) : sizeof(buf);
        size_t n = fread(buf, 1, want, f);
        fwrite(buf, 1, n, out);
        total += n;
        if (n < want) {
            if (ferror(f))
                report_action_error(ev, "failed to read file '%s': %s", path, errno);
            break;
        }
    }
    fclose(f);
}

static void run_action(struct events *ev, FILE *out, const struct async_desc *ad,
                       const void *args)
{
    char *text = format_to_string(ev, ad, args);
    if (!text) {
        report_action_error(ev, "%s: %s", ad->kind == ASYNC_SYSTEM ? "system()" : "cat()", ENOMEM);
        return;
    }
    if (ad->kind == ASYNC_SYSTEM)
        run_system(ev, out, text);
    else
        cat_file(ev, out, text);
    free(text);
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

/* join(): the strings of an argv array, up to the first empty one (the
 * newline text ends the line with is the format's: format_text.c). */
static void print_joined(FILE *out, const struct async_desc *ad, const void *args)
{
    for (int i = 0; i < ad->args.nfields; i++) {
        const struct value_desc *f = &ad->args.fields[i];
        const char *s = (const char *)args + f->offset;
        size_t n = strnlen(s, f->size);
        if (n == 0)
            break;
        if (i > 0)
            fputs(ad->fmt ? ad->fmt : " ", out);
        fwrite(s, 1, n, out);
    }
}

/* The records whose content is text (printf, time, cat, join, system): the
 * text goes to the stream the output format hands out for it. */
typedef void (*text_writer)(struct events *ev, FILE *out, const struct async_desc *ad,
                            const void *args);

static int text_record(struct events *ev, const struct async_desc *ad, const void *args,
                       enum text_record kind, text_writer write)
{
    const struct output_format *format = ev->out.format;
    struct text_record_buffer record;
    FILE *out = format->record_open(&ev->out, &record);
    if (!out)
        return report_once(ev, -ENOMEM, "%s", "out of memory for an output record");
    write(ev, out, ad, args);
    format->record_close(&ev->out, &record, kind);
    return 0;
}

static void write_printf(struct events *ev, FILE *out, const struct async_desc *ad,
                         const void *args)
{
    output_printf(out, ev->prog, ad->fmt, &ad->args, args);
}

static void write_time(struct events *ev, FILE *out, const struct async_desc *ad,
                       const void *args)
{
    print_time(out, ad->fmt);
}

static void write_joined(struct events *ev, FILE *out, const struct async_desc *ad,
                         const void *args)
{
    print_joined(out, ad, args);
}

/* ---- one handler per event kind (program.h enum async_kind) ---- */

static int on_printf(struct events *ev, const struct async_desc *ad, const void *args)
{
    return text_record(ev, ad, args, TEXT_PRINTF, write_printf);
}

static int on_time(struct events *ev, const struct async_desc *ad, const void *args)
{
    return text_record(ev, ad, args, TEXT_TIME, write_time);
}

static int on_system(struct events *ev, const struct async_desc *ad, const void *args)
{
    return text_record(ev, ad, args, TEXT_SYSTEM, run_action);
}

static int on_cat(struct events *ev, const struct async_desc *ad, const void *args)
{
    return text_record(ev, ad, args, TEXT_CAT, run_action);
}

static int on_join(struct events *ev, const struct async_desc *ad, const void *args)
{
    return text_record(ev, ad, args, TEXT_JOIN, write_joined);
}

static int on_print(struct events *ev, const struct async_desc *ad, const void *args)
{
    const struct map_desc *map = map_of(ev, ad);
    if (!map)
        return report_once(ev, -EINVAL, "%s", "malformed event: unknown map");
    output_print_map(&ev->out, ev->prog, map, ev->lp->map_fds[ad->map_id], ad->top, ad->div);
    return 0;
}

static int on_clear(struct events *ev, const struct async_desc *ad, const void *args)
{
    const struct map_desc *map = map_of(ev, ad);
    if (!map)
        return report_once(ev, -EINVAL, "%s", "malformed event: unknown map");
    output_clear_map(ev->lp->map_fds[ad->map_id], map);
    return 0;
}

static int on_zero(struct events *ev, const struct async_desc *ad, const void *args)
{
    const struct map_desc *map = map_of(ev, ad);
    if (!map)
        return report_once(ev, -EINVAL, "%s", "malformed event: unknown map");
    output_zero_map(ev->lp->map_fds[ad->map_id], map);
    return 0;
}

static int on_exit_event(struct events *ev, const struct async_desc *ad, const void *args)
{
    ev->exit_seen = true;
    return 0;
}

static int on_print_value(struct events *ev, const struct async_desc *ad, const void *args)
{
    if (ad->args.nfields < 1)
        return report_once(ev, -EINVAL, "%s", "malformed event: print() without a value");
    ev->out.format->value(&ev->out, ev->prog, &ad->args.fields[0], args);
    return 0;
}

static int on_helper_error(struct events *ev, const struct async_desc *ad, const void *args)
{
    if (ad->args.size < sizeof(int64_t))
        return report_once(ev, -EINVAL, "%s", "malformed event: helper error without a value");
    int64_t ret;
    memcpy(&ret, args, sizeof(ret));
    ev->out.format->helper_error(&ev->out, ev->prog, ad, ret);
    return 0;
}

/* errorf() and warnf(): "FILE:LINE:COL-END: ERROR: text" on stderr, after
 * what the program printed before it. warnf() is silent under
 * --no-warnings. */
static int report_at_source(struct events *ev, const struct async_desc *ad, const void *args,
                            const char *level)
{
    if (ad->kind == ASYNC_WARNF && diag_no_warnings)
        return 0;
    char *text = format_to_string(ev, ad, args);
    if (!text)
        return report_once(ev, -ENOMEM, "%s", "out of memory for an output record");
    fflush(ev->out.file);
    FILE *err = diag_stream ? diag_stream : stderr;
    fprintf(err, "%s:%d:%d-%d: %s: %s\n", ev->prog->source_name ? ev->prog->source_name : "stdin",
            ad->where.line, ad->where.col, ad->where.end_col, level, text);
    free(text);
    return 0;
}

static int on_errorf(struct events *ev, const struct async_desc *ad, const void *args)
{
    return report_at_source(ev, ad, args, "ERROR");
}

static int on_warnf(struct events *ev, const struct async_desc *ad, const void *args)
{
    return report_at_source(ev, ad, args, "WARNING");
}

/* unwatch(addr): removes the watchpoint on addr; sobt has no watchpoint
 * probes yet, so no address is watched and there is nothing to remove. */
static int on_unwatch(struct events *ev, const struct async_desc *ad, const void *args)
{
    return 0;
}

typedef int (*event_handler)(struct events *ev, const struct async_desc *ad, const void *args);

/* What each event kind does: the built-in that sends it names its kind
 * (compiler/builtins/builtins.c); adding a kind is a line here. */
static const event_handler handlers[] = {
    [ASYNC_PRINTF] = on_printf,
    [ASYNC_TIME] = on_time,
    [ASYNC_PRINT] = on_print,
    [ASYNC_CLEAR] = on_clear,
    [ASYNC_ZERO] = on_zero,
    [ASYNC_EXIT] = on_exit_event,
    [ASYNC_SYSTEM] = on_system,
    [ASYNC_CAT] = on_cat,
    [ASYNC_PRINT_VALUE] = on_print_value,
    [ASYNC_JOIN] = on_join,
    [ASYNC_HELPER_ERROR] = on_helper_error,
    [ASYNC_ERRORF] = on_errorf,
    [ASYNC_WARNF] = on_warnf,
    [ASYNC_UNWATCH] = on_unwatch,
};

static int handle_record(void *ctx, void *data, size_t size)
{
    struct events *ev = ctx;
    if (ev->discard)
        return 0;
    /* Stop consuming: whatever is queued behind exit() is dropped anyway,
     * and after a stop request the queue may never drain (each system()
     * makes the very events that refill it). */
    if (ev->exit_seen || (ev->stop && *ev->stop))
        return EVENTS_STOPPED;
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
    if ((size_t)ad->kind >= sizeof(handlers) / sizeof(handlers[0]) || !handlers[ad->kind])
        return report_once(ev, -EINVAL, "%s", "malformed event: unknown event kind");
    return handlers[ad->kind](ev, ad, args);
}

int events_open(struct events *ev, const struct compiled_program *prog,
                const struct loaded_program *lp, const struct output *out, bool flush_batches)
{
    memset(ev, 0, sizeof(*ev));
    ev->prog = prog;
    ev->lp = lp;
    ev->out = *out;
    ev->flush_batches = flush_batches;
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

/* Waits for records, or for wake_fd to become readable. */
static int wait_readable(struct events *ev, int timeout_ms, int wake_fd)
{
    struct pollfd fds[2] = {{.fd = wake_fd, .events = POLLIN},
                            {.fd = ev->rb ? ring_buffer__epoll_fd(ev->rb) : -1, .events = POLLIN}};
    int n = poll(fds, ev->rb ? 2 : 1, timeout_ms);
    return n < 0 ? -errno : 0;
}

int events_poll(struct events *ev, int timeout_ms, int wake_fd)
{
    int n;
    if (wake_fd >= 0 || !ev->rb) {
        /* Nothing to read, or something else to wait for too: wait,
         * interruptibly, then take what came. */
        int rc = wake_fd >= 0 ? wait_readable(ev, timeout_ms, wake_fd)
                              : (poll(NULL, 0, timeout_ms) < 0 ? -errno : 0);
        if (rc < 0 || !ev->rb)
            return rc;
        n = ring_buffer__consume(ev->rb);
    } else {
        n = ring_buffer__poll(ev->rb, timeout_ms);
    }
    if (n > 0 && ev->flush_batches)
        fflush(ev->out.file); /* live output for `sobt ... | grep` */
    return n;
}

int events_drain(struct events *ev)
{
    if (!ev->rb)
        return 0;
    int n = ring_buffer__consume(ev->rb);
    if (ev->flush_batches)
        fflush(ev->out.file);
    return n;
}

void events_close(struct events *ev)
{
    if (ev->rb)
        ring_buffer__free(ev->rb);
    ev->rb = NULL;
}
