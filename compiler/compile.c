/* The compiler pipeline: parse, resolve, describe maps/programs/events for
 * the runtime, generate LLVM IR, emit a BPF object. */
#include "compile.h"

#include <linux/bpf.h>
#include <llvm-c/Core.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "frontend/ast.h"
#include "builtins/builtins.h"
#include "preprocess/constants.h"
#include "preprocess/preprocess.h"
#include "probes/probe_kind.h"
#include "codegen/codegen.h"
#include "diag.h"
#include "target/btf.h"
#include "codegen/emit.h"
#include "sema/semantic.h"

#define STACK_MAP_ENTRIES 4096        /* stacks each stack map holds */
/* From this many attach points on, a program checks a stop flag at entry:
 * detaching each attach point costs the kernel two RCU grace periods
 * (~25 ms), so stopping 350 tracepoints by detaching takes ~10 s. */
#define STOP_FLAG_MIN_ATTACH 16
#define STACK_FRAMES 127              /* PERF_MAX_STACK_DEPTH */
#define RINGBUF_MAX_BYTES (1u << 30)

/* The event ring buffer: BPFTRACE_PERF_RB_PAGES pages for each CPU (bpftrace
 * gives each CPU a perf buffer of that many pages; one ring buffer holds
 * them all), a power of two as the kernel requires. The default, 64 pages,
 * is 512 KiB on two CPUs. */
static uint32_t ringbuf_bytes(uint64_t pages_per_cpu)
{
    long cpus = sysconf(_SC_NPROCESSORS_CONF);
    long page = sysconf(_SC_PAGESIZE);
    uint64_t want = pages_per_cpu * (uint64_t)(cpus > 0 ? cpus : 1) * (uint64_t)(page > 0 ? page : 4096);
    uint64_t bytes = (uint64_t)(page > 0 ? page : 4096);
    while (bytes < want && bytes < RINGBUF_MAX_BYTES)
        bytes <<= 1;
    return (uint32_t)bytes;
}

/* BPFTRACE_MAX_PROBES and BPFTRACE_MAX_BPF_PROGS, as bpftrace words them. */
static int check_limits(const struct semantic *sem)
{
    uint64_t probes = 0;
    for (int i = 0; i < sem->nunits; i++)
        probes += (uint64_t)sem->units[i].nmatches;
    const struct program_settings *s = &sem->settings.program;
    if (probes > s->max_probes) {
        fprintf(stderr,
                "ERROR: Can't attach to %" PRIu64 " probes because it exceeds the current limit "
                "of %" PRIu64 " probes.\nYou can increase the limit through the "
                "BPFTRACE_MAX_PROBES environment variable, but BE CAREFUL since a high number "
                "of probes attached can cause your system to crash.\n",
                probes, s->max_probes);
        return -1;
    }
    if ((uint64_t)sem->nunits > s->max_bpf_progs) {
        fprintf(stderr,
                "ERROR: Your program is trying to generate more than %" PRIu64 " BPF programs, "
                "which exceeds the current limit of %" PRIu64 ".\nYou can increase the limit "
                "through the BPFTRACE_MAX_BPF_PROGS environment variable.\n",
                s->max_bpf_progs, s->max_bpf_progs);
        return -1;
    }
    return 0;
}

static enum map_agg agg_of(enum type_kind k)
{
    switch (k) {
    case TY_COUNT: return AGG_COUNT;
    case TY_SUM: return AGG_SUM;
    case TY_MIN: return AGG_MIN;
    case TY_MAX: return AGG_MAX;
    case TY_AVG: return AGG_AVG;
    case TY_STATS: return AGG_STATS;
    case TY_HIST: return AGG_HIST;
    case TY_LHIST: return AGG_LHIST;
    default: return AGG_NONE;
    }
}

/* The names the script gives the key's fields, when its uses agree on
 * how many fields there are (a tuple variable as the key is one use but
 * several fields: no names then). */
static char **key_names_of(const struct map_info *m, int nfields)
{
    if (!m->key_names_seen || m->key_names_mixed || m->nkey_names != nfields || nfields == 0)
        return NULL;
    char **names = calloc((size_t)nfields, sizeof(*names));
    if (!names)
        return NULL; /* the labels fall back to key0, key1, ... */
    for (int i = 0; i < nfields; i++)
        names[i] = m->key_names[i] ? strdup(m->key_names[i]) : NULL;
    return names;
}

/* Every map holds max_map_keys entries, as in bpftrace, unless a declaration
 * (let @m = lruhash(N)) gives its size and kind
 * (a histogram's entries are its key-and-bucket pairs). */
