/* Parser tests, programs and statements: probes, attach points, the
 * config block, statements and blocks -> exact `-d ast` dump.
 *
 *   test_parser_programs               run the cases; exit status 1 on any failure
 *   test_parser_programs -e 'PROGRAM'  print the dump (or the error) of one program */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/check.h"
#include "diag.h"
#include "frontend/ast.h"
#include "parser/parse_check.h"

static const struct parse_case dump_cases[] = {
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
};

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "-e") == 0)
        return dump_one(argv[2]);

    run_dump_cases(dump_cases, sizeof(dump_cases) / sizeof(dump_cases[0]));
    printf("%zu dump cases\n", sizeof(dump_cases) / sizeof(dump_cases[0]));
    parse_check_add_counts(&test_checks, &test_failures);
    return test_finish("test_parser_programs");
}
