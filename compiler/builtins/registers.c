/* The probe's registers and the probed program: ctx, reg(), usermode,
 * uaddr(); and what fentry/fexit programs may call: path(),
 * socket_cookie(), skboutput(). The table's `requires` keeps each to the
 * probe kinds whose context has it. */
#include <elf.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins/entries.h"
#include "diag.h"
#include "codegen/memory.h"
#include "probes/probe_kind.h"
#include "sema/sema.h"
#include "target/elf_symbols.h"

/* struct pt_regs on x86-64, as bpftrace names its registers. */
static const struct {
    const char *name;
    uint32_t offset;
} registers[] = {
    {"r15", 0},     {"r14", 8},  {"r13", 16}, {"r12", 24},      {"bp", 32},  {"bx", 40},
    {"r11", 48},    {"r10", 56}, {"r9", 64},  {"r8", 72},       {"ax", 80},  {"cx", 88},
    {"dx", 96},     {"si", 104}, {"di", 112}, {"orig_ax", 120}, {"ip", 128}, {"cs", 136},
    {"flags", 144}, {"sp", 152}, {"ss", 160},
};

static LLVMValueRef load_ctx_word(struct codegen *g, uint32_t offset)
{
    LLVMValueRef p = gen_byte_ptr(g, g->ctxarg, offset);
    return LLVMBuildLoad2(g->b, g->i64, LLVMBuildBitCast(g->b, p, g->i64p, ""), "");
}

void check_reg(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind != N_STRING) {
        sem_error(sem, arg->loc, "reg() expects a register name as a string literal");
        return;
    }
    for (size_t i = 0; i < sizeof(registers) / sizeof(registers[0]); i++)
        if (strcmp(registers[i].name, arg->str) == 0) {
            call->ival = registers[i].offset;
            call->type = type_int(8, false);
            return;
        }
    sem_error(sem, arg->loc, "'%s' is not a valid register on this architecture (x86_64)",
              arg->str);
}

LLVMValueRef gen_reg(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return load_ctx_word(g, (uint32_t)call->ival);
}

/* usermode: the code segment's privilege level is 3 in user mode. */
#define PT_REGS_CS 136
#define PT_REGS_IP 128

void check_var_usermode(struct semantic *sem, struct node *n)
{
    n->type = type_int(1, false);
    (void)sem;
}

LLVMValueRef gen_var_usermode(struct codegen *g, struct node *n)
{
    LLVMValueRef cpl = LLVMBuildAnd(g->b, load_ctx_word(g, PT_REGS_CS), gen_i64(g, 3), "");
    return LLVMBuildZExt(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, cpl, gen_i64(g, 3), ""), g->i64, "");
}

/* ctx: the program's context, as bpftrace 0.17 types it per program type. */
void check_var_ctx(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    uint32_t prog_type = probe_kind_of(sem->cur->provider)->bpf_prog_type;
    const char *record = prog_type == BPF_PROG_TYPE_KPROBE       ? "struct pt_regs"
                         : prog_type == BPF_PROG_TYPE_PERF_EVENT ? "struct bpf_perf_event_data"
                                                                 : NULL;
    if (prog_type == BPF_PROG_TYPE_TRACEPOINT) {
        sem_error(sem, n->loc, "Use args instead of ctx in tracepoint");
        return;
    }
    if (!record || type_from_name(&sem->types, record, 1, false, &n->type) < 0) {
        sem_error(sem, n->loc, "invalid program type");
        n->type.kind = TY_NONE;
    }
}

LLVMValueRef gen_var_ctx(struct codegen *g, struct node *n)
{
    return LLVMBuildPtrToInt(g->b, g->ctxarg, g->i64, "");
}

/* uaddr("sym"): the symbol's address in the probed binary, found at
 * compile time; a pointer to an unsigned integer of the symbol's size.
 *
 * A position-independent binary (ET_DYN) is loaded at a bias chosen at run
 * time, so uprobe and usdt programs add it there, as current bpftrace does:
 * bpf_find_vma() finds the current task's mapping of the probed instruction
 * (ctx->ip, in the probed binary); a mapping at vm_start of file offset
 * vm_pgoff << PAGE_SHIFT holds the executable segment, whose file offset f
 * is at virtual address f - p_offset + p_vaddr in the file, so
 *     bias = vm_start - (vm_pgoff << PAGE_SHIFT) + p_offset - p_vaddr
 * and the symbol is at bias + its value. A uretprobe's ip is the return
 * address, in its caller's object: it keeps the file's address. */
