/* Integer constant expressions over expanded C tokens: what #if needs, and
 * what header constants are written as ((1 << 3), (AF_INET), ((int)5),
 * (sizeof(long) == 8 ? A : B)). Values are 64-bit, signed unless a literal
 * or an operand is unsigned, as in the preprocessor's intmax_t arithmetic. */
#include <stdio.h>
#include <stdlib.h>

#include "preprocess/eval_internal.h"

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
    if (e->if_mode && tok_is(t, "defined"))
        return defined_operator(e);
    if (tok_is(t, "__has_include") || tok_is(t, "__has_include_next"))
        return has_include(e, t->len > 13);
    if ((t->len > 6 && memcmp(t->text, "__has_", 6) == 0) || tok_is(t, "__is_identifier")) {
        /* compiler feature tests: answer "no", so headers take their plain path */
        if (is(e, "("))
            skip_group(e);
        return (struct value){0, false};
    }
    if (tok_is(t, "sizeof")) {
        if (!accept(e, "("))
            return fail(e, EVAL_NOT_CONSTANT);
        struct type_info ti;
        bool known;
        if (!eval_parse_type(e, &ti, &known) || !known || !accept(e, ")"))
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
        if (!eval_parse_integer(t->text, t->len, &v))
            return fail(e, EVAL_NOT_CONSTANT);
        return v;
    case TK_CHAR:
        e->pos++;
        if (!eval_parse_char(t->text, t->len, &v))
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
    if (is(e, "(") && eval_at_cast(e)) {
        e->pos++;
        struct type_info ti;
        bool known;
        eval_parse_type(e, &ti, &known);
        accept(e, ")");
        return eval_convert(unary(e), ti);
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
