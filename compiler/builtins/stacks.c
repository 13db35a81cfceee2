/* Stacks and symbols: kstack, ustack (as functions and as variables),
 * ksym, usym, kaddr. Stacks are ids into stack trace maps and symbols are
 * addresses; the runtime turns both into names when it prints them. */
#include <errno.h>
#include <string.h>

#include "builtins/entries.h"
#include "codegen/ir.h"
#include "sema/sema.h"
#include "settings.h"
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

void check_kaddr(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind != N_STRING) {
        sem_error(sem, arg->loc, "kaddr() expects a symbol name as a string literal");
        return;
    }
    uint64_t addr;
    if (kallsyms_lookup(arg->str, &addr) < 0) {
        sem_error(sem, arg->loc, "Failed to resolve kernel symbol: %s", arg->str);
        return;
    }
    call->ival = (int64_t)addr;
    call->type = type_int(8, false);
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

LLVMValueRef gen_sym(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef addr = a->value[0];
    return call->type.kind == TY_KSYM ? addr : gen_user_address(g, addr, "usym");
}
