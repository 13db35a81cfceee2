/* Reading kernel and user memory (see memory.h). */
#include "codegen/memory.h"

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
