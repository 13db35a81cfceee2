/* Code generation for expressions, statements and probe functions. Maps are
 * in codegen_maps.c, built-in functions and variables in codegen_calls.c. */
#include "codegen.h"

#include <stdlib.h>
#include <string.h>

#include "builtins.h"

/* ---- small building blocks -------------------------------------------- */

LLVMValueRef gen_i64(struct codegen *g, int64_t v)
{
    return LLVMConstInt(g->i64, (unsigned long long)v, true);
}

LLVMBasicBlockRef gen_block(struct codegen *g, const char *name)
{
    return LLVMAppendBasicBlockInContext(g->ctx, g->fn, name);
}

static void lifetime_marker(struct codegen *g, const char *intrinsic, LLVMValueRef p,
                            uint32_t size)
{
    unsigned id = LLVMLookupIntrinsicID(intrinsic, strlen(intrinsic));
    LLVMTypeRef ptr_type = g->i8p;
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, id, &ptr_type, 1);
    LLVMValueRef args[2] = {LLVMConstInt(g->i64, size, false), p};
    LLVMBuildCall2(g->b, LLVMGlobalGetValueType(fn), fn, args, 2, "");
}

/* End the lifetime of every buffer allocated since `mark`. */
static void end_temps(struct codegen *g, int mark)
{
    for (int i = mark; i < g->ntemps; i++)
        lifetime_marker(g, "llvm.lifetime.end", g->temps[i].ptr, g->temps[i].size);
    g->ntemps = mark;
}

/* Stack buffers are allocated in the entry block so the BPF back end sees a
 * fixed frame, 8-byte aligned so integer stores into them are aligned. */
LLVMValueRef gen_alloca(struct codegen *g, uint32_t size, const char *name)
{
    LLVMBuilderRef eb = LLVMCreateBuilderInContext(g->ctx);
    LLVMValueRef first = LLVMGetFirstInstruction(g->entry);
    if (first)
        LLVMPositionBuilderBefore(eb, first);
    else
        LLVMPositionBuilderAtEnd(eb, g->entry);
    uint32_t words = (size + 7) / 8;
    LLVMValueRef a = LLVMBuildAlloca(eb, LLVMArrayType(g->i64, words ? words : 1), name);
    LLVMSetAlignment(a, 8);
    /* the i8* view is made in the entry block too, so that it dominates the
     * lifetime end emitted after whatever branch allocated it */
    LLVMValueRef p = LLVMBuildBitCast(eb, a, g->i8p, "");
    LLVMDisposeBuilder(eb);
    if (g->ntemps == g->temps_cap) {
        g->temps_cap = g->temps_cap ? g->temps_cap * 2 : 32;
        g->temps = realloc(g->temps, g->temps_cap * sizeof(*g->temps));
        if (!g->temps) {
            perror("sobt");
            exit(1);
        }
    }
    g->temps[g->ntemps].ptr = p;
    g->temps[g->ntemps].size = words * 8;
    g->temps[g->ntemps].owner = g->cur_node;
    g->ntemps++;
    stack_note_alloc(g);
    lifetime_marker(g, "llvm.lifetime.start", p, words * 8);
    return p;
}

LLVMValueRef gen_helper(struct codegen *g, int id, LLVMTypeRef ret, LLVMValueRef *args, int nargs)
{
    LLVMTypeRef params[8];
    for (int i = 0; i < nargs; i++)
        params[i] = LLVMTypeOf(args[i]);
    LLVMTypeRef fty = LLVMFunctionType(ret, params, (unsigned)nargs, false);
    LLVMValueRef fp =
        LLVMConstIntToPtr(LLVMConstInt(g->i64, (unsigned)id, false), LLVMPointerType(fty, 0));
    return LLVMBuildCall2(g->b, fty, fp, args, (unsigned)nargs, "");
}

/* A map reference: ld_imm64 with src_reg BPF_PSEUDO_MAP_FD and the map id as
 * immediate; the loader puts the real fd there. */
LLVMValueRef gen_map_ptr(struct codegen *g, int map_id)
{
    LLVMValueRef fn = LLVMGetNamedFunction(g->mod, "llvm.bpf.pseudo");
    LLVMTypeRef params[2] = {g->i64, g->i64};
    LLVMTypeRef fty = LLVMFunctionType(g->i64, params, 2, false);
    if (!fn)
        fn = LLVMAddFunction(g->mod, "llvm.bpf.pseudo", fty);
    LLVMValueRef args[2] = {gen_i64(g, 1), gen_i64(g, map_id)};
    LLVMValueRef v = LLVMBuildCall2(g->b, fty, fn, args, 2, "");
    return LLVMBuildIntToPtr(g->b, v, g->i8p, "");
}

