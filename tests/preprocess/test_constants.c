/* Named constants: real headers of this machine checked against what the C
 * compiler sees in the same headers (this file includes them), constant
 * expressions, the built-in table checked the same way, kernel BTF
 * enumerators. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* the preprocessor predefines it: compare like with like */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
/* after <netinet/in.h>, whose definitions linux/in6.h then leaves alone */
#include <linux/icmp.h>
#include <linux/icmpv6.h>

#include "pp_support.h"

/* Names whose values the header reader must find exactly as the C compiler
 * does in the same headers (this file includes them too). */
#define HEADER_NAMES(X)                                                                            \
    X(AF_INET)                                                                                     \
    X(AF_INET6)                                                                                    \
    X(AF_UNIX) X(AF_UNSPEC) X(AF_NETLINK) X(AF_PACKET) X(AF_LOCAL) X(AF_XDP) X(AF_VSOCK)           \
        X(PF_INET) X(PF_INET6) X(PF_UNIX) X(IPPROTO_IP) X(IPPROTO_TCP) X(IPPROTO_UDP)              \
            X(IPPROTO_ICMP) X(IPPROTO_ICMPV6) X(IPPROTO_RAW) X(IPPROTO_SCTP) X(IPPROTO_MPTCP) X(   \
                IPPROTO_UDPLITE) X(ECONNREFUSED) X(EINPROGRESS) X(EAGAIN) X(EWOULDBLOCK) X(ENOENT) \
                X(EPERM) X(ETIMEDOUT) X(ECONNRESET) X(EADDRINUSE) X(EHOSTUNREACH) X(ENOTSUP) X(    \
                    EOPNOTSUPP) X(EDEADLOCK) X(EHWPOISON) X(SOCK_STREAM) X(SOCK_DGRAM) X(SOCK_RAW) \
                    X(SOCK_SEQPACKET) X(SOCK_NONBLOCK) X(SOCK_CLOEXEC) X(MSG_PEEK) X(MSG_DONTWAIT) \
                        X(MSG_NOSIGNAL) X(MSG_ZEROCOPY) X(MSG_FASTOPEN) X(MSG_CMSG_CLOEXEC)        \
                            X(SOL_SOCKET) X(SOL_TCP) X(SOL_IP) X(SO_REUSEADDR) X(SO_REUSEPORT)     \
                                X(SO_RCVBUF) X(SO_SNDBUF) X(SO_KEEPALIVE) X(SO_TIMESTAMP)          \
                                    X(SO_RCVTIMEO) X(SO_ERROR) X(TCP_NODELAY) X(TCP_CONGESTION)    \
                                        X(TCP_INFO) X(SHUT_RDWR) X(O_RDONLY) X(O_WRONLY) X(O_RDWR) \
                                            X(O_CREAT) X(O_EXCL) X(O_TRUNC) X(O_APPEND)            \
                                                X(O_NONBLOCK) X(O_CLOEXEC) X(O_DIRECTORY)          \
                                                    X(O_NOFOLLOW) X(O_SYNC) X(O_DSYNC) X(AT_FDCWD) \
                                                        X(AT_SYMLINK_NOFOLLOW) X(AT_REMOVEDIR)     \
                                                            X(AT_EMPTY_PATH) X(SIGKILL) X(SIGTERM) \
                                                                X(SIGINT) X(SIGCHLD) X(SIGUSR1)    \
                                                                    X(SIGSYS)

struct expected_value {
    const char *name;
    long long value;
};

#define ENTRY(name) {#name, (long long)(name)},
static const struct expected_value header_values[] = {HEADER_NAMES(ENTRY)};

/* The header reader alone: macros and enumerators of the headers, no table. */
static bool header_only(void *ctx, const char *name, size_t len, int64_t *value)
{
    return macros_enum_value(ctx, name, len, value);
}

static bool header_value(struct constants *c, const char *name, int64_t *value)
{
    struct macro_table *t = constants_macros(c);
    const struct macro *m = macro_find(t, name, strlen(name));
    struct eval_hooks hooks = {.identifier = header_only, .ctx = t};
    if (m)
        return macro_value(t, m, &hooks, value);
    return macros_enum_value(t, name, strlen(name), value);
}

