/* Preprocessor tests: exact output text (line numbers kept), every
 * directive, exact diagnostics, #include search. Named constants are in
 * test_constants.c, hostile input and speed in test_pp_hostile.c. */
#include "pp_support.h"

/* ---- directives and text ---- */

static void test_lines_and_directives(void)
{
    expect_pp("object and function-like macros",
              "#define A 1\n"
              "#define F(x) ((x) + A)\n"
              "BEGIN { @[F(2)] = A; }\n",
              "\n\nBEGIN { @[((2) + A)] = A; }\n", NULL);

    expect_pp("continuation lines stay blank lines",
              "#define LONG (1 + \\\n"
              "  2)\n"
              "BEGIN { @x = LONG; }\n",
              "\n\nBEGIN { @x = (1 +   2); }\n", NULL);

    expect_pp("conditionals",
              "#define ONE 1\n"
              "#ifdef ONE\n"
              "a\n"
              "#else\n"
              "b\n"
              "#endif\n"
              "#ifndef ONE\n"
              "c\n"
              "#elif defined(ONE) && defined ONE && !defined(TWO) && ONE == 1\n"
              "d\n"
              "#else\n"
              "e\n"
              "#endif\n"
              "#if 0\n"
              "#error not read\n"
              "#include \"not-read.h\"\n"
              "#bogus\n"
              "#if 1\n"
              "f\n"
              "#endif\n"
              "#elif 1\n"
              "g\n"
              "#elif 1\n"
              "h\n"
              "#else\n"
              "i\n"
              "#endif\n"
              "#undef ONE\n"
              "#if defined(ONE) || (1 << 3) != 8 || -1 > 0 || 0xffffffffffffffff < 1\n"
              "j\n"
              "#elif (2 > 1 ? 3 : 4) == 3 && 10 / 3 == 3 && 10 % 3 == 1 && 'a' == 97\n"
              "k\n"
              "#endif\n",
              /* lines 1-2, a, 4-9, d, 11-21, g, 23-31, k, 33 */
              "\n\n"
              "a\n"
              "\n\n\n\n\n\n"
              "d\n"
              "\n\n\n\n\n\n\n\n\n\n\n"
              "g\n"
              "\n\n\n\n\n\n\n\n\n"
              "k\n"
              "\n",
              NULL);

    expect_pp("shebang, null directive, comments, strings, @maps and $vars",
              "#!/usr/bin/env bpftrace\n"
              "#\n"
              "#define MAX 10\n"
              "#define NAME \"sobt\"\n"
              "#define V $v\n"
              "/* #define COMMENTED 1\n"
              "#error in a comment */\n"
              "BEGIN { @NAME = MAX; $NAME = 1; printf(\"NAME %s\\n\", NAME); // NAME\n"
              "  V = 2; }\n",
              "\n\n\n\n\n"
              "/* #define COMMENTED 1\n"
              "#error in a comment */\n"
              "BEGIN { @NAME = MAX; $NAME = 1; printf(\"NAME %s\\n\", \"sobt\"); // NAME\n"
              "  $v = 2; }\n",
              NULL);

    expect_pp("# and ## and variadic macros",
              "#define STR(x) #x\n"
              "#define CAT(a, b) a ## b\n"
              "#define P(fmt, ...) printf(fmt, ## __VA_ARGS__)\n"
              "BEGIN { P(STR(hi there)); P(\"%d\\n\", CAT(1, 2)); @CAT(x, y) = 1; }\n",
              "\n\n\nBEGIN { printf(\"hi there\"); printf(\"%d\\n\", 12); @CAT(x, y) = 1; }\n",
              NULL);

    expect_pp("rescanning and self-reference",
              "#define f(x) (x + g)\n"
              "#define g f\n"
              "#define h h + 1\n"
              "BEGIN { @ = f(1)(2); @ = h; }\n",
              "\n\n\nBEGIN { @ = (1 + f)(2); @ = h + 1; }\n", NULL);

    expect_pp("an invocation over several lines keeps the line count",
              "#define ADD(a, b) ((a) + (b))\n"
              "BEGIN { @x = ADD(1,\n"
              "   2); }\n"
              "END { }\n",
              "\nBEGIN { @x = ((1) + (2)); }\n\nEND { }\n", NULL);

    expect_pp("a built-in variable's name is expanded even when the value is an integer",
              "#define pid 5\n"
              "BEGIN { @ = pid; }\n",
              "\nBEGIN { @ = 5; }\n", NULL);

    expect_pp("no glued tokens",
              "#define MINUS -\n"
              "#define X(a) a\n"
              "BEGIN { @ = 1-MINUS 1; @ = X(a)X(b); }\n",
              "\n\nBEGIN { @ = 1- - 1; @ = a b; }\n", NULL);

    struct result r = run_pp("test.bt", "#ifdef BPFTRACE_HAVE_BTF\nyes\n#else\nno\n#endif\n", NULL);
    bool have_btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
    CHECK(have_btf, "this test machine must have /sys/kernel/btf/vmlinux");
    expect_text("BPFTRACE_HAVE_BTF", r.out, have_btf ? "\nyes\n\n\n\n" : "\n\n\nno\n\n");
    free_result(&r);

    r = run_pp("test.bt",
               "#define MAX 10\n#define NEG (-3)\n#define EXPR (MAX * 2)\n#define STR \"x\"\n"
               "#define FN(x) x\n#define GONE 1\n#undef GONE\n"
               "enum color { RED, GREEN = 5, BLUE };\n",
               NULL);
    expect_value(r.consts, "MAX", 10);
    expect_value(r.consts, "NEG", -3);
    expect_value(r.consts, "EXPR", 20);
    expect_value(r.consts, "RED", 0);
    expect_value(r.consts, "BLUE", 6);
    expect_unknown(r.consts, "STR");
    expect_unknown(r.consts, "FN");
    expect_value(r.consts, "GONE", 1); /* used above its #undef, it stays known */
    free_result(&r);
}

