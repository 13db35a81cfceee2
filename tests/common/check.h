/* The C tests' one assertion kit: checks that count and go on, requirements
 * that stop the test, text comparisons that show both sides, and capture of
 * what a FILE receives. Every C test ends with `return test_finish(name);`.
 *
 *   CHECK(cond)                  counts; on failure prints the condition
 *   CHECK(cond, "fmt", ...)      the same with a message of its own
 *   CHECK_STR(got, want)         strings equal (NULL never equals)
 *   CHECK_INT(got, want)         integers equal
 *   REQUIRE(cond, "fmt", ...)    stops the test at once (setup that later
 *                                checks depend on)
 *   expect_text(what, got, want) strings equal; on failure shows both with
 *                                visible line ends and the first difference
 *   expect_true(what, ok)        a named condition */
#ifndef SOBT_TESTS_COMMON_CHECK_H
#define SOBT_TESTS_COMMON_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CHECK(cond) passes "" as the message format: an empty format means "print
 * the condition", which gcc would otherwise flag. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

static int test_failures __attribute__((unused));
static int test_checks __attribute__((unused));

static inline void check_failed(const char *file, int line, const char *cond, const char *fmt,
                                ...) __attribute__((format(printf, 4, 5)));
static inline void check_failed(const char *file, int line, const char *cond, const char *fmt,
                                ...)
{
    test_failures++;
    fprintf(stderr, "%s:%d: FAIL: ", file, line);
    if (fmt[0]) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    } else {
        fputs(cond, stderr);
    }
    fputc('\n', stderr);
}

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

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        test_checks++;                                                                             \
        if (!(cond))                                                                               \
            check_failed(__FILE__, __LINE__, #cond, "" __VA_ARGS__);                               \
    } while (0)

#define REQUIRE(cond, ...)                                                                         \
    do {                                                                                           \
        test_checks++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failed(__FILE__, __LINE__, #cond, "" __VA_ARGS__);                               \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *got_ = (got), *want_ = (want);                                                 \
        CHECK(got_ && strcmp(got_, want_) == 0, "%s\n    got:  \"%s\"\n    want: \"%s\"", #got,  \
              got_ ? got_ : "(null)", want_);                                                      \
    } while (0)

#define CHECK_INT(got, want)                                                                       \
    do {                                                                                           \
        long long got_ = (long long)(got), want_ = (long long)(want);                              \
        CHECK(got_ == want_, "%s == %lld, want %lld", #got, got_, want_);                          \
    } while (0)

static inline void print_visible(const char *label, const char *s)
{
    fprintf(stderr, "---- %s ----\n", label);
    for (; s && *s; s++) {
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
    if (got == want || (got && want && strcmp(got, want) == 0))
        return;
    test_failures++;
    fprintf(stderr, "FAIL: %s\n", what);
    if (!got || !want) {
        fprintf(stderr, "  %s is NULL\n", got ? "the expected text" : "the text");
        print_visible(got ? "got" : "expected", got ? got : want);
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

/* Ends the capture; the caller frees the returned text. */
static inline char *capture_end(struct capture *c)
{
    fclose(c->out);
    return c->text;
}

/* A small deterministic generator (xorshift64) for the fuzz-style tests:
 * the same seed gives the same inputs, so a failure reproduces. */
static uint64_t test_rng_state __attribute__((unused)) = 0x9e3779b97f4a7c15ull;

static inline uint64_t test_random(void)
{
    test_rng_state ^= test_rng_state << 13;
    test_rng_state ^= test_rng_state >> 7;
    test_rng_state ^= test_rng_state << 17;
    return test_rng_state;
}

static inline int test_finish(const char *name)
{
    if (test_failures) {
        fprintf(stderr, "%s: %d of %d checks FAILED\n", name, test_failures, test_checks);
        return 1;
    }
    printf("%s: all %d checks passed\n", name, test_checks);
    return 0;
}

#endif