static void test_real_headers(void)
{
    struct result r = run_pp("test.bt",
                             "#include <linux/socket.h>\n"
                             "#include <sys/socket.h>\n"
                             "#include <netinet/in.h>\n"
                             "#include <linux/in.h>\n"
                             "#include <errno.h>\n"
                             "#include <linux/tcp.h>\n"
                             "#include <netinet/tcp.h>\n"
                             "#include <fcntl.h>\n"
                             "#include <signal.h>\n"
                             "#include <net/sock.h>\n"
                             "BEGIN { }\n",
                             NULL);
    expect_text("real headers: text", r.out, "\n\n\n\n\n\n\n\n\n\nBEGIN { }\n");
    expect_text("real headers: no diagnostics", r.diag, "");
    /* the values the brief names, through the resolver's lookup */
    expect_value(r.consts, "AF_INET", 2);
    expect_value(r.consts, "AF_INET6", 10);
    expect_value(r.consts, "AF_UNIX", 1);
    expect_value(r.consts, "IPPROTO_TCP", 6);
    expect_value(r.consts, "IPPROTO_UDP", 17);
    expect_value(r.consts, "ECONNREFUSED", 111);
    expect_value(r.consts, "EINPROGRESS", 115);
    expect_value(r.consts, "SOCK_STREAM", 1);
    /* and every name from the headers alone, as the C compiler sees them */
    for (size_t i = 0; i < sizeof(header_values) / sizeof(header_values[0]); i++) {
        int64_t v = -12345;
        bool found = header_value(r.consts, header_values[i].name, &v);
        CHECK(found && v == header_values[i].value, "headers: %s = %lld, read %s%lld",
              header_values[i].name, header_values[i].value, found ? "" : "(not found) ",
              (long long)v);
    }
    free_result(&r);

    /* each header on its own, as a script would include it */
    static const struct {
        const char *header, *name;
        int64_t value;
    } single[] = {
        {"linux/socket.h", "SOCK_SNDBUF_LOCK", 1}, {"sys/socket.h", "AF_INET", 2},
        {"netinet/in.h", "IPPROTO_UDP", 17},       {"linux/in.h", "IPPROTO_TCP", 6},
        {"errno.h", "ECONNREFUSED", 111},          {"linux/tcp.h", "TCP_NODELAY", 1},
    };
    for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
        char text[128];
        snprintf(text, sizeof(text), "#include <%s>\n", single[i].header);
        r = run_pp("test.bt", text, NULL);
        int64_t v = -12345;
        bool found = header_value(r.consts, single[i].name, &v);
        CHECK(found && v == single[i].value, "<%s>: %s = %lld, read %s%lld", single[i].header,
              single[i].name, (long long)single[i].value, found ? "" : "(not found) ",
              (long long)v);
        free_result(&r);
    }
}

