/* Code generation: the resolved program to LLVM IR, one function per probe
 * unit, each in its own ELF section (see README.md for the files).
 * compile.c's interface to it. */
#ifndef SOBT_CODEGEN_H
#define SOBT_CODEGEN_H

#include <llvm-c/Core.h>
#include <stdbool.h>
#include <stdint.h>

#include "sema/semantic.h"

/* The internal maps code refers to by id. */
struct internal_maps {
    int ringbuf, start_time, kstack, ustack, stop, losses;
};

/* The most stack a unit's code holds at once, and what holds the most of it
 * then: named in the error when the BPF back end finds the stack too small. */
struct stack_use {
    uint32_t peak_bytes;     /* variables and live buffers together */
    const struct node *node; /* the expression owning most of them (NULL: variables) */
    uint32_t node_bytes;
};

/* What code generation makes besides the module. */
struct codegen_result {
    struct async_desc *helper_errors; /* ASYNC_HELPER_ERROR descriptions (malloc'd), */
    int nhelper_errors;               /* to append to the resolver's asyncs */
    struct stack_use *stack;          /* the caller's array: one per unit, filled in */
};

/* Emit every unit into module `mod` (probe_fn.c). 0 on success. */
int codegen_module(struct semantic *sem, LLVMContextRef ctx, LLVMModuleRef mod,
                   const struct internal_maps *maps, int helper_check_level,
                   struct codegen_result *result);

/* stack.c: the BPF back end said `llvm_message` (its stack limit error):
 * report it at the expression that used the most stack in the function it
 * names. Returns false when the message is not about the stack. */
bool stack_report_overflow(const struct semantic *sem, const struct stack_use *stack,
                           const char *llvm_message);

#endif
