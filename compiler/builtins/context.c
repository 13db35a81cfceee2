/* What the probe's context holds: the probe's name (probe), a tracepoint's
 * record (args), a function's return value and address (retval, func); its
 * arguments (argN) are function_args.c's. The table says which probe kinds offer each
 * (probes/probe_kind.h OFFERS_*); the resolver checks that before these run. */
#include "builtins/entries.h"
#include "codegen/ir.h"
#include "probes/probe_kind.h"
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

/* retval: the probed function's return register; an address it returns
 * from user space points into user memory. */
void check_var_retval(struct semantic *sem, struct node *n)
{
    if (probe_kind_of(sem->cur->provider)->args_from_btf) { /* fexit: typed by BTF */
        const struct btf_func_params *p = sem_btf_params(sem, n->loc);
        if (p)
            sem_btf_value_type(sem, p->ret_type_id, n->loc, "the return value", &n->type);
        return;
    }
    n->type = type_int(8, true);
    n->type.is_user = probe_kind_of(sem->cur->provider)->user_space;
}

/* func: the probed function's address, printed as its name: a kernel
 * symbol, or for user-space kinds a user symbol of the current process. */
void check_var_func(struct semantic *sem, struct node *n)
{
    bool user = probe_kind_of(sem->cur->provider)->user_space;
    n->type = (struct type){.kind = user ? TY_USYM : TY_KSYM, .size = user ? 16 : 8};
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

/* struct pt_regs on x86-64: the return value is in rax. */
#define PT_REGS_AX 80

static LLVMValueRef load_reg(struct codegen *g, uint32_t offset)
{
    LLVMValueRef p = gen_byte_ptr(g, g->ctxarg, offset);
    return LLVMBuildLoad2(g->b, g->i64, LLVMBuildBitCast(g->b, p, g->i64p, ""), "");
}

LLVMValueRef gen_var_retval(struct codegen *g, struct node *n)
{
    if (g->unit->btf_params) /* fexit: the slot after the arguments */
        return gen_ctx_slot(g, g->unit->btf_params->nparams, &n->type);
    return load_reg(g, PT_REGS_AX);
}

/* bpf_get_func_ip gives the function's entry also in return probes (whose
 * instruction pointer is already back in the caller), for uprobes too. */
LLVMValueRef gen_var_func(struct codegen *g, struct node *n)
{
    LLVMValueRef args[1] = {g->ctxarg};
    LLVMValueRef ip = gen_helper(g, HELPER_GET_FUNC_IP, g->i64, args, 1);
    return n->type.kind == TY_USYM ? gen_user_address(g, ip, "func") : ip;
}
