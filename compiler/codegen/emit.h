/* LLVM module -> optimised BPF ELF object in memory. */
#ifndef SOBT_EMIT_H
#define SOBT_EMIT_H

#include <llvm-c/Core.h>
#include <stddef.h>
#include <stdio.h>

/* Prepare the BPF target once per process. */
void emit_init(void);
/* Optimise `mod`, optionally print its IR to ir_out, and emit an ELF object.
 * Returns 0 and a malloc'ed buffer, or -1 after printing the reason. */
int emit_object(LLVMModuleRef mod, FILE *ir_out, void **elf, size_t *elf_size);

/* -d bpf: disassemble every program section of an ELF object (disasm.c). */
void disasm_object(const void *elf, size_t size, FILE *out);

#endif
