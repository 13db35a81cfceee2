/* --emit-elf and --emit-llvm: the compiler's products written to files. */
#ifndef SOBT_EMIT_FILES_H
#define SOBT_EMIT_FILES_H

#include <stdio.h>

#include "program.h"

/* --emit-llvm FILE: opens FILE.optimized.ll (bpftrace's name for the IR
 * after optimisation) for the compiler's IR dump. NULL after printing an
 * error. */
FILE *emit_llvm_open(const char *path);
/* Closes it; returns 0, or -1 after printing why the write failed. */
int emit_llvm_close(FILE *f, const char *path);

/* --emit-elf FILE: the BPF ELF object as the loader would read it. Returns 0,
 * or -1 after printing an error. */
int emit_elf_write(const char *path, const struct compiled_program *prog);

#endif
