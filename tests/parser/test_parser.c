/* Parser tests: source text -> exact `-d ast` dump, bad source -> exact
 * diagnostic, node locations, and robustness against garbage, deep nesting
 * and huge inputs (no crash, NULL, exactly one ERROR).
 *
 *   test_parser               run everything; exit status 1 on any failure
 *   test_parser -e 'PROGRAM'  print the dump (or the error) of one program */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "frontend/ast.h"
#include "diag.h"

struct dump_case {
    const char *name;
    const char *src;
    const char *expected;
};

struct error_case {
    const char *name;
    const char *src;
    const char *expected;
};

/* A case that went wrong (the caller counted the check): what, and both texts. */
static void fail(const char *name, const char *what, const char *expected, const char *got)
{
    test_failures++;
    fprintf(stderr, "FAIL %s: %s\n", name, what);
    print_visible("expected", expected ? expected : "(none)\n");
    print_visible("got", got ? got : "(none)\n");
}

/* Parse src with diagnostics captured; returns the tree (or NULL) and sets
 * *diag to the text printed (caller frees). */
static struct ast *parse_capturing(const char *text, size_t len, char **diag)
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

static char *dump_to_string(const struct ast *ast)
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

static int count_occurrences(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static const struct dump_case dump_cases[] = {
    {"empty_block", "BEGIN { }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"},
    {"exit_call", "BEGIN { exit(); }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  call: exit\n"},
    {"oneliner_accept_printf", "t:syscalls:sys_enter_accept* { printf(\"%d, %s\\n\", pid, comm); }",
     "Program\n"
     " probe\n"
     "  attach: t:syscalls:sys_enter_accept*\n"
     "  call: printf\n"
     "   string: \"%d, %s\\n\"\n"
     "   builtin: pid\n"
     "   builtin: comm\n"},
    {"map_two_keys_count", "t:syscalls:sys_enter_connect { @[pid, comm] = count(); }",
     "Program\n"
     " probe\n"
     "  attach: t:syscalls:sys_enter_connect\n"
     "  =\n"
     "   map: @\n"
     "    builtin: pid\n"
     "    builtin: comm\n"
     "   call: count\n"},
    {"kretprobe_predicate_hist", "kr:tcp_recvmsg /retval >=0/ { @recv_bytes = hist(retval); }",
     "Program\n"
     " probe\n"
     "  attach: kr:tcp_recvmsg\n"
     "  pred\n"
     "   >=\n"
     "    builtin: retval\n"
     "    int: 0\n"
     "  =\n"
     "   map: @recv_bytes\n"
     "   call: hist\n"
     "    builtin: retval\n"},
    {"attach_point_forms",
     "BEGIN, END, tracepoint:syscalls:sys_enter_accept*, t:sock:sock_rcvqueue_full, interval:s:1, "
     "i:ms:100,\n"
     " kprobe:tcp_sendmsg, kr:tcp_recvmsg, k:func+0x10, uprobe:/bin/bash:readline,\n"
     " usdt:/path/lib.so:prov:probe, profile:hz:99, software:cpu-clock:1000,\n"
     " hardware:cache-misses:1e6, kfunc:vmlinux:tcp_sendmsg, uprobe:./a.out:main, "
     "t:syscalls:sys_enter_[ab]?\n"
     "{ }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  attach: END\n"
     "  attach: tracepoint:syscalls:sys_enter_accept*\n"
     "  attach: t:sock:sock_rcvqueue_full\n"
     "  attach: interval:s:1\n"
     "  attach: i:ms:100\n"
     "  attach: kprobe:tcp_sendmsg\n"
     "  attach: kr:tcp_recvmsg\n"
     "  attach: k:func+0x10\n"
     "  attach: uprobe:/bin/bash:readline\n"
     "  attach: usdt:/path/lib.so:prov:probe\n"
     "  attach: profile:hz:99\n"
     "  attach: software:cpu-clock:1000\n"
     "  attach: hardware:cache-misses:1e6\n"
     "  attach: kfunc:vmlinux:tcp_sendmsg\n"
     "  attach: uprobe:./a.out:main\n"
     "  attach: t:syscalls:sys_enter_[ab]?\n"},
    {"attach_no_spaces", "BEGIN,END{}interval:s:1/pid/{}",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  attach: END\n"
     " probe\n"
     "  attach: interval:s:1\n"
     "  pred\n"
     "   builtin: pid\n"},
    {"several_probes",
     "BEGIN { @a = 1; }\n"
     "END { @b = 2; }\n"
     "i:s:1 { exit() }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @a\n"
     "   int: 1\n"
     " probe\n"
     "  attach: END\n"
     "  =\n"
     "   map: @b\n"
     "   int: 2\n"
     " probe\n"
     "  attach: i:s:1\n"
     "  call: exit\n"},
    {"shebang_include_define",
     "#!/usr/bin/env bpftrace\n"
     "#include <net/sock.h>\n"
     "  #define X 1\n"
     "BEGIN {\n"
     "#include <linux/in.h>\n"
     "  @ = 1;\n"
     "}",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   int: 1\n"},
    {"config_block",
     "config = { max_map_keys = 2; stack_mode = perf; name = \"s\"; neg = -1 }\n"
     "BEGIN { }",
     "Program\n"
     " config\n"
     "  =\n"
     "   builtin: max_map_keys\n"
     "   int: 2\n"
     "  =\n"
     "   builtin: stack_mode\n"
     "   string: \"perf\"\n"
     "  =\n"
     "   builtin: name\n"
     "   string: \"s\"\n"
     "  =\n"
     "   builtin: neg\n"
     "   int: -1\n"
     " probe\n"
     "  attach: BEGIN\n"},
    {"comments_everywhere",
     "// top\n"
     "BEGIN /* a */ , /* b */ END // c\n"
     "/* d\n"
     " e */ { /* f */ @x /* g */ = 1; // h\n"
     " }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  attach: END\n"
     "  =\n"
     "   map: @x\n"
     "   int: 1\n"},
    {"predicate_parenthesised_division", "BEGIN /(pid / 2) > 1 && arr[1 / 2]/ { }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  pred\n"
     "   &&\n"
     "    >\n"
     "     /\n"
     "      builtin: pid\n"
     "      int: 2\n"
     "     int: 1\n"
     "    []\n"
     "     builtin: arr\n"
     "     /\n"
     "      int: 1\n"
     "      int: 2\n"},
    {"arith_precedence", "BEGIN { @ = 1 + 2 * 3 - 4 / 5 % 6; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   -\n"
     "    +\n"
     "     int: 1\n"
     "     *\n"
     "      int: 2\n"
     "      int: 3\n"
     "    %\n"
     "     /\n"
     "      int: 4\n"
     "      int: 5\n"
     "     int: 6\n"},
    {"left_associative", "BEGIN { @ = 1 - 2 - 3; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   -\n"
     "    -\n"
     "     int: 1\n"
     "     int: 2\n"
     "    int: 3\n"},
    {"shift_and_compare", "BEGIN { @ = 1 << 2 < 3 >> 1 == 4 != 5 <= 6 >= 7 > 8; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   !=\n"
     "    ==\n"
     "     <\n"
     "      <<\n"
     "       int: 1\n"
     "       int: 2\n"
     "      >>\n"
     "       int: 3\n"
     "       int: 1\n"
     "     int: 4\n"
     "    >\n"
     "     >=\n"
     "      <=\n"
     "       int: 5\n"
     "       int: 6\n"
     "      int: 7\n"
     "     int: 8\n"},
    {"logical_ops", "BEGIN { @ = 1 || 2 && 3 || !4; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   ||\n"
     "    ||\n"
     "     int: 1\n"
     "     &&\n"
     "      int: 2\n"
     "      int: 3\n"
     "    unary: !\n"
     "     int: 4\n"},
    {"bitwise_precedence", "BEGIN { @ = 1 | 2 ^ 3 & 4; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   |\n"
     "    int: 1\n"
     "    ^\n"
     "     int: 2\n"
     "     &\n"
     "      int: 3\n"
     "      int: 4\n"},
    {"ternary_nested", "BEGIN { @ = a ? b : c ? d : e; $x = pid > 1 ? \"big\" : \"small\"; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   ?:\n"
     "    builtin: a\n"
     "    builtin: b\n"
     "    ?:\n"
     "     builtin: c\n"
     "     builtin: d\n"
     "     builtin: e\n"
     "  =\n"
     "   variable: $x\n"
     "   ?:\n"
     "    >\n"
     "     builtin: pid\n"
     "     int: 1\n"
     "    string: \"big\"\n"
     "    string: \"small\"\n"},
    {"unary_ops", "BEGIN { @ = -$x + !$y + ~$z - -(1); }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   -\n"
     "    +\n"
     "     +\n"
     "      unary: -\n"
     "       variable: $x\n"
     "      unary: !\n"
     "       variable: $y\n"
     "     unary: ~\n"
     "      variable: $z\n"
     "    int: -1\n"},
    {"deref_and_address", "BEGIN { @a = *$p; @b = &$x; @c = **(int8 **)arg0; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @a\n"
     "   unary: *\n"
     "    variable: $p\n"
     "  =\n"
     "   map: @b\n"
     "   unary: &\n"
     "    variable: $x\n"
     "  =\n"
     "   map: @c\n"
     "   unary: *\n"
     "    unary: *\n"
     "     cast: int8 **\n"
     "      builtin: arg0\n"},
    {"casts",
     "BEGIN { $s = (struct sock *)arg0; @a = (uint32)-1; @b = (unsigned long)$x; @c = (union u)$y; "
     "@d = (enum e *)$z; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   variable: $s\n"
     "   cast: struct sock *\n"
     "    builtin: arg0\n"
     "  =\n"
     "   map: @a\n"
     "   cast: uint32\n"
     "    int: -1\n"
     "  =\n"
     "   map: @b\n"
     "   cast: unsigned long\n"
     "    variable: $x\n"
     "  =\n"
     "   map: @c\n"
     "   cast: union u\n"
     "    variable: $y\n"
     "  =\n"
     "   map: @d\n"
     "   cast: enum e *\n"
     "    variable: $z\n"},
    {"sizeof_forms",
     "BEGIN { @ = sizeof(struct sock) + sizeof($x) + sizeof(uint64) + sizeof(unsigned long *); }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   +\n"
     "    +\n"
     "     +\n"
     "      sizeof: struct sock\n"
     "      sizeof\n"
     "       variable: $x\n"
     "     sizeof: uint64\n"
     "    sizeof: unsigned long *\n"},
    {"tracepoint_args_fields",
     "t:syscalls:sys_enter_openat { printf(\"%s\\n\", str(args->filename)); @ = args.flags; }",
     "Program\n"
     " probe\n"
     "  attach: t:syscalls:sys_enter_openat\n"
     "  call: printf\n"
     "   string: \"%s\\n\"\n"
     "   call: str\n"
     "    field: ->filename\n"
     "     builtin: args\n"
     "  =\n"
     "   map: @\n"
     "   field: .flags\n"
     "    builtin: args\n"},
    {"field_chain_index", "BEGIN { @ = $s->a.b[2]; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   []\n"
     "    field: .b\n"
     "     field: ->a\n"
     "      variable: $s\n"
     "    int: 2\n"},
    {"map_value_field", "BEGIN { @ = @m[tid]->sa_family; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   field: ->sa_family\n"
     "    map: @m\n"
     "     builtin: tid\n"},
    {"tuples", "BEGIN { $t = (1, \"a\", (2, 3)); @a = $t.0; @b = $t.2.1; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   variable: $t\n"
     "   tuple\n"
     "    int: 1\n"
     "    string: \"a\"\n"
     "    tuple\n"
     "     int: 2\n"
     "     int: 3\n"
     "  =\n"
     "   map: @a\n"
     "   field: .0\n"
     "    variable: $t\n"
     "  =\n"
     "   map: @b\n"
     "   field: .1\n"
     "    field: .2\n"
     "     variable: $t\n"},
    {"map_keys", "BEGIN { @m = 1; @m[1] = 2; @m[1, \"a\"] = 3; @[(1, 2)] = 4; @ = 5; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @m\n"
     "   int: 1\n"
     "  =\n"
     "   map: @m\n"
     "    int: 1\n"
     "   int: 2\n"
     "  =\n"
     "   map: @m\n"
     "    int: 1\n"
     "    string: \"a\"\n"
     "   int: 3\n"
     "  =\n"
     "   map: @\n"
     "    tuple\n"
     "     int: 1\n"
     "     int: 2\n"
     "   int: 4\n"
     "  =\n"
     "   map: @\n"
     "   int: 5\n"},
    {"variables_and_positionals", "BEGIN { $x = $1 + $# + $_under; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   variable: $x\n"
     "   +\n"
     "    +\n"
     "     variable: $1\n"
     "     variable: $#\n"
     "    variable: $_under\n"},
    {"integer_forms",
     "BEGIN { @a = 0x1F + 017 + 1_000 + 1e6 + 0; @b = 0xffffffffffffffff; @c = "
     "-9223372036854775808; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @a\n"
     "   +\n"
     "    +\n"
     "     +\n"
     "      +\n"
     "       int: 31\n"
     "       int: 15\n"
     "      int: 1000\n"
     "     int: 1000000\n"
     "    int: 0\n"
     "  =\n"
     "   map: @b\n"
     "   int: -1\n"
     "  =\n"
     "   map: @c\n"
     "   int: -9223372036854775808\n"},
    {"string_escapes", "BEGIN { @ = \"a\\tb\\nc\\\\d\\\"e\\'f\\0g\\x41\\101\\x7\"; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   string: \"a\\tb\\nc\\\\d\\\"e'f\\x00gAA\\x07\"\n"},
    {"compound_assignments",
     "BEGIN { @a += 1; @b -= 2; $c *= 3; $d /= 4; @e[1] %= 5; @f &= 6; @g |= 7; @h ^= 8; @i <<= 9; "
     "@j >>= 10; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  +=\n"
     "   map: @a\n"
     "   int: 1\n"
     "  -=\n"
     "   map: @b\n"
     "   int: 2\n"
     "  *=\n"
     "   variable: $c\n"
     "   int: 3\n"
     "  /=\n"
     "   variable: $d\n"
     "   int: 4\n"
     "  %=\n"
     "   map: @e\n"
     "    int: 1\n"
     "   int: 5\n"
     "  &=\n"
     "   map: @f\n"
     "   int: 6\n"
     "  |=\n"
     "   map: @g\n"
     "   int: 7\n"
     "  ^=\n"
     "   map: @h\n"
     "   int: 8\n"
     "  <<=\n"
     "   map: @i\n"
     "   int: 9\n"
     "  >>=\n"
     "   map: @j\n"
     "   int: 10\n"},
    {"increments", "BEGIN { @a++; ++@b; $c--; --$d; @e[1]++; @f = $g++; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  postfix ++\n"
     "   map: @a\n"
     "  prefix ++\n"
     "   map: @b\n"
     "  postfix --\n"
     "   variable: $c\n"
     "  prefix --\n"
     "   variable: $d\n"
     "  postfix ++\n"
     "   map: @e\n"
     "    int: 1\n"
     "  =\n"
     "   map: @f\n"
     "   postfix ++\n"
     "    variable: $g\n"},
    {"let_declarations",
     "BEGIN { let $a; let $b = 1; let $c: uint32; let $d: struct sock * = 0; let $e: u32 = 2; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  let: $a\n"
     "  let: $b\n"
     "   int: 1\n"
     "  let: $c : uint32\n"
     "  let: $d : struct sock *\n"
     "   int: 0\n"
     "  let: $e : u32\n"
     "   int: 2\n"},
    {"if_else_chain",
     "BEGIN { if (pid == 1) { @a = 1; } else if (pid == 2) { @b = 2 } else { @c = 3 } }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  if\n"
     "   ==\n"
     "    builtin: pid\n"
     "    int: 1\n"
     "   then\n"
     "    =\n"
     "     map: @a\n"
     "     int: 1\n"
     "   else\n"
     "    if\n"
     "     ==\n"
     "      builtin: pid\n"
     "      int: 2\n"
     "     then\n"
     "      =\n"
     "       map: @b\n"
     "       int: 2\n"
     "     else\n"
     "      =\n"
     "       map: @c\n"
     "       int: 3\n"},
    {"while_break_continue",
     "BEGIN { $i = 0; while ($i < 10) { $i++; if ($i == 5) { continue; } if ($i > 8) { break } } }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   variable: $i\n"
     "   int: 0\n"
     "  while\n"
     "   <\n"
     "    variable: $i\n"
     "    int: 10\n"
     "   body\n"
     "    postfix ++\n"
     "     variable: $i\n"
     "    if\n"
     "     ==\n"
     "      variable: $i\n"
     "      int: 5\n"
     "     then\n"
     "      continue\n"
     "    if\n"
     "     >\n"
     "      variable: $i\n"
     "      int: 8\n"
     "     then\n"
     "      break\n"},
    {"unroll", "BEGIN { unroll (3) { @x++; } }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  unroll: 3\n"
     "   postfix ++\n"
     "    map: @x\n"},
    {"return_forms", "BEGIN { return; } END { return 1 }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  return\n"
     " probe\n"
     "  attach: END\n"
     "  return\n"
     "   int: 1\n"},
    {"bare_block_and_empty_statements", "BEGIN { ;; { @x = 1; ; } ; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  block\n"
     "   =\n"
     "    map: @x\n"
     "    int: 1\n"},
    {"statements_without_semicolons", "BEGIN { if (1) { } @x = 1; while (0) { } @y = 2 }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  if\n"
     "   int: 1\n"
     "   then\n"
     "  =\n"
     "   map: @x\n"
     "   int: 1\n"
     "  while\n"
     "   int: 0\n"
     "   body\n"
     "  =\n"
     "   map: @y\n"
     "   int: 2\n"},
    {"calls",
     "BEGIN { printf(\"%s %d\\n\", str(arg0), ntop(AF_INET, $a)); print(@x); clear(@x); "
     "delete(@m[1, 2]); time(); kstack(perf, 3); }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  call: printf\n"
     "   string: \"%s %d\\n\"\n"
     "   call: str\n"
     "    builtin: arg0\n"
     "   call: ntop\n"
     "    builtin: AF_INET\n"
     "    variable: $a\n"
     "  call: print\n"
     "   map: @x\n"
     "  call: clear\n"
     "   map: @x\n"
     "  call: delete\n"
     "   map: @m\n"
     "    int: 1\n"
     "    int: 2\n"
     "  call: time\n"
     "  call: kstack\n"
     "   builtin: perf\n"
     "   int: 3\n"},
    {"builtins",
     "BEGIN { @[kstack, ustack, comm, cpu, nsecs, elapsed, probe, curtask, cgroup, retval, arg0] = "
     "count(); }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "    builtin: kstack\n"
     "    builtin: ustack\n"
     "    builtin: comm\n"
     "    builtin: cpu\n"
     "    builtin: nsecs\n"
     "    builtin: elapsed\n"
     "    builtin: probe\n"
     "    builtin: curtask\n"
     "    builtin: cgroup\n"
     "    builtin: retval\n"
     "    builtin: arg0\n"
     "   call: count\n"},
    {"skipped_c_definition",
     "struct foo { int a; struct { char b; } c; };\n"
     "union bar { int x; };\n"
     "BEGIN { @ = ((struct foo *)arg0)->a; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   field: ->a\n"
     "    cast: struct foo *\n"
     "     builtin: arg0\n"},
    {"crlf_and_tabs",
     "BEGIN\r\n"
     "{\r\n"
     "\t@x = 1;\r\n"
     "}\r\n",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @x\n"
     "   int: 1\n"},
    {"keyword_prefixed_identifiers", "BEGIN { @ = iff + lets + integer + structure + sizeofx; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   +\n"
     "    +\n"
     "     +\n"
     "      +\n"
     "       builtin: iff\n"
     "       builtin: lets\n"
     "      builtin: integer\n"
     "     builtin: structure\n"
     "    builtin: sizeofx\n"},
    {"type_word_as_field", "BEGIN { @ = $x->int8 + $y.long; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   +\n"
     "    field: ->int8\n"
     "     variable: $x\n"
     "    field: .long\n"
     "     variable: $y\n"},
    {"postfix_index_on_call", "BEGIN { @ = foo(1)[2]; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   map: @\n"
     "   []\n"
     "    call: foo\n"
     "     int: 1\n"
     "    int: 2\n"},
    /* a '{' where an expression must follow opens a block expression; one
     * element tuples need their comma; array casts; character literals */
    {"block_expression_and_new_forms",
     "BEGIN { $a = { let $b = 1; $b + 'x' }; if ($a) { @t = (1,); } @e = (); "
     "$c = (uint8[8])$a; $d = (int8[])$a; $p = &$a; }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  =\n"
     "   variable: $a\n"
     "   block expression\n"
     "    block\n"
     "     let: $b\n"
     "      int: 1\n"
     "    +\n"
     "     variable: $b\n"
     "     int: 120\n"
     "  if\n"
     "   variable: $a\n"
     "   then\n"
     "    =\n"
     "     map: @t\n"
     "     tuple\n"
     "      int: 1\n"
     "  =\n"
     "   map: @e\n"
     "   tuple\n"
     "  =\n"
     "   variable: $c\n"
     "   cast: uint8[8]\n"
     "    variable: $a\n"
     "  =\n"
     "   variable: $d\n"
     "   cast: int8[]\n"
     "    variable: $a\n"
     "  =\n"
     "   variable: $p\n"
     "   unary: &\n"
     "    variable: $a\n"},
    {"block_expression_nested_in_call", "BEGIN { print({ $x = 2; 40 + { $x } }); }",
     "Program\n"
     " probe\n"
     "  attach: BEGIN\n"
     "  call: print\n"
     "   block expression\n"
     "    block\n"
     "     =\n"
     "      variable: $x\n"
     "      int: 2\n"
     "    +\n"
     "     int: 40\n"
     "     block expression\n"
     "      block\n"
     "      variable: $x\n"},
};

static const struct error_case error_cases[] = {
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
     "stdin:1:1: ERROR: syntax error, unexpected end of file, expecting attach point or config\n"
     "\n"
     "^\n"},
    {"only_comment", "// nothing\n",
     "stdin:1:1: ERROR: syntax error, unexpected end of file, expecting attach point or config\n"
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
     "stdin:1:1: ERROR: syntax error, unexpected }, expecting attach point or config\n"
     "}\n"
     "^\n"},
    {"extra_close_brace", "BEGIN { @x = 1 } }",
     "stdin:1:18: ERROR: syntax error, unexpected }, expecting end of file or attach point\n"
     "BEGIN { @x = 1 } }\n"
     "                 ^\n"},
    {"if_without_parentheses", "BEGIN { if 1 { } }",
     "stdin:1:12: ERROR: syntax error, unexpected integer, expecting (\n"
     "BEGIN { if 1 { } }\n"
     "           ^\n"},
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
     "stdin:1:11: ERROR: syntax error, unexpected config, expecting end of file or attach point\n"
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

static void run_dump_cases(void)
{
    for (size_t i = 0; i < sizeof(dump_cases) / sizeof(dump_cases[0]); i++) {
        const struct dump_case *c = &dump_cases[i];
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

static void run_error_cases(void)
{
    for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
        const struct error_case *c = &error_cases[i];
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
        [N_COPY] = "copy",
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

static int dump_one(const char *program)
{
    struct source src = {.filename = "stdin", .text = (char *)program, .len = strlen(program)};
    struct ast *ast = parse_program(&src);
    if (!ast)
        return 1;
    ast_dump(ast, stdout);
    ast_free(ast);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "-e") == 0)
        return dump_one(argv[2]);

    run_dump_cases();
    run_error_cases();
    run_location_cases();
    run_deep_nesting();
    run_large_inputs();
    run_random_bytes();
    run_token_soup();
    run_mutations();

    printf("%zu dump cases, %zu error cases\n", sizeof(dump_cases) / sizeof(dump_cases[0]),
           sizeof(error_cases) / sizeof(error_cases[0]));
    return test_finish("test_parser");
}
