/* The loader: reads the BPF ELF that LLVM produced (libelf), creates the maps
 * (libbpf), turns every map reference into the map's file descriptor and
 * hands each program to the verifier. */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "diag.h"
#include "callbacks.h"
#include "loader.h"
#include "module_btf.h"
#include "raw_tracepoint.h"

/* bpftrace prints the whole log; the tail is where the verifier says why, and
 * since Linux 6.4 the kernel keeps the tail when the buffer is too small. Its
 * size is BPFTRACE_LOG_SIZE (the kernel takes at most UINT32_MAX >> 2). */
#define DEFAULT_LOG_SIZE 1000000

static uint64_t log_size_setting(const struct compiled_program *prog)
{
    return prog->settings.log_size ? prog->settings.log_size : DEFAULT_LOG_SIZE;
}

static uint32_t verifier_log_size(const struct compiled_program *prog)
{
    uint64_t size = log_size_setting(prog);
    return size > (UINT32_MAX >> 2) ? (UINT32_MAX >> 2) : size < 2 ? 2 : (uint32_t)size;
}

/* A log that did not fit: bpftrace's advice. */
static void report_small_log(const struct compiled_program *prog)
{
    diag_plain_error("Error: Failed to load program, verification log buffer not big enough, "
                     "try increasing the BPFTRACE_LOG_SIZE environment variable beyond the "
                     "current value of %" PRIu64 " bytes",
                     log_size_setting(prog));
}

const char *loader_probe_name(const struct compiled_program *prog, int prog_index)
{
    const struct prog_desc *pd = &prog->progs[prog_index];
    if (pd->nattach > 0) {
        int id = pd->attach[0].probe_id;
        if (id >= 0 && id < prog->nprobe_names && prog->probe_names[id])
            return prog->probe_names[id];
    }
    return pd->section;
}

/* Kernel object names allow [A-Za-z0-9_.] and 15 characters; "@foo" is
 * named "AT_foo" as bpftrace does. */
static void kernel_object_name(const char *name, char out[BPF_OBJ_NAME_LEN])
{
    size_t n = 0;
    if (name[0] == '@') {
        memcpy(out, "AT_", 3);
        n = 3;
        name++;
    }
    for (; *name && n < BPF_OBJ_NAME_LEN - 1; name++) {
        char c = *name;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.';
        out[n++] = ok ? c : '_';
    }
    out[n] = '\0';
}

static uint32_t ringbuf_size(uint32_t requested)
{
    /* The kernel wants a power-of-two multiple of the page size. */
    uint32_t page = (uint32_t)sysconf(_SC_PAGESIZE);
    uint32_t size = requested > page ? requested : page;
    uint32_t pow2 = page;
    while (pow2 < size && pow2 < (1u << 30))
        pow2 <<= 1;
    return pow2;
}

static int create_map(const struct map_desc *md)
{
    char name[BPF_OBJ_NAME_LEN];
    kernel_object_name(md->name ? md->name : "map", name);
    uint32_t key_size = md->key_size, value_size = md->value_size;
    uint32_t max_entries = md->max_entries;
    if (md->bpf_type == BPF_MAP_TYPE_RINGBUF) {
        key_size = 0;
        value_size = 0;
        max_entries = ringbuf_size(max_entries);
    }
    int fd = bpf_map_create(md->bpf_type, name, key_size, value_size, max_entries, NULL);
    if (fd < 0)
        diag_plain_error("could not create map %s: %s", md->name ? md->name : "?", strerror(errno));
    return fd;
}

/* A program section's instructions as found in the ELF. */
struct elf_prog_section {
    size_t index;
    const struct bpf_insn *insns;
    size_t count;
};

