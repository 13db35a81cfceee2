/* AST memory: every node, string and array of a tree is recorded in the
 * tree's arena so that one ast_free releases it all, including after a
 * parse error half way through building it. */
#include "frontend/ast.h"

#include <stdlib.h>
#include <string.h>

/* Running out of memory while compiling a script is not something a user can
 * act on; stop cleanly rather than dereference NULL later. */
static void *checked(void *p)
{
    if (!p) {
        fputs("sobt: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void arena_record(struct ast *ast, void *p)
{
    if (ast->nallocs == ast->cap) {
        size_t cap = ast->cap ? ast->cap * 2 : 64;
        ast->allocs = checked(realloc(ast->allocs, cap * sizeof(*ast->allocs)));
        ast->cap = cap;
    }
    ast->allocs[ast->nallocs++] = p;
}

void *ast_alloc(struct ast *ast, size_t size)
{
    void *p = checked(calloc(1, size ? size : 1));
    arena_record(ast, p);
    return p;
}

struct node *ast_new_node(struct ast *ast, enum node_kind kind, struct loc loc)
{
    struct node *n = ast_alloc(ast, sizeof(*n));
    n->kind = kind;
    n->loc = loc;
    return n;
}

char *ast_strndup(struct ast *ast, const char *s, size_t n)
{
    char *copy = ast_alloc(ast, n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *ast_strdup(struct ast *ast, const char *s)
{
    return ast_strndup(ast, s, strlen(s));
}

/* Arrays grow by doubling from 4; the capacity is implied by the count, so
 * a new block is needed exactly when the count is 0 or a power of two >= 4.
 * The old block stays in the arena until the tree is freed. */
void ast_push(struct ast *ast, struct node ***arr, int *n, struct node *item)
{
    int count = *n;
    bool full = count == 0 || (count >= 4 && (count & (count - 1)) == 0);
    if (full) {
        size_t cap = count == 0 ? 4 : (size_t)count * 2;
        struct node **grown = ast_alloc(ast, cap * sizeof(*grown));
        if (count)
            memcpy(grown, *arr, (size_t)count * sizeof(*grown));
        *arr = grown;
    }
    (*arr)[count] = item;
    *n = count + 1;
}

void ast_free(struct ast *ast)
{
    if (!ast)
        return;
    for (size_t i = 0; i < ast->nallocs; i++)
        free(ast->allocs[i]);
    free(ast->allocs);
    free(ast);
}

const char *op_spelling(int op)
{
    switch (op) {
    case OP_NONE:
        return "";
    case OP_EQ:
        return "==";
    case OP_NE:
        return "!=";
    case OP_LE:
        return "<=";
    case OP_GE:
        return ">=";
    case OP_LAND:
        return "&&";
    case OP_LOR:
        return "||";
    case OP_SHL:
        return "<<";
    case OP_SHR:
        return ">>";
    case OP_INC:
        return "++";
    case OP_DEC:
        return "--";
    case '+':
        return "+";
    case '-':
        return "-";
    case '*':
        return "*";
    case '/':
        return "/";
    case '%':
        return "%";
    case '&':
        return "&";
    case '|':
        return "|";
    case '^':
        return "^";
    case '<':
        return "<";
    case '>':
        return ">";
    case '!':
        return "!";
    case '~':
        return "~";
    default:
        return "?";
    }
}

void ast_for_each_child(struct node *n, void (*fn)(struct node *child, void *ctx), void *ctx)
{
    struct node *single[] = {n->pred, n->cond, n->lhs, n->rhs, n->then, n->els};
    for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
        if (single[i])
            fn(single[i], ctx);
    for (int i = 0; i < n->nargs; i++)
        fn(n->args[i], ctx);
    for (int i = 0; i < n->nstmts; i++)
        fn(n->stmts[i], ctx);
}

static struct node **clone_list(struct ast *ast, struct node **items, int n, int *count)
{
    struct node **out = NULL;
    *count = 0;
    for (int i = 0; i < n; i++)
        ast_push(ast, &out, count, ast_clone(ast, items[i]));
    return out;
}

struct node *ast_clone(struct ast *ast, const struct node *n)
{
    if (!n)
        return NULL;
    struct node *c = ast_new_node(ast, n->kind, n->loc);
    *c = *n;
    c->lhs = ast_clone(ast, n->lhs);
    c->rhs = ast_clone(ast, n->rhs);
    c->cond = ast_clone(ast, n->cond);
    c->then = ast_clone(ast, n->then);
    c->els = ast_clone(ast, n->els);
    c->pred = ast_clone(ast, n->pred);
    c->args = clone_list(ast, n->args, n->nargs, &c->nargs);
    c->stmts = clone_list(ast, n->stmts, n->nstmts, &c->nstmts);
    c->attach = clone_list(ast, n->attach, n->nattach, &c->nattach);
    c->probes = clone_list(ast, n->probes, n->nprobes, &c->nprobes);
    c->config = ast_clone(ast, n->config);
    if (n->cast_type && n->cast_type->of) {
        /* typeof(expr) in a macro body: each expansion its own expression */
        struct type_name *tn = ast_alloc(ast, sizeof(*tn));
        *tn = *n->cast_type;
        tn->of = ast_clone(ast, n->cast_type->of);
        c->cast_type = tn;
    }
    return c;
}
