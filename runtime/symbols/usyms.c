/* User-space symbolization with libdwfl: one Dwfl (the process's modules as
 * /proc/PID/maps lists them, their ELF files opened at once) per process,
 * kept after the process exits. See usyms.h. */
#include "symbols/usyms.h"

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "symbols/ksyms.h"
#include "symbols/mmap_tracker.h"

/* Processes kept at once; the least recently used one is dropped beyond it. */
#define MAX_PROCESSES 1024
/* A kept process is checked against /proc (pid reuse, exec) at most this often:
 * printing a map resolves many frames of one pid in a row. */
#define RECHECK_INTERVAL_NS (50 * 1000 * 1000ULL)

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
    uint64_t tracked_generation; /* > 0: built from the mmap tracker's record of it */
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

/* libdwfl over the mappings the tracker recorded (/proc/PID/maps lines):
 * the same modules as reading /proc would give while the process lived. */
static Dwfl *report_recorded(const char *maps)
{
    Dwfl *dwfl = *maps ? dwfl_begin(&proc_callbacks) : NULL;
    FILE *f = dwfl ? fmemopen((void *)maps, strlen(maps), "r") : NULL;
    if (!f) {
        if (dwfl)
            dwfl_end(dwfl);
        return NULL;
    }
    dwfl_report_begin(dwfl);
    int rc = dwfl_linux_proc_maps_report(dwfl, f);
    fclose(f);
    if (dwfl_report_end(dwfl, NULL, NULL) != 0 || rc != 0) {
        dwfl_end(dwfl);
        return NULL;
    }
    dwfl_getmodules(dwfl, open_module_elf, NULL, 0);
    return dwfl;
}

static void fill_recorded(struct process_syms *e, int pid)
{
    if (e->dwfl)
        dwfl_end(e->dwfl);
    memset(e, 0, sizeof(*e));
    e->pid = pid;
    char *maps = mmap_tracker_maps(pid, &e->tracked_generation);
    if (maps)
        e->dwfl = report_recorded(maps);
    free(maps);
}

static void fill_entry(struct process_syms *e, int pid, uint64_t now)
{
    if (e->dwfl)
        dwfl_end(e->dwfl);
    e->pid = pid;
    e->checked_ns = now;
    e->dwfl = NULL;
    e->tracked_generation = 0;
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

/* The entry for pid, read or re-read as needed: from the mmap tracker when
 * it recorded the process (reliable after the process exits), else from
 * /proc. Called with cache_lock held. */
static struct process_syms *lookup_process(int pid, bool recheck)
{
    uint64_t now = monotonic_ns();
    struct process_syms *e = find_entry(pid);
    uint64_t generation = mmap_tracker_generation(pid);
    if (generation) {
        if (!e)
            e = new_entry();
        if (e->pid != pid || e->tracked_generation != generation)
            fill_recorded(e, pid);
    } else if (!e || e->tracked_generation) {
        if (!e)
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

/* The C++ runtime's demangler when the program links it (sobt does, through
 * LLVM): a weak reference, so the runtime library does not depend on it. A
 * statically linked demangler is not in the dynamic symbol table, so
 * dlsym() would not find it. */
extern char *__cxa_demangle(const char *mangled, char *out, size_t *len, int *status)
    __attribute__((weak));

static bool resolve_symbols = true, demangle_symbols = true, keep_processes = true;

void usym_configure(bool resolve, bool demangle, bool keep)
{
    resolve_symbols = resolve;
    demangle_symbols = demangle;
    keep_processes = keep;
}

bool usym_keeps_processes(void)
{
    return keep_processes && resolve_symbols;
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
    if (demangle_symbols && __cxa_demangle && strncmp(name, "_Z", 2) == 0) {
        int status = -1;
        demangled = __cxa_demangle(name, NULL, NULL, &status);
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
