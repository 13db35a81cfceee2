/* Syscall names by number (syscall_names.h), from the table
 * gen_syscall_numbers.sh makes at build time for syscall_dispatch.c: the
 * build machine's <asm/unistd_64.h> and the newer x86-64 numbers it lists. */
#include "output/syscall_names.h"

struct syscall_number {
    const char *name;
    int nr;
};

#include "syscall_numbers.h"

const char *syscall_name_of(uint64_t nr)
{
    for (size_t i = 0; i < sizeof(syscall_numbers) / sizeof(syscall_numbers[0]); i++)
        if ((uint64_t)syscall_numbers[i].nr == nr)
            return syscall_numbers[i].name;
    return NULL;
}
