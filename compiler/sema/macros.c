/* bpftrace's macros (`macro name(params) { ... }`), expanded in the probes
 * before anything is resolved, as current bpftrace expands them:
 *   $x  a scratch variable of the caller, used (and changed) in place
 *   @m  a map of the caller, used (and changed) in place
 *   x   an expression, inserted wherever x is used (evaluated each time)
 * The body may use no other map, and its own variables are renamed so that
 * they never meet the caller's (hygiene). A body whose last statement has
 * no ';' is a value ({ ...; value }); otherwise it is statements, usable
 * only as one. Macros may call macros, never themselves. */
#include <stdio.h>
#include <string.h>

#include "sema/walk.h"

#define MAX_MACRO_DEPTH 32

struct expansion {
    const struct node *macro;
    const struct node *call;
    const struct expansion *outer; /* the expansion this one is inside */
};

struct expander {
    struct semantic *sem;
    struct node **macros;
    int nmacros;
};

static const struct node *find_macro(const struct expander *x, const char *name)
{
    for (int i = 0; i < x->nmacros; i++)
        if (strcmp(x->macros[i]->name, name) == 0)
            return x->macros[i];
    return NULL;
}

/* The parameter of m a name stands for ($x, @m or x), or -1. */
static int param_index(const struct node *m, enum node_kind kind, const char *name)
{
    for (int i = 0; i < m->nargs; i++)
        if (m->args[i]->kind == kind && strcmp(m->args[i]->name, name) == 0)
            return i;
    return -1;
}

static void expand_in(struct expander *x, struct node *n, const struct expansion *in);

/* ---- one body, made the caller's ------------------------------------------ */

struct rewrite {
    struct expander *x;
    const struct expansion *e;
};

static char *local_name(struct rewrite *r, const char *name)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "$$%s_%s", r->e->macro->name, name + 1);
    return ast_strdup(r->x->sem->ast, buf);
}

/* Variables: a $param becomes the caller's variable, any other one the
 * macro's own (renamed). Maps: only @params. Identifiers that are
 * parameters: a copy of the caller's expression. */
static void rewrite_node(struct node *n, void *ctx)
{
    struct rewrite *r = ctx;
    const struct node *m = r->e->macro;
    struct semantic *sem = r->x->sem;
    int p;
    switch (n->kind) {
    case N_VAR:
        if (n->name[1] == '#' || (n->name[1] >= '0' && n->name[1] <= '9'))
            return; /* a positional parameter is the program's */
        if ((p = param_index(m, N_VAR, n->name)) >= 0)
            n->name = r->e->call->args[p]->name;
        else
            n->name = local_name(r, n->name);
        return;
    case N_VAR_DECL:
    case N_FOR:
        if (param_index(m, N_VAR, n->name) >= 0)
            sem_error(sem, n->loc, "Variable declaration shadows macro arg %s", n->name);
        else
            n->name = local_name(r, n->name);
        break;
    case N_MAP:
        if ((p = param_index(m, N_MAP, n->name)) >= 0)
            n->name = r->e->call->args[p]->name;
        else
            sem_error(sem, n->loc,
                      "Unhygienic access to map: %s. Maps must be passed into the macro as "
                      "arguments.",
                      n->name);
        break;
    case N_BUILTIN:
        if ((p = param_index(m, N_BUILTIN, n->name)) >= 0) {
            /* the caller's expression, in the caller's names: not rewritten */
            *n = *ast_clone(sem->ast, r->e->call->args[p]);
            return;
        }
        break;
    default:
        break;
    }
    ast_for_each_child(n, rewrite_node, r);
}

/* ---- calls ---------------------------------------------------------------- */

/* Does the call fit the macro's parameters? Reports what does not. */
static bool arguments_fit(struct semantic *sem, const struct node *m, const struct node *call)
{
    int nargs = call->kind == N_CALL ? call->nargs : 0;
    if (call->kind == N_BUILTIN && m->nargs > 0) {
        sem_error(sem, call->loc, "Call to macro has no number arguments. Expected: %d", m->nargs);
        return false;
    }
    if (nargs != m->nargs) {
        sem_error(sem, call->loc,
                  "Call to macro has wrong number arguments. Expected: %d but got %d", m->nargs,
                  nargs);
        return false;
    }
    bool ok = true;
    for (int i = 0; i < nargs; i++) {
        const struct node *param = m->args[i], *arg = call->args[i];
        bool is_map = arg->kind == N_MAP && arg->nargs == 0;
        const char *got = arg->kind == N_VAR ? "a variable" : is_map ? "a map" : "an expression";
        if (param->kind == N_VAR && arg->kind != N_VAR) {
            sem_error(sem, arg->loc,
                      "Mismatched arg to macro call. Macro expects a variable for arg %s but "
                      "got %s.",
                      param->name, got);
            ok = false;
        } else if (param->kind == N_MAP && !is_map) {
            sem_error(sem, arg->loc,
                      "Mismatched arg to macro call. Macro expects a map for arg %s but got %s.",
                      param->name, got);
            ok = false;
        }
    }
    return ok;
}

