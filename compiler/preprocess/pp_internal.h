/* What the preprocessor's steps share (see preprocess.h for what the
 * preprocessor does): the state of a run and of each file it reads, the
 * output buffer, and the helpers every step uses. Private to
 * compiler/preprocess/: files there include it; nothing else does.
 *
 * The steps, in the order a line meets them:
 *   pp_lines.c       logical lines (continuations, comments), locations, errors
 *   pp_directives.c  what a '#' line says: conditionals, define, undef, include
 *   pp_conditions.c  #if/#ifdef/#elif/#else/#endif and the #if expression
 *   pp_code.c        a code line of the script: its macros expanded
 *   pp_enums.c       enumerators in code lines of headers, for named constants
 *   preprocess.c     files: the read loop, #include, the entry point */
#ifndef SOBT_PP_INTERNAL_H
#define SOBT_PP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frontend/ast.h"
#include "preprocess/include_search.h"
#include "preprocess/macros.h"
#include "preprocess/preprocess.h"

/* a function-like macro's arguments may run over this many more lines */
#define MAX_INVOCATION_LINES 64

struct buf {
    char *s;
    size_t len, cap;
};

void buf_put(struct buf *b, const char *s, size_t n);
void buf_putc(struct buf *b, char c);
void buf_newlines(struct buf *b, int n);

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
    struct buf code; /* an own header's code lines, for its type definitions */
};

struct pp {
    struct macro_table *macros;
    const struct preprocess_options *opts;
    struct include_search *search;
    int depth;
    bool failed;
    int user_macros; /* macros that expand in the script's code */
    struct buf out;
    /* type definitions of the own headers an #include of the script read,
     * one line, put on that #include's line (pp_header_types.c) */
    struct buf header_types;
};

void collect_header_types(struct buf *out, const char *s, size_t n);

/* An #include the directive asked for: the file loop reads it (pp_directives.c
 * only parses the line, so that reading files stays in one place). */
struct include_request {
    bool wanted;
    char name[1024];
    bool angled;
    bool next; /* #include_next */
    struct loc loc;
};

static inline bool pp_active(const struct pp_file *f)
{
    return f->nconds == 0 || f->conds[f->nconds - 1].active;
}

static inline const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
        p++;
    return p;
}

/* The identifier at p (after blanks): its length, 0 if none. */
static inline size_t ident_at(const char **p)
{
    *p = skip_blanks(*p);
    size_t n = 0;
    while (c_ident_char((unsigned char)(*p)[n]))
        n++;
    if (n && (*p)[0] >= '0' && (*p)[0] <= '9')
        return 0;
    return n;
}

static inline bool rest_is_blank(const char *p)
{
    return *skip_blanks(p) == '\0';
}

/* pp_lines.c */
int count_newlines_in(const char *s, const char *end);
int read_logical_line(struct pp_file *f);
struct loc directive_loc(const struct pp_file *f, size_t start);
struct loc text_loc(const struct pp_file *f, const char *p, int len);
void file_error(struct pp *pp, const struct pp_file *f, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void note_content(struct pp_file *f);

/* pp_conditions.c */
void cond_ifdef(struct pp *pp, struct pp_file *f, const char *args, bool want_defined,
                bool first_in_file, size_t hash_pos);
void cond_if(struct pp *pp, struct pp_file *f, const char *args, size_t hash_pos);
void cond_elif(struct pp *pp, struct pp_file *f, const char *name, const char *args,
               size_t hash_pos);
void cond_else(struct pp *pp, struct pp_file *f, size_t hash_pos);
void cond_endif(struct pp *pp, struct pp_file *f, size_t hash_pos);

/* pp_directives.c: the line after its '#'; an #include is left in *inc */
void handle_directive(struct pp *pp, struct pp_file *f, const char *text, size_t hash_pos,
                      struct include_request *inc);

/* pp_code.c: copy code text[start, end) to the output, macros expanded */
void emit_code(struct pp *pp, struct pp_file *f, size_t start, size_t end);

/* pp_enums.c: note the enumerators of f's current line */
void scan_enums(struct pp *pp, struct pp_file *f);

#endif
