/* What the runtime tests share: a compiled program built by hand around the
 * hand-written BPF of fixtures.ll (no compiler involved), and running it
 * with its output captured. Included once, by runtime_test.c. */
#ifndef SOBT_TESTS_RUNTIME_FIXTURE_H
#define SOBT_TESTS_RUNTIME_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "attach.h"
#include "common/check.h"
#include "diag.h"
#include "loader.h"
#include "run.h"
#include "tracefs_mount.h"

static const char *fixtures_path, *noinline_path;

static inline void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    REQUIRE(f, "cannot open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *buf = malloc(n);
    REQUIRE(buf && fread(buf, 1, n, f) == (size_t)n, "cannot read %s", path);
    fclose(f);
    *size = n;
    return buf;
}

/* Everything read back from a FILE the runtime wrote into. */
static inline char *slurp(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    char *s = calloc(1, n + 1);
    rewind(f);
    REQUIRE(fread(s, 1, n, f) == (size_t)n, "cannot read back output");
    return s;
}

/* ---- a compiled program built by hand ------------------------------------ */

enum { MAP_HITS, MAP_PID, MAP_EVENTS, MAP_START_TIME, NMAPS };
enum { ASYNC_ID_PRINTF, ASYNC_ID_EXIT, NASYNCS };
#define MAX_PROBES 1024

struct fixture {
    struct compiled_program p;
    struct map_desc maps[NMAPS];
    struct async_desc asyncs[NASYNCS];
    struct value_desc hits_key, printf_arg;
    struct prog_desc progs[8];
    char *probe_names[MAX_PROBES];
};

static inline void fixture_init(struct fixture *fx, const char *elf_path)
{
    memset(fx, 0, sizeof(*fx));
    fx->p.elf = read_file(elf_path, &fx->p.elf_size);
    fx->maps[MAP_HITS] =
        (struct map_desc){.name = "@hits",
                          .id = MAP_HITS,
                          .bpf_type = BPF_MAP_TYPE_PERCPU_HASH,
                          .key_size = 8,
                          .value_size = 8,
                          .max_entries = 1024,
                          .key = {.fields = &fx->hits_key, .nfields = 1, .size = 8},
                          .agg = AGG_COUNT};
    fx->maps[MAP_PID] = (struct map_desc){.name = "traced_pid",
                                          .id = MAP_PID,
                                          .bpf_type = BPF_MAP_TYPE_HASH,
                                          .key_size = 4,
                                          .value_size = 8,
                                          .max_entries = 1,
                                          .is_internal = true};
    fx->maps[MAP_EVENTS] = (struct map_desc){.name = "events",
                                             .id = MAP_EVENTS,
                                             .bpf_type = BPF_MAP_TYPE_RINGBUF,
                                             .max_entries = 1 << 16,
                                             .is_internal = true};
    fx->maps[MAP_START_TIME] = (struct map_desc){.name = "start_time",
                                                 .id = MAP_START_TIME,
                                                 .bpf_type = BPF_MAP_TYPE_ARRAY,
                                                 .key_size = 4,
                                                 .value_size = 8,
                                                 .max_entries = 1,
                                                 .is_internal = true};
    fx->hits_key = (struct value_desc){.kind = VK_INT, .size = 8, .offset = 0};
    fx->printf_arg = (struct value_desc){.kind = VK_INT, .size = 8, .offset = 0};
    fx->asyncs[ASYNC_ID_PRINTF] =
        (struct async_desc){.kind = ASYNC_PRINTF,
                            .fmt = "value %d\n",
                            .args = {.fields = &fx->printf_arg, .nfields = 1, .size = 8}};
    fx->asyncs[ASYNC_ID_EXIT] = (struct async_desc){.kind = ASYNC_EXIT};
    fx->p.maps = fx->maps;
    fx->p.nmaps = NMAPS;
    fx->p.ringbuf_map_id = MAP_EVENTS;
    fx->p.start_time_map_id = MAP_START_TIME;
    fx->p.kstack_map_id = -1; /* internal maps these fixtures do not have */
    fx->p.ustack_map_id = -1;
    fx->p.stop_map_id = -1;
    fx->p.losses_map_id = -1;
    fx->p.asyncs = fx->asyncs;
    fx->p.nasyncs = NASYNCS;
    fx->p.progs = fx->progs;
    fx->p.probe_names = fx->probe_names;
    fx->p.strlen = 64;
}

static inline struct prog_desc *add_prog(struct fixture *fx, const char *section,
                                  enum probe_provider provider, uint32_t type)
{
    struct prog_desc *pd = &fx->progs[fx->p.nprogs++];
    *pd =
        (struct prog_desc){.section = (char *)section, .provider = provider, .bpf_prog_type = type};
    return pd;
}

/* Adds one attach point; its probe id (and cookie) is the next probe index. */
static inline void add_attach(struct fixture *fx, struct prog_desc *pd, const char *target,
                       const char *probe_name, uint64_t period_ns)
{
    REQUIRE(fx->p.nprobe_names < MAX_PROBES, "too many probes");
    int id = fx->p.nprobe_names++;
    fx->probe_names[id] = strdup(probe_name);
    pd->attach = realloc(pd->attach, (pd->nattach + 1) * sizeof(*pd->attach));
    pd->attach[pd->nattach++] =
        (struct attach_desc){.target = strdup(target), .probe_id = id, .period_ns = period_ns};
}

static inline void add_begin(struct fixture *fx, const char *section)
{
    add_attach(fx, add_prog(fx, section, PROV_BEGIN, BPF_PROG_TYPE_RAW_TRACEPOINT), "", "BEGIN", 0);
}

static inline void add_end(struct fixture *fx, const char *section)
{
    add_attach(fx, add_prog(fx, section, PROV_END, BPF_PROG_TYPE_RAW_TRACEPOINT), "", "END", 0);
}

static inline void add_tracepoint(struct fixture *fx, const char *section, const char *target)
{
    char name[256];
    snprintf(name, sizeof(name), "tracepoint:%s", target);
    add_attach(fx, add_prog(fx, section, PROV_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT), target, name,
               0);
}

/* Frees what fixture_init and add_attach allocated, so the tests run clean
 * under LeakSanitizer. */
static inline void fixture_free(struct fixture *fx)
{
    free(fx->p.elf);
    for (int i = 0; i < fx->p.nprobe_names; i++)
        free(fx->probe_names[i]);
    for (int i = 0; i < fx->p.nprogs; i++) {
        for (int j = 0; j < fx->progs[i].nattach; j++)
            free(fx->progs[i].attach[j].target);
        free(fx->progs[i].attach);
    }
    memset(fx, 0, sizeof(*fx));
}

/* Runs runtime_run with output and diagnostics captured. */
struct run_result {
    int rc;
    char *out, *err;
};

static inline struct run_result run_captured(struct fixture *fx, enum run_mode mode, bool verbose)
{
    FILE *out = tmpfile(), *err = tmpfile();
    REQUIRE(out && err, "tmpfile: %s", strerror(errno));
    diag_stream = err;
    struct run_options opts = {.mode = mode, .out = out, .verbose = verbose};
    struct run_result r = {.rc = runtime_run(&fx->p, &opts)};
    diag_stream = stderr;
    r.out = slurp(out);
    r.err = slurp(err);
    fclose(out);
    fclose(err);
    return r;
}

static inline void run_result_free(struct run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

#endif
