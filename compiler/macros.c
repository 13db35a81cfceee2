/* The macro table, C tokens, and macro expansion (see macros.h).
 * Expression evaluation is in the second half of this file. */
#include "macros.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- name_map: open addressing, FNV-1a ---- */

static uint64_t hash_name(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static bool key_equals(const char *key, const char *s, size_t len)
{
    return strncmp(key, s, len) == 0 && key[len] == '\0';
}

void *name_map_get(const struct name_map *m, const char *key, size_t keylen)
{
    if (!m->cap)
        return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = hash_name(key, keylen) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i])
            return NULL;
        if (key_equals(m->keys[i], key, keylen))
            return m->values[i];
    }
}

static void name_map_grow(struct name_map *m)
{
    size_t old_cap = m->cap;
    const char **old_keys = m->keys;
    void **old_values = m->values;
    m->cap = old_cap ? old_cap * 2 : 64;
    m->keys = calloc(m->cap, sizeof(*m->keys));
    m->values = calloc(m->cap, sizeof(*m->values));
    m->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old_keys[i])
            name_map_put(m, old_keys[i], old_values[i]);
    free(old_keys);
    free(old_values);
}

void name_map_put(struct name_map *m, const char *key, void *value)
{
    if ((m->count + 1) * 2 > m->cap)
        name_map_grow(m);
    size_t len = strlen(key), mask = m->cap - 1;
    for (size_t i = hash_name(key, len) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i]) {
            m->keys[i] = key;
            m->values[i] = value;
            m->count++;
            return;
        }
        if (strcmp(m->keys[i], key) == 0) {
            m->values[i] = value;
            return;
        }
    }
}

void name_map_free(struct name_map *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof(*m));
}

/* ---- the table ---- */

struct header_enum {
    struct header_enum *next;
    int64_t value;
    char name[];
};

struct macro_table *macro_table_new(void)
{
    return calloc(1, sizeof(struct macro_table));
}

static void free_macro_contents(struct macro *m)
{
    free(m->body);
    for (int i = 0; i < m->nparams; i++)
        free(m->params[i]);
    free(m->params);
    m->body = NULL;
    m->params = NULL;
    m->nparams = 0;
}

void macro_table_free(struct macro_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->macros.cap; i++) {
        struct macro *m = t->macros.values[i];
        if (t->macros.keys[i] && m) {
            free_macro_contents(m);
            free(m->name);
            free(m);
        }
    }
    name_map_free(&t->macros);
    for (struct header_enum *e = t->enum_list, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    name_map_free(&t->enums);
    free(t);
}

const struct macro *macro_find(const struct macro_table *t, const char *name, size_t len)
{
    const struct macro *m = name_map_get(&t->macros, name, len);
    return m && m->defined ? m : NULL;
}

static bool is_ident_start(int c)
{
    return isalpha(c) || c == '_';
}

static bool is_ident_char(int c)
{
    return isalnum(c) || c == '_';
}

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
        p++;
    return p;
}

static char *trimmed_copy(const char *p)
{
    p = skip_blanks(p);
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    return strndup(p, n);
}

/* Parse "(a, b, ...)" starting after the '('. */
static const char *parse_params(const char **pp, char ***params_out, int *nparams_out,
                                bool *variadic)
{
    const char *p = *pp;
    char **params = NULL;
    int n = 0;
    const char *err = NULL;
    p = skip_blanks(p);
    if (*p == ')') {
        p++;
        goto done;
    }
    for (;;) {
        p = skip_blanks(p);
        char *param;
        if (strncmp(p, "...", 3) == 0) {
            param = strdup("__VA_ARGS__");
            *variadic = true;
            p += 3;
        } else if (is_ident_start((unsigned char)*p)) {
            const char *s = p;
            while (is_ident_char((unsigned char)*p))
                p++;
            param = strndup(s, p - s);
            p = skip_blanks(p);
            if (strncmp(p, "...", 3) == 0) { /* GNU named variadic parameter */
                *variadic = true;
                p += 3;
            }
        } else {
            err = "invalid macro parameter list";
            break;
        }
        params = realloc(params, (n + 1) * sizeof(*params));
        params[n++] = param;
        p = skip_blanks(p);
        if (*p == ')') {
            p++;
            break;
        }
        if (*p != ',' || *variadic) {
            err = "invalid macro parameter list";
            break;
        }
        p++;
    }
done:
    if (err) {
        for (int i = 0; i < n; i++)
            free(params[i]);
        free(params);
        return err;
    }
    *pp = p;
    *params_out = params;
    *nparams_out = n;
    return NULL;
}

