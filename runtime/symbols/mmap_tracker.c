/* Processes' address spaces from the kernel's records (see mmap_tracker.h). */
#include "symbols/mmap_tracker.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "symbols/mmap_records.h"

/* Processes kept at once; beyond it the least recently changed exited one
 * (or, failing that, the least recently changed one) is dropped. */
#define MAX_TRACKED 4096

struct mapping {
    uint64_t start, end, pgoff, ino;
    uint32_t maj, min, prot, flags;
    char *path;
};

struct tracked {
    int pid;
    bool exited;
    uint64_t generation;  /* > 0, from next_generation: never reused for a pid */
    uint64_t changed;     /* tick of its last change, for eviction */
    struct mapping *maps; /* sorted by start, not overlapping */
    int nmaps, cap;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct mmap_records *records;
static struct tracked *procs;
static int nprocs;
static uint64_t tick;
/* Generations count changes over all processes, so a pid forgotten and
 * tracked again never shows a generation its old entry had. */
static uint64_t next_generation;

static void clear_maps(struct tracked *t)
{
    for (int i = 0; i < t->nmaps; i++)
        free(t->maps[i].path);
    t->nmaps = 0;
}

static struct tracked *find(int pid)
{
    for (int i = 0; i < nprocs; i++)
        if (procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

static struct tracked *victim(void)
{
    struct tracked *best = &procs[0];
    for (int i = 1; i < nprocs; i++) {
        struct tracked *t = &procs[i];
        if (t->exited != best->exited ? t->exited : t->changed < best->changed)
            best = t;
    }
    clear_maps(best);
    free(best->maps);
    return best;
}

/* pid's entry, emptied: it starts (over) now. */
static struct tracked *begin_process(int pid)
{
    struct tracked *t = find(pid);
    if (t) {
        clear_maps(t);
    } else {
        t = nprocs < MAX_TRACKED ? &procs[nprocs++] : victim();
        memset(t, 0, sizeof(*t));
        t->pid = pid;
    }
    t->exited = false;
    t->generation = ++next_generation;
    t->changed = ++tick;
    return t;
}

static int insert_at(struct tracked *t, int at, const struct mapping *m)
{
    if (t->nmaps == t->cap) {
        int cap = t->cap ? t->cap * 2 : 32;
        struct mapping *maps = realloc(t->maps, (size_t)cap * sizeof(*maps));
        if (!maps)
            return -1;
        t->maps = maps;
        t->cap = cap;
    }
    memmove(&t->maps[at + 1], &t->maps[at], (size_t)(t->nmaps - at) * sizeof(*m));
    t->maps[at] = *m;
    t->nmaps++;
    return 0;
}

/* Makes room for [start, end): mappings there go, as the kernel unmaps them. */
static void unmap_range(struct tracked *t, uint64_t start, uint64_t end)
{
    for (int i = 0; i < t->nmaps; i++) {
        struct mapping *m = &t->maps[i];
        if (m->end <= start || m->start >= end)
            continue;
        if (m->start < start && m->end > end) { /* split in two */
            struct mapping tail = *m;
            tail.path = strdup(m->path);
            tail.pgoff += end - m->start;
            tail.start = end;
            m->end = start;
            if (tail.path && insert_at(t, i + 1, &tail) < 0)
                free(tail.path);
        } else if (m->start < start) {
            m->end = start;
        } else if (m->end > end) {
            m->pgoff += end - m->start;
            m->start = end;
        } else {
            free(m->path);
            memmove(m, m + 1, (size_t)(t->nmaps - i - 1) * sizeof(*m));
            t->nmaps--;
            i--;
        }
    }
}

static void add_mapping(struct tracked *t, const struct mmap_record_map *r)
{
    unmap_range(t, r->start, r->end);
    struct mapping m = {r->start, r->end,  r->pgoff, r->ino,         r->maj,
                        r->min,   r->prot, r->flags, strdup(r->path)};
    int at = 0;
    while (at < t->nmaps && t->maps[at].start < m.start)
        at++;
    if (!m.path || insert_at(t, at, &m) < 0)
        free(m.path);
    t->generation = ++next_generation;
    t->changed = ++tick;
}

/* A process that predates the tracker, read from /proc when it forks. */
static struct tracked *adopt(int pid)
{
    char path[64], line[4200];
    snprintf(path, sizeof(path), "/proc/%d/maps", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    struct tracked *t = begin_process(pid);
    while (fgets(line, sizeof(line), f)) {
        struct mmap_record_map m = {0};
        char perms[8];
        int name_at = 0;
        if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n", &m.start,
                   &m.end, perms, &m.pgoff, &m.maj, &m.min, &m.ino, &name_at) < 7 ||
            line[name_at] != '/')
            continue;
        line[strcspn(line, "\n")] = '\0';
        m.path = line + name_at;
        m.prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
                 (perms[2] == 'x' ? PROT_EXEC : 0);
        m.flags = perms[3] == 's' ? MAP_SHARED : MAP_PRIVATE;
        add_mapping(t, &m);
    }
    fclose(f);
    return t;
}

/* A child starts as a copy of its parent. (Entries never move: the parent
 * is still where it was, unless the child's entry was made from it.) */
static void fork_process(int pid, int ppid)
{
    struct tracked *parent = find(ppid);
    if (!parent)
        parent = adopt(ppid);
    struct tracked *child = begin_process(pid);
    if (!parent || parent == child || parent->pid != ppid)
        return;
    for (int i = 0; i < parent->nmaps; i++) {
        const struct mapping *m = &parent->maps[i];
        struct mmap_record_map r = {m->start, m->end,  m->pgoff, m->ino, m->maj,
                                    m->min,   m->prot, m->flags, m->path};
        add_mapping(child, &r);
    }
}

/* Records were lost (the ring filled between two reads): an exec, fork or
 * mapping of any live process may be among them, so what is known of live
 * processes is forgotten; they are read from /proc again, and a wrong map
 * is never used for symbols. Exited processes keep what was recorded. */
static void forget_live_processes(void)
{
    int kept = 0;
    for (int i = 0; i < nprocs; i++) {
        if (procs[i].exited) {
            procs[kept++] = procs[i];
        } else {
            clear_maps(&procs[i]);
            free(procs[i].maps);
        }
    }
    nprocs = kept;
}

static void apply(const struct mmap_record *r, void *arg)
{
    struct tracked *t;
    switch (r->kind) {
    case MMAP_RECORD_EXEC:
        begin_process(r->pid);
        break;
    case MMAP_RECORD_FORK:
        fork_process(r->pid, r->ppid);
        break;
    case MMAP_RECORD_MAP:
        /* a process started before us is read from /proc the first time it
         * maps a file (if it still runs), and followed from then on */
        if ((t = find(r->pid)) || (t = adopt(r->pid)))
            add_mapping(t, &r->map);
        break;
    case MMAP_RECORD_EXIT:
        if ((t = find(r->pid)))
            t->exited = true;
        break;
    case MMAP_RECORD_LOST:
        forget_live_processes();
        break;
    }
}

int mmap_tracker_start(void)
{
    pthread_mutex_lock(&lock);
    int err = 0;
    if (!records) {
        procs = calloc(MAX_TRACKED, sizeof(*procs));
        records = procs ? mmap_records_open(&err) : NULL;
        if (!records) {
            free(procs);
            procs = NULL;
            err = err ? err : -ENOMEM;
        }
    }
    pthread_mutex_unlock(&lock);
    return err;
}

void mmap_tracker_stop(void)
{
    pthread_mutex_lock(&lock);
    mmap_records_close(records);
    records = NULL;
    for (int i = 0; i < nprocs; i++) {
        clear_maps(&procs[i]);
        free(procs[i].maps);
    }
    free(procs);
    procs = NULL;
    nprocs = 0;
    pthread_mutex_unlock(&lock);
}

static struct tracked *lookup_locked(int pid)
{
    if (!records)
        return NULL;
    mmap_records_read(records, apply, NULL);
    return find(pid);
}

void mmap_tracker_poll(void)
{
    pthread_mutex_lock(&lock);
    if (records)
        mmap_records_read(records, apply, NULL);
    pthread_mutex_unlock(&lock);
}

uint64_t mmap_tracker_generation(int pid)
{
    pthread_mutex_lock(&lock);
    struct tracked *t = lookup_locked(pid);
    uint64_t gen = t ? t->generation : 0;
    pthread_mutex_unlock(&lock);
    return gen;
}

static char *maps_text(const struct tracked *t)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    for (int i = 0; i < t->nmaps; i++) {
        const struct mapping *m = &t->maps[i];
        fprintf(f, "%" PRIx64 "-%" PRIx64 " %c%c%c%c %08" PRIx64 " %02x:%02x %" PRIu64 " %s\n",
                m->start, m->end, m->prot & PROT_READ ? 'r' : '-', m->prot & PROT_WRITE ? 'w' : '-',
                m->prot & PROT_EXEC ? 'x' : '-', m->flags & MAP_SHARED ? 's' : 'p', m->pgoff,
                m->maj, m->min, m->ino, m->path);
    }
    fclose(f);
    return text;
}

char *mmap_tracker_maps(int pid, uint64_t *generation)
{
    pthread_mutex_lock(&lock);
    struct tracked *t = lookup_locked(pid);
    char *text = t ? maps_text(t) : NULL;
    *generation = t && text ? t->generation : 0;
    pthread_mutex_unlock(&lock);
    return text;
}
