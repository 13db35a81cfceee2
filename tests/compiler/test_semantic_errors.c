/* The resolver's diagnostics, exact text: message, source line and caret.
 * Every case must also fail compilation (NULL) without crashing. */
#include "compile_error.h"
#include "probe_test.h"

struct error_case {
    const char *program;
    const char *expected; /* everything written to the diagnostics stream */
};

/* Cases that need compile options (designated initializers only). */
struct option_case {
    const char *program;
    const char *expected;
    uint32_t strlen;       /* BPFTRACE_STRLEN (0: the default, 64) */
    const char *params[3]; /* positional parameters $1.. (NULL-terminated) */
};

#define LONG64 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static const struct error_case cases[] = {
    {"BEGIN { foo(); }", "stdin:1:9: ERROR: Unknown function: foo\n"
                         "BEGIN { foo(); }\n"
                         "        ^~~~~\n"},
    {"BEGIN { @x = 1; @x = \"s\"; }",
     "stdin:1:17: ERROR: type mismatch for @x: trying to assign value of type 'string[2]' when "
     "map already contains a value of type 'int64'\n"
     "BEGIN { @x = 1; @x = \"s\"; }\n"
     "                ^~\n"},
    {"BEGIN { @x[1] = 1; @x[\"a\"] = 2; }",
     "stdin:1:20: ERROR: @x used with inconsistent key types\n"
     "BEGIN { @x[1] = 1; @x[\"a\"] = 2; }\n"
     "                   ^~~~~~~\n"},
    {"BEGIN { @x[1] = 1; @x = 2; }",
     "stdin:1:20: ERROR: @x used without a key here but with one elsewhere\n"
     "BEGIN { @x[1] = 1; @x = 2; }\n"
     "                   ^~\n"},
    {"BEGIN { @x = 1; }\nEND { @x[1, 2] = 3; }",
     "stdin:2:7: ERROR: @x used with a key here but without one elsewhere\n"
     "END { @x[1, 2] = 3; }\n"
     "      ^~~~~~~~\n"},
    {"BEGIN { count(); }", "stdin:1:9: ERROR: count() should be directly assigned to a map\n"
                           "BEGIN { count(); }\n"
                           "        ^~~~~~~\n"},
    {"BEGIN { $x = count(); }", "stdin:1:14: ERROR: count() should be directly assigned to a map\n"
                                "BEGIN { $x = count(); }\n"
                                "             ^~~~~~~\n"},
    {"BEGIN { printf(\"%d %d\\n\", 1); }",
     "stdin:1:9: ERROR: printf: too few arguments for format (2 conversions, 1 argument)\n"
     "BEGIN { printf(\"%d %d\\n\", 1); }\n"
     "        ^~~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { @ = bogus }", "stdin:1:13: ERROR: Unknown identifier: 'bogus'\n"
                            "BEGIN { @ = bogus }\n"
                            "            ^~~~~\n"},
    {"t:syscalls:sys_enter_connect { @ = args->nope }",
     "stdin:1:36: ERROR: Struct/union of type 'struct syscalls_sys_enter_connect' does not "
     "contain a field named 'nope'\n"
     "t:syscalls:sys_enter_connect { @ = args->nope }\n"
     "                                   ^~~~~~~~~~\n"},
    {"t:syscalls:nope { }", "stdin:1:1: ERROR: tracepoint not found: syscalls:nope\n"
                            "t:syscalls:nope { }\n"
                            "^~~~~~~~~~~~~~~\n"},
    {"BEGIN { $x + 1; }", "stdin:1:9: ERROR: Undefined or undeclared variable: $x\n"
                          "BEGIN { $x + 1; }\n"
                          "        ^~\n"},
    {"BEGIN { @a = hist(1, 2, 3) }",
     "stdin:1:14: ERROR: hist() requires between 1 and 2 arguments (3 provided)\n"
     "BEGIN { @a = hist(1, 2, 3) }\n"
     "             ^~~~~~~~~~~~~\n"},
    {"BEGIN { @a = lhist(1, 0, 10) }",
     "stdin:1:14: ERROR: lhist() requires 4 arguments (3 provided)\n"
     "BEGIN { @a = lhist(1, 0, 10) }\n"
     "             ^~~~~~~~~~~~~~~\n"},
    {"BEGIN { @a = lhist(1, 10, 0, 1) }",
     "stdin:1:14: ERROR: lhist() needs 0 <= min < max and step > 0 (min 10, max 0, step 1)\n"
     "BEGIN { @a = lhist(1, 10, 0, 1) }\n"
     "             ^~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { @a = sum(\"x\") }",
     "stdin:1:18: ERROR: sum() expects an integer argument, got 'string[2]'\n"
     "BEGIN { @a = sum(\"x\") }\n"
     "                 ^~~\n"},
    {"BEGIN { @a = count(); @b = @a + comm; }",
     "stdin:1:28: ERROR: invalid operands to +: 'uint64' and 'string[16]'\n"
     "BEGIN { @a = count(); @b = @a + comm; }\n"
     "                           ^~~~~~~~~\n"},
    {"BEGIN { if (\"a\") {} }", "stdin:1:13: ERROR: condition must be an integer, not 'string[2]'\n"
                                "BEGIN { if (\"a\") {} }\n"
                                "            ^~~\n"},
    {"BEGIN { print(@nope) }", "stdin:1:15: ERROR: map @nope is used but never assigned a value\n"
                               "BEGIN { print(@nope) }\n"
                               "              ^~~~~\n"},
    {"BEGIN { @h = hist(1); @x = @h; }",
     "stdin:1:28: ERROR: the value of @h (hist) cannot be read in a probe\n"
     "BEGIN { @h = hist(1); @x = @h; }\n"
     "                           ^~\n"},
    {"BEGIN { clear(@a[1]); @a[1] = 1; }",
     "stdin:1:15: ERROR: clear() expects a map without a key, e.g. clear(@name)\n"
     "BEGIN { clear(@a[1]); @a[1] = 1; }\n"
     "              ^~~~~\n"},
    {"kprobe:tcp_sendmsg { @ = args->x }",
     "stdin:1:26: ERROR: The args builtin can only be used with 'fentry', 'fexit', 'rawtracepoint' and 'tracepoint' probes\n"
     "kprobe:tcp_sendmsg { @ = args->x }\n"
     "                         ^~~~\n"},
    /* the kinds of perf events and BTF (issue 9) */
    {"software:foo:1 { @ = count(); }",
     "stdin:1:1: ERROR: foo is not a software probe\n"
     "software:foo:1 { @ = count(); }\n"
     "^~~~~~~~~~~~~~\n"},
    {"BEGIN {}\n  profile:hz:0 { @ = count(); }",
     "stdin:2:3: ERROR: profile frequency should be a positive integer\n"
     "  profile:hz:0 { @ = count(); }\n"
     "  ^~~~~~~~~~~~\n"},
    {"rawtracepoint:nope { @ = count(); }",
     "stdin:1:1: ERROR: raw tracepoint not found: nope (BTF has no btf_trace_nope)\n"
     "rawtracepoint:nope { @ = count(); }\n"
     "^~~~~~~~~~~~~~~~~~\n"},
    {"fentry:no_such_function { @ = count(); }",
     "stdin:1:1: ERROR: kernel function not found in BTF: no_such_function\n"
     "fentry:no_such_function { @ = count(); }\n"
     "^~~~~~~~~~~~~~~~~~~~~~~\n"},
    {"rt:sched_switch { @ = args.nope; }",
     "stdin:1:23: ERROR: rawtracepoint:vmlinux:sched_switch has no argument named 'nope'\n"
     "rt:sched_switch { @ = args.nope; }\n"
     "                      ^~~~~~~~~\n"},
    {"rt:sched_switch { @ = arg4; }",
     "stdin:1:23: ERROR: rawtracepoint:vmlinux:sched_switch has 4 arguments: there is no arg4\n"
     "rt:sched_switch { @ = arg4; }\n"
     "                      ^~~~\n"},
    {"fentry:vfs_read { @ = retval; }",
     "stdin:1:23: ERROR: The retval builtin can only be used with 'fexit', 'kretprobe' and "
     "'uretprobe' probes\n"
     "fentry:vfs_read { @ = retval; }\n"
     "                      ^~~~~~\n"},
    {"fexit:tcp_reset { @ = retval; }",
     "stdin:1:23: ERROR: fexit:vmlinux:tcp_reset returns void: it has no return value\n"
     "fexit:tcp_reset { @ = retval; }\n"
     "                      ^~~~~~\n"},
    {"uprobe:/nonexistent/bin:f { @ = count(); }",
     "stdin:1:1: ERROR: uprobe target file '/nonexistent/bin' does not exist or is not "
     "executable\n"
     "uprobe:/nonexistent/bin:f { @ = count(); }\n"
     "^~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN {}\nuprobe:/bin/sh:no_such_function { @ = count(); }",
     "stdin:2:1: ERROR: Could not resolve symbol: /bin/sh:no_such_function\n"
     "uprobe:/bin/sh:no_such_function { @ = count(); }\n"
     "^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {"usdt:/bin/sh:provider:nosuch { @ = count(); }",
     "stdin:1:1: ERROR: no usdt probe provider:nosuch in /bin/sh\n"
     "usdt:/bin/sh:provider:nosuch { @ = count(); }\n"
     "^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { @ = cpid; }", "stdin:1:13: ERROR: cpid cannot be used without child command\n"
                            "BEGIN { @ = cpid; }\n"
                            "            ^~~~\n"},
    {"uretprobe:libc:malloc { @ = arg0; }",
     "stdin:1:29: ERROR: The arg0 builtin can only be used with 'kprobe', 'rawtracepoint', "
     "'uprobe' and 'usdt' probes\n"
     "uretprobe:libc:malloc { @ = arg0; }\n"
     "                            ^~~~\n"},
    {"BEGIN { break; }", "stdin:1:9: ERROR: break outside of a loop\n"
                         "BEGIN { break; }\n"
                         "        ^~~~~\n"},
    {"BEGIN { @x = (struct nosuch)1; }", "stdin:1:15: ERROR: unknown type in cast: struct nosuch\n"
                                         "BEGIN { @x = (struct nosuch)1; }\n"
                                         "              ^~~~~~~~~~~~~\n"},
    {"BEGIN { $s = \"a\"; $s = 1; }",
     "stdin:1:19: ERROR: type mismatch for $s: trying to assign value of type 'int64' when "
     "variable already contains a value of type 'string[2]'\n"
     "BEGIN { $s = \"a\"; $s = 1; }\n"
     "                  ^~~~~~\n"},
    {"BEGIN { printf(\"%d\\n\", @h); @h = hist(2); }",
     "stdin:1:24: ERROR: the value of @h (hist) cannot be read in a probe\n"
     "BEGIN { printf(\"%d\\n\", @h); @h = hist(2); }\n"
     "                       ^~\n"},
    /* kernel types (BTF) */
    {"BEGIN { $s = (struct nosuchstruct *)0; }",
     "stdin:1:15: ERROR: unknown type in cast: struct nosuchstruct *\n"
     "BEGIN { $s = (struct nosuchstruct *)0; }\n"
     "              ^~~~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { $t = curtask; @x = $t->nosuchmember; }",
     "stdin:1:28: ERROR: Struct/union of type 'struct task_struct' does not contain a field "
     "named 'nosuchmember'\n"
     "BEGIN { $t = curtask; @x = $t->nosuchmember; }\n"
     "                           ^~~~~~~~~~~~~~~~\n"},
    {"BEGIN { $x = 5; @y = $x.foo; }",
     "stdin:1:22: ERROR: cannot access field 'foo' on a value of type 'int64'\n"
     "BEGIN { $x = 5; @y = $x.foo; }\n"
     "                     ^~~~~~\n"},
    {"BEGIN { $s = (struct sock)0; }",
     "stdin:1:15: ERROR: cannot cast to 'struct sock': only to integers and pointers\n"
     "BEGIN { $s = (struct sock)0; }\n"
     "              ^~~~~~~~~~~\n"},
    {"t:syscalls:sys_enter_connect { @ = args->uservaddr->nope; }",
     "stdin:1:36: ERROR: Struct/union of type 'struct sockaddr' does not contain a field named "
     "'nope'\n"
     "t:syscalls:sys_enter_connect { @ = args->uservaddr->nope; }\n"
     "                                   ^~~~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { @y = curtask->comm[20]; }",
     "stdin:1:28: ERROR: index 20 is out of bounds of an array of 16\n"
     "BEGIN { @y = curtask->comm[20]; }\n"
     "                           ^~\n"},
    {"BEGIN { @y = NO_SUCH_CONSTANT_X; }",
     "stdin:1:14: ERROR: Unknown identifier: 'NO_SUCH_CONSTANT_X'\n"
     "BEGIN { @y = NO_SUCH_CONSTANT_X; }\n"
     "             ^~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { system(\"ls\"); }",
     "stdin:1:9: ERROR: system() is an unsafe function being used in safe mode\n"
     "BEGIN { system(\"ls\"); }\n"
     "        ^~~~~~~~~~~~\n"},
    /* tuples, member access, address-of, array casts (issue 10) */
    {"BEGIN { $t = (1, \"a\"); $t = (\"b\", 2); }",
     "stdin:1:24: ERROR: Tuple type mismatch: (int64,string[2]) != (string[2],int64).\n"
     "BEGIN { $t = (1, \"a\"); $t = (\"b\", 2); }\n"
     "                       ^~~~~~~~~~~~~\n"},
    {"BEGIN { @t = (1, \"a\"); @t = ((int8)1, \"b\"); }",
     "stdin:1:24: ERROR: Tuple type mismatch: (int64,string[2]) != (int8,string[2]).\n"
     "BEGIN { @t = (1, \"a\"); @t = ((int8)1, \"b\"); }\n"
     "                       ^~\n"},
    {"BEGIN { $t = (1, 2); $t = (1, 2, 3); }",
     "stdin:1:22: ERROR: Tuple type mismatch: (int64,int64) != (int64,int64,int64).\n"
     "BEGIN { $t = (1, 2); $t = (1, 2, 3); }\n"
     "                     ^~~~~~~~~~~~~~\n"},
    {"BEGIN { $t = (1, \"a\"); $t = 5; }",
     "stdin:1:24: ERROR: type mismatch for $t: trying to assign value of type 'int64' when "
     "variable already contains a value of type '(int64,string[2])'\n"
     "BEGIN { $t = (1, \"a\"); $t = 5; }\n"
     "                       ^~~~~~\n"},
    {"BEGIN { $t = (1, \"ab\"); print($t.2); }",
     "stdin:1:31: ERROR: Invalid tuple index: 2. Found 2 elements in tuple.\n"
     "BEGIN { $t = (1, \"ab\"); print($t.2); }\n"
     "                              ^~~~\n"},
    {"BEGIN { $t = 1; print($t.0); }",
     "stdin:1:23: ERROR: Can not access index 0 on expression of type 'int64'\n"
     "BEGIN { $t = 1; print($t.0); }\n"
     "                      ^~~~\n"},
    {"BEGIN { $t = (1, 2); print($t.foo); }",
     "stdin:1:28: ERROR: cannot access field 'foo' on a value of type '(int64,int64)'\n"
     "BEGIN { $t = (1, 2); print($t.foo); }\n"
     "                           ^~~~~~\n"},
    {"BEGIN { $t = (1, 2); $i = 1; print($t[$i]); }",
     "stdin:1:39: ERROR: a tuple index must be an integer known at compile time\n"
     "BEGIN { $t = (1, 2); $i = 1; print($t[$i]); }\n"
     "                                      ^~\n"},
    {"BEGIN { $t = (1, count()); }",
     "stdin:1:18: ERROR: count() should be directly assigned to a map\n"
     "BEGIN { $t = (1, count()); }\n"
     "                 ^~~~~~~\n"},
    {"BEGIN { $t = (1, 2); if ($t < (1, 3)) { } }",
     "stdin:1:26: ERROR: tuples can only be compared with == and !=, not <\n"
     "BEGIN { $t = (1, 2); if ($t < (1, 3)) { } }\n"
     "                         ^~~~~~~~~~~\n"},
    {"BEGIN { $t = (1, 2); if ($t == (1, \"a\")) { } }",
     "stdin:1:26: ERROR: cannot compare '(int64,int64)' with '(int64,string[2])'\n"
     "BEGIN { $t = (1, 2); if ($t == (1, \"a\")) { } }\n"
     "                         ^~~~~~~~~~~~~~\n"},
    {"BEGIN { $t = (1, 2); printf(\"%s\\n\", $t); }",
     "stdin:1:37: ERROR: printf: %s needs a string argument, argument 1 is a tuple\n"
     "BEGIN { $t = (1, 2); printf(\"%s\\n\", $t); }\n"
     "                                    ^~\n"},
    {"BEGIN { $p = (struct task_struct **)0; @y = $p.pid; }",
     "stdin:1:45: ERROR: cannot access field 'pid' on a value of type 'struct task_struct **'\n"
     "BEGIN { $p = (struct task_struct **)0; @y = $p.pid; }\n"
     "                                            ^~~~~~\n"},
    {"BEGIN { $p = &1; }",
     "stdin:1:14: ERROR: cannot take the address of this expression: & needs a variable, a "
     "struct member, an array element or *pointer\n"
     "BEGIN { $p = &1; }\n"
     "             ^~\n"},
    {"BEGIN { @m = 1; $p = &@m; }", "stdin:1:22: ERROR: cannot take the address of map @m\n"
                                    "BEGIN { @m = 1; $p = &@m; }\n"
                                    "                     ^~~\n"},
    {"BEGIN { $p = &curtask->thread.iopl_warn; }",
     "stdin:1:14: ERROR: cannot take the address of bitfield 'iopl_warn'\n"
     "BEGIN { $p = &curtask->thread.iopl_warn; }\n"
     "             ^~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { $a = (uint8[4])12345; }",
     "stdin:1:14: ERROR: cannot cast 'int64' (8 bytes) to 'uint8[4]' (4 bytes): the sizes "
     "must be equal\n"
     "BEGIN { $a = (uint8[4])12345; }\n"
     "             ^~~~~~~~~~~~~~~\n"},
    {"BEGIN { $a = (uint8[])\"abc\"; }",
     "stdin:1:14: ERROR: cannot cast a value of type 'string[4]' to an array\n"
     "BEGIN { $a = (uint8[])\"abc\"; }\n"
     "             ^~~~~~~~~~~~~~\n"},
    {"BEGIN { $a = (struct sock[2])1; }",
     "stdin:1:15: ERROR: cannot cast to an array of 'struct sock': only of integers\n"
     "BEGIN { $a = (struct sock[2])1; }\n"
     "              ^~~~~~~~~~~~~~\n"},
    {"BEGIN { $a = (uint8[8])1; $b = (uint32)$a; }",
     "stdin:1:32: ERROR: cannot cast 'uint8[8]' (8 bytes) to 'uint32' (4 bytes): the sizes "
     "must be equal\n"
     "BEGIN { $a = (uint8[8])1; $b = (uint32)$a; }\n"
     "                               ^~~~~~~~~~\n"},
    {"BEGIN { $t = 1 ? (1, 2) : (3, \"x\"); }",
     "stdin:1:14: ERROR: ternary branches have different types: '(int64,int64)' and "
     "'(int64,string[2])'\n"
     "BEGIN { $t = 1 ? (1, 2) : (3, \"x\"); }\n"
     "             ^~~~~~~~~~~~~~~~~~~~~\n"},
    {"t:syscalls:sys_enter_openat { $t = (1, args); }",
     "stdin:1:40: ERROR: a tuple cannot hold a value of type 'args'\n"
     "t:syscalls:sys_enter_openat { $t = (1, args); }\n"
     "                                       ^~~~\n"},
    {"BEGIN { print(*(struct xregs_state *)0); }",
     "stdin:1:15: ERROR: 'struct xregs_state' is 576 bytes: too large to copy onto the "
     "512-byte BPF stack (read its members instead)\n"
     "BEGIN { print(*(struct xregs_state *)0); }\n"
     "              ^~~~~~~~~~~~~~~~~~~~~~~~\n"},
    /* typed let: the declared type holds (current bpftrace's rules) */
    {"BEGIN { let $x: uint8 = 300; }",
     "stdin:1:9: ERROR: type mismatch for $x: trying to assign value '300' which does not fit "
     "into the variable of type 'uint8'\n"
     "BEGIN { let $x: uint8 = 300; }\n"
     "        ^~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { let $x: int8 = -200; }",
     "stdin:1:9: ERROR: type mismatch for $x: trying to assign value '-200' which does not fit "
     "into the variable of type 'int8'\n"
     "BEGIN { let $x: int8 = -200; }\n"
     "        ^~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { let $x: uint32 = -1; }",
     "stdin:1:9: ERROR: type mismatch for $x: trying to assign value '-1' which does not fit "
     "into the variable of type 'uint32'\n"
     "BEGIN { let $x: uint32 = -1; }\n"
     "        ^~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { let $x: uint8 = \"str\"; }",
     "stdin:1:9: ERROR: type mismatch for $x: trying to assign value of type 'string[4]' when "
     "variable already has a type 'uint8'\n"
     "BEGIN { let $x: uint8 = \"str\"; }\n"
     "        ^~~~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { let $x: uint8; $x = (uint64)5; }",
     "stdin:1:24: ERROR: Integer size mismatch. Assignment type 'uint64' is larger than the "
     "variable type 'uint8'.\n"
     "BEGIN { let $x: uint8; $x = (uint64)5; }\n"
     "                       ^~~~~~~~~~~~~~\n"},
    {"BEGIN { let $x: uint8 = 1; $x += 256; }",
     "stdin:1:28: ERROR: type mismatch for $x: trying to assign value '256' which does not fit "
     "into the variable of type 'uint8'\n"
     "BEGIN { let $x: uint8 = 1; $x += 256; }\n"
     "                           ^~~~~~~~~\n"},
    {"BEGIN { let $s: string[4] = \"abcdef\"; }",
     "stdin:1:9: ERROR: type mismatch for $s: trying to assign value of type 'string[7]' when "
     "variable already has a type 'string[4]'\n"
     "BEGIN { let $s: string[4] = \"abcdef\"; }\n"
     "        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { $x = 1; let $x: uint8; }",
     "stdin:1:17: ERROR: Variable declarations need to occur before variable usage or "
     "assignment. Variable: $x\n"
     "BEGIN { $x = 1; let $x: uint8; }\n"
     "                ^~~~~~~~~~~~~\n"},
    {"BEGIN { let $x: uint8; let $x: uint16; }",
     "stdin:1:24: ERROR: Variable $x was already declared. Variable shadowing is not allowed.\n"
     "BEGIN { let $x: uint8; let $x: uint16; }\n"
     "                       ^~~~~~~~~~~~~~\n"},
    {"BEGIN { let $x: struct task_struct; }",
     "stdin:1:17: ERROR: invalid variable declaration type: struct task_struct\n"
     "BEGIN { let $x: struct task_struct; }\n"
     "                ^~~~~~~~~~~~~~~~~~\n"},
    /* an untyped variable keeps the width of its first value */
    {"BEGIN { $x = (uint8)1; $x = 1000; }",
     "stdin:1:24: ERROR: type mismatch for $x: trying to assign value '1000' which does not fit "
     "into the variable of type 'uint8'\n"
     "BEGIN { $x = (uint8)1; $x = 1000; }\n"
     "                       ^~~~~~~~~\n"},
    {"BEGIN { $x = (uint16)1; $x = pid; }",
     "stdin:1:25: ERROR: Integer size mismatch. Assignment type 'uint64' is larger than the "
     "variable type 'uint16'.\n"
     "BEGIN { $x = (uint16)1; $x = pid; }\n"
     "                        ^~~~~~~~\n"},
    /* pointer arithmetic: only p + i, i + p and p - i */
    {"BEGIN { $p = (int32 *)16; $q = (int32 *)32; @ = $q - $p; }",
     "stdin:1:49: ERROR: invalid operands to -: 'int32 *' and 'int32 *'\n"
     "BEGIN { $p = (int32 *)16; $q = (int32 *)32; @ = $q - $p; }\n"
     "                                                ^~~~~~~\n"},
    {"BEGIN { $p = (struct sock *)0; $p *= 2; }",
     "stdin:1:32: ERROR: invalid operands to *=: 'struct sock *' and 'int64'\n"
     "BEGIN { $p = (struct sock *)0; $p *= 2; }\n"
     "                               ^~~~~~~\n"},
    /* a string literal longer than the string size */
    {"BEGIN { @ = \"" LONG64 "\"; }",
     "stdin:1:13: ERROR: String is too long (over 64 bytes): " LONG64 "\n"
     "BEGIN { @ = \"" LONG64 "\"; }\n"
     "            ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {"config = { max_strlen = 8 } BEGIN { @s = \"12345678\"; }",
     "stdin:1:42: ERROR: String is too long (over 8 bytes): 12345678\n"
     "config = { max_strlen = 8 } BEGIN { @s = \"12345678\"; }\n"
     "                                         ^~~~~~~~~~\n"},
};

