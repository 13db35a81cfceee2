/* Expressions (expr.c) and statements (stmt.c): the walkers over the
 * resolved AST. They evaluate operands and arguments, then hand the values
 * to the primitives (ir.h, maps.h, memory.h) and to the built-ins' code
 * (builtins/), which never walk the tree themselves. */
#ifndef SOBT_CODEGEN_EXPR_H
#define SOBT_CODEGEN_EXPR_H

#include "codegen/ir.h"

/* The value of expression n: an i64, or a pointer to a stack buffer for
 * strings and other buffer types (type_is_buffer). */
LLVMValueRef gen_expr(struct codegen *g, struct node *n);
/* whether gen_expr_into writes n in place (a built-in variable such as comm)
 * rather than making its value and storing it */
bool gen_expr_writes_into(const struct node *n, const struct type *to);
/* Evaluate n into dst, where values of type `to` are kept (a variable, a
 * map key or value): a struct or array is read from memory straight there. */
void gen_expr_into(struct codegen *g, struct node *n, LLVMValueRef dst, const struct type *to);
/* The key of map reference `@m[k...]`, its key expressions evaluated, with
 * `extra` bytes after it (a histogram's bucket). */
LLVMValueRef gen_map_key(struct codegen *g, struct node *mapnode, uint32_t extra);
/* A variable holds its value converted to its own type: integers narrower
 * than 64 bits wrap at their width, as bpftrace's do. */
LLVMValueRef gen_var_value(struct codegen *g, LLVMValueRef v, const struct var_info *var);
/* An aggregation assigned to a map element: `@m[k] = f(...)`. */
void gen_aggregation(struct codegen *g, struct node *call, struct node *target);

/* stmt.c */
void gen_block_stmts(struct codegen *g, struct node *block);
/* loops.c: a for loop, its body a BPF callback (generated through g->gen_stmts) */
void gen_for(struct codegen *g, struct node *n);

#endif
