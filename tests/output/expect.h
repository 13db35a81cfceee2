/* Tiny helpers shared by the output tests: capture a FILE into memory and
 * compare text, printing both sides (with visible line ends) on a mismatch. */
#ifndef SOBT_TEST_EXPECT_H
#define SOBT_TEST_EXPECT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;

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
    if (!c->out) {
        perror("open_memstream");
        exit(1);
    }
    return c->out;
}

/* Ends the capture; the caller frees the returned text. */
static inline char *capture_end(struct capture *c)
{
    fclose(c->out);
    return c->text;
}

static inline void print_visible(const char *label, const char *s)
{
    fprintf(stderr, "---- %s ----\n", label);
    for (; *s; s++) {
        if (*s == '\n')
            fputs("$\n", stderr);
        else
            fputc(*s, stderr);
    }
    fputs("<end>\n", stderr);
}

static inline void expect_text(const char *what, const char *got, const char *want)
{
    test_checks++;
    if (got && strcmp(got, want) == 0)
        return;
    test_failures++;
    fprintf(stderr, "FAIL: %s\n", what);
    if (!got) {
        fputs("  (no output)\n", stderr);
        return;
    }
    size_t i = 0;
    while (got[i] && got[i] == want[i])
        i++;
    fprintf(stderr, "  first difference at byte %zu\n", i);
    print_visible("expected", want);
    print_visible("got", got);
}

static inline void expect_true(const char *what, int ok)
{
    test_checks++;
    if (ok)
        return;
    test_failures++;
    fprintf(stderr, "FAIL: %s\n", what);
}

static inline int test_summary(const char *name)
{
    if (test_failures) {
        fprintf(stderr, "%s: %d of %d checks FAILED\n", name, test_failures, test_checks);
        return 1;
    }
    printf("%s: all %d checks passed\n", name, test_checks);
    return 0;
}

#endif