/* The script's own type definitions (struct, union, enum, typedef),
 * offsetof, and casts to types named without `struct`. */
static const struct error_case type_cases[] = {
    {"struct A { void v; } BEGIN { }", "stdin:1:12: ERROR: member 'v' has an incomplete type\n"
                                       "struct A { void v; } BEGIN { }\n"
                                       "           ^~~~\n"},
    {"struct A { int x:0; } BEGIN { }", "stdin:1:16: ERROR: bitfield 'x' has zero width\n"
                                        "struct A { int x:0; } BEGIN { }\n"
                                        "               ^\n"},
    {"struct A { int x; }\nstruct A { int y; } BEGIN { }",
     "stdin:2:1: ERROR: redefinition of 'struct A'\n"
     "struct A { int y; } BEGIN { }\n"
     "^~~~~~~~\n"},
    {"struct A { int x; } BEGIN { $a = (struct A *)0; @ = $a->y; }",
     "stdin:1:53: ERROR: Struct/union of type 'struct A' does not contain a field named 'y'\n"
     "struct A { int x; } BEGIN { $a = (struct A *)0; @ = $a->y; }\n"
     "                                                    ^~~~~\n"},
    {"BEGIN { @ = (Nope *)0; }", "stdin:1:14: ERROR: unknown type in cast: Nope *\n"
                                 "BEGIN { @ = (Nope *)0; }\n"
                                 "             ^~~~~~\n"},
    {"struct A { int x; } BEGIN { @ = offsetof(struct A, y); }",
     "stdin:1:33: ERROR: Struct/union of type 'struct A' does not contain a field named 'y'\n"
     "struct A { int x; } BEGIN { @ = offsetof(struct A, y); }\n"
     "                                ^~~~~~~~~~~~~~~~~~~~~\n"},
    {"struct A { char x[600000000]; } BEGIN { }", "stdin:1:1: ERROR: struct A is too large\n"
                                                  "struct A { char x[600000000]; } BEGIN { }\n"
                                                  "^~~~~~~~\n"},
    {"enum E { A = 0xffffffffffffffff, B } BEGIN { }",
     "stdin:1:34: ERROR: enumerator value for 'B' is not representable in 64 bits\n"
     "enum E { A = 0xffffffffffffffff, B } BEGIN { }\n"
     "                                 ^\n"},
    {"struct A { foo_t x; } BEGIN { }", "stdin:1:12: ERROR: unknown type name 'foo_t'\n"
                                        "struct A { foo_t x; } BEGIN { }\n"
                                        "           ^~~~~\n"},
    {"struct A { struct Nope n; } BEGIN { }", "stdin:1:12: ERROR: unknown type 'struct Nope'\n"
                                              "struct A { struct Nope n; } BEGIN { }\n"
                                              "           ^~~~~~~~~~~\n"},
    {"struct A { char c : 9; } BEGIN { }",
     "stdin:1:17: ERROR: width of bitfield 'c' (9 bits) exceeds its type (8 bits)\n"
     "struct A { char c : 9; } BEGIN { }\n"
     "                ^\n"},
    {"enum E { A, B, A } BEGIN { }", "stdin:1:16: ERROR: redefinition of enumerator 'A'\n"
                                     "enum E { A, B, A } BEGIN { }\n"
                                     "               ^\n"},
    {"struct A { int x } BEGIN { }",
     "stdin:1:18: ERROR: syntax error in type definition: expected ';', found '}'\n"
     "struct A { int x } BEGIN { }\n"
     "                 ^\n"},
    {"BEGIN { @ = offsetof(pid, x); }",
     "stdin:1:13: ERROR: offsetof() needs a struct or union, not 'uint64'\n"
     "BEGIN { @ = offsetof(pid, x); }\n"
     "            ^~~~~~~~~~~~~~~~\n"},
    {"typedef int t; typedef long t; BEGIN { }", "stdin:1:29: ERROR: redefinition of typedef 't'\n"
                                                 "typedef int t; typedef long t; BEGIN { }\n"
                                                 "                            ^\n"},
    {"struct A { int x:3; } BEGIN { @ = offsetof(struct A, x); }",
     "stdin:1:35: ERROR: offsetof() of bitfield 'x'\n"
     "struct A { int x:3; } BEGIN { @ = offsetof(struct A, x); }\n"
     "                                  ^~~~~~~~~~~~~~~~~~~~~\n"},
};