static bool is_recursive(struct semantic *sem, const struct node *m, const struct node *call,
                         const struct expansion *in)
{
    const struct expansion *first = NULL;
    int depth = 0;
    for (const struct expansion *e = in; e; e = e->outer, depth++)
        if (e->macro == m)
            first = e;
    if (!first && depth < MAX_MACRO_DEPTH)
        return false;
    /* the chain from the first call of this macro, outermost first */
    const char *chain[MAX_MACRO_DEPTH + 1];
    int n = 0;
    for (const struct expansion *e = in; e && n < MAX_MACRO_DEPTH; e = e->outer) {
        chain[n++] = e->macro->name;
        if (e == first)
            break;
    }
    char buf[512];
    size_t used = 0;
    for (int i = n - 1; i >= 0 && used < sizeof(buf); i--)
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s > ", chain[i]);
    sem_error(sem, call->loc, "Recursive macro call detected. Call chain: %.400s%s", buf, m->name);
    return true;
}

/* The body of m for this call, as the caller's: a block (statements) or
 * a block expression (value last). NULL after an error. */
static struct node *expand_call(struct expander *x, const struct node *m, struct node *call,
                                const struct expansion *in, bool as_statement)
{
    struct semantic *sem = x->sem;
    if (is_recursive(sem, m, call, in) || !arguments_fit(sem, m, call))
        return NULL;
    int errors = sem->errors;
    struct expansion e = {.macro = m, .call = call, .outer = in};
    struct rewrite r = {.x = x, .e = &e};
    struct node *body = ast_clone(sem->ast, m->then);
    body->loc = call->loc;
    ast_for_each_child(body, rewrite_node, &r);
    expand_in(x, body, &e);
    if (sem->errors != errors)
        return NULL;
    struct node *last = body->nstmts ? body->stmts[body->nstmts - 1] : NULL;
    bool has_value = body->ends_with_value && last && last->kind == N_EXPR_STMT;
    if (as_statement)
        return body;
    if (!has_value) {
        sem_error(sem, call->loc,
                  "Macro '%s' expanded to a block instead of a block expression. Try removing "
                  "the semicolon from the end of the last statement in the macro body.",
                  m->name);
        return NULL;
    }
    struct node *value = ast_new_node(sem->ast, N_BLOCK_EXPR, call->loc);
    body->nstmts--;
    value->then = body;
    value->lhs = last->lhs;
    return value;
}

static const struct node *macro_called(const struct expander *x, const struct node *n)
{
    if (n->kind != N_CALL && n->kind != N_BUILTIN)
        return NULL;
    return find_macro(x, n->name);
}

struct walk {
    struct expander *x;
    const struct expansion *in;
};

static void expand_child(struct node *n, void *ctx)
{
    struct walk *w = ctx;
    expand_in(w->x, n, w->in);
}

/* Every macro call under n replaced by its expansion (in place). */
static void expand_in(struct expander *x, struct node *n, const struct expansion *in)
{
    struct walk w = {.x = x, .in = in};
    if (n->kind == N_BLOCK) {
        for (int i = 0; i < n->nstmts; i++) {
            struct node *s = n->stmts[i];
            const struct node *m = s->kind == N_EXPR_STMT ? macro_called(x, s->lhs) : NULL;
            if (!m) {
                expand_in(x, s, in);
                continue;
            }
            if (s->lhs->kind == N_CALL)
                for (int a = 0; a < s->lhs->nargs; a++)
                    expand_in(x, s->lhs->args[a], in);
            struct node *body = expand_call(x, m, s->lhs, in, true);
            if (body)
                *s = *body;
        }
        return;
    }
    ast_for_each_child(n, expand_child, &w);
    const struct node *m = macro_called(x, n);
    if (m) {
        struct node *value = expand_call(x, m, n, in, false);
        if (value)
            *n = *value;
    }
}

/* ---- definitions ---------------------------------------------------------- */

static bool check_definition(struct semantic *sem, const struct node *m)
{
    bool ok = true;
    for (int i = 0; i < m->nargs; i++) {
        const struct node *p = m->args[i];
        bool named = p->kind == N_VAR || p->kind == N_BUILTIN || (p->kind == N_MAP && !p->nargs);
        if (!named) {
            sem_error(sem, p->loc,
                      "Invalid macro parameter: expected a $variable, a @map or an identifier");
            ok = false;
            continue;
        }
        for (int j = 0; j < i; j++)
            if (m->args[j]->kind == p->kind && strcmp(m->args[j]->name, p->name) == 0) {
                sem_error(sem, p->loc, "%s for macro argument has already been used: %s",
                          p->kind == N_MAP ? "Map" : "Variable", p->name);
                ok = false;
            }
    }
    return ok;
}

void sem_expand_macros(struct semantic *sem)
{
    struct node *prog = sem->ast->root;
    struct expander x = {.sem = sem};
    for (int i = 0; i < prog->nargs; i++) {
        struct node *m = prog->args[i];
        if (m->kind != N_MACRO)
            continue;
        if (find_macro(&x, m->name)) {
            sem_error(sem, m->loc, "Redefinition of macro: %s", m->name);
            continue;
        }
        if (check_definition(sem, m))
            ast_push(sem->ast, &x.macros, &x.nmacros, m);
    }
    if (sem->errors)
        return;
    for (int i = 0; i < prog->nprobes; i++)
        expand_in(&x, prog->probes[i], NULL);
}
