/* Expressions: literals, variables, map reads, operators, members and
 * casts, calls of built-ins (their arguments evaluated here, see expr.h). */
#include "codegen/expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins/builtins.h"
#include "codegen/composite.h"
#include "codegen/map_reads.h"
#include "codegen/maps.h"
#include "codegen/memory.h"

static LLVMValueRef gen_string_literal(struct codegen *g, struct node *n)
{
    LLVMValueRef buf = gen_alloca(g, n->type.size, "str");
    LLVMValueRef c = LLVMConstStringInContext(g->ctx, n->str, (unsigned)n->slen, false);
    LLVMBuildStore(g->b, c, LLVMBuildBitCast(g->b, buf, LLVMPointerType(LLVMTypeOf(c), 0), ""));
    return buf;
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
    LLVMValueRef l = gen_to_bool(g, gen_expr(g, n->lhs));
    LLVMBasicBlockRef lhs_end = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef rhs_bb = gen_block(g, "logic_rhs");
    LLVMBasicBlockRef done_bb = gen_block(g, "logic_done");
    if (n->op == OP_LAND)
        LLVMBuildCondBr(g->b, l, rhs_bb, done_bb);
    else
        LLVMBuildCondBr(g->b, l, done_bb, rhs_bb);
    LLVMPositionBuilderAtEnd(g->b, rhs_bb);
    int reads = map_reads_mark(g);
    LLVMValueRef r = gen_to_bool(g, gen_expr(g, n->rhs));
    map_reads_back_to(g, reads);
    LLVMBasicBlockRef rhs_end = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, done_bb);
    LLVMPositionBuilderAtEnd(g->b, done_bb);
    LLVMValueRef phi = LLVMBuildPhi(g->b, g->i1, "");
    LLVMValueRef short_val = LLVMConstInt(g->i1, n->op == OP_LOR, false);
    LLVMValueRef vals[2] = {short_val, r};
    LLVMBasicBlockRef bbs[2] = {lhs_end, rhs_end};
    LLVMAddIncoming(phi, vals, bbs, 2);
    return gen_from_bool(g, phi);
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
        eq = gen_strings_equal(g, l, n->lhs->type.size, r, n->rhs->type.size);
    }
    if (n->op == OP_NE)
        eq = LLVMBuildNot(g->b, eq, "");
    return gen_from_bool(g, eq);
}

/* The value after ++ or -- (n) of `old`, of type t: a pointer moves by a pointee. */
static LLVMValueRef gen_incdec_value(struct codegen *g, struct node *n, LLVMValueRef old,
                                     const struct type *t)
{
    LLVMValueRef one = t->kind == TY_PTR ? gen_i64(g, type_pointer_step(t)) : gen_i64(g, 1);
    return n->op == OP_INC ? LLVMBuildAdd(g->b, old, one, "") : LLVMBuildSub(g->b, old, one, "");
}

/* == and != on tuples and arrays, copied onto the stack */
static LLVMValueRef gen_composite_compare(struct codegen *g, struct node *n)
{
    LLVMValueRef l = gen_expr(g, n->lhs);
    LLVMValueRef r = gen_expr(g, n->rhs);
    LLVMValueRef eq = gen_values_equal(g, l, &n->lhs->type, r, &n->rhs->type);
    if (n->op == OP_NE)
        eq = LLVMBuildNot(g->b, eq, "");
    return gen_from_bool(g, eq);
}

