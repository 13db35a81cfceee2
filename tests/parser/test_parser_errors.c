/* Parser tests, errors and locations: bad source -> exact diagnostic;
 * every node's location.
 *
 *   test_parser_errors               run the cases; exit status 1 on any failure
 *   test_parser_errors -e 'PROGRAM'  print the dump (or the error) of one program */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "diag.h"
#include "frontend/ast.h"
#include "parser/parse_check.h"

static const struct parse_case error_cases[] = {
    {"char_literal_two_characters", "BEGIN { $c = 'ab'; }",
     "stdin:1:14: ERROR: a character literal holds exactly one character\n"
     "BEGIN { $c = 'ab'; }\n"
     "             ^~~~\n"},
    {"char_literal_unterminated", "BEGIN { $c = 'a; }",
     "stdin:1:14: ERROR: unterminated character literal\n"
     "BEGIN { $c = 'a; }\n"
     "             ^~~~~\n"},
    {"block_expression_without_value", "BEGIN { $x = { $y = 1; }; }",
     "stdin:1:24: ERROR: syntax error, unexpected }\n"
     "BEGIN { $x = { $y = 1; }; }\n"
     "                       ^\n"},
    {"missing_operand", "BEGIN { @x = 1 +; }",
     "stdin:1:17: ERROR: syntax error, unexpected ;\n"
     "BEGIN { @x = 1 +; }\n"
     "                ^\n"},
    {"unterminated_string", "BEGIN { @x = \"abc }",
     "stdin:1:14: ERROR: unterminated string\n"
     "BEGIN { @x = \"abc }\n"
     "             ^~~~~~\n"},
    {"string_with_newline",
     "BEGIN { @x = \"ab\n"
     "cd\"; }",
     "stdin:1:14: ERROR: unterminated string\n"
     "BEGIN { @x = \"ab\n"
     "             ^~~\n"},
    {"invalid_character", "BEGIN { ` }",
     "stdin:1:9: ERROR: invalid character '`'\n"
     "BEGIN { ` }\n"
     "        ^\n"},
    {"invalid_byte",
     "BEGIN { \x01"
     " }",
     "stdin:1:9: ERROR: invalid character '\\x01'\n"
     "BEGIN { \x01"
     " }\n"
     "        ^\n"},
    {"unterminated_comment",
     "BEGIN { /* abc\n"
     " more }",
     "stdin:1:9: ERROR: unterminated comment\n"
     "BEGIN { /* abc\n"
     "        ^~\n"},
    {"empty_program", "",
     "stdin:1:1: ERROR: syntax error, unexpected end of file, expecting attach point or config or let or macro\n"
     "\n"
     "^\n"},
    {"only_comment", "// nothing\n",
     "stdin:1:1: ERROR: syntax error, unexpected end of file, expecting attach point or config or let or macro\n"
     "// nothing\n"
     "^\n"},
    {"predicate_division_number", "BEGIN /pid / 2/ { exit() }",
     "stdin:1:14: ERROR: syntax error, unexpected 2 after the predicate (a division inside a "
     "predicate must be in parentheses: /(a / b) > 1/)\n"
     "BEGIN /pid / 2/ { exit() }\n"
     "             ^\n"},
    {"predicate_division_identifier", "BEGIN /pid / b/ { exit() }",
     "stdin:1:14: ERROR: syntax error, unexpected attach point, expecting { (a division inside a "
     "predicate must be in parentheses: /(a / b) > 1/)\n"
     "BEGIN /pid / b/ { exit() }\n"
     "             ^\n"},
    {"predicate_unclosed", "BEGIN /pid == 1 { exit(); }",
     "stdin:1:17: ERROR: syntax error, unexpected {, expecting / (the predicate is missing its "
     "closing '/')\n"
     "BEGIN /pid == 1 { exit(); }\n"
     "                ^\n"},
    {"invalid_escape", "BEGIN { printf(\"\\q\") }",
     "stdin:1:17: ERROR: invalid escape character '\\q'\n"
     "BEGIN { printf(\"\\q\") }\n"
     "                ^~\n"},
    {"hex_escape_without_digits", "BEGIN { @ = \"\\x\"; }",
     "stdin:1:14: ERROR: \\x used with no following hex digits\n"
     "BEGIN { @ = \"\\x\"; }\n"
     "             ^~\n"},
    {"octal_escape_out_of_range", "BEGIN { @ = \"\\777\"; }",
     "stdin:1:14: ERROR: octal escape sequence out of range\n"
     "BEGIN { @ = \"\\777\"; }\n"
     "             ^~~~\n"},
    {"eof_in_block", "BEGIN { @x = 1\n",
     "stdin:1:15: ERROR: syntax error, unexpected end of file, expecting } or ;\n"
     "BEGIN { @x = 1\n"
     "              ^\n"},
    {"probe_without_block", "BEGIN",
     "stdin:1:6: ERROR: syntax error, unexpected end of file, expecting / or { or ,\n"
     "BEGIN\n"
     "     ^\n"},
    {"bad_octal", "BEGIN { @x = 09; }",
     "stdin:1:14: ERROR: invalid digit '9' in octal integer '09'\n"
     "BEGIN { @x = 09; }\n"
     "             ^~\n"},
    {"integer_too_large", "BEGIN { @x = 99999999999999999999; }",
     "stdin:1:14: ERROR: integer '99999999999999999999' is too large\n"
     "BEGIN { @x = 99999999999999999999; }\n"
     "             ^~~~~~~~~~~~~~~~~~~~\n"},
    {"map_key_unclosed", "BEGIN { @x[1 = 2; }",
     "stdin:1:14: ERROR: syntax error, unexpected =, expecting , or ]\n"
     "BEGIN { @x[1 = 2; }\n"
     "             ^\n"},
    {"error_on_later_line",
     "BEGIN {\n"
     "\t@x = (1 +\n"
     "\t\t2;\n"
     "}",
     "stdin:3:4: ERROR: syntax error, unexpected ;, expecting , or )\n"
     "\t\t2;\n"
     "\t\t ^\n"},
    {"field_assignment", "BEGIN { $x->a = 1 }",
     "stdin:1:15: ERROR: syntax error, unexpected =, expecting } or ;\n"
     "BEGIN { $x->a = 1 }\n"
     "              ^\n"},
    {"stray_close_brace", "}",
     "stdin:1:1: ERROR: syntax error, unexpected }, expecting attach point or config or let or macro\n"
     "}\n"
     "^\n"},
    {"extra_close_brace", "BEGIN { @x = 1 } }",
     "stdin:1:18: ERROR: syntax error, unexpected }, expecting end of file or attach point or let or macro\n"
     "BEGIN { @x = 1 } }\n"
     "                 ^\n"},
    {"for_range_without_end", "BEGIN { for ($i : 0..) { } }",
     "stdin:1:22: ERROR: syntax error, unexpected )\n"
     "BEGIN { for ($i : 0..) { } }\n"
     "                     ^\n"},
    {"for_over_map_variable", "BEGIN { for (@m : @x) { } }",
     "stdin:1:14: ERROR: syntax error, unexpected map, expecting variable\n"
     "BEGIN { for (@m : @x) { } }\n"
     "             ^~\n"},
    {"map_declaration_without_semicolon", "let @m = hash(10) BEGIN { }",
     "stdin:1:19: ERROR: syntax error, unexpected identifier, expecting ;\n"
     "let @m = hash(10) BEGIN { }\n"
     "                  ^~~~~\n"},
    {"while_without_block", "BEGIN { while $x > 0 }",
     "stdin:1:22: ERROR: syntax error, unexpected }, expecting {\n"
     "BEGIN { while $x > 0 }\n"
     "                     ^\n"},
    {"cast_without_operand", "BEGIN { @x = (struct sock *); }",
     "stdin:1:29: ERROR: syntax error, unexpected ;\n"
     "BEGIN { @x = (struct sock *); }\n"
     "                            ^\n"},
    {"let_without_variable", "BEGIN { let x = 1; }",
     "stdin:1:13: ERROR: syntax error, unexpected identifier, expecting variable\n"
     "BEGIN { let x = 1; }\n"
     "            ^\n"},
    {"dollar_alone", "BEGIN { $ }",
     "stdin:1:9: ERROR: invalid character '$'\n"
     "BEGIN { $ }\n"
     "        ^\n"},
    {"config_after_probe", "BEGIN { } config = { a = 1 }",
     "stdin:1:11: ERROR: syntax error, unexpected config, expecting end of file or attach point or let or macro\n"
     "BEGIN { } config = { a = 1 }\n"
     "          ^~~~~~\n"},
    {"unterminated_c_definition",
     "struct foo {\n"
     " int a;\n"
     "BEGIN { }",
     "stdin:1:1: ERROR: unterminated struct definition\n"
     "struct foo {\n"
     "^~~~~~~~~~~~\n"},
    {"missing_semicolon", "BEGIN { @a = 1 @b = 2 }",
     "stdin:1:16: ERROR: syntax error, unexpected map, expecting } or ;\n"
     "BEGIN { @a = 1 @b = 2 }\n"
     "               ^~\n"},
};

