/* USDT semaphores raised through /proc/PID/mem (see usdt_semaphores.h). */
#include "usdt_semaphores.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "diag.h"
#include "providers/provider.h"

/* Where file offset `offset` of the file (dev, ino) is mapped writable in
 * pid; 0 when it is not. */
static unsigned long mapped_address(pid_t pid, dev_t dev, ino_t ino, uint64_t offset)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    char line[4096];
    unsigned long found = 0;
    while (!found && fgets(line, sizeof(line), f)) {
        unsigned long start, end, maj, min;
        uint64_t pgoff, inode;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s %" SCNx64 " %lx:%lx %" SCNu64, &start, &end, perms, &pgoff,
                   &maj, &min, &inode) != 7)
            continue;
        if (inode == ino && makedev(maj, min) == dev && perms[1] == 'w' && offset >= pgoff &&
            offset - pgoff < end - start)
            found = start + (unsigned long)(offset - pgoff);
    }
    fclose(f);
    return found;
}

/* Adds delta to the u16 semaphore at addr in pid. */
static int adjust(pid_t pid, unsigned long addr, int delta)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -1;
    uint16_t v;
    int rc = -1;
    if (pread(fd, &v, sizeof(v), (off_t)addr) == sizeof(v)) {
        v = (uint16_t)(v + delta);
        rc = pwrite(fd, &v, sizeof(v), (off_t)addr) == sizeof(v) ? 0 : -1;
    }
    close(fd);
    return rc;
}

static bool already_raised(const struct usdt_semaphores *s, pid_t pid, unsigned long addr)
{
    for (int i = 0; i < s->count; i++)
        if (s->items[i].pid == pid && s->items[i].addr == addr)
            return true;
    return false;
}

static void raise_in(struct usdt_semaphores *s, pid_t pid, const struct attach_desc *at)
{
    struct stat st;
    if (stat(at->target, &st) != 0)
        return;
    unsigned long addr = mapped_address(pid, st.st_dev, st.st_ino, at->ref_ctr_offset);
    if (!addr || already_raised(s, pid, addr))
        return;
    struct raised_semaphore *items = realloc(s->items, (size_t)(s->count + 1) * sizeof(*items));
    if (!items)
        return;
    s->items = items;
    if (adjust(pid, addr, 1) < 0) {
        diag_plain_warning("could not raise a usdt semaphore of %s in pid %d", at->target,
                           (int)pid);
        return;
    }
    s->items[s->count++] = (struct raised_semaphore){pid, addr};
}

static void raise_everywhere(struct usdt_semaphores *s, const struct attach_desc *at)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end == '\0' && pid > 0 && pid != getpid())
            raise_in(s, (pid_t)pid, at);
    }
    if (d)
        closedir(d);
}

/* Each usdt attach point with a semaphore, through fn. */
static void for_each_semaphore(const struct compiled_program *prog,
                               void (*fn)(const struct attach_desc *at, void *arg), void *arg)
{
    for (int i = 0; i < prog->nprogs; i++)
        for (int j = 0; j < prog->progs[i].nattach; j++)
            if (prog->progs[i].provider == PROV_USDT && prog->progs[i].attach[j].ref_ctr_offset)
                fn(&prog->progs[i].attach[j], arg);
}

static void note_one(const struct attach_desc *at, void *arg)
{
    (void)at;
    *(bool *)arg = true;
}

bool usdt_semaphores_needed(const struct compiled_program *prog)
{
    bool any = false;
    if (!uprobe_kernel_counts_semaphores())
        for_each_semaphore(prog, note_one, &any);
    return any;
}

struct raise_job {
    struct usdt_semaphores *s;
    pid_t pid;
    bool everywhere;
};

static void raise_one(const struct attach_desc *at, void *arg)
{
    struct raise_job *job = arg;
    if (job->everywhere)
        raise_everywhere(job->s, at);
    else if (job->pid > 0)
        raise_in(job->s, job->pid, at);
}

void usdt_semaphores_raise(struct usdt_semaphores *s, const struct compiled_program *prog,
                           pid_t pid, bool file_activation)
{
    memset(s, 0, sizeof(*s));
    if (!usdt_semaphores_needed(prog))
        return;
    struct raise_job job = {s, pid, file_activation};
    for_each_semaphore(prog, raise_one, &job);
}

void usdt_semaphores_raise_in(struct usdt_semaphores *s, const struct compiled_program *prog,
                              pid_t pid)
{
    struct raise_job job = {s, pid, false};
    if (usdt_semaphores_needed(prog))
        for_each_semaphore(prog, raise_one, &job);
}

void usdt_semaphores_lower(struct usdt_semaphores *s)
{
    for (int i = 0; i < s->count; i++)
        adjust(s->items[i].pid, s->items[i].addr, -1); /* a process that is gone is fine */
    free(s->items);
    memset(s, 0, sizeof(*s));
}
