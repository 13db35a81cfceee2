/* Helpers shared by the resolver's files (resolve.c, resolve_calls.c). */
#ifndef SOBT_SEM_UTIL_H
#define SOBT_SEM_UTIL_H

#include "resolve.h"

/* Report an error at loc, only on the final pass (earlier passes may see
 * maps whose types are not known yet). */
void sem_error(struct semantic *sem, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *type_name_of(const struct type *t);
/* Integer type names as written in casts: 0 and *out set, or -1. */
int cast_type_lookup(const struct type_name *tn, struct type *out);
/* args->FIELD of a tracepoint unit: sets n->type and n->ival (offset). */
void resolve_tracepoint_field(struct semantic *sem, struct node *n);
/* Register an event kind for a call (final pass only); returns its id. */
int sem_add_async(struct semantic *sem, struct node *call, enum async_kind kind);

/* Shared pieces of resolve.c used by the built-ins' checks. */
void sem_resolve_expr(struct semantic *sem, struct node *n);
void sem_map_set_value(struct semantic *sem, struct node *mapnode, const struct type *vt);
/* A map named as a whole (clear(@m), print(@m)): no key is checked. */
void sem_map_ref(struct semantic *sem, struct node *mapnode);
void sem_resolve_map_keys(struct semantic *sem, struct node *mapnode);

#endif
