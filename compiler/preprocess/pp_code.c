/* Code lines of the script: copied to the output with the script's macros
 * expanded, keeping every line where it was. */
#include "preprocess/pp_internal.h"

/* Would writing b right after a (no space) make different tokens? */
static bool would_glue(const struct tok *a, const struct tok *b)
{
    char x = a->text[a->len - 1], y = b->text[0];
    if (c_ident_char((unsigned char)x) && c_ident_char((unsigned char)y))
        return true;
    static const char *const pairs[] = {"<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
                                        "->", "++", "--", "+=", "-=", "*=", "/=", "%=",
                                        "&=", "|=", "^=", "//", "/*", "##", "..", NULL};
    for (int i = 0; pairs[i]; i++)
        if (pairs[i][0] == x && pairs[i][1] == y)
            return true;
    return false;
}

static void write_tokens(struct buf *out, const struct tok_list *toks)
{
    for (int i = 0; i < toks->n; i++) {
        const struct tok *t = &toks->v[i];
        bool spaced = false;
        if (i > 0) {
            if (t->ws && t->ws_len && !memchr(t->ws, '\n', t->ws_len) &&
                !memchr(t->ws, '/', t->ws_len)) {
                buf_put(out, t->ws, t->ws_len);
                spaced = true;
            } else if (t->space_before || t->ws_len) {
                buf_putc(out, ' ');
                spaced = true;
            }
            if (!spaced && would_glue(&toks->v[i - 1], t))
                buf_putc(out, ' ');
        }
        buf_put(out, t->text, t->len);
    }
}

static bool expands_here(const struct pp *pp, const struct tok_list *toks, int i)
{
    const struct tok *t = &toks->v[i];
    if (t->kind != TK_IDENT)
        return false;
    const struct macro *m = macro_find(pp->macros, t->text, t->len);
    if (!m || !m->expand_in_script)
        return false;
    if (i > 0 && !t->space_before &&
        (tok_is(&toks->v[i - 1], "@") || tok_is(&toks->v[i - 1], "$")))
        return false;
    return true;
}

/* Can the logical line at f->pos continue a macro invocation (it is code,
 * not a directive)? Reads it if so. */
static bool extend_with_next_line(struct pp_file *f)
{
    if (f->pos >= f->len)
        return false;
    size_t save_pos = f->pos;
    bool save_comment = f->in_comment;
    read_logical_line(f);
    if (*skip_blanks(f->line.s) == '#') {
        f->pos = save_pos;
        f->in_comment = save_comment;
        return false;
    }
    return true;
}

/* Copy the code text[start, end) to the output, expanding the script's
 * macros. Lines after the first use of a macro keep their count: newlines
 * swallowed by an expansion are written after it. */
void emit_code(struct pp *pp, struct pp_file *f, size_t start, size_t end)
{
    const char *text = f->text;
    if (pp->user_macros == 0) {
        buf_put(&pp->out, text + start, end - start);
        return;
    }
    for (int extra = 0;; extra++) {
        size_t code_end = end;
        if (code_end > start && text[code_end - 1] == '\n')
            code_end--;
        struct tok_list toks = {0};
        const char *stop;
        tokenize(text + start, code_end - start, &toks, &stop);
        int first = 0;
        while (first < toks.n && !expands_here(pp, &toks, first))
            first++;
        if (first == toks.n) {
            buf_put(&pp->out, text + start, end - start);
            tok_list_free(&toks);
            return;
        }
        struct tok_list rest = {.v = toks.v + first, .n = toks.n - first};
        struct tok_list out = {0};
        struct expand_arena *arena = expand_arena_new();
        struct expand_error err;
        bool ok = macro_expand(pp->macros, EXPAND_SCRIPT, &rest, &out, arena, &err);
        bool unterminated = !ok && err.message && strstr(err.message, "unterminated");
        if (unterminated && extra < MAX_INVOCATION_LINES && extend_with_next_line(f)) {
            end = f->pos;
            expand_arena_free(arena);
            tok_list_free(&out);
            tok_list_free(&toks);
            continue;
        }
        const char *use = toks.v[first].text;
        if (ok) {
            buf_put(&pp->out, text + start, use - (text + start));
            /* "1-MINUS" must not become "1--" */
            if (first > 0 && out.n > 0 && toks.v[first].ws_len == 0 &&
                would_glue(&toks.v[first - 1], &out.v[0]))
                buf_putc(&pp->out, ' ');
            write_tokens(&pp->out, &out);
            if (stop < text + code_end) { /* a // comment: keep it, on one line */
                buf_putc(&pp->out, ' ');
                for (const char *q = stop; q < text + code_end; q++)
                    buf_putc(&pp->out, *q == '\n' ? ' ' : *q);
            }
        } else {
            /* a macro use inside an expansion may point into a macro body */
            const char *at = err.at && err.at >= text && err.at < text + f->len ? err.at : use;
            int len = 0;
            while (c_ident_char((unsigned char)at[len]))
                len++;
            file_error(pp, f, text_loc(f, at, len), "%s", err.message);
            buf_newlines(&pp->out, count_newlines_in(text + start, use));
        }
        buf_newlines(&pp->out, count_newlines_in(use, text + end));
        expand_arena_free(arena);
        tok_list_free(&out);
        tok_list_free(&toks);
        return;
    }
}
