/* Every new built-in's bad input, exact text: wrong types, wrong arity,
 * a probe kind whose context lacks what it needs, --unsafe. Each case must
 * fail compilation (NULL) without crashing. */
#include "compile.h"
#include "diag.h"
#include "probe_test.h"

struct builtin_error_case {
    bool unsafe; /* --unsafe */
    const char *program;
    const char *expected; /* everything written to the diagnostics stream */
};

static const struct builtin_error_case cases[] = {
    {false, "BEGIN { @ = strlen(1); }",
     "stdin:1:20: ERROR: strlen() expects a string, got 'int64'\n"
     "BEGIN { @ = strlen(1); }\n"
     "                   ^\n"},
    {false, "BEGIN { @ = strlen(); }",
     "stdin:1:13: ERROR: strlen() requires 1 argument (0 provided)\n"
     "BEGIN { @ = strlen(); }\n"
     "            ^~~~~~~~\n"},
    {false, "BEGIN { @ = strstr(\"a\", 2); }",
     "stdin:1:25: ERROR: strstr() expects a string, got 'int64'\n"
     "BEGIN { @ = strstr(\"a\", 2); }\n"
     "                        ^\n"},
    {false, "BEGIN { @ = strcontains(1, \"a\"); }",
     "stdin:1:25: ERROR: strcontains() expects a string, got 'int64'\n"
     "BEGIN { @ = strcontains(1, \"a\"); }\n"
     "                        ^\n"},
    {false, "BEGIN { @ = strcontains(\"a\"); }",
     "stdin:1:13: ERROR: strcontains() requires 2 arguments (1 provided)\n"
     "BEGIN { @ = strcontains(\"a\"); }\n"
     "            ^~~~~~~~~~~~~~~~\n"},
    {false, "BEGIN { @ = memcmp(\"ab\", \"ab\", $x); }",
     "stdin:1:32: ERROR: Undefined or undeclared variable: $x\n"
     "BEGIN { @ = memcmp(\"ab\", \"ab\", $x); }\n"
     "                               ^~\n"},
    {false, "BEGIN { @ = memcmp(\"ab\", 5, 1); }",
     "stdin:1:26: ERROR: memcmp() compares strings or buffers, not 'int64'\n"
     "BEGIN { @ = memcmp(\"ab\", 5, 1); }\n"
     "                         ^\n"},
    {false, "BEGIN { @ = buf(comm); }",
     "stdin:1:13: ERROR: buf() expects a length argument for non-array type string[16]\n"
     "BEGIN { @ = buf(comm); }\n"
     "            ^~~~~~~~~\n"},
    {false, "BEGIN { @ = buf(comm, -1); }",
     "stdin:1:23: ERROR: buf() length must not be negative\n"
     "BEGIN { @ = buf(comm, -1); }\n"
     "                      ^~\n"},
    {false, "BEGIN { @ = buf(comm, \"x\"); }",
     "stdin:1:23: ERROR: buf() length must be an integer, got 'string[2]'\n"
     "BEGIN { @ = buf(comm, \"x\"); }\n"
     "                      ^~~\n"},
    {false, "BEGIN { @ = buf(probe, 2); }",
     "stdin:1:17: ERROR: buf() expects an integer, string, or array argument but saw probe\n"
     "BEGIN { @ = buf(probe, 2); }\n"
     "                ^~~~~\n"},
    {false, "BEGIN { printf(\"%r\\n\", comm); }",
     "stdin:1:24: ERROR: printf: %r needs a buf() argument, argument 1 is a string\n"
     "BEGIN { printf(\"%r\\n\", comm); }\n"
     "                       ^~~~\n"},
    {false, "BEGIN { printf(\"%s\\n\", buf(comm, 2)); }",
     "stdin:1:24: ERROR: printf: %s needs a string argument, argument 1 is a buf()\n"
     "BEGIN { printf(\"%s\\n\", buf(comm, 2)); }\n"
     "                       ^~~~~~~~~~~~\n"},
    {false, "BEGIN { @ = macaddr(\"abcdef\"); }",
     "stdin:1:21: ERROR: macaddr() does not support literal string arguments\n"
     "BEGIN { @ = macaddr(\"abcdef\"); }\n"
     "                    ^~~~~~~~\n"},
    {false, "BEGIN { @ = macaddr(comm); }",
     "stdin:1:21: ERROR: macaddr() argument must be 6 bytes in size\n"
     "BEGIN { @ = macaddr(comm); }\n"
     "                    ^~~~\n"},
    {false, "BEGIN { @ = pton(\"nonsense\"); }",
     "stdin:1:18: ERROR: pton() expects an IPv4 or IPv6 address, got \"nonsense\"\n"
     "BEGIN { @ = pton(\"nonsense\"); }\n"
     "                 ^~~~~~~~~~\n"},
    {false, "BEGIN { @ = pton(\"1.2.3.999\"); }",
     "stdin:1:18: ERROR: pton() could not convert \"1.2.3.999\" to an IPv4 address\n"
     "BEGIN { @ = pton(\"1.2.3.999\"); }\n"
     "                 ^~~~~~~~~~~\n"},
    {false, "BEGIN { $a = \"1.2.3.4\"; @ = pton($a); }",
     "stdin:1:34: ERROR: pton() expects a string literal\n"
     "BEGIN { $a = \"1.2.3.4\"; @ = pton($a); }\n"
     "                                 ^~\n"},
    {false, "BEGIN { @ = strerror(\"x\"); }",
     "stdin:1:22: ERROR: strerror() expects an integer (an errno), got 'string[2]'\n"
     "BEGIN { @ = strerror(\"x\"); }\n"
     "                     ^~~\n"},
    {false, "BEGIN { @ = kptr(\"x\"); }",
     "stdin:1:18: ERROR: kptr() expects a pointer or an address, got 'string[2]'\n"
     "BEGIN { @ = kptr(\"x\"); }\n"
     "                 ^~~\n"},
    {false, "BEGIN { @ = uptr(comm); }",
     "stdin:1:18: ERROR: uptr() expects a pointer or an address, got 'string[16]'\n"
     "BEGIN { @ = uptr(comm); }\n"
     "                 ^~~~\n"},
    {false, "BEGIN { @ = cgroupid(comm); }",
     "stdin:1:22: ERROR: cgroupid() expects a string literal (a cgroup's path)\n"
     "BEGIN { @ = cgroupid(comm); }\n"
     "                     ^~~~\n"},
    {false, "BEGIN { @ = cgroupid(\"/nonexistent/cgroup\"); }",
     "stdin:1:22: ERROR: Failed to get cgroupid for '/nonexistent/cgroup': No such file or "
     "directory\n"
     "BEGIN { @ = cgroupid(\"/nonexistent/cgroup\"); }\n"
     "                     ^~~~~~~~~~~~~~~~~~~~~\n"},
    {false, "BEGIN { @ = cgroup_path(\"x\"); }",
     "stdin:1:25: ERROR: cgroup_path() expects an integer (a cgroup id), got 'string[2]'\n"
     "BEGIN { @ = cgroup_path(\"x\"); }\n"
     "                        ^~~\n"},
    {false, "BEGIN { @ = cgroup_path(1, comm); }",
     "stdin:1:28: ERROR: cgroup_path() filter must be a string literal\n"
     "BEGIN { @ = cgroup_path(1, comm); }\n"
     "                           ^~~~\n"},
    {false, "BEGIN { @ = strftime(comm, 1); }",
     "stdin:1:22: ERROR: strftime() format must be a string literal\n"
     "BEGIN { @ = strftime(comm, 1); }\n"
     "                     ^~~~\n"},
    {false, "BEGIN { @ = strftime(\"%H\", \"x\"); }",
     "stdin:1:28: ERROR: strftime() expects an integer timestamp (ns), got 'string[2]'\n"
     "BEGIN { @ = strftime(\"%H\", \"x\"); }\n"
     "                           ^~~\n"},
    {false, "BEGIN { @ = strftime(\"%H\"); }",
     "stdin:1:13: ERROR: strftime() requires 2 arguments (1 provided)\n"
     "BEGIN { @ = strftime(\"%H\"); }\n"
     "            ^~~~~~~~~~~~~~\n"},
    {false, "BEGIN { @ = nsecs(hours); }",
     "stdin:1:19: ERROR: nsecs() takes one of: monotonic, boot, tai, sw_tai\n"
     "BEGIN { @ = nsecs(hours); }\n"
     "                  ^~~~~\n"},
    {false, "BEGIN { @ = pid(other); }",
     "stdin:1:17: ERROR: pid() takes one of: curr_ns, init\n"
     "BEGIN { @ = pid(other); }\n"
     "                ^~~~~\n"},
    {false, "BEGIN { @ = ppid(\"x\"); }",
     "stdin:1:18: ERROR: ppid() expects a struct task_struct pointer, got 'string[2]'\n"
     "BEGIN { @ = ppid(\"x\"); }\n"
     "                 ^~~\n"},
    {false, "BEGIN { @ = pcomm(1, 2); }",
     "stdin:1:13: ERROR: pcomm() requires between 0 and 1 arguments (2 provided)\n"
     "BEGIN { @ = pcomm(1, 2); }\n"
     "            ^~~~~~~~~~~\n"},
    {false, "BEGIN { @ = ctx; }",
     "stdin:1:13: ERROR: invalid program type\n"
     "BEGIN { @ = ctx; }\n"
     "            ^~~\n"},
    {false, "tracepoint:syscalls:sys_enter_getpid { @ = ctx; }",
     "stdin:1:44: ERROR: Use args instead of ctx in tracepoint\n"
     "tracepoint:syscalls:sys_enter_getpid { @ = ctx; }\n"
     "                                           ^~~\n"},
    {false, "BEGIN { @ = reg(\"ip\"); }",
     "stdin:1:13: ERROR: The reg() builtin can only be used with 'hardware', 'kprobe', "
     "'kretprobe', 'profile', 'software', 'uprobe', 'uretprobe' and 'usdt' probes\n"
     "BEGIN { @ = reg(\"ip\"); }\n"
     "            ^~~~~~~~~\n"},
    {false, "kprobe:do_nanosleep { @ = reg(\"xyz\"); }",
     "stdin:1:31: ERROR: 'xyz' is not a valid register on this architecture (x86_64)\n"
     "kprobe:do_nanosleep { @ = reg(\"xyz\"); }\n"
     "                              ^~~~~\n"},
    {false, "kprobe:do_nanosleep { @ = reg(1); }",
     "stdin:1:31: ERROR: reg() expects a register name as a string literal\n"
     "kprobe:do_nanosleep { @ = reg(1); }\n"
     "                              ^\n"},
    {false, "BEGIN { @ = usermode; }",
     "stdin:1:13: ERROR: The usermode builtin can only be used with 'hardware', 'kprobe', "
     "'kretprobe', 'profile', 'software', 'uprobe', 'uretprobe' and 'usdt' probes\n"
     "BEGIN { @ = usermode; }\n"
     "            ^~~~~~~~\n"},
    {false, "BEGIN { @ = uaddr(\"main\"); }",
     "stdin:1:13: ERROR: The uaddr() builtin can only be used with 'uprobe', 'uretprobe' and "
     "'usdt' probes\n"
     "BEGIN { @ = uaddr(\"main\"); }\n"
     "            ^~~~~~~~~~~~~\n"},
    {false, "BEGIN { @ = path(0); }",
     "stdin:1:13: ERROR: The path() builtin can only be used with 'fentry' and 'fexit' probes\n"
     "BEGIN { @ = path(0); }\n"
     "            ^~~~~~~\n"},
    {false, "BEGIN { @ = socket_cookie(0); }",
     "stdin:1:13: ERROR: The socket_cookie() builtin can only be used with 'fentry' and 'fexit' "
     "probes\n"
     "BEGIN { @ = socket_cookie(0); }\n"
     "            ^~~~~~~~~~~~~~~~\n"},
    {false, "BEGIN { $x = skboutput(\"a.pcap\", 0, 1, 0); }",
     "stdin:1:14: ERROR: The skboutput() builtin can only be used with 'fentry' and 'fexit' "
     "probes\n"
     "BEGIN { $x = skboutput(\"a.pcap\", 0, 1, 0); }\n"
     "             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {false, "kprobe:ip_rcv { $r = skboutput(\"a.pcap\", arg0, 10, 0); }",
     "stdin:1:22: ERROR: The skboutput() builtin can only be used with 'fentry' and 'fexit' "
     "probes\n"
     "kprobe:ip_rcv { $r = skboutput(\"a.pcap\", arg0, 10, 0); }\n"
     "                     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {false, "fentry:ip_rcv { $r = skboutput(1, args.skb, 10, 0); }",
     "stdin:1:32: ERROR: skboutput() file name must be a string literal\n"
     "fentry:ip_rcv { $r = skboutput(1, args.skb, 10, 0); }\n"
     "                               ^\n"},
    {false, "fentry:ip_rcv { $r = skboutput(\"a.pcap\", args.dev, 10, 0); }",
     "stdin:1:42: ERROR: skboutput() expects a struct sk_buff pointer, got 'struct net_device "
     "*'\n"
     "fentry:ip_rcv { $r = skboutput(\"a.pcap\", args.dev, 10, 0); }\n"
     "                                         ^~~~~~~~\n"},
    {false, "fexit:ip_rcv { $r = skboutput(\"a.pcap\", 0, 10, 0); }",
     "stdin:1:41: ERROR: skboutput() expects a struct sk_buff pointer, got 'int64'\n"
     "fexit:ip_rcv { $r = skboutput(\"a.pcap\", 0, 10, 0); }\n"
     "                                        ^\n"},
    {false, "fentry:ip_rcv { $r = skboutput(\"a.pcap\", args.skb, \"x\", 0); }",
     "stdin:1:52: ERROR: skboutput() length must be an integer\n"
     "fentry:ip_rcv { $r = skboutput(\"a.pcap\", args.skb, \"x\", 0); }\n"
     "                                                   ^~~\n"},
    {false, "fentry:ip_rcv { $r = skboutput(\"a.pcap\", args.skb, 10, \"y\"); }",
     "stdin:1:56: ERROR: skboutput() offset must be an integer\n"
     "fentry:ip_rcv { $r = skboutput(\"a.pcap\", args.skb, 10, \"y\"); }\n"
     "                                                       ^~~\n"},
    {false, "fentry:ip_rcv { $r = skboutput(\"a.pcap\", args.skb, 10); }",
     "stdin:1:22: ERROR: skboutput() requires 4 arguments (3 provided)\n"
     "fentry:ip_rcv { $r = skboutput(\"a.pcap\", args.skb, 10); }\n"
     "                     ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {false, "BEGIN { signal(\"SIGKILL\"); }",
     "stdin:1:9: ERROR: signal() is an unsafe function being used in safe mode\n"
     "BEGIN { signal(\"SIGKILL\"); }\n"
     "        ^~~~~~~~~~~~~~~~~\n"},
    {false, "BEGIN { override(1); }",
     "stdin:1:9: ERROR: override() is an unsafe function being used in safe mode\n"
     "BEGIN { override(1); }\n"
     "        ^~~~~~~~~~~\n"},
    {false, "tracepoint:syscalls:sys_enter_getpid { signal(\"SIGKILL\"); }",
     "stdin:1:40: ERROR: signal() is an unsafe function being used in safe mode\n"
     "tracepoint:syscalls:sys_enter_getpid { signal(\"SIGKILL\"); }\n"
     "                                       ^~~~~~~~~~~~~~~~~\n"},
    {false, "tracepoint:syscalls:sys_enter_getpid { override(1); }",
     "stdin:1:40: ERROR: override() is an unsafe function being used in safe mode\n"
     "tracepoint:syscalls:sys_enter_getpid { override(1); }\n"
     "                                       ^~~~~~~~~~~\n"},
    {false, "BEGIN { kstack(fancy); }",
     "stdin:1:16: ERROR: Unknown stack mode: 'fancy' (bpftrace, perf or raw)\n"
     "BEGIN { kstack(fancy); }\n"
     "               ^~~~~\n"},
    {false, "BEGIN { @ = kstack(perf, 200); }",
     "stdin:1:26: ERROR: the number of stack frames must be between 1 and 127\n"
     "BEGIN { @ = kstack(perf, 200); }\n"
     "                         ^~~\n"},
    {false, "BEGIN { @ = kstack(3, perf); }",
     "stdin:1:20: ERROR: kstack() takes a stack mode and/or a frame count literal\n"
     "BEGIN { @ = kstack(3, perf); }\n"
     "                   ^\n"},
    {false, "BEGIN { errorf(comm); }",
     "stdin:1:16: ERROR: errorf() needs a string literal as its format\n"
     "BEGIN { errorf(comm); }\n"
     "               ^~~~\n"},
    {false, "BEGIN { warnf(\"%d\\n\", \"x\"); }",
     "stdin:1:23: ERROR: printf: %d needs an integer argument, argument 1 is a string\n"
     "BEGIN { warnf(\"%d\\n\", \"x\"); }\n"
     "                      ^~~\n"},
    {false, "BEGIN { unwatch(\"x\"); }",
     "stdin:1:17: ERROR: unwatch() expects an address, got 'string[2]'\n"
     "BEGIN { unwatch(\"x\"); }\n"
     "                ^~~\n"},
    {false, "BEGIN { static_assert(0, \"not this\"); }",
     "stdin:1:9: ERROR: static_assert failed: not this\n"
     "BEGIN { static_assert(0, \"not this\"); }\n"
     "        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {false, "BEGIN { static_assert(pid, \"x\"); }",
     "stdin:1:23: ERROR: static_assert() needs a condition known at compile time\n"
     "BEGIN { static_assert(pid, \"x\"); }\n"
     "                      ^~~\n"},
    {false,
     "BEGIN { static_assert(!is_str(1), \"one is not a string\"); static_assert(is_str(1), \"needs "
     "a string\"); }",
     "stdin:1:59: ERROR: static_assert failed: needs a string\n"
     "BEGIN { static_assert(!is_str(1), \"one is not a string\"); static_assert(is_str(1), \"needs "
     "a string\"); }\n"
     "                                                          "
     "^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {false, "BEGIN { fail(\"wrong %d and %s\", 3, \"x\"); }",
     "stdin:1:9: ERROR: wrong 3 and x\n"
     "BEGIN { fail(\"wrong %d and %s\", 3, \"x\"); }\n"
     "        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"},
    {false, "BEGIN { fail(\"x %d\", pid); }",
     "stdin:1:22: ERROR: fail() arguments must be literals\n"
     "BEGIN { fail(\"x %d\", pid); }\n"
     "                     ^~~\n"},
    {false, "BEGIN { @ = kfunc_exist(comm); }",
     "stdin:1:25: ERROR: kfunc_exist() expects a function name as a string literal\n"
     "BEGIN { @ = kfunc_exist(comm); }\n"
     "                        ^~~~\n"},
    {false, "BEGIN { @ = strcap(1); }",
     "stdin:1:20: ERROR: strcap() expects a string or an array, got 'int64'\n"
     "BEGIN { @ = strcap(1); }\n"
     "                   ^\n"},
    {true, "BEGIN { signal(\"SIGKILL\"); }",
     "stdin:1:9: ERROR: The signal() builtin can only be used with 'hardware', 'kprobe', "
     "'kretprobe', 'profile', 'software', 'tracepoint', 'uprobe', 'uretprobe' and 'usdt' "
     "probes\n"
     "BEGIN { signal(\"SIGKILL\"); }\n"
     "        ^~~~~~~~~~~~~~~~~\n"},
    {true, "BEGIN { override(1); }",
     "stdin:1:9: ERROR: The override() builtin can only be used with 'kprobe' probes\n"
     "BEGIN { override(1); }\n"
     "        ^~~~~~~~~~~\n"},
    {true, "tracepoint:syscalls:sys_enter_getpid { signal(\"SIGNOPE\"); }",
     "stdin:1:40: ERROR: SIGNOPE is not a valid signal\n"
     "tracepoint:syscalls:sys_enter_getpid { signal(\"SIGNOPE\"); }\n"
     "                                       ^~~~~~~~~~~~~~~~~\n"},
    {true, "tracepoint:syscalls:sys_enter_getpid { signal(99); }",
     "stdin:1:40: ERROR: 99 is not a valid signal, allowed range: [1,64]\n"
     "tracepoint:syscalls:sys_enter_getpid { signal(99); }\n"
     "                                       ^~~~~~~~~~\n"},
    {true, "tracepoint:syscalls:sys_enter_getpid { signal(comm); }",
     "stdin:1:40: ERROR: signal only accepts string literals or integers\n"
     "tracepoint:syscalls:sys_enter_getpid { signal(comm); }\n"
     "                                       ^~~~~~~~~~~~\n"},
    {true, "tracepoint:syscalls:sys_enter_getpid { signal_thread(0); }",
     "stdin:1:40: ERROR: 0 is not a valid signal, allowed range: [1,64]\n"
     "tracepoint:syscalls:sys_enter_getpid { signal_thread(0); }\n"
     "                                       ^~~~~~~~~~~~~~~~\n"},
    {true, "tracepoint:syscalls:sys_enter_getpid { override(1); }",
     "stdin:1:40: ERROR: The override() builtin can only be used with 'kprobe' probes\n"
     "tracepoint:syscalls:sys_enter_getpid { override(1); }\n"
     "                                       ^~~~~~~~~~~\n"},
    {true, "kprobe:do_nanosleep { override(\"x\"); }",
     "stdin:1:32: ERROR: override() expects an integer return value, got 'string[2]'\n"
     "kprobe:do_nanosleep { override(\"x\"); }\n"
     "                               ^~~\n"},
    /* issue 11, the rest: assert, assert_str, syscall_name, len(stack),
       percpu_kaddr, getopt, globmatch */
    {false, "BEGIN { assert(\"x\", \"m\"); }",
     "stdin:1:16: ERROR: assert() condition must be an integer, got 'string[2]'\n"
     "BEGIN { assert(\"x\", \"m\"); }\n"
     "               ^~~\n"},
    {false, "BEGIN { assert(1, 2); }",
     "stdin:1:19: ERROR: assert() message must be a string, got 'int64'\n"
     "BEGIN { assert(1, 2); }\n"
     "                  ^\n"},
    {false, "BEGIN { assert(1); }",
     "stdin:1:9: ERROR: assert() requires 2 arguments (1 provided)\n"
     "BEGIN { assert(1); }\n"
     "        ^~~~~~~~~\n"},
    {false, "BEGIN { assert_str(pid); }",
     "stdin:1:20: ERROR: assert_str() expects a string, got 'uint64'\n"
     "BEGIN { assert_str(pid); }\n"
     "                   ^~~\n"},
    {false, "BEGIN { @ = syscall_name(\"read\"); }",
     "stdin:1:26: ERROR: syscall_name() expects an integer (a syscall number), got 'string[5]'\n"
     "BEGIN { @ = syscall_name(\"read\"); }\n"
     "                         ^~~~~~\n"},
    {false, "BEGIN { @ = len(pid); }",
     "stdin:1:17: ERROR: call to len() expects a map, ustack, or kstack\n"
     "BEGIN { @ = len(pid); }\n"
     "                ^~~\n"},
    {false, "BEGIN { @ = len(kstack(0)); }",
     "stdin:1:24: ERROR: the number of stack frames must be between 1 and 127\n"
     "BEGIN { @ = len(kstack(0)); }\n"
     "                       ^\n"},
    {false, "BEGIN { @ = percpu_kaddr(comm); }",
     "stdin:1:26: ERROR: percpu_kaddr() expects a symbol name as a string literal\n"
     "BEGIN { @ = percpu_kaddr(comm); }\n"
     "                         ^~~~\n"},
    {false, "BEGIN { @ = percpu_kaddr(\"no_such_percpu_var\"); }",
     "stdin:1:26: ERROR: Could not resolve variable \"no_such_percpu_var\" from BTF\n"
     "BEGIN { @ = percpu_kaddr(\"no_such_percpu_var\"); }\n"
     "                         ^~~~~~~~~~~~~~~~~~~~\n"},
    {false, "BEGIN { @ = percpu_kaddr(\"runqueues\", \"a\"); }",
     "stdin:1:39: ERROR: percpu_kaddr() cpu must be an integer, got 'string[2]'\n"
     "BEGIN { @ = percpu_kaddr(\"runqueues\", \"a\"); }\n"
     "                                      ^~~\n"},
    {false, "BEGIN { @ = getopt(1); }",
     "stdin:1:20: ERROR: getopt() expects an option name as a string literal\n"
     "BEGIN { @ = getopt(1); }\n"
     "                   ^\n"},
    {false, "BEGIN { @ = getopt(\"a\", pid); }",
     "stdin:1:25: ERROR: getopt() default must be a string, integer or boolean literal\n"
     "BEGIN { @ = getopt(\"a\", pid); }\n"
     "                        ^~~\n"},
    {false, "BEGIN { @ = getopt(\"a\", 1, 2); }",
     "stdin:1:28: ERROR: getopt() description must be a string literal\n"
     "BEGIN { @ = getopt(\"a\", 1, 2); }\n"
     "                           ^\n"},
    {false, "BEGIN { @ = globmatch(1, \"a*\"); }",
     "stdin:1:23: ERROR: globmatch() expects a string, got 'int64'\n"
     "BEGIN { @ = globmatch(1, \"a*\"); }\n"
     "                      ^\n"},
    {false, "BEGIN { @ = globmatch(comm, comm); }",
     "stdin:1:29: ERROR: globmatch() pattern must be a string literal\n"
     "BEGIN { @ = globmatch(comm, comm); }\n"
     "                            ^~~~\n"},
    {false, "BEGIN { @ = globmatch(\"a\"); }",
     "stdin:1:13: ERROR: globmatch() requires 2 arguments (1 provided)\n"
     "BEGIN { @ = globmatch(\"a\"); }\n"
     "            ^~~~~~~~~~~~~~\n"},
    {false, "BEGIN { $s = kstack; @ = len($s); }",
     "stdin:1:30: ERROR: len() counts the frames of kstack or ustack itself, not of a stack kept in a variable or a map\n"
     "BEGIN { $s = kstack; @ = len($s); }\n"
     "                             ^~\n"},
};

int main(void)
{
    require_tracefs();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *buf = NULL;
        size_t len = 0;
        diag_stream = open_memstream(&buf, &len);
        struct compile_options opts = {
            .filename = "stdin", .text = cases[i].program, .strlen = 64, .unsafe = cases[i].unsafe};
        struct compiled_program *p = compile_program(&opts);
        fclose(diag_stream);
        diag_stream = NULL;
        if (p) {
            fprintf(stderr, "FAIL: compiled although it should not: %s\n", cases[i].program);
            test_failures++;
            compiled_program_free(p);
        }
        CHECK_STR(buf, cases[i].expected);
        free(buf);
    }
    return test_finish("builtin_errors");
}
