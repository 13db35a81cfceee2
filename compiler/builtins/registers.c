/* The probe's registers and the probed program: ctx, reg(), usermode,
 * uaddr(); and what fentry/fexit programs may call: path(),
 * socket_cookie(), skboutput(). The table's `requires` keeps each to the
 * probe kinds whose context has it. */
#include <elf.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

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
 * compile time; a pointer to an unsigned integer of the symbol's size. */
void check_uaddr(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind != N_STRING) {
        sem_error(sem, arg->loc, "uaddr() expects a symbol name as a string literal");
        return;
    }
    uint64_t addr = 0, size = 0;
    /* every attach point of the unit probes the same binary: its first match's */
    const struct attach_point *ap = sem->cur->naps ? &sem->cur->aps[0] : NULL;
    const char *binary = ap && ap->nmatches ? ap->matches[0].target : NULL;
    if (!binary || elf_symbol_lookup(binary, arg->str, &addr, &size) < 0 || addr == 0) {
        sem_error(sem, arg->loc, "Could not resolve symbol: %s:%s", binary ? binary : "?",
                  arg->str);
        return;
    }
    /* bpftrace 0.17 reads the file's address too; current bpftrace moves it
     * to where the process loaded a PIE binary (task_vma kfuncs, 6.7+) */
    if (sem->final_pass && elf_file_type(binary) == ET_DYN)
        diag_warning(sem->src, arg->loc,
                     "uaddr(\"%s\"): %s is position-independent; this is the symbol's "
                     "address in the file, not where a process loaded it (sobt does not "
                     "relocate it yet)",
                     arg->str, binary);
    uint32_t width = size == 1 || size == 2 || size == 4 ? (uint32_t)size : 8;
    struct type pointee = type_int(width, false);
    call->ival = (int64_t)addr;
    call->type = (struct type){
        .kind = TY_PTR, .size = 8, .is_user = true, .elem = type_arena_new(&sem->types, pointee)};
}

LLVMValueRef gen_uaddr(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_i64(g, call->ival);
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
