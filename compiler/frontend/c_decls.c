/* The script's C type definitions (see c_decls.h): a tokenizer and a
 * recursive-descent parser for the part of C declarations that describes
 * types. Enumerator values are integer constant expressions over literals
 * and enumerators defined before them. */
#include "frontend/c_decls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

enum tok_kind { T_END, T_IDENT, T_INT, T_PUNCT };

struct ctok {
    enum tok_kind kind;
    const char *s;
    size_t len;
    uint64_t ival;
    struct loc loc;
};

struct cparser {
    struct ast *ast;
    const struct source *src;
    struct c_defs *out;
    struct ctok *toks;
    int ntoks, cap, pos;
    bool failed;
    int depth; /* struct and union bodies open */
    const struct c_enum *cur_enum; /* the enum being read: its enumerators so far */
};

/* Arrays of the definitions live in the ast's arena: a grown array is a
 * new allocation there (the old one is freed with the ast). */
static void *grow(struct ast *ast, void *p, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return p;
    int ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    void *np = ast_alloc(ast, (size_t)ncap * size);
    if (p && *cap)
        memcpy(np, p, (size_t)*cap * size);
    *cap = ncap;
    return np;
}

/* Report the first error only, and say that parsing failed. */
#define fail(p, loc, ...)                                                                          \
    ((p)->failed ? false : (diag_error((p)->src, (loc), __VA_ARGS__), (p)->failed = true, false))

/* ---- tokens ---- */

static bool is_ident_char(char c, bool first)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (!first && c >= '0' && c <= '9');
}

static bool read_int(const char *s, size_t len, uint64_t *out)
{
    size_t i = 0;
    unsigned base = 10;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (len > 1 && s[0] == '0') {
        base = 8;
        i = 1;
    }
    uint64_t v = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c == 'u' || c == 'U' || c == 'l' || c == 'L')
            break;
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 99;
        if (d >= base || v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    for (; i < len; i++)
        if (!strchr("uUlL", s[i]))
            return false;
    *out = v;
    return true;
}

static bool tokenize(struct cparser *p, const char *text, size_t len, struct loc start)
{
    int line = start.line, col = start.col;
    size_t i = 0;
    while (i < len) {
        char c = text[i];
        if (c == '\n') {
            line++, col = 1, i++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            col++, i++;
            continue;
        }
        if (c == '/' && i + 1 < len && text[i + 1] == '/') {
            while (i < len && text[i] != '\n')
                i++, col++;
            continue;
        }
        if (c == '/' && i + 1 < len && text[i + 1] == '*') {
            i += 2, col += 2;
            while (i < len && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/')) {
                if (text[i] == '\n')
                    line++, col = 0;
                i++, col++;
            }
            i += 2, col += 2;
            continue;
        }
        size_t n = 1;
        enum tok_kind kind = T_PUNCT;
        if (is_ident_char(c, true)) {
            while (i + n < len && is_ident_char(text[i + n], false))
                n++;
            kind = T_IDENT;
        } else if (c >= '0' && c <= '9') {
            while (i + n < len && is_ident_char(text[i + n], false))
                n++;
            kind = T_INT;
        } else if ((c == '<' || c == '>') && i + 1 < len && text[i + 1] == c) {
            n = 2;
        }
        p->toks = grow(p->ast, p->toks, &p->cap, p->ntoks + 2, sizeof(*p->toks));
        struct ctok *t = &p->toks[p->ntoks++];
        *t = (struct ctok){kind, text + i, n, 0, {line, col, col + (int)n}};
        if (kind == T_INT && !read_int(t->s, n, &t->ival))
            return fail(p, t->loc, "invalid integer '%.*s'", (int)n, t->s);
        i += n, col += (int)n;
    }
    p->toks = grow(p->ast, p->toks, &p->cap, p->ntoks + 1, sizeof(*p->toks));
    p->toks[p->ntoks] = (struct ctok){T_END, "", 0, 0, {line, col, col + 1}};
    return true;
}

static const struct ctok *peek(struct cparser *p)
{
    return &p->toks[p->pos];
}