struct uaddr_relocation {
    int64_t file_delta;                        /* the executable segment's p_offset - p_vaddr */
    uint32_t vm_start_offset, vm_pgoff_offset; /* in struct vm_area_struct */
    unsigned page_shift;
};

static bool uaddr_relocation(struct type_arena *types, const struct probe_unit *unit,
                             const char *binary, struct uaddr_relocation *out)
{
    if (unit->provider != PROV_UPROBE && unit->provider != PROV_USDT)
        return false;
    int err;
    const struct elf_binary *b = elf_binary_get(binary, &err);
    if (!b || b->type != ET_DYN)
        return false;
    /* one executable segment's delta, the same for every executable segment
     * (else the probed instruction's segment is not known here) */
    bool found = false;
    for (int i = 0; i < b->nsegs; i++) {
        if (!b->segs[i].exec)
            continue;
        int64_t delta = (int64_t)(b->segs[i].offset - b->segs[i].vaddr);
        if (found && delta != out->file_delta)
            return false;
        out->file_delta = delta;
        found = true;
    }
    struct type vma;
    struct member_info start, pgoff;
    if (!found || type_from_name(types, "struct vm_area_struct", 0, false, &vma) < 0 ||
        record_member(types, &vma, "vm_start", &start) < 0 ||
        record_member(types, &vma, "vm_pgoff", &pgoff) < 0)
        return false;
    out->vm_start_offset = start.offset;
    out->vm_pgoff_offset = pgoff.offset;
    out->page_shift = (unsigned)__builtin_ctzl((unsigned long)sysconf(_SC_PAGESIZE));
    return true;
}

/* every attach point of the unit probes the same binary: its first match's */
static const char *unit_binary(const struct probe_unit *unit)
{
    const struct attach_point *ap = unit->naps ? &unit->aps[0] : NULL;
    return ap && ap->nmatches ? ap->matches[0].target : NULL;
}

void check_uaddr(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind != N_STRING) {
        sem_error(sem, arg->loc, "uaddr() expects a symbol name as a string literal");
        return;
    }
    uint64_t addr = 0, size = 0;
    const char *binary = unit_binary(sem->cur);
    if (!binary || elf_symbol_lookup(binary, arg->str, &addr, &size) < 0 || addr == 0) {
        sem_error(sem, arg->loc, "Could not resolve symbol: %s:%s", binary ? binary : "?",
                  arg->str);
        return;
    }
    struct uaddr_relocation r;
    if (sem->final_pass && elf_file_type(binary) == ET_DYN &&
        !uaddr_relocation(&sem->types, sem->cur, binary, &r))
        diag_warning(sem->src, arg->loc,
                     "uaddr(\"%s\"): %s is position-independent; this is the symbol's "
                     "address in the file, not where a process loaded it (sobt relocates it "
                     "in uprobe and usdt probes only)",
                     arg->str, binary);
    uint32_t width = size == 1 || size == 2 || size == 4 ? (uint32_t)size : 8;
    struct type pointee = type_int(width, false);
    call->ival = (int64_t)addr;
    call->type = (struct type){
        .kind = TY_PTR, .size = 8, .is_user = true, .elem = type_arena_new(&sem->types, pointee)};
}

/* bpf_find_vma's callback: the bias of the mapping it found, into *ctx. */
static LLVMValueRef gen_bias_callback(struct codegen *g, const struct uaddr_relocation *r)
{
    LLVMTypeRef params[3] = {g->i8p, g->i8p, g->i8p}; /* task, vma, ctx */
    struct callback_state saved;
    LLVMValueRef fn = gen_begin_callback(g, "uaddr_bias", params, 3, &saved);
    LLVMValueRef vma = LLVMGetParam(fn, 1);
    LLVMValueRef start = gen_load_i64(g, gen_byte_ptr(g, vma, r->vm_start_offset));
    LLVMValueRef pgoff = gen_load_i64(g, gen_byte_ptr(g, vma, r->vm_pgoff_offset));
    LLVMValueRef file_start = LLVMBuildShl(g->b, pgoff, gen_i64(g, r->page_shift), "");
    LLVMValueRef bias = LLVMBuildAdd(g->b, LLVMBuildSub(g->b, start, file_start, ""),
                                     gen_i64(g, r->file_delta), "");
    gen_store_i64(g, LLVMGetParam(fn, 2), bias);
    LLVMBuildRet(g->b, gen_i64(g, 0));
    gen_end_callback(g, &saved);
    return fn;
}