LLVMValueRef gen_byte_ptr(struct codegen *g, LLVMValueRef base, uint32_t offset)
{
    if (!offset)
        return base;
    LLVMValueRef idx = LLVMConstInt(g->i64, offset, false);
    return LLVMBuildGEP2(g->b, g->i8, base, &idx, 1, "");
}

void gen_memset0(struct codegen *g, LLVMValueRef ptr, uint32_t size)
{
    if (size)
        LLVMBuildMemSet(g->b, ptr, LLVMConstInt(g->i8, 0, false),
                        LLVMConstInt(g->i64, size, false), 1);
}

void gen_memcpy(struct codegen *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size)
{
    if (size)
        LLVMBuildMemCpy(g->b, dst, 1, src, 1, LLVMConstInt(g->i64, size, false));
}

static LLVMValueRef int_ptr(struct codegen *g, LLVMValueRef p, uint32_t size)
{
    LLVMTypeRef t = LLVMIntTypeInContext(g->ctx, size * 8);
    return LLVMBuildBitCast(g->b, p, LLVMPointerType(t, 0), "");
}

void gen_store_i64(struct codegen *g, LLVMValueRef ptr, LLVMValueRef v)
{
    LLVMBuildStore(g->b, v, int_ptr(g, ptr, 8));
}

LLVMValueRef gen_load_i64(struct codegen *g, LLVMValueRef ptr)
{
    return LLVMBuildLoad2(g->b, g->i64, int_ptr(g, ptr, 8), "");
}

void gen_store_value(struct codegen *g, LLVMValueRef dst, const struct type *t, LLVMValueRef v,
                     uint32_t slot_size)
{
    if (type_is_buffer(t)) {
        uint32_t n = t->size < slot_size ? t->size : slot_size;
        if (n < slot_size)
            gen_memset0(g, gen_byte_ptr(g, dst, n), slot_size - n);
        gen_memcpy(g, dst, v, n);
        return;
    }
    gen_store_i64(g, dst, v);
}

/* ---- expressions ------------------------------------------------------- */

static LLVMValueRef to_bool(struct codegen *g, LLVMValueRef v)
{
    return LLVMBuildICmp(g->b, LLVMIntNE, v, gen_i64(g, 0), "");
}

static LLVMValueRef from_bool(struct codegen *g, LLVMValueRef c)
{
    return LLVMBuildZExt(g->b, c, g->i64, "");
}

static LLVMValueRef gen_string_literal(struct codegen *g, struct node *n)
{
    LLVMValueRef buf = gen_alloca(g, n->type.size, "str");
    LLVMValueRef c = LLVMConstStringInContext(g->ctx, n->str, (unsigned)n->slen, false);
    LLVMBuildStore(g->b, c, LLVMBuildBitCast(g->b, buf, LLVMPointerType(LLVMTypeOf(c), 0), ""));
    return buf;
}

/* String equality as bpftrace defines it: equal up to and including the
 * first NUL; bytes past a buffer's end read as NUL. Unrolled with selects so
 * the verifier sees straight-line code. */
static LLVMValueRef gen_string_eq(struct codegen *g, LLVMValueRef a, uint32_t sa, LLVMValueRef b,
                                  uint32_t sb)
{
    uint32_t n = sa > sb ? sa : sb;
    LLVMValueRef equal = LLVMConstInt(g->i1, 1, false);
    LLVMValueRef done = LLVMConstInt(g->i1, 0, false);
    LLVMValueRef zero8 = LLVMConstInt(g->i8, 0, false);
    for (uint32_t i = 0; i < n; i++) {
        LLVMValueRef ai = i < sa ? LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, a, i), "") : zero8;
        LLVMValueRef bi = i < sb ? LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, b, i), "") : zero8;
        LLVMValueRef ne = LLVMBuildICmp(g->b, LLVMIntNE, ai, bi, "");
        LLVMValueRef nul = LLVMBuildICmp(g->b, LLVMIntEQ, ai, zero8, "");
        LLVMValueRef mismatch = LLVMBuildAnd(g->b, LLVMBuildNot(g->b, done, ""), ne, "");
        equal = LLVMBuildSelect(g->b, mismatch, LLVMConstInt(g->i1, 0, false), equal, "");
        done = LLVMBuildOr(g->b, done, LLVMBuildOr(g->b, ne, nul, ""), "");
    }
    return equal;
}

/* Signed division and remainder: the BPF instruction set before v4 divides
 * unsigned only, so divide magnitudes and fix the sign (C semantics:
 * quotient truncates toward zero, remainder takes the dividend's sign). */
