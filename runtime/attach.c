/* Attaching every program at every attach point through its provider, plus
 * the perf-event plumbing the providers share. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "attach.h"
#include "diag.h"

int attach_count_probes(const struct compiled_program *prog)
{
    int n = 0;
    for (int i = 0; i < prog->nprogs; i++) {
        const struct prog_desc *pd = &prog->progs[i];
        const struct provider *p = provider_for(pd->provider);
        /* BEGIN/END count once even if the description lists no attach point. */
        n += p && p->run && pd->nattach == 0 ? 1 : pd->nattach;
    }
    return n;
}

static const char *probe_name_of(const struct compiled_program *prog, const struct attach_desc *at)
{
    if (at->probe_id >= 0 && at->probe_id < prog->nprobe_names && prog->probe_names[at->probe_id])
        return prog->probe_names[at->probe_id];
    return at->target ? at->target : "?";
}

void attach_list_probes(const struct compiled_program *prog, FILE *out)
{
    for (int i = 0; i < prog->nprogs; i++) {
        const struct prog_desc *pd = &prog->progs[i];
        if (pd->nattach == 0)
            fprintf(out, "Attaching %s\n", loader_probe_name(prog, i));
        for (int j = 0; j < pd->nattach; j++)
            fprintf(out, "Attaching %s\n", probe_name_of(prog, &pd->attach[j]));
    }
}

/* Attach at one point (on one CPU, or -1 for providers that attach once). */
static int provider_attach(const struct provider *prov, int prog_fd, const struct attach_desc *at,
                           const char *name, int cpu, struct attachment *a)
{
    if (prov->attach_cpu)
        return prov->attach_cpu(prog_fd, at, name, cpu, a);
    return prov->attach(prog_fd, at, name, a);
}

/* Attach one point under the program's missing_probes policy: 0 attached,
 * 1 skipped (warn/ignore), -1 failed (error, already reported). A skipped
 * probe's reason is captured and shown as a warning, or dropped. */
static int attach_one(const struct compiled_program *prog, const struct provider *prov,
                      int prog_fd, const struct attach_desc *at, int cpu, struct attachment *a)
{
    const char *name = probe_name_of(prog, at);
    if (prog->missing_probes == MISSING_PROBES_ERROR)
        return provider_attach(prov, prog_fd, at, name, cpu, a) == 0 ? 0 : -1;
    char *reason = NULL;
    size_t len = 0;
    FILE *saved = diag_stream;
    diag_stream = open_memstream(&reason, &len);
    int rc = diag_stream ? provider_attach(prov, prog_fd, at, name, cpu, a) : -1;
    if (diag_stream)
        fclose(diag_stream);
    diag_stream = saved;
    if (rc == 0) {
        free(reason);
        return 0;
    }
    if (prog->missing_probes == MISSING_PROBES_WARN) {
        /* current bpftrace: the reason, then "Unable to attach probe: NAME. Skipping." */
        const char *text = reason && strncmp(reason, "ERROR: ", 7) == 0 ? reason + 7 : reason;
        if (text && *text)
            diag_plain_warning("%.*s", (int)strcspn(text, "\n"), text);
        diag_plain_warning("Unable to attach probe: %s. Skipping.", name);
    }
    free(reason);
    a->perf_fd = a->link_fd = -1;
    return 1;
}

/* How many attachments the programs make: one per attach point, or one per
 * online CPU for the providers that attach on each. */
static int count_attachments(const struct compiled_program *prog, int ncpus)
{
    int n = 0;
    for (int i = 0; i < prog->nprogs; i++) {
        const struct provider *prov = provider_for(prog->progs[i].provider);
        n += prog->progs[i].nattach * (prov && prov->attach_cpu ? ncpus : 1);
    }
    return n;
}

/* A program of one syscall tracepoint, reading no cookie (one attach
 * point), can run from the syscall dispatcher. */
static bool is_dispatchable(const struct prog_desc *pd)
{
    return pd->provider == PROV_TRACEPOINT && pd->nattach == 1 &&
           syscall_dispatch_can_take(pd->attach[0].target);
}

static int count_dispatchable(const struct compiled_program *prog)
{
    int n = 0;
    for (int i = 0; i < prog->nprogs; i++)
        n += is_dispatchable(&prog->progs[i]);
    return n;
}

/* The online CPUs when a provider attaches on each (1 otherwise); -1 after
 * an error. */
static int cpus_needed(const struct compiled_program *prog, const int **cpus)
{
    for (int i = 0; i < prog->nprogs; i++) {
        const struct provider *prov = provider_for(prog->progs[i].provider);
        if (prov && prov->attach_cpu && prog->progs[i].nattach > 0)
            return online_cpus(cpus);
    }
    return 1;
}

/* Every attach point of program i through prov (its kind's provider, or
 * raw tracepoint links where the loader took the program as a raw
 * tracepoint), on every CPU for the providers that attach on each. 0, or -1
 * after an error. */
static int attach_program(const struct compiled_program *prog, const struct loaded_program *lp,
                          int i, const struct provider *prov, const int *cpus, int ncpus,
                          struct attach_set *out)
{
    const struct prog_desc *pd = &prog->progs[i];
    for (int j = 0; j < pd->nattach; j++)
        for (int c = 0; c < (prov->attach_cpu ? ncpus : 1); c++) {
            struct attachment *a = &out->items[out->count];
            a->perf_fd = a->link_fd = -1;
            int rc = attach_one(prog, prov, lp->prog_fds[i], &pd->attach[j],
                                prov->attach_cpu ? cpus[c] : -1, a);
            a->stopped_by_flag = pd->checks_stop_flag;
            if (rc < 0)
                return -1;
            if (rc > 0)
                break; /* skipped (missing_probes): once, not once per CPU */
            out->count++;
        }
    return 0;
}

