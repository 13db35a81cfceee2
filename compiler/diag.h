/* Diagnostics in bpftrace's shape:
 *
 *   FILE:LINE:COL: ERROR: message
 *   <the source line>
 *       ^~~~~
 *
 * Everything the user did wrong goes through here so the format is one. */
#ifndef SOBT_DIAG_H
#define SOBT_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "frontend/ast.h"

/* Where diagnostics go (stderr by default; tests redirect it). */
extern FILE *diag_stream;
/* BPFTRACE_COLOR: "ERROR:" in red and "WARNING:" in yellow. */
extern bool diag_color;
/* --no-warnings: every warning below prints nothing. */
extern bool diag_no_warnings;

void diag_error(const struct source *src, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warning(const struct source *src, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A warning raised while tracing, in bpftrace 0.17's form: the header says
 * FILE:LINE:COL-ENDCOL and the span is underlined with '~' only. It goes to
 * `out`: bpftrace 0.17 prints -k warnings in the program's output. */
void diag_warning_span(FILE *out, const struct source *src, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A warning with no position in the script. */
void diag_plain_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An error with no position in the script (e.g. a kernel refusal at attach). */
void diag_plain_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
