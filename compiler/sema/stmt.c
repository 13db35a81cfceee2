/* Statements: assignments to variables (vars.c) and maps, declarations,
 * conditions, loops, blocks. */
#include <stdlib.h>
#include <string.h>

#include "builtins/builtins.h"
#include "sema/walk.h"

/* resolve_stmt and sem_resolve_block call each other: nested blocks. */
static void resolve_stmt(struct semantic *sem, struct node *n, int loop_depth);

static void resolve_assign(struct semantic *sem, struct node *n)
{
    struct node *t = n->lhs;
    if (t->kind == N_MAP && n->rhs->kind == N_CALL && !n->op &&
        builtin_is_aggregation(n->rhs->name)) {
        sem_resolve_map_keys(sem, t);
        sem->agg_target = t;
        sem_resolve_call(sem, n->rhs, true);
        sem->agg_target = NULL;
        /* the aggregation's check stored the map's value type */
        return;
    }
    sem_resolve_expr(sem, n->rhs);
    n->rhs = sem_copied_value(sem, n->rhs); /* a struct or array is stored by value */
    if (t->kind == N_VAR) {
        sem_assign_var(sem, n);
        return;
    }
    if (t->kind != N_MAP) {
        sem_error(sem, t->loc, "can only assign to maps and $variables");
        return;
    }
    sem_resolve_map_keys(sem, t);
    if (n->op) {
        struct type it = type_int(8, true);
        if (t->map && !t->map->value_known)
            sem_map_set_value(sem, t, &it);
        if (n->rhs->type.kind != TY_NONE && n->rhs->type.kind != TY_INT)
            sem_error(sem, n->rhs->loc, "%s= needs an integer, not '%s'", op_spelling(n->op),
                      type_name_of(&n->rhs->type));
        bool pointer_step = t->map && t->map->value.kind == TY_PTR &&
                            (n->op == '+' || n->op == '-');
        if (t->map && t->map->value_known && t->map->value.kind != TY_INT && !pointer_step)
            sem_error(sem, n->loc, "%s= on %s, whose values are %s", op_spelling(n->op), t->name,
                      type_name_of(&t->map->value));
        t->type = t->map ? t->map->value : it;
        return;
    }
    struct type vt = n->rhs->type;
    if (vt.kind == TY_VOID || vt.kind == TY_CTX) {
        sem_error(sem, n->rhs->loc, "value of type '%s' cannot be stored in a map",
                  type_name_of(&vt));
        return;
    }
    sem_map_set_value(sem, t, &vt);
    if (t->map)
        t->type = t->map->value;
}

void sem_resolve_cond(struct semantic *sem, struct node *c)
{
    sem_resolve_expr(sem, c);
    if (c->type.kind != TY_NONE && c->type.kind != TY_INT && c->type.kind != TY_PTR)
        sem_error(sem, c->loc, "condition must be an integer, not '%s'", type_name_of(&c->type));
}

/* An expression used as a statement: a call needs no value, and neither
 * does a block expression's last expression ({ printf("hi") }, a macro's
 * argument). */
static void resolve_expr_stmt(struct semantic *sem, struct node *e, int loop_depth)
{
    if (e->kind == N_CALL) {
        sem_resolve_call(sem, e, false);
    } else if (e->kind == N_BLOCK_EXPR) {
        sem_resolve_block(sem, e->then, loop_depth);
        resolve_expr_stmt(sem, e->lhs, loop_depth);
        e->type = e->lhs->type;
    } else {
        sem_resolve_expr(sem, e);
    }
}

static void resolve_stmt(struct semantic *sem, struct node *n, int loop_depth)
{
    switch (n->kind) {
    case N_EXPR_STMT:
        resolve_expr_stmt(sem, n->lhs, loop_depth);
        break;
    case N_ASSIGN:
        resolve_assign(sem, n);
        break;
    case N_VAR_DECL:
        sem_resolve_type_name(sem, n->cast_type);
        if (n->rhs) {
            sem_resolve_expr(sem, n->rhs);
            n->rhs = sem_copied_value(sem, n->rhs);
        }
        sem_declare_var(sem, n);
        break;
    case N_IF:
        sem_resolve_cond(sem, n->cond);
        sem_resolve_block(sem, n->then, loop_depth);
        if (n->els) {
            if (n->els->kind == N_IF)
                resolve_stmt(sem, n->els, loop_depth);
            else
                sem_resolve_block(sem, n->els, loop_depth);
        }
        break;
    case N_WHILE:
        sem_resolve_cond(sem, n->cond);
        sem_resolve_block(sem, n->then, loop_depth + 1);
        break;
    case N_UNROLL:
        /* a literal, or a positional parameter (already one) */
        if (n->lhs->kind != N_INT)
            sem_error(sem, n->lhs->loc, "unroll count must be an integer literal or a "
                                        "positional parameter");
        else if (n->lhs->ival < 1 || n->lhs->ival > 100)
            sem_error(sem, n->loc, "unroll count must be between 1 and 100");
        else
            n->ival = n->lhs->ival;
        sem_resolve_block(sem, n->then, loop_depth);
        break;
    case N_FOR:
        sem_resolve_for_head(sem, n);
        sem->for_depth++;
        sem_resolve_block(sem, n->then, loop_depth + 1);
        sem->for_depth--;
        break;
    case N_RETURN:
        if (sem->for_depth)
            sem_error(sem, n->loc, "'return' statement is not allowed in a for-loop");
        if (n->lhs)
            sem_resolve_expr(sem, n->lhs);
        break;
    case N_BREAK:
    case N_CONTINUE:
        if (loop_depth == 0)
            sem_error(sem, n->loc, "%s outside of a loop", n->kind == N_BREAK ? "break" : "continue");
        break;
    case N_BLOCK:
        sem_resolve_block(sem, n, loop_depth);
        break;
    default:
        sem_error(sem, n->loc, "unexpected node in a statement list");
    }
}

void sem_resolve_block(struct semantic *sem, struct node *n, int loop_depth)
{
    for (int i = 0; i < n->nstmts; i++)
        resolve_stmt(sem, n->stmts[i], loop_depth);
}
