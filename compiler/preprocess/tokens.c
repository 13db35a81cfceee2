/* C tokens of a line or a macro body (see macros.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preprocess/macros.h"

void tok_list_push(struct tok_list *l, struct tok t)
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
        if (c_ident_start((unsigned char)c)) {
            while (p < end && c_ident_char((unsigned char)*p))
                p++;
            t.kind = TK_IDENT;
        } else if (isdigit((unsigned char)c) ||
                   (c == '.' && p + 1 < end && isdigit((unsigned char)p[1]))) {
            /* a pp-number: digits, letters, '.', and signs after an exponent */
            p++;
            while (p < end) {
                if ((*p == '+' || *p == '-') && strchr("eEpP", p[-1]))
                    p++;
                else if (c_ident_char((unsigned char)*p) || *p == '.')
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
        tok_list_push(out, t);
        ws = p;
        space = false;
    }
    if (stopped_at)
        *stopped_at = p < end ? p : end;
}