static int find_section(Elf *elf, size_t shstrndx, const char *want, struct elf_prog_section *out)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
        if (!name || strcmp(name, want) != 0)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (sh.sh_type != SHT_PROGBITS || !data || !data->d_buf ||
            data->d_size % sizeof(struct bpf_insn) != 0) {
            diag_plain_error("BPF object: section %s holds no instructions", want);
            return -1;
        }
        out->index = elf_ndxscn(scn);
        out->insns = data->d_buf;
        out->count = data->d_size / sizeof(struct bpf_insn);
        return 0;
    }
    diag_plain_error("BPF object: no section %s", want);
    return -1;
}

/* Replace each map id with the map's fd: in map references and in direct
 * references to a one-entry array's value. Returns -1 for an unknown id. */
static int patch_map_references(struct bpf_insn *insns, size_t count,
                                const struct loaded_program *lp, const char *section_name)
{
    for (size_t i = 0; i < count; i++) {
        if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW))
            continue;
        if (insns[i].src_reg == BPF_PSEUDO_MAP_FD || insns[i].src_reg == BPF_PSEUDO_MAP_VALUE) {
            int id = insns[i].imm;
            if (id < 0 || id >= lp->nmaps || lp->map_fds[id] < 0) {
                diag_plain_error("BPF object: %s refers to unknown map %d", section_name, id);
                return -1;
            }
            insns[i].imm = lp->map_fds[id];
        }
        i++; /* the second half of the 16-byte instruction */
    }
    return 0;
}

/* Kernel function calls, marked by the compiler (program.h KFUNC_CALL_MARK):
 * calls of the vmlinux function with that BTF id. */
static void patch_kfunc_calls(struct bpf_insn *insns, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (insns[i].code == (BPF_LD | BPF_IMM | BPF_DW)) {
            i++; /* the second half of the 16-byte instruction */
            continue;
        }
        if (insns[i].code != (BPF_JMP | BPF_CALL) || insns[i].src_reg != 0 ||
            !(insns[i].imm & KFUNC_CALL_MARK))
            continue;
        insns[i].imm &= ~KFUNC_CALL_MARK;
        insns[i].src_reg = BPF_PSEUDO_KFUNC_CALL;
        insns[i].off = 0; /* vmlinux's BTF */
    }
}

static void print_verifier_log(const char *log)
{
    if (!log || !log[0])
        return;
    FILE *err = diag_stream ? diag_stream : stderr;
    fputs(log, err);
    if (log[strlen(log) - 1] != '\n')
        fputc('\n', err);
}

/* -v, after a program loaded: what bpftrace -v says (its id and the
 * verifier's summary), then sobt's instruction counts. */
static void print_verbose_load(const struct compiled_program *prog, int index, int fd,
                               const char *log, FILE *out)
{
    const char *name = loader_probe_name(prog, index);
    struct bpf_prog_info info;
    uint32_t len = sizeof(info);
    memset(&info, 0, sizeof(info));
    if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) {
        fprintf(out, "%s: no program info: %s\n", name, strerror(errno));
        return;
    }
    fprintf(out, "Program ID: %u\nThe verifier log:\n%s", info.id, log);
    if (!log[0] || log[strlen(log) - 1] != '\n')
        fputc('\n', out);
    fprintf(out, "%s: %u instructions verified, %u instructions loaded\n", name,
            info.verified_insns, (unsigned)(info.xlated_prog_len / sizeof(struct bpf_insn)));
}

/* The verifier's summary only ("processed N insns ..."): log level 4. */
#define VERIFIER_LOG_STATS 4

/* The config block's license, or GPL (which the tracing helpers require). */
static const char *license_of(const struct compiled_program *prog)
{
    return prog->settings.license[0] ? prog->settings.license : "GPL";
}

