/* The resolver's diagnostics, exact text: message, source line and caret.
 * Every case must also fail compilation (NULL) without crashing. */
#include "compile.h"
#include "diag.h"
#include "probe_test.h"

struct error_case {
    const char *program;
    const char *expected; /* everything written to the diagnostics stream */
};

static const struct error_case cases[] = {
    {"BEGIN { foo(); }",
     "stdin:1:9: ERROR: Unknown function: foo\n"
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
    {"BEGIN { count(); }",
     "stdin:1:9: ERROR: count() should be directly assigned to a map\n"
     "BEGIN { count(); }\n"
     "        ^~~~~~~\n"},
    {"BEGIN { $x = count(); }",
     "stdin:1:14: ERROR: count() should be directly assigned to a map\n"
     "BEGIN { $x = count(); }\n"
     "             ^~~~~~~\n"},
    {"BEGIN { printf(\"%d %d\\n\", 1); }",
     "stdin:1:9: ERROR: printf: too few arguments for format (2 conversions, 1 argument)\n"
     "BEGIN { printf(\"%d %d\\n\", 1); }\n"
     "        ^~~~~~~~~~~~~~~~~~~~\n"},
    {"BEGIN { @ = bogus }",
     "stdin:1:13: ERROR: Unknown identifier: 'bogus'\n"
     "BEGIN { @ = bogus }\n"
     "            ^~~~~\n"},
    {"t:syscalls:sys_enter_connect { @ = args->nope }",
     "stdin:1:36: ERROR: Struct/union of type 'struct syscalls_sys_enter_connect' does not "
     "contain a field named 'nope'\n"
     "t:syscalls:sys_enter_connect { @ = args->nope }\n"
     "                                   ^~~~~~~~~~\n"},
    {"t:syscalls:nope { }",
     "stdin:1:1: ERROR: tracepoint not found: syscalls:nope\n"
     "t:syscalls:nope { }\n"
     "^~~~~~~~~~~~~~~\n"},
    {"BEGIN { $x + 1; }",
     "stdin:1:9: ERROR: Undefined or undeclared variable: $x\n"
     "BEGIN { $x + 1; }\n"
     "        ^~\n"},
    {"BEGIN { @a = hist(1, 2) }",
     "stdin:1:14: ERROR: hist() requires 1 argument (2 provided)\n"
     "BEGIN { @a = hist(1, 2) }\n"
     "             ^~~~~~~~~~\n"},
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
    {"BEGIN { if (\"a\") {} }",
     "stdin:1:13: ERROR: condition must be an integer, not 'string[2]'\n"
     "BEGIN { if (\"a\") {} }\n"
     "            ^~~\n"},
    {"BEGIN { print(@nope) }",
     "stdin:1:15: ERROR: map @nope is used but never assigned a value\n"
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
     "stdin:1:26: ERROR: The args builtin can only be used with 'tracepoint' probes\n"
     "kprobe:tcp_sendmsg { @ = args->x }\n"
     "                         ^~~~\n"},
    {"BEGIN { break; }",
     "stdin:1:9: ERROR: break outside of a loop\n"
     "BEGIN { break; }\n"
     "        ^~~~~\n"},
    {"BEGIN { @x = (struct nosuch)1; }",
     "stdin:1:15: ERROR: unknown type in cast: struct nosuch\n"
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
    {"BEGIN { @y = curtask.pid; }",
     "stdin:1:14: ERROR: 'struct task_struct' is a pointer: use -> to reach its member 'pid'\n"
     "BEGIN { @y = curtask.pid; }\n"
     "             ^~~~~~~~~~~\n"},
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
};

static void run_case(const struct error_case *c)
{
    char *buf = NULL;
    size_t len = 0;
    diag_stream = open_memstream(&buf, &len);
    struct compile_options opts = {.filename = "stdin", .text = c->program, .strlen = 64};
    struct compiled_program *p = compile_program(&opts);
    fclose(diag_stream);
    diag_stream = NULL;
    if (p) {
        fprintf(stderr, "FAIL: compiled although it should not: %s\n", c->program);
        test_failures++;
        compiled_program_free(p);
    }
    CHECK_STR(buf, c->expected);
    free(buf);
}

int main(void)
{
    require_tracefs();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);
    return test_finish("semantic_errors");
}
