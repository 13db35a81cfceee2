/* The preprocessor (see preprocess.h): directives of the script and of the
 * headers it includes, the script's text with directives blanked and its
 * macros expanded. */
#include "preprocess.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtins.h"
#include "constants.h"
#include "diag.h"
#include "include_search.h"
#include "macros.h"

/* gcc's limit is 200; real header chains are under 20 deep */
#define MAX_INCLUDE_DEPTH 64
/* a function-like macro's arguments may run over this many more lines */
#define MAX_INVOCATION_LINES 64

struct buf {
    char *s;
    size_t len, cap;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_putc(struct buf *b, char c)
{
    buf_put(b, &c, 1);
}

static void buf_newlines(struct buf *b, int n)
{
    while (n-- > 0)
        buf_putc(b, '\n');
}

struct cond {
    bool parent_active;
    bool active; /* the current branch is being read */
    bool taken;  /* a branch of this group has been chosen */
    bool seen_else;
    size_t hash_pos; /* where the opening directive's '#' is, for errors */
};

enum enum_state { ENUM_NONE, ENUM_HEAD, ENUM_NAME, ENUM_AFTER_NAME, ENUM_VALUE };

/* Enumerators of "enum { A = 1, B, ... }" found in code lines. */
struct enum_scan {
    enum enum_state state;
    int depth;
    struct buf name, expr;
    int64_t next;
    bool next_known;
};

struct pp_file {
    const char *path;
    char *dir;     /* where "..." includes are looked for first */
    int dir_index; /* the search directory it was found in (#include_next), or -1 */
    const char *text;
    size_t len, pos;
    int line_no; /* of the logical line being handled */
    bool is_script;
    bool user; /* the script or its own headers: strict, macros expand in code */
    struct source src;
    struct cond *conds;
    int nconds, cap_conds;
    bool in_comment;
    struct buf line; /* the current logical line, comments replaced by spaces */
    /* include guard detection: "#ifndef G ... #endif" around everything */
    char *guard;
    bool guard_possible, guard_closed, seen_content;
    struct enum_scan en;
};

struct pp {
    struct macro_table *macros;
    const struct preprocess_options *opts;
    struct include_search *search;
    int depth;
    bool failed;
    int user_macros; /* macros that expand in the script's code */
    struct buf out;
};

static bool active(const struct pp_file *f)
{
    return f->nconds == 0 || f->conds[f->nconds - 1].active;
}

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
        p++;
    return p;
}

static bool is_ident_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* ---- reading logical lines ---- */

static int count_newlines_in(const char *s, const char *end)
{
    int n = 0;
    while ((s = memchr(s, '\n', end - s))) {
        n++;
        s++;
    }
    return n;
}

/* The star-slash closing a comment, or NULL (memchr is much faster than
 * memmem for a two-byte needle). */
static const char *comment_end(const char *p, const char *end)
{
    while ((p = memchr(p, '*', end - p)) && p + 1 < end) {
        if (p[1] == '/')
            return p;
        p++;
    }
    return NULL;
}

/* Characters that need a look in read_logical_line; runs of others are
 * copied at once (headers are mostly such runs). */
static const bool special_char[256] = {
    ['\\'] = true, ['\n'] = true, ['/'] = true, ['"'] = true, ['\''] = true};

/* Read from f->pos to the end of the logical line (backslash-newlines
 * joined, comments replaced by a space, a comment running over lines keeps
 * the line going). Returns how many newlines were consumed. */