static int load_in_btf(const struct compiled_program *prog, int index, struct bpf_insn *insns,
                       size_t count, const struct callbacks *cb, char *log_buf, FILE *verbose_out,
                       bool raw_tracepoint, int btf_obj_fd)
{
    const struct prog_desc *pd = &prog->progs[index];
    enum bpf_prog_type type = raw_tracepoint ? BPF_PROG_TYPE_RAW_TRACEPOINT : pd->bpf_prog_type;
    char name[BPF_OBJ_NAME_LEN];
    kernel_object_name(pd->section, name);

    /* First without a log (the verifier runs faster without one), or with
     * just its summary for -v. */
    LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = pd->expected_attach_type,
                .attach_btf_id = pd->attach_btf_id, .attach_btf_obj_fd = btf_obj_fd);
    callbacks_set_opts(cb, &opts);
    if (verbose_out) {
        log_buf[0] = '\0';
        opts.log_level = VERIFIER_LOG_STATS;
        opts.log_buf = log_buf;
        opts.log_size = verifier_log_size(prog);
    }
    int fd = bpf_prog_load(type, name, license_of(prog), insns, count, &opts);
    if (fd >= 0) {
        if (verbose_out)
            print_verbose_load(prog, index, fd, log_buf, verbose_out);
        return fd;
    }
    int first_errno = errno;
    if (pd->bpf_prog_type == BPF_PROG_TYPE_TRACING && first_errno == EPERM) {
        /* Seen on kernels that have BPF trampolines but refuse them: the
         * load fails before the verifier says anything. */
        diag_plain_error("%s: this kernel refuses fentry/fexit programs: loading one fails "
                         "with EPERM before verification, whatever the function (BPF "
                         "trampolines are not allowed here)",
                         loader_probe_name(prog, index));
        return -1;
    }
    if (verbose_out && first_errno == ENOSPC) {
        report_small_log(prog);
        return -1;
    }

    /* the same load, with the whole log */
    struct bpf_prog_load_opts logged = opts;
    logged.log_level = 1;
    logged.log_buf = log_buf;
    logged.log_size = verifier_log_size(prog);
    log_buf[0] = '\0';
    fd = bpf_prog_load(type, name, license_of(prog), insns, count, &logged);
    if (fd >= 0)
        return fd; /* it failed once for a transient reason; take it */
    bool log_cut = errno == ENOSPC; /* the kernel kept the log's tail */
    print_verifier_log(log_buf);
    diag_plain_error("Error loading program: %s (%s)", loader_probe_name(prog, index),
                     strerror(first_errno));
    if (log_cut)
        report_small_log(prog);
    return -1;
}

/* A program on a module's function is loaded with the module's BTF object. */
static int load_one(const struct compiled_program *prog, int index, struct bpf_insn *insns,
                    size_t count, const struct callbacks *cb, char *log_buf, FILE *verbose_out,
                    bool raw_tracepoint)
{
    const char *module = prog->progs[index].attach_btf_module;
    if (!module)
        return load_in_btf(prog, index, insns, count, cb, log_buf, verbose_out, raw_tracepoint, 0);
    int btf_fd = module_btf_object_fd(module);
    if (btf_fd < 0) {
        diag_plain_error("%s: kernel module %s has no BTF loaded in the kernel (unloaded?)",
                         loader_probe_name(prog, index), module);
        return -1;
    }
    int fd =
        load_in_btf(prog, index, insns, count, cb, log_buf, verbose_out, raw_tracepoint, btf_fd);
    close(btf_fd);
    return fd;
}

static int create_maps(const struct compiled_program *prog, struct loaded_program *lp)
{
    for (int i = 0; i < prog->nmaps; i++) {
        lp->map_fds[i] = create_map(&prog->maps[i]);
        if (lp->map_fds[i] < 0)
            return -1;
    }
    return 0;
}

