/* Reading the kernel's mmap, comm and task records (see mmap_records.h). */
#include "symbols/mmap_records.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Data pages of each CPU's ring (a power of two): 256 KiB holds the
 * mappings of a few thousand process starts between two reads. */
#define RING_PAGES 64

struct cpu_ring {
    int fd;
    struct perf_event_mmap_page *meta;
    uint8_t *data;
    size_t size;
};

struct mmap_records {
    struct cpu_ring *rings;
    int nrings;
    struct mmap_record *batch; /* one read's records, sorted */
    int nbatch, cap;
    uint64_t seq;
};

static int open_ring(int cpu, size_t page, struct cpu_ring *ring)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.type = PERF_TYPE_SOFTWARE;
    attr.size = sizeof(attr);
    attr.config = PERF_COUNT_SW_DUMMY;
    attr.mmap = attr.mmap2 = attr.mmap_data = 1; /* every file mapping, code and data */
    attr.comm = attr.comm_exec = attr.task = 1;  /* exec, fork, exit */
    attr.sample_id_all = 1;
    attr.sample_type = PERF_SAMPLE_TIME; /* orders the records of different CPUs */
    int fd = (int)syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = (1 + RING_PAGES) * page;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        int err = -errno;
        close(fd);
        return err;
    }
    ring->fd = fd;
    ring->meta = p;
    ring->data = (uint8_t *)p + page;
    ring->size = RING_PAGES * page;
    return 0;
}

struct mmap_records *mmap_records_open(int *err)
{
    long ncpus = sysconf(_SC_NPROCESSORS_CONF);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    struct mmap_records *r = calloc(1, sizeof(*r));
    if (!r || ncpus < 1 || !(r->rings = calloc((size_t)ncpus, sizeof(*r->rings)))) {
        free(r);
        *err = -ENOMEM;
        return NULL;
    }
    for (int cpu = 0; cpu < ncpus; cpu++) {
        int rc = open_ring(cpu, page, &r->rings[r->nrings]);
        if (rc == -ENODEV) /* an offline CPU */
            continue;
        if (rc < 0) {
            mmap_records_close(r);
            *err = rc;
            return NULL;
        }
        r->nrings++;
    }
    return r;
}

void mmap_records_close(struct mmap_records *r)
{
    if (!r)
        return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < r->nrings; i++) {
        munmap(r->rings[i].meta, (1 + RING_PAGES) * page);
        close(r->rings[i].fd);
    }
    free(r->rings);
    free(r->batch);
    free(r);
}

/* n bytes of the ring from position pos, across its end. */
static void ring_copy(const struct cpu_ring *ring, uint64_t pos, void *out, size_t n)
{
    size_t at = (size_t)(pos % ring->size), first = ring->size - at;
    if (first >= n) {
        memcpy(out, ring->data + at, n);
    } else {
        memcpy(out, ring->data + at, first);
        memcpy((uint8_t *)out + first, ring->data, n - first);
    }
}

static struct mmap_record *next_slot(struct mmap_records *r)
{
    if (r->nbatch == r->cap) {
        int cap = r->cap ? r->cap * 2 : 256;
        struct mmap_record *b = realloc(r->batch, (size_t)cap * sizeof(*b));
        if (!b)
            return NULL;
        r->batch = b;
        r->cap = cap;
    }
    return &r->batch[r->nbatch];
}

/* One record (rec, size bytes, ending in its u64 time) into the batch. */
static void decode(struct mmap_records *r, const struct perf_event_header *h, const uint8_t *rec)
{
    uint32_t u32[4];
    struct mmap_record *out = next_slot(r);
    if (!out || h->size < sizeof(*h) + 16)
        return;
    memset(out, 0, sizeof(*out));
    out->order = r->seq++;
    memcpy(&out->time, rec + h->size - 8, 8);
    memcpy(u32, rec + sizeof(*h), sizeof(u32));
    out->pid = (int)u32[0];
    if (h->type == PERF_RECORD_MMAP2 && h->size >= sizeof(*h) + 72) {
        const uint8_t *p = rec + sizeof(*h) + 8;
        uint64_t len;
        memcpy(&out->map.start, p, 8);
        memcpy(&len, p + 8, 8);
        memcpy(&out->map.pgoff, p + 16, 8);
        memcpy(&out->map.maj, p + 24, 4);
        memcpy(&out->map.min, p + 28, 4);
        memcpy(&out->map.ino, p + 32, 8);
        memcpy(&out->map.prot, p + 48, 4);
        memcpy(&out->map.flags, p + 52, 4);
        const char *path = (const char *)p + 56;
        size_t room = h->size - 8 - (size_t)((const uint8_t *)path - rec);
        /* files only: not "//anon", [heap], [stack], [vdso] */
        if (strnlen(path, room) == room || path[0] != '/' || path[1] == '/')
            return;
        out->map.end = out->map.start + len;
        out->map.path = strdup(path);
        out->kind = MMAP_RECORD_MAP;
    } else if (h->type == PERF_RECORD_COMM && (h->misc & PERF_RECORD_MISC_COMM_EXEC) &&
               u32[0] == u32[1]) {
        out->kind = MMAP_RECORD_EXEC;
    } else if (h->type == PERF_RECORD_LOST) {
        out->kind = MMAP_RECORD_LOST;
    } else if ((h->type == PERF_RECORD_FORK || h->type == PERF_RECORD_EXIT) && u32[0] == u32[2] &&
               u32[0] != u32[1]) { /* pid == tid: a process, not a thread */
        out->kind = h->type == PERF_RECORD_FORK ? MMAP_RECORD_FORK : MMAP_RECORD_EXIT;
        out->ppid = (int)u32[1];
    } else {
        return;
    }
    if (out->kind != MMAP_RECORD_MAP || out->map.path)
        r->nbatch++;
}

static void read_ring(struct mmap_records *r, struct cpu_ring *ring)
{
    uint64_t head = __atomic_load_n(&ring->meta->data_head, __ATOMIC_ACQUIRE);
    uint64_t tail = ring->meta->data_tail;
    uint8_t rec[sizeof(struct perf_event_header) + 4096 + 256];
    while (tail < head) {
        struct perf_event_header h;
        ring_copy(ring, tail, &h, sizeof(h));
        if (h.size < sizeof(h))
            break;
        if (h.size <= sizeof(rec)) {
            ring_copy(ring, tail, rec, h.size);
            decode(r, &h, rec);
        }
        tail += h.size;
    }
    __atomic_store_n(&ring->meta->data_tail, head, __ATOMIC_RELEASE);
}

static int by_time(const void *a, const void *b)
{
    const struct mmap_record *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

void mmap_records_read(struct mmap_records *r, void (*fn)(const struct mmap_record *, void *),
                       void *arg)
{
    r->nbatch = 0;
    for (int i = 0; i < r->nrings; i++)
        read_ring(r, &r->rings[i]);
    if (r->nbatch == 0)
        return;
    qsort(r->batch, (size_t)r->nbatch, sizeof(*r->batch), by_time);
    for (int i = 0; i < r->nbatch; i++) {
        fn(&r->batch[i], arg);
        free((char *)r->batch[i].map.path);
    }
    r->nbatch = 0;
}
