/* x86-64 instruction boundaries, for uprobes at FUNCTION+OFFSET: a uprobe
 * placed inside an instruction would corrupt the traced program, so an
 * offset must be where an instruction starts (LLVM's x86 disassembler
 * decodes the function from its start to see). */
#ifndef SOBT_X86_INSN_H
#define SOBT_X86_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* Does an instruction start `offset` bytes into the function whose `size`
 * bytes are at file offset `start` of the file at path? False when the code
 * cannot be read or decoded up to there. */
bool x86_is_instruction_start(const char *path, uint64_t start, uint64_t size, uint64_t offset);

#endif
