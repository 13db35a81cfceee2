/* The resolver's walkers over the tree (expr.c, stmt.c, positional.c) and
 * the driver's use of them (resolve.c). Private to sema/: the built-ins'
 * checks see resolved arguments and never walk. */
#ifndef SOBT_SEMA_WALK_H
#define SOBT_SEMA_WALK_H

#include "sema/sema.h"

/* expr.c */
void sem_resolve_expr(struct semantic *sem, struct node *n);
/* Resolve a map reference's keys and settle its key type. */
void sem_resolve_map_keys(struct semantic *sem, struct node *mapnode);
/* The expression of typeof(expr) in a type name, if it has one: resolved
 * (typeof(@m) names the map, whose key is the type). */
void sem_resolve_type_name(struct semantic *sem, struct type_name *tn);
/* A call of a built-in function; as_map_value: it is `@m[k] = call`. */
void sem_resolve_call(struct semantic *sem, struct node *n, bool as_map_value);

/* stmt.c */
void sem_resolve_cond(struct semantic *sem, struct node *c);
void sem_resolve_block(struct semantic *sem, struct node *block, int loop_depth);

/* loops.c: a for loop's map or range, and its variable's type. */
void sem_resolve_for_head(struct semantic *sem, struct node *n);
/* Before resolving (after macros): later loops reusing a loop variable's
 * name get a variable of their own. */
void sem_scope_loop_vars(struct semantic *sem);
/* let_scope.c: after that, each `let` in a nested block a variable of its
 * own, unknown after its block (errors reported at once). */
void sem_scope_lets(struct semantic *sem);

/* map_decls.c: the declared maps made, before the probes are resolved;
 * after, each declared map checked against what it holds. */
void sem_declare_maps(struct semantic *sem);
void sem_check_declared_map(struct semantic *sem, struct map_info *m);

/* macros.c: every call of a script's macro replaced by its body, before
 * anything else (errors reported at once). */
void sem_expand_macros(struct semantic *sem);

/* positional.c: $1, $2, ... and $# become literals throughout the program,
 * before it is resolved (errors reported at once). */
void sem_substitute_positionals(struct semantic *sem);

#endif
