/* Helpers shared by the parser tests (parse_check.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "diag.h"
#include "frontend/ast.h"
#include "parser/parse_check.h"

/* A case that went wrong (the caller counted the check): what, and both texts. */
void fail(const char *name, const char *what, const char *expected, const char *got)
{
    test_failures++;
    fprintf(stderr, "FAIL %s: %s\n", name, what);
    print_visible("expected", expected ? expected : "(none)\n");
    print_visible("got", got ? got : "(none)\n");
}

/* Parse src with diagnostics captured; returns the tree (or NULL) and sets
 * *diag to the text printed (caller frees). */
struct ast *parse_capturing(const char *text, size_t len, char **diag)
{
    size_t diag_len = 0;
    *diag = NULL;
    FILE *mem = open_memstream(diag, &diag_len);
    if (!mem) {
        perror("open_memstream");
        exit(2);
    }
    diag_stream = mem;
    struct source src = {.filename = "stdin", .text = (char *)text, .len = len};
    struct ast *ast = parse_program(&src);
    diag_stream = NULL;
    fclose(mem);
    if (ast)
        ast->src = NULL; /* src lives on this stack frame only */
    return ast;
}

char *dump_to_string(const struct ast *ast)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        perror("open_memstream");
        exit(2);
    }
    ast_dump(ast, mem);
    fclose(mem);
    return text;
}

int count_occurrences(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

void run_dump_cases(const struct parse_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct parse_case *c = &cases[i];
        char *diag;
        struct ast *ast = parse_capturing(c->src, strlen(c->src), &diag);
        test_checks++;
        if (!ast) {
            fail(c->name, "parse failed", c->expected, diag);
        } else {
            char *got = dump_to_string(ast);
            if (strcmp(got, c->expected) != 0)
                fail(c->name, "dump differs", c->expected, got);
            else if (diag[0])
                fail(c->name, "unexpected diagnostic", "", diag);
            free(got);
            ast_free(ast);
        }
        free(diag);
    }
}

void run_error_cases(const struct parse_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct parse_case *c = &cases[i];
        char *diag;
        struct ast *ast = parse_capturing(c->src, strlen(c->src), &diag);
        test_checks++;
        if (ast) {
            char *got = dump_to_string(ast);
            fail(c->name, "parse succeeded", c->expected, got);
            free(got);
            ast_free(ast);
        } else if (strcmp(diag, c->expected) != 0) {
            fail(c->name, "diagnostic differs", c->expected, diag);
        }
        free(diag);
    }
}

int dump_one(const char *program)
{
    struct source src = {.filename = "stdin", .text = (char *)program, .len = strlen(program)};
    struct ast *ast = parse_program(&src);
    if (!ast)
        return 1;
    ast_dump(ast, stdout);
    ast_free(ast);
    return 0;
}

void parse_check_add_counts(int *checks, int *failures)
{
    *checks += test_checks;
    *failures += test_failures;
    test_checks = test_failures = 0;
}

int dump_cases_main(int argc, char **argv, const struct parse_case *cases, size_t n,
                    const char *name)
{
    if (argc == 3 && strcmp(argv[1], "-e") == 0)
        return dump_one(argv[2]);
    run_dump_cases(cases, n);
    printf("%zu dump cases\n", n);
    return test_finish(name);
}
