/* Small helpers for the symbol tests: fail loudly with both texts shown
 * (line ends visible), count checks, capture a FILE into memory. */
#ifndef SOBT_TEST_SYMBOLS_CHECK_H
#define SOBT_TEST_SYMBOLS_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

static inline void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static inline void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static inline void show_visible(const char *label, const char *s)
{
    fprintf(stderr, "  %s: ", label);
    for (; s && *s; s++) {
        if (*s == '\n')
            fputs("\\n", stderr);
        else
            fputc(*s, stderr);
    }
    fputc('\n', stderr);
}

static inline void expect_text(const char *what, const char *got, const char *want)
{
    check_count++;
    if (got && strcmp(got, want) == 0)
        return;
    check_failures++;
    fprintf(stderr, "FAIL: %s\n", what);
    show_visible("got ", got ? got : "(null)");
    show_visible("want", want);
}

static inline void expect_true(const char *what, int ok)
{
    check_count++;
    if (ok)
        return;
    check_failures++;
    fprintf(stderr, "FAIL: %s\n", what);
}

static inline int check_report(const char *name)
{
    if (check_failures) {
        fprintf(stderr, "%s: %d of %d checks failed\n", name, check_failures, check_count);
        return 1;
    }
    printf("%s: %d checks passed\n", name, check_count);
    return 0;
}

struct capture {
    char *text;
    size_t len;
    FILE *out;
};

static inline FILE *capture_start(struct capture *c)
{
    c->text = NULL;
    c->len = 0;
    c->out = open_memstream(&c->text, &c->len);
    if (!c->out)
        die("open_memstream failed");
    return c->out;
}

/* The caller frees the text. */
static inline char *capture_end(struct capture *c)
{
    fclose(c->out);
    return c->text;
}

#endif
