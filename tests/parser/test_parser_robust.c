/* Parser tests, robustness: garbage, deep nesting, huge inputs, random
 * token sequences and mutations of real scripts -> no crash, and either a
 * tree or NULL with exactly one ERROR. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "diag.h"
#include "frontend/ast.h"
#include "parser/parse_check.h"

/* ---- robustness ---- */

/* Either a tree and no output, or NULL and exactly one "file:line:col: ERROR:". */
static void check_robust(const char *name, const char *text, size_t len)
{
    char *diag;
    struct ast *ast = parse_capturing(text, len, &diag);
    test_checks++;
    if (ast) {
        char *dump = dump_to_string(ast);
        if (diag[0] || !dump[0])
            fail(name, "tree with diagnostics or empty dump", "", diag);
        free(dump);
        ast_free(ast);
    } else if (count_occurrences(diag, "ERROR:") != 1 || strncmp(diag, "stdin:", 6) != 0) {
        fail(name, "not exactly one located ERROR", "stdin:L:C: ERROR: ...\n", diag);
    }
    free(diag);
}

static void expect_error(const char *name, const char *text, size_t len, const char *message)
{
    char *diag;
    struct ast *ast = parse_capturing(text, len, &diag);
    test_checks++;
    if (ast) {
        fail(name, "parse succeeded", message, "(a tree)\n");
        ast_free(ast);
    } else if (count_occurrences(diag, "ERROR:") != 1 || !strstr(diag, message)) {
        fail(name, "wrong diagnostic", message, diag);
    }
    free(diag);
}

static char *repeat(const char *prefix, const char *unit, int times, const char *suffix)
{
    size_t lp = strlen(prefix), lu = strlen(unit), ls = strlen(suffix);
    char *s = malloc(lp + lu * (size_t)times + ls + 1);
    char *p = s;
    memcpy(p, prefix, lp);
    p += lp;
    for (int i = 0; i < times; i++, p += lu)
        memcpy(p, unit, lu);
    memcpy(p, suffix, ls + 1);
    return s;
}

static void run_deep_nesting(void)
{
    static const char too_deep[] = "ERROR: program is too deeply nested";
    static const struct {
        const char *name, *prefix, *open, *middle, *close, *suffix, *message;
    } nests[] = {
        {"10k_parentheses", "BEGIN { @ = ", "(", "1", ")", "; }", too_deep},
        {"10k_unclosed_parentheses", "BEGIN { @ = ", "(", "1", "", "; }", too_deep},
        {"10k_braces", "BEGIN ", "{", "", "}", "", too_deep},
        {"10k_not", "BEGIN { @ = ", "!", "1", "", "; }", too_deep},
        {"10k_minus", "BEGIN { @ = ", "- ", "$x", "", "; }", too_deep},
        {"10k_map_keys", "BEGIN { @ = ", "@m[", "1", "]", "; }", too_deep},
        {"10k_ifs", "BEGIN { ", "if (1) { ", "", "} ", "}", too_deep},
        {"10k_casts", "BEGIN { @ = ", "(int8 *)", "1", "", "; }", too_deep},
        {"10k_open_brackets", "BEGIN { @ = $a", "[", "1", "]", "; }",
         "ERROR: syntax error, unexpected ["},
    };
    for (size_t i = 0; i < sizeof(nests) / sizeof(nests[0]); i++) {
        char *open = repeat(nests[i].prefix, nests[i].open, 10000, nests[i].middle);
        char *text = repeat(open, nests[i].close, 10000, nests[i].suffix);
        expect_error(nests[i].name, text, strlen(text), nests[i].message);
        free(open);
        free(text);
    }

    /* moderate nesting parses, and left-recursive chains (postfix, binary
     * operators) never nest the parser at all */
    static const struct {
        const char *name, *prefix, *open, *middle, *close, *suffix;
        int times;
    } fine[] = {
        {"500_parentheses", "BEGIN { @ = ", "(", "1", ")", "; }", 500},
        {"10k_index_chain", "BEGIN { @ = $a", "", "", "[1]", "; }", 10000},
        {"10k_field_chain", "BEGIN { @ = $a", "", "", "->b.c", "; }", 10000},
        {"10k_additions", "BEGIN { @ = 1", "", "", " + 1", "; }", 10000},
    };
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
        char *open = repeat(fine[i].prefix, fine[i].open, fine[i].times, fine[i].middle);
        char *text = repeat(open, fine[i].close, fine[i].times, fine[i].suffix);
        char *diag;
        struct ast *ast = parse_capturing(text, strlen(text), &diag);
        test_checks++;
        if (!ast)
            fail(fine[i].name, "parse failed", "", diag);
        ast_free(ast);
        free(diag);
        free(open);
        free(text);
    }
}

