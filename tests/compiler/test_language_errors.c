/* The diagnostics of the language beyond bpftrace 0.17, exact text: map
 * statements (delete, has_key, len), for loops, break and continue, exit(),
 * unroll, macros, map declarations and the config block. Every case must
 * fail compilation without crashing. */
#include "compile_error.h"
#include "probe_test.h"

struct error_case {
    const char *program;
    const char *expected; /* everything written to the diagnostics stream */
};

static const struct error_case cases[] = {
    {"BEGIN { $x = 1; if (has_key($x, 1)) { } }",
     "stdin:1:29: ERROR: has_key() expects a map argument\n"
     "BEGIN { $x = 1; if (has_key($x, 1)) { } }\n"
     "                            ^~\n"},
    {"BEGIN { @s = 1; if (has_key(@s, 1)) { } }",
     "stdin:1:29: ERROR: has_key() expects a map with keys, not the scalar map @s\n"
     "BEGIN { @s = 1; if (has_key(@s, 1)) { } }\n"
     "                            ^~\n"},
    {"BEGIN { @m[1] = 1; delete(@m[1], 2); }",
     "stdin:1:27: ERROR: delete() expects a map argument\n"
     "BEGIN { @m[1] = 1; delete(@m[1], 2); }\n"
     "                          ^~~~~\n"},
    {"BEGIN { @m[1] = 1; printf(\"%d\\n\", len(@m[1])); }",
     "stdin:1:39: ERROR: len() expects a map argument\n"
     "BEGIN { @m[1] = 1; printf(\"%d\\n\", len(@m[1])); }\n"
     "                                      ^~~~~\n"},
    {"BEGIN { $x = 1; for ($i : $x) { } }", "stdin:1:27: ERROR: Loop expression must be a map\n"
                                            "BEGIN { $x = 1; for ($i : $x) { } }\n"
                                            "                          ^~\n"},
    {"BEGIN { @s = 1; for ($kv : @s) { } }",
     "stdin:1:28: ERROR: Maps used as for-loop expressions must have keys to iterate over\n"
     "BEGIN { @s = 1; for ($kv : @s) { } }\n"
     "                           ^~\n"},
    {"BEGIN { @h[1] = hist(2); for ($kv : @h) { } }",
     "stdin:1:37: ERROR: Loop expression does not support type: hist\n"
     "BEGIN { @h[1] = hist(2); for ($kv : @h) { } }\n"
     "                                    ^~\n"},
    {"BEGIN { @m[1] = 1; $kv = 2; for ($kv : @m) { } }",
     "stdin:1:29: ERROR: Loop declaration shadows existing variable: $kv\n"
     "BEGIN { @m[1] = 1; $kv = 2; for ($kv : @m) { } }\n"
     "                            ^~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { for ($i : 0..\"a\") { } }",
     "stdin:1:22: ERROR: Loop range requires an integer, not 'string[2]'\n"
     "BEGIN { for ($i : 0..\"a\") { } }\n"
     "                     ^~~\n"},
    {"BEGIN { @m[1] = 1; for ($kv : @m) { return; } }",
     "stdin:1:37: ERROR: 'return' statement is not allowed in a for-loop\n"
     "BEGIN { @m[1] = 1; for ($kv : @m) { return; } }\n"
     "                                    ^~~~~~\n"},
    {"BEGIN { break; }", "stdin:1:9: ERROR: break outside of a loop\n"
                         "BEGIN { break; }\n"
                         "        ^~~~~\n"},
    {"BEGIN { continue; }", "stdin:1:9: ERROR: continue outside of a loop\n"
                            "BEGIN { continue; }\n"
                            "        ^~~~~~~~\n"},
    {"BEGIN { exit(\"a\"); }",
     "stdin:1:14: ERROR: exit() takes an integer exit code, not 'string[2]'\n"
     "BEGIN { exit(\"a\"); }\n"
     "             ^~~\n"},
    {"BEGIN { unroll(0) { } }", "stdin:1:9: ERROR: unroll count must be between 1 and 100\n"
                                "BEGIN { unroll(0) { } }\n"
                                "        ^~~~~~~~~~~~~\n"},
    {"BEGIN { unroll(pid) { } }",
     "stdin:1:16: ERROR: unroll count must be an integer literal or a positional parameter\n"
     "BEGIN { unroll(pid) { } }\n"
     "               ^~~\n"},
    {"macro f($a) { $a } BEGIN { f(1, 2); }",
     "stdin:1:28: ERROR: Call to macro has wrong number arguments. Expected: 1 but got 2\n"
     "macro f($a) { $a } BEGIN { f(1, 2); }\n"
     "                           ^~~~~~~\n"},
    {"macro f(x) { 1 } BEGIN { print(f); }",
     "stdin:1:32: ERROR: Call to macro has no number arguments. Expected: 1\n"
     "macro f(x) { 1 } BEGIN { print(f); }\n"
     "                               ^\n"},
    {"macro f($a) { $a++ } BEGIN { @x = 1; f(@x); }",
     "stdin:1:40: ERROR: Mismatched arg to macro call. Macro expects a variable for arg $a but got "
     "a map.\n"
     "macro f($a) { $a++ } BEGIN { @x = 1; f(@x); }\n"
     "                                       ^~\n"},
    {"macro f(@m) { @m++ } BEGIN { f(1 + 1); }",
     "stdin:1:32: ERROR: Mismatched arg to macro call. Macro expects a map for arg @m but got an "
     "expression.\n"
     "macro f(@m) { @m++ } BEGIN { f(1 + 1); }\n"
     "                               ^~~~~\n"},
    {"macro f() { @x++ } BEGIN { f(); }", "stdin:1:13: ERROR: Unhygienic access to map: @x. Maps "
                                          "must be passed into the macro as arguments.\n"
                                          "macro f() { @x++ } BEGIN { f(); }\n"
                                          "            ^~\n"},
    {"macro f(x) { g(x) } macro g(x) { f(x) } BEGIN { print(f(1)); }",
     "stdin:1:34: ERROR: Recursive macro call detected. Call chain: f > g > f\n"
     "macro f(x) { g(x) } macro g(x) { f(x) } BEGIN { print(f(1)); }\n"
     "                                 ^~~~\n"},
    {"macro f(x) { x; } BEGIN { $y = f(1); }",
     "stdin:1:32: ERROR: Macro 'f' expanded to a block instead of a block expression. Try removing "
     "the semicolon from the end of the last statement in the macro body.\n"
     "macro f(x) { x; } BEGIN { $y = f(1); }\n"
     "                               ^~~~\n"},
    {"macro f(x) { 1 } macro f(y) { 2 } BEGIN { }", "stdin:1:18: ERROR: Redefinition of macro: f\n"
                                                    "macro f(x) { 1 } macro f(y) { 2 } BEGIN { }\n"
                                                    "                 ^~~~~~~~~~~~~~~~\n"},
    {"macro f($a, $a) { 1 } BEGIN { }",
     "stdin:1:13: ERROR: Variable for macro argument has already been used: $a\n"
     "macro f($a, $a) { 1 } BEGIN { }\n"
     "            ^~\n"},
    {"macro f(1) { 1 } BEGIN { }",
     "stdin:1:9: ERROR: Invalid macro parameter: expected a $variable, a @map or an identifier\n"
     "macro f(1) { 1 } BEGIN { }\n"
     "        ^\n"},
    {"macro f($a) { let $a = 1; $a } BEGIN { $b = 1; print(f($b)); }",
     "stdin:1:15: ERROR: Variable declaration shadows macro arg $a\n"
     "macro f($a) { let $a = 1; $a } BEGIN { $b = 1; print(f($b)); }\n"
     "              ^~~~~~~~~~\n"},
    {"config = { BAD_CONFIG=1 } BEGIN { }",
     "stdin:1:12: ERROR: Unrecognized config variable: BAD_CONFIG\n"
     "config = { BAD_CONFIG=1 } BEGIN { }\n"
     "           ^~~~~~~~~~~~\n"},
    {"config = { print_maps_on_exit = maybe } BEGIN { }",
     "stdin:1:33: ERROR: print_maps_on_exit must be true or false (or 1 or 0)\n"
     "config = { print_maps_on_exit = maybe } BEGIN { }\n"
     "                                ^~~~~\n"},
    {"config = { unstable_map_decl = error } let @a = hash(2); BEGIN { @a[1] = 1; }",
     "stdin:1:40: ERROR: Map declarations are an unstable feature that the config block turned off "
     "(unstable_map_decl = error)\n"
     "config = { unstable_map_decl = error } let @a = hash(2); BEGIN { @a[1] = 1; }\n"
     "                                       ^~~~~~~~~~~~~~~~~\n"},
    {"let @a = foo(2); BEGIN { @a[1] = 1; }", "stdin:1:1: ERROR: Invalid bpf map type: foo (known: "
                                              "hash, lruhash, percpuhash, percpulruhash)\n"
                                              "let @a = foo(2); BEGIN { @a[1] = 1; }\n"
                                              "^~~~~~~~~~~~~~~~\n"},
    {"let @a = hash(0); BEGIN { @a[1] = 1; }",
     "stdin:1:15: ERROR: The number of entries of @a must be a positive integer\n"
     "let @a = hash(0); BEGIN { @a[1] = 1; }\n"
     "              ^\n"},
    {"let @a = hash(2); let @a = lruhash(2); BEGIN { @a[1] = 1; }",
     "stdin:1:19: ERROR: Map @a is already declared\n"
     "let @a = hash(2); let @a = lruhash(2); BEGIN { @a[1] = 1; }\n"
     "                  ^~~~~~~~~~~~~~~~~~~~\n"},
    {"let @a = percpuhash(2); BEGIN { @a[1] = 1; }",
     "stdin:1:1: ERROR: Incompatible map types. Type from declaration: percpuhash. Type from "
     "value/key type: hash\n"
     "let @a = percpuhash(2); BEGIN { @a[1] = 1; }\n"
     "^~~~~~~~~~~~~~~~~~~~~~~\n"},
    {"let @a = hash(2); BEGIN { @a[1] = count(); }",
     "stdin:1:1: ERROR: Incompatible map types. Type from declaration: hash. Type from value/key "
     "type: percpuhash\n"
     "let @a = hash(2); BEGIN { @a[1] = count(); }\n"
     "^~~~~~~~~~~~~~~~~\n"},
};

int main(void)
{
    require_tracefs();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_compile_error(cases[i].program, cases[i].expected, 0, NULL);
    return test_finish("language_errors");
}
