/* arg0, arg1, ...: a probed function's arguments. Where they are is the
 * probe kind's to say (probes/probe_kind.h): the calling convention's
 * registers for kprobes and uprobes, each site's own argument specification
 * for usdt probes (target/usdt_notes.h: a constant, a register, or memory at
 * a register plus an offset). Sites of one program that disagree on where
 * an argument is make one program each, as tracepoints whose fields
 * disagree do. */
#include <stdlib.h>
#include <string.h>

#include "builtins/entries.h"
#include "codegen/ir.h"
#include "codegen/memory.h"
#include "probes/probe_kind.h"
#include "sema/sema.h"

/* x86-64: the first six integer arguments travel in rdi, rsi, rdx, rcx, r8,
 * r9 (their offsets in struct pt_regs). */
#define REGISTER_ARGS 6
static const uint32_t arg_reg_offset[REGISTER_ARGS] = {112, 104, 96, 88, 72, 64};

bool builtin_is_arg_name(const char *name)
{
    if (strncmp(name, "arg", 3) != 0 || !name[3] || (name[3] == '0' && name[4]))
        return false;
    for (const char *p = name + 3; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return strlen(name) < 8;
}

static int arg_index(const struct node *n)
{
    return atoi(n->name + 3);
}

static bool same_location(const struct usdt_arg *a, const struct usdt_arg *b)
{
    return a->kind == b->kind && a->size == b->size && a->is_signed == b->is_signed &&
           a->value == b->value && a->reg_offset == b->reg_offset && a->reg_shift == b->reg_shift;
}

/* Every site of the unit has argument `index`, in a form sobt reads. */
static void check_site_arg(struct semantic *sem, struct node *n, int index)
{
    struct probe_unit *u = sem->cur;
    const struct usdt_arg *first = NULL;
    for (int a = 0; a < u->naps; a++)
        for (int m = 0; m < u->aps[a].nmatches; m++) {
            const struct probe_match *match = &u->aps[a].matches[m];
            const char *probe = match->full_name;
            if (index >= match->nargs) {
                sem_error(sem, n->loc, "%s has %d argument%s: there is no %s", probe, match->nargs,
                          match->nargs == 1 ? "" : "s", n->name);
                return;
            }
            const struct usdt_arg *arg = &match->args[index];
            if (arg->kind == USDT_ARG_UNSUPPORTED) {
                sem_error(sem, n->loc, "%s of %s is at an operand sobt cannot read: '%s'", n->name,
                          probe, match->args_text);
                return;
            }
            if (!first)
                first = arg;
            else if (!same_location(first, arg))
                u->needs_split = true;
        }
}

void check_var_arg(struct semantic *sem, struct node *n)
{
    const struct probe_kind *kind = probe_kind_of(sem->cur->provider);
    int index = arg_index(n);
    n->type = type_int(8, false);
    n->type.is_user = kind->user_space;
    if (kind->args_per_site) {
        check_site_arg(sem, n, index);
    } else if (kind->args_from_btf) { /* rawtracepoint: the context's slots */
        const struct btf_func_params *p = sem_btf_params(sem, n->loc);
        if (p && index >= p->nparams)
            sem_error(sem, n->loc, "%s has %d argument%s: there is no %s",
                      sem->cur->aps[0].matches[0].full_name, p->nparams,
                      p->nparams == 1 ? "" : "s", n->name);
    } else if (index >= REGISTER_ARGS)
        sem_error(sem, n->loc, "x86_64 doesn't support %s", n->name);
}

static LLVMValueRef load_reg(struct codegen *g, uint32_t offset)
{
    LLVMValueRef p = gen_byte_ptr(g, g->ctxarg, offset);
    return LLVMBuildLoad2(g->b, g->i64, LLVMBuildBitCast(g->b, p, g->i64p, ""), "");
}

/* The low `size` bytes of v, widened to 64 bits with the argument's sign. */
static LLVMValueRef extend(struct codegen *g, LLVMValueRef v, const struct usdt_arg *a)
{
    if (a->size >= 8)
        return v;
    LLVMTypeRef narrow = LLVMIntTypeInContext(g->ctx, a->size * 8u);
    v = LLVMBuildTrunc(g->b, v, narrow, "");
    return a->is_signed ? LLVMBuildSExt(g->b, v, g->i64, "") : LLVMBuildZExt(g->b, v, g->i64, "");
}

/* A usdt argument where this unit's site (they all agree) has it. */
static LLVMValueRef gen_site_arg(struct codegen *g, const struct usdt_arg *a)
{
    if (a->kind == USDT_ARG_CONST)
        return gen_i64(g, a->value);
    LLVMValueRef reg = load_reg(g, a->reg_offset);
    if (a->kind == USDT_ARG_REG) {
        if (a->reg_shift)
            reg = LLVMBuildLShr(g->b, reg, gen_i64(g, a->reg_shift), "");
        return extend(g, reg, a);
    }
    /* USDT_ARG_REG_DEREF: the probed process's memory */
    LLVMValueRef addr = LLVMBuildAdd(g->b, reg, gen_i64(g, a->value), "");
    LLVMValueRef buf = gen_alloca(g, 8, "usdt_arg");
    gen_memset0(g, buf, 8);
    gen_probe_read(g, buf, a->size, addr, true);
    return extend(g, gen_load_i64(g, buf), a);
}

LLVMValueRef gen_var_arg(struct codegen *g, struct node *n)
{
    int index = arg_index(n);
    if (probe_kind_of(g->unit->provider)->args_per_site)
        return gen_site_arg(g, &g->unit->aps[0].matches[0].args[index]);
    if (probe_kind_of(g->unit->provider)->args_from_btf)
        return gen_ctx_slot(g, index, &n->type);
    return load_reg(g, arg_reg_offset[index]);
}