static LLVMValueRef gen_signed_divmod(struct codegen *g, LLVMValueRef l, LLVMValueRef r, bool rem)
{
    LLVMValueRef zero = gen_i64(g, 0);
    LLVMValueRef lneg = LLVMBuildICmp(g->b, LLVMIntSLT, l, zero, "");
    LLVMValueRef rneg = LLVMBuildICmp(g->b, LLVMIntSLT, r, zero, "");
    LLVMValueRef la = LLVMBuildSelect(g->b, lneg, LLVMBuildNeg(g->b, l, ""), l, "");
    LLVMValueRef ra = LLVMBuildSelect(g->b, rneg, LLVMBuildNeg(g->b, r, ""), r, "");
    if (rem) {
        LLVMValueRef m = LLVMBuildURem(g->b, la, ra, "");
        return LLVMBuildSelect(g->b, lneg, LLVMBuildNeg(g->b, m, ""), m, "");
    }
    LLVMValueRef q = LLVMBuildUDiv(g->b, la, ra, "");
    LLVMValueRef neg = LLVMBuildXor(g->b, lneg, rneg, "");
    return LLVMBuildSelect(g->b, neg, LLVMBuildNeg(g->b, q, ""), q, "");
}

/* Division by zero yields 0 (and modulo by zero the dividend), as the BPF
 * instruction set defines it; guard explicitly so LLVM may not treat it as
 * undefined behaviour and fold it away. */
static LLVMValueRef gen_divmod(struct codegen *g, struct node *n, LLVMValueRef l, LLVMValueRef r)
{
    bool rem = n->op == '%';
    LLVMValueRef iszero = LLVMBuildICmp(g->b, LLVMIntEQ, r, gen_i64(g, 0), "");
    LLVMValueRef safe_r = LLVMBuildSelect(g->b, iszero, gen_i64(g, 1), r, "");
    LLVMValueRef v;
    if (n->lhs->type.is_signed && n->rhs->type.is_signed)
        v = gen_signed_divmod(g, l, safe_r, rem);
    else
        v = rem ? LLVMBuildURem(g->b, l, safe_r, "") : LLVMBuildUDiv(g->b, l, safe_r, "");
    return LLVMBuildSelect(g->b, iszero, rem ? l : gen_i64(g, 0), v, "");
}

static LLVMValueRef gen_logical(struct codegen *g, struct node *n)
{
    LLVMValueRef l = to_bool(g, gen_expr(g, n->lhs));
    LLVMBasicBlockRef lhs_end = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef rhs_bb = gen_block(g, "logic_rhs");
    LLVMBasicBlockRef done_bb = gen_block(g, "logic_done");
    if (n->op == OP_LAND)
        LLVMBuildCondBr(g->b, l, rhs_bb, done_bb);
    else
        LLVMBuildCondBr(g->b, l, done_bb, rhs_bb);
    LLVMPositionBuilderAtEnd(g->b, rhs_bb);
    LLVMValueRef r = to_bool(g, gen_expr(g, n->rhs));
    LLVMBasicBlockRef rhs_end = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, done_bb);
    LLVMPositionBuilderAtEnd(g->b, done_bb);
    LLVMValueRef phi = LLVMBuildPhi(g->b, g->i1, "");
    LLVMValueRef short_val = LLVMConstInt(g->i1, n->op == OP_LOR, false);
    LLVMValueRef vals[2] = {short_val, r};
    LLVMBasicBlockRef bbs[2] = {lhs_end, rhs_end};
    LLVMAddIncoming(phi, vals, bbs, 2);
    return from_bool(g, phi);
}

/* Against a literal, equality is simply the first strlen(literal) + 1 bytes
 * matching: the literal's NUL must meet the other string's end. */
static LLVMValueRef gen_string_eq_literal(struct codegen *g, LLVMValueRef a, uint32_t sa,
                                          const struct node *lit)
{
    uint32_t n = (uint32_t)strnlen(lit->str, lit->slen) + 1;
    LLVMValueRef equal = LLVMConstInt(g->i1, 1, false);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = i < lit->slen ? (uint8_t)lit->str[i] : 0;
        if (i >= sa) /* the other string ended without a NUL: equal only if we are at ours */
            return c == 0 ? equal : LLVMConstInt(g->i1, 0, false);
        LLVMValueRef ai = LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, a, i), "");
        LLVMValueRef eq = LLVMBuildICmp(g->b, LLVMIntEQ, ai, LLVMConstInt(g->i8, c, false), "");
        equal = LLVMBuildAnd(g->b, equal, eq, "");
    }
    return equal;
}

