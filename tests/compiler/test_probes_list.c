/* probes_list (-l, -lv) compared with Debian's bpftrace 0.17 run live.
 *
 * Only the tracepoint part of bpftrace's output is compared: bpftrace 0.17
 * also prints "hardware:PATTERN:" and "software:PATTERN:" lines (echoing
 * the pattern: a bug) and cannot list kprobes here because
 * available_filter_functions is unreadable. Kprobe listing is checked
 * against /proc/kallsyms instead. */
#include "probe_test.h"
#include "probes/probes.h"

struct text {
    char *data;
    size_t len;
};

/* Lines of a tracepoint and the indented field lines below it. */
static char *tracepoint_lines(const char *text)
{
    size_t len = strlen(text);
    char *out = malloc(len + 1), *o = out;
    bool keep = false;
    for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) + 1 : strlen(line);
        if (strncmp(line, "tracepoint:", 11) == 0)
            keep = true;
        else if (line[0] != ' ')
            keep = false;
        if (keep) {
            memcpy(o, line, n);
            o += n;
        }
        line += n;
    }
    *o = '\0';
    return out;
}

static char *run_bpftrace(const char *args)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "bpftrace %s 2>/dev/null", args);
    FILE *p = popen(cmd, "r");
    CHECK(p != NULL);
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap);
    while (p && (n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    if (p)
        pclose(p);
    return buf;
}

static char *run_sobt(const char *pattern, bool verbose, int *count)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    *count = probes_list(f, pattern, verbose);
    fclose(f);
    return buf;
}

static int count_lines_with_prefix(const char *text, const char *prefix)
{
    int n = 0;
    size_t plen = strlen(prefix);
    for (const char *line = text; line && *line;) {
        n += strncmp(line, prefix, plen) == 0;
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    return n;
}

/* The first line where two texts differ, to make a failure readable. */
static void show_difference(const char *got, const char *want)
{
    int line = 1;
    const char *g = got, *w = want;
    while (*g && *g == *w) {
        if (*g == '\n') {
            line++;
            got = g + 1;
            want = w + 1;
        }
        g++;
        w++;
    }
    fprintf(stderr, "    first difference at line %d:\n    sobt:     %.*s\n    bpftrace: %.*s\n",
            line, (int)strcspn(got, "\n"), got, (int)strcspn(want, "\n"), want);
}

static void compare(const char *pattern, bool verbose, int min_lines)
{
    char args[256];
    snprintf(args, sizeof(args), "%s %s%s%s", verbose ? "-lv" : "-l", pattern ? "'" : "",
             pattern ? pattern : "", pattern ? "'" : "");
    char *bt_raw = run_bpftrace(args);
    char *want = tracepoint_lines(bt_raw);
    int count;
    char *got_raw = run_sobt(pattern, verbose, &count);
    char *got = tracepoint_lines(got_raw);
    int tracepoints = count_lines_with_prefix(got, "tracepoint:");
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "FAIL: bpftrace %s and probes_list differ\n", args);
        show_difference(got, want);
        test_failures++;
    }
    if (tracepoints < min_lines) {
        fprintf(stderr, "FAIL: bpftrace %s: %d tracepoints listed, want at least %d\n", args,
                tracepoints, min_lines);
        test_failures++;
    }
    /* the count covers every probe listed (every line but -v's indented fields) */
    CHECK_INT(count, count_lines_with_prefix(got_raw, "") - count_lines_with_prefix(got_raw, " "));
    printf("bpftrace %-45s %5d tracepoints, same output\n", args, tracepoints);
    free(bt_raw);
    free(want);
    free(got_raw);
    free(got);
}

static void require_bpftrace(void)
{
    if (system("command -v bpftrace >/dev/null 2>&1") != 0) {
        fprintf(stderr, "FAIL: bpftrace is not installed; this test compares against it "
                        "(apt-get install bpftrace)\n");
        exit(1);
    }
}

