/* Stacks and symbols: kstack, ustack (as functions and as variables),
 * len() of a stack, ksym, usym, kaddr, percpu_kaddr. Stacks are ids into stack trace maps and symbols are
 * addresses; the runtime turns both into names when it prints them. */
#include <bpf/btf.h>
#include <errno.h>
#include <string.h>

#include "builtins/entries.h"
#include "codegen/ir.h"
#include "sema/sema.h"
#include "settings.h"
#include "target/btf.h"
#include "target/kallsyms.h"

#define MAX_STACK_FRAMES 127 /* the kernel's PERF_MAX_STACK_DEPTH */
#define BPF_F_USER_STACK (1ull << 8)

/* ---- checks ---- */

static void check_stack(struct semantic *sem, struct node *n, bool user, int nargs,
                        struct node **args)
{
    n->type = (struct type){.kind = user ? TY_USTACK : TY_KSTACK, .size = user ? 16 : 8,
                            .count = MAX_STACK_FRAMES,
                            .stack_mode = (uint8_t)sem->settings.stack_mode};
    for (int i = 0; i < nargs; i++) {
        struct node *a = args[i];
        enum stack_mode mode;
        if (a->kind == N_INT && i == nargs - 1) {
            if (a->ival < 1 || a->ival > MAX_STACK_FRAMES) {
                sem_error(sem, a->loc, "the number of stack frames must be between 1 and %d",
                          MAX_STACK_FRAMES);
                return;
            }
            n->type.count = (uint32_t)a->ival;
        } else if (a->kind == N_BUILTIN && i == 0 && settings_stack_mode(a->name, &mode) == 0) {
            n->type.stack_mode = (uint8_t)mode;
        } else if (a->kind == N_BUILTIN && i == 0) {
            sem_error(sem, a->loc, "Unknown stack mode: '%s' (bpftrace, perf or raw)", a->name);
            return;
        } else {
            sem_error(sem, a->loc, "%s() takes a stack mode and/or a frame count literal",
                      user ? "ustack" : "kstack");
            return;
        }
    }
    if (user)
        sem->uses_ustack = true;
    else
        sem->uses_kstack = true;
}

void check_kstack_call(struct semantic *sem, struct node *call)
{
    check_stack(sem, call, false, call->nargs, call->args);
}

void check_ustack_call(struct semantic *sem, struct node *call)
{
    check_stack(sem, call, true, call->nargs, call->args);
}

void check_var_kstack(struct semantic *sem, struct node *n)
{
    check_stack(sem, n, false, 0, NULL);
}

void check_var_ustack(struct semantic *sem, struct node *n)
{
    check_stack(sem, n, true, 0, NULL);
}

static bool is_stack_word(const struct node *n)
{
    return (n->kind == N_BUILTIN || n->kind == N_CALL) &&
           (strcmp(n->name, "kstack") == 0 || strcmp(n->name, "ustack") == 0);
}

/* len(kstack), len(ustack(3)): the frames of the stack taken here (the
 * argument already resolved, its type says which stack and how many frames
 * at most). They are counted with bpf_get_stack. A stack kept in a
 * variable or a map is an id whose frames only userspace can read. */
void check_stack_len(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->type.kind == TY_NONE)
        return;
    if (arg->type.kind != TY_KSTACK && arg->type.kind != TY_USTACK) {
        sem_error(sem, arg->loc, "call to len() expects a map, ustack, or kstack");
        return;
    }
    if (!is_stack_word(arg)) {
        sem_error(sem, arg->loc, "len() counts the frames of kstack or ustack itself, not of a "
                                 "stack kept in a variable or a map");
        return;
    }
    call->type = type_int(8, true);
}

/* ksym(addr): a kernel address; usym(addr): a user address, with the pid
 * whose memory map names it. */
static void check_sym(struct semantic *sem, struct node *call, bool user)
{
    call->type.kind = TY_NONE;
    if (call->args[0]->type.kind == TY_NONE)
        return;
    if (call->args[0]->type.kind != TY_INT && call->args[0]->type.kind != TY_PTR) {
        sem_error(sem, call->args[0]->loc, "%s() expects an address", call->name);
        return;
    }
    call->type = (struct type){.kind = user ? TY_USYM : TY_KSYM, .size = user ? 16 : 8};
}