static void describe_map(struct semantic *sem, const struct map_info *m, struct map_desc *d)
{
    memset(d, 0, sizeof(*d));
    d->name = strdup(m->name);
    d->id = m->id;
    d->agg = agg_of(m->value.kind);
    d->max_entries = sem->max_map_keys;
    record_from_type(&sem->types, &m->key, &d->key);
    d->key_names = key_names_of(m, d->key.nfields);
    uint32_t ks = map_key_size(m);
    d->key_size = ks;
    if (d->agg == AGG_NONE) {
        value_desc_from_type(&sem->types, &m->value, &d->value);
    } else {
        d->value.kind = value_kind_of(&m->value);
        d->value.size = m->value.size;
        d->value.is_signed = m->value.is_signed;
    }
    if (m->declared) /* let @m = lruhash(N) */
        d->max_entries = m->max_entries;
    switch (d->agg) {
    case AGG_NONE:
        d->bpf_type = BPF_MAP_TYPE_HASH;
        d->value_size = type_storage_size(&m->value);
        d->value.size = m->value.kind == TY_STRING ? d->value_size : m->value.size;
        if (!type_is_buffer(&m->value) && m->value.kind != TY_KSTACK && m->value.kind != TY_KSYM)
            d->value.size = 8;
        break;
    case AGG_HIST:
    case AGG_LHIST:
        d->bpf_type = BPF_MAP_TYPE_PERCPU_HASH;
        d->key_size = ks + 8;
        d->value_size = 8;
        d->lhist_min = m->lhist_min;
        d->lhist_max = m->lhist_max;
        d->lhist_step = m->lhist_step;
        d->hist_bits = m->hist_bits;
        break;
    default:
        d->bpf_type = BPF_MAP_TYPE_PERCPU_HASH;
        d->value_size = m->value.size;
        d->value.kind = VK_INT;
    }
    if (m->declared) /* the declaration's kind, checked against the value (sema) */
        d->bpf_type = m->bpf_type;
}

static int add_internal_map(struct compiled_program *p, const char *name, uint32_t type,
                            uint32_t key_size, uint32_t value_size, uint32_t max_entries)
{
    struct map_desc *d = &p->maps[p->nmaps];
    memset(d, 0, sizeof(*d));
    d->name = strdup(name);
    d->id = p->nmaps;
    d->bpf_type = type;
    d->key_size = key_size;
    d->value_size = value_size;
    d->max_entries = max_entries;
    d->is_internal = true;
    return p->nmaps++;
}

/* Categories of tracefs events with no raw tracepoint of the same name:
 * syscalls (they run from raw_syscalls), dynamic and ftrace events. */
