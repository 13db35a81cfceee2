/* The abstract syntax tree: one node struct for every construct, as in chibicc.
 * The parser builds it, the resolver annotates it (node->type, node->map, ...),
 * code generation walks it. Nodes are owned by their struct ast and freed together. */
#ifndef SOBT_AST_H
#define SOBT_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "types.h"

/* A position in the script: 1-based line and column of the first character,
 * and the column one past the last character on that same line (for the
 * caret underline in diagnostics). */
struct loc {
    int line;
    int col;
    int end_col;
};

enum node_kind {
    /* expressions */
    N_INT,      /* ival */
    N_STRING,   /* str (escapes already decoded), slen = length without NUL */
    N_BUILTIN,  /* name: pid, tid, comm, nsecs, probe, args, arg0, retval, ... */
    N_VAR,      /* name: "$x" (with the dollar) */
    N_MAP,      /* name: "@" or "@foo"; args: key expressions (nargs 0 = no [ ]) */
    N_CALL,     /* name: function name; args/nargs: arguments */
    N_BINARY,   /* op; lhs, rhs */
    N_UNARY,    /* op: '-', '!', '~', '*' (dereference), '&' (address-of); lhs */
    N_TERNARY,  /* cond, then, els */
    N_FIELD,    /* lhs->name (is_arrow) or lhs.name */
    N_INDEX,    /* lhs[rhs] (array subscript on a non-map expression) */
    N_CAST,     /* (cast_type)lhs */
    N_SIZEOF,   /* sizeof(cast_type) when cast_type != NULL, else sizeof(lhs) */
    N_OFFSETOF, /* offsetof(cast_type or lhs, name): name is "a" or "a.b.c"; the
                   resolver turns it into the N_INT it is */
    N_INCDEC,   /* op OP_INC / OP_DEC; is_prefix; lhs is an N_MAP or N_VAR */
    N_TUPLE,    /* (a, b, ...) in expression position; args/nargs */
    N_BLOCK_EXPR, /* { stmts; value }: then (N_BLOCK) runs, lhs is the value */
    N_COPY,     /* made by the resolver: the bytes of struct or array lhs, read from
                   memory onto the stack where it is used as a value (stored,
                   printed, part of a tuple or key) */

    /* statements */
    N_EXPR_STMT, /* lhs */
    N_ASSIGN,    /* lhs = rhs, or lhs op= rhs when op != 0 (op is the binary op) */
    N_VAR_DECL,  /* let $x [: type] [= rhs]; name, cast_type (optional), rhs (optional) */
    N_IF,        /* cond, then (N_BLOCK), els (N_BLOCK, N_IF for else-if, or NULL) */
    N_WHILE,     /* cond, then (N_BLOCK) */
    N_UNROLL,    /* unroll (lhs) then; ival: the count, once the resolver has it */
    N_FOR,       /* for (name : lhs) then over a map; for (name : lhs..rhs) then over a range */
    N_RETURN,    /* lhs optional */
    N_BREAK,
    N_CONTINUE,
    N_BLOCK,     /* stmts/nstmts */

    /* top level */
    N_PROBE,   /* attach/nattach: N_ATTACH nodes; pred (optional); then (N_BLOCK) */
    N_ATTACH,  /* str: the attach point text exactly as written, e.g. "t:syscalls:sys_enter_*" */
    N_CONFIG,  /* config = { name = value; ... }: args are N_ASSIGN with lhs N_VAR-less names */
    N_MACRO,   /* macro name(args) then: args are the parameters ($var, @map, ident) */
    N_MAP_DECL, /* let name = str(lhs); at top level: a map of that kind and size */
    N_PROGRAM, /* probes/nprobes; config (optional); args: N_MACRO and N_MAP_DECL */
};

/* Binary and unary operators. Single-character operators use their character. */
enum op {
    OP_NONE = 0,
    OP_EQ = 256, /* == */
    OP_NE,       /* != */
    OP_LE,       /* <= */
    OP_GE,       /* >= */
    OP_LAND,     /* && */
    OP_LOR,      /* || */
    OP_SHL,      /* << */
    OP_SHR,      /* >> */
    OP_INC,      /* ++ */
    OP_DEC,      /* -- */
    /* plain characters: '+' '-' '*' '/' '%' '&' '|' '^' '<' '>' '!' '~' */
};

/* A type as written in a cast, sizeof or let: "struct sock *", "uint32", "int8 *".
 * Resolved to a struct type by the resolver. */
struct type_name {
    char *base;     /* "struct sock", "union foo", "enum bar", "uint32", "int", "char" ... */
    int pointers;   /* number of trailing '*' */
    bool has_len;       /* let $s: string[N]; casts (uint8[N])x and (uint8[])x */
    int64_t array_len;  /* N; 0 in a cast: as many as the value's size holds */
    struct loc loc;
    struct node *of; /* typeof(expr): the expression whose type this is (base "typeof") */
};

