/* Reading a file logical line by logical line, and where things are in it
 * for diagnostics. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "preprocess/pp_internal.h"

void buf_put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void buf_putc(struct buf *b, char c)
{
    buf_put(b, &c, 1);
}

void buf_newlines(struct buf *b, int n)
{
    while (n-- > 0)
        buf_putc(b, '\n');
}

int count_newlines_in(const char *s, const char *end)
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
int read_logical_line(struct pp_file *f)
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

/* The location of the directive whose logical line starts at raw offset
 * start: from its '#' to the end of its first physical line. */
struct loc directive_loc(const struct pp_file *f, size_t start)
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
struct loc text_loc(const struct pp_file *f, const char *p, int len)
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
void file_error(struct pp *pp, const struct pp_file *f, struct loc loc, const char *fmt, ...)
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
void note_content(struct pp_file *f)
{
    if (f->nconds == 0)
        f->guard_possible = false;
    f->seen_content = true;
}
