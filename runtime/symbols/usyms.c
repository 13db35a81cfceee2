/* User-space symbolization with libdwfl: one Dwfl (the process's modules as
 * /proc/PID/maps lists them, their ELF files opened at once) per process,
 * kept after the process exits. See usyms.h. */
#include "symbols/usyms.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "symbols/ksyms.h"

/* Processes kept at once; the least recently used one is dropped beyond it. */
#define MAX_PROCESSES 1024
/* A kept process is checked against /proc (pid reuse, exec) at most this often:
 * printing a map resolves many frames of one pid in a row. */
#define RECHECK_INTERVAL_NS (50 * 1000 * 1000ULL)
/* How often the watcher looks for new pids in the maps. */
#define WATCH_INTERVAL_NS (20 * 1000 * 1000L)

/* What tells two processes that had the same pid apart. */
struct process_identity {
    uint64_t start_time; /* field 22 of /proc/PID/stat, in clock ticks since boot */
    dev_t exe_dev;
    ino_t exe_ino;
};

struct process_syms {
    int pid;
    Dwfl *dwfl; /* NULL: the process was gone before we could read its map */
    struct process_identity id;
    uint64_t checked_ns;
    uint64_t last_used;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct process_syms cache[MAX_PROCESSES];
static int cache_len;
static uint64_t use_clock;

static char *debuginfo_path; /* NULL: libdwfl's default (.debug, /usr/lib/debug) */
static const Dwfl_Callbacks proc_callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Returns false when the process does not exist (any more). */
static bool read_identity(int pid, struct process_identity *id)
{
    char path[64], buf[1024];
    memset(id, 0, sizeof(*id));
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name may hold spaces and parentheses: fields count from the last ')'. */
    char *p = strrchr(buf, ')');
    if (!p)
        return false;
    p++;
    for (int field = 2; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    if (!p)
        return false;
    id->start_time = strtoull(p + 1, NULL, 10);
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d/exe", pid);
    if (stat(path, &st) == 0) { /* kernel threads have no exe: their identity is the start time */
        id->exe_dev = st.st_dev;
        id->exe_ino = st.st_ino;
    }
    return true;
}

static bool same_identity(const struct process_identity *a, const struct process_identity *b)
{
    return a->start_time == b->start_time && a->exe_dev == b->exe_dev && a->exe_ino == b->exe_ino;
}

/* Opening every module's ELF now keeps the files (and the vdso image, read from
 * the process's memory) available after the process and its files are gone. */
static int open_module_elf(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr start,
                           void *arg)
{
    GElf_Addr bias;
    dwfl_module_getelf(mod, &bias);
    return DWARF_CB_OK;
}

static Dwfl *report_process(int pid)
{
    Dwfl *dwfl = dwfl_begin(&proc_callbacks);
    if (!dwfl)
        return NULL;
    dwfl_report_begin(dwfl);
    int rc = dwfl_linux_proc_report(dwfl, pid);
    if (dwfl_report_end(dwfl, NULL, NULL) != 0 || rc != 0) {
        dwfl_end(dwfl);
        return NULL;
    }
    dwfl_getmodules(dwfl, open_module_elf, NULL, 0);
    return dwfl;
}

static void fill_entry(struct process_syms *e, int pid, uint64_t now)
{
    if (e->dwfl)
        dwfl_end(e->dwfl);
    e->pid = pid;
    e->checked_ns = now;
    e->dwfl = NULL;
    if (read_identity(pid, &e->id)) {
        e->dwfl = report_process(pid);
        /* An exec during the report may have mixed two images: read it once more.
         * An exit during the report is harmless: the map read while it lived is right. */
        struct process_identity after;
        if (e->dwfl && read_identity(pid, &after) && !same_identity(&after, &e->id)) {
            dwfl_end(e->dwfl);
            e->id = after;
            e->dwfl = report_process(pid);
        }
    }
}

static struct process_syms *find_entry(int pid)
{
    for (int i = 0; i < cache_len; i++)
        if (cache[i].pid == pid)
            return &cache[i];
    return NULL;
}

static struct process_syms *new_entry(void)
{
    if (cache_len < MAX_PROCESSES) {
        memset(&cache[cache_len], 0, sizeof(cache[0]));
        return &cache[cache_len++];
    }
    struct process_syms *oldest = &cache[0];
    for (int i = 1; i < cache_len; i++)
        if (cache[i].last_used < oldest->last_used)
            oldest = &cache[i];
    return oldest; /* fill_entry ends its old Dwfl */
}

/* The entry for pid, read or re-read as needed. Called with cache_lock held. */
static struct process_syms *lookup_process(int pid, bool recheck)
{
    uint64_t now = monotonic_ns();
    struct process_syms *e = find_entry(pid);
    if (!e) {
        e = new_entry();
        fill_entry(e, pid, now);
    } else if (recheck && now - e->checked_ns >= RECHECK_INTERVAL_NS) {
        struct process_identity id;
        e->checked_ns = now;
        /* A process that is gone keeps the map it had; a different live
         * process under the same pid (reuse, exec) is read afresh. */
        if (read_identity(pid, &id) && !same_identity(&id, &e->id))
            fill_entry(e, pid, now);
    }
    e->last_used = ++use_clock;
    return e;
}

typedef char *(*cxa_demangle_fn)(const char *mangled, char *out, size_t *len, int *status);

/* The C++ runtime's demangler when the program links it (sobt does, through
 * LLVM): a weak reference, so the runtime library does not depend on it. A
 * statically linked demangler is not in the dynamic symbol table, so
 * dlsym() would not find it. */
extern char *__cxa_demangle(const char *mangled, char *out, size_t *len, int *status)
    __attribute__((weak));

static cxa_demangle_fn find_demangler(void)
{
    return __cxa_demangle;
}

static bool resolve_symbols = true, demangle_symbols = true, keep_processes = true;

void usym_configure(bool resolve, bool demangle, bool keep)
{
    resolve_symbols = resolve;
    demangle_symbols = demangle;
    keep_processes = keep;
}

/* Cache NONE: the entry of pid is dropped after each use. */
static void forget_unless_kept(int pid)
{
    struct process_syms *e = keep_processes ? NULL : find_entry(pid);
    if (!e)
        return;
    if (e->dwfl)
        dwfl_end(e->dwfl);
    *e = cache[--cache_len];
}

static void write_symbol(const char *name, uint64_t offset, bool with_offset, char *buf, size_t cap)
{
    char *demangled = NULL;
    cxa_demangle_fn demangle =
        demangle_symbols && strncmp(name, "_Z", 2) == 0 ? find_demangler() : NULL;
    if (demangle) {
        int status = -1;
        demangled = demangle(name, NULL, NULL, &status);
        if (status != 0) {
            free(demangled);
            demangled = NULL;
        }
    }
    const char *shown = demangled ? demangled : name;
    if (with_offset)
        snprintf(buf, cap, "%s+%" PRIu64, shown, offset);
    else
        snprintf(buf, cap, "%s", shown);
    free(demangled);
}

static bool resolve_locked(int pid, uint64_t addr, bool with_offset, char *buf, size_t cap)
{
    if (pid <= 0 || !resolve_symbols)
        return false;
    struct process_syms *e = lookup_process(pid, true);
    if (!e->dwfl)
        return false;
    Dwfl_Module *mod = dwfl_addrmodule(e->dwfl, addr);
    if (!mod)
        return false;
    GElf_Off offset = 0;
    GElf_Sym sym;
    const char *name = dwfl_module_addrinfo(mod, addr, &offset, &sym, NULL, NULL, NULL);
    /* libdwfl falls back to the nearest sizeless symbol; bcc (and so bpftrace)
     * only accepts a symbol whose extent holds the address. */
    if (!name || !name[0] || sym.st_size == 0 || offset >= sym.st_size)
        return false;
    write_symbol(name, offset, with_offset, buf, cap);
    return true;
}

bool usym_format(int pid, uint64_t addr, bool with_offset, char *buf, size_t cap)
{
    pthread_mutex_lock(&cache_lock);
    bool ok = resolve_locked(pid, addr, with_offset, buf, cap);
    forget_unless_kept(pid);
    pthread_mutex_unlock(&cache_lock);
    if (!ok)
        symbols_format_address(addr, buf, cap);
    return ok;
}

bool usym_module(int pid, uint64_t addr, char *buf, size_t cap)
{
    bool found = false;
    pthread_mutex_lock(&cache_lock);
    if (pid > 0 && resolve_symbols) {
        struct process_syms *e = lookup_process(pid, true);
        Dwfl_Module *mod = e->dwfl ? dwfl_addrmodule(e->dwfl, addr) : NULL;
        const char *file = NULL;
        if (mod)
            dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &file, NULL);
        if (file) {
            snprintf(buf, cap, "%s", file);
            found = true;
        }
        forget_unless_kept(pid);
    }
    pthread_mutex_unlock(&cache_lock);
    if (!found)
        snprintf(buf, cap, "[unknown]");
    return found;
}

bool usym_remember_process(int pid)
{
    if (pid <= 0)
        return false;
    pthread_mutex_lock(&cache_lock);
    struct process_syms *e = lookup_process(pid, false);
    bool known = e->dwfl != NULL;
    pthread_mutex_unlock(&cache_lock);
    return known;
}

void usym_free(void)
{
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < cache_len; i++)
        if (cache[i].dwfl)
            dwfl_end(cache[i].dwfl);
    cache_len = 0;
    pthread_mutex_unlock(&cache_lock);
}

/* ---- The watcher ------------------------------------------------------------- */

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

void usym_watch_stop(void)
{
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
    if (!keep_processes || !resolve_symbols)
        return 0; /* nothing is kept: remembering processes would keep them */
    usym_watch_stop();
    int err = collect_watched_maps(prog, map_fds);
    if (err || watcher.nmaps == 0) {
        usym_watch_stop();
        return err;
    }
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
