/* Type definitions of the script's own headers: `#include "defs.h"` holding
 * `struct foo { int a; long b; };` makes struct foo known to the script, as
 * clang made it known to bpftrace. The header's code lines are read for
 * their top-level struct, union and enum definitions and typedefs (function
 * prototypes, variables and function bodies are passed over), which
 * preprocess.c puts on the script's #include line, joined into one line: the
 * parser then reads them as definitions written in the script. */
#include <stdbool.h>
#include <string.h>

#include "preprocess/pp_internal.h"

static bool starts_with_word(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    return n > w && memcmp(s, word, w) == 0 &&
           !(s[w] == '_' || (s[w] >= 'a' && s[w] <= 'z') || (s[w] >= 'A' && s[w] <= 'Z') ||
             (s[w] >= '0' && s[w] <= '9'));
}

static bool is_type_definition_start(const char *s, size_t n)
{
    return starts_with_word(s, n, "struct") || starts_with_word(s, n, "union") ||
           starts_with_word(s, n, "enum");
}

/* Past the string or character literal that starts at s[i]. */
static size_t skip_literal(const char *s, size_t n, size_t i)
{
    char quote = s[i++];
    while (i < n && s[i] != quote && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < n)
            i++;
        i++;
    }
    return i < n ? i + 1 : n;
}

/* Copy s[from, to) with line ends as spaces. */
static void put_one_line(struct buf *out, const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        buf_putc(out, s[i] == '\n' || s[i] == '\r' ? ' ' : s[i]);
}

void collect_header_types(struct buf *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                         s[i] == '\f' || s[i] == '\v' || s[i] == ';'))
            i++;
        if (i >= n)
            break;
        size_t start = i;
        bool record = is_type_definition_start(s + i, n - i);
        bool typedef_ = starts_with_word(s + i, n - i, "typedef");
        size_t body_end = 0; /* just past a record's closing brace */
        int depth = 0;
        for (; i < n; i++) {
            char c = s[i];
            if (c == '"' || c == '\'') {
                i = skip_literal(s, n, i) - 1;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && depth > 0) {
                if (--depth == 0 && !body_end)
                    body_end = i + 1;
                if (depth == 0 && !record && !typedef_) {
                    i++; /* a function body ends the declaration */
                    break;
                }
            } else if (c == ';' && depth == 0) {
                i++;
                break;
            }
        }
        if (typedef_) {
            put_one_line(out, s, start, i);
            buf_putc(out, ' ');
        } else if (record && body_end) {
            /* "struct foo { ... } var;" defines struct foo; var is dropped */
            put_one_line(out, s, start, body_end);
            buf_put(out, "; ", 2);
        }
    }
}