static bool is(const struct ctok *t, const char *s)
{
    return t->kind != T_END && t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

static bool accept(struct cparser *p, const char *s)
{
    if (!is(peek(p), s))
        return false;
    p->pos++;
    return true;
}

static bool expect(struct cparser *p, const char *s)
{
    if (accept(p, s))
        return true;
    const struct ctok *t = peek(p);
    if (t->kind == T_END)
        return fail(p, t->loc, "syntax error in type definition: expected '%s'", s);
    return fail(p, t->loc, "syntax error in type definition: expected '%s', found '%.*s'", s,
                (int)t->len, t->s);
}

static char *tok_text(struct cparser *p, const struct ctok *t)
{
    return ast_strndup(p->ast, t->s, t->len);
}

/* ---- definitions ---- */

static void add_def(struct cparser *p, struct c_def d)
{
    struct c_defs *o = p->out;
    o->items = grow(p->ast, o->items, &o->cap, o->n + 1, sizeof(*o->items));
    o->items[o->n++] = d;
}

static bool is_qualifier(const struct ctok *t)
{
    return is(t, "const") || is(t, "volatile") || is(t, "restrict") || is(t, "__restrict") ||
           is(t, "static") || is(t, "extern") || is(t, "__extension__");
}

/* __attribute__((...)): skipped with its parentheses. */
static bool skip_attributes(struct cparser *p)
{
    while (is(peek(p), "__attribute__") || is(peek(p), "__attribute")) {
        p->pos++;
        if (!expect(p, "("))
            return false;
        for (int depth = 1; depth > 0; p->pos++) {
            if (peek(p)->kind == T_END)
                return fail(p, peek(p)->loc, "unterminated __attribute__");
            depth += is(peek(p), "(") - is(peek(p), ")");
        }
    }
    return true;
}

static bool skip_qualifiers(struct cparser *p)
{
    for (;;) {
        if (is_qualifier(peek(p)))
            p->pos++;
        else if (is(peek(p), "__attribute__") || is(peek(p), "__attribute")) {
            if (!skip_attributes(p))
                return false;
        } else
            return true;
    }
}

static bool is_int_word(const struct ctok *t)
{
    static const char *const words[] = {"signed", "unsigned", "char", "short", "int",
                                        "long",   "void",     "bool", "_Bool"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (is(t, words[i]))
            return true;
    return false;
}

static bool parse_record_body(struct cparser *p, struct c_record *r);
static bool parse_enum_body(struct cparser *p, struct c_enum *e);

/* The specifier part: struct/union/enum (maybe defined here), integer
 * words, or a typedef name. */
static bool parse_specifier(struct cparser *p, struct c_type *t)
{
    memset(t, 0, sizeof(*t));
    if (!skip_qualifiers(p))
        return false;
    const struct ctok *first = peek(p);
    t->loc = first->loc;
    if (is(first, "struct") || is(first, "union") || is(first, "enum")) {
        t->tag = is(first, "struct") ? C_TAG_STRUCT : is(first, "union") ? C_TAG_UNION : C_TAG_ENUM;
        p->pos++;
        if (!skip_attributes(p))
            return false;
        if (peek(p)->kind == T_IDENT) {
            t->name = tok_text(p, peek(p));
            t->loc.end_col = peek(p)->loc.end_col;
            p->pos++;
        }
        if (is(peek(p), "{")) {
            if (t->tag == C_TAG_ENUM) {
                t->enum_body = ast_alloc(p->ast, sizeof(*t->enum_body));
                t->enum_body->name = t->name;
                t->enum_body->loc = t->loc;
                if (!parse_enum_body(p, t->enum_body))
                    return false;
            } else {
                t->body = ast_alloc(p->ast, sizeof(*t->body));
                t->body->tag = t->tag;
                t->body->name = t->name;
                t->body->loc = t->loc;
                if (!parse_record_body(p, t->body))
                    return false;
            }
        } else if (!t->name) {
            return fail(p, peek(p)->loc, "syntax error in type definition: expected a name or '{'");
        }
        return skip_qualifiers(p);
    }
    if (is_int_word(first)) {
        char words[128] = "";
        while (is_int_word(peek(p)) || is_qualifier(peek(p))) {
            if (!is_qualifier(peek(p)) && strlen(words) + peek(p)->len + 2 < sizeof(words)) {
                if (*words)
                    strcat(words, " ");
                strncat(words, peek(p)->s, peek(p)->len);
            }
            t->loc.end_col = peek(p)->loc.end_col;
            p->pos++;
        }
        t->name = ast_strdup(p->ast, words);
        return skip_qualifiers(p);
    }
    if (first->kind == T_IDENT) {
        t->name = tok_text(p, first);
        p->pos++;
        return skip_qualifiers(p);
    }
    if (first->kind == T_END)
        return fail(p, first->loc, "syntax error in type definition: expected a type");
    return fail(p, first->loc, "syntax error in type definition: expected a type, found '%.*s'",
                (int)first->len, first->s);
}

/* A constant expression: array bounds, bitfield widths, enumerator values. */
static bool parse_const(struct cparser *p, int64_t *v, bool *is_unsigned, int prec);

static bool parse_const_primary(struct cparser *p, int64_t *v, bool *is_unsigned)
{
    const struct ctok *t = peek(p);
    *is_unsigned = false;
    if (t->kind == T_INT) {
        p->pos++;
        *v = (int64_t)t->ival;
        *is_unsigned = t->ival > INT64_MAX;
        return true;
    }
    if (t->kind == T_IDENT) {
        char *name = tok_text(p, t);
        const struct c_enumerator *e = c_decls_enumerator(p->out, name);
        for (int i = 0; !e && p->cur_enum && i < p->cur_enum->n; i++)
            if (strcmp(p->cur_enum->items[i].name, name) == 0)
                e = &p->cur_enum->items[i];
        if (!e)
            return fail(p, t->loc, "unknown name in a constant expression: '%s'", name);
        p->pos++;
        *v = e->value;
        *is_unsigned = e->is_unsigned;
        return true;
    }
    if (accept(p, "(")) {
        return parse_const(p, v, is_unsigned, 0) && expect(p, ")");
    }
    char op = t->kind == T_PUNCT && t->len == 1 ? t->s[0] : 0;
    if (op == '-' || op == '~' || op == '+' || op == '!') {
        p->pos++;
        if (!parse_const_primary(p, v, is_unsigned))
            return false;
        if (op == '-')
            *v = (int64_t)(0 - (uint64_t)*v), *is_unsigned = false;
        else if (op == '~')
            *v = ~*v;
        else if (op == '!')
            *v = !*v, *is_unsigned = false;
        return true;
    }
    return fail(p, t->loc, "syntax error in type definition: expected a constant");
}

static int binary_prec(const struct ctok *t)
{
    static const struct {
        const char *op;
        int prec;
    } ops[] = {{"|", 1}, {"^", 2}, {"&", 3}, {"<<", 4}, {">>", 4},
               {"+", 5}, {"-", 5}, {"*", 6}, {"/", 6},  {"%", 6}};
    for (size_t i = 0; t->kind == T_PUNCT && i < sizeof(ops) / sizeof(ops[0]); i++)
        if (is(t, ops[i].op))
            return ops[i].prec;
    return 0;
}

static bool parse_const(struct cparser *p, int64_t *v, bool *is_unsigned, int min_prec)
{
    if (!parse_const_primary(p, v, is_unsigned))
        return false;
    for (;;) {
        const struct ctok *t = peek(p);
        int prec = binary_prec(t);
        if (prec == 0 || prec <= min_prec)
            return true;
        p->pos++;
        int64_t r;
        bool r_unsigned;
        if (!parse_const(p, &r, &r_unsigned, prec))
            return false;
        uint64_t a = (uint64_t)*v, b = (uint64_t)r;
        bool overflow = false;
        switch (t->s[0]) {
        case '|':
            *v = (int64_t)(a | b);
            break;
        case '^':
            *v = (int64_t)(a ^ b);
            break;
        case '&':
            *v = (int64_t)(a & b);
            break;
        case '+':
            overflow = __builtin_add_overflow(*v, r, v);
            break;
        case '-':
            overflow = __builtin_sub_overflow(*v, r, v);
            break;
        case '*':
            overflow = __builtin_mul_overflow(*v, r, v);
            break;
        case '<':
            if (b > 63)
                return fail(p, t->loc, "shift count %llu is too large", (unsigned long long)b);
            *v = (int64_t)(a << b);
            break;
        case '>':
            if (b > 63)
                return fail(p, t->loc, "shift count %llu is too large", (unsigned long long)b);
            *v = *is_unsigned ? (int64_t)(a >> b) : *v >> b;
            break;
        default: /* '/' and '%' */
            if (r == 0)
                return fail(p, t->loc, "division by zero in a constant expression");
            if (*v == INT64_MIN && r == -1)
                overflow = true;
            else
                *v = t->s[0] == '/' ? *v / r : *v % r;
            break;
        }
        if (overflow && !*is_unsigned && !r_unsigned)
            return fail(p, t->loc, "overflow in a constant expression");
        *is_unsigned = *is_unsigned || r_unsigned;
    }
}

/* '*'s, a name (or `(*name)(...)`), then `[N]`s and `: bits`. */
static bool parse_declarator(struct cparser *p, struct c_type *t, const char **name,
                             struct loc *name_loc, int *bits, bool named)
{
    while (accept(p, "*"))
        if (t->pointers++, !skip_qualifiers(p))
            return false;
    *name = NULL;
    *name_loc = peek(p)->loc;
    if (is(peek(p), "(") && is(&p->toks[p->pos + 1], "*")) {
        /* a function pointer: its signature does not matter here */
        p->pos += 2;
        t->pointers++;
        t->func_ptr = true;
        if (peek(p)->kind == T_IDENT) {
            *name_loc = peek(p)->loc;
            *name = tok_text(p, peek(p));
            p->pos++;
        }
        if (!expect(p, ")") || !expect(p, "("))
            return false;
        for (int depth = 1; depth > 0; p->pos++) {
            if (peek(p)->kind == T_END)
                return expect(p, ")");
            depth += is(peek(p), "(") - is(peek(p), ")");
        }
    } else if (peek(p)->kind == T_IDENT) {
        *name = tok_text(p, peek(p));
        p->pos++;
    } else if (named && !(bits && is(peek(p), ":"))) {
        return fail(p, peek(p)->loc, "syntax error in type definition: expected a name");
    }
    while (accept(p, "[")) {
        const struct ctok *at = peek(p);
        if (t->ndims == C_MAX_DIMS)
            return fail(p, at->loc, "too many array dimensions");
        int64_t n = 0;
        bool u;
        if (!is(at, "]") && !parse_const(p, &n, &u, 0))
            return false;
        if (n < 0 && !u)
            return fail(p, at->loc, "array size is negative");
        t->dims[t->ndims++] = (uint64_t)n;
        if (!expect(p, "]"))
            return false;
    }
    if (bits) {
        *bits = -1;
        if (accept(p, ":")) {
            const struct ctok *at = peek(p);
            int64_t w;
            bool u;
            if (!parse_const(p, &w, &u, 0))
                return false;
            if (w < 0 || w > 64)
                return fail(p, at->loc, "invalid bitfield width %lld", (long long)w);
            *bits = (int)w;
        }
    }
    return skip_attributes(p);
}

/* The deepest nesting of struct and union bodies accepted (beyond it the
 * parser's recursion would exhaust the stack). */
#define MAX_NESTING 64

static bool parse_record_body(struct cparser *p, struct c_record *r)
{
    if (p->depth >= MAX_NESTING)
        return fail(p, peek(p)->loc, "type definition is nested too deeply");
    if (!expect(p, "{"))
        return false;
    p->depth++;
    int cap = 0;
    while (!accept(p, "}")) {
        struct c_type spec;
        if (!parse_specifier(p, &spec))
            return false;
        if (accept(p, ";")) {
            /* struct { ... }; inside a struct: an anonymous member */
            if (!spec.body || spec.name) {
                if (spec.tag == C_TAG_ENUM && spec.enum_body)
                    continue;
                return fail(p, spec.loc, "declaration does not declare a member");
            }
            r->members = grow(p->ast, r->members, &cap, r->nmembers + 1, sizeof(*r->members));
            r->members[r->nmembers++] = (struct c_member){NULL, spec, -1, spec.loc};
            continue;
        }
        do {
            struct c_member m = {.type = spec};
            if (!parse_declarator(p, &m.type, &m.name, &m.loc, &m.bits, true))
                return false;
            if (m.name && m.bits == 0)
                return fail(p, m.loc, "bitfield '%s' has zero width", m.name);
            r->members = grow(p->ast, r->members, &cap, r->nmembers + 1, sizeof(*r->members));
            r->members[r->nmembers++] = m;
        } while (accept(p, ","));
        if (!expect(p, ";"))
            return false;
    }
    p->depth--;
    add_def(p, (struct c_def){.kind = C_DEF_RECORD, .record = r, .loc = r->loc});
    return true;
}

static bool parse_enum_body(struct cparser *p, struct c_enum *e)
{
    if (!expect(p, "{"))
        return false;
    int cap = 0;
    int64_t next = 0;
    bool next_unsigned = false, next_overflows = false;
    p->cur_enum = e;
    while (!accept(p, "}")) {
        const struct ctok *t = peek(p);
        if (t->kind != T_IDENT)
            return fail(p, t->loc, "syntax error in type definition: expected an enumerator");
        p->pos++;
        struct c_enumerator en = {tok_text(p, t), next, next_unsigned, t->loc};
        if (c_decls_enumerator(p->out, en.name))
            return fail(p, t->loc, "redefinition of enumerator '%s'", en.name);
        for (int i = 0; i < e->n; i++)
            if (strcmp(e->items[i].name, en.name) == 0)
                return fail(p, t->loc, "redefinition of enumerator '%s'", en.name);
        if (accept(p, "=")) {
            if (!parse_const(p, &en.value, &en.is_unsigned, 0))
                return false;
        } else if (next_overflows) {
            return fail(p, t->loc, "enumerator value for '%s' is not representable in 64 bits",
                        en.name);
        }
        e->items = grow(p->ast, e->items, &cap, e->n + 1, sizeof(*e->items));
        e->items[e->n++] = en;
        /* the enumerator after it is one more, if that still fits */
        next_unsigned = en.is_unsigned;
        if (en.is_unsigned)
            next_overflows = (uint64_t)en.value == UINT64_MAX;
        else if (en.value == INT64_MAX)
            next_unsigned = true, next_overflows = false;
        else
            next_overflows = false;
        next = (int64_t)((uint64_t)en.value + 1);
        if (!accept(p, ",") && !is(peek(p), "}"))
            return expect(p, "}");
    }
    p->cur_enum = NULL;
    add_def(p, (struct c_def){.kind = C_DEF_ENUM, .en = e, .loc = e->loc});
    return true;
}

static bool parse_typedef(struct cparser *p)
{
    struct c_type spec;
    if (!parse_specifier(p, &spec))
        return false;
    do {
        struct c_def d = {.kind = C_DEF_TYPEDEF, .type = spec};
        if (!parse_declarator(p, &d.type, &d.name, &d.loc, NULL, true))
            return false;
        add_def(p, d);
    } while (accept(p, ","));
    return expect(p, ";");
}

bool c_decls_parse(struct ast *ast, const struct source *src, const char *text, size_t len,
                   struct loc start, struct c_defs *out)
{
    struct cparser p = {.ast = ast, .src = src, .out = out};
    bool ok = tokenize(&p, text, len, start);
    if (ok && accept(&p, "typedef")) {
        ok = parse_typedef(&p);
    } else if (ok) {
        struct c_type spec;
        ok = parse_specifier(&p, &spec);
        if (ok && !spec.body && !spec.enum_body)
            ok = fail(&p, spec.loc, "syntax error in type definition: expected '{'");
        accept(&p, ";");
    }
    if (ok && peek(&p)->kind != T_END)
        ok = fail(&p, peek(&p)->loc, "syntax error in type definition: unexpected '%.*s'",
                  (int)peek(&p)->len, peek(&p)->s);
    return ok;
}

bool c_decls_is_typedef(const struct c_defs *defs, const char *name, size_t len)
{
    for (int i = 0; defs && i < defs->n; i++) {
        const struct c_def *d = &defs->items[i];
        if (d->kind == C_DEF_TYPEDEF && d->name && strlen(d->name) == len &&
            memcmp(d->name, name, len) == 0)
            return true;
    }
    return false;
}

const struct c_enumerator *c_decls_enumerator(const struct c_defs *defs, const char *name)
{
    for (int i = 0; defs && i < defs->n; i++) {
        const struct c_def *d = &defs->items[i];
        if (d->kind != C_DEF_ENUM)
            continue;
        for (int k = 0; k < d->en->n; k++)
            if (strcmp(d->en->items[k].name, name) == 0)
                return &d->en->items[k];
    }
    return NULL;
}
