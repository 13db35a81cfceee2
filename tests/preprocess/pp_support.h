/* What the preprocessor tests share: a scratch directory, running the
 * preprocessor with its diagnostics captured, and comparisons of its output
 * and of named constants. Included by each test (one per executable), so the
 * checks count in that test's tally. */
#ifndef SOBT_TESTS_PP_SUPPORT_H
#define SOBT_TESTS_PP_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtins/builtins.h"
#include "common/check.h"
#include "diag.h"
#include "preprocess/constants.h"
#include "preprocess/macros.h"
#include "preprocess/preprocess.h"

static inline int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A scratch directory for scripts and headers. */
static char tmpdir[] = "/tmp/sobt-pp-XXXXXX";

static inline void write_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdir(path, 0755); /* one level of subdirectory is all the tests use */
    *slash = '/';
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

struct result {
    char *out;  /* NULL on error */
    char *diag; /* what was printed */
    struct constants *consts;
};

static inline struct result run_pp(const char *filename, const char *text,
                            const struct preprocess_options *opts)
{
    struct result r = {.consts = constants_new()};
    size_t diag_len = 0;
    FILE *mem = open_memstream(&r.diag, &diag_len);
    diag_stream = mem;
    struct source src = {.filename = (char *)filename, .text = (char *)text, .len = strlen(text)};
    /* as the compiler runs it: built-in variable names are reserved */
    struct preprocess_options with_reserved = {0};
    if (opts)
        with_reserved = *opts;
    with_reserved.reserved_name = builtin_is_variable;
    r.out = preprocess(&src, &with_reserved, r.consts);
    diag_stream = NULL;
    fclose(mem);
    return r;
}

static inline void free_result(struct result *r)
{
    free(r->out);
    free(r->diag);
    constants_free(r->consts);
}

/* Preprocess and compare the output text and the diagnostics exactly. */
static inline void expect_pp(const char *name, const char *text, const char *expected_out,
                      const char *expected_diag)
{
    struct result r = run_pp("test.bt", text, NULL);
    expect_text(name, r.out, expected_out);
    expect_text(name, r.diag, expected_diag ? expected_diag : "");
    if (r.out)
        CHECK(count_lines(r.out) == count_lines(text), "%s: %d lines in, %d out", name,
              count_lines(text), count_lines(r.out));
    free_result(&r);
}

static inline void expect_value(const struct constants *c, const char *name, int64_t expected)
{
    int64_t v = -12345;
    bool found = constant_lookup(c, name, &v);
    CHECK(found && v == expected, "%s: expected %lld, got %s%lld", name, (long long)expected,
          found ? "" : "(not found) ", (long long)v);
}

static inline void expect_unknown(const struct constants *c, const char *name)
{
    int64_t v;
    CHECK(!constant_lookup(c, name, &v), "%s should be unknown, is %lld", name, (long long)v);
}

static inline void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

static inline void make_tmpdir(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        exit(2);
    }
}

#endif
