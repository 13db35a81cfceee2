/* Kernel symbols from /proc/kallsyms: the functions kprobes can attach to,
 * and symbol addresses at compile time (kaddr("name")). */
#ifndef SOBT_KALLSYMS_H
#define SOBT_KALLSYMS_H

#include <stdbool.h>
#include <stdint.h>

/* 0 and *addr set; -1 when the symbol is unknown or kallsyms hides addresses. */
int kallsyms_lookup(const char *name, uint64_t *addr);

/* The kernel's probeable functions (text symbols, without the __pfx_/__cfi_
 * padding and .cold/.part. pieces), sorted by strcmp and unique; read once per
 * process and kept. Returns the count and *names, or -errno. */
int kernel_functions(const char *const **names);
bool kernel_function_exists(const char *name);
/* The probeable functions of one loaded module (kallsyms' "[MODULE]"
 * lines), sorted and unique, kept like kernel_functions(). Returns the
 * count (0: no such module loaded), or -errno. */
int kernel_module_functions(const char *module, const char *const **names);

#endif
