/* Reading kernel and user memory. Every read goes through
 * bpf_probe_read_{kernel,user}(_str), which zero the destination when the
 * address is bad, so a bad pointer reads as 0. */
#ifndef SOBT_CODEGEN_MEMORY_H
#define SOBT_CODEGEN_MEMORY_H

#include "codegen/ir.h"

LLVMValueRef gen_probe_read(struct codegen *g, LLVMValueRef dst, uint32_t size, LLVMValueRef addr,
                            bool user);
LLVMValueRef gen_probe_read_str(struct codegen *g, LLVMValueRef dst, LLVMValueRef size,
                                LLVMValueRef addr, bool user);
/* The value of type t stored at addr: structs and arrays stay addresses,
 * strings are copied, integers and pointers are loaded (bitfields too). */
LLVMValueRef gen_read_value(struct codegen *g, LLVMValueRef addr, const struct type *t,
                            uint32_t bit_offset, uint32_t bit_size);
/* The same for a value inside a copy on the stack (ptr: a pointer into it):
 * scalars are loaded, strings copied out, structs, arrays and tuples stay
 * pointers into the copy. */
LLVMValueRef gen_load_value(struct codegen *g, LLVMValueRef ptr, const struct type *t,
                            uint32_t bit_offset, uint32_t bit_size);
/* A struct or array in memory at addr, copied onto the stack. */
LLVMValueRef gen_copy_from_memory(struct codegen *g, LLVMValueRef addr, const struct type *t);

#endif