static void test_against_bpftrace(void)
{
    compare(NULL, false, 1000);
    compare("tracepoint:syscalls:sys_enter_conn*", false, 1);
    compare("tracepoint:syscalls:sys_enter_connect", false, 1);
    compare("t:syscalls:sys_enter_accept*", false, 2);
    compare("tracepoint:syscalls:sys_enter_*", false, 300);
    compare("tracepoint:sched:*", false, 10);
    compare("tracepoint:sched*", false, 10);
    compare("t:*:sched_sw*", false, 1);
    compare("tracepoint:*:*connect", false, 2);
    compare("tracepoint:*sched*:*switch*", false, 1);
    compare("tracepoint:syscalls:SYS_enter_connect", false, 0);
    compare("tracepoint:*", false, 1000);
    /* without a provider: every provider, so tracepoints of any category */
    compare("*conn*", false, 3);
    compare("sched_sw*", false, 1);
    compare("*:sys_enter_connect", false, 0);
    compare("*:sys_enter_connect*", false, 1);
    compare("*:syscalls:*", false, 300);
    compare("t*:syscalls:sys_enter_connect", false, 1);

    compare("tracepoint:syscalls:sys_enter_connect", true, 1);
    compare("tracepoint:sched:sched_switch", true, 1);
    compare("tracepoint:sched:sched_process_exec", true, 1);
    compare("t:raw_syscalls:*", true, 2);
    compare("tracepoint:*", true, 1000);
}

static void test_exact_output(void)
{
    int count;
    char *out = run_sobt("tracepoint:syscalls:sys_enter_connect", true, &count);
    CHECK_STR(out, "tracepoint:syscalls:sys_enter_connect\n"
                   "    int __syscall_nr\n"
                   "    int fd\n"
                   "    struct sockaddr * uservaddr\n"
                   "    int addrlen\n");
    CHECK_INT(count, 1);
    free(out);

    out = run_sobt("t:syscalls:sys_enter_accept*", false, &count);
    CHECK_STR(out, "tracepoint:syscalls:sys_enter_accept\n"
                   "tracepoint:syscalls:sys_enter_accept4\n");
    CHECK_INT(count, 2);
    free(out);
}

static void test_kprobes(void)
{
    int count;
    char *out = run_sobt("kprobe:tcp_sendmsg*", false, &count);
    CHECK(strstr(out, "kprobe:tcp_sendmsg\n") != NULL);
    CHECK(strstr(out, "kprobe:tcp_sendmsg_locked\n") != NULL);
    CHECK_INT(count_lines_with_prefix(out, "kprobe:tcp_sendmsg"), count);
    CHECK(count >= 2);
    free(out);

    out = run_sobt("k:tcp_sendmsg", false, &count);
    CHECK_STR(out, "kprobe:tcp_sendmsg\n");
    free(out);

    out = run_sobt("kretprobe:tcp_sendmsg", false, &count);
    CHECK_STR(out, "kretprobe:tcp_sendmsg\n");
    free(out);

    /* a provider-less pattern lists kprobes too, before tracepoints */
    out = run_sobt("*sys_enter_connect*", false, &count);
    CHECK_STR(out, "tracepoint:syscalls:sys_enter_connect\n");
    free(out);
    /* and raw tracepoints (this kernel has a tcp_sendmsg_locked tracepoint) */
    out = run_sobt("tcp_sendmsg_locked", false, &count);
    CHECK_STR(out, "kprobe:tcp_sendmsg_locked\nrawtracepoint:vmlinux:tcp_sendmsg_locked\n");
    free(out);
}

/* probes_list with its stderr captured: the error message is checked too. */
static void check_list_error(const char *pattern, const char *want_stderr)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *capture = tmpfile();
    dup2(fileno(capture), STDERR_FILENO);
    int count;
    char *out = run_sobt(pattern, false, &count);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char err[512] = "";
    rewind(capture);
    size_t n = fread(err, 1, sizeof(err) - 1, capture);
    err[n] = '\0';
    fclose(capture);
    CHECK_INT(count, -1);
    CHECK_STR(out, "");
    CHECK_STR(err, want_stderr);
    free(out);
}

static void test_errors(void)
{
    check_list_error("tracepoint:sched", "ERROR: tracepoint probe type requires 2 arguments\n");
    check_list_error("t:a:b:c", "ERROR: tracepoint probe type requires 2 arguments\n");
    check_list_error("foo:bar", "ERROR: Unrecognized probe type: foo\n");
    check_list_error("kprobe:a:b:c", "ERROR: kprobe probe type requires 1 or 2 arguments\n");
    check_list_error("a:b:c:d", "ERROR: Unrecognized probe type: a\n");
    /* BEGIN and END have nothing to list; intervals list their unit, as
     * current bpftrace does */
    int count;
    char *out = run_sobt("BEGIN", false, &count);
    CHECK_INT(count, 0);
    CHECK_STR(out, "");
    free(out);
    out = run_sobt("interval:s:1", false, &count);
    CHECK_INT(count, 1);
    CHECK_STR(out, "interval:s:\n");
    free(out);
}

int main(void)
{
    require_tracefs();
    require_bpftrace();
    test_exact_output();
    test_against_bpftrace();
    test_kprobes();
    test_errors();
    return test_finish("test_probes_list");
}