/* issue 10's rest: hist(x, k), for loops' scope and iterables, as current
 * bpftrace words them */
static const struct error_case language_cases[] = {
    {"BEGIN { @x = hist(1, 10); }", "stdin:1:14: ERROR: hist: bits 10 must be 0..5\n"
                                    "BEGIN { @x = hist(1, 10); }\n"
                                    "             ^~~~~~~~~~~\n"},
    {"BEGIN { $n = 3; @x = hist(1, $n); }",
     "stdin:1:22: ERROR: hist() expects a integer literal (integer provided)\n"
     "BEGIN { $n = 3; @x = hist(1, $n); }\n"
     "                     ^~~~~~~~~~~\n"},
    {"BEGIN { @x = hist(1, 1); @x = hist(2, 2); }",
     "stdin:1:31: ERROR: Different bits in a single hist unsupported\n"
     "BEGIN { @x = hist(1, 1); @x = hist(2, 2); }\n"
     "                              ^~~~~~~~~~\n"},
    {"BEGIN { for $i : 0..3 { } print($i); }",
     "stdin:1:33: ERROR: Undefined or undeclared variable: $i\n"
     "BEGIN { for $i : 0..3 { } print($i); }\n"
     "                                ^~\n"},
    {"BEGIN { @m[1] = 2; for ($kv : @m) { } @x = $kv.1; }",
     "stdin:1:44: ERROR: Undefined or undeclared variable: $kv\n"
     "BEGIN { @m[1] = 2; for ($kv : @m) { } @x = $kv.1; }\n"
     "                                           ^~~\n"},
    {"BEGIN { $i = 1; for $i : 0..3 { } }",
     "stdin:1:17: ERROR: Loop declaration shadows existing variable: $i\n"
     "BEGIN { $i = 1; for $i : 0..3 { } }\n"
     "                ^~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { @a[1] = stats(1); for $kv : @a { } }",
     "stdin:1:37: ERROR: Loop expression does not support type: stats\n"
     "BEGIN { @a[1] = stats(1); for $kv : @a { } }\n"
     "                                    ^~\n"},
    /* a let in a nested block lives in that block alone (let_scope.c) */
    {"BEGIN { if (1) { let $b = 5; } printf(\"%d\\n\", $b); }",
     "stdin:1:47: ERROR: Undefined or undeclared variable: $b\n"
     "BEGIN { if (1) { let $b = 5; } printf(\"%d\\n\", $b); }\n"
     "                                              ^~\n"},
    {"BEGIN { if (1) { let $x = 1; } else { $x + 1; } }",
     "stdin:1:39: ERROR: Undefined or undeclared variable: $x\n"
     "BEGIN { if (1) { let $x = 1; } else { $x + 1; } }\n"
     "                                      ^~\n"},
    {"BEGIN { while (1) { let $w = 1; break; } @ = $w; }",
     "stdin:1:46: ERROR: Undefined or undeclared variable: $w\n"
     "BEGIN { while (1) { let $w = 1; break; } @ = $w; }\n"
     "                                             ^~\n"},
    /* no shadowing: not of an enclosing block's let, a loop's variable, or
     * an earlier let of the same block */
    {"BEGIN { let $x = 1; if (1) { let $x = 2; } }",
     "stdin:1:30: ERROR: Variable $x was already declared. Variable shadowing is not allowed.\n"
     "BEGIN { let $x = 1; if (1) { let $x = 2; } }\n"
     "                             ^~~~~~~~~~\n"},
    {"BEGIN { for $i : 0..2 { let $i = 3; } }",
     "stdin:1:25: ERROR: Variable $i was already declared. Variable shadowing is not allowed.\n"
     "BEGIN { for $i : 0..2 { let $i = 3; } }\n"
     "                        ^~~~~~~~~~\n"},
    {"BEGIN { if (1) { let $x; let $x; } }",
     "stdin:1:26: ERROR: Variable $x was already declared. Variable shadowing is not allowed.\n"
     "BEGIN { if (1) { let $x; let $x; } }\n"
     "                         ^~~~~~\n"},
};

