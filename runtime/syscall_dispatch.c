/* One program per syscall direction, dispatching on the syscall number (see
 * syscall_dispatch.h). */
#include "syscall_dispatch.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "diag.h"

struct syscall_number {
    const char *name;
    int nr;
};

#include "syscall_numbers.h"

/* Tracepoints named after the kernel's function rather than the syscall
 * (x86-64: SYSCALL_DEFINE(newstat) implements stat, and so on). */
static const struct {
    const char *tracepoint, *syscall;
} renamed[] = {
    {"newfstat", "fstat"}, {"newlstat", "lstat"},      {"newstat", "stat"},
    {"newuname", "uname"}, {"sendfile64", "sendfile"}, {"umount", "umount2"},
};

#define TABLE_SIZE 1024

static int cmp_name(const void *key, const void *elem)
{
    return strcmp(key, ((const struct syscall_number *)elem)->name);
}

/* The syscall number of tracepoint `target` and its direction (0 enter, 1
 * exit); -1 when it is not a syscall tracepoint of a known number. */
static int syscall_nr(const char *target, int *dir)
{
    const char *name;
    if (strncmp(target, "syscalls:sys_enter_", 19) == 0) {
        name = target + 19;
        *dir = 0;
    } else if (strncmp(target, "syscalls:sys_exit_", 18) == 0) {
        name = target + 18;
        *dir = 1;
    } else {
        return -1;
    }
    for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
        if (strcmp(name, renamed[i].tracepoint) == 0)
            name = renamed[i].syscall;
    const struct syscall_number *n =
        bsearch(name, syscall_numbers, sizeof(syscall_numbers) / sizeof(syscall_numbers[0]),
                sizeof(syscall_numbers[0]), cmp_name);
    return n && n->nr < TABLE_SIZE ? n->nr : -1;
}

void syscall_dispatch_init(struct syscall_dispatch *d)
{
    d->table_fd[0] = d->table_fd[1] = -1;
    d->prog_fd[0] = d->prog_fd[1] = -1;
    d->count = 0;
}

bool syscall_dispatch_can_take(const char *target)
{
#ifdef __x86_64__
    int dir;
    return target && syscall_nr(target, &dir) >= 0;
#else
    (void)target;
    return false; /* the table of numbers is x86-64's */
#endif
}

int syscall_dispatch_add(struct syscall_dispatch *d, const char *target, int prog_fd)
{
    int dir;
    int nr = syscall_nr(target, &dir);
    if (d->table_fd[dir] < 0) {
        d->table_fd[dir] =
            bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, dir ? "sobt_sysexit" : "sobt_sysenter", 4, 4,
                           TABLE_SIZE, NULL);
        if (d->table_fd[dir] < 0) {
            diag_plain_error("cannot create the syscall dispatch table: %s", strerror(errno));
            return -1;
        }
    }
    uint32_t key = (uint32_t)nr;
    uint32_t value = (uint32_t)prog_fd;
    if (bpf_map_update_elem(d->table_fd[dir], &key, &value, BPF_ANY) != 0) {
        diag_plain_error("tracepoint:%s: cannot enter it in the dispatch table: %s", target,
                         strerror(errno));
        return -1;
    }
    d->count++;
    return 0;
}

/* r3 = ctx->id; tail_call(ctx, table, r3); return 0 -- an empty slot or a
 * number past the table falls through. */
static int load_dispatcher(int table_fd)
{
    struct bpf_insn insns[] = {
        {.code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_3, .src_reg = BPF_REG_1, .off = 8},
        {.code = BPF_LD | BPF_IMM | BPF_DW,
         .dst_reg = BPF_REG_2,
         .src_reg = BPF_PSEUDO_MAP_FD,
         .imm = table_fd},
        {0},
        {.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_tail_call},
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    return bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "sobt_sysdisp", "GPL", insns,
                         sizeof(insns) / sizeof(insns[0]), NULL);
}

int syscall_dispatch_attach(struct syscall_dispatch *d, struct attachment *out)
{
    static const char *const targets[2] = {"raw_syscalls:sys_enter", "raw_syscalls:sys_exit"};
    int filled = 0;
    for (int dir = 0; dir < 2; dir++) {
        if (d->table_fd[dir] < 0)
            continue;
        d->prog_fd[dir] = load_dispatcher(d->table_fd[dir]);
        if (d->prog_fd[dir] < 0) {
            diag_plain_error("cannot load the syscall dispatcher: %s", strerror(errno));
            return -1;
        }
        char name[64];
        snprintf(name, sizeof(name), "tracepoint:%s", targets[dir]);
        struct attach_desc at = {.target = (char *)targets[dir], .probe_id = -1};
        struct attachment *a = &out[filled];
        a->perf_fd = a->link_fd = -1;
        a->stopped_by_flag = false;
        if (provider_for(PROV_TRACEPOINT)->attach(d->prog_fd[dir], &at, name, a) < 0)
            return -1;
        filled++;
    }
    return filled;
}

void syscall_dispatch_close(struct syscall_dispatch *d)
{
    for (int dir = 0; dir < 2; dir++) {
        if (d->prog_fd[dir] >= 0)
            close(d->prog_fd[dir]);
        if (d->table_fd[dir] >= 0)
            close(d->table_fd[dir]);
    }
    syscall_dispatch_init(d);
}