/* ---- locations ---- */

static const char *kind_name(enum node_kind k)
{
    static const char *const names[] = {
        [N_INT] = "int",        [N_STRING] = "string",   [N_BUILTIN] = "builtin",
        [N_VAR] = "var",        [N_MAP] = "map",         [N_CALL] = "call",
        [N_BINARY] = "binary",  [N_UNARY] = "unary",     [N_TERNARY] = "ternary",
        [N_FIELD] = "field",    [N_INDEX] = "index",     [N_CAST] = "cast",
        [N_SIZEOF] = "sizeof",  [N_INCDEC] = "incdec",   [N_TUPLE] = "tuple",
        [N_EXPR_STMT] = "expr", [N_ASSIGN] = "assign",   [N_VAR_DECL] = "let",
        [N_IF] = "if",          [N_WHILE] = "while",     [N_UNROLL] = "unroll",
        [N_RETURN] = "return",  [N_BREAK] = "break",     [N_CONTINUE] = "continue",
        [N_BLOCK] = "block",    [N_PROBE] = "probe",     [N_ATTACH] = "attach",
        [N_CONFIG] = "config",  [N_PROGRAM] = "program", [N_BLOCK_EXPR] = "block_expr",
        [N_COPY] = "copy", [N_FOR] = "for", [N_MACRO] = "macro", [N_MAP_DECL] = "map_decl",
    };
    return names[k];
}

