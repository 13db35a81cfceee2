/* The heads of for loops, as current bpftrace has them:
 *   for ($kv : @m) { }    $kv is (key, value) for each element of @m; with
 *                         several keys, the key is itself a tuple
 *   for ($i : a..b) { }   $i runs from a up to b (excluded), both evaluated once
 * The body runs in a BPF callback (codegen/loops.c) that reaches the probe's
 * variables through pointers, so it reads and writes them as any block
 * does. The body itself is resolved by stmt.c; `return` is refused in it
 * (stmt.c), as bpftrace refuses it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/walk.h"

/* ---- one variable per loop ---------------------------------------------- */

/* A loop's variable lives in its loop alone, as in current bpftrace: it is
 * not visible after the loop ("Undefined or undeclared variable"), and two
 * loops may use one name for values of different types. So every loop's
 * variable gets a name of its own, "$kv~1", "$kv~2" (no script can spell
 * it), and the uses in its body follow; messages print the name as
 * written (sem_var_written). */
struct loop_names {
    struct semantic *sem;
    const char **seen;
    int nseen;
    const char *from, *to; /* renaming inside one loop's body */
};

static void rename_uses(struct node *n, void *ctx)
{
    struct loop_names *ln = ctx;
    if (n->kind == N_FOR && strcmp(n->name, ln->from) == 0)
        return; /* a nested loop of the same name: its own (and an error) */
    if ((n->kind == N_VAR || n->kind == N_VAR_DECL) && strcmp(n->name, ln->from) == 0)
        n->name = (char *)ln->to;
    ast_for_each_child(n, rename_uses, ln);
}

static void scope_loops(struct node *n, void *ctx)
{
    struct loop_names *ln = ctx;
    if (n->kind == N_FOR) {
        int uses = 0;
        for (int i = 0; i < ln->nseen; i++)
            uses += strcmp(ln->seen[i], n->name) == 0;
        ln->seen = sem_xrealloc(ln->seen, (size_t)ln->nseen + 1, sizeof(*ln->seen));
        ln->seen[ln->nseen++] = n->name;
        char buf[256];
        snprintf(buf, sizeof(buf), "%s~%d", n->name, uses + 1);
        ln->from = n->name;
        ln->to = ast_strdup(ln->sem->ast, buf);
        ast_for_each_child(n->then, rename_uses, ln);
        n->name = (char *)ln->to;
    }
    ast_for_each_child(n, scope_loops, ln);
}

void sem_scope_loop_vars(struct semantic *sem)
{
    struct node *prog = sem->ast->root;
    for (int i = 0; i < prog->nprobes; i++) {
        struct loop_names ln = {.sem = sem};
        scope_loops(prog->probes[i], &ln);
        free(ln.seen);
    }
}

/* ---- the loop's head ------------------------------------------------------ */

/* The loop variable takes type t. A variable of the probe assigned before
 * the loop may not have its name. */
static void set_loop_var(struct semantic *sem, struct node *n, const struct type *t)
{
    const char *written = sem_var_written(sem, n->name);
    struct var_info *outer = unit_var(sem->cur, written);
    if (outer && outer->assigned) /* the body is still resolved, with t */
        sem_error(sem, n->loc, "Loop declaration shadows existing variable: %s", written);
    struct var_info *v = unit_var(sem->cur, n->name);
    if (!v)
        v = sem_var_add(sem->cur, n->name);
    v->type = type_clone(&sem->types, t);
    v->assigned = v->has_value = v->loop_var = true;
}

static void resolve_range(struct semantic *sem, struct node *n)
{
    sem_resolve_expr(sem, n->lhs);
    sem_resolve_expr(sem, n->rhs);
    struct node *ends[2] = {n->lhs, n->rhs};
    for (int i = 0; i < 2; i++)
        if (ends[i]->type.kind != TY_NONE && ends[i]->type.kind != TY_INT) {
            sem_error(sem, ends[i]->loc, "Loop range requires an integer, not '%s'",
                      type_name_of(&ends[i]->type));
            return;
        }
    struct type i64 = type_int(8, true);
    set_loop_var(sem, n, &i64);
}

/* Values a loop can hand out: what a variable can hold, and the
 * aggregations current bpftrace iterates too (count, sum, min, max, avg). They are per-CPU: the loop hands out the value over
 * every CPU (codegen/loops.c), as current bpftrace does. */
static bool iterable(const struct type *value)
{
    switch (value->kind) {
    case TY_COUNT:
    case TY_SUM:
    case TY_MIN:
    case TY_MAX:
    case TY_AVG:
        return true;
    default:
        return value->kind != TY_NONE && !type_is_aggregation(value) && value->kind != TY_VOID;
    }
}

static void resolve_map_loop(struct semantic *sem, struct node *n)
{
    struct node *m = n->lhs;
    if (m->kind != N_MAP || m->nargs != 0) {
        if (m->kind != N_MAP)
            sem_resolve_expr(sem, m);
        sem_error(sem, m->loc, "Loop expression must be a map");
        return;
    }
    struct map_info *info = sem_map_of(sem, m);
    if (!info->value_known)
        return; /* assigned later in the program: the next pass */
    if (!iterable(&info->value)) {
        sem_error(sem, m->loc, "Loop expression does not support type: %s",
                  type_name_of(&info->value));
        return;
    }
    if (!info->key_known || info->key.kind == TY_NONE) {
        sem_error(sem, m->loc, "Maps used as for-loop expressions must have keys to iterate over");
        return;
    }
    struct type kv = type_new_tuple(&sem->types, 2);
    kv.fields[0] = type_clone(&sem->types, &info->key);
    if (type_is_aggregation(&info->value)) /* its first 8 bytes: the value */
        kv.fields[1] = type_int(8, info->value.is_signed || info->value.kind == TY_AVG);
    else
        kv.fields[1] = type_clone(&sem->types, &info->value);
    type_layout_tuple(&sem->types, &kv);
    m->type = info->value;
    set_loop_var(sem, n, &kv);
}

void sem_resolve_for_head(struct semantic *sem, struct node *n)
{
    if (n->rhs)
        resolve_range(sem, n);
    else
        resolve_map_loop(sem, n);
}
