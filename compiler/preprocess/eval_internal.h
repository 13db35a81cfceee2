/* What the evaluator's two files share (see macros.h for what it does):
 * the value and cursor types, and the cursor helpers. Private to
 * compiler/preprocess/macro_eval.c and eval_literals.c. */
#ifndef SOBT_EVAL_INTERNAL_H
#define SOBT_EVAL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "preprocess/macros.h"

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

static inline bool is(const struct evaluator *e, const char *s)
{
    if (e->pos >= e->n)
        return false;
    const struct tok *t = &e->t[e->pos];
    return t->kind != TK_STRING && t->kind != TK_CHAR && (int)strlen(s) == t->len &&
           memcmp(t->text, s, t->len) == 0;
}

static inline bool accept(struct evaluator *e, const char *s)
{
    if (!is(e, s))
        return false;
    e->pos++;
    return true;
}

static inline struct value fail(struct evaluator *e, enum eval_status why)
{
    if (e->status == EVAL_OK && (e->live || why == EVAL_SYNTAX))
        e->status = why;
    return (struct value){0, false};
}

/* A type named in a cast or sizeof */
struct type_info {
    int size; /* bytes; 0: keep the value as it is (unknown typedef) */
    bool is_unsigned;
    bool is_bool;
};

/* eval_literals.c: literals, and types in casts and sizeof */
bool eval_parse_integer(const char *s, int len, struct value *out);
bool eval_parse_char(const char *s, int len, struct value *out);
bool eval_parse_type(struct evaluator *e, struct type_info *ti, bool *known);
struct value eval_convert(struct value v, struct type_info ti);
bool eval_at_cast(struct evaluator *e);

#endif