static const struct option_case option_cases[] = {
    /* positional parameters used as numbers */
    {.program = "BEGIN { @ = $1; }",
     .expected = "stdin:1:13: ERROR: $1 used numerically but given \"99999999999999999999\", "
                 "which does not fit in a 64-bit integer. Try using str($1).\n"
                 "BEGIN { @ = $1; }\n"
                 "            ^~\n",
     .params = {"99999999999999999999"}},
    {.program = "BEGIN { @ = $2 + 1; }",
     .expected = "stdin:1:13: ERROR: $2 used numerically but given \"hello\". Try using str($2).\n"
                 "BEGIN { @ = $2 + 1; }\n"
                 "            ^~\n",
     .params = {"1", "hello"}},
    {.program = "BEGIN { @ = str($1 + 6); }",
     .expected = "stdin:1:22: ERROR: only addition of a single constant less or equal to the "
                 "length of $1 (which is 5) is allowed inside str()\n"
                 "BEGIN { @ = str($1 + 6); }\n"
                 "                     ^\n",
     .params = {"hello"}},
    /* more than the 512-byte BPF stack: the expression that needs it */
    {.program = "BEGIN { @[str(0), str(0), str(0), str(0), str(0)] = 1; }",
     .expected = "stdin:1:9: ERROR: the BPF stack limit of 512 bytes is exceeded: this "
                 "expression needs 1000 bytes of stack (2008 in use at this point)\n"
                 "BEGIN { @[str(0), str(0), str(0), str(0), str(0)] = 1; }\n"
                 "        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n",
     .strlen = 200},
    /* the printf record and its strings; the lost-event counter it may bump
     * needs no key buffer on the stack */
    {.program = "BEGIN { printf(\"%s %s %s %s %s %s\\n\", str(0), str(0), str(0), str(0), str(0), "
                "str(0)); }",
     .expected =
         "stdin:1:9: ERROR: the BPF stack limit of 512 bytes is exceeded: this "
         "expression needs 392 bytes of stack (776 in use at this point)\n"
         "BEGIN { printf(\"%s %s %s %s %s %s\\n\", str(0), str(0), str(0), str(0), str(0), "
         "str(0)); }\n"
         "        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
};

int main(void)
{
    require_tracefs();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_compile_error(cases[i].program, cases[i].expected, 0, NULL);
    for (size_t i = 0; i < sizeof(type_cases) / sizeof(type_cases[0]); i++)
        check_compile_error(type_cases[i].program, type_cases[i].expected, 0, NULL);
    for (size_t i = 0; i < sizeof(language_cases) / sizeof(language_cases[0]); i++)
        check_compile_error(language_cases[i].program, language_cases[i].expected, 0, NULL);
    for (size_t i = 0; i < sizeof(option_cases) / sizeof(option_cases[0]); i++)
        check_compile_error(option_cases[i].program, option_cases[i].expected,
                            option_cases[i].strlen, option_cases[i].params);
    return test_finish("semantic_errors");
}