static LLVMValueRef gen_binary(struct codegen *g, struct node *n)
{
    if (n->op == OP_LAND || n->op == OP_LOR)
        return gen_logical(g, n);
    if (n->lhs->type.kind == TY_STRING)
        return gen_string_compare(g, n);
    if (n->lhs->type.kind == TY_TUPLE || n->lhs->type.kind == TY_ARRAY)
        return gen_composite_compare(g, n);
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
        /* shifts of 64 or more give 0 rather than LLVM's poison; >> is a
         * logical shift of the 64-bit value, signed or not, as in bpftrace
         * (0.17 and current: (int32)-8 >> 1 is 9223372036854775804) */
        LLVMValueRef big = LLVMBuildICmp(g->b, LLVMIntUGE, r, gen_i64(g, 64), "");
        LLVMValueRef amt = LLVMBuildAnd(g->b, r, gen_i64(g, 63), "");
        LLVMValueRef v = n->op == OP_SHL ? LLVMBuildShl(g->b, l, amt, "")
                                         : LLVMBuildLShr(g->b, l, amt, "");
        return LLVMBuildSelect(g->b, big, gen_i64(g, 0), v, "");
    }
    case OP_EQ: return gen_from_bool(g, LLVMBuildICmp(g->b, LLVMIntEQ, l, r, ""));
    case OP_NE: return gen_from_bool(g, LLVMBuildICmp(g->b, LLVMIntNE, l, r, ""));
    case '<': return gen_from_bool(g, LLVMBuildICmp(g->b, s ? LLVMIntSLT : LLVMIntULT, l, r, ""));
    case '>': return gen_from_bool(g, LLVMBuildICmp(g->b, s ? LLVMIntSGT : LLVMIntUGT, l, r, ""));
    case OP_LE: return gen_from_bool(g, LLVMBuildICmp(g->b, s ? LLVMIntSLE : LLVMIntULE, l, r, ""));
    case OP_GE: return gen_from_bool(g, LLVMBuildICmp(g->b, s ? LLVMIntSGE : LLVMIntUGE, l, r, ""));
    default: return gen_i64(g, 0);
    }
}

