/* Enumerators of "enum { A = 1, B, ... }" in the code lines of headers: the
 * resolver knows them as named constants, as it knows their macros. */
#include "preprocess/pp_internal.h"

static bool enum_only_identifier(void *ctx, const char *name, size_t len, int64_t *value)
{
    return macros_enum_value(ctx, name, len, value);
}

static void define_enumerator(struct pp *pp, struct enum_scan *en)
{
    if (en->expr.len) {
        struct tok_list toks = {0}, expanded = {0};
        tokenize(en->expr.s, en->expr.len, &toks, NULL);
        struct expand_arena *arena = expand_arena_new();
        struct eval_hooks hooks = {.identifier = enum_only_identifier, .ctx = pp->macros};
        int64_t v;
        en->next_known = macro_expand(pp->macros, EXPAND_EVAL, &toks, &expanded, arena, NULL) &&
                         eval_tokens(pp->macros, &expanded, false, &hooks, &v) == EVAL_OK;
        if (en->next_known)
            en->next = v;
        expand_arena_free(arena);
        tok_list_free(&toks);
        tok_list_free(&expanded);
    }
    if (en->next_known && en->name.len)
        macros_add_enum(pp->macros, en->name.s, en->name.len, en->next);
    en->next++;
    en->name.len = 0;
    en->expr.len = 0;
}

void scan_enums(struct pp *pp, struct pp_file *f)
{
    struct enum_scan *en = &f->en;
    if (en->state == ENUM_NONE && !strstr(f->line.s, "enum"))
        return;
    struct tok_list toks = {0};
    tokenize(f->line.s, f->line.len, &toks, NULL);
    for (int i = 0; i < toks.n; i++) {
        const struct tok *t = &toks.v[i];
        switch (en->state) {
        case ENUM_NONE:
            if (tok_is(t, "enum"))
                en->state = ENUM_HEAD;
            break;
        case ENUM_HEAD:
            if (tok_is(t, "{")) {
                en->state = ENUM_NAME;
                en->next = 0;
                en->next_known = true;
                en->name.len = en->expr.len = 0;
            } else if (t->kind != TK_IDENT && !tok_is(t, ":")) {
                en->state = ENUM_NONE; /* "enum foo x;", "(enum foo)" */
            }
            break;
        case ENUM_NAME:
            if (tok_is(t, "}")) {
                en->state = ENUM_NONE;
            } else if (t->kind == TK_IDENT) {
                en->name.len = 0;
                buf_put(&en->name, t->text, t->len);
                en->state = ENUM_AFTER_NAME;
                en->depth = 0;
            }
            break;
        case ENUM_AFTER_NAME:
        case ENUM_VALUE:
            if (tok_is(t, "(")) {
                en->depth++;
            } else if (tok_is(t, ")")) {
                en->depth--;
            } else if (en->depth <= 0 && (tok_is(t, ",") || tok_is(t, "}"))) {
                define_enumerator(pp, en);
                en->state = tok_is(t, "}") ? ENUM_NONE : ENUM_NAME;
                continue;
            } else if (en->state == ENUM_AFTER_NAME && tok_is(t, "=")) {
                en->state = ENUM_VALUE;
                continue;
            }
            if (en->state == ENUM_VALUE) {
                if (t->space_before)
                    buf_putc(&en->expr, ' ');
                buf_put(&en->expr, t->text, t->len);
            }
            break;
        }
    }
    tok_list_free(&toks);
}