LLVMValueRef gen_uaddr(struct codegen *g, struct node *call, const struct gen_args *a)
{
    struct uaddr_relocation r;
    const char *binary = unit_binary(g->unit);
    if (!binary || !uaddr_relocation(&g->sem->types, g->unit, binary, &r))
        return gen_i64(g, call->ival);
    /* no mapping found (it cannot happen for a probe running in it): bias 0 */
    LLVMValueRef bias = gen_alloca(g, 8, "uaddr_bias");
    gen_store_i64(g, bias, gen_i64(g, 0));
    LLVMValueRef fn = gen_bias_callback(g, &r);
    LLVMValueRef task = gen_helper(g, HELPER_GET_CURRENT_TASK_BTF, g->i64, NULL, 0);
    LLVMValueRef args[5] = {LLVMBuildIntToPtr(g->b, task, g->i8p, ""), load_ctx_word(g, PT_REGS_IP),
                            LLVMBuildBitCast(g->b, fn, g->i8p, ""), bias, gen_i64(g, 0)};
    gen_helper(g, HELPER_FIND_VMA, g->i64, args, 5);
    return LLVMBuildAdd(g->b, gen_load_i64(g, bias), gen_i64(g, call->ival), "");
}

/* ---- fentry/fexit helpers ---- */

static bool is_pointer_to(const struct type *t, const char *record)
{
    return t->kind == TY_PTR && t->elem && t->elem->kind == TY_RECORD &&
           strcmp(record_name(t->elem), record) == 0;
}

/* path(struct path *p [, size]): bpf_d_path's text, at most size bytes. */
void check_path(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_NONE)
        return;
    /* a struct path in kernel memory (args.file.f_path) is its address, as
     * bpftrace takes it */
    bool path_in_memory = t->kind == TY_RECORD && !t->on_stack &&
                          strcmp(record_name(t), "struct path") == 0;
    if (!is_pointer_to(t, "struct path") && !path_in_memory && t->kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "path() expects a struct path pointer, got '%s'",
                  type_name_of(t));
        return;
    }
    uint32_t size = sem->strlen;
    int64_t n;
    if (call->nargs == 2) {
        if (!sem_literal_int(call->args[1], &n) || n < 1) {
            sem_error(sem, call->args[1]->loc, "path() size must be a positive integer literal");
            return;
        }
        size = (uint32_t)(n < sem->strlen ? n : sem->strlen);
    }
    call->type = (struct type){.kind = TY_STRING, .size = size};
}

LLVMValueRef gen_path(struct codegen *g, struct node *call, const struct gen_args *a)
{
    uint32_t size = call->type.size;
    LLVMValueRef buf = gen_alloca(g, size, "path");
    gen_memset0(g, buf, size);
    LLVMValueRef args[3] = {LLVMBuildIntToPtr(g->b, a->value[0], g->i8p, ""), buf,
                            LLVMConstInt(g->i32, size, false)};
    gen_helper(g, HELPER_D_PATH, g->i64, args, 3);
    return buf;
}

void check_socket_cookie(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_NONE)
        return;
    if (!is_pointer_to(t, "struct sock")) {
        sem_error(sem, call->args[0]->loc,
                  "socket_cookie() expects a struct sock pointer, got '%s'", type_name_of(t));
        return;
    }
    call->type = type_int(8, false);
}

LLVMValueRef gen_socket_cookie(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef args[1] = {LLVMBuildIntToPtr(g->b, a->value[0], g->i8p, "")};
    return gen_helper(g, HELPER_GET_SOCKET_COOKIE, g->i64, args, 1);
}

/* skboutput(file, skb, length, offset): the packet goes to a pcap file
 * (an event; its code is in packets.c). */
void check_skboutput(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (call->args[0]->kind != N_STRING) {
        sem_error(sem, call->args[0]->loc, "skboutput() file name must be a string literal");
        return;
    }
    const struct type *t = &call->args[1]->type;
    if (t->kind != TY_NONE && !is_pointer_to(t, "struct sk_buff")) {
        sem_error(sem, call->args[1]->loc, "skboutput() expects a struct sk_buff pointer, got '%s'",
                  type_name_of(t));
        return;
    }
    for (int i = 2; i < 4; i++)
        if (call->args[i]->type.kind != TY_INT) {
            sem_error(sem, call->args[i]->loc, "skboutput() %s must be an integer",
                      i == 2 ? "length" : "offset");
            return;
        }
    if (call->args[1]->type.kind == TY_NONE || sem_add_async(sem, call, ASYNC_SKBOUTPUT) < 0)
        return;
    struct async_desc *a = &sem->asyncs[call->async_id];
    a->fmt = strdup(call->args[0]->str);
    a->args.size = sizeof(struct skboutput_record);
    call->type = type_int(8, true);
}
