/* C preprocessor macros: the table the preprocessor fills (from the script and
 * the headers it includes), C-token expansion with the standard rescanning
 * rules, and evaluation of integer constant expressions (for #if and for the
 * resolver's named constants).
 *
 * Only what bpftrace scripts and the headers they include need: object-like
 * and function-like macros (with #, ## and __VA_ARGS__), and integer
 * arithmetic with casts and sizeof of basic types. C declarations are never
 * parsed here, except enumerators (macros_add_enum). */
#ifndef SOBT_MACROS_H
#define SOBT_MACROS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A string-keyed hash map. Keys are not copied: they must outlive the map. */
struct name_map {
    const char **keys;
    void **values;
    size_t cap, count;
};
void *name_map_get(const struct name_map *m, const char *key, size_t keylen);
void name_map_put(struct name_map *m, const char *key, void *value);
void name_map_free(struct name_map *m);

/* Where a definition came from. Script and user-header macros are expanded in
 * the script's code; system-header macros only answer constant lookups. */
enum macro_origin {
    MACRO_PREDEFINED,
    MACRO_SCRIPT,
    MACRO_USER_HEADER,
    MACRO_SYSTEM_HEADER,
};

struct macro {
    char *name;
    char *body; /* replacement text, comments removed, trimmed */
    char **params;
    int nparams;
    bool function_like;
    bool variadic; /* the last parameter is "..." (__VA_ARGS__) or "name..." */
    bool defined;  /* false after #undef (the entry stays for reuse) */
    enum macro_origin origin;
    /* Textual expansion in script code: false for an object-like macro whose
     * body is a plain integer, which stays an identifier and is resolved as a
     * constant (so the columns of the line stay as written). */
    bool expand_in_script;
    /* constant_lookup's memo: 0 not evaluated, 1 memo_value is the value,
     * -1 not an integer constant */
    signed char memo;
    int64_t memo_value;
};

struct macro_table {
    struct name_map macros; /* name -> struct macro */
    struct name_map enums;  /* enumerator name -> struct header_enum */
    void *enum_list;        /* owned struct header_enum entries */
};

struct macro_table *macro_table_new(void);
void macro_table_free(struct macro_table *t);

/* The defined macro called name[0..len), or NULL. */
const struct macro *macro_find(const struct macro_table *t, const char *name, size_t len);

/* Parse the text after "#define" ("NAME(a, b) body" or "NAME body"), comments
 * already removed, and define it (*defined, if not NULL, is set to the entry).
 * NULL on success, else a message for the user (the table is unchanged). */
const char *macro_define(struct macro_table *t, const char *text, enum macro_origin origin,
                         struct macro **defined);
/* Define NAME as body (predefined macros). */
void macro_define_simple(struct macro_table *t, const char *name, const char *body,
                         enum macro_origin origin);
void macro_undef(struct macro_table *t, const char *name, size_t len);

/* Enumerators read from headers (enum { A = 1, B, ... }). */
void macros_add_enum(struct macro_table *t, const char *name, size_t len, int64_t value);
bool macros_enum_value(const struct macro_table *t, const char *name, size_t len, int64_t *value);

/* ---- tokens ---- */

enum tok_kind { TK_IDENT, TK_NUMBER, TK_CHAR, TK_STRING, TK_PUNCT };

struct hideset;

struct tok {
    enum tok_kind kind;
    const char *text;
    int len;
    /* Whitespace before the token in its source: ws_len characters at ws
     * (for tokens of the script line, so the output keeps its spacing);
     * tokens from macro bodies only know whether there was any. */
    const char *ws;
    int ws_len;
    bool space_before;
    /* Where the user wrote it: the token's own text for tokens read from the
     * script, the macro use's for tokens a macro body produced (so an error
     * inside an expansion points at the use). */
    const char *origin;
    const struct hideset *hide;
};

struct tok_list {
    struct tok *v;
    int n, cap;
};

static inline bool c_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool c_ident_char(int c)
{
    return c_ident_start(c) || (c >= '0' && c <= '9');
}

/* Is the token exactly the text s? */
static inline bool tok_is(const struct tok *t, const char *s)
{
    return (int)strlen(s) == t->len && memcmp(t->text, s, t->len) == 0;
}
void tok_list_push(struct tok_list *l, struct tok t);
void tok_list_free(struct tok_list *l);

/* Tokenize text[0..len) as C tokens, appending to out. Comments become
 * whitespace. Stops early at "//" or at a "/ *" that does not close within
 * text: *stopped_at (if not NULL) is then set to where, else to text + len. */
void tokenize(const char *text, size_t len, struct tok_list *out, const char **stopped_at);

/* ---- expansion ---- */

enum expand_mode {
    EXPAND_IF,     /* #if: "defined X" and __has_include(...) are kept for eval */
    EXPAND_EVAL,   /* a constant's value */
    EXPAND_SCRIPT, /* script code: only macros with expand_in_script, never @x/$x */
};

/* Why an expansion failed: for the script's diagnostics. */
struct expand_error {
    const char *message; /* NULL: no error */
    const char *at;      /* the origin of the macro use */
};

/* Fully macro-expand in into out. Memory of new tokens lives in arena, which
 * the caller frees with expand_arena_free after it is done with out. */
struct expand_arena;
struct expand_arena *expand_arena_new(void);
void expand_arena_free(struct expand_arena *a);
bool macro_expand(const struct macro_table *t, enum expand_mode mode, const struct tok_list *in,
                  struct tok_list *out, struct expand_arena *arena, struct expand_error *err);

/* ---- evaluation ---- */

struct eval_hooks {
    /* identifiers left after expansion (EXPAND_EVAL): return true with *value
     * when known. NULL: every identifier is unknown. */
    bool (*identifier)(void *ctx, const char *name, size_t len, int64_t *value);
    /* __has_include / __has_include_next (EXPAND_IF) */
    bool (*has_include)(void *ctx, const char *name, bool angled, bool next);
    void *ctx;
};

enum eval_status {
    EVAL_OK,
    EVAL_NOT_CONSTANT, /* strings, unknown identifiers (EXPAND_EVAL), ... */
    EVAL_SYNTAX,       /* not an expression */
    EVAL_DIV_ZERO,
    EVAL_UNDEFINED_CALL, /* NAME(...) where NAME is no function-like macro (#if) */
};

/* Evaluate an expanded token list. In #if mode an identifier is 0 and
 * "defined X" asks t. */
enum eval_status eval_tokens(const struct macro_table *t, const struct tok_list *toks, bool if_mode,
                             const struct eval_hooks *hooks, int64_t *value);

/* Expand and evaluate the macro NAME (EXPAND_EVAL). */
bool macro_value(const struct macro_table *t, const struct macro *m, const struct eval_hooks *hooks,
                 int64_t *value);

#endif