static LLVMValueRef gen_string_compare(struct codegen *g, struct node *n)
{
    LLVMValueRef eq;
    if (n->rhs->kind == N_STRING || n->lhs->kind == N_STRING) {
        struct node *lit = n->rhs->kind == N_STRING ? n->rhs : n->lhs;
        struct node *other = lit == n->rhs ? n->lhs : n->rhs;
        eq = gen_string_eq_literal(g, gen_expr(g, other), other->type.size, lit);
    } else {
        LLVMValueRef l = gen_expr(g, n->lhs);
        LLVMValueRef r = gen_expr(g, n->rhs);
        eq = gen_string_eq(g, l, n->lhs->type.size, r, n->rhs->type.size);
    }
    if (n->op == OP_NE)
        eq = LLVMBuildNot(g->b, eq, "");
    return from_bool(g, eq);
}

LLVMValueRef gen_pointer_offset(struct codegen *g, LLVMValueRef count, const struct type *ptr)
{
    uint32_t step = type_pointer_step(ptr);
    return step == 1 ? count : LLVMBuildMul(g->b, count, gen_i64(g, step), "");
}

LLVMValueRef gen_incdec_value(struct codegen *g, struct node *n, LLVMValueRef old,
                              const struct type *t)
{
    LLVMValueRef one = t->kind == TY_PTR ? gen_i64(g, type_pointer_step(t)) : gen_i64(g, 1);
    return n->op == OP_INC ? LLVMBuildAdd(g->b, old, one, "") : LLVMBuildSub(g->b, old, one, "");
}

static LLVMValueRef gen_binary(struct codegen *g, struct node *n)
{
    if (n->op == OP_LAND || n->op == OP_LOR)
        return gen_logical(g, n);
    if (n->lhs->type.kind == TY_STRING)
        return gen_string_compare(g, n);
    LLVMValueRef l = gen_expr(g, n->lhs);
    LLVMValueRef r = gen_expr(g, n->rhs);
    bool s = n->lhs->type.is_signed && n->rhs->type.is_signed;
    /* p + i, i + p and p - i move by whole pointees, as in C */
    if (n->lhs->type.kind == TY_PTR && n->rhs->type.kind == TY_INT)
        r = gen_pointer_offset(g, r, &n->lhs->type);
    if (n->rhs->type.kind == TY_PTR && n->lhs->type.kind == TY_INT)
        l = gen_pointer_offset(g, l, &n->rhs->type);
    switch (n->op) {
    case '+': return LLVMBuildAdd(g->b, l, r, "");
    case '-': return LLVMBuildSub(g->b, l, r, "");
    case '*': return LLVMBuildMul(g->b, l, r, "");
    case '/':
    case '%': return gen_divmod(g, n, l, r);
    case '&': return LLVMBuildAnd(g->b, l, r, "");
    case '|': return LLVMBuildOr(g->b, l, r, "");
    case '^': return LLVMBuildXor(g->b, l, r, "");
    case OP_SHL:
    case OP_SHR: {
        /* shifts of 64 or more give 0 rather than LLVM's poison */
        LLVMValueRef big = LLVMBuildICmp(g->b, LLVMIntUGE, r, gen_i64(g, 64), "");
        LLVMValueRef amt = LLVMBuildAnd(g->b, r, gen_i64(g, 63), "");
        LLVMValueRef v = n->op == OP_SHL ? LLVMBuildShl(g->b, l, amt, "")
                                         : (n->lhs->type.is_signed ? LLVMBuildAShr(g->b, l, amt, "")
                                                                   : LLVMBuildLShr(g->b, l, amt, ""));
        LLVMValueRef over = n->op == OP_SHR && n->lhs->type.is_signed
                                ? LLVMBuildAShr(g->b, l, gen_i64(g, 63), "")
                                : gen_i64(g, 0);
        return LLVMBuildSelect(g->b, big, over, v, "");
    }
    case OP_EQ: return from_bool(g, LLVMBuildICmp(g->b, LLVMIntEQ, l, r, ""));
    case OP_NE: return from_bool(g, LLVMBuildICmp(g->b, LLVMIntNE, l, r, ""));
    case '<': return from_bool(g, LLVMBuildICmp(g->b, s ? LLVMIntSLT : LLVMIntULT, l, r, ""));
    case '>': return from_bool(g, LLVMBuildICmp(g->b, s ? LLVMIntSGT : LLVMIntUGT, l, r, ""));
    case OP_LE: return from_bool(g, LLVMBuildICmp(g->b, s ? LLVMIntSLE : LLVMIntULE, l, r, ""));
    case OP_GE: return from_bool(g, LLVMBuildICmp(g->b, s ? LLVMIntSGE : LLVMIntUGE, l, r, ""));
    default: return gen_i64(g, 0);
    }
}

