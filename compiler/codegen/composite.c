/* Tuples, structs and arrays as values on the stack (see composite.h). */
#include "codegen/composite.h"

#include "codegen/memory.h"

LLVMValueRef gen_tuple_build(struct codegen *g, const struct type *t, const LLVMValueRef *values)
{
    LLVMValueRef buf = gen_alloca(g, t->size, "tuple");
    gen_memset0(g, buf, t->size);
    for (int i = 0; i < t->nfields; i++)
        gen_store_value(g, gen_byte_ptr(g, buf, t->offsets[i]), &t->fields[i], values[i],
                        t->fields[i].size);
    return buf;
}

LLVMValueRef gen_tuple_element(struct codegen *g, LLVMValueRef ptr, const struct type *t, int index)
{
    return gen_load_value(g, gen_byte_ptr(g, ptr, t->offsets[index]), &t->fields[index], 0, 0);
}

/* Unrolled with selects so the verifier sees straight-line code. */
LLVMValueRef gen_strings_equal(struct codegen *g, LLVMValueRef a, uint32_t sa, LLVMValueRef b,
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

static LLVMValueRef bytes_equal(struct codegen *g, LLVMValueRef a, LLVMValueRef b, uint32_t size)
{
    LLVMValueRef equal = LLVMConstInt(g->i1, 1, false);
    for (uint32_t i = 0; i < size; i++) {
        LLVMValueRef ai = LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, a, i), "");
        LLVMValueRef bi = LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, b, i), "");
        equal = LLVMBuildAnd(g->b, equal, LLVMBuildICmp(g->b, LLVMIntEQ, ai, bi, ""), "");
    }
    return equal;
}

LLVMValueRef gen_values_equal(struct codegen *g, LLVMValueRef a, const struct type *ta,
                              LLVMValueRef b, const struct type *tb)
{
    switch (ta->kind) {
    case TY_STRING:
        return gen_strings_equal(g, a, ta->size, b, tb->size);
    case TY_TUPLE: {
        LLVMValueRef equal = LLVMConstInt(g->i1, 1, false);
        for (int i = 0; i < ta->nfields; i++) {
            LLVMValueRef ea = gen_tuple_element(g, a, ta, i);
            LLVMValueRef eb = gen_tuple_element(g, b, tb, i);
            LLVMValueRef e = gen_values_equal(g, ea, &ta->fields[i], eb, &tb->fields[i]);
            equal = LLVMBuildAnd(g->b, equal, e, "");
        }
        return equal;
    }
    default:
        if (type_is_buffer(ta))
            return bytes_equal(g, a, b, ta->size < tb->size ? ta->size : tb->size);
        return LLVMBuildICmp(g->b, LLVMIntEQ, a, b, "");
    }
}

LLVMValueRef gen_array_cast(struct codegen *g, LLVMValueRef v, const struct type *from,
                            const struct type *to)
{
    if (to->kind == TY_INT) /* the array's bytes, on the stack, as one integer */
        return gen_load_int(g, v, to->size, to->is_signed);
    if (from->kind == TY_ARRAY) /* the same bytes, other elements */
        return v;
    LLVMValueRef buf = gen_alloca(g, to->size, "bytes");
    gen_memset0(g, buf, to->size);
    gen_store_value(g, buf, from, v, to->size);
    return buf;
}
