/* Reading kernel and user memory: struct members, dereference, indexing.
 * Every read goes through bpf_probe_read_{kernel,user}, which zero the
 * destination when the address is bad, so a bad pointer reads as 0. */
#include "codegen.h"

LLVMValueRef gen_probe_read(struct codegen *g, LLVMValueRef dst, uint32_t size, LLVMValueRef addr,
                            bool user)
{
    LLVMValueRef src = LLVMBuildIntToPtr(g->b, addr, g->i8p, "");
    LLVMValueRef args[3] = {dst, LLVMConstInt(g->i32, size, false), src};
    int helper = user ? HELPER_PROBE_READ_USER : HELPER_PROBE_READ_KERNEL;
    LLVMValueRef ret = gen_helper(g, helper, g->i64, args, 3);
    gen_check_helper(g, helper, ret);
    return ret;
}

LLVMValueRef gen_probe_read_str(struct codegen *g, LLVMValueRef dst, LLVMValueRef size,
                                LLVMValueRef addr, bool user)
{
    LLVMValueRef src = LLVMBuildIntToPtr(g->b, addr, g->i8p, "");
    LLVMValueRef args[3] = {dst, size, src};
    int helper = user ? HELPER_PROBE_READ_USER_STR : HELPER_PROBE_READ_KERNEL_STR;
    LLVMValueRef ret = gen_helper(g, helper, g->i64, args, 3);
    gen_check_helper(g, helper, ret);
    return ret;
}

/* Sign- or zero-extend the low `bits` of v to 64 bits. */
static LLVMValueRef extend_bits(struct codegen *g, LLVMValueRef v, uint32_t bits, bool is_signed)
{
    if (bits >= 64)
        return v;
    if (is_signed) {
        LLVMValueRef sh = gen_i64(g, 64 - bits);
        return LLVMBuildAShr(g->b, LLVMBuildShl(g->b, v, sh, ""), sh, "");
    }
    return LLVMBuildAnd(g->b, v, gen_i64(g, (int64_t)((1ull << bits) - 1)), "");
}

/* The value of type t stored at addr: structs and arrays stay addresses,
 * strings are copied, integers and pointers are loaded (bitfields too). */
LLVMValueRef gen_read_value(struct codegen *g, LLVMValueRef addr, const struct type *t,
                            uint32_t bit_offset, uint32_t bit_size)
{
    switch (t->kind) {
    case TY_RECORD:
    case TY_ARRAY:
        return addr;
    case TY_STRING: {
        LLVMValueRef buf = gen_alloca(g, t->size, "memstr");
        gen_memset0(g, buf, t->size);
        gen_probe_read(g, buf, t->size, addr, t->is_user);
        return buf;
    }
    default:
        break;
    }
    uint32_t bytes = t->size;
    if (bit_size)
        bytes = (bit_offset + bit_size + 7) / 8;
    if (bytes > 8)
        bytes = 8;
    LLVMValueRef buf = gen_alloca(g, 8, "memval");
    gen_memset0(g, buf, 8);
    gen_probe_read(g, buf, bytes, addr, t->is_user);
    LLVMValueRef v = gen_load_i64(g, buf);
    if (bit_size) {
        if (bit_offset)
            v = LLVMBuildLShr(g->b, v, gen_i64(g, bit_offset), "");
        return extend_bits(g, v, bit_size, t->is_signed);
    }
    return extend_bits(g, v, bytes * 8, t->kind == TY_INT && t->is_signed);
}

LLVMValueRef gen_member(struct codegen *g, struct node *n)
{
    LLVMValueRef base = gen_expr(g, n->lhs);
    LLVMValueRef addr = LLVMBuildAdd(g->b, base, gen_i64(g, n->member_offset), "");
    return gen_read_value(g, addr, &n->type, n->bit_offset, n->bit_size);
}

LLVMValueRef gen_deref(struct codegen *g, struct node *n)
{
    return gen_read_value(g, gen_expr(g, n->lhs), &n->type, 0, 0);
}

LLVMValueRef gen_index(struct codegen *g, struct node *n)
{
    const struct type *container = &n->lhs->type;
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