static LLVMValueRef gen_ternary(struct codegen *g, struct node *n)
{
    LLVMValueRef c = to_bool(g, gen_expr(g, n->cond));
    LLVMValueRef result = NULL;
    bool is_str = type_is_buffer(&n->type);
    if (is_str)
        result = gen_alloca(g, n->type.size, "ternary");
    LLVMBasicBlockRef then_bb = gen_block(g, "t_then");
    LLVMBasicBlockRef else_bb = gen_block(g, "t_else");
    LLVMBasicBlockRef done_bb = gen_block(g, "t_done");
    LLVMBuildCondBr(g->b, c, then_bb, else_bb);
    LLVMValueRef vals[2];
    LLVMBasicBlockRef bbs[2];
    struct node *branches[2] = {n->then, n->els};
    LLVMBasicBlockRef starts[2] = {then_bb, else_bb};
    for (int i = 0; i < 2; i++) {
        LLVMPositionBuilderAtEnd(g->b, starts[i]);
        vals[i] = gen_expr(g, branches[i]);
        if (is_str)
            gen_store_value(g, result, &branches[i]->type, vals[i], n->type.size);
        bbs[i] = LLVMGetInsertBlock(g->b);
        LLVMBuildBr(g->b, done_bb);
    }
    LLVMPositionBuilderAtEnd(g->b, done_bb);
    if (is_str)
        return result;
    LLVMValueRef phi = LLVMBuildPhi(g->b, g->i64, "");
    LLVMAddIncoming(phi, vals, bbs, 2);
    return phi;
}

/* Narrow to the cast's width, then widen back to 64 bits with its signedness. */
static LLVMValueRef gen_int_convert(struct codegen *g, LLVMValueRef v, const struct type *t)
{
    if (t->size >= 8)
        return v;
    LLVMTypeRef nt = LLVMIntTypeInContext(g->ctx, t->size * 8);
    LLVMValueRef narrow = LLVMBuildTrunc(g->b, v, nt, "");
    return t->is_signed ? LLVMBuildSExt(g->b, narrow, g->i64, "")
                        : LLVMBuildZExt(g->b, narrow, g->i64, "");
}

static LLVMValueRef gen_tracepoint_field(struct codegen *g, struct node *n)
{
    /* the offset is this unit's own: a probe block split into one program
     * per tracepoint shares its AST between programs */
    const struct tp_field *f = tp_format_field(&g->unit->formats[0], n->name);
    LLVMValueRef src = gen_byte_ptr(g, g->ctxarg, f->offset);
    if (n->field_flavor == FIELD_TP_SCALAR) {
        LLVMTypeRef it = LLVMIntTypeInContext(g->ctx, n->type.size * 8);
        LLVMValueRef v = LLVMBuildLoad2(g->b, it, LLVMBuildBitCast(g->b, src, LLVMPointerType(it, 0), ""), "");
        if (n->type.size == 8)
            return v;
        return n->type.is_signed ? LLVMBuildSExt(g->b, v, g->i64, "")
                                 : LLVMBuildZExt(g->b, v, g->i64, "");
    }
    if (n->field_flavor == FIELD_TP_ARRAY) /* its address, in the record */
        return LLVMBuildPtrToInt(g->b, src, g->i64, "");
    LLVMValueRef buf = gen_alloca(g, n->type.size, "tpstr");
    gen_memset0(g, buf, n->type.size);
    if (n->field_flavor == FIELD_TP_CHARS) {
        LLVMValueRef args[3] = {buf, LLVMConstInt(g->i32, n->type.size, false), src};
        gen_check_helper(g, HELPER_PROBE_READ_KERNEL,
                         gen_helper(g, HELPER_PROBE_READ_KERNEL, g->i64, args, 3));
        return buf;
    }
    /* __data_loc: a u32 whose low half is the string's offset in the record */
    LLVMValueRef loc = LLVMBuildLoad2(g->b, g->i32, LLVMBuildBitCast(g->b, src, LLVMPointerType(g->i32, 0), ""), "");
    LLVMValueRef off = LLVMBuildZExt(g->b, LLVMBuildAnd(g->b, loc, LLVMConstInt(g->i32, 0xffff, false), ""), g->i64, "");
    LLVMValueRef str = LLVMBuildGEP2(g->b, g->i8, g->ctxarg, &off, 1, "");
    LLVMValueRef args[3] = {buf, LLVMConstInt(g->i32, n->type.size, false), str};
    gen_check_helper(g, HELPER_PROBE_READ_KERNEL_STR,
                     gen_helper(g, HELPER_PROBE_READ_KERNEL_STR, g->i64, args, 3));
    return buf;
}

