/* Helpers shared by the resolver's files (resolve.c, resolve_calls.c). */
#ifndef SOBT_SEM_UTIL_H
#define SOBT_SEM_UTIL_H

#include "resolve.h"

/* Report an error at loc, only on the final pass (earlier passes may see
 * maps whose types are not known yet). */
void sem_error(struct semantic *sem, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *type_name_of(const struct type *t);
/* A type as written in a cast, sizeof or let: 0 and *out set, or -1. */
int sem_type_of_name(struct semantic *sem, const struct type_name *tn, struct type *out);
/* resolve_types.c: member access, casts, dereference, indexing, sizeof */
void resolve_field(struct semantic *sem, struct node *n);
void resolve_cast(struct semantic *sem, struct node *n);
void resolve_deref(struct semantic *sem, struct node *n);
void resolve_index(struct semantic *sem, struct node *n);
void resolve_sizeof(struct semantic *sem, struct node *n);
/* Register an event kind for a call (final pass only); returns its id. */
int sem_add_async(struct semantic *sem, struct node *call, enum async_kind kind);
/* printf, system, cat: check the format against the arguments, add the event. */
void sem_check_formatted_event(struct semantic *sem, struct node *call, enum async_kind kind);
/* The event's argument record: call->args[from..] laid out as a tuple. */
void sem_async_args(struct semantic *sem, struct node *call, int from, struct async_desc *a);

/* Shared pieces of resolve.c used by the built-ins' checks. */
void sem_resolve_expr(struct semantic *sem, struct node *n);
void sem_map_set_value(struct semantic *sem, struct node *mapnode, const struct type *vt);
/* A map named as a whole (clear(@m), print(@m)): no key is checked. */
void sem_map_ref(struct semantic *sem, struct node *mapnode);
void sem_resolve_map_keys(struct semantic *sem, struct node *mapnode);

/* Can a value of type `from` be stored where `to` was established? Strings
 * of different lengths unify to the longer one (*grew is set). */
bool sem_unify(struct type *to, const struct type *from, bool *grew);

/* resolve_vars.c: scratch variables */
struct var_info *sem_var_add(struct probe_unit *unit, const char *name);
/* Forget what a pass learnt about the unit's variables, but for the final
 * size of their strings. */
void sem_vars_new_pass(struct probe_unit *unit);
void sem_assign_var(struct semantic *sem, struct node *assign);
void sem_declare_var(struct semantic *sem, struct node *decl);
void sem_read_var(struct semantic *sem, struct node *var);

/* resolve_positional.c: $1, $2, ... and $# */
bool sem_is_positional(const struct node *n);
/* A parameter used as a number: it becomes an integer literal. */
void sem_resolve_positional(struct semantic *sem, struct node *n);
/* str($N), str($N + k): the parameter's text becomes the argument. Returns
 * true when the argument involved a parameter (it is then a string literal,
 * or an error was reported). */
bool sem_positional_in_str(struct semantic *sem, struct node *call);

/* realloc of n elements, exiting on failure (compilation cannot go on). */
void *sem_xrealloc(void *p, size_t n, size_t size);
/* resolve_probes.c */
int sem_expand_probes(struct semantic *sem);
void sem_split_units(struct semantic *sem);
void sem_free_unit(struct probe_unit *u);

#endif