static int read_logical_line(struct pp_file *f)
{
    const char *t = f->text;
    size_t p = f->pos, n = f->len;
    int newlines = 0;
    f->line.len = 0;
    buf_put(&f->line, "", 0);
    while (p < n) {
        if (f->in_comment) {
            const char *close = comment_end(t + p, t + n);
            size_t stop = close ? (size_t)(close - t) : n;
            newlines += count_newlines_in(t + p, t + stop);
            p = close ? stop + 2 : n;
            f->in_comment = false;
            buf_putc(&f->line, ' ');
            continue;
        }
        size_t run = p;
        while (run < n && !special_char[(unsigned char)t[run]])
            run++;
        if (run > p) {
            buf_put(&f->line, t + p, run - p);
            p = run;
            continue;
        }
        char c = t[p];
        if (c == '\\' && p + 1 < n && t[p + 1] == '\n') {
            p += 2;
            newlines++;
            continue;
        }
        if (c == '\\' && p + 2 < n && t[p + 1] == '\r' && t[p + 2] == '\n') {
            p += 3;
            newlines++;
            continue;
        }
        if (c == '\n') {
            p++;
            newlines++;
            break;
        }
        if (c == '/' && p + 1 < n && t[p + 1] == '*') {
            f->in_comment = true;
            p += 2;
            continue;
        }
        if (c == '/' && p + 1 < n && t[p + 1] == '/') {
            while (p < n && t[p] != '\n') {
                if (t[p] == '\\' && p + 1 < n && t[p + 1] == '\n') {
                    p++;
                    newlines++;
                }
                p++;
            }
            continue;
        }
        if (c == '"' || c == '\'') {
            size_t s = p++;
            while (p < n && t[p] != c && t[p] != '\n') {
                if (t[p] == '\\' && p + 1 < n && t[p + 1] != '\n')
                    p++;
                p++;
            }
            if (p < n && t[p] == c)
                p++;
            buf_put(&f->line, t + s, p - s);
            continue;
        }
        buf_putc(&f->line, c);
        p++;
    }
    f->pos = p;
    return newlines;
}

/* ---- diagnostics ---- */

/* The location of the directive whose logical line starts at raw offset
 * start: from its '#' to the end of its first physical line. */
static struct loc directive_loc(const struct pp_file *f, size_t start)
{
    const char *t = f->text;
    size_t line_start = start;
    while (line_start > 0 && t[line_start - 1] != '\n')
        line_start--;
    size_t hash = start;
    while (hash < f->len && t[hash] != '#' && t[hash] != '\n')
        hash++;
    size_t end = hash;
    while (end < f->len && t[end] != '\n')
        end++;
    while (end > hash &&
           (t[end - 1] == ' ' || t[end - 1] == '\t' || t[end - 1] == '\r' || t[end - 1] == '\\'))
        end--;
    return (struct loc){f->line_no, (int)(hash - line_start) + 1, (int)(end - line_start) + 1};
}

/* The location of script text at p (a token of length len). */
static struct loc text_loc(const struct pp_file *f, const char *p, int len)
{
    int line = 1;
    const char *line_start = f->text;
    for (const char *q = f->text; q < p; q++)
        if (*q == '\n') {
            line++;
            line_start = q + 1;
        }
    int col = (int)(p - line_start) + 1;
    return (struct loc){line, col, col + (len > 0 ? len : 1)};
}

/* Errors are the user's to fix only in the user's own files; in system
 * headers whatever cannot be understood is passed over. */
