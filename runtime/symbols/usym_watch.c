/* The map watcher (see usyms.h): a thread that looks at the maps holding
 * ustack and usym values for pids it has not seen, so that processes that
 * started before the tracing are read while they live; and the kernel's
 * mmap records (mmap_tracker.h), started with it, for every process that
 * starts while the program runs. */
#include <bpf/bpf.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "symbols/mmap_tracker.h"
#include "symbols/usyms.h"

/* How often the watcher reads the mmap records and looks for new pids in the
 * maps: one CPU's ring holds the records of some tens of process starts,
 * which a busy machine (a parallel build) makes in a second or two. */
#define WATCH_INTERVAL_NS (20 * 1000 * 1000L)

#define MAX_PID_FIELDS 8

/* A map whose keys or values hold {addr or stack id, pid} pairs. */
struct watched_map {
    int fd;
    uint32_t key_size, value_size;
    uint32_t key_pid_offsets[MAX_PID_FIELDS];
    int nkey_pids;
    uint32_t value_pid_offsets[MAX_PID_FIELDS];
    int nvalue_pids;
};

struct watcher {
    pthread_t thread;
    bool running;
    bool stop; /* under watch_lock */
    struct watched_map *maps;
    int nmaps;
};

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watch_wake = PTHREAD_COND_INITIALIZER;
static struct watcher watcher;

static bool holds_user_pid(const struct value_desc *v)
{
    return (v->kind == VK_USTACK || v->kind == VK_USYM) && v->size >= 16;
}

static uint64_t read_pid(const uint8_t *record, uint32_t offset)
{
    uint64_t pid;
    memcpy(&pid, record + offset, sizeof(pid));
    return pid;
}

static void remember_pid_at(const uint8_t *record, uint32_t offset)
{
    uint64_t pid = read_pid(record, offset);
    if (pid > 0 && pid < (1u << 30)) /* PID_MAX_LIMIT is 2^22; anything else is not a pid */
        usym_remember_process((int)pid);
}

static void scan_map(const struct watched_map *m, uint8_t *key, uint8_t *prev, uint8_t *value)
{
    bool have_prev = false;
    while (bpf_map_get_next_key(m->fd, have_prev ? prev : NULL, key) == 0) {
        for (int i = 0; i < m->nkey_pids; i++)
            remember_pid_at(key, m->key_pid_offsets[i]);
        if (m->nvalue_pids && bpf_map_lookup_elem(m->fd, key, value) == 0)
            for (int i = 0; i < m->nvalue_pids; i++)
                remember_pid_at(value, m->value_pid_offsets[i]);
        memcpy(prev, key, m->key_size);
        have_prev = true;
    }
}

static bool wait_or_stop(void)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += WATCH_INTERVAL_NS;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&watch_lock);
    while (!watcher.stop && pthread_cond_timedwait(&watch_wake, &watch_lock, &deadline) == 0)
        ;
    bool stop = watcher.stop;
    pthread_mutex_unlock(&watch_lock);
    return stop;
}

static void *watch_loop(void *arg)
{
    size_t biggest = 8;
    for (int i = 0; i < watcher.nmaps; i++) {
        if (watcher.maps[i].key_size > biggest)
            biggest = watcher.maps[i].key_size;
        if (watcher.maps[i].value_size > biggest)
            biggest = watcher.maps[i].value_size;
    }
    uint8_t *key = calloc(1, biggest), *prev = calloc(1, biggest), *value = calloc(1, biggest);
    if (key && prev && value) {
        do {
            mmap_tracker_poll();
            for (int i = 0; i < watcher.nmaps; i++)
                scan_map(&watcher.maps[i], key, prev, value);
        } while (!wait_or_stop());
    }
    free(key);
    free(prev);
    free(value);
    return NULL;
}

static void add_pid_offset(uint32_t *offsets, int *n, uint32_t offset)
{
    if (*n < MAX_PID_FIELDS)
        offsets[(*n)++] = offset;
}

/* The maps worth watching and where their pids sit. */
static int collect_watched_maps(const struct compiled_program *prog, const int *map_fds)
{
    watcher.maps = calloc((size_t)(prog->nmaps ? prog->nmaps : 1), sizeof(*watcher.maps));
    if (!watcher.maps)
        return -ENOMEM;
    watcher.nmaps = 0;
    for (int i = 0; i < prog->nmaps; i++) {
        const struct map_desc *map = &prog->maps[i];
        if (map->is_internal || map_fds[i] < 0)
            continue;
        struct watched_map m = {.fd = map_fds[i], .key_size = map->key_size};
        for (int f = 0; f < map->key.nfields; f++)
            if (holds_user_pid(&map->key.fields[f]) &&
                map->key.fields[f].offset + 16 <= map->key_size)
                add_pid_offset(m.key_pid_offsets, &m.nkey_pids, map->key.fields[f].offset + 8);
        /* Plain values are one per key (never per-CPU). */
        if (map->agg == AGG_NONE && holds_user_pid(&map->value) &&
            map->value.offset + 16 <= map->value_size) {
            m.value_size = map->value_size;
            add_pid_offset(m.value_pid_offsets, &m.nvalue_pids, map->value.offset + 8);
        }
        if (m.nkey_pids || m.nvalue_pids)
            watcher.maps[watcher.nmaps++] = m;
    }
    return 0;
}

static bool is_user_value(const struct value_desc *v)
{
    return v->kind == VK_USTACK || v->kind == VK_USYM;
}

static bool record_has_user_values(const struct record_desc *r)
{
    for (int i = 0; i < r->nfields; i++)
        if (is_user_value(&r->fields[i]))
            return true;
    return false;
}

/* Does anything the program prints name user addresses (ustack, usym, the
 * func of a uprobe)? */
static bool program_has_user_symbols(const struct compiled_program *prog)
{
    if (prog->ustack_map_id >= 0)
        return true;
    for (int i = 0; i < prog->nmaps; i++)
        if (record_has_user_values(&prog->maps[i].key) || is_user_value(&prog->maps[i].value))
            return true;
    for (int i = 0; i < prog->nasyncs; i++)
        if (record_has_user_values(&prog->asyncs[i].args))
            return true;
    return false;
}

void usym_watch_stop(void)
{
    mmap_tracker_stop();
    if (watcher.running) {
        pthread_mutex_lock(&watch_lock);
        watcher.stop = true;
        pthread_cond_signal(&watch_wake);
        pthread_mutex_unlock(&watch_lock);
        pthread_join(watcher.thread, NULL);
    }
    free(watcher.maps);
    memset(&watcher, 0, sizeof(watcher));
}

int usym_watch_start(const struct compiled_program *prog, const int *map_fds)
{
    usym_watch_stop();
    if (!program_has_user_symbols(prog) || !usym_keeps_processes())
        return 0; /* nothing to keep, or nothing is kept (BPFTRACE_CACHE_USER_SYMBOLS) */
    /* the kernel's records cover every process that starts from now on */
    int err = mmap_tracker_start();
    if (err)
        return err;
    /* The thread runs even with no map to watch: it also drains the
     * tracker's ring every tick (a printf of ustack reads it only per event). */
    err = collect_watched_maps(prog, map_fds);
    if (err)
        return err;
    /* The thread starts with every signal blocked: SIGINT and SIGTERM must reach
     * the main thread, whose wait for events they interrupt. */
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    err = pthread_create(&watcher.thread, NULL, watch_loop, NULL);
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    if (err) {
        usym_watch_stop();
        return -err;
    }
    watcher.running = true;
    return 0;
}
