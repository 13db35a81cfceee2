/* `let` in a nested block, scoped as current bpftrace scopes it: a variable
 * declared with `let` inside an if, else, loop or block expression lives in
 * that block alone ("'scratch' variables cannot be accessed outside of their
 * lexical block"), so a read after the block is "Undefined or undeclared
 * variable", and two sibling blocks may each declare a `$x` of its own type.
 *
 * Plain assignments stay probe-scoped as in bpftrace 0.17 (which has no
 * `let`), and so does a `let` at the probe's top level. So the scoping is a
 * renaming, before resolution, as for loop variables (loops.c): each nested
 * `let $x` gets a name of its own, "$x~L1", "$x~L2" (no script can spell
 * it), and the uses that follow it in its block follow it; messages print
 * the name as written (sem_var_written).
 *
 * As in bpftrace, visibility goes in source order: a nested `let $x` when an
 * enclosing block has already declared `$x` is an error (bpftrace has no
 * shadowing), and when an enclosing block has already assigned `$x` it is
 * left to sem_declare_var, which reports that declarations must come first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/walk.h"

/* A name visible at this point of the walk. */
struct binding {
    const char *written;  /* "$x" */
    const char *internal; /* "$x~L2", or "$x" where it is not renamed */
    int depth;            /* the block it belongs to: 1 is the probe's own */
    bool declared;        /* by `let` (else by an assignment) */
};

struct let_scope {
    struct semantic *sem;
    struct binding *bindings;
    int nbindings;
    int depth;
    int renamed; /* in this probe, for unique names */
};

static struct binding *visible(struct let_scope *ls, const char *name)
{
    for (int i = ls->nbindings - 1; i >= 0; i--)
        if (strcmp(ls->bindings[i].written, name) == 0)
            return &ls->bindings[i];
    return NULL;
}

static void bind(struct let_scope *ls, const char *written, const char *internal, bool declared)
{
    ls->bindings = sem_xrealloc(ls->bindings, (size_t)ls->nbindings + 1, sizeof(*ls->bindings));
    ls->bindings[ls->nbindings++] = (struct binding){
        .written = written, .internal = internal, .depth = ls->depth, .declared = declared};
}

static void walk(struct node *n, void *ctx);

static void walk_stmts(struct let_scope *ls, struct node *block, struct node *value)
{
    ls->depth++;
    for (int i = 0; i < block->nstmts; i++)
        walk(block->stmts[i], ls);
    if (value) /* a block expression's value sees the block's variables */
        walk(value, ls);
    while (ls->nbindings > 0 && ls->bindings[ls->nbindings - 1].depth == ls->depth)
        ls->nbindings--;
    ls->depth--;
}

static void declare(struct let_scope *ls, struct node *decl)
{
    struct binding *b = visible(ls, decl->name);
    if (ls->depth <= 1 || (b && !b->declared)) {
        /* the probe's own, or after an assignment (sem_declare_var's error) */
        if (!b)
            bind(ls, decl->name, decl->name, true);
        return;
    }
    if (b) {
        sem_error(ls->sem, decl->loc,
                  "Variable %s was already declared. Variable shadowing is not allowed.",
                  sem_var_written(ls->sem, decl->name));
        return;
    }
    char buf[256];
    snprintf(buf, sizeof(buf), "%s~L%d", decl->name, ++ls->renamed);
    const char *written = decl->name;
    decl->name = ast_strdup(ls->sem->ast, buf);
    bind(ls, written, decl->name, true);
}

static void walk(struct node *n, void *ctx)
{
    struct let_scope *ls = ctx;
    switch (n->kind) {
    case N_BLOCK:
        walk_stmts(ls, n, NULL);
        return;
    case N_BLOCK_EXPR:
        walk_stmts(ls, n->then, n->lhs);
        return;
    case N_FOR:
        /* the loop's variable (renamed by loops.c) is declared in its body */
        if (n->lhs)
            walk(n->lhs, ls);
        if (n->rhs)
            walk(n->rhs, ls);
        ls->depth++;
        bind(ls, n->name, n->name, true);
        ls->depth--;
        walk(n->then, ls);
        return;
    case N_VAR_DECL:
        if (n->cast_type && n->cast_type->of)
            walk(n->cast_type->of, ls);
        if (n->rhs) /* the value is computed before the variable exists */
            walk(n->rhs, ls);
        declare(ls, n);
        return;
    case N_ASSIGN:
        walk(n->rhs, ls);
        walk(n->lhs, ls);
        if (n->lhs->kind == N_VAR && !visible(ls, n->lhs->name))
            bind(ls, n->lhs->name, n->lhs->name, false);
        return;
    case N_VAR: {
        struct binding *b = visible(ls, n->name);
        if (b)
            n->name = (char *)b->internal;
        return;
    }
    default:
        ast_for_each_child(n, walk, ls);
    }
}

void sem_scope_lets(struct semantic *sem)
{
    struct node *prog = sem->ast->root;
    for (int i = 0; i < prog->nprobes; i++) {
        struct let_scope ls = {.sem = sem};
        struct node *probe = prog->probes[i];
        if (probe->pred)
            walk(probe->pred, &ls);
        walk(probe->then, &ls);
        free(ls.bindings);
    }
}