const char *macro_define(struct macro_table *t, const char *text, enum macro_origin origin,
                         struct macro **defined)
{
    const char *p = skip_blanks(text);
    if (!*p || *p == '\n')
        return "macro name missing";
    if (!is_ident_start((unsigned char)*p))
        return "macro name must be an identifier";
    const char *name = p;
    while (is_ident_char((unsigned char)*p))
        p++;
    size_t name_len = p - name;
    if (name_len == 7 && strncmp(name, "defined", 7) == 0)
        return "'defined' cannot be used as a macro name";

    char **params = NULL;
    int nparams = 0;
    bool function_like = false, variadic = false;
    if (*p == '(') {
        function_like = true;
        p++;
        const char *err = parse_params(&p, &params, &nparams, &variadic);
        if (err)
            return err;
    }
    /* "#define X-1" lacks the whitespace C99 asks for; compilers only warn */

    struct macro *m = name_map_get(&t->macros, name, name_len);
    if (m) {
        free_macro_contents(m);
    } else {
        m = calloc(1, sizeof(*m));
        m->name = strndup(name, name_len);
        name_map_put(&t->macros, m->name, m);
    }
    m->body = trimmed_copy(p);
    m->params = params;
    m->nparams = nparams;
    m->function_like = function_like;
    m->variadic = variadic;
    m->defined = true;
    m->origin = origin;
    m->expand_in_script = origin == MACRO_SCRIPT || origin == MACRO_USER_HEADER;
    m->memo = 0;
    if (defined)
        *defined = m;
    return NULL;
}

void macro_define_simple(struct macro_table *t, const char *name, const char *body,
                         enum macro_origin origin)
{
    size_t n = strlen(name) + strlen(body) + 2;
    char *text = malloc(n);
    snprintf(text, n, "%s %s", name, body);
    macro_define(t, text, origin, NULL);
    free(text);
}

void macro_undef(struct macro_table *t, const char *name, size_t len)
{
    struct macro *m = name_map_get(&t->macros, name, len);
    if (m)
        m->defined = false;
}

void macros_add_enum(struct macro_table *t, const char *name, size_t len, int64_t value)
{
    struct header_enum *e = name_map_get(&t->enums, name, len);
    if (e) {
        e->value = value;
        return;
    }
    e = malloc(sizeof(*e) + len + 1);
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->value = value;
    e->next = t->enum_list;
    t->enum_list = e;
    name_map_put(&t->enums, e->name, e);
}

bool macros_enum_value(const struct macro_table *t, const char *name, size_t len, int64_t *value)
{
    const struct header_enum *e = name_map_get(&t->enums, name, len);
    if (e)
        *value = e->value;
    return e != NULL;
}

/* ---- tokens ---- */

static void tok_push(struct tok_list *l, struct tok t)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = t;
}

