/* Type definitions written in the script before its probes, in C:
 * `struct Foo { int a; char b[8]; struct Foo *next; }`, `union U {...}`,
 * `enum E { A = 1, B }`, `enum { X }` and `typedef ... name;`. The lexer
 * hands each definition's text here; the parsed definitions are kept in the
 * ast (`ast->cdefs`) in the order written, and sema/script_types.c lays them
 * out as C does and makes them types. Memory belongs to the ast. */
#ifndef SOBT_C_DECLS_H
#define SOBT_C_DECLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/ast.h"

enum c_tag { C_TAG_NONE, C_TAG_STRUCT, C_TAG_UNION, C_TAG_ENUM };

#define C_MAX_DIMS 4

struct c_record;
struct c_enum;

/* A declared type: its specifier and its declarator's pointers and arrays. */
struct c_type {
    enum c_tag tag;           /* struct/union/enum NAME, or NONE for words */
    const char *name;         /* the tag; the integer words ("unsigned int") or a
                                 typedef name when tag is NONE; NULL if anonymous */
    struct c_record *body;    /* a struct or union defined right here */
    struct c_enum *enum_body; /* an enum defined right here */
    int pointers;             /* a function pointer counts as a pointer to void */
    bool func_ptr;
    uint64_t dims[C_MAX_DIMS];
    int ndims;
    struct loc loc;
};

struct c_member {
    const char *name; /* NULL: an anonymous struct or union member */
    struct c_type type;
    int bits;       /* bitfield width, -1 for an ordinary member */
    struct loc loc; /* its name (or its type when anonymous) */
};

struct c_record {
    enum c_tag tag;   /* C_TAG_STRUCT or C_TAG_UNION */
    const char *name; /* NULL if anonymous */
    struct c_member *members;
    int nmembers;
    struct loc loc;
    int btf_id; /* filled in by sema/script_types.c */
};

struct c_enumerator {
    const char *name;
    int64_t value;
    bool is_unsigned; /* above INT64_MAX */
    struct loc loc;
};

struct c_enum {
    const char *name; /* NULL if anonymous */
    struct c_enumerator *items;
    int n;
    struct loc loc;
    int btf_id; /* filled in by sema/script_types.c */
};

enum c_def_kind { C_DEF_RECORD, C_DEF_ENUM, C_DEF_TYPEDEF };

struct c_def {
    enum c_def_kind kind;
    struct c_record *record; /* C_DEF_RECORD (nested definitions come first) */
    struct c_enum *en;       /* C_DEF_ENUM */
    const char *name;        /* C_DEF_TYPEDEF */
    struct c_type type;      /* C_DEF_TYPEDEF */
    struct loc loc;
};

struct c_defs {
    struct c_def *items;
    int n, cap;
};

/* Parse one definition's text, which starts at `start` in src. Appends what
 * it defines to out; false after one diagnostic. */
bool c_decls_parse(struct ast *ast, const struct source *src, const char *text, size_t len,
                   struct loc start, struct c_defs *out);

/* Is name a typedef the script has defined (so that the lexer reads it as a
 * type name, as a C compiler does)? */
bool c_decls_is_typedef(const struct c_defs *defs, const char *name, size_t len);

/* The value of enumerator `name` of the script's enums. */
const struct c_enumerator *c_decls_enumerator(const struct c_defs *defs, const char *name);

#endif