static LLVMValueRef gen_var_read(struct codegen *g, struct node *n)
{
    struct var_info *v = unit_var(g->unit, n->name);
    LLVMValueRef slot = g->var_slots[v - g->unit->vars];
    if (type_is_buffer(&v->type))
        return slot;
    return gen_load_i64(g, slot);
}

/* A variable holds its value converted to its own type: integers narrower
 * than 64 bits wrap at their width, as bpftrace's do. */
static LLVMValueRef to_var_type(struct codegen *g, LLVMValueRef v, const struct var_info *var)
{
    return var->type.kind == TY_INT ? gen_int_convert(g, v, &var->type) : v;
}

static LLVMValueRef gen_var_incdec(struct codegen *g, struct node *n)
{
    struct var_info *v = unit_var(g->unit, n->lhs->name);
    LLVMValueRef slot = g->var_slots[v - g->unit->vars];
    LLVMValueRef old = gen_load_i64(g, slot);
    LLVMValueRef nv = gen_incdec_value(g, n, old, &v->type);
    nv = to_var_type(g, nv, v);
    gen_store_i64(g, slot, nv);
    return n->is_prefix ? nv : old;
}

static LLVMValueRef gen_expr_kind(struct codegen *g, struct node *n);

/* Every expression is generated with g->cur_node (the owner of the stack
 * buffers it allocates) and g->loc (where -k reports a helper failing
 * inside it: the innermost expression) pointing at it. */
LLVMValueRef gen_expr(struct codegen *g, struct node *n)
{
    const struct node *outer = g->cur_node;
    struct loc outer_loc = g->loc;
    g->cur_node = n;
    g->loc = n->loc;
    LLVMValueRef v = gen_expr_kind(g, n);
    g->cur_node = outer;
    g->loc = outer_loc;
    return v;
}

static LLVMValueRef gen_expr_kind(struct codegen *g, struct node *n)
{
    switch (n->kind) {
    case N_INT:
        return gen_i64(g, n->ival);
    case N_STRING:
        return gen_string_literal(g, n);
    case N_BUILTIN:
        return builtin_var_find(n->name)->gen(g, n);
    case N_VAR:
        return gen_var_read(g, n);
    case N_MAP:
        return gen_map_read(g, n);
    case N_CALL:
        return builtin_func_find(n->name)->gen(g, n, NULL);
    case N_BINARY:
        return gen_binary(g, n);
    case N_UNARY: {
        if (n->op == '*')
            return gen_deref(g, n);
        LLVMValueRef v = gen_expr(g, n->lhs);
        if (n->op == '-')
            return LLVMBuildNeg(g->b, v, "");
        if (n->op == '~')
            return LLVMBuildNot(g->b, v, "");
        return from_bool(g, LLVMBuildICmp(g->b, LLVMIntEQ, v, gen_i64(g, 0), ""));
    }
    case N_TERNARY:
        return gen_ternary(g, n);
    case N_FIELD:
        return n->field_flavor == FIELD_MEMBER ? gen_member(g, n) : gen_tracepoint_field(g, n);
    case N_INDEX:
        return gen_index(g, n);
    case N_CAST:
        if (n->type.kind == TY_PTR)
            return gen_expr(g, n->lhs); /* an address either way */
        return gen_int_convert(g, gen_expr(g, n->lhs), &n->type);
    case N_INCDEC:
        return n->lhs->kind == N_MAP ? gen_map_incdec(g, n) : gen_var_incdec(g, n);
    case N_SIZEOF:
        return gen_i64(g, n->ival);
    default:
        return gen_i64(g, 0);
    }
}

/* ---- statements -------------------------------------------------------- */

static void gen_block_stmts(struct codegen *g, struct node *block);

static void gen_var_assign(struct codegen *g, struct node *n)
{
    struct var_info *v = unit_var(g->unit, n->lhs->name);
    LLVMValueRef slot = g->var_slots[v - g->unit->vars];
    if (n->op) {
        struct node bin = {.kind = N_BINARY, .op = n->op, .lhs = n->lhs, .rhs = n->rhs,
                           .type = n->lhs->type};
        gen_store_i64(g, slot, to_var_type(g, gen_binary(g, &bin), v));
        return;
    }
    LLVMValueRef val = to_var_type(g, gen_expr(g, n->rhs), v);
    gen_store_value(g, slot, &n->rhs->type, val, type_storage_size(&v->type));
}