static void test_errors(void)
{
    expect_pp("missing local include", "BEGIN { }\n#include \"local.h\"\n", NULL,
              "test.bt:2:1: ERROR: cannot find include file local.h\n"
              "#include \"local.h\"\n"
              "^~~~~~~~~~~~~~~~~~\n");
    expect_pp("unterminated #if", "#if 1\n#ifdef X\n#endif\nBEGIN { }\n", NULL,
              "test.bt:1:1: ERROR: unterminated conditional directive\n"
              "#if 1\n"
              "^~~~~\n");
    expect_pp("#else without #if", "  #else\n", NULL,
              "test.bt:1:3: ERROR: #else without #if\n"
              "  #else\n"
              "  ^~~~~\n");
    expect_pp("#endif without #if", "BEGIN { }\n#endif\n", NULL,
              "test.bt:2:1: ERROR: #endif without #if\n"
              "#endif\n"
              "^~~~~~\n");
    expect_pp("#elif after #else", "#if 0\n#else\n#elif 1\n#endif\n", NULL,
              "test.bt:3:1: ERROR: #elif after #else\n"
              "#elif 1\n"
              "^~~~~~~\n");
    expect_pp("unknown directive", "#frobnicate x\n", NULL,
              "test.bt:1:1: ERROR: invalid preprocessing directive #frobnicate\n"
              "#frobnicate x\n"
              "^~~~~~~~~~~~~\n");
    expect_pp("#error", "#error no way\n", NULL,
              "test.bt:1:1: ERROR: #error no way\n"
              "#error no way\n"
              "^~~~~~~~~~~~~\n");
    expect_pp("bad #if", "#if 1 +\n#endif\n", NULL,
              "test.bt:1:1: ERROR: invalid preprocessor expression\n"
              "#if 1 +\n"
              "^~~~~~~\n");
    expect_pp("#if with an undefined function-like macro", "#if __GNUC_PREREQ (4, 8)\n#endif\n",
              NULL,
              "test.bt:1:1: ERROR: function-like macro is not defined in preprocessor "
              "expression\n"
              "#if __GNUC_PREREQ (4, 8)\n"
              "^~~~~~~~~~~~~~~~~~~~~~~~\n");
    expect_pp("division by zero", "#if 1 / 0\n#endif\n", NULL,
              "test.bt:1:1: ERROR: division by zero in preprocessor expression\n"
              "#if 1 / 0\n"
              "^~~~~~~~~\n");
    expect_pp("no division by zero where it is not evaluated",
              "#if 0 && 1 / 0\n#endif\n#if 1 || 1 / 0\n#endif\n", "\n\n\n\n", NULL);
    expect_pp("bad macro name", "#define 3x 1\n", NULL,
              "test.bt:1:1: ERROR: macro name must be an identifier\n"
              "#define 3x 1\n"
              "^~~~~~~~~~~~\n");
    expect_pp("bad #include", "#include foo.h\n", NULL,
              "test.bt:1:1: ERROR: #include expects \"FILENAME\" or <FILENAME>\n"
              "#include foo.h\n"
              "^~~~~~~~~~~~~~\n");
    expect_pp("too many macro arguments", "#define ONE(a) a\nBEGIN {\n  @ = ONE(1, 2); }\n", NULL,
              "test.bt:3:7: ERROR: too many arguments provided to function-like macro "
              "invocation\n"
              "  @ = ONE(1, 2); }\n"
              "      ^~~\n");
    expect_pp("unterminated invocation", "#define ONE(a) a\nBEGIN { @ = ONE(1,\n#define X\n}\n",
              NULL,
              "test.bt:2:13: ERROR: unterminated function-like macro invocation\n"
              "BEGIN { @ = ONE(1,\n"
              "            ^~~\n");
}