/* Header-style constant expressions, in a <header> (lenient mode). */
static void test_expressions(void)
{
    write_file("exprs/exprs.h", "#define V_SHIFT (1 << 3)\n"
                                "#define V_PAREN (AF_INET)\n"
                                "#define V_CAST ((int)5)\n"
                                "#define V_TRUNC ((unsigned char)0x1ff)\n"
                                "#define V_SCHAR ((__s8)0xff)\n"
                                "#define V_SIZEOF (sizeof(long) == 8 ? 64 : 32)\n"
                                "#define V_SUM V_SHIFT + V_PAREN\n"
                                "#define V_NEG (-1)\n"
                                "#define V_ULONG 0x10UL\n"
                                "#define V_CHAR 'a'\n"
                                "#define V_ESC '\\n'\n"
                                "#define V_OCT 0755\n"
                                "#define V_FN(a, b) ((a) * (b))\n"
                                "#define V_CALL V_FN(6, 7)\n"
                                "#define V_PASTE_(x) V_ ## x\n"
                                "#define V_PASTE V_PASTE_(SHIFT)\n"
                                "#define V_BE ((__force __be16)2)\n"
                                "#define V_SELF V_SELF\n"
                                "#define V_STR \"str\"\n"
                                "#define V_FLOAT 1.5\n"
                                "#define V_UNKNOWN (NO_SUCH_THING + 1)\n"
                                "#define V_BIG 0xffffffffffffffff\n"
                                "#define V_TERN_DEAD (1 ? 2 : NO_SUCH_THING)\n");
    char dir[300];
    snprintf(dir, sizeof(dir), "%s/exprs", tmpdir);
    const char *dirs[] = {dir};
    struct preprocess_options opts = {.include_dirs = dirs, .ninclude_dirs = 1};
    struct result r = run_pp("test.bt", "#include <exprs.h>\n", &opts);
    expect_text("expressions: no diagnostics", r.diag, "");
    expect_value(r.consts, "V_SHIFT", 8);
    expect_value(r.consts, "V_PAREN", 2); /* AF_INET from the built-in table */
    expect_value(r.consts, "V_CAST", 5);
    expect_value(r.consts, "V_TRUNC", 255);
    expect_value(r.consts, "V_SCHAR", -1);
    expect_value(r.consts, "V_SIZEOF", 64);
    expect_value(r.consts, "V_SUM", 10);
    expect_value(r.consts, "V_NEG", -1);
    expect_value(r.consts, "V_ULONG", 16);
    expect_value(r.consts, "V_CHAR", 97);
    expect_value(r.consts, "V_ESC", 10);
    expect_value(r.consts, "V_OCT", 0755);
    expect_value(r.consts, "V_CALL", 42);
    expect_value(r.consts, "V_PASTE", 8);
    expect_value(r.consts, "V_BE", 2);
    expect_value(r.consts, "V_BIG", -1);
    expect_value(r.consts, "V_TERN_DEAD", 2);
    expect_unknown(r.consts, "V_SELF");
    expect_unknown(r.consts, "V_STR");
    expect_unknown(r.consts, "V_FLOAT");
    expect_unknown(r.consts, "V_UNKNOWN");
    expect_unknown(r.consts, "V_FN");
    free_result(&r);
}

/* ---- the built-in table ---- */

#define TABLE_NAMES(X)                                                                             \
    HEADER_NAMES(X)                                                                                \
    X(AF_BLUETOOTH)                                                                                \
    X(AF_CAN)                                                                                      \
    X(AF_MAX) X(PF_PACKET) X(IPPROTO_GRE) X(IPPROTO_IPV6) X(IPPROTO_ESP) X(EBADF) X(EINTR)         \
        X(EINVAL) X(ENOMEM) X(EACCES) X(EEXIST) X(ENOSPC) X(EPIPE) X(ENETUNREACH) X(EALREADY)      \
            X(EISCONN) X(ENOTCONN) X(ECANCELED) X(ERFKILL) X(MSG_OOB) X(MSG_TRUNC) X(MSG_WAITALL)  \
                X(MSG_MORE) X(MSG_ERRQUEUE) X(SOL_IPV6) X(SO_LINGER) X(SO_MARK) X(SO_BINDTODEVICE) \
                    X(SO_PEERCRED) X(SO_INCOMING_CPU) X(O_ACCMODE) X(O_NOCTTY) X(O_DIRECT)         \
                        X(O_NOATIME) X(O_PATH) X(O_TMPFILE) X(AT_SYMLINK_FOLLOW)                   \
                            X(AT_NO_AUTOMOUNT) X(SIGHUP) X(SIGSEGV) X(SIGPIPE) X(SIGSTOP)          \
                                X(SHUT_RD) X(SHUT_WR) X(DT_UNKNOWN) X(DT_FIFO) X(DT_CHR) X(DT_DIR) \
                                    X(DT_BLK) X(DT_REG) X(DT_LNK) X(DT_SOCK) X(DT_WHT) X(ICMP_ECHO) \
                                        X(ICMP_ECHOREPLY) X(ICMP_DEST_UNREACH) X(ICMP_TIME_EXCEEDED) \
                                            X(ICMP_PORT_UNREACH) X(ICMPV6_ECHO_REQUEST)            \
                                                X(ICMPV6_ECHO_REPLY) X(ICMPV6_DEST_UNREACH)        \
                                                    X(ICMPV6_PKT_TOOBIG) X(ICMPV6_NI_QUERY)

static const struct expected_value table_values[] = {TABLE_NAMES(ENTRY)};

