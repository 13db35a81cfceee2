/* Macro expansion with the standard rescanning rules and hide sets (see
 * macros.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preprocess/macros.h"

struct hideset {
    const char *name; /* a struct macro's name: compared by pointer */
    const struct hideset *next;
};

struct expand_arena {
    struct arena_block *blocks;
};

struct arena_block {
    struct arena_block *next;
    max_align_t data[];
};

struct expand_arena *expand_arena_new(void)
{
    return calloc(1, sizeof(struct expand_arena));
}

void expand_arena_free(struct expand_arena *a)
{
    if (!a)
        return;
    for (struct arena_block *b = a->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

static void *arena_alloc(struct expand_arena *a, size_t size)
{
    struct arena_block *b = malloc(sizeof(*b) + size);
    b->next = a->blocks;
    a->blocks = b;
    return b->data;
}

static bool hs_contains(const struct hideset *h, const char *name)
{
    for (; h; h = h->next)
        if (h->name == name)
            return true;
    return false;
}

static const struct hideset *hs_add(struct expand_arena *a, const struct hideset *h,
                                    const char *name)
{
    if (hs_contains(h, name))
        return h;
    struct hideset *n = arena_alloc(a, sizeof(*n));
    n->name = name;
    n->next = h;
    return n;
}

static const struct hideset *hs_union(struct expand_arena *a, const struct hideset *x,
                                      const struct hideset *y)
{
    for (; x; x = x->next)
        y = hs_add(a, y, x->name);
    return y;
}

/* Guards against runaway (exponential) expansions in hostile input. */
#define MAX_EXPANSIONS 20000

struct expander {
    const struct macro_table *table;
    enum expand_mode mode;
    struct expand_arena *arena;
    struct expand_error *err;
    int expansions;
    int depth; /* arguments being expanded inside arguments */
};

/* Nested argument expansion deeper than this is hostile input. */
#define MAX_ARG_NESTING 200

static bool expand_list(struct expander *x, const struct tok *in, int n, struct tok_list *out);

static int param_index(const struct macro *m, const struct tok *t)
{
    if (t->kind != TK_IDENT)
        return -1;
    for (int i = 0; i < m->nparams; i++)
        if (tok_is(t, m->params[i]))
            return i;
    return -1;
}

struct arg {
    int start, end; /* token indexes in the input, [start, end) */
};

/* Collect the arguments of an invocation whose '(' is in[open]. Returns the
 * index of the closing ')', or -1 when it is missing. */
static int collect_args(const struct macro *m, const struct tok *in, int n, int open,
                        struct arg **args_out, int *nargs_out)
{
    struct arg *args = NULL;
    int nargs = 0, depth = 0, start = open + 1;
    for (int i = open; i < n; i++) {
        const struct tok *t = &in[i];
        if (t->kind != TK_PUNCT || t->len != 1)
            continue;
        if (*t->text == '(') {
            depth++;
        } else if (*t->text == ')' && --depth == 0) {
            args = realloc(args, (nargs + 1) * sizeof(*args));
            args[nargs++] = (struct arg){start, i};
            *args_out = args;
            *nargs_out = nargs;
            return i;
        } else if (*t->text == ',' && depth == 1 && !(m->variadic && nargs == m->nparams - 1)) {
            args = realloc(args, (nargs + 1) * sizeof(*args));
            args[nargs++] = (struct arg){start, i};
            start = i + 1;
        }
    }
    free(args);
    return -1;
}

static struct tok *arena_tok_text(struct expander *x, struct tok *t, const char *text, int len)
{
    char *s = arena_alloc(x->arena, len + 1);
    memcpy(s, text, len);
    s[len] = '\0';
    t->text = s;
    t->len = len;
    return t;
}

/* #param: the argument's spelling as a string literal. */
static struct tok stringify(struct expander *x, const struct tok *in, struct arg a)
{
    size_t cap = 3;
    for (int i = a.start; i < a.end; i++)
        cap += 2 * in[i].len + 1;
    char *s = malloc(cap), *p = s;
    *p++ = '"';
    for (int i = a.start; i < a.end; i++) {
        if (i > a.start && in[i].space_before)
            *p++ = ' ';
        for (int k = 0; k < in[i].len; k++) {
            char c = in[i].text[k];
            if ((in[i].kind == TK_STRING || in[i].kind == TK_CHAR) && (c == '"' || c == '\\'))
                *p++ = '\\';
            *p++ = c;
        }
    }
    *p++ = '"';
    struct tok t = {.kind = TK_STRING, .origin = in[a.start < a.end ? a.start : 0].origin};
    arena_tok_text(x, &t, s, (int)(p - s));
    free(s);
    return t;
}

/* a ## b: re-read the joined spelling; if it is not one token, keep both. */
static void paste(struct expander *x, struct tok_list *res, const struct tok *next)
{
    struct tok *last = &res->v[res->n - 1];
    int len = last->len + next->len;
    char *joined = malloc(len + 1);
    memcpy(joined, last->text, last->len);
    memcpy(joined + last->len, next->text, next->len);
    joined[len] = '\0';
    struct tok_list one = {0};
    tokenize(joined, len, &one, NULL);
    if (one.n == 1) {
        last->kind = one.v[0].kind;
        arena_tok_text(x, last, joined, len);
    } else {
        struct tok copy = *next;
        copy.space_before = false;
        tok_list_push(res, copy);
    }
    tok_list_free(&one);
    free(joined);
}

static bool expansion_error(struct expander *x, const char *at, const char *message)
{
    if (x->err && !x->err->message) {
        x->err->message = message;
        x->err->at = at;
    }
    return false;
}

/* Substitute the arguments into the body of m. */
static bool substitute(struct expander *x, const struct macro *m, const struct tok *in,
                       const struct arg *args, struct tok_list *res)
{
    struct tok_list body = {0};
    tokenize(m->body, strlen(m->body), &body, NULL);
    bool ok = true;
    for (int k = 0; k < body.n && ok; k++) {
        const struct tok *b = &body.v[k];
        int p;
        if (m->function_like && tok_is(b, "#") && k + 1 < body.n &&
            (p = param_index(m, &body.v[k + 1])) >= 0) {
            struct tok s = stringify(x, in, args[p]);
            s.space_before = b->space_before;
            tok_list_push(res, s);
            k++;
            continue;
        }
        if (tok_is(b, "##") && res->n > 0 && k + 1 < body.n) {
            const struct tok *next = &body.v[++k];
            if ((p = param_index(m, next)) >= 0) {
                struct arg a = args[p];
                bool is_va = m->variadic && p == m->nparams - 1;
                if (a.start == a.end) {
                    /* GNU: ", ## __VA_ARGS__" drops the comma when empty */
                    if (is_va && tok_is(&res->v[res->n - 1], ","))
                        res->n--;
                    continue;
                }
                if (is_va && tok_is(&res->v[res->n - 1], ",")) {
                    for (int i = a.start; i < a.end; i++)
                        tok_list_push(res, in[i]);
                    continue;
                }
                paste(x, res, &in[a.start]);
                for (int i = a.start + 1; i < a.end; i++)
                    tok_list_push(res, in[i]);
            } else {
                paste(x, res, next);
            }
            continue;
        }
        if ((p = param_index(m, b)) >= 0) {
            struct arg a = args[p];
            int first = res->n;
            if (k + 1 < body.n && tok_is(&body.v[k + 1], "##")) {
                for (int i = a.start; i < a.end; i++)
                    tok_list_push(res, in[i]);
            } else if (x->depth >= MAX_ARG_NESTING) {
                ok = expansion_error(x, NULL, "macro arguments nested too deeply");
            } else {
                x->depth++;
                ok = expand_list(x, in + a.start, a.end - a.start, res);
                x->depth--;
            }
            if (res->n > first) {
                res->v[first].space_before = b->space_before;
                res->v[first].ws = NULL;
                res->v[first].ws_len = 0;
            }
            continue;
        }
        struct tok copy = *b;
        copy.origin = NULL;
        tok_list_push(res, copy);
    }
    tok_list_free(&body);
    return ok;
}

/* After "defined" or "__has_include" (already copied), copy its operand
 * unexpanded: "X", "(X)" or a parenthesized group. */
static void copy_unexpanded_operand(const struct tok *op, struct tok_list *pending,
                                    struct tok_list *out)
{
    if (pending->n && tok_is(&pending->v[pending->n - 1], "(")) {
        int depth = 0;
        while (pending->n) {
            struct tok t = pending->v[--pending->n];
            tok_list_push(out, t);
            if (tok_is(&t, "("))
                depth++;
            else if (tok_is(&t, ")") && --depth == 0)
                break;
        }
    } else if (tok_is(op, "defined") && pending->n) {
        tok_list_push(out, pending->v[--pending->n]);
    }
}

static bool expandable(const struct expander *x, const struct macro *m, const struct tok *t,
                       const struct tok_list *out)
{
    if (!m || hs_contains(t->hide, m->name))
        return false;
    if (x->mode != EXPAND_SCRIPT)
        return true;
    if (!m->expand_in_script)
        return false;
    /* @name and $name are bpftrace map and variable names, not macro uses */
    if (out->n && !t->space_before) {
        const struct tok *prev = &out->v[out->n - 1];
        if (tok_is(prev, "@") || tok_is(prev, "$"))
            return false;
    }
    return true;
}

/* Move an invocation's parenthesized arguments, from '(' to its matching
 * ')', from the top of the pending stack into inv. False when the ')' is
 * missing (pending is then unchanged). */
static bool take_invocation(struct tok_list *pending, struct tok_list *inv)
{
    int depth = 0;
    for (int k = pending->n - 1; k >= 0; k--) {
        const struct tok *t = &pending->v[k];
        if (tok_is(t, "(")) {
            depth++;
        } else if (tok_is(t, ")") && --depth == 0) {
            for (int j = pending->n - 1; j >= k; j--)
                tok_list_push(inv, pending->v[j]);
            pending->n = k;
            return true;
        }
    }
    return false;
}

static bool expand_list(struct expander *x, const struct tok *in_toks, int n, struct tok_list *out)
{
    /* pending holds what is still to be scanned, in reverse (the next token
     * last): an expansion replaces its invocation there, so the result is
     * rescanned together with what follows, at the cost of its own size */
    struct tok_list pending = {0};
    for (int i = n - 1; i >= 0; i--)
        tok_list_push(&pending, in_toks[i]);
    bool ok = true;
    while (pending.n && ok) {
        struct tok t = pending.v[--pending.n];
        if (t.kind != TK_IDENT) {
            tok_list_push(out, t);
            continue;
        }
        if (x->mode == EXPAND_IF && (tok_is(&t, "defined") || tok_is(&t, "__has_include") ||
                                     tok_is(&t, "__has_include_next"))) {
            tok_list_push(out, t);
            copy_unexpanded_operand(&t, &pending, out);
            continue;
        }
        const struct macro *m = macro_find(x->table, t.text, t.len);
        if (!expandable(x, m, &t, out)) {
            tok_list_push(out, t);
            continue;
        }
        struct tok_list inv = {0}; /* the invocation: name ( args ) */
        tok_list_push(&inv, t);
        struct arg *args = NULL;
        int nargs = 0;
        if (m->function_like) {
            if (!pending.n || !tok_is(&pending.v[pending.n - 1], "(")) {
                tok_list_push(out, t); /* a function-like name alone is no invocation */
                tok_list_free(&inv);
                continue;
            }
            if (!take_invocation(&pending, &inv)) {
                tok_list_free(&inv);
                ok = expansion_error(x, t.origin, "unterminated function-like macro invocation");
                break;
            }
            int last = collect_args(m, inv.v, inv.n, 1, &args, &nargs);
            /* "f()" passes one empty argument: right for one parameter, none for zero */
            if (m->nparams == 0 && nargs == 1 && args[0].start == args[0].end)
                nargs = 0;
            if (m->variadic && nargs == m->nparams - 1) {
                args = realloc(args, (nargs + 1) * sizeof(*args));
                args[nargs] = (struct arg){last, last};
                nargs++;
            }
            if (nargs != m->nparams) {
                free(args);
                tok_list_free(&inv);
                ok = expansion_error(x, t.origin,
                                     nargs > m->nparams
                                         ? "too many arguments provided to function-like macro "
                                           "invocation"
                                         : "too few arguments provided to function-like macro "
                                           "invocation");
                break;
            }
        }
        if (++x->expansions > MAX_EXPANSIONS) {
            free(args);
            tok_list_free(&inv);
            ok = expansion_error(x, t.origin, "macro expansion too large");
            break;
        }
        struct tok_list res = {0};
        ok = substitute(x, m, inv.v, args, &res);
        free(args);
        tok_list_free(&inv);
        const struct hideset *hide = hs_add(x->arena, t.hide, m->name);
        for (int k = 0; k < res.n; k++) {
            res.v[k].hide = hs_union(x->arena, hide, res.v[k].hide);
            if (!res.v[k].origin)
                res.v[k].origin = t.origin; /* errors inside point at the macro use */
        }
        if (res.n) {
            res.v[0].space_before = t.space_before;
            res.v[0].ws = t.ws;
            res.v[0].ws_len = t.ws_len;
        } else if (pending.n && t.space_before) {
            pending.v[pending.n - 1].space_before = true;
        }
        for (int k = res.n - 1; k >= 0; k--)
            tok_list_push(&pending, res.v[k]);
        tok_list_free(&res);
    }
    tok_list_free(&pending);
    return ok;
}

bool macro_expand(const struct macro_table *t, enum expand_mode mode, const struct tok_list *in,
                  struct tok_list *out, struct expand_arena *arena, struct expand_error *err)
{
    struct expander x = {.table = t, .mode = mode, .arena = arena, .err = err};
    if (err)
        memset(err, 0, sizeof(*err));
    return expand_list(&x, in->v, in->n, out);
}
