/* The built-in constant tables (constants_table.c, constants_kernel_table.c),
 * private to preprocess/: each sorted by strcmp, searched with bsearch. */
#ifndef SOBT_CONSTANTS_TABLES_H
#define SOBT_CONSTANTS_TABLES_H

#include <stddef.h>
#include <stdint.h>

struct named_value {
    const char *name;
    int64_t value;
};

extern const struct named_value constants_kernel_table[];
extern const size_t constants_kernel_table_len;

#endif
