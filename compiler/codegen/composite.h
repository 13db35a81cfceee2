/* Tuples, structs and arrays as values: bytes on the stack, built from
 * their parts, compared, and integers cast to and from byte arrays. The
 * walkers (expr.c) evaluate the operands and hand the values here. */
#ifndef SOBT_CODEGEN_COMPOSITE_H
#define SOBT_CODEGEN_COMPOSITE_H

#include "codegen/ir.h"

/* Tuple t from the values of its elements, in order. */
LLVMValueRef gen_tuple_build(struct codegen *g, const struct type *t, const LLVMValueRef *values);
/* Element `index` of the tuple of type t whose bytes are at ptr. */
LLVMValueRef gen_tuple_element(struct codegen *g, LLVMValueRef ptr, const struct type *t,
                               int index);
/* Are values a (of type ta) and b (of type tb) equal? Strings up to their
 * first NUL, tuples element by element, arrays and other buffers byte by
 * byte, scalars as integers. An i1. */
LLVMValueRef gen_values_equal(struct codegen *g, LLVMValueRef a, const struct type *ta,
                              LLVMValueRef b, const struct type *tb);
/* Two strings on the stack (sizes sa and sb) equal up to their first NUL;
 * bytes past a buffer's end read as NUL. An i1. */
LLVMValueRef gen_strings_equal(struct codegen *g, LLVMValueRef a, uint32_t sa, LLVMValueRef b,
                               uint32_t sb);
/* (uint8[8])x, (uint64)$bytes: v of type `from` as a value of type `to`
 * (array casts only; the sizes are equal). */
LLVMValueRef gen_array_cast(struct codegen *g, LLVMValueRef v, const struct type *from,
                            const struct type *to);

#endif
