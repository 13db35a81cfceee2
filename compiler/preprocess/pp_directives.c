/* Directive lines: what each says, done, except reading an included file,
 * which is handed back to the file loop (preprocess.c). */
#include <stdlib.h>

#include "preprocess/pp_internal.h"

/* "name" or <name>, or a macro that expands to one. Returns false when the
 * text is neither. */
static bool include_name(struct pp *pp, const char *args, char *name, size_t size, bool *angled)
{
    const char *p = skip_blanks(args);
    if (*p == '"' || *p == '<') {
        char close = *p == '"' ? '"' : '>';
        const char *end = strchr(p + 1, close);
        if (!end || (size_t)(end - p - 1) >= size || end == p + 1)
            return false;
        memcpy(name, p + 1, end - p - 1);
        name[end - p - 1] = '\0';
        *angled = close == '>';
        return rest_is_blank(end + 1);
    }
    /* #include MACRO */
    struct tok_list toks = {0}, expanded = {0};
    tokenize(p, strlen(p), &toks, NULL);
    struct expand_arena *arena = expand_arena_new();
    bool ok =
        macro_expand(pp->macros, EXPAND_EVAL, &toks, &expanded, arena, NULL) && expanded.n > 0;
    if (ok && expanded.v[0].kind == TK_STRING && expanded.n == 1 && expanded.v[0].len > 2 &&
        (size_t)expanded.v[0].len - 2 < size) {
        memcpy(name, expanded.v[0].text + 1, expanded.v[0].len - 2);
        name[expanded.v[0].len - 2] = '\0';
        *angled = false;
    } else if (ok && tok_is(&expanded.v[0], "<") &&
               tok_is(&expanded.v[expanded.n - 1], ">")) {
        size_t len = 0;
        for (int i = 1; i < expanded.n - 1 && ok; i++) {
            const struct tok *t = &expanded.v[i];
            if (len + t->len + 2 >= size)
                ok = false;
            else {
                if (t->space_before && len)
                    name[len++] = ' ';
                memcpy(name + len, t->text, t->len);
                len += t->len;
            }
        }
        name[len] = '\0';
        *angled = true;
        ok = ok && len > 0;
    } else {
        ok = false;
    }
    expand_arena_free(arena);
    tok_list_free(&toks);
    tok_list_free(&expanded);
    return ok;
}

static void ask_include(struct pp *pp, struct pp_file *f, const char *args, bool next,
                        size_t hash_pos, struct include_request *inc)
{
    if (!include_name(pp, args, inc->name, sizeof(inc->name), &inc->angled)) {
        file_error(pp, f, directive_loc(f, hash_pos),
                   "#include expects \"FILENAME\" or <FILENAME>");
        return;
    }
    inc->wanted = true;
    inc->next = next && !f->is_script;
    inc->loc = directive_loc(f, hash_pos);
}

/* Is the body of a script macro a plain integer (10, -1, (0x20))? Then it
 * stays an identifier in the code and constant_lookup gives its value. */
static bool plain_integer(const struct macro_table *t, const char *body)
{
    struct tok_list toks = {0};
    tokenize(body, strlen(body), &toks, NULL);
    int a = 0, b = toks.n;
    while (b - a >= 2 && tok_is(&toks.v[a], "(") && tok_is(&toks.v[b - 1], ")"))
        a++, b--;
    if (b - a == 2 && tok_is(&toks.v[a], "-"))
        a++;
    int64_t v;
    bool plain = b - a == 1 && toks.v[a].kind == TK_NUMBER &&
                 eval_tokens(t, &toks, false, NULL, &v) == EVAL_OK;
    tok_list_free(&toks);
    return plain;
}