static LLVMValueRef gen_ternary(struct codegen *g, struct node *n)
{
    LLVMValueRef c = gen_to_bool(g, gen_expr(g, n->cond));
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
    int reads = map_reads_mark(g);
    for (int i = 0; i < 2; i++) {
        LLVMPositionBuilderAtEnd(g->b, starts[i]);
        vals[i] = gen_expr(g, branches[i]);
        map_reads_back_to(g, reads);
        if (is_str)
            gen_store_as(g, result, &n->type, &branches[i]->type, vals[i]);
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

/* args.name of a rawtracepoint, fentry or fexit probe: its slot is this
 * unit's own (a block of several targets is a program per target, sharing
 * the AST). */
static LLVMValueRef gen_btf_arg(struct codegen *g, struct node *n)
{
    const struct btf_func_params *p = g->unit->btf_params;
    int index = 0;
    while (index < p->nparams - 1 && strcmp(p->params[index].name, n->name) != 0)
        index++;
    return gen_ctx_slot(g, index, &n->type);
}

static LLVMValueRef gen_var_read(struct codegen *g, struct node *n)
{
    struct var_info *v = unit_var(g->unit, n->name);
    LLVMValueRef slot = g->var_slots[v - g->unit->vars];
    if (type_is_buffer(&v->type))
        return slot;
    return gen_load_i64(g, slot);
}

LLVMValueRef gen_var_value(struct codegen *g, LLVMValueRef v, const struct var_info *var)
{
    return var->type.kind == TY_INT ? gen_int_convert(g, v, &var->type) : v;
}

static LLVMValueRef gen_var_incdec(struct codegen *g, struct node *n)
{
    struct var_info *v = unit_var(g->unit, n->lhs->name);
    LLVMValueRef slot = g->var_slots[v - g->unit->vars];
    LLVMValueRef old = gen_load_i64(g, slot);
    LLVMValueRef nv = gen_incdec_value(g, n, old, &v->type);
    nv = gen_var_value(g, nv, v);
    gen_store_i64(g, slot, nv);
    return n->is_prefix ? nv : old;
}

/* ---- maps ---- */

static const struct builtin_var *var_writing_into(const struct node *n, const struct type *to)
{
    const struct builtin_var *bv = n->kind == N_BUILTIN ? builtin_var_find(n->name) : NULL;
    return bv && bv->gen_into && type_storage_size(to) == type_storage_size(&n->type) ? bv : NULL;
}

bool gen_expr_writes_into(const struct node *n, const struct type *to)
{
    return var_writing_into(n, to) != NULL;
}

void gen_expr_into(struct codegen *g, struct node *n, LLVMValueRef dst, const struct type *to)
{
    const struct builtin_var *bv = var_writing_into(n, to);
    if (bv) {
        bv->gen_into(g, n, dst);
        return;
    }
    if (n->kind != N_COPY) {
        gen_store_as(g, dst, to, &n->type, gen_expr(g, n));
        return;
    }
    /* a struct or array: read from memory straight into place, not copied
     * twice (a big one would not fit the stack twice) */
    const struct node *outer = g->cur_node;
    g->cur_node = n;
    uint32_t slot = type_storage_size(to);
    if (slot > n->type.size)
        gen_memset0(g, gen_byte_ptr(g, dst, n->type.size), slot - n->type.size);
    gen_probe_read(g, dst, n->type.size, gen_expr(g, n->lhs), n->type.is_user);
    g->cur_node = outer;
}

LLVMValueRef gen_map_key(struct codegen *g, struct node *mapnode, uint32_t extra)
{
    const struct map_info *m = mapnode->map;
    const struct node *outer = g->cur_node;
    g->cur_node = mapnode; /* the key is this map reference's stack */
    LLVMValueRef key = gen_map_key_buffer(g, m, extra);
    g->cur_node = outer;
    if (m->key.kind == TY_NONE)
        return key;
    if (mapnode->nargs == 1) {
        gen_expr_into(g, mapnode->args[0], key, &m->key);
        return key;
    }
    for (int i = 0; i < mapnode->nargs; i++)
        gen_expr_into(g, mapnode->args[i], gen_byte_ptr(g, key, m->key.offsets[i]),
                      &m->key.fields[i]);
    return key;
}

static LLVMValueRef gen_map_read(struct codegen *g, struct node *mapnode)
{
    LLVMValueRef v = map_reads_find(g, mapnode);
    if (v)
        return v;
    v = gen_map_value_at(g, mapnode->map, gen_map_key(g, mapnode, 0));
    map_reads_remember(g, mapnode, v);
    return v;
}

/* @m[k]++ and friends: the key is evaluated once, read and written back. */
static LLVMValueRef gen_map_incdec(struct codegen *g, struct node *n)
{
    const struct map_info *m = n->lhs->map;
    LLVMValueRef key = gen_map_key(g, n->lhs, 0);
    LLVMValueRef old = gen_map_value_at(g, m, key);
    LLVMValueRef nv = gen_incdec_value(g, n, old, &m->value);
    LLVMValueRef buf = gen_alloca(g, 8, "val");
    gen_store_i64(g, buf, nv);
    gen_map_update(g, m->id, key, buf);
    return n->is_prefix ? nv : old;
}

/* ---- memory ---- */

static bool is_stack_copy(const struct type *t)
{
    return (t->kind == TY_RECORD || t->kind == TY_ARRAY) && t->on_stack;
}

/* s.member and p->member (p.member): read from memory, or from the copy of
 * a struct on the stack */
static LLVMValueRef gen_member(struct codegen *g, struct node *n)
{
    LLVMValueRef base = gen_expr(g, n->lhs);
    if (is_stack_copy(&n->lhs->type))
        return gen_load_value(g, gen_byte_ptr(g, base, n->member_offset), &n->type, n->bit_offset,
                              n->bit_size);
    LLVMValueRef addr = LLVMBuildAdd(g->b, base, gen_i64(g, n->member_offset), "");
    return gen_read_value(g, addr, &n->type, n->bit_offset, n->bit_size);
}

static LLVMValueRef gen_field(struct codegen *g, struct node *n)
{
    switch (n->field_flavor) {
    case FIELD_MEMBER:
        return gen_member(g, n);
    case FIELD_TUPLE:
        return gen_tuple_element(g, gen_expr(g, n->lhs), &n->lhs->type, (int)n->ival);
    case FIELD_BTF_ARG:
        return gen_btf_arg(g, n);
    default:
        return gen_tracepoint_field(g, n);
    }
}

/* &x: the address of a variable (on the BPF stack), of a member, of an
 * array element, or p itself for &*p. */
static LLVMValueRef gen_address_of(struct codegen *g, struct node *n)
{
    struct node *x = n->lhs;
    switch (x->kind) {
    case N_VAR: {
        struct var_info *v = unit_var(g->unit, x->name);
        return LLVMBuildPtrToInt(g->b, g->var_slots[v - g->unit->vars], g->i64, "");
    }
    case N_INDEX: {
        LLVMValueRef base = gen_expr(g, x->lhs);
        LLVMValueRef idx = gen_expr(g, x->rhs);
        uint32_t size = x->lhs->type.elem ? x->lhs->type.elem->size : 1;
        return LLVMBuildAdd(g->b, base, LLVMBuildMul(g->b, idx, gen_i64(g, size), ""), "");
    }
    case N_FIELD: {
        LLVMValueRef base = gen_expr(g, x->lhs);
        if (is_stack_copy(&x->lhs->type))
            base = LLVMBuildPtrToInt(g->b, base, g->i64, "");
        return LLVMBuildAdd(g->b, base, gen_i64(g, x->member_offset), "");
    }
    default: /* &*p */
        return gen_expr(g, x->lhs);
    }
}

static LLVMValueRef gen_tuple(struct codegen *g, struct node *n)
{
    LLVMValueRef *vals = calloc(n->nargs ? n->nargs : 1, sizeof(*vals));
    if (!vals) {
        perror("sobt");
        exit(1);
    }
    for (int i = 0; i < n->nargs; i++)
        vals[i] = gen_expr(g, n->args[i]);
    LLVMValueRef t = gen_tuple_build(g, &n->type, vals);
    free(vals);
    return t;
}

static LLVMValueRef gen_block_expr(struct codegen *g, struct node *n)
{
    g->gen_stmts(g, n->then);
    return gen_expr(g, n->lhs);
}

static LLVMValueRef gen_deref(struct codegen *g, struct node *n)
{
    return gen_read_value(g, gen_expr(g, n->lhs), &n->type, 0, 0);
}

/* a[i] of an array copied onto the stack; an index out of range reads 0 */
static LLVMValueRef gen_stack_index(struct codegen *g, struct node *n)
{
    const struct type *container = &n->lhs->type;
    LLVMValueRef buf = gen_expr(g, n->lhs);
    LLVMValueRef idx = gen_expr(g, n->rhs);
    LLVMValueRef ok = LLVMBuildICmp(g->b, LLVMIntULT, idx, gen_i64(g, container->count), "");
    LLVMValueRef safe = LLVMBuildSelect(g->b, ok, idx, gen_i64(g, 0), "");
    uint32_t elem_size = container->elem ? container->elem->size : 1;
    LLVMValueRef off = LLVMBuildMul(g->b, safe, gen_i64(g, elem_size), "");
    LLVMValueRef v =
        gen_load_value(g, LLVMBuildGEP2(g->b, g->i8, buf, &off, 1, ""), &n->type, 0, 0);
    if (type_is_buffer(&n->type) || is_stack_copy(&n->type))
        return v;
    return LLVMBuildSelect(g->b, ok, v, gen_i64(g, 0), "");
}

static LLVMValueRef gen_index(struct codegen *g, struct node *n)
{
    const struct type *container = &n->lhs->type;
    if (container->kind == TY_TUPLE)
        return gen_tuple_element(g, gen_expr(g, n->lhs), container, (int)n->ival);
    if (is_stack_copy(container))
        return gen_stack_index(g, n);
    if (container->kind == TY_STRING) {
        /* a byte of a string on the stack; an index out of range reads 0 */
        LLVMValueRef buf = gen_expr(g, n->lhs);
        LLVMValueRef idx = gen_expr(g, n->rhs);
        LLVMValueRef ok = LLVMBuildICmp(g->b, LLVMIntULT, idx, gen_i64(g, container->size), "");
        LLVMValueRef safe = LLVMBuildSelect(g->b, ok, idx, gen_i64(g, 0), "");
        LLVMValueRef c = LLVMBuildLoad2(g->b, g->i8, LLVMBuildGEP2(g->b, g->i8, buf, &safe, 1, ""), "");
        LLVMValueRef v = LLVMBuildSExt(g->b, c, g->i64, "");
        return LLVMBuildSelect(g->b, ok, v, gen_i64(g, 0), "");
    }
    uint32_t elem_size = container->elem ? container->elem->size : 1;
    LLVMValueRef base = gen_expr(g, n->lhs);
    LLVMValueRef idx = gen_expr(g, n->rhs);
    LLVMValueRef off = LLVMBuildMul(g->b, idx, gen_i64(g, elem_size), "");
    return gen_read_value(g, LLVMBuildAdd(g->b, base, off, ""), &n->type, 0, 0);
}

/* ---- calls ---- */

/* The arguments of a call, evaluated in order as the built-in takes them:
 * values, and the keys of map elements; literals and whole maps are read
 * from the tree by the built-in itself. */
static void gen_call_args(struct codegen *g, const struct builtin_func *bf, struct node *call,
                          struct gen_args *a)
{
    /* printf's trailing comm-like arguments are left for the record's code
     * to write in place; one before other arguments is made here as before,
     * or the values after it would have to outlive its helper call */
    int in_record = call->nargs;
    while (bf->args_into_record && in_record > 0 &&
           builtin_arg_kind(bf, in_record - 1) == ARG_VALUE &&
           gen_expr_writes_into(call->args[in_record - 1], &call->args[in_record - 1]->type))
        in_record--;
    for (int i = 0; i < call->nargs; i++) {
        struct node *arg = call->args[i];
        switch (builtin_arg_kind(bf, i)) {
        case ARG_VALUE:
            if (i < in_record)
                a->value[i] = gen_expr(g, arg);
            break;
        case ARG_MAP_OR_VALUE:
            /* print(struct): its address only; print's code reads the bytes
             * straight into the event record rather than copying them twice */
            if (arg->kind == N_COPY)
                a->value[i] = gen_expr(g, arg->lhs);
            else if (!builtin_arg_is_whole_map(arg))
                a->value[i] = gen_expr(g, arg);
            break;
        case ARG_MAP_ELEMENT:
            /* room for the slot of a map with several per key (map_slots.c) */
            a->value[i] = gen_map_key(g, arg, map_slot_count(arg->map) ? 8 : 0);
            break;
        case ARG_LITERAL:
        case ARG_RAW:
        case ARG_MAP:
            break;
        }
    }
}

static LLVMValueRef gen_call(struct codegen *g, struct node *call)
{
    const struct builtin_func *bf = builtin_func_find(call->name);
    struct gen_args a = {0};
    gen_call_args(g, bf, call, &a);
    return bf->gen(g, call, &a);
}

void gen_aggregation(struct codegen *g, struct node *call, struct node *target)
{
    const struct builtin_func *bf = builtin_func_find(call->name);
    struct gen_args a = {.target = target};
    gen_call_args(g, bf, call, &a);
    a.key = gen_map_key(g, target, bf->key_extra);
    bf->gen(g, call, &a);
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
        return gen_call(g, n);
    case N_BINARY:
        return gen_binary(g, n);
    case N_UNARY: {
        if (n->op == '*')
            return gen_deref(g, n);
        if (n->op == '&')
            return gen_address_of(g, n);
        LLVMValueRef v = gen_expr(g, n->lhs);
        if (n->op == '-')
            return LLVMBuildNeg(g->b, v, "");
        if (n->op == '~')
            return LLVMBuildNot(g->b, v, "");
        return gen_from_bool(g, LLVMBuildICmp(g->b, LLVMIntEQ, v, gen_i64(g, 0), ""));
    }
    case N_TERNARY:
        return gen_ternary(g, n);
    case N_FIELD:
        return gen_field(g, n);
    case N_INDEX:
        return gen_index(g, n);
    case N_CAST:
        if (n->type.kind == TY_ARRAY || n->lhs->type.kind == TY_ARRAY)
            return gen_array_cast(g, gen_expr(g, n->lhs), &n->lhs->type, &n->type);
        if (n->type.kind == TY_PTR)
            return gen_expr(g, n->lhs); /* an address either way */
        return gen_int_convert(g, gen_expr(g, n->lhs), &n->type);
    case N_INCDEC:
        return n->lhs->kind == N_MAP ? gen_map_incdec(g, n) : gen_var_incdec(g, n);
    case N_SIZEOF:
        return gen_i64(g, n->ival);
    case N_TUPLE:
        return gen_tuple(g, n);
    case N_COPY:
        return gen_copy_from_memory(g, gen_expr(g, n->lhs), &n->type);
    case N_BLOCK_EXPR:
        return gen_block_expr(g, n);
    default:
        return gen_i64(g, 0);
    }
}
