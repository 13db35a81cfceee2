/* Kernel symbol addresses at compile time (kaddr("name")), from /proc/kallsyms. */
#ifndef SOBT_KALLSYMS_H
#define SOBT_KALLSYMS_H

#include <stdint.h>

/* 0 and *addr set; -1 when the symbol is unknown or kallsyms hides addresses. */
int kallsyms_lookup(const char *name, uint64_t *addr);

#endif