static void run_large_inputs(void)
{
    /* long statement lists and argument lists are iterative, not nested */
    char *text = repeat("BEGIN { ", "@x = @x + 1; ", 20000, "}");
    char *diag;
    struct ast *ast = parse_capturing(text, strlen(text), &diag);
    test_checks++;
    if (!ast || ast->root->probes[0]->then->nstmts != 20000)
        fail("20k_statements", "wrong statement count", "20000 statements\n", diag);
    ast_free(ast);
    free(diag);
    free(text);

    text = repeat("BEGIN { printf(\"\"", ", 1", 20000, "); }");
    check_robust("20k_arguments", text, strlen(text));
    free(text);

    text = repeat("BEGIN { @ = \"", "abcdefgh", 1 << 17, "\"; }");
    check_robust("1MB_string", text, strlen(text));
    free(text);

    text = repeat("BEGIN { @ = ", "a", 1 << 20, "; }");
    check_robust("1MB_identifier", text, strlen(text));
    free(text);

    text = repeat("BEGIN { @ = \"", "abcdefgh", 1 << 17, "");
    expect_error("1MB_unterminated_string", text, strlen(text),
                 "stdin:1:13: ERROR: unterminated string");
    free(text);

    text = repeat("BEGIN { /*", "comment\n", 100000, "");
    expect_error("100k_line_unterminated_comment", text, strlen(text),
                 "stdin:1:9: ERROR: unterminated comment");
    free(text);

    /* an embedded NUL is an invalid character, not the end of the text */
    static const char with_nul[] = "BEGIN { @ = 1; \0 }";
    expect_error("embedded_nul", with_nul, sizeof(with_nul) - 1,
                 "stdin:1:16: ERROR: invalid character '\\x00'");
}

static void run_random_bytes(void)
{
    char buf[512];
    char name[64];
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = test_random() % (sizeof(buf) - 1);
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)(test_random() & 0xff);
        buf[len] = '\0'; /* struct source promises a terminated text */
        snprintf(name, sizeof(name), "random_bytes_%d", iter);
        check_robust(name, buf, len);
    }
}

/* Random sequences of real tokens reach much deeper into the grammar than
 * random bytes do. */
static void run_token_soup(void)
{
    static const char *const vocabulary[] = {
        "BEGIN",
        "END",
        "t:syscalls:sys_enter_*",
        "uprobe:/bin/sh:main",
        ",",
        "/",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ";",
        "=",
        "+=",
        "<<=",
        "==",
        "!=",
        "&&",
        "||",
        "?",
        ":",
        ".",
        "->",
        "++",
        "--",
        "!",
        "~",
        "*",
        "&",
        "-",
        "+",
        "%",
        "<",
        ">>",
        "@",
        "@map",
        "$x",
        "$1",
        "pid",
        "count",
        "42",
        "0x1f",
        "1e3",
        "\"s\\n\"",
        "\"open",
        "if",
        "else",
        "while",
        "unroll",
        "let",
        "return",
        "break",
        "continue",
        "sizeof",
        "struct",
        "sock",
        "uint32",
        "config",
        "//c\n",
        "/* c */",
        "/* open",
        "#include <x.h>\n",
        "\n",
        "`",
        "\x80",
        "\"\\q\"",
        "099",
        "99999999999999999999",
    };
    const int nwords = (int)(sizeof(vocabulary) / sizeof(vocabulary[0]));
    char buf[1024];
    char name[64];
    for (int iter = 0; iter < 5000; iter++) {
        size_t len = 0;
        if (test_random() % 2) {
            memcpy(buf, "BEGIN { ", 8);
            len = 8;
        }
        int words = (int)(test_random() % 40);
        for (int w = 0; w < words; w++) {
            const char *word = vocabulary[test_random() % (uint64_t)nwords];
            size_t wl = strlen(word);
            if (len + wl + 2 >= sizeof(buf))
                break;
            memcpy(buf + len, word, wl);
            len += wl;
            buf[len++] = test_random() % 4 ? ' ' : '\n';
        }
        buf[len] = '\0';
        snprintf(name, sizeof(name), "token_soup_%d", iter);
        check_robust(name, buf, len);
    }
}

/* Single-character edits of a real script. */
static void run_mutations(void)
{
    static const char script[] =
        "#!/usr/bin/env bpftrace\n"
        "#include <net/sock.h>\n"
        "config = { max_map_keys = 1024 }\n"
        "tracepoint:syscalls:sys_enter_connect /args->uservaddr != 0/\n"
        "{\n"
        "    $sa = (struct sockaddr *)args->uservaddr;\n"
        "    if ($sa->sa_family == AF_INET) {\n"
        "        @start[tid] = nsecs; @[comm, \"v4\\n\"] = count();\n"
        "    } else { @other++; }\n"
        "}\n"
        "interval:s:1 { print(@start); clear(@start); $i = 0; while ($i < 3) { $i += 1 } }\n";
    const size_t len = sizeof(script) - 1;
    static const char edits[] = "{}()[];/\"*@$#:,=\n \\x0";
    char buf[sizeof(script) + 1];
    char name[64];
    check_robust("mutation_original", script, len);
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(buf, script, len);
        size_t n = len;
        size_t at = test_random() % len;
        char c = edits[test_random() % (sizeof(edits) - 1)];
        switch (test_random() % 3) {
        case 0: /* replace */
            buf[at] = c;
            break;
        case 1: /* delete */
            memmove(buf + at, buf + at + 1, len - at - 1);
            n--;
            break;
        default: /* insert */
            memmove(buf + at + 1, buf + at, len - at);
            buf[at] = c;
            n++;
        }
        buf[n] = '\0';
        snprintf(name, sizeof(name), "mutation_%d", iter);
        check_robust(name, buf, n);
    }
}

int main(void)
{
    run_deep_nesting();
    run_large_inputs();
    run_random_bytes();
    run_token_soup();
    run_mutations();
    parse_check_add_counts(&test_checks, &test_failures);
    return test_finish("test_parser_robust");
}
