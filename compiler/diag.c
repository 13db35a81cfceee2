#include "diag.h"

#include <stdarg.h>
#include <string.h>

FILE *diag_stream;
bool diag_no_warnings;

static FILE *stream(void)
{
    return diag_stream ? diag_stream : stderr;
}

/* How a diagnostic points into the source: sobt's own caret form, or the
 * span form bpftrace 0.17 uses for warnings raised while tracing (-k):
 *
 *   stdin:1:25: ERROR: ...          stdin:1:25-30: WARNING: ...
 *   <line>                          <line>
 *           ^~~~~                           ~~~~~                        */
enum pointer_style { POINT_CARET, POINT_SPAN };

static int end_column(struct loc loc)
{
    int col = loc.col > 0 ? loc.col : 1;
    return loc.end_col > col ? loc.end_col : col + 1;
}

/* Print the line `line` (1-based) of the source and an underline under
 * columns [col, end_col). */
static void show_source_line(FILE *out, const struct source *src, struct loc loc,
                             enum pointer_style style)
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
    fprintf(out, "%.*s\n", (int)n, p);
    int col = loc.col > 0 ? loc.col : 1;
    int end = end_column(loc);
    for (int c = 1; c < col; c++)
        fputc(p[c - 1] == '\t' && (size_t)(c - 1) < n ? '\t' : ' ', out);
    fputc(style == POINT_CARET ? '^' : '~', out);
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

bool diag_color;

/* "ERROR: " or "WARNING: ", in red or yellow under BPFTRACE_COLOR. */
static void put_level(FILE *out, const char *what)
{
    if (diag_color)
        fprintf(out, "\033[%sm%s:\033[0m ", strcmp(what, "ERROR") == 0 ? "31" : "33", what);
    else
        fprintf(out, "%s: ", what);
}

static void report(FILE *out, const char *what, const struct source *src, struct loc loc,
                   enum pointer_style style, const char *fmt, va_list ap)
{
    const char *name = src && src->filename ? src->filename : "stdin";
    if (style == POINT_SPAN)
        fprintf(out, "%s:%d:%d-%d: ", name, loc.line, loc.col, end_column(loc));
    else
        fprintf(out, "%s:%d:%d: ", name, loc.line, loc.col);
    put_level(out, what);
    put_message(out, fmt, ap);
    show_source_line(out, src, loc, style);
}

void diag_error(const struct source *src, struct loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(stream(), "ERROR", src, loc, POINT_CARET, fmt, ap);
    va_end(ap);
}

void diag_warning(const struct source *src, struct loc loc, const char *fmt, ...)
{
    if (diag_no_warnings)
        return;
    va_list ap;
    va_start(ap, fmt);
    report(stream(), "WARNING", src, loc, POINT_CARET, fmt, ap);
    va_end(ap);
}

void diag_warning_span(FILE *out, const struct source *src, struct loc loc, const char *fmt, ...)
{
    if (diag_no_warnings)
        return;
    va_list ap;
    va_start(ap, fmt);
    report(out, "WARNING", src, loc, POINT_SPAN, fmt, ap);
    va_end(ap);
}

void diag_plain_warning(const char *fmt, ...)
{
    if (diag_no_warnings)
        return;
    va_list ap;
    va_start(ap, fmt);
    FILE *out = stream();
    put_level(out, "WARNING");
    put_message(out, fmt, ap);
    va_end(ap);
}

void diag_plain_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    FILE *out = stream();
    put_level(out, "ERROR");
    put_message(out, fmt, ap);
    va_end(ap);
}
