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

/* The integer (or bitfield) whose bytes were just put in the 8-byte buf. */
static LLVMValueRef extract_int(struct codegen *g, LLVMValueRef buf, const struct type *t,
                                uint32_t bytes, uint32_t bit_offset, uint32_t bit_size)
{
    LLVMValueRef v = gen_load_i64(g, buf);
    if (bit_size) {
        if (bit_offset)
            v = LLVMBuildLShr(g->b, v, gen_i64(g, bit_offset), "");
        return extend_bits(g, v, bit_size, t->is_signed);
    }
    return extend_bits(g, v, bytes * 8, t->kind == TY_INT && t->is_signed);
}

/* Bytes a scalar (or a bitfield's bits) spans, at most 8. */
static uint32_t scalar_bytes(const struct type *t, uint32_t bit_offset, uint32_t bit_size)
{
    uint32_t bytes = bit_size ? (bit_offset + bit_size + 7) / 8 : t->size;
    return bytes > 8 ? 8 : bytes;
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
    uint32_t bytes = scalar_bytes(t, bit_offset, bit_size);
    LLVMValueRef buf = gen_alloca(g, 8, "memval");
    gen_memset0(g, buf, 8);
    gen_probe_read(g, buf, bytes, addr, t->is_user);
    return extract_int(g, buf, t, bytes, bit_offset, bit_size);
}

LLVMValueRef gen_load_value(struct codegen *g, LLVMValueRef ptr, const struct type *t,
                            uint32_t bit_offset, uint32_t bit_size)
{
    if (t->kind == TY_RECORD || t->kind == TY_ARRAY || t->kind == TY_TUPLE)
        return ptr;
    if (type_is_buffer(t)) { /* copied: a member need not be 8-byte aligned */
        LLVMValueRef buf = gen_alloca(g, t->size, "member");
        gen_memcpy(g, buf, ptr, t->size);
        return buf;
    }
    /* through an aligned word: the member may sit at any offset */
    uint32_t bytes = scalar_bytes(t, bit_offset, bit_size);
    LLVMValueRef buf = gen_alloca(g, 8, "memval");
    gen_memset0(g, buf, 8);
    gen_memcpy(g, buf, ptr, bytes);
    return extract_int(g, buf, t, bytes, bit_offset, bit_size);
}

LLVMValueRef gen_copy_from_memory(struct codegen *g, LLVMValueRef addr, const struct type *t)
{
    LLVMValueRef buf = gen_alloca(g, t->size, "copy");
    gen_memset0(g, buf, t->size);
    gen_probe_read(g, buf, t->size, addr, t->is_user);
    return buf;
}
