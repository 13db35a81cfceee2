/* Kernel symbols from /proc/kallsyms, resolved the way bpftrace 0.17 (through
 * bcc) resolves them for ksym() and kstack. */
#ifndef SOBT_RUNTIME_SYMBOLS_H
#define SOBT_RUNTIME_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes the symbol for a kernel address into buf: "name" or, with
 * with_offset, "name+offset" (decimal, "+0" included). The symbol is the one
 * with the highest address at or below addr (kallsyms has no sizes); data
 * symbols (b, B, d, D, r, R) are left out, as bcc does; among aliases at one
 * address, the one bpftrace picks (see the sort in ksyms.c). When no symbol is at
 * or below addr, writes the address as bpftrace does ("0x1f", "0" for 0) and
 * returns false. /proc/kallsyms is read once, on first use. */
bool ksym_format(uint64_t addr, bool with_offset, char *buf, size_t cap);

/* Reads symbols from another file in kallsyms format instead of
 * /proc/kallsyms (for tests); forgets what was loaded before. Returns the
 * number of symbols kept, or a negative errno. */
int ksym_load_file(const char *path);

/* Reads symbols from another source (a vmlinux ELF file: ksyms_elf.c):
 * next() gives one function symbol at a time, returning 1, or 0 at the end,
 * or a negative errno. Returns the number kept, or a negative errno. */
struct ksym_source {
    int (*next)(void *state, uint64_t *addr, const char **name);
    void *state;
};
int ksym_load_symbols(const struct ksym_source *src);
/* BPFTRACE_VMLINUX: kernel symbols from the function symbols of this ELF file
 * instead of /proc/kallsyms. Returns the number kept or a negative errno. */
int ksym_load_vmlinux(const char *path);
/* Frees the table; the next ksym_format reads /proc/kallsyms again. */
void ksym_free(void);

/* How unresolvable addresses print: "0x" and lowercase hex, "0" for zero
 * (C++ streams print a null pointer that way). */
void symbols_format_address(uint64_t addr, char *buf, size_t cap);

#endif
