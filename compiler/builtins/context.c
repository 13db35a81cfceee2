/* What the probe's context holds: the probe's name (probe), a tracepoint's
 * record (args), a function's arguments, return value and address (arg0..5,
 * retval, func). The table says which probe kinds offer each
 * (probes/probe_kind.h OFFERS_*); the resolver checks that before these run. */
#include "builtins/entries.h"
#include "codegen/ir.h"
#include "sema/sema.h"

/* ---- checks ---- */

void check_var_probe(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_PROBE;
    n->type.size = 8;
    (void)sem;
}

void check_var_args(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_CTX;
    (void)sem;
}

/* arg0..arg5, retval and func: registers of the probed function. */
void check_var_arg(struct semantic *sem, struct node *n)
{
    n->type = type_int(8, false);
    (void)sem;
}

void check_var_retval(struct semantic *sem, struct node *n)
{
    n->type = type_int(8, true);
    (void)sem;
}

void check_var_func(struct semantic *sem, struct node *n)
{
    n->type = (struct type){.kind = TY_KSYM, .size = 8};
    (void)sem;
}

/* ---- code ---- */

/* One attach point: the id is a constant. Several: the attach cookie. */
LLVMValueRef gen_var_probe(struct codegen *g, struct node *n)
{
    if (g->unit->nmatches == 1)
        return gen_i64(g, g->unit->probe_ids[0]);
    LLVMValueRef args[1] = {g->ctxarg};
    return gen_helper(g, HELPER_GET_ATTACH_COOKIE, g->i64, args, 1);
}

LLVMValueRef gen_var_args(struct codegen *g, struct node *n)
{
    return gen_i64(g, 0); /* only ever the base of a field access */
}

/* struct pt_regs on x86-64: the first six arguments travel in rdi, rsi,
 * rdx, rcx, r8, r9; the return value in rax. */
static const uint32_t arg_reg_offset[6] = {112, 104, 96, 88, 72, 64};
#define PT_REGS_AX 80

static LLVMValueRef load_reg(struct codegen *g, uint32_t offset)
{
    LLVMValueRef p = gen_byte_ptr(g, g->ctxarg, offset);
    return LLVMBuildLoad2(g->b, g->i64, LLVMBuildBitCast(g->b, p, g->i64p, ""), "");
}

LLVMValueRef gen_var_arg(struct codegen *g, struct node *n)
{
    return load_reg(g, arg_reg_offset[n->name[3] - '0']);
}

LLVMValueRef gen_var_retval(struct codegen *g, struct node *n)
{
    return load_reg(g, PT_REGS_AX);
}

LLVMValueRef gen_var_func(struct codegen *g, struct node *n)
{
    LLVMValueRef args[1] = {g->ctxarg};
    return gen_helper(g, HELPER_GET_FUNC_IP, g->i64, args, 1);
}