struct map_info;     /* sema/semantic.h */
struct builtin_func; /* builtins/builtins.h */

struct node {
    enum node_kind kind;
    struct loc loc;
    struct loc op_loc; /* N_ASSIGN: the '=' (or 'op=') token alone */

    int op;           /* enum op or character */
    bool is_arrow;    /* N_FIELD: -> rather than . */
    bool is_prefix;   /* N_INCDEC */
    bool is_unsigned; /* N_INT written above INT64_MAX: typed uint64, as in bpftrace */
    bool is_param_text; /* N_STRING holding a positional parameter's text, not a literal */
    bool ends_with_value; /* N_BLOCK whose last statement had no ';' (a macro's value) */

    int64_t ival;     /* N_INT, N_UNROLL */
    char *name;       /* N_BUILTIN, N_VAR, N_MAP, N_CALL, N_FIELD, N_VAR_DECL */
    char *str;        /* N_STRING, N_ATTACH */
    size_t slen;      /* N_STRING */

    struct node *lhs, *rhs;
    struct node *cond, *then, *els;
    struct node *pred;  /* N_PROBE predicate */

    struct node **args; /* N_MAP keys, N_CALL arguments, N_TUPLE, N_CONFIG entries */
    int nargs;
    struct node **stmts; /* N_BLOCK */
    int nstmts;
    struct node **attach; /* N_PROBE */
    int nattach;
    struct node **probes; /* N_PROGRAM */
    int nprobes;
    struct node *config;  /* N_PROGRAM */

    struct type_name *cast_type; /* N_CAST, N_SIZEOF, N_VAR_DECL */

    /* filled in by the resolver */
    struct type type;
    struct map_info *map;   /* N_MAP, and map arguments of calls */
    const struct builtin_func *builtin; /* N_CALL: the built-in function it calls */
    int var_slot;           /* N_VAR: index into the probe's scratch variables */
    int async_id;           /* calls that send an event to userspace */
    int probe_index;        /* N_PROBE: index in the compiled program */
    int field_flavor;       /* N_FIELD: enum field_flavor */
    uint32_t member_offset; /* N_FIELD of a record: byte offset of the member */
    uint32_t bit_offset;    /* N_FIELD of a bitfield: bits past member_offset */
    uint32_t bit_size;      /* N_FIELD of a bitfield: its width (0: not a bitfield) */
};

/* How code generation reads an N_FIELD. */
enum field_flavor {
    FIELD_TP_SCALAR,   /* tracepoint field: integer or pointer loaded from the record */
    FIELD_TP_CHARS,    /* tracepoint char[N]: a string copied from the record */
    FIELD_TP_DATA_LOC, /* tracepoint __data_loc char[]: a string elsewhere in the record */
    FIELD_TP_ARRAY,    /* tracepoint array of other elements: its address in the record */
    FIELD_MEMBER,      /* member of a kernel or user struct: read from memory, or
                          from the copy on the stack (lhs type on_stack) */
    FIELD_TUPLE,       /* element ival of a tuple ($t.0) */
    FIELD_BTF_ARG,     /* rawtracepoint, fentry, fexit: a u64 slot of the context, the
                          argument of that name in the unit's BTF parameters */
};

/* The source text a tree came from, kept for diagnostics. */
struct source {
    char *filename; /* "stdin" for -e, else the path as given */
    char *text;     /* whole text, NUL-terminated */
    size_t len;
};

struct c_defs; /* frontend/c_decls.h */

struct ast {
    struct source *src;
    struct node *root; /* N_PROGRAM */
    struct c_defs *cdefs; /* the script's C type definitions, NULL if none */
    /* arena of every node and string allocated for this tree */
    void **allocs;
    size_t nallocs, cap;
};

/* Node construction (compiler/ast.c). All memory belongs to the ast. */
struct node *ast_new_node(struct ast *ast, enum node_kind kind, struct loc loc);
char *ast_strdup(struct ast *ast, const char *s);
char *ast_strndup(struct ast *ast, const char *s, size_t n);
void *ast_alloc(struct ast *ast, size_t size);
/* Append a node to a growable array of node pointers owned by the ast. */
void ast_push(struct ast *ast, struct node ***arr, int *n, struct node *item);
void ast_free(struct ast *ast);
/* A deep copy of n and everything under it (type names are shared). */
struct node *ast_clone(struct ast *ast, const struct node *n);

/* Call fn on every direct child of n (operands, conditions, branches,
 * arguments, statements, the predicate and body of a probe), in order. */
void ast_for_each_child(struct node *n, void (*fn)(struct node *child, void *ctx), void *ctx);

/* Parse a whole program. Returns NULL after printing a diagnostic on error.
 * The ast keeps a pointer to src (caller keeps src alive). (compiler/parse.c) */
struct ast *parse_program(struct source *src);

/* -d ast: print the tree, one node per line, indented by depth. (compiler/ast_dump.c) */
void ast_dump(const struct ast *ast, FILE *out);

const char *op_spelling(int op);

#endif