static void file_error(struct pp *pp, const struct pp_file *f, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void file_error(struct pp *pp, const struct pp_file *f, struct loc loc, const char *fmt, ...)
{
    if (!f->user)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (f->path)
        diag_error(&f->src, loc, "%s", msg);
    else
        diag_plain_error("%s", msg);
    pp->failed = true;
}

/* Everything significant in a file (a directive or code) outside the guard
 * spoils it. */
static void note_content(struct pp_file *f)
{
    if (f->nconds == 0)
        f->guard_possible = false;
    f->seen_content = true;
}

/* ---- expressions ---- */

static bool has_include_hook(void *ctx, const char *name, bool angled, bool next)
{
    void **c = ctx;
    struct pp *pp = c[0];
    const struct pp_file *f = c[1];
    char path[4096];
    int dir_index;
    return include_find(pp->search, f->dir, f->dir_index, name, angled, next, path, sizeof(path),
                        &dir_index);
}

/* Evaluate the #if expression text. Returns 1, 0, or -1 after reporting. */
static int eval_condition(struct pp *pp, struct pp_file *f, const char *expr, size_t hash_pos)
{
    struct tok_list toks = {0}, expanded = {0};
    tokenize(expr, strlen(expr), &toks, NULL);
    struct expand_arena *arena = expand_arena_new();
    struct expand_error err;
    void *ctx[2] = {pp, f};
    struct eval_hooks hooks = {.has_include = has_include_hook, .ctx = ctx};
    int64_t v = 0;
    enum eval_status st = EVAL_SYNTAX;
    if (macro_expand(pp->macros, EXPAND_IF, &toks, &expanded, arena, &err))
        st = eval_tokens(pp->macros, &expanded, true, &hooks, &v);
    int result = st == EVAL_OK ? v != 0 : -1;
    if (st != EVAL_OK) {
        struct loc loc = directive_loc(f, hash_pos);
        if (st == EVAL_DIV_ZERO)
            file_error(pp, f, loc, "division by zero in preprocessor expression");
        else if (st == EVAL_UNDEFINED_CALL)
            file_error(pp, f, loc, "function-like macro is not defined in preprocessor expression");
        else if (toks.n == 0)
            file_error(pp, f, loc, "expected value in expression");
        else
            file_error(pp, f, loc, "invalid preprocessor expression");
    }
    expand_arena_free(arena);
    tok_list_free(&toks);
    tok_list_free(&expanded);
    return result;
}

/* ---- enumerators in code lines ---- */

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

static bool tok_equals(const struct tok *t, const char *s)
{
    return (int)strlen(s) == t->len && memcmp(t->text, s, t->len) == 0;
}

static void scan_enums(struct pp *pp, struct pp_file *f)
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
            if (tok_equals(t, "enum"))
                en->state = ENUM_HEAD;
            break;
        case ENUM_HEAD:
            if (tok_equals(t, "{")) {
                en->state = ENUM_NAME;
                en->next = 0;
                en->next_known = true;
                en->name.len = en->expr.len = 0;
            } else if (t->kind != TK_IDENT && !tok_equals(t, ":")) {
                en->state = ENUM_NONE; /* "enum foo x;", "(enum foo)" */
            }
            break;
        case ENUM_NAME:
            if (tok_equals(t, "}")) {
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
            if (tok_equals(t, "(")) {
                en->depth++;
            } else if (tok_equals(t, ")")) {
                en->depth--;
            } else if (en->depth <= 0 && (tok_equals(t, ",") || tok_equals(t, "}"))) {
                define_enumerator(pp, en);
                en->state = tok_equals(t, "}") ? ENUM_NONE : ENUM_NAME;
                continue;
            } else if (en->state == ENUM_AFTER_NAME && tok_equals(t, "=")) {
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

/* ---- directives ---- */

static void process_file(struct pp *pp, struct pp_file *f);

static void push_cond(struct pp_file *f, bool take, bool evaluate, size_t hash_pos)
{
    if (f->nconds == f->cap_conds) {
        f->cap_conds = f->cap_conds ? f->cap_conds * 2 : 8;
        f->conds = realloc(f->conds, f->cap_conds * sizeof(*f->conds));
    }
    bool parent = active(f);
    f->conds[f->nconds++] = (struct cond){
        .parent_active = parent,
        .active = parent && evaluate && take,
        /* in a skipped region no branch may be chosen */
        .taken = !parent || (evaluate && take),
        .hash_pos = hash_pos,
    };
}

/* The identifier at p (after blanks): its length, 0 if none. */
static size_t ident_at(const char **p)
{
    *p = skip_blanks(*p);
    size_t n = 0;
    while (is_ident_char((unsigned char)(*p)[n]))
        n++;
    if (n && (*p)[0] >= '0' && (*p)[0] <= '9')
        return 0;
    return n;
}

static bool rest_is_blank(const char *p)
{
    return *skip_blanks(p) == '\0';
}

static void do_ifdef(struct pp *pp, struct pp_file *f, const char *args, bool want_defined,
                     bool first_in_file, size_t hash_pos)
{
    const char *p = args;
    size_t n = ident_at(&p);
    if (!active(f)) {
        push_cond(f, false, false, hash_pos);
        return;
    }
    if (!n) {
        file_error(pp, f, directive_loc(f, hash_pos), "macro name missing");
        push_cond(f, false, true, hash_pos);
        return;
    }
    if (f->nconds == 0 && first_in_file && !want_defined) {
        f->guard = strndup(p, n);
        f->guard_possible = true;
    }
    bool is_defined = macro_find(pp->macros, p, n) != NULL;
    push_cond(f, is_defined == want_defined, true, hash_pos);
}

static void do_if(struct pp *pp, struct pp_file *f, const char *args, size_t hash_pos)
{
    if (!active(f)) {
        push_cond(f, false, false, hash_pos);
        return;
    }
    int r = eval_condition(pp, f, args, hash_pos);
    push_cond(f, r > 0, true, hash_pos);
}

static void do_elif(struct pp *pp, struct pp_file *f, const char *name, const char *args,
                    size_t hash_pos)
{
    if (f->nconds == 0) {
        file_error(pp, f, directive_loc(f, hash_pos), "#%s without #if", name);
        return;
    }
    struct cond *c = &f->conds[f->nconds - 1];
    if (c->seen_else) {
        file_error(pp, f, directive_loc(f, hash_pos), "#%s after #else", name);
        return;
    }
    if (f->nconds == 1)
        f->guard_possible = false;
    if (c->taken) {
        c->active = false;
        return;
    }
    bool take;
    if (strcmp(name, "elif") == 0) {
        take = eval_condition(pp, f, args, hash_pos) > 0;
    } else {
        const char *p = args;
        size_t n = ident_at(&p);
        take = n && (macro_find(pp->macros, p, n) != NULL) == (strcmp(name, "elifdef") == 0);
    }
    c->active = take;
    c->taken = take;
}

static void do_else(struct pp *pp, struct pp_file *f, size_t hash_pos)
{
    if (f->nconds == 0) {
        file_error(pp, f, directive_loc(f, hash_pos), "#else without #if");
        return;
    }
    struct cond *c = &f->conds[f->nconds - 1];
    if (c->seen_else) {
        file_error(pp, f, directive_loc(f, hash_pos), "#else after #else");
        return;
    }
    if (f->nconds == 1)
        f->guard_possible = false;
    c->seen_else = true;
    c->active = c->parent_active && !c->taken;
    c->taken = true;
}

static void do_endif(struct pp *pp, struct pp_file *f, size_t hash_pos)
{
    if (f->nconds == 0) {
        file_error(pp, f, directive_loc(f, hash_pos), "#endif without #if");
        return;
    }
    f->nconds--;
    if (f->nconds == 0) {
        if (f->guard_closed)
            f->guard_possible = false;
        f->guard_closed = true;
    }
}

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
    } else if (ok && tok_equals(&expanded.v[0], "<") &&
               tok_equals(&expanded.v[expanded.n - 1], ">")) {
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

static void free_file(struct pp_file *f)
{
    free(f->dir);
    free(f->conds);
    free(f->line.s);
    free(f->guard);
    free(f->en.name.s);
    free(f->en.expr.s);
}

/* Include name from the file from (for --include: a stand-in for the
 * command line, with no path, whose errors have no location). */
static void include_file(struct pp *pp, struct pp_file *from, const char *name, bool angled,
                         bool next, struct loc loc)
{
    bool from_user = from->user;
    if (pp->depth >= MAX_INCLUDE_DEPTH) {
        file_error(pp, from, loc, "#include nested too deeply");
        return;
    }
    char path[4096];
    int dir_index;
    if (!include_find(pp->search, from->dir, from->dir_index, name, angled, next, path,
                      sizeof(path), &dir_index)) {
        /* kernel-internal headers (<net/sock.h>) are not installed: their
         * types come from BTF, so they are passed over */
        if (from_user && (!angled || pp->opts->strict_includes))
            file_error(pp, from, loc, "cannot find include file %s", name);
        return;
    }
    if (include_guard_skips(pp->search, path, pp->macros))
        return;
    size_t len = 0;
    char *text = read_whole_file(path, &len);
    if (!text)
        return;
    /* the user's own headers: quoted, found beside the includer or in -I */
    bool user = from_user && !angled && (dir_index < 0 || dir_index < pp->opts->ninclude_dirs);
    struct pp_file inc = {
        .path = path,
        .dir = dir_of(path),
        .dir_index = dir_index,
        .text = text,
        .len = len,
        .user = user,
        .src = {.filename = path, .text = text, .len = len},
    };
    pp->depth++;
    process_file(pp, &inc);
    pp->depth--;
    if (inc.guard_possible && inc.guard_closed && inc.guard)
        include_guard_remember(pp->search, path, inc.guard);
    free_file(&inc);
    free(text);
}

static void do_include(struct pp *pp, struct pp_file *f, const char *args, bool next,
                       size_t hash_pos)
{
    char name[1024];
    bool angled;
    if (!include_name(pp, args, name, sizeof(name), &angled)) {
        file_error(pp, f, directive_loc(f, hash_pos),
                   "#include expects \"FILENAME\" or <FILENAME>");
        return;
    }
    include_file(pp, f, name, angled, next && !f->is_script, directive_loc(f, hash_pos));
}

/* Is the body of a script macro a plain integer (10, -1, (0x20))? Then it
 * stays an identifier in the code and constant_lookup gives its value. */
static bool plain_integer(const struct macro_table *t, const char *body)
{
    struct tok_list toks = {0};
    tokenize(body, strlen(body), &toks, NULL);
    int a = 0, b = toks.n;
    while (b - a >= 2 && tok_equals(&toks.v[a], "(") && tok_equals(&toks.v[b - 1], ")"))
        a++, b--;
    if (b - a == 2 && tok_equals(&toks.v[a], "-"))
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
    if (m->expand_in_script && !m->function_like && !builtin_var_find(m->name) &&
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

static void handle_directive(struct pp *pp, struct pp_file *f, const char *text, size_t hash_pos)
{
    const char *p = text;
    size_t n = ident_at(&p);
    char name[32];
    if (n == 0 || n >= sizeof(name)) {
        if (active(f) && !rest_is_blank(p))
            file_error(pp, f, directive_loc(f, hash_pos), "invalid preprocessing directive");
        return;
    }
    memcpy(name, p, n);
    name[n] = '\0';
    const char *args = p + n;
    bool first_in_file = !f->seen_content;
    if (active(f))
        note_content(f);

    if (strcmp(name, "if") == 0)
        do_if(pp, f, args, hash_pos);
    else if (strcmp(name, "ifdef") == 0)
        do_ifdef(pp, f, args, true, first_in_file, hash_pos);
    else if (strcmp(name, "ifndef") == 0)
        do_ifdef(pp, f, args, false, first_in_file, hash_pos);
    else if (strcmp(name, "elif") == 0 || strcmp(name, "elifdef") == 0 ||
             strcmp(name, "elifndef") == 0)
        do_elif(pp, f, name, args, hash_pos);
    else if (strcmp(name, "else") == 0)
        do_else(pp, f, hash_pos);
    else if (strcmp(name, "endif") == 0)
        do_endif(pp, f, hash_pos);
    else if (!active(f))
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
        do_include(pp, f, args, false, hash_pos);
    else if (strcmp(name, "include_next") == 0)
        do_include(pp, f, args, true, hash_pos);
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

/* ---- script code ---- */

/* Would writing b right after a (no space) make different tokens? */
static bool would_glue(const struct tok *a, const struct tok *b)
{
    char x = a->text[a->len - 1], y = b->text[0];
    if (is_ident_char((unsigned char)x) && is_ident_char((unsigned char)y))
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
        (tok_equals(&toks->v[i - 1], "@") || tok_equals(&toks->v[i - 1], "$")))
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
static void emit_code(struct pp *pp, struct pp_file *f, size_t start, size_t end)
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
            while (is_ident_char((unsigned char)at[len]))
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

/* ---- files ---- */

static void process_file(struct pp *pp, struct pp_file *f)
{
    f->line_no = 1;
    while (f->pos < f->len) {
        size_t start = f->pos;
        int newlines = read_logical_line(f);
        const char *l = skip_blanks(f->line.s);
        if (*l == '#') {
            if (!(f->is_script && start == 0 && l[1] == '!')) /* the #! line */
                handle_directive(pp, f, l + 1, start);
            if (f->is_script)
                buf_newlines(&pp->out, newlines);
        } else if (!active(f)) {
            if (f->is_script)
                buf_newlines(&pp->out, newlines);
        } else {
            if (*l)
                note_content(f);
            if (f->is_script) {
                emit_code(pp, f, start, f->pos);
                /* a macro invocation may have read more lines */
                newlines = count_newlines_in(f->text + start, f->text + f->pos);
            }
            if (*l)
                scan_enums(pp, f);
        }
        f->line_no += newlines;
    }
    if (f->nconds > 0) {
        struct cond *c = &f->conds[0];
        /* report at the outermost open #if; line numbers are recounted */
        int line = 1;
        for (size_t i = 0; i < c->hash_pos; i++)
            line += f->text[i] == '\n';
        f->line_no = line;
        file_error(pp, f, directive_loc(f, c->hash_pos), "unterminated conditional directive");
        f->guard_possible = false;
    }
}

static void predefine(struct macro_table *t)
{
    static const char *const defs[][2] = {
#if defined(__x86_64__)
        {"__x86_64__", "1"},
        {"__x86_64", "1"},
        {"__amd64__", "1"},
        {"__amd64", "1"},
#elif defined(__aarch64__)
        {"__aarch64__", "1"},
#endif
        {"__linux__", "1"},
        {"__linux", "1"},
        {"__gnu_linux__", "1"},
        {"__unix__", "1"},
        {"__unix", "1"},
        {"__ELF__", "1"},
        {"__LP64__", "1"},
        {"_LP64", "1"},
        {"__CHAR_BIT__", "8"},
        {"__SIZEOF_SHORT__", "2"},
        {"__SIZEOF_INT__", "4"},
        {"__SIZEOF_LONG__", "8"},
        {"__SIZEOF_LONG_LONG__", "8"},
        {"__SIZEOF_POINTER__", "8"},
        {"__SIZEOF_SIZE_T__", "8"},
        {"__SIZEOF_INT128__", "16"},
        {"__ORDER_LITTLE_ENDIAN__", "1234"},
        {"__ORDER_BIG_ENDIAN__", "4321"},
        {"__ORDER_PDP_ENDIAN__", "3412"},
        {"__BYTE_ORDER__", "__ORDER_LITTLE_ENDIAN__"},
        {"__GNUC__", "4"},
        {"__GNUC_MINOR__", "2"},
        {"__GNUC_PATCHLEVEL__", "1"},
        {"__STDC__", "1"},
        {"__STDC_VERSION__", "201112L"},
        {"__STDC_HOSTED__", "1"},
        {"__SCHAR_MAX__", "0x7f"},
        {"__SHRT_MAX__", "0x7fff"},
        {"__INT_MAX__", "0x7fffffff"},
        {"__LONG_MAX__", "0x7fffffffffffffffL"},
        {"__LONG_LONG_MAX__", "0x7fffffffffffffffLL"},
        {"__WCHAR_MAX__", "0x7fffffff"},
        /* glibc then defines everything it has (AT_EMPTY_PATH, O_PATH, ...) */
        {"_GNU_SOURCE", "1"},
    };
    for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
        macro_define_simple(t, defs[i][0], defs[i][1], MACRO_PREDEFINED);
    if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
        macro_define_simple(t, "BPFTRACE_HAVE_BTF", "1", MACRO_PREDEFINED);
}

static void include_from_command_line(struct pp *pp, const char *arg)
{
    size_t n = strlen(arg);
    char name[1024];
    bool angled = n > 2 && arg[0] == '<' && arg[n - 1] == '>';
    bool quoted = n > 2 && arg[0] == '"' && arg[n - 1] == '"';
    if ((angled || quoted) && n - 2 < sizeof(name)) {
        memcpy(name, arg + 1, n - 2);
        name[n - 2] = '\0';
    } else {
        snprintf(name, sizeof(name), "%s", arg);
    }
    struct pp_file cmdline = {.dir = ".", .dir_index = -1, .user = true};
    include_file(pp, &cmdline, name, angled, false, (struct loc){0, 0, 0});
}

char *preprocess(const struct source *src, const struct preprocess_options *opts,
                 struct constants *consts)
{
    static const struct preprocess_options no_options;
    struct pp pp = {.macros = constants_macros(consts), .opts = opts ? opts : &no_options};
    pp.search = include_search_new(pp.opts->include_dirs, pp.opts->ninclude_dirs);
    predefine(pp.macros);

    for (int i = 0; i < pp.opts->ninclude_files; i++)
        include_from_command_line(&pp, pp.opts->include_files[i]);

    bool from_stdin = !src->filename || strcmp(src->filename, "stdin") == 0;
    struct pp_file script = {
        .path = src->filename ? src->filename : "stdin",
        .dir = from_stdin ? strdup(".") : dir_of(src->filename),
        .dir_index = -1,
        .text = src->text,
        .len = src->len,
        .is_script = true,
        .user = true,
        .src = *src,
    };
    buf_put(&pp.out, "", 0);
    process_file(&pp, &script);
    free_file(&script);

    include_search_free(pp.search);
    if (pp.failed) {
        free(pp.out.s);
        return NULL;
    }
    return pp.out.s;
}
