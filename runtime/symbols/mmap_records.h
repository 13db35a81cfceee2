/* The kernel's own record of what processes map, as perf keeps it: a dummy
 * software event on every CPU with mmap, comm and task records, read from
 * its ring buffers. Every file mapping, exec, fork and exit is written by
 * the kernel when it happens, so a process that exits at once has still
 * left the whole story of its address space (see mmap_tracker.h). */
#ifndef SOBT_RUNTIME_MMAP_RECORDS_H
#define SOBT_RUNTIME_MMAP_RECORDS_H

#include <stdint.h>

enum mmap_record_kind {
    MMAP_RECORD_MAP,  /* a file was mapped: pid, map */
    MMAP_RECORD_EXEC, /* pid exec'd: its address space starts over */
    MMAP_RECORD_FORK, /* pid was forked from ppid (a new process, not a thread) */
    MMAP_RECORD_EXIT, /* pid exited */
    MMAP_RECORD_LOST, /* the ring was full: records before this one were lost */
};

struct mmap_record_map {
    uint64_t start, end, pgoff, ino;
    uint32_t maj, min, prot, flags;
    const char *path;
};

struct mmap_record {
    enum mmap_record_kind kind;
    uint64_t time;
    uint64_t order; /* read order: ties in time keep it */
    int pid, ppid;
    struct mmap_record_map map;
};

struct mmap_records;

/* Opens the events on every online CPU. NULL with -errno in *err. */
struct mmap_records *mmap_records_open(int *err);
void mmap_records_close(struct mmap_records *r);

/* Hands every record written since the last call to fn, in time order
 * across CPUs. Cheap when nothing new was written. */
void mmap_records_read(struct mmap_records *r, void (*fn)(const struct mmap_record *, void *),
                       void *arg);

#endif