void tok_list_free(struct tok_list *l)
{
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static const char *const punct3[] = {"<<=", ">>=", "...", NULL};
static const char *const punct2[] = {
    "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "##", "->", "++",
    "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", NULL};

static int punct_length(const char *p, const char *end)
{
    for (int i = 0; punct3[i]; i++)
        if (end - p >= 3 && memcmp(p, punct3[i], 3) == 0)
            return 3;
    for (int i = 0; punct2[i]; i++)
        if (end - p >= 2 && memcmp(p, punct2[i], 2) == 0)
            return 2;
    return 1;
}

/* The end of a quoted literal starting at p (on the quote). */
static const char *quoted_end(const char *p, const char *end)
{
    char quote = *p++;
    while (p < end && *p != quote && *p != '\n') {
        if (*p == '\\' && p + 1 < end)
            p++;
        p++;
    }
    return p < end && *p == quote ? p + 1 : p;
}

void tokenize(const char *text, size_t len, struct tok_list *out, const char **stopped_at)
{
    const char *p = text, *end = text + len, *ws = text;
    bool space = false;
    while (p < end) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n') {
            p++;
            space = true;
            continue;
        }
        if (c == '/' && p + 1 < end && p[1] == '/')
            break;
        if (c == '/' && p + 1 < end && p[1] == '*') {
            const char *close = NULL;
            for (const char *q = p + 2; q + 1 < end; q++)
                if (q[0] == '*' && q[1] == '/') {
                    close = q;
                    break;
                }
            if (!close)
                break;
            p = close + 2;
            space = true;
            continue;
        }
        struct tok t = {.text = p, .ws = ws, .ws_len = (int)(p - ws), .space_before = space};
        if (is_ident_start((unsigned char)c)) {
            while (p < end && is_ident_char((unsigned char)*p))
                p++;
            t.kind = TK_IDENT;
        } else if (isdigit((unsigned char)c) ||
                   (c == '.' && p + 1 < end && isdigit((unsigned char)p[1]))) {
            /* a pp-number: digits, letters, '.', and signs after an exponent */
            p++;
            while (p < end) {
                if ((*p == '+' || *p == '-') && strchr("eEpP", p[-1]))
                    p++;
                else if (is_ident_char((unsigned char)*p) || *p == '.')
                    p++;
                else
                    break;
            }
            t.kind = TK_NUMBER;
        } else if (c == '"' || c == '\'') {
            p = quoted_end(p, end);
            t.kind = c == '"' ? TK_STRING : TK_CHAR;
        } else {
            p += punct_length(p, end);
            t.kind = TK_PUNCT;
        }
        t.len = (int)(p - t.text);
        t.origin = t.text;
        tok_push(out, t);
        ws = p;
        space = false;
    }
    if (stopped_at)
        *stopped_at = p < end ? p : end;
}

static bool tok_is(const struct tok *t, const char *s)
{
    return (int)strlen(s) == t->len && memcmp(t->text, s, t->len) == 0;
}

/* ---- expansion ---- */

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
        tok_push(res, copy);
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
            tok_push(res, s);
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
                        tok_push(res, in[i]);
                    continue;
                }
                paste(x, res, &in[a.start]);
                for (int i = a.start + 1; i < a.end; i++)
                    tok_push(res, in[i]);
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
                    tok_push(res, in[i]);
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
        tok_push(res, copy);
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
            tok_push(out, t);
            if (tok_is(&t, "("))
                depth++;
            else if (tok_is(&t, ")") && --depth == 0)
                break;
        }
    } else if (tok_is(op, "defined") && pending->n) {
        tok_push(out, pending->v[--pending->n]);
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
                tok_push(inv, pending->v[j]);
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
        tok_push(&pending, in_toks[i]);
    bool ok = true;
    while (pending.n && ok) {
        struct tok t = pending.v[--pending.n];
        if (t.kind != TK_IDENT) {
            tok_push(out, t);
            continue;
        }
        if (x->mode == EXPAND_IF && (tok_is(&t, "defined") || tok_is(&t, "__has_include") ||
                                     tok_is(&t, "__has_include_next"))) {
            tok_push(out, t);
            copy_unexpanded_operand(&t, &pending, out);
            continue;
        }
        const struct macro *m = macro_find(x->table, t.text, t.len);
        if (!expandable(x, m, &t, out)) {
            tok_push(out, t);
            continue;
        }
        struct tok_list inv = {0}; /* the invocation: name ( args ) */
        tok_push(&inv, t);
        struct arg *args = NULL;
        int nargs = 0;
        if (m->function_like) {
            if (!pending.n || !tok_is(&pending.v[pending.n - 1], "(")) {
                tok_push(out, t); /* a function-like name alone is no invocation */
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
            tok_push(&pending, res.v[k]);
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