int attach_all(const struct compiled_program *prog, const struct loaded_program *lp,
               struct attach_set *out)
{
    const int *cpus = NULL;
    int ncpus = cpus_needed(prog, &cpus);
    if (ncpus < 0)
        return -1;
    out->count = 0;
    syscall_dispatch_init(&out->dispatch);
    out->items = calloc(count_attachments(prog, ncpus) + 2, sizeof(*out->items));
    if (!out->items) {
        diag_plain_error("out of memory");
        return -1;
    }
    bool dispatch = count_dispatchable(prog) >= SYSCALL_DISPATCH_MIN;
    for (int i = 0; i < prog->nprogs; i++) {
        const struct prog_desc *pd = &prog->progs[i];
        const struct provider *prov =
            lp->raw_tracepoint[i] ? &provider_raw_tracepoint : provider_for(pd->provider);
        if (!prov || (!prov->attach && !prov->attach_cpu))
            continue;
        if (dispatch && is_dispatchable(pd)) {
            if (syscall_dispatch_add(&out->dispatch, pd->attach[0].target, lp->prog_fds[i]) < 0) {
                attach_detach_all(out);
                return -1;
            }
            continue;
        }
        if (attach_program(prog, lp, i, prov, cpus, ncpus, out) < 0) {
            attach_detach_all(out);
            return -1;
        }
    }
    int n = syscall_dispatch_attach(&out->dispatch, &out->items[out->count]);
    if (n < 0) {
        attach_detach_all(out);
        return -1;
    }
    out->count += n;
    return 0;
}

/* Closing a tracepoint's perf event waits in the kernel for the tracepoint
 * to be unregistered (RCU grace periods, tens of milliseconds each): one by
 * one, detaching 350 tracepoints takes nearly 20 s. Concurrent waits share
 * grace periods, so the closes are spread over threads. */
#define DETACH_MAX_THREADS 64
#define DETACH_PER_THREAD_MIN 4

struct detach_range {
    struct attachment *items;
    int begin, end;
};

static void *detach_range(void *arg)
{
    struct detach_range *r = arg;
    for (int i = r->begin; i < r->end; i++)
        attachment_close(&r->items[i]);
    return NULL;
}

void attach_stop_all(struct attach_set *set)
{
    for (int i = 0; i < set->count; i++) {
        if (set->items[i].stopped_by_flag)
            continue; /* the stop flag was set: detaching waits for the kernel */
        if (set->items[i].link_fd >= 0)
            close(set->items[i].link_fd);
        set->items[i].link_fd = -1;
    }
}

/* Hand the closing of many perf events to a child process, so that sobt
 * itself exits as soon as its output is done. The programs were already
 * stopped (attach_stop_all); the child only waits out the kernel's
 * unregistration. It closes stdio first so that a reader of our output sees
 * end-of-file when we exit, not when it finishes. */
#define DETACH_IN_BACKGROUND_MIN 16

static bool detach_in_background(struct attach_set *set)
{
    int perf_events = 0; /* links without one detach at once */
    for (int i = 0; i < set->count; i++)
        perf_events += set->items[i].perf_fd >= 0;
    if (perf_events < DETACH_IN_BACKGROUND_MIN)
        return false;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid > 0)
        return true; /* the parent's copies close cheaply: the child holds the last ones */
    /* The child of a process that may have other threads: only
     * async-signal-safe calls from here on (no malloc, no new threads). */
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd <= 2; fd++)
        dup2(devnull, fd);
    setsid();
    if (fork() != 0) /* let init reap the worker, so nobody waits for it */
        _exit(0);
    for (int i = 0; i < set->count; i++) {
        if (set->items[i].link_fd >= 0)
            close(set->items[i].link_fd);
        if (set->items[i].perf_fd >= 0)
            close(set->items[i].perf_fd);
    }
    _exit(0);
}

void attach_release_all(struct attach_set *set)
{
    if (detach_in_background(set)) {
        /* the parent drops its references without the kernel's wait */
        for (int i = 0; i < set->count; i++) {
            if (set->items[i].link_fd >= 0)
                close(set->items[i].link_fd);
            if (set->items[i].perf_fd >= 0)
                close(set->items[i].perf_fd);
        }
        free(set->items);
        set->items = NULL;
        set->count = 0;
        syscall_dispatch_close(&set->dispatch);
        return;
    }
    attach_detach_all(set);
}

void attach_detach_all(struct attach_set *set)
{
    int nthreads = set->count / DETACH_PER_THREAD_MIN;
    if (nthreads > DETACH_MAX_THREADS)
        nthreads = DETACH_MAX_THREADS;
    pthread_t threads[DETACH_MAX_THREADS];
    struct detach_range ranges[DETACH_MAX_THREADS];
    int started = 0;
    for (int t = 0; t < nthreads; t++) {
        ranges[t] = (struct detach_range){set->items, set->count * t / nthreads,
                                          set->count * (t + 1) / nthreads};
        if (pthread_create(&threads[t], NULL, detach_range, &ranges[t]) != 0)
            break;
        started++;
    }
    for (int t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    /* Whatever no thread took (none started, or too few items for threads). */
    struct detach_range rest = {set->items, started ? ranges[started - 1].end : 0, set->count};
    detach_range(&rest);
    syscall_dispatch_close(&set->dispatch);
    free(set->items);
    set->items = NULL;
    set->count = 0;
}
