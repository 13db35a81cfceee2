/* Integer constant expressions over expanded C tokens: what #if needs, and
 * what header constants are written as ((1 << 3), (AF_INET), ((int)5),
 * (sizeof(long) == 8 ? A : B)). Values are 64-bit, signed unless a literal
 * or an operand is unsigned, as in the preprocessor's intmax_t arithmetic. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macros.h"

struct value {
    int64_t v;
    bool is_unsigned;
};

struct evaluator {
    const struct macro_table *table;
    const struct tok *t;
    int n, pos;
    bool if_mode;
    const struct eval_hooks *hooks;
    enum eval_status status;
    /* false in the branch short-circuiting skips: errors there do not count */
    bool live;
    int depth; /* of nested unary operators and parentheses */
};

/* Deeper nesting than this is hostile input, not a header: refuse it
 * rather than run out of stack. */
#define MAX_NESTING 256

static bool is(const struct evaluator *e, const char *s)
{
    if (e->pos >= e->n)
        return false;
    const struct tok *t = &e->t[e->pos];
    return t->kind != TK_STRING && t->kind != TK_CHAR && (int)strlen(s) == t->len &&
           memcmp(t->text, s, t->len) == 0;
}

static bool accept(struct evaluator *e, const char *s)
{
    if (!is(e, s))
        return false;
    e->pos++;
    return true;
}

static struct value fail(struct evaluator *e, enum eval_status why)
{
    if (e->status == EVAL_OK && (e->live || why == EVAL_SYNTAX))
        e->status = why;
    return (struct value){0, false};
}

static bool tok_equals(const struct tok *t, const char *s)
{
    return (int)strlen(s) == t->len && memcmp(t->text, s, t->len) == 0;
}

/* ---- literals ---- */

