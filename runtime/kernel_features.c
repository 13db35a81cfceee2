/* What this kernel supports, found by asking it: small programs and maps are
 * loaded and thrown away (libbpf's probes where it has them). The report
 * keeps the sections and line format of `bpftrace --info` 0.17, with the
 * lines that describe what sobt uses. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kernel_features.h"

#define INSN(code_, dst_, src_, off_, imm_)                                                        \
    ((struct bpf_insn){.code = (code_), .dst_reg = (dst_), .src_reg = (src_), .off = (off_),      \
                       .imm = (imm_)})
#define MOV64_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define ADD64_IMM(dst, imm) INSN(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm)
#define JLT_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JLT | BPF_K, dst, 0, off, imm)
#define EXIT_INSN() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Classic BPF's limit, and the one privileged programs have had since 5.2. */
#define OLD_INSN_LIMIT 4096
#define NEW_INSN_LIMIT 1000000

static bool loads(enum bpf_prog_type type, const struct bpf_insn *insns, size_t n,
                  struct bpf_prog_load_opts *opts)
{
    int fd = bpf_prog_load(type, NULL, "GPL", insns, n, opts);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

static bool has_helper(enum bpf_prog_type type, enum bpf_func_id helper)
{
    return libbpf_probe_bpf_helper(type, helper, NULL) == 1;
}

/* A program one instruction longer than the old limit. */
static unsigned instruction_limit(void)
{
    enum { N = OLD_INSN_LIMIT + 1 };
    static struct bpf_insn insns[N];
    for (int i = 0; i < N - 1; i++)
        insns[i] = MOV64_IMM(BPF_REG_0, 0);
    insns[N - 1] = EXIT_INSN();
    return loads(BPF_PROG_TYPE_SOCKET_FILTER, insns, N, NULL) ? NEW_INSN_LIMIT : OLD_INSN_LIMIT;
}

/* A bounded loop: a backward jump, which verifiers before 5.3 refuse. */
static bool has_loops(void)
{
    const struct bpf_insn insns[] = {
        MOV64_IMM(BPF_REG_0, 0),
        ADD64_IMM(BPF_REG_0, 1),
        JLT_IMM(BPF_REG_0, 4, -2),
        MOV64_IMM(BPF_REG_0, 0),
        EXIT_INSN(),
    };
    return loads(BPF_PROG_TYPE_SOCKET_FILTER, insns, sizeof(insns) / sizeof(insns[0]), NULL);
}

static bool has_btf(void)
{
    struct btf *btf = btf__load_vmlinux_btf();
    if (!btf)
        return false;
    btf__free(btf);
    return true;
}

/* BPF_MAP_LOOKUP_BATCH on an empty map: ENOENT where it exists. */
static bool has_map_batch(void)
{
    int fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 8, 1, NULL);
    if (fd < 0)
        return false;
    uint32_t keys[1], out_batch;
    uint64_t values[1];
    uint32_t count = 1;
    int rc = bpf_map_lookup_batch(fd, NULL, &out_batch, keys, values, &count, NULL);
    bool ok = rc == 0 || errno == ENOENT;
    close(fd);
    return ok;
}

/* fentry on vfs_read: loading needs the function's BTF id. */
static bool has_fentry(void)
{
    struct btf *btf = btf__load_vmlinux_btf();
    if (!btf)
        return false;
    int id = btf__find_by_name_kind(btf, "vfs_read", BTF_KIND_FUNC);
    btf__free(btf);
    if (id <= 0)
        return false;
    const struct bpf_insn insns[] = {MOV64_IMM(BPF_REG_0, 0), EXIT_INSN()};
    LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
                .attach_btf_id = (uint32_t)id);
    return loads(BPF_PROG_TYPE_TRACING, insns, 2, &opts);
}

/* A kprobe_multi link on one function (kernels without kprobes refuse it). */
static bool has_kprobe_multi(void)
{
    const struct bpf_insn insns[] = {MOV64_IMM(BPF_REG_0, 0), EXIT_INSN()};
    LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_KPROBE_MULTI);
    int prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &opts);
    if (prog < 0)
        return false;
    const char *syms[] = {"vfs_read"};
    LIBBPF_OPTS(bpf_link_create_opts, lopts, .kprobe_multi.syms = syms, .kprobe_multi.cnt = 1);
    int link = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &lopts);
    if (link >= 0)
        close(link);
    close(prog);
    return link >= 0;
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