static bool has_raw_tracepoint(const char *target)
{
    static const char *const none[] = {"syscalls:", "kprobes:", "uprobes:", "ftrace:",
                                       "synthetic:", "eprobes:"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
        if (strncmp(target, none[i], strlen(none[i])) == 0)
            return false;
    return true;
}

static bool may_be_raw_tracepoint(const struct probe_unit *u)
{
    if (u->provider != PROV_TRACEPOINT || !u->checks_stop_flag || !u->context_free)
        return false;
    for (int a = 0; a < u->naps; a++)
        for (int m = 0; m < u->aps[a].nmatches; m++)
            if (!has_raw_tracepoint(u->aps[a].matches[m].target))
                return false;
    return true;
}

static void describe_progs(struct semantic *sem, struct compiled_program *p)
{
    p->nprogs = sem->nunits;
    p->progs = calloc(sem->nunits ? sem->nunits : 1, sizeof(*p->progs));
    for (int i = 0; i < sem->nunits; i++) {
        struct probe_unit *u = &sem->units[i];
        struct prog_desc *d = &p->progs[i];
        d->section = strdup(u->section);
        d->provider = u->provider;
        const struct probe_kind *kind = probe_kind_of(u->provider);
        d->bpf_prog_type = kind->bpf_prog_type;
        d->expected_attach_type = kind->expected_attach_type;
        if (kind->expected_attach_type && u->nmatches == 1) {
            d->attach_btf_id = u->aps[0].matches[0].btf_id;
            const char *module = u->aps[0].matches[0].btf_module;
            d->attach_btf_module = module ? strdup(module) : NULL;
        }
        d->checks_stop_flag = u->checks_stop_flag;
        d->nattach = u->nmatches;
        d->attach = calloc(u->nmatches ? u->nmatches : 1, sizeof(*d->attach));
        int k = 0;
        for (int a = 0; a < u->naps; a++)
            for (int m = 0; m < u->aps[a].nmatches; m++, k++) {
                d->attach[k].target = strdup(u->aps[a].matches[m].target);
                d->attach[k].probe_id = u->probe_ids[k];
                d->attach[k].period_ns = u->aps[a].period_ns;
                d->attach[k].offset = u->aps[a].matches[m].offset;
                d->attach[k].ref_ctr_offset = u->aps[a].matches[m].ref_ctr_offset;
                d->attach[k].event_config = u->aps[a].event_config;
                d->attach[k].sample_period = u->aps[a].sample_period;
                d->attach[k].sample_freq = u->aps[a].sample_freq;
                if (u->provider == PROV_PROFILE)
                    d->attach[k].sample_period = u->aps[a].period_ns;
            }
    }
}

/* Collect LLVM's error diagnostics (an oversized stack, say) instead of
 * letting LLVM print them and exit. */
static void on_llvm_diagnostic(LLVMDiagnosticInfoRef di, void *ctx)
{
    if (LLVMGetDiagInfoSeverity(di) != LLVMDSError)
        return;
    char **first = ctx;
    if (!*first)
        *first = LLVMGetDiagInfoDescription(di);
}

/* The helper-error descriptions code generation made join the resolver's
 * events, in the order their ids were given. */
static void append_helper_errors(struct semantic *sem, struct codegen_result *r)
{
    if (r->nhelper_errors == 0)
        return;
    struct async_desc *a =
        realloc(sem->asyncs, (sem->nasyncs + r->nhelper_errors) * sizeof(*sem->asyncs));
    if (!a) {
        perror("sobt");
        exit(1);
    }
    memcpy(a + sem->nasyncs, r->helper_errors, r->nhelper_errors * sizeof(*a));
    sem->asyncs = a;
    sem->nasyncs += r->nhelper_errors;
    free(r->helper_errors);
    r->helper_errors = NULL;
    r->nhelper_errors = 0;
}

static int generate(struct semantic *sem, const struct compile_options *opts,
                    struct compiled_program *p)
{
    LLVMContextRef ctx = LLVMContextCreate();
    char *llvm_error = NULL;
    LLVMContextSetDiagnosticHandler(ctx, on_llvm_diagnostic, &llvm_error);
    LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("sobt", ctx);
    struct internal_maps maps = {
        .ringbuf = p->ringbuf_map_id,
        .start_time = p->start_time_map_id,
        .kstack = p->kstack_map_id,
        .ustack = p->ustack_map_id,
        .stop = p->stop_map_id,
        .losses = p->losses_map_id,
    };
    struct stack_use *stack = calloc(sem->nunits ? sem->nunits : 1, sizeof(*stack));
    struct codegen_result result = {.stack = stack};
    codegen_module(sem, ctx, mod, &maps, opts->helper_check_level, &result);
    append_helper_errors(sem, &result);
    FILE *ir_out = (opts->dump & DUMP_IR) ? (opts->dump_out ? opts->dump_out : stdout) : NULL;
    int rc = emit_object(mod, ir_out, &p->elf, &p->elf_size);
    if (rc == 0 && llvm_error) {
        if (!stack_report_overflow(sem, stack, llvm_error))
            diag_plain_error("the BPF back end rejected the program: %s", llvm_error);
        rc = -1;
    }
    free(stack);
    if (llvm_error)
        LLVMDisposeMessage(llvm_error);
    LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    return rc;
}

static struct compiled_program *compile_source(const struct source *src,
                                               const struct constants *consts,
                                               const struct compile_options *opts);

/* The program text after #include and #define (owned by the caller), with
 * the constants they define in *consts; NULL after an error. The result
 * keeps every line where it was, so diagnostics point into the text the
 * user wrote. */
static char *preprocessed(const struct compile_options *opts, struct source *src,
                          struct constants **consts)
{
    *src = (struct source){
        .filename = (char *)opts->filename,
        .text = (char *)opts->text,
        .len = strlen(opts->text),
    };
    const char *btf_file = opts->settings ? opts->settings->btf_path : NULL;
    int btf_err = btf_file ? kernel_btf_use_file(btf_file) : 0;
    if (btf_err < 0) {
        fprintf(stderr, "ERROR: Failed to parse BTF from %s (BPFTRACE_BTF): %s\n", btf_file,
                strerror(-btf_err));
        return NULL;
    }
    *consts = constants_new();
    struct preprocess_options popts = {
        .include_dirs = opts->include_dirs,
        .ninclude_dirs = opts->ninclude_dirs,
        .include_files = opts->include_files,
        .ninclude_files = opts->ninclude_files,
        .reserved_name = builtin_is_variable,
        .kernel_source = opts->settings ? opts->settings->kernel_source : NULL,
    };
    char *text = preprocess(src, &popts, *consts);
    if (!text) {
        constants_free(*consts);
        return NULL;
    }
    src->text = text;
    src->len = strlen(text);
    return text;
}

struct compiled_program *compile_program(const struct compile_options *opts)
{
    struct source src;
    struct constants *consts;
    char *text = preprocessed(opts, &src, &consts);
    if (!text)
        return NULL;
    struct compiled_program *p = compile_source(&src, consts, opts);
    free(text);
    constants_free(consts);
    return p;
}

int compile_list_probes(const struct compile_options *opts, FILE *out, bool verbose)
{
    struct source src;
    struct constants *consts;
    char *text = preprocessed(opts, &src, &consts);
    if (!text)
        return -1;
    struct ast *ast = parse_program(&src);
    int rc = ast ? 0 : -1;
    for (int p = 0; ast && p < ast->root->nprobes && rc == 0; p++) {
        const struct node *probe = ast->root->probes[p];
        for (int a = 0; a < probe->nattach && rc == 0; a++)
            if (probes_list(out, probe->attach[a]->str, verbose) < 0)
                rc = -1;
    }
    if (ast)
        ast_free(ast);
    free(text);
    constants_free(consts);
    return rc;
}

static struct compiled_program *compile_source(const struct source *src,
                                               const struct constants *consts,
                                               const struct compile_options *opts)
{
    struct ast *ast = parse_program((struct source *)src);
    if (!ast)
        return NULL;
    if (opts->dump & DUMP_AST)
        ast_dump(ast, opts->dump_out ? opts->dump_out : stdout);

    struct semantic sem;
    if (resolve_program(&sem, ast, consts, opts) < 0 || check_limits(&sem) < 0) {
        semantic_free(&sem);
        ast_free(ast);
        return NULL;
    }

    struct compiled_program *p = calloc(1, sizeof(*p));
    p->strlen = sem.strlen;
    p->settings = sem.settings.program;
    p->missing_probes = sem.missing_probes;
    p->source_name = strdup(src->filename ? src->filename : "stdin");
    p->source_text = strdup(src->text);
    p->maps = calloc(sem.nmaps + 6, sizeof(*p->maps));
    for (int i = 0; i < sem.nmaps; i++)
        describe_map(&sem, sem.maps[i], &p->maps[i]);
    p->nmaps = sem.nmaps;
    p->ringbuf_map_id = add_internal_map(p, "ringbuf", BPF_MAP_TYPE_RINGBUF, 0, 0,
                                        ringbuf_bytes(sem.settings.program.perf_rb_pages));
    /* one stack trace map per kind: a stack id is only meaningful in its map */
    p->kstack_map_id = sem.uses_kstack ? add_internal_map(p, "kstack", BPF_MAP_TYPE_STACK_TRACE, 4,
                                                          STACK_FRAMES * 8, STACK_MAP_ENTRIES)
                                       : -1;
    p->ustack_map_id = sem.uses_ustack ? add_internal_map(p, "ustack", BPF_MAP_TYPE_STACK_TRACE, 4,
                                                          STACK_FRAMES * 8, STACK_MAP_ENTRIES)
                                       : -1;
    p->stack_map_entries = STACK_MAP_ENTRIES;
    /* what the programs could not record: lost events, lost stacks */
    p->losses_map_id = add_internal_map(p, "losses", BPF_MAP_TYPE_ARRAY, 4, 8 * LOSS_COUNTERS, 1);
    bool stop_flag = false;
    for (int i = 0; i < sem.nunits; i++) {
        sem.units[i].checks_stop_flag = sem.units[i].nmatches >= STOP_FLAG_MIN_ATTACH;
        stop_flag |= sem.units[i].checks_stop_flag;
    }
    p->stop_map_id = stop_flag ? add_internal_map(p, "stop", BPF_MAP_TYPE_ARRAY, 4, 8, 1) : -1;
    p->start_time_map_id = add_internal_map(p, "start_time", BPF_MAP_TYPE_ARRAY, 4, 8, 1);
    describe_progs(&sem, p);

    int rc = generate(&sem, opts, p);
    for (int i = 0; rc == 0 && i < sem.nunits; i++)
        p->progs[i].raw_tracepoint_ok = may_be_raw_tracepoint(&sem.units[i]);

    /* hand the event descriptions and probe names over to the program */
    p->asyncs = sem.asyncs;
    p->nasyncs = sem.nasyncs;
    sem.asyncs = NULL;
    sem.nasyncs = 0;
    p->value_strings = sem.value_strings;
    p->nvalue_strings = sem.nvalue_strings;
    sem.value_strings = NULL;
    sem.nvalue_strings = 0;
    p->option_help = sem.option_help;
    p->noption_help = sem.noption_help;
    sem.option_help = NULL;
    p->probe_names = sem.probe_names;
    p->nprobe_names = sem.nprobe_names;
    sem.probe_names = NULL;
    sem.nprobe_names = 0;
    semantic_free(&sem);
    ast_free(ast);
    if (rc < 0) {
        compiled_program_free(p);
        return NULL;
    }
    if (opts->dump & DUMP_BPF)
        disasm_object(p->elf, p->elf_size, opts->dump_out ? opts->dump_out : stdout);
    return p;
}