/* Code after return/break/continue is unreachable; give it a block of its own. */
static void start_dead_block(struct codegen *g)
{
    LLVMPositionBuilderAtEnd(g->b, gen_block(g, "dead"));
}

void gen_probe_return(struct codegen *g)
{
    LLVMBuildRet(g->b, gen_i64(g, 0));
    start_dead_block(g);
}

static void gen_if(struct codegen *g, struct node *n)
{
    LLVMValueRef c = to_bool(g, gen_expr(g, n->cond));
    LLVMBasicBlockRef then_bb = gen_block(g, "if_then");
    LLVMBasicBlockRef else_bb = n->els ? gen_block(g, "if_else") : NULL;
    LLVMBasicBlockRef done_bb = gen_block(g, "if_done");
    LLVMBuildCondBr(g->b, c, then_bb, else_bb ? else_bb : done_bb);
    LLVMPositionBuilderAtEnd(g->b, then_bb);
    gen_block_stmts(g, n->then);
    LLVMBuildBr(g->b, done_bb);
    if (else_bb) {
        LLVMPositionBuilderAtEnd(g->b, else_bb);
        if (n->els->kind == N_IF)
            gen_if(g, n->els);
        else
            gen_block_stmts(g, n->els);
        LLVMBuildBr(g->b, done_bb);
    }
    LLVMPositionBuilderAtEnd(g->b, done_bb);
}

static void gen_while(struct codegen *g, struct node *n)
{
    LLVMBasicBlockRef cond_bb = gen_block(g, "while_cond");
    LLVMBasicBlockRef body_bb = gen_block(g, "while_body");
    LLVMBasicBlockRef done_bb = gen_block(g, "while_done");
    LLVMBuildBr(g->b, cond_bb);
    LLVMPositionBuilderAtEnd(g->b, cond_bb);
    LLVMBuildCondBr(g->b, to_bool(g, gen_expr(g, n->cond)), body_bb, done_bb);
    LLVMPositionBuilderAtEnd(g->b, body_bb);
    LLVMBasicBlockRef saved_break = g->break_bb, saved_cont = g->continue_bb;
    g->break_bb = done_bb;
    g->continue_bb = cond_bb;
    gen_block_stmts(g, n->then);
    g->break_bb = saved_break;
    g->continue_bb = saved_cont;
    LLVMBuildBr(g->b, cond_bb);
    LLVMPositionBuilderAtEnd(g->b, done_bb);
}

static void gen_stmt_body(struct codegen *g, struct node *n);

static void gen_stmt(struct codegen *g, struct node *n)
{
    int mark = g->ntemps;
    g->loc = n->loc;
    const struct node *outer = g->cur_node;
    g->cur_node = n;
    gen_stmt_body(g, n);
    g->cur_node = outer;
    end_temps(g, mark);
}

static void gen_stmt_body(struct codegen *g, struct node *n)
{
    switch (n->kind) {
    case N_EXPR_STMT:
        gen_expr(g, n->lhs);
        break;
    case N_ASSIGN:
        if (n->lhs->kind == N_MAP)
            gen_map_assign(g, n);
        else
            gen_var_assign(g, n);
        break;
    case N_VAR_DECL:
        if (n->rhs) {
            struct node target = {.kind = N_VAR, .name = n->name};
            struct node as = {.kind = N_ASSIGN, .lhs = &target, .rhs = n->rhs};
            gen_var_assign(g, &as);
        }
        break;
    case N_IF:
        gen_if(g, n);
        break;
    case N_WHILE:
        gen_while(g, n);
        break;
    case N_UNROLL:
        for (int64_t i = 0; i < n->ival; i++)
            gen_block_stmts(g, n->then);
        break;
    case N_RETURN:
        gen_probe_return(g);
        break;
    case N_BREAK:
    case N_CONTINUE:
        LLVMBuildBr(g->b, n->kind == N_BREAK ? g->break_bb : g->continue_bb);
        start_dead_block(g);
        break;
    case N_BLOCK:
        gen_block_stmts(g, n);
        break;
    default:
        break;
    }
}

static void gen_block_stmts(struct codegen *g, struct node *block)
{
    for (int i = 0; i < block->nstmts; i++)
        gen_stmt(g, block->stmts[i]);
}

/* ---- probe functions --------------------------------------------------- */