static int load_programs(const struct compiled_program *prog, struct loaded_program *lp,
                         FILE *verbose_out)
{
    if (!prog->elf || prog->elf_size == 0) {
        diag_plain_error("BPF object: empty");
        return -1;
    }
    Elf *elf = elf_memory(prog->elf, prog->elf_size);
    size_t shstrndx;
    if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx) != 0) {
        diag_plain_error("BPF object: not an ELF file: %s", elf_errmsg(-1));
        if (elf)
            elf_end(elf);
        return -1;
    }
    char *log_buf = malloc(verifier_log_size(prog));
    int rc = log_buf ? 0 : -1;
    for (int i = 0; rc == 0 && i < prog->nprogs; i++) {
        const char *section = prog->progs[i].section;
        struct elf_prog_section ps;
        if (find_section(elf, shstrndx, section, &ps) != 0) {
            rc = -1;
            break;
        }
        /* The ELF image belongs to the compiler: patch a copy. */
        struct bpf_insn *insns = malloc(ps.count * sizeof(*insns));
        if (!insns) {
            rc = -1;
            break;
        }
        memcpy(insns, ps.insns, ps.count * sizeof(*insns));
        struct callbacks cb;
        if (callbacks_resolve(elf, shstrndx, ps.index, insns, ps.count, section, &cb) != 0 ||
            patch_map_references(insns, ps.count, lp, section) != 0)
            rc = -1;
        else {
            patch_kfunc_calls(insns, ps.count);
            lp->raw_tracepoint[i] = raw_tracepoint_takes(&prog->progs[i]);
            lp->prog_fds[i] = load_one(prog, i, insns, ps.count, &cb, log_buf, verbose_out,
                                       lp->raw_tracepoint[i]);
        }
        callbacks_free(&cb);
        if (lp->prog_fds[i] < 0)
            rc = -1;
        free(insns);
    }
    free(log_buf);
    elf_end(elf);
    return rc;
}

static int *new_fd_array(int n)
{
    int *fds = calloc(n > 0 ? n : 1, sizeof(int));
    for (int i = 0; fds && i < n; i++)
        fds[i] = -1;
    return fds;
}

int loader_load(const struct compiled_program *prog, bool verbose, FILE *verbose_out,
                struct loaded_program *out)
{
    memset(out, 0, sizeof(*out));
    if (elf_version(EV_CURRENT) == EV_NONE) {
        diag_plain_error("libelf is too old");
        return -1;
    }
    out->nmaps = prog->nmaps;
    out->nprogs = prog->nprogs;
    out->map_fds = new_fd_array(prog->nmaps);
    out->prog_fds = new_fd_array(prog->nprogs);
    out->raw_tracepoint = calloc(prog->nprogs ? prog->nprogs : 1, sizeof(bool));
    FILE *verbose_to = verbose ? (verbose_out ? verbose_out : stderr) : NULL;
    if (!out->map_fds || !out->prog_fds || !out->raw_tracepoint || create_maps(prog, out) != 0 ||
        load_programs(prog, out, verbose_to) != 0) {
        loader_unload(out);
        return -1;
    }
    return 0;
}

int loader_set_start_time(const struct compiled_program *prog, const struct loaded_program *lp)
{
    int id = prog->start_time_map_id;
    if (id < 0)
        return 0;
    if (id >= lp->nmaps || lp->map_fds[id] < 0) {
        diag_plain_error("the start-time map %d does not exist", id);
        return -1;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint64_t ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
    uint32_t key = 0;
    if (bpf_map_update_elem(lp->map_fds[id], &key, &ns, BPF_ANY) != 0) {
        diag_plain_error("could not set the start time: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int loader_set_stop_flag(const struct compiled_program *prog, const struct loaded_program *lp)
{
    int id = prog->stop_map_id;
    if (id < 0 || id >= lp->nmaps || lp->map_fds[id] < 0)
        return 0;
    uint32_t key = 0;
    uint64_t one = 1;
    if (bpf_map_update_elem(lp->map_fds[id], &key, &one, BPF_ANY) != 0) {
        diag_plain_error("could not stop the programs: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static void close_all(int *fds, int n)
{
    for (int i = 0; fds && i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

void loader_unload(struct loaded_program *lp)
{
    close_all(lp->prog_fds, lp->nprogs);
    close_all(lp->map_fds, lp->nmaps);
    free(lp->prog_fds);
    free(lp->map_fds);
    free(lp->raw_tracepoint);
    memset(lp, 0, sizeof(*lp));
}
