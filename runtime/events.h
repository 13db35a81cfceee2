/* The event channel: ring-buffer records from BPF, each starting with a u64
 * async id, dispatched to printf, time, print, clear, zero, exit, ...;
 * what they print goes through the output format (output/format.h). */
#ifndef SOBT_RUNTIME_EVENTS_H
#define SOBT_RUNTIME_EVENTS_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "loader.h"
#include "output/format.h"

struct events {
    const struct compiled_program *prog;
    const struct loaded_program *lp;
    struct output out;
    bool flush_batches; /* flush the output after each batch of records */
    struct ring_buffer *rb; /* NULL when the program sends no events */
    /* exit() was seen: like bpftrace, the records queued behind it are
     * dropped unread. */
    bool exit_seen;
    int exit_code; /* exit(code)'s code: sobt's exit status */
    /* Drop records without looking at them (after SIGINT, as bpftrace). */
    bool discard;
    /* Set (by a signal handler) when tracing must stop: the record being
     * handled is the last one, however many are queued; NULL: never. */
    const volatile sig_atomic_t *stop;
    int error; /* first error of a handler, reported once */
    struct pcap_writer **pcaps; /* skboutput() files by async id, opened when used */
};

/* What events_poll and events_drain return when they stopped reading because
 * of exit() or a stop request (libbpf stops consuming when the record
 * handler returns a negative value). Not an error. */
#define EVENTS_STOPPED (-ECANCELED)

int events_open(struct events *ev, const struct compiled_program *prog,
                const struct loaded_program *lp, const struct output *out, bool flush_batches);
/* Waits up to timeout_ms for records, or for wake_fd (when not -1) to
 * become readable, and handles the records there are. Returns the number
 * handled, EVENTS_STOPPED, or a negative errno (-EINTR when a signal arrived). */
int events_poll(struct events *ev, int timeout_ms, int wake_fd);
/* One record as the ring buffer hands it over (ctx is the struct events);
 * tests feed it records of their own. Returns 0 or EVENTS_STOPPED. */
int events_handle_record(void *ctx, void *data, size_t size);
/* Handles whatever is queued without waiting. */
int events_drain(struct events *ev);
void events_close(struct events *ev);

#endif