static void print_helpers(FILE *out)
{
    static const struct {
        const char *name;
        enum bpf_prog_type type;
        enum bpf_func_id id;
    } helpers[] = {
        {"probe_read", BPF_PROG_TYPE_KPROBE, BPF_FUNC_probe_read},
        {"probe_read_str", BPF_PROG_TYPE_KPROBE, BPF_FUNC_probe_read_str},
        {"probe_read_user", BPF_PROG_TYPE_KPROBE, BPF_FUNC_probe_read_user},
        {"probe_read_user_str", BPF_PROG_TYPE_KPROBE, BPF_FUNC_probe_read_user_str},
        {"probe_read_kernel", BPF_PROG_TYPE_KPROBE, BPF_FUNC_probe_read_kernel},
        {"probe_read_kernel_str", BPF_PROG_TYPE_KPROBE, BPF_FUNC_probe_read_kernel_str},
        {"get_current_cgroup_id", BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_current_cgroup_id},
        {"send_signal", BPF_PROG_TYPE_KPROBE, BPF_FUNC_send_signal},
        {"override_return", BPF_PROG_TYPE_KPROBE, BPF_FUNC_override_return},
        {"get_boot_ns", BPF_PROG_TYPE_KPROBE, BPF_FUNC_ktime_get_boot_ns},
        /* what sobt's code calls besides */
        {"get_attach_cookie", BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_get_attach_cookie},
        {"get_func_ip", BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_func_ip},
        {"ringbuf_reserve", BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_ringbuf_reserve},
    };
    fputs("Kernel helpers\n", out);
    for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
        fprintf(out, "  %s: %s\n", helpers[i].name,
                yes_no(has_helper(helpers[i].type, helpers[i].id)));
}

static void print_map_types(FILE *out)
{
    static const struct {
        const char *name;
        enum bpf_map_type type;
    } maps[] = {
        {"hash", BPF_MAP_TYPE_HASH},
        {"percpu hash", BPF_MAP_TYPE_PERCPU_HASH},
        {"array", BPF_MAP_TYPE_ARRAY},
        {"percpu array", BPF_MAP_TYPE_PERCPU_ARRAY},
        {"stack_trace", BPF_MAP_TYPE_STACK_TRACE},
        {"perf_event_array", BPF_MAP_TYPE_PERF_EVENT_ARRAY},
        {"ringbuf", BPF_MAP_TYPE_RINGBUF},
    };
    fputs("Map types\n", out);
    for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
        fprintf(out, "  %s: %s\n", maps[i].name,
                yes_no(libbpf_probe_bpf_map_type(maps[i].type, NULL) == 1));
}

static void print_probe_types(FILE *out)
{
    fputs("Probe types\n", out);
    fprintf(out, "  kprobe: %s\n", yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_KPROBE, NULL) == 1));
    fprintf(out, "  tracepoint: %s\n",
            yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, NULL) == 1));
    fprintf(out, "  perf_event: %s\n",
            yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_PERF_EVENT, NULL) == 1));
    fprintf(out, "  kfunc: %s\n", yes_no(has_fentry()));
    fprintf(out, "  kprobe_multi: %s\n", yes_no(has_kprobe_multi()));
    /* How sobt attaches: kprobes and uprobes through perf PMUs, never
     * through the legacy kprobe_events file. */
    fprintf(out, "  kprobe attach (perf kprobe PMU): %s\n",
            yes_no(exists("/sys/bus/event_source/devices/kprobe/type")));
    fprintf(out, "  uprobe attach (perf uprobe PMU): %s\n",
            yes_no(exists("/sys/bus/event_source/devices/uprobe/type")));
    fprintf(out, "  tracefs: %s\n", yes_no(exists("/sys/kernel/tracing/events")));
}

void features_print(FILE *out)
{
    print_helpers(out);
    fputs("\nKernel features\n", out);
    fprintf(out, "  Instruction limit: %u\n", instruction_limit());
    fprintf(out, "  Loop support: %s\n", yes_no(has_loops()));
    fprintf(out, "  btf: %s\n", yes_no(has_btf()));
    fprintf(out, "  map batch: %s\n", yes_no(has_map_batch()));
    fprintf(out, "  uprobe refcount: %s\n",
            yes_no(exists("/sys/bus/event_source/devices/uprobe/format/ref_ctr_offset")));
    fputc('\n', out);
    print_map_types(out);
    fputc('\n', out);
    print_probe_types(out);
}