/* if (stop[0]) return 0; -- an array lookup the verifier inlines */
static void gen_stop_check(struct codegen *g)
{
    LLVMValueRef key = gen_alloca(g, 4, "stop_key");
    gen_memset0(g, key, 4);
    LLVMValueRef args[2] = {gen_map_ptr(g, g->stop_map_id), key};
    LLVMValueRef p = gen_helper(g, HELPER_MAP_LOOKUP_ELEM, g->i8p, args, 2);
    LLVMBasicBlockRef check = gen_block(g, "stop_check");
    LLVMBasicBlockRef stop = gen_block(g, "stop");
    LLVMBasicBlockRef run = gen_block(g, "run");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, p, LLVMConstNull(g->i8p), ""), run,
                    check);
    LLVMPositionBuilderAtEnd(g->b, check);
    LLVMValueRef flag = gen_load_i64(g, p);
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, flag, gen_i64(g, 0), ""), stop, run);
    LLVMPositionBuilderAtEnd(g->b, stop);
    LLVMBuildRet(g->b, gen_i64(g, 0));
    LLVMPositionBuilderAtEnd(g->b, run);
    end_temps(g, 0);
}

static void gen_unit(struct codegen *g, struct probe_unit *u)
{
    LLVMTypeRef fty = LLVMFunctionType(g->i64, &g->i8p, 1, false);
    char name[40];
    snprintf(name, sizeof(name), "probe_%d", (int)(u - g->sem->units));
    g->fn = LLVMAddFunction(g->mod, name, fty);
    LLVMSetSection(g->fn, u->section);
    g->unit = u;
    g->ctxarg = LLVMGetParam(g->fn, 0);
    g->entry = gen_block(g, "entry");
    LLVMPositionBuilderAtEnd(g->b, g->entry);

    /* variables start zeroed, as bpftrace's do */
    g->var_slots = calloc(u->nvars ? u->nvars : 1, sizeof(LLVMValueRef));
    g->cur_node = NULL;
    g->var_bytes = 0;
    for (int i = 0; i < u->nvars; i++) {
        uint32_t size = type_storage_size(&u->vars[i].type);
        g->var_slots[i] = gen_alloca(g, size, u->vars[i].name);
        gen_memset0(g, g->var_slots[i], size);
    }
    for (int i = 0; i < g->ntemps; i++)
        g->var_bytes += g->temps[i].size;
    g->ntemps = 0; /* variables live for the whole probe */
    if (u->checks_stop_flag)
        gen_stop_check(g);
    if (u->probe->pred) {
        LLVMValueRef c = to_bool(g, gen_expr(g, u->probe->pred));
        end_temps(g, 0);
        LLVMBasicBlockRef body = gen_block(g, "body");
        LLVMBasicBlockRef skip = gen_block(g, "skip");
        LLVMBuildCondBr(g->b, c, body, skip);
        LLVMPositionBuilderAtEnd(g->b, skip);
        LLVMBuildRet(g->b, gen_i64(g, 0));
        LLVMPositionBuilderAtEnd(g->b, body);
    }
    gen_block_stmts(g, u->probe->then);
    LLVMBuildRet(g->b, gen_i64(g, 0));
    free(g->var_slots);
    g->var_slots = NULL;
    g->ntemps = 0;
}

int codegen_module(struct semantic *sem, LLVMContextRef ctx, LLVMModuleRef mod,
                   const struct internal_maps *maps, int helper_check_level,
                   struct codegen_result *result)
{
    struct codegen g = {
        .ctx = ctx,
        .mod = mod,
        .sem = sem,
        .ringbuf_map_id = maps->ringbuf,
        .start_time_map_id = maps->start_time,
        .kstack_map_id = maps->kstack,
        .ustack_map_id = maps->ustack,
        .stop_map_id = maps->stop,
        .losses_map_id = maps->losses,
        .helper_check_level = helper_check_level,
    };
    g.b = LLVMCreateBuilderInContext(ctx);
    g.i1 = LLVMInt1TypeInContext(ctx);
    g.i8 = LLVMInt8TypeInContext(ctx);
    g.i32 = LLVMInt32TypeInContext(ctx);
    g.i64 = LLVMInt64TypeInContext(ctx);
    g.i8p = LLVMPointerType(g.i8, 0);
    g.i64p = LLVMPointerType(g.i64, 0);

    /* the kernel only lets GPL programs use most tracing helpers */
    LLVMValueRef lic = LLVMAddGlobal(mod, LLVMArrayType(g.i8, 4), "_license");
    LLVMSetInitializer(lic, LLVMConstStringInContext(ctx, "GPL", 3, false));
    LLVMSetSection(lic, "license");

    for (int i = 0; i < sem->nunits; i++) {
        g.stack = &result->stack[i];
        gen_unit(&g, &sem->units[i]);
    }
    result->helper_errors = g.helper_errors;
    result->nhelper_errors = g.nhelper_errors;
    free(g.temps);
    LLVMDisposeBuilder(g.b);
    return 0;
}