static void test_table(void)
{
    for (size_t i = 0; i < sizeof(table_values) / sizeof(table_values[0]); i++) {
        int64_t v = -12345;
        bool found = constant_table_lookup(table_values[i].name, &v);
        CHECK(found && v == table_values[i].value, "table: %s = %lld, table has %s%lld",
              table_values[i].name, table_values[i].value, found ? "" : "(nothing) ", (long long)v);
    }
    /* the kernel's values where glibc's differ, and kernel-only names */
    static const struct {
        const char *name;
        int64_t value;
    } kernel[] = {
        {"O_LARGEFILE", 0100000}, {"TCP_ESTABLISHED", 1},     {"TCP_SYN_SENT", 2},
        {"TCP_CLOSE", 7},         {"TCP_LISTEN", 10},         {"TCP_CLOSING", 11},
        {"TCP_NEW_SYN_RECV", 12}, {"TCP_BOUND_INACTIVE", 13},
        /* include/linux/sched.h (6.1), not installed here */
        {"TASK_RUNNING", 0},      {"TASK_INTERRUPTIBLE", 1},  {"TASK_UNINTERRUPTIBLE", 2},
        {"__TASK_STOPPED", 4},    {"__TASK_TRACED", 8},       {"EXIT_DEAD", 16},
        {"EXIT_ZOMBIE", 32},      {"TASK_PARKED", 64},        {"TASK_DEAD", 128},
        {"TASK_WAKEKILL", 256},   {"TASK_WAKING", 512},       {"TASK_NOLOAD", 1024},
        {"TASK_NEW", 2048},       {"TASK_KILLABLE", 258},     {"TASK_IDLE", 1026},
        {"TASK_NORMAL", 3},       {"TASK_REPORT", 127},
    };
    for (size_t i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++) {
        int64_t v = -12345;
        bool found = constant_table_lookup(kernel[i].name, &v);
        CHECK(found && v == kernel[i].value, "table: %s = %lld, table has %s%lld", kernel[i].name,
              (long long)kernel[i].value, found ? "" : "(nothing) ", (long long)v);
    }
    int64_t v;
    CHECK(!constant_table_lookup("AF_NOTHING", &v), "AF_NOTHING is in the table");
    CHECK(!constant_table_lookup("", &v), "the empty name is in the table");
    /* without any #include, the resolver's lookup still knows them */
    expect_value(NULL, "AF_INET6", 10);
    expect_value(NULL, "ECONNREFUSED", 111);
}

/* ---- BTF ---- */

static void test_btf(void)
{
    /* scripts whose identifiers are all known never build the BTF index */
    struct result r = run_pp("test.bt", "#include <sys/socket.h>\n#define MAX 3\n", NULL);
    expect_value(r.consts, "AF_INET", 2);
    expect_value(r.consts, "MAX", 3);
    expect_value(r.consts, "EPERM", 1);
    CHECK(!constant_btf_index_built(), "the BTF index was built without a miss");

    CHECK(access("/sys/kernel/btf/vmlinux", R_OK) == 0,
          "kernel BTF (/sys/kernel/btf/vmlinux) is needed for these tests");
    /* uapi values (stable) and a kernel-internal enum (SKB_NOT_DROPPED_YET,
     * SKB_CONSUMED, then SKB_DROP_REASON_NOT_SPECIFIED since Linux 6.0) */
    expect_value(r.consts, "BPF_MAP_TYPE_HASH", 1);
    expect_value(r.consts, "BPF_PROG_TYPE_KPROBE", 2);
    expect_value(r.consts, "SKB_DROP_REASON_NOT_SPECIFIED", 2);
    CHECK(constant_btf_index_built(), "the BTF index was not built");
    expect_unknown(r.consts, "NO_SUCH_ENUMERATOR_ANYWHERE");
    free_result(&r);

    const char *name = constant_enum_name("skb_drop_reason", 2);
    expect_text("enum name", name, "SKB_DROP_REASON_NOT_SPECIFIED");
    name = constant_enum_name("enum bpf_map_type", 1);
    expect_text("enum name with 'enum'", name, "BPF_MAP_TYPE_HASH");
    CHECK(constant_enum_name("skb_drop_reason", -77) == NULL, "no name for -77");
    CHECK(constant_enum_name("no_such_enum_type", 0) == NULL, "no such enum type");
}

int main(void)
{
    make_tmpdir();
    test_btf(); /* first: it checks that nothing before built the BTF index */
    test_real_headers();
    test_expressions();
    test_table();
    remove_tmpdir();
    return test_finish("test_constants");
}