static bool parse_integer(const char *s, int len, struct value *out)
{
    int base = 10, i = 0;
    if (len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (len > 1 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        i = 2;
    } else if (s[0] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    int digits = 0;
    for (; i < len; i++) {
        int c = (unsigned char)s[i], d;
        if (isdigit(c))
            d = c - '0';
        else if (isxdigit(c) && base == 16)
            d = tolower(c) - 'a' + 10;
        else
            break;
        if (d >= base)
            return false;
        v = v * base + d;
        digits++;
    }
    if (!digits && base != 8)
        return false;
    bool is_unsigned = false;
    int longs = 0;
    for (; i < len; i++) {
        if ((s[i] == 'u' || s[i] == 'U') && !is_unsigned)
            is_unsigned = true;
        else if ((s[i] == 'l' || s[i] == 'L') && longs < 2)
            longs++;
        else
            return false; /* floats and nonsense */
    }
    out->v = (int64_t)v;
    out->is_unsigned = is_unsigned || v > INT64_MAX;
    return true;
}

static int hex_value(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

static bool parse_char(const char *s, int len, struct value *out)
{
    if (len < 3 || s[0] != '\'' || s[len - 1] != '\'')
        return false;
    const char *p = s + 1, *end = s + len - 1;
    int c;
    if (*p != '\\') {
        c = (unsigned char)*p++;
    } else {
        p++;
        if (p >= end)
            return false;
        switch (*p) {
        case 'n':
            c = '\n';
            p++;
            break;
        case 't':
            c = '\t';
            p++;
            break;
        case 'r':
            c = '\r';
            p++;
            break;
        case 'a':
            c = '\a';
            p++;
            break;
        case 'b':
            c = '\b';
            p++;
            break;
        case 'f':
            c = '\f';
            p++;
            break;
        case 'v':
            c = '\v';
            p++;
            break;
        case 'x':
            c = 0;
            for (p++; p < end && isxdigit((unsigned char)*p); p++)
                c = c * 16 + hex_value((unsigned char)*p);
            break;
        default:
            if (*p >= '0' && *p <= '7') {
                c = 0;
                for (int k = 0; k < 3 && p < end && *p >= '0' && *p <= '7'; k++, p++)
                    c = c * 8 + (*p - '0');
            } else {
                c = (unsigned char)*p++;
            }
        }
    }
    if (p != end)
        return false; /* multi-character constants */
    out->v = (signed char)c;
    out->is_unsigned = false;
    return true;
}

/* ---- types in casts and sizeof ---- */

struct type_info {
    int size; /* bytes; 0: keep the value as it is (unknown typedef) */
    bool is_unsigned;
    bool is_bool;
};

static const struct {
    const char *name;
    int size;
    bool is_unsigned;
} typedefs[] = {
    {"size_t", 8, true},
    {"ssize_t", 8, false},
    {"time_t", 8, false},
    {"off_t", 8, false},
    {"pid_t", 4, false},
    {"uid_t", 4, true},
    {"gid_t", 4, true},
    {"socklen_t", 4, true},
    {"sa_family_t", 2, true},
    {"in_port_t", 2, true},
    {"in_addr_t", 4, true},
    {"uintptr_t", 8, true},
    {"intptr_t", 8, false},
    {"ptrdiff_t", 8, false},
    {"__kernel_long_t", 8, false},
    {"__kernel_ulong_t", 8, true},
    {"__kernel_size_t", 8, true},
    {"__kernel_ssize_t", 8, false},
    {"__kernel_time_t", 8, false},
    {"__kernel_old_time_t", 8, false},
    {"__kernel_pid_t", 4, false},
    {"__kernel_sa_family_t", 2, true},
    {"__sum16", 2, true},
    {"__wsum", 4, true},
};

/* u8, __u8, s16, __s16, uint32_t, int64_t, __be32, __le16, ... */
static bool fixed_width(const struct tok *t, int *size, bool *is_unsigned)
{
    const char *s = t->text;
    int len = t->len;
    while (len && *s == '_') {
        s++;
        len--;
    }
    char buf[16];
    if (len <= 0 || len >= (int)sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    int bits;
    char tail[8] = "";
    if (sscanf(buf, "u%d%7s", &bits, tail) >= 1 || sscanf(buf, "be%d%7s", &bits, tail) >= 1 ||
        sscanf(buf, "le%d%7s", &bits, tail) >= 1 || sscanf(buf, "uint%d%7s", &bits, tail) >= 1) {
        *is_unsigned = true;
    } else if (sscanf(buf, "s%d%7s", &bits, tail) >= 1 ||
               sscanf(buf, "int%d%7s", &bits, tail) >= 1) {
        *is_unsigned = false;
    } else {
        return false;
    }
    if (tail[0] && strcmp(tail, "_t") != 0)
        return false;
    if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
        return false;
    *size = bits / 8;
    return true;
}

static bool is_qualifier(const struct tok *t)
{
    static const char *const words[] = {"const",    "volatile", "__force",   "__user",
                                        "__kernel", "__iomem",  "__bitwise", "__restrict",
                                        "restrict", NULL};
    for (int i = 0; words[i]; i++)
        if (tok_equals(t, words[i]))
            return true;
    return false;
}

/* Is the token the start of a type name? */
static bool starts_type(const struct tok *t)
{
    static const char *const words[] = {
        "char", "short",  "int",   "long", "unsigned", "signed", "_Bool",      "bool",
        "void", "struct", "union", "enum", "float",    "double", "__signed__", NULL};
    if (t->kind != TK_IDENT)
        return false;
    for (int i = 0; words[i]; i++)
        if (tok_equals(t, words[i]))
            return true;
    int size;
    bool u;
    if (is_qualifier(t) || fixed_width(t, &size, &u))
        return true;
    return t->len > 2 && memcmp(t->text + t->len - 2, "_t", 2) == 0;
}

/* Parse a type name (from the current token up to ')'), without consuming the
 * ')'. Returns false when the tokens are no type name. *known: the size is known. */
static bool parse_type(struct evaluator *e, struct type_info *ti, bool *known)
{
    int longs = 0, pointers = 0, words = 0, type_words = 0;
    bool is_unsigned = false, sized = false, aggregate = false, is_bool = false, other = false;
    int size = 4;
    while (e->pos < e->n && !is(e, ")")) {
        const struct tok *t = &e->t[e->pos];
        int fw;
        bool fu;
        if (t->kind == TK_IDENT && !is_qualifier(t))
            type_words++;
        if (is(e, "*")) {
            pointers++;
        } else if (t->kind != TK_IDENT) {
            return false;
        } else if (is_qualifier(t) || tok_equals(t, "signed") || tok_equals(t, "__signed__") ||
                   tok_equals(t, "int")) {
        } else if (tok_equals(t, "unsigned")) {
            is_unsigned = true;
        } else if (tok_equals(t, "long")) {
            longs++;
        } else if (tok_equals(t, "short")) {
            size = 2, sized = true;
        } else if (tok_equals(t, "char")) {
            size = 1, sized = true;
        } else if (tok_equals(t, "_Bool") || tok_equals(t, "bool")) {
            size = 1, sized = true, is_bool = true;
        } else if (tok_equals(t, "struct") || tok_equals(t, "union") || tok_equals(t, "enum")) {
            aggregate = !tok_equals(t, "enum");
            if (tok_equals(t, "enum"))
                size = 4, sized = true;
            e->pos++; /* the tag */
        } else if (tok_equals(t, "void") || tok_equals(t, "float") || tok_equals(t, "double")) {
            other = true;
            size = tok_equals(t, "double") ? 8 : tok_equals(t, "float") ? 4 : 1;
            sized = true;
        } else if (fixed_width(t, &fw, &fu)) {
            size = fw, sized = true, is_unsigned = fu;
        } else {
            bool found = false;
            for (size_t i = 0; i < sizeof(typedefs) / sizeof(typedefs[0]); i++)
                if (tok_equals(t, typedefs[i].name)) {
                    size = typedefs[i].size, sized = true, is_unsigned = typedefs[i].is_unsigned;
                    found = true;
                }
            if (!found) {
                if (type_words > 1 || !starts_type(t))
                    return false;
                other = true;
                sized = false;
                size = 0;
            }
        }
        words++;
        e->pos++;
    }
    if (!words)
        return false;
    if (longs && !sized)
        size = 8;
    *known = !other || sized;
    if (aggregate)
        *known = false;
    if (pointers) {
        *ti = (struct type_info){8, true, false};
        *known = true;
    } else {
        *ti = (struct type_info){other && !sized ? 0 : size, is_unsigned, is_bool};
    }
    return true;
}

static struct value convert(struct value v, struct type_info ti)
{
    if (ti.is_bool)
        return (struct value){v.v != 0, false};
    if (ti.size == 0 || ti.size >= 8)
        return (struct value){v.v, ti.size ? ti.is_unsigned : v.is_unsigned};
    int bits = ti.size * 8;
    uint64_t mask = (1ull << bits) - 1, u = (uint64_t)v.v & mask;
    if (!ti.is_unsigned && (u >> (bits - 1)))
        u |= ~mask;
    /* small unsigned types promote to int */
    return (struct value){(int64_t)u, false};
}

/* Is the '(' at pos the start of a cast? */
static bool at_cast(struct evaluator *e)
{
    int save = e->pos;
    e->pos++;
    if (e->pos >= e->n || !starts_type(&e->t[e->pos])) {
        e->pos = save;
        return false;
    }
    struct type_info ti;
    bool known;
    bool ok = parse_type(e, &ti, &known) && is(e, ")");
    e->pos = save;
    return ok;
}

/* ---- the grammar ---- */

static struct value conditional(struct evaluator *e);
static struct value unary(struct evaluator *e);

static void skip_group(struct evaluator *e)
{
    int depth = 0;
    do {
        if (is(e, "("))
            depth++;
        else if (is(e, ")"))
            depth--;
        e->pos++;
    } while (e->pos < e->n && depth > 0);
}

static struct value has_include(struct evaluator *e, bool next)
{
    if (!accept(e, "("))
        return fail(e, EVAL_SYNTAX);
    char name[512];
    size_t len = 0;
    bool angled;
    if (e->pos < e->n && e->t[e->pos].kind == TK_STRING) {
        const struct tok *t = &e->t[e->pos++];
        len = t->len >= 2 ? (size_t)t->len - 2 : 0;
        if (len >= sizeof(name))
            return fail(e, EVAL_SYNTAX);
        memcpy(name, t->text + 1, len);
        angled = false;
    } else if (accept(e, "<")) {
        while (e->pos < e->n && !is(e, ">")) {
            const struct tok *t = &e->t[e->pos++];
            if (len + t->len + 2 >= sizeof(name))
                return fail(e, EVAL_SYNTAX);
            if (t->space_before && len)
                name[len++] = ' ';
            memcpy(name + len, t->text, t->len);
            len += t->len;
        }
        if (!accept(e, ">"))
            return fail(e, EVAL_SYNTAX);
        angled = true;
    } else {
        return fail(e, EVAL_SYNTAX);
    }
    name[len] = '\0';
    if (!accept(e, ")"))
        return fail(e, EVAL_SYNTAX);
    bool found = e->hooks && e->hooks->has_include &&
                 e->hooks->has_include(e->hooks->ctx, name, angled, next);
    return (struct value){found, false};
}

static struct value defined_operator(struct evaluator *e)
{
    bool paren = accept(e, "(");
    if (e->pos >= e->n || e->t[e->pos].kind != TK_IDENT)
        return fail(e, EVAL_SYNTAX);
    const struct tok *t = &e->t[e->pos++];
    if (paren && !accept(e, ")"))
        return fail(e, EVAL_SYNTAX);
    return (struct value){macro_find(e->table, t->text, t->len) != NULL, false};
}

static struct value identifier(struct evaluator *e)
{
    const struct tok *t = &e->t[e->pos++];
    if (e->if_mode && tok_equals(t, "defined"))
        return defined_operator(e);
    if (tok_equals(t, "__has_include") || tok_equals(t, "__has_include_next"))
        return has_include(e, t->len > 13);
    if ((t->len > 6 && memcmp(t->text, "__has_", 6) == 0) || tok_equals(t, "__is_identifier")) {
        /* compiler feature tests: answer "no", so headers take their plain path */
        if (is(e, "("))
            skip_group(e);
        return (struct value){0, false};
    }
    if (tok_equals(t, "sizeof")) {
        if (!accept(e, "("))
            return fail(e, EVAL_NOT_CONSTANT);
        struct type_info ti;
        bool known;
        if (!parse_type(e, &ti, &known) || !known || !accept(e, ")"))
            return fail(e, EVAL_NOT_CONSTANT);
        return (struct value){ti.size, true};
    }
    if (is(e, "("))
        return fail(e, e->if_mode ? EVAL_UNDEFINED_CALL : EVAL_NOT_CONSTANT);
    if (e->if_mode)
        return (struct value){0, false};
    int64_t v;
    if (e->hooks && e->hooks->identifier &&
        e->hooks->identifier(e->hooks->ctx, t->text, t->len, &v))
        return (struct value){v, false};
    return fail(e, EVAL_NOT_CONSTANT);
}

static struct value primary(struct evaluator *e)
{
    if (e->pos >= e->n)
        return fail(e, EVAL_SYNTAX);
    const struct tok *t = &e->t[e->pos];
    struct value v = {0, false};
    switch (t->kind) {
    case TK_NUMBER:
        e->pos++;
        if (!parse_integer(t->text, t->len, &v))
            return fail(e, EVAL_NOT_CONSTANT);
        return v;
    case TK_CHAR:
        e->pos++;
        if (!parse_char(t->text, t->len, &v))
            return fail(e, EVAL_NOT_CONSTANT);
        return v;
    case TK_STRING:
        e->pos++;
        return fail(e, EVAL_NOT_CONSTANT);
    case TK_IDENT:
        return identifier(e);
    case TK_PUNCT:
        if (accept(e, "(")) {
            v = conditional(e);
            while (accept(e, ","))
                v = conditional(e);
            if (!accept(e, ")"))
                return fail(e, EVAL_SYNTAX);
            return v;
        }
        break;
    }
    return fail(e, EVAL_SYNTAX);
}

static struct value unary_inner(struct evaluator *e);

static struct value unary(struct evaluator *e)
{
    if (++e->depth > MAX_NESTING) {
        e->depth--;
        e->pos = e->n;
        return fail(e, EVAL_SYNTAX);
    }
    struct value v = unary_inner(e);
    e->depth--;
    return v;
}

static struct value unary_inner(struct evaluator *e)
{
    struct value v;
    if (accept(e, "+"))
        return unary(e);
    if (accept(e, "-")) {
        v = unary(e);
        v.v = (int64_t)(0 - (uint64_t)v.v);
        return v;
    }
    if (accept(e, "~")) {
        v = unary(e);
        v.v = ~v.v;
        return v;
    }
    if (accept(e, "!")) {
        v = unary(e);
        return (struct value){v.v == 0, false};
    }
    if (is(e, "(") && at_cast(e)) {
        e->pos++;
        struct type_info ti;
        bool known;
        parse_type(e, &ti, &known);
        accept(e, ")");
        return convert(unary(e), ti);
    }
    return primary(e);
}

/* Binary operators and their precedence (higher binds tighter), for
 * precedence climbing: one call per operand instead of one per level. */
static const struct {
    const char *op;
    int prec;
} binary_ops[] = {
    {"||", 1}, {"&&", 2}, {"|", 3}, {"^", 4},  {"&", 5},  {"==", 6},
    {"!=", 6}, {"<", 7},  {">", 7}, {"<=", 7}, {">=", 7}, {"<<", 8},
    {">>", 8}, {"+", 9},  {"-", 9}, {"*", 10}, {"/", 10}, {"%", 10},
};

/* The binary operator at the current token and its precedence, or NULL. */
static const char *binary_op_here(const struct evaluator *e, int *prec)
{
    if (e->pos >= e->n || e->t[e->pos].kind != TK_PUNCT || e->t[e->pos].len > 2)
        return NULL;
    for (size_t i = 0; i < sizeof(binary_ops) / sizeof(binary_ops[0]); i++)
        if (is(e, binary_ops[i].op)) {
            *prec = binary_ops[i].prec;
            return binary_ops[i].op;
        }
    return NULL;
}

static struct value apply(struct evaluator *e, const char *op, struct value a, struct value b)
{
    bool u = a.is_unsigned || b.is_unsigned;
    uint64_t ua = (uint64_t)a.v, ub = (uint64_t)b.v;
    struct value r = {0, u};
    switch (op[0]) {
    case '|':
        if (op[1] == '|')
            return (struct value){a.v || b.v, false};
        r.v = a.v | b.v;
        break;
    case '&':
        if (op[1] == '&')
            return (struct value){a.v && b.v, false};
        r.v = a.v & b.v;
        break;
    case '^':
        r.v = a.v ^ b.v;
        break;
    case '=':
        return (struct value){a.v == b.v, false};
    case '!':
        return (struct value){a.v != b.v, false};
    case '<':
        if (op[1] == '<')
            return (struct value){(int64_t)(b.v >= 64 || b.v < 0 ? 0 : ua << b.v), a.is_unsigned};
        if (op[1] == '=')
            return (struct value){u ? ua <= ub : a.v <= b.v, false};
        return (struct value){u ? ua < ub : a.v < b.v, false};
    case '>':
        if (op[1] == '>') {
            if (b.v >= 64 || b.v < 0)
                return (struct value){a.is_unsigned || a.v >= 0 ? 0 : -1, a.is_unsigned};
            return (struct value){a.is_unsigned ? (int64_t)(ua >> b.v) : a.v >> b.v, a.is_unsigned};
        }
        if (op[1] == '=')
            return (struct value){u ? ua >= ub : a.v >= b.v, false};
        return (struct value){u ? ua > ub : a.v > b.v, false};
    case '+':
        r.v = (int64_t)(ua + ub);
        break;
    case '-':
        r.v = (int64_t)(ua - ub);
        break;
    case '*':
        r.v = (int64_t)(ua * ub);
        break;
    case '/':
    case '%':
        if (b.v == 0)
            return fail(e, EVAL_DIV_ZERO);
        if (u)
            r.v = (int64_t)(op[0] == '/' ? ua / ub : ua % ub);
        else if (a.v == INT64_MIN && b.v == -1)
            r.v = op[0] == '/' ? INT64_MIN : 0;
        else
            r.v = op[0] == '/' ? a.v / b.v : a.v % b.v;
        break;
    }
    return r;
}

/* Operators binding at least as tightly as min_prec, left-associative. */
static struct value binary(struct evaluator *e, int min_prec)
{
    struct value a = unary(e);
    for (;;) {
        int prec;
        const char *op = binary_op_here(e, &prec);
        if (!op || prec < min_prec)
            return a;
        e->pos++;
        bool was_live = e->live;
        /* the right side of a decided && or || is not evaluated */
        if ((strcmp(op, "&&") == 0 && !a.v) || (strcmp(op, "||") == 0 && a.v))
            e->live = false;
        struct value b = binary(e, prec + 1);
        a = apply(e, op, a, b);
        e->live = was_live;
    }
}

static struct value conditional(struct evaluator *e)
{
    struct value c = binary(e, 1);
    if (!accept(e, "?"))
        return c;
    bool was_live = e->live;
    e->live = was_live && c.v;
    struct value a = conditional(e);
    if (!accept(e, ":"))
        return fail(e, EVAL_SYNTAX);
    e->live = was_live && !c.v;
    struct value b = conditional(e);
    e->live = was_live;
    struct value r = c.v ? a : b;
    r.is_unsigned = a.is_unsigned || b.is_unsigned;
    return r;
}

enum eval_status eval_tokens(const struct macro_table *t, const struct tok_list *toks, bool if_mode,
                             const struct eval_hooks *hooks, int64_t *value)
{
    struct evaluator e = {.table = t,
                          .t = toks->v,
                          .n = toks->n,
                          .if_mode = if_mode,
                          .hooks = hooks,
                          .status = EVAL_OK,
                          .live = true};
    if (toks->n == 0)
        return EVAL_SYNTAX;
    struct value v = conditional(&e);
    while (e.status == EVAL_OK && accept(&e, ","))
        v = conditional(&e);
    if (e.status == EVAL_OK && e.pos != e.n)
        e.status = EVAL_SYNTAX;
    if (e.status == EVAL_OK)
        *value = v.v;
    return e.status;
}

bool macro_value(const struct macro_table *t, const struct macro *m, const struct eval_hooks *hooks,
                 int64_t *value)
{
    if (!m || m->function_like)
        return false;
    struct tok_list in = {0}, out = {0};
    tokenize(m->name, strlen(m->name), &in, NULL);
    struct expand_arena *arena = expand_arena_new();
    bool ok = macro_expand(t, EXPAND_EVAL, &in, &out, arena, NULL) &&
              eval_tokens(t, &out, false, hooks, value) == EVAL_OK;
    expand_arena_free(arena);
    tok_list_free(&in);
    tok_list_free(&out);
    return ok;
}