void check_ksym(struct semantic *sem, struct node *call)
{
    check_sym(sem, call, false);
}

void check_usym(struct semantic *sem, struct node *call)
{
    check_sym(sem, call, true);
}

/* kaddr() and percpu_kaddr(): the first argument names a kernel symbol. */
static struct node *symbol_name_arg(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind == N_STRING)
        return arg;
    sem_error(sem, arg->loc, "%s() expects a symbol name as a string literal", call->name);
    return NULL;
}

void check_kaddr(struct semantic *sem, struct node *call)
{
    struct node *arg = symbol_name_arg(sem, call);
    if (!arg)
        return;
    uint64_t addr;
    if (kallsyms_lookup(arg->str, &addr) < 0) {
        sem_error(sem, arg->loc, "Failed to resolve kernel symbol: %s", arg->str);
        return;
    }
    call->ival = (int64_t)addr;
    call->type = type_int(8, false);
}

/* percpu_kaddr(name [, cpu]): the address of CPU cpu's (or this CPU's)
 * copy of the per-CPU kernel variable `name`, a uint64 * (NULL for a CPU
 * that does not exist). The variable is found in the kernel's BTF
 * (call->ival: its type id), as bpftrace finds it. */
void check_percpu_kaddr(struct semantic *sem, struct node *call)
{
    struct node *arg = symbol_name_arg(sem, call);
    if (!arg)
        return;
    if (call->nargs == 2 && call->args[1]->type.kind != TY_NONE &&
        call->args[1]->type.kind != TY_INT) {
        sem_error(sem, call->args[1]->loc, "percpu_kaddr() cpu must be an integer, got '%s'",
                  type_name_of(&call->args[1]->type));
        return;
    }
    const struct btf *btf = kernel_btf();
    int id = btf ? btf__find_by_name_kind(btf, arg->str, BTF_KIND_VAR) : -1;
    if (id <= 0) {
        sem_error(sem, arg->loc, "Could not resolve variable \"%s\" from BTF", arg->str);
        return;
    }
    call->ival = id;
    static const struct type u64 = {.kind = TY_INT, .size = 8};
    call->type = (struct type){.kind = TY_PTR, .size = 8, .elem = &u64};
}

/* ---- code ---- */

/* bpf_get_stackid loses a stack it took when the stack map cannot keep it:
 * -EEXIST (the stack's hash slot holds another stack) or -ENOMEM (the map
 * is full); those are counted. Other failures mean there was no stack to
 * take (-EFAULT, or -EPERM for a user stack where there is none). */
static void count_lost_stack(struct codegen *g, LLVMValueRef value)
{
    /* bpf_get_stackid returns a long: the errno is negative in all 64 bits */
    LLVMValueRef exists = LLVMBuildICmp(g->b, LLVMIntEQ, value, gen_i64(g, -EEXIST), "");
    LLVMValueRef full = LLVMBuildICmp(g->b, LLVMIntEQ, value, gen_i64(g, -ENOMEM), "");
    LLVMBasicBlockRef lost = gen_block(g, "stack_lost");
    LLVMBasicBlockRef done = gen_block(g, "stack_done");
    LLVMBuildCondBr(g->b, LLVMBuildOr(g->b, exists, full, ""), lost, done);
    LLVMPositionBuilderAtEnd(g->b, lost);
    gen_count_loss(g, LOSS_STACKS);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
}

/* A user stack id or address as the runtime needs it: {u64 value, u64 the
 * current process (tgid)}, whose memory map gives the symbols. */
LLVMValueRef gen_user_address(struct codegen *g, LLVMValueRef value, const char *name)
{
    LLVMValueRef out = gen_alloca(g, 16, name);
    gen_store_i64(g, out, value);
    LLVMValueRef pid_tgid = gen_helper_once(g, HELPER_GET_CURRENT_PID_TGID);
    gen_store_i64(g, gen_byte_ptr(g, out, 8), LLVMBuildLShr(g->b, pid_tgid, gen_i64(g, 32), ""));
    return out;
}

