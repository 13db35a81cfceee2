#include "diag.h"

#include <stdarg.h>
#include <string.h>

FILE *diag_stream;

static FILE *stream(void)
{
    return diag_stream ? diag_stream : stderr;
}

/* Print the line `line` (1-based) of the source and an underline under
 * columns [col, end_col). */
static void show_source_line(const struct source *src, struct loc loc)
{
    if (!src || !src->text || loc.line <= 0)
        return;
    const char *p = src->text;
    for (int l = 1; l < loc.line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return;
    size_t n = strcspn(p, "\n");
    FILE *out = stream();
    fprintf(out, "%.*s\n", (int)n, p);
    int col = loc.col > 0 ? loc.col : 1;
    int end = loc.end_col > col ? loc.end_col : col + 1;
    for (int c = 1; c < col; c++)
        fputc(p[c - 1] == '\t' && (size_t)(c - 1) < n ? '\t' : ' ', out);
    fputc('^', out);
    for (int c = col + 1; c < end; c++)
        fputc('~', out);
    fputc('\n', out);
}

/* Format into a buffer first: gcc's -fsanitize=undefined instrumentation
 * makes it warn (wrongly) that vfprintf's format may be null. */
static void put_message(FILE *out, const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    fputs(msg, out);
    fputc('\n', out);
}

static void report(const char *what, const struct source *src, struct loc loc, const char *fmt,
                   va_list ap)
{
    FILE *out = stream();
    fprintf(out, "%s:%d:%d: %s: ", src && src->filename ? src->filename : "stdin", loc.line,
            loc.col, what);
    put_message(out, fmt, ap);
    show_source_line(src, loc);
}

void diag_error(const struct source *src, struct loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report("ERROR", src, loc, fmt, ap);
    va_end(ap);
}

void diag_warning(const struct source *src, struct loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report("WARNING", src, loc, fmt, ap);
    va_end(ap);
}

void diag_plain_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    FILE *out = stream();
    fputs("ERROR: ", out);
    put_message(out, fmt, ap);
    va_end(ap);
}
