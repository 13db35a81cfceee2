/* Conditional directives: #if, #ifdef, #ifndef, #elif(def|ndef), #else,
 * #endif, the stack of open groups, and the #if expression. */
#include <stdlib.h>

#include "preprocess/pp_internal.h"

static bool has_include_hook(void *ctx, const char *name, bool angled, bool next)
{
    void **c = ctx;
    struct pp *pp = c[0];
    const struct pp_file *f = c[1];
    char path[4096];
    int dir_index;
    return include_find(pp->search, f->dir, f->dir_index, name, angled, next, path, sizeof(path),
                        &dir_index);
}

/* Evaluate the #if expression text. Returns 1, 0, or -1 after reporting. */
static int eval_condition(struct pp *pp, struct pp_file *f, const char *expr, size_t hash_pos)
{
    struct tok_list toks = {0}, expanded = {0};
    tokenize(expr, strlen(expr), &toks, NULL);
    struct expand_arena *arena = expand_arena_new();
    struct expand_error err;
    void *ctx[2] = {pp, f};
    struct eval_hooks hooks = {.has_include = has_include_hook, .ctx = ctx};
    int64_t v = 0;
    enum eval_status st = EVAL_SYNTAX;
    if (macro_expand(pp->macros, EXPAND_IF, &toks, &expanded, arena, &err))
        st = eval_tokens(pp->macros, &expanded, true, &hooks, &v);
    int result = st == EVAL_OK ? v != 0 : -1;
    if (st != EVAL_OK) {
        struct loc loc = directive_loc(f, hash_pos);
        if (st == EVAL_DIV_ZERO)
            file_error(pp, f, loc, "division by zero in preprocessor expression");
        else if (st == EVAL_UNDEFINED_CALL)
            file_error(pp, f, loc, "function-like macro is not defined in preprocessor expression");
        else if (toks.n == 0)
            file_error(pp, f, loc, "expected value in expression");
        else
            file_error(pp, f, loc, "invalid preprocessor expression");
    }
    expand_arena_free(arena);
    tok_list_free(&toks);
    tok_list_free(&expanded);
    return result;
}

static void push_cond(struct pp_file *f, bool take, bool evaluate, size_t hash_pos)
{
    if (f->nconds == f->cap_conds) {
        f->cap_conds = f->cap_conds ? f->cap_conds * 2 : 8;
        f->conds = realloc(f->conds, f->cap_conds * sizeof(*f->conds));
    }
    bool parent = pp_active(f);
    f->conds[f->nconds++] = (struct cond){
        .parent_active = parent,
        .active = parent && evaluate && take,
        /* in a skipped region no branch may be chosen */
        .taken = !parent || (evaluate && take),
        .hash_pos = hash_pos,
    };
}

void cond_ifdef(struct pp *pp, struct pp_file *f, const char *args, bool want_defined,
                bool first_in_file, size_t hash_pos)
{
    const char *p = args;
    size_t n = ident_at(&p);
    if (!pp_active(f)) {
        push_cond(f, false, false, hash_pos);
        return;
    }
    if (!n) {
        file_error(pp, f, directive_loc(f, hash_pos), "macro name missing");
        push_cond(f, false, true, hash_pos);
        return;
    }
    if (f->nconds == 0 && first_in_file && !want_defined) {
        f->guard = strndup(p, n);
        f->guard_possible = true;
    }
    bool is_defined = macro_find(pp->macros, p, n) != NULL;
    push_cond(f, is_defined == want_defined, true, hash_pos);
}

void cond_if(struct pp *pp, struct pp_file *f, const char *args, size_t hash_pos)
{
    if (!pp_active(f)) {
        push_cond(f, false, false, hash_pos);
        return;
    }
    int r = eval_condition(pp, f, args, hash_pos);
    push_cond(f, r > 0, true, hash_pos);
}

void cond_elif(struct pp *pp, struct pp_file *f, const char *name, const char *args,
               size_t hash_pos)
{
    if (f->nconds == 0) {
        file_error(pp, f, directive_loc(f, hash_pos), "#%s without #if", name);
        return;
    }
    struct cond *c = &f->conds[f->nconds - 1];
    if (c->seen_else) {
        file_error(pp, f, directive_loc(f, hash_pos), "#%s after #else", name);
        return;
    }
    if (f->nconds == 1)
        f->guard_possible = false;
    if (c->taken) {
        c->active = false;
        return;
    }
    bool take;
    if (strcmp(name, "elif") == 0) {
        take = eval_condition(pp, f, args, hash_pos) > 0;
    } else {
        const char *p = args;
        size_t n = ident_at(&p);
        take = n && (macro_find(pp->macros, p, n) != NULL) == (strcmp(name, "elifdef") == 0);
    }
    c->active = take;
    c->taken = take;
}

void cond_else(struct pp *pp, struct pp_file *f, size_t hash_pos)
{
    if (f->nconds == 0) {
        file_error(pp, f, directive_loc(f, hash_pos), "#else without #if");
        return;
    }
    struct cond *c = &f->conds[f->nconds - 1];
    if (c->seen_else) {
        file_error(pp, f, directive_loc(f, hash_pos), "#else after #else");
        return;
    }
    if (f->nconds == 1)
        f->guard_possible = false;
    c->seen_else = true;
    c->active = c->parent_active && !c->taken;
    c->taken = true;
}

void cond_endif(struct pp *pp, struct pp_file *f, size_t hash_pos)
{
    if (f->nconds == 0) {
        file_error(pp, f, directive_loc(f, hash_pos), "#endif without #if");
        return;
    }
    f->nconds--;
    if (f->nconds == 0) {
        if (f->guard_closed)
            f->guard_possible = false;
        f->guard_closed = true;
    }
}
