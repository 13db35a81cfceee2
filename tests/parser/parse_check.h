/* Shared by the parser tests (test_parser_*.c): parsing with the
 * diagnostics captured, the `-d ast` dump as text, and the two kinds of
 * table case (a dump expected, an error expected). */
#ifndef SOBT_TEST_PARSE_CHECK_H
#define SOBT_TEST_PARSE_CHECK_H

#include <stddef.h>

#include "frontend/ast.h"

/* source text -> exact `-d ast` dump, or exact diagnostic */
struct parse_case {
    const char *name;
    const char *src;
    const char *expected;
};

/* A case that went wrong (counted as a failure): what, and both texts. */
void fail(const char *name, const char *what, const char *expected, const char *got);
/* Parse text with diagnostics captured; returns the tree (or NULL) and sets
 * *diag to the text printed (caller frees). */
struct ast *parse_capturing(const char *text, size_t len, char **diag);
char *dump_to_string(const struct ast *ast);
int count_occurrences(const char *haystack, const char *needle);
/* Each case parses to exactly its dump, with no diagnostic. */
void run_dump_cases(const struct parse_case *cases, size_t n);
/* Each case fails with exactly its diagnostic. */
void run_error_cases(const struct parse_case *cases, size_t n);
/* check.h's counters are per file: the checks and failures counted here are
 * added to the caller's before its test_finish. */
void parse_check_add_counts(int *checks, int *failures);
/* `test_parser_* -e 'PROGRAM'`: print the dump (or the error) of one program. */
int dump_one(const char *program);

/* The main of a table of dump cases: `-e 'PROGRAM'` prints one dump, else
 * every case runs; the exit status of test_finish. */
int dump_cases_main(int argc, char **argv, const struct parse_case *cases, size_t n,
                    const char *name);

#endif