static void write_locs(const struct node *n, FILE *out)
{
    if (!n)
        return;
    fprintf(out, "%s %d:%d-%d\n", kind_name(n->kind), n->loc.line, n->loc.col, n->loc.end_col);
    write_locs(n->config, out);
    for (int i = 0; i < n->nattach; i++)
        write_locs(n->attach[i], out);
    write_locs(n->pred, out);
    write_locs(n->cond, out);
    write_locs(n->lhs, out);
    for (int i = 0; i < n->nargs; i++)
        write_locs(n->args[i], out);
    write_locs(n->rhs, out);
    write_locs(n->then, out);
    write_locs(n->els, out);
    for (int i = 0; i < n->nstmts; i++)
        write_locs(n->stmts[i], out);
    for (int i = 0; i < n->nprobes; i++)
        write_locs(n->probes[i], out);
}

static void check_locations(const char *name, const char *src, const char *expected)
{
    char *diag;
    struct ast *ast = parse_capturing(src, strlen(src), &diag);
    test_checks++;
    if (!ast) {
        fail(name, "parse failed", expected, diag);
        free(diag);
        return;
    }
    char *got = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&got, &len);
    write_locs(ast->root, mem);
    fclose(mem);
    if (strcmp(got, expected) != 0)
        fail(name, "locations differ", expected, got);
    free(got);
    free(diag);
    ast_free(ast);
}

static void run_location_cases(void)
{
    /* columns are 1-based; end_col is one past the last character; a span
     * over several lines is underlined to the end of its first line */
    check_locations("locations_one_line",
                    "BEGIN /pid == 1/ { @x[tid] = (struct sock *)arg0->a; f(1, \"s\"); }",
                    "program 1:1-66\n"
                    "probe 1:1-6\n"
                    "attach 1:1-6\n"
                    "binary 1:8-16\n"
                    "builtin 1:8-11\n"
                    "int 1:15-16\n"
                    "block 1:18-66\n"
                    "assign 1:20-52\n"
                    "map 1:20-27\n"
                    "builtin 1:23-26\n"
                    "cast 1:30-52\n"
                    "field 1:45-52\n"
                    "builtin 1:45-49\n"
                    "expr 1:54-63\n"
                    "call 1:54-63\n"
                    "int 1:56-57\n"
                    "string 1:59-62\n");
    check_locations("locations_several_lines",
                    "// c\n"
                    "BEGIN,\n"
                    "\tEND /* x */ {\n"
                    "  if ($x) {\n"
                    "    $y = -1 + sizeof(int8);\n"
                    "  } else { $z-- }\n"
                    "}\n",
                    "program 2:1-7\n"
                    "probe 2:1-7\n"
                    "attach 2:1-6\n"
                    "attach 3:2-5\n"
                    "block 3:14-15\n"
                    "if 4:3-12\n"
                    "var 4:7-9\n"
                    "block 4:11-12\n"
                    "assign 5:5-27\n"
                    "var 5:5-7\n"
                    "binary 5:10-27\n"
                    "int 5:10-12\n"
                    "sizeof 5:15-27\n"
                    "block 6:10-18\n"
                    "expr 6:12-16\n"
                    "incdec 6:12-16\n"
                    "var 6:12-14\n");
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "-e") == 0)
        return dump_one(argv[2]);

    run_error_cases(error_cases, sizeof(error_cases) / sizeof(error_cases[0]));
    run_location_cases();

    printf("%zu error cases\n", sizeof(error_cases) / sizeof(error_cases[0]));
    parse_check_add_counts(&test_checks, &test_failures);
    return test_finish("test_parser_errors");
}