static void do_define(struct pp *pp, struct pp_file *f, const char *args, size_t hash_pos)
{
    enum macro_origin origin = f->is_script ? MACRO_SCRIPT
                               : f->user    ? MACRO_USER_HEADER
                                            : MACRO_SYSTEM_HEADER;
    struct macro *m;
    const char *err = macro_define(pp->macros, args, origin, &m);
    if (err) {
        file_error(pp, f, directive_loc(f, hash_pos), "%s", err);
        return;
    }
    if (m->expand_in_script && !m->function_like && !(pp->opts->reserved_name && pp->opts->reserved_name(m->name)) &&
        plain_integer(pp->macros, m->body))
        m->expand_in_script = false;
    if (m->expand_in_script)
        pp->user_macros++;
}

/* A plain-integer macro of the script stayed an identifier in the code
 * above: keep its value for the resolver after #undef (as an enumerator). */
static void do_undef(struct pp *pp, const char *name, size_t len)
{
    const struct macro *m = macro_find(pp->macros, name, len);
    int64_t v;
    if (m && !m->expand_in_script &&
        (m->origin == MACRO_SCRIPT || m->origin == MACRO_USER_HEADER) &&
        macro_value(pp->macros, m, NULL, &v))
        macros_add_enum(pp->macros, name, len, v);
    macro_undef(pp->macros, name, len);
}

void handle_directive(struct pp *pp, struct pp_file *f, const char *text, size_t hash_pos,
                      struct include_request *inc)
{
    const char *p = text;
    size_t n = ident_at(&p);
    char name[32];
    if (n == 0 || n >= sizeof(name)) {
        if (pp_active(f) && !rest_is_blank(p))
            file_error(pp, f, directive_loc(f, hash_pos), "invalid preprocessing directive");
        return;
    }
    memcpy(name, p, n);
    name[n] = '\0';
    const char *args = p + n;
    bool first_in_file = !f->seen_content;
    if (pp_active(f))
        note_content(f);

    if (strcmp(name, "if") == 0)
        cond_if(pp, f, args, hash_pos);
    else if (strcmp(name, "ifdef") == 0)
        cond_ifdef(pp, f, args, true, first_in_file, hash_pos);
    else if (strcmp(name, "ifndef") == 0)
        cond_ifdef(pp, f, args, false, first_in_file, hash_pos);
    else if (strcmp(name, "elif") == 0 || strcmp(name, "elifdef") == 0 ||
             strcmp(name, "elifndef") == 0)
        cond_elif(pp, f, name, args, hash_pos);
    else if (strcmp(name, "else") == 0)
        cond_else(pp, f, hash_pos);
    else if (strcmp(name, "endif") == 0)
        cond_endif(pp, f, hash_pos);
    else if (!pp_active(f))
        return; /* anything else in a skipped branch is not looked at */
    else if (strcmp(name, "define") == 0)
        do_define(pp, f, args, hash_pos);
    else if (strcmp(name, "undef") == 0) {
        const char *q = args;
        size_t len = ident_at(&q);
        if (!len)
            file_error(pp, f, directive_loc(f, hash_pos), "macro name missing");
        else
            do_undef(pp, q, len);
    } else if (strcmp(name, "include") == 0 || strcmp(name, "import") == 0)
        ask_include(pp, f, args, false, hash_pos, inc);
    else if (strcmp(name, "include_next") == 0)
        ask_include(pp, f, args, true, hash_pos, inc);
    else if (strcmp(name, "error") == 0)
        file_error(pp, f, directive_loc(f, hash_pos), "#error%s", args);
    else if (strcmp(name, "pragma") == 0) {
        const char *q = args;
        size_t len = ident_at(&q);
        if (len == 4 && strncmp(q, "once", 4) == 0 && f->path && !f->is_script)
            include_guard_remember(pp->search, f->path, "");
    } else if (strcmp(name, "warning") == 0 || strcmp(name, "line") == 0 ||
               strcmp(name, "ident") == 0 || strcmp(name, "sccs") == 0 ||
               strcmp(name, "assert") == 0 || strcmp(name, "unassert") == 0) {
        /* nothing a tracer needs */
    } else
        file_error(pp, f, directive_loc(f, hash_pos), "invalid preprocessing directive #%s", name);
}