/* ---- headers ---- */

static void test_includes(void)
{
    /* kernel-internal headers are passed over: types come from BTF */
    expect_pp("kernel-internal header skipped",
              "#include <linux/socket.h>\n#include <net/sock.h>\n#include <linux/skbuff.h>\n"
              "BEGIN { }\n",
              "\n\n\nBEGIN { }\n", NULL);
    struct preprocess_options strict = {.strict_includes = true};
    struct result r = run_pp("test.bt", "\n  #include <net/sock.h>\n", &strict);
    CHECK(r.out == NULL, "strict includes: a missing <header> must fail");
    expect_text("strict includes", r.diag,
                "test.bt:2:3: ERROR: cannot find include file net/sock.h\n"
                "  #include <net/sock.h>\n"
                "  ^~~~~~~~~~~~~~~~~~~~~\n");
    free_result(&r);

    /* the script's own headers: beside the script, in -I, and --include */
    write_file("local.h", "#pragma once\n"
                          "#include \"sub/port.h\"\n"
                          "#define IS_PORT(p) ((p) == LOCAL_PORT)\n"
                          "#ifdef LOCAL_SEEN\n"
                          "#define LOCAL_TWICE 1\n"
                          "#endif\n"
                          "#define LOCAL_SEEN 1\n"
                          "enum { L_A = 3, L_B, L_C = L_B << 2, };\n");
    write_file("sub/port.h", "#ifndef PORT_H\n#define PORT_H\n#define LOCAL_PORT 8080\n#endif\n");
    write_file("inc/extra.h", "#define EXTRA (LOCAL_PORT + 1)\n");
    write_file("inc/sysish.h", "#if UNDEFINED_FN(4, 8)\n#define SYSISH 1\n#else\n"
                               "#define SYSISH 2\n#endif\n#bogus directive\n#error ignored\n"
                               "#define SYS_FN(x) (x * 100)\n");
    write_file("forced.h", "#define FORCED 42\n");
    write_file("bad.h", "#define OK 1\n#if\n#endif\n");
    char script[600], dir_inc[300], forced[300];
    snprintf(script, sizeof(script), "%s/script.bt", tmpdir);
    snprintf(dir_inc, sizeof(dir_inc), "%s/inc", tmpdir);
    snprintf(forced, sizeof(forced), "%s/forced.h", tmpdir);
    const char *dirs[] = {dir_inc};
    const char *files[] = {forced};
    struct preprocess_options opts = {
        .include_dirs = dirs, .ninclude_dirs = 1, .include_files = files, .ninclude_files = 1};
    r = run_pp(script,
               "#include \"local.h\"\n"
               "#include \"local.h\"\n"
               "#include \"extra.h\"\n"
               "#include <sysish.h>\n"
               "#if __has_include(<linux/socket.h>) && !__has_include(<net/sock.h>) && "
               "__has_include(\"local.h\")\n"
               "#define HAS_OK 1\n"
               "#endif\n"
               "BEGIN { @ = IS_PORT(8080); @ = SYS_FN(2); }\n",
               &opts);
    /* the type definitions of the own headers an #include read go on its
     * line (the second #include reads nothing: #pragma once) */
    expect_text("local includes", r.out,
                "enum { L_A = 3, L_B, L_C = L_B << 2, }; "
                "\n\n\n\n\n\n\nBEGIN { @ = ((8080) == LOCAL_PORT); @ = SYS_FN(2); }\n");
    expect_text("local includes: no diagnostics", r.diag, "");
    expect_value(r.consts, "LOCAL_PORT", 8080);
    expect_value(r.consts, "EXTRA", 8081);
    expect_value(r.consts, "FORCED", 42);
    expect_value(r.consts, "SYSISH", 2);
    expect_value(r.consts, "HAS_OK", 1);
    expect_value(r.consts, "L_B", 4);
    expect_value(r.consts, "L_C", 16);
    expect_unknown(r.consts, "LOCAL_TWICE"); /* #pragma once */
    free_result(&r);

    /* an own header's type definitions, and what is passed over */
    write_file("types.h", "struct foo { int a; long b; };\n"
                          "int f(struct foo *p);\n"
                          "static inline int g(int v) { if (v) { return 1; } return 0; }\n"
                          "struct bar {\n  char s[2]; /* \"}\" */\n  char c; // ;\n} one, two;\n"
                          "extern const char *names[];\n"
                          "typedef struct foo foo_t;\n"
                          "struct foo;\n");
    r = run_pp(script, "#include \"types.h\"\nBEGIN { }\n", &opts);
    expect_text("header types", r.out,
                "struct foo { int a; long b; }; struct bar {   char s[2];     char c;  }; "
                "typedef struct foo foo_t; \nBEGIN { }\n");
    expect_text("header types: no diagnostics", r.diag, "");
    free_result(&r);

    /* errors in the script's own headers point into them */
    r = run_pp(script, "#include \"bad.h\"\n", &opts);
    char expected[1024];
    snprintf(expected, sizeof(expected),
             "%s/bad.h:2:1: ERROR: expected value in expression\n#if\n^~~\n", tmpdir);
    expect_text("error in a local header", r.diag, expected);
    CHECK(r.out == NULL, "error in a local header must fail");
    free_result(&r);

    const char *missing[] = {"no-such-file.h"};
    struct preprocess_options missing_opts = {.include_files = missing, .ninclude_files = 1};
    r = run_pp(script, "BEGIN { }\n", &missing_opts);
    expect_text("missing --include", r.diag, "ERROR: cannot find include file no-such-file.h\n");
    CHECK(r.out == NULL, "a missing --include file must fail");
    free_result(&r);
}

int main(void)
{
    make_tmpdir();
    test_lines_and_directives();
    test_errors();
    test_includes();
    remove_tmpdir();
    return test_finish("test_preprocess");
}