/* A stack id from bpf_get_stackid; a ustack also records whose it is. */
static LLVMValueRef gen_stack(struct codegen *g, const struct type *t)
{
    bool user = t->kind == TY_USTACK;
    LLVMValueRef args[3] = {g->ctxarg, gen_map_ptr(g, user ? g->ustack_map_id : g->kstack_map_id),
                            gen_i64(g, user ? (int64_t)BPF_F_USER_STACK : 0)};
    LLVMValueRef id = gen_helper(g, HELPER_GET_STACKID, g->i64, args, 3);
    count_lost_stack(g, id);
    gen_check_helper(g, HELPER_GET_STACKID, id);
    return user ? gen_user_address(g, id, "ustack") : id;
}

LLVMValueRef gen_stack_call(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_stack(g, &call->type);
}

LLVMValueRef gen_var_stack(struct codegen *g, struct node *n)
{
    return gen_stack(g, &n->type);
}

/* Frames copied per bpf_get_stack call: 128 bytes of BPF stack. The stack
 * is measured in pieces, each skipping the frames counted before it. */
#define LEN_CHUNK_FRAMES 16
#define HELPER_GET_STACK 67
#define BPF_F_SKIP_FIELD_MASK 0xffull

LLVMValueRef gen_stack_len(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const struct type *t = &call->args[0]->type;
    uint64_t flags = t->kind == TY_USTACK ? BPF_F_USER_STACK : 0;
    LLVMValueRef buf = gen_alloca(g, LEN_CHUNK_FRAMES * 8, "stack_frames");
    LLVMValueRef total = gen_i64(g, 0);
    for (uint32_t skip = 0; skip < t->count; skip += LEN_CHUNK_FRAMES) {
        uint32_t frames = t->count - skip < LEN_CHUNK_FRAMES ? t->count - skip : LEN_CHUNK_FRAMES;
        LLVMValueRef args[4] = {g->ctxarg, buf, gen_i64(g, frames * 8),
                                gen_i64(g, (int64_t)(flags | (skip & BPF_F_SKIP_FIELD_MASK)))};
        /* bytes copied; negative past the stack's end (-EFAULT) */
        LLVMValueRef bytes = gen_helper(g, HELPER_GET_STACK, g->i64, args, 4);
        bytes = LLVMBuildSExt(g->b, LLVMBuildTrunc(g->b, bytes, g->i32, ""), g->i64, "");
        LLVMValueRef got = LLVMBuildICmp(g->b, LLVMIntSGT, bytes, gen_i64(g, 0), "");
        LLVMValueRef n = LLVMBuildLShr(g->b, bytes, gen_i64(g, 3), "");
        total = LLVMBuildAdd(g->b, total, LLVMBuildSelect(g->b, got, n, gen_i64(g, 0), ""), "");
    }
    return total;
}

#define BPF_PSEUDO_BTF_ID_KIND 3 /* ld_imm64 of a kernel variable's BTF id */
#define HELPER_PER_CPU_PTR 153
#define HELPER_THIS_CPU_PTR 154

LLVMValueRef gen_percpu_kaddr(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef fn = LLVMGetNamedFunction(g->mod, "llvm.bpf.pseudo");
    LLVMTypeRef params[2] = {g->i64, g->i64};
    LLVMTypeRef fty = LLVMFunctionType(g->i64, params, 2, false);
    if (!fn)
        fn = LLVMAddFunction(g->mod, "llvm.bpf.pseudo", fty);
    LLVMValueRef pargs[2] = {gen_i64(g, BPF_PSEUDO_BTF_ID_KIND), gen_i64(g, call->ival)};
    LLVMValueRef var = LLVMBuildIntToPtr(g->b, LLVMBuildCall2(g->b, fty, fn, pargs, 2, ""),
                                         g->i8p, "");
    LLVMValueRef p;
    if (call->nargs == 2) {
        LLVMValueRef args[2] = {var, a->value[1]};
        p = gen_helper(g, HELPER_PER_CPU_PTR, g->i8p, args, 2);
    } else {
        p = gen_helper(g, HELPER_THIS_CPU_PTR, g->i8p, &var, 1);
    }
    return LLVMBuildPtrToInt(g->b, p, g->i64, "");
}

LLVMValueRef gen_sym(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef addr = a->value[0];
    return call->type.kind == TY_KSYM ? addr : gen_user_address(g, addr, "usym");
}
