/* Symbols of ELF files on disk (user binaries for uaddr(), a vmlinux for
 * BPFTRACE_VMLINUX): read with libelf from .symtab, else .dynsym. */
#ifndef SOBT_ELF_SYMBOLS_H
#define SOBT_ELF_SYMBOLS_H

#include <stdint.h>

/* The value and size of the function or object symbol `name` in `path`.
 * Returns 0, or -1 when the file cannot be read or has no such symbol. */
int elf_symbol_lookup(const char *path, const char *name, uint64_t *value, uint64_t *size);

#endif
