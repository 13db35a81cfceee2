/* Syscall names by number, for syscall_name() values: the table is made at
 * build time from <asm/unistd_64.h> (runtime/gen_syscall_numbers.sh). */
#ifndef SOBT_OUTPUT_SYSCALL_NAMES_H
#define SOBT_OUTPUT_SYSCALL_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* The name of syscall nr, or NULL when this architecture has none. */
const char *syscall_name_of(uint64_t nr);

#endif
