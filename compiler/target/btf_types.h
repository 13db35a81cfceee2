/* Kernel types from BTF as the resolver's `struct type`s: lookup by name,
 * members (through anonymous structs and unions, bitfields included), and the
 * C type strings of tracepoint format files. */
#ifndef SOBT_BTF_TYPES_H
#define SOBT_BTF_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"

/* Types point to other types (pointee, element); they are allocated from an
 * arena that lives as long as the compilation. */
struct type_arena {
    void **items;
    int n, cap;
};

struct type *type_arena_new(struct type_arena *a, struct type init);
/* `size` zeroed bytes that live as long as the arena (a tuple's fields). */
void *type_arena_alloc(struct type_arena *a, size_t size);
void type_arena_free(struct type_arena *a);

/* The type of BTF type `id` (modifiers and typedefs skipped). Pointers and
 * records carry is_user into what they reach. Returns 0, or -1 when the type
 * cannot be represented (function, float). */
int btf_to_type(struct type_arena *a, int id, bool is_user, struct type *out);

/* "struct sock", "union bpf_attr", "enum tcp_state", a typedef name, or an
 * integer type spelled as in C ("unsigned int", "u32", "__u16", "int8",
 * "uint64", "char", "bool", "size_t", ...), followed by `pointers` levels of
 * '*'. Returns 0, or -1 when the name is unknown. */
int type_from_name(struct type_arena *a, const char *name, int pointers, bool is_user,
                   struct type *out);

/* An integer type spelled as in C or bpftrace ("unsigned int", "u32",
 * "int8", "size_t"): its size and signedness. */
bool c_int_type(const char *name, uint32_t *size, bool *is_signed);

/* The type written in a tracepoint format file ("struct sockaddr * ",
 * "const char *", "unsigned long", "char[16]"). Unknown struct names become
 * pointers to void rather than failures: the field stays usable as an address. */
int type_from_c_decl(struct type_arena *a, const char *decl, bool is_user, struct type *out);

struct member_info {
    struct type type;
    uint32_t offset;       /* bytes from the start of the record */
    uint32_t bit_offset;   /* bitfields: bits from `offset` */
    uint32_t bit_size;     /* bitfields: width, 0 for ordinary members */
};

/* Member `name` of the record type (a TY_RECORD). Returns 0, -1 if absent. */
int record_member(struct type_arena *a, const struct type *record, const char *name,
                  struct member_info *out);

/* Every named member of a record, in order, the members of anonymous
 * struct and union members in their place (as bpftrace prints a struct). A
 * member whose type cannot be represented has type TY_NONE. The list lives
 * in the arena. */
struct record_member_entry {
    const char *name; /* BTF's string, valid while BTF is loaded */
    struct member_info info;
};
struct record_members {
    struct record_member_entry *items;
    int n;
};
int record_all_members(struct type_arena *a, const struct type *record, struct record_members *out);

/* "struct sock" for diagnostics. */
const char *record_name(const struct type *record);

#endif
