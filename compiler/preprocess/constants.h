/* Named integer constants for the resolver: an identifier that is no
 * built-in variable may be AF_INET, ECONNREFUSED, a #define of the script,
 * or an enumerator of the running kernel.
 *
 * constant_lookup answers, in order:
 *   1. macros of the script and of the headers it included (the definition
 *      in force at the end of the script, as in C), and enumerators of those
 *      headers;
 *   2. a built-in table of x86-64 Linux values (AF_*, PF_*, E*, IPPROTO_*,
 *      SOCK_*, MSG_*, SOL_*, SO_*, TCP_* states, O_*, AT_*, SIG*, SHUT_*,
 *      ETH_P_*), so scripts work without any #include;
 *   3. enumerators of the kernel's BTF (SKB_DROP_REASON_*, BPF_MAP_TYPE_*,
 *      ...). The index is built on the first miss of 1 and 2 only, so a
 *      script without unknown identifiers never pays for it.
 *
 * Not thread-safe: lookups fill memos and the BTF index lazily. */
#ifndef SOBT_CONSTANTS_H
#define SOBT_CONSTANTS_H

#include <stdbool.h>
#include <stdint.h>

struct constants;
struct macro_table;

struct constants *constants_new(void);
void constants_free(struct constants *c);

/* The macro table the preprocessor fills. */
struct macro_table *constants_macros(struct constants *c);

/* c may be NULL (then only the built-in table and BTF are asked). */
bool constant_lookup(const struct constants *c, const char *name, int64_t *value);

/* The built-in table alone (compiler/constants_table.c). */
bool constant_table_lookup(const char *name, int64_t *value);

/* The kernel's BTF enumerators alone. */
bool constant_btf_enum_lookup(const char *name, int64_t *value);

/* Has the BTF enumerator index been built (for tests of its laziness)? */
bool constant_btf_index_built(void);

/* The name of value in the kernel enum type enum_name ("skb_drop_reason" or
 * "enum skb_drop_reason"), or NULL. The string belongs to the kernel BTF. */
const char *constant_enum_name(const char *enum_name, int64_t value);

#endif
