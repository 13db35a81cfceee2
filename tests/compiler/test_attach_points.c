/* attach_point_parse: every provider's good forms (targets, full names,
 * periods), wildcard expansion and its speed, and the exact error text of
 * bad attach points. */
#include "probe_test.h"
#include "probes/probes.h"

#include <linux/perf_event.h>

static struct attach_point parse_ok(const char *text)
{
    struct attach_point ap;
    char err[256] = "untouched";
    if (attach_point_parse(text, &ap, err, sizeof(err)) != 0) {
        fprintf(stderr, "FAIL: '%s' rejected: %s\n", text, err);
        test_failures++;
    }
    return ap;
}

static void check_single(const char *text, enum probe_provider prov, const char *target,
                         const char *full_name, uint64_t period_ns)
{
    struct attach_point ap = parse_ok(text);
    CHECK_INT(ap.provider, prov);
    CHECK_INT(ap.nmatches, 1);
    CHECK_INT(ap.has_wildcard, false);
    CHECK_INT(ap.period_ns, period_ns);
    if (ap.nmatches == 1) {
        CHECK_STR(ap.matches[0].target, target);
        CHECK_STR(ap.matches[0].full_name, full_name);
    }
    attach_point_free(&ap);
}

static void check_error(const char *text, const char *want)
{
    struct attach_point ap;
    char err[256] = "";
    int rc = attach_point_parse(text, &ap, err, sizeof(err));
    if (rc != -1)
        fprintf(stderr, "FAIL: '%s' accepted, want error \"%s\"\n", text, want);
    CHECK_INT(rc, -1);
    if (strcmp(err, want) != 0)
        fprintf(stderr, "  (for attach point '%s')\n", text);
    CHECK_STR(err, want);
    /* a failed parse leaves nothing to free */
    CHECK(ap.matches == NULL && ap.nmatches == 0);
}

/* What the attach point names does not exist here: missing_probes decides. */
static void check_missing(const char *text, const char *want)
{
    struct attach_point ap;
    char err[256] = "";
    int rc = attach_point_parse(text, &ap, err, sizeof(err));
    if (rc != ATTACH_POINT_MISSING)
        fprintf(stderr, "FAIL: '%s' gave %d, want missing \"%s\"\n", text, rc, want);
    CHECK_INT(rc, ATTACH_POINT_MISSING);
    CHECK_STR(err, want);
    CHECK(ap.matches == NULL && ap.nmatches == 0);
}

static bool kallsyms_has_function(const char *name)
{
    FILE *f = fopen("/proc/kallsyms", "r");
    char line[512], sym[256], type;
    bool found = false;
    while (f && !found && fgets(line, sizeof(line), f))
        found = sscanf(line, "%*s %c %255s", &type, sym) == 2 && (type == 't' || type == 'T') &&
                strcmp(sym, name) == 0;
    if (f)
        fclose(f);
    return found;
}

/* How many lines of available_events start with prefix: a list the kernel
 * keeps separately from the events/ directories that tracefs.c reads. */
static int available_events_with_prefix(const char *prefix)
{
    char path[256], line[512];
    snprintf(path, sizeof(path), "%s/available_events", tracefs_path());
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    int n = 0;
    while (f && fgets(line, sizeof(line), f))
        n += strncmp(line, prefix, strlen(prefix)) == 0;
    if (f)
        fclose(f);
    return n;
}

static void test_special_and_intervals(void)
{
    check_single("BEGIN", PROV_BEGIN, "", "BEGIN", 0);
    check_single("END", PROV_END, "", "END", 0);
    check_single("interval:s:1", PROV_INTERVAL, "", "interval:s:1", 1000000000ull);
    check_single("i:ms:100", PROV_INTERVAL, "", "interval:ms:100", 100000000ull);
    check_single("i:us:100000", PROV_INTERVAL, "", "interval:us:100000", 100000000ull);
    check_single("interval:hz:50", PROV_INTERVAL, "", "interval:hz:50", 20000000ull);
    /* bpftrace 0.17 prints the count as a number: "interval:s:1" for 01, 10 for 1e1 */
    check_single("interval:s:01", PROV_INTERVAL, "", "interval:s:1", 1000000000ull);
    check_single("interval:s:1e1", PROV_INTERVAL, "", "interval:s:10", 10000000000ull);

    check_error("BEGIN:x", "BEGIN probe type requires 0 arguments");
    check_error("END:", "END probe type requires 0 arguments");
    check_error("interval", "interval probe type requires 1 or 2 arguments, found 0");
    check_error("i:s:1:2", "interval probe type requires 1 or 2 arguments, found 3");
    /* current bpftrace's one-argument spelling: a duration, in ns without a
     * suffix; `probe` names it in microseconds */
    check_single("interval:1s", PROV_INTERVAL, "", "interval:us:1000000", 1000000000ull);
    check_single("i:250ms", PROV_INTERVAL, "", "interval:us:250000", 250000000ull);
    check_single("interval:5m", PROV_INTERVAL, "", "interval:us:300000000", 300000000000ull);
    check_single("interval:2us", PROV_INTERVAL, "", "interval:us:2", 2000ull);
    check_single("interval:1_000_000", PROV_INTERVAL, "", "interval:us:1000", 1000000ull);
    check_single("interval:1e9", PROV_INTERVAL, "", "interval:us:1000000", 1000000000ull);
    check_error("interval:s", "Failed to parse 's': not a number");
    check_error("interval:1",
                "Invalid rate of interval probe. Minimum is 1000 or 1us. Found: 1 nanoseconds");
    check_error("interval:1b", "Invalid rate of interval probe: invalid trailing bytes: 1b");
    check_single("begin", PROV_BEGIN, "", "BEGIN", 0);
    check_single("end", PROV_END, "", "END", 0);
    check_error("interval:xs:1", "xs is not an accepted unit of time");
    check_error("interval:ns:1", "ns is not an accepted unit of time");
    check_error("interval:s:abc", "Failed to parse 'abc': not a number");
    check_error("interval:s:", "Failed to parse '': not a number");
    check_error("interval:s:-1", "Failed to parse '-1': not a number");
    check_error("interval:ms:1k", "Found trailing non-numeric characters: 1k");
    check_error("interval:s:0", "interval must be greater than 0: interval:s:0");
    check_error("interval:s:99999999999999999999",
                "Failed to parse '99999999999999999999': out of range");
    check_error("interval:s:18446744074", "Failed to parse '18446744074': out of range");
    check_error("interval:s:1e30", "Failed to parse '1e30': out of range");
    check_single("interval:ms:1e10", PROV_INTERVAL, "", "interval:ms:10000000000",
                 10000000000000000ull);
    check_error("interval:hz:2000000000",
                "interval:hz:2000000000 is more than 1000000000 per second");
}

static void test_tracepoints(void)
{
    check_single("tracepoint:syscalls:sys_enter_connect", PROV_TRACEPOINT,
                 "syscalls:sys_enter_connect", "tracepoint:syscalls:sys_enter_connect", 0);
    check_single("t:sched:sched_switch", PROV_TRACEPOINT, "sched:sched_switch",
                 "tracepoint:sched:sched_switch", 0);

    struct attach_point ap = parse_ok("t:syscalls:sys_enter_accept*");
    CHECK_INT(ap.provider, PROV_TRACEPOINT);
    CHECK_INT(ap.has_wildcard, true);
    CHECK_INT(ap.nmatches, 2);
    if (ap.nmatches == 2) {
        CHECK_STR(ap.matches[0].target, "syscalls:sys_enter_accept");
        CHECK_STR(ap.matches[0].full_name, "tracepoint:syscalls:sys_enter_accept");
        CHECK_STR(ap.matches[1].target, "syscalls:sys_enter_accept4");
        CHECK_STR(ap.matches[1].full_name, "tracepoint:syscalls:sys_enter_accept4");
    }
    attach_point_free(&ap);

    /* '?' is a wildcard too */
    ap = parse_ok("tracepoint:syscalls:sys_enter_accept?");
    CHECK_INT(ap.has_wildcard, true);
    CHECK_INT(ap.nmatches, 1);
    if (ap.nmatches == 1)
        CHECK_STR(ap.matches[0].full_name, "tracepoint:syscalls:sys_enter_accept4");
    attach_point_free(&ap);

    /* "tracepoint:GLOB" means "tracepoint:*:GLOB", as in bpftrace */
    ap = parse_ok("tracepoint:sched_sw*");
    bool has_switch = false;
    for (int i = 0; i < ap.nmatches; i++) {
        CHECK(strncmp(ap.matches[i].target, "sched:sched_sw", 14) == 0);
        has_switch |= strcmp(ap.matches[i].full_name, "tracepoint:sched:sched_switch") == 0;
    }
    CHECK(has_switch);
    attach_point_free(&ap);

    /* wildcards in the category; sorted by category, then name */
    ap = parse_ok("t:*:*connect");
    CHECK(ap.nmatches >= 2);
    for (int i = 1; i < ap.nmatches; i++)
        CHECK(strcmp(ap.matches[i - 1].target, ap.matches[i].target) < 0);
    attach_point_free(&ap);

    /* the whole sys_enter_* family: as many as the kernel lists, quickly */
    double start = now_ms();
    ap = parse_ok("t:syscalls:sys_enter_*");
    double took = now_ms() - start;
    int want = available_events_with_prefix("syscalls:sys_enter_");
    CHECK(want > 300);
    CHECK_INT(ap.nmatches, want);
    for (int i = 1; i < ap.nmatches; i++)
        CHECK(strcmp(ap.matches[i - 1].target, ap.matches[i].target) < 0);
    printf("t:syscalls:sys_enter_* expanded to %d tracepoints in %.2f ms\n", ap.nmatches, took);
    CHECK(took < 50.0);
    attach_point_free(&ap);

    /* every tracepoint, and again compared with the kernel's own list */
    start = now_ms();
    ap = parse_ok("tracepoint:*:*");
    took = now_ms() - start;
    CHECK_INT(ap.nmatches, available_events_with_prefix(""));
    printf("tracepoint:*:* expanded to %d tracepoints in %.2f ms\n", ap.nmatches, took);
    attach_point_free(&ap);

    check_error("tracepoint:foo", "tracepoint probe type requires 2 arguments");
    check_error("tracepoint", "tracepoint probe type requires 2 arguments");
    check_error("t:a:b:c", "tracepoint probe type requires 2 arguments");
    check_missing("tracepoint:syscalls:nope", "tracepoint not found: syscalls:nope");
    check_missing("t:nope:nope", "tracepoint not found: nope:nope");
    check_missing("tracepoint:syscalls:", "tracepoint not found: syscalls:");
    check_missing("tracepoint::sys_enter_read", "tracepoint not found: :sys_enter_read");
    check_missing("tracepoint:syscalls:nope*", "tracepoints not found: syscalls:nope*");
    check_missing("tracepoint:nope*:*", "tracepoints not found: nope*:*");
    check_missing("tracepoint:syscalls:SYS_enter_connect",
                  "tracepoint not found: syscalls:SYS_enter_connect");
    /* not tracepoints: events/ files, ftrace's internal records, paths */
    check_missing("tracepoint:syscalls:enable", "tracepoint not found: syscalls:enable");
    check_missing("tracepoint:ftrace:function", "tracepoint not found: ftrace:function");
    check_missing("tracepoint:..:events", "tracepoint not found: ..:events");
    check_missing("tracepoint:sched/../sched:sched_switch",
                  "tracepoint not found: sched/../sched:sched_switch");
}

static void test_kprobes(void)
{
    check_single("kprobe:tcp_sendmsg", PROV_KPROBE, "tcp_sendmsg", "kprobe:tcp_sendmsg", 0);
    check_single("k:tcp_sendmsg", PROV_KPROBE, "tcp_sendmsg", "kprobe:tcp_sendmsg", 0);
    check_single("kretprobe:tcp_sendmsg", PROV_KRETPROBE, "tcp_sendmsg", "kretprobe:tcp_sendmsg",
                 0);
    check_single("kr:tcp_recvmsg", PROV_KRETPROBE, "tcp_recvmsg", "kretprobe:tcp_recvmsg", 0);

    struct attach_point ap = parse_ok("kprobe:tcp_sendmsg*");
    CHECK_INT(ap.has_wildcard, true);
    CHECK(ap.nmatches >= 2);
    bool plain = false, locked = false;
    for (int i = 0; i < ap.nmatches; i++) {
        CHECK(strncmp(ap.matches[i].full_name, "kprobe:tcp_sendmsg", 18) == 0);
        CHECK(strncmp(ap.matches[i].target, "tcp_sendmsg", 11) == 0);
        plain |= strcmp(ap.matches[i].target, "tcp_sendmsg") == 0;
        locked |= strcmp(ap.matches[i].target, "tcp_sendmsg_locked") == 0;
        if (i > 0)
            CHECK(strcmp(ap.matches[i - 1].target, ap.matches[i].target) < 0);
    }
    CHECK(plain && locked);
    attach_point_free(&ap);

    /* the padding symbols in front of every function are not functions */
    ap = parse_ok("kretprobe:*tcp_sendmsg");
    for (int i = 0; i < ap.nmatches; i++) {
        CHECK(strncmp(ap.matches[i].target, "__pfx_", 6) != 0);
        CHECK(strncmp(ap.matches[i].full_name, "kretprobe:", 10) == 0);
    }
    attach_point_free(&ap);

    if (kallsyms_has_function("kmem_cache_alloc"))
        check_single("kprobe:kmem_cache_alloc", PROV_KPROBE, "kmem_cache_alloc",
                     "kprobe:kmem_cache_alloc", 0);
    else
        check_error("kprobe:kmem_cache_alloc", "kernel function not found: kmem_cache_alloc "
                                               "(did you mean kmem_cache_alloc_noprof?)");
    check_error("kprobe:tcp_sendmsgg",
                "kernel function not found: tcp_sendmsgg (did you mean tcp_sendmsg?)");
    check_error("kprobe:zzqx_no_such_function_at_all",
                "kernel function not found: zzqx_no_such_function_at_all");
    check_error("kprobe:zzqx_nope*", "kernel functions not found: zzqx_nope*");
    check_error("kprobe:", "kprobes should be attached to a function");
    check_error("kretprobe:", "kprobes should be attached to a function");
    check_error("kprobe", "kprobe probe type requires 1 or 2 arguments");
    check_error("kprobe:a:b:c", "kprobe probe type requires 1 or 2 arguments");
    check_error("kr:a:b", "kernel function not found: a:b (that module is not loaded)");
    /* MODULE:FUNCTION, FUNCTION+OFFSET: the kernel finds a module's function
     * by "MODULE:FUNCTION"; `probe` names them as written */
    check_single("kprobe:vmlinux:tcp_sendmsg", PROV_KPROBE, "tcp_sendmsg",
                 "kprobe:vmlinux:tcp_sendmsg", 0);
    /* a module's function must be one of that module's (none is loaded here:
     * tests/guest loads some) */
    check_error("kprobe:nf_conntrack:tcp_sendmsg",
                "kernel function not found: nf_conntrack:tcp_sendmsg (that module is not loaded)");
    check_error("kprobe:nf_conntrack:tcp_*",
                "kernel functions not found: nf_conntrack:tcp_* (that module is not loaded)");
    ap = parse_ok("kprobe:tcp_sendmsg+0x10");
    CHECK_STR(ap.matches[0].target, "tcp_sendmsg");
    CHECK_STR(ap.matches[0].full_name, "kprobe:tcp_sendmsg+0x10");
    CHECK_INT(ap.matches[0].offset, 16);
    attach_point_free(&ap);
    ap = parse_ok("k:vmlinux:tcp_sendmsg+4");
    CHECK_STR(ap.matches[0].full_name, "kprobe:vmlinux:tcp_sendmsg+4");
    CHECK_INT(ap.matches[0].offset, 4);
    attach_point_free(&ap);
    check_error("kretprobe:tcp_sendmsg+4", "Offset not allowed");
    check_error("kprobe:tcp_send*+4", "an offset cannot follow a wildcard: tcp_send*+4");
    check_error("kprobe:tcp_sendmsg+x", "invalid offset in tcp_sendmsg+x: 'x' is not a number");
    check_error("kprobe:tcp_sendmsg+", "invalid offset in tcp_sendmsg+: '' is not a number");
    check_error("kprobe:m*:tcp_sendmsg", "a module name cannot hold a wildcard: m*");
    check_error("kretprobe:tcp_sendmsg+4", "Offset not allowed");
}

/* The C library as the dynamic linker's cache names it (ldconfig -p). */
static void libc_path(char *out, size_t size)
{
    FILE *p = popen("ldconfig -p", "r");
    char line[512];
    out[0] = '\0';
    while (p && fgets(line, sizeof(line), p)) {
        char *arrow = strstr(line, " => ");
        if (strstr(line, "libc.so.6 (libc6,x86-64)") && arrow) {
            snprintf(out, size, "%s", arrow + 4);
            out[strcspn(out, "\n")] = '\0';
        }
    }
    if (p)
        pclose(p);
    if (!out[0])
        die("ldconfig -p does not list libc.so.6");
}

static void test_uprobes(void)
{
    char libc[256], want[512];
    libc_path(libc, sizeof(libc));
    snprintf(want, sizeof(want), "uprobe:%s:malloc", libc);
    check_single("uprobe:libc:malloc", PROV_UPROBE, libc, want, 0);
    snprintf(want, sizeof(want), "uretprobe:%s:malloc", libc);
    check_single("ur:libc:malloc", PROV_URETPROBE, libc, want, 0);
    struct attach_point ap = parse_ok("uprobe:libc:mallo*");
    CHECK(ap.has_wildcard && ap.nmatches > 1);
    for (int i = 0; i < ap.nmatches; i++) {
        CHECK_STR(ap.matches[i].target, libc);
        CHECK(ap.matches[i].offset > 0);
    }
    attach_point_free(&ap);
    check_missing("uprobe:/nonexistent/bin:f",
                  "uprobe target file '/nonexistent/bin' does not exist or is not executable");
    check_missing("uprobe:/etc/passwd:f",
                  "uprobe target file '/etc/passwd' does not exist or is not executable");
    check_missing("uprobe:/bin/sh:no_such_function",
                  "Could not resolve symbol: /bin/sh:no_such_function");
    /* a quoted part is taken whole, ':' and all */
    check_missing("uprobe:/bin/sh:\"ns::f\"", "Could not resolve symbol: /bin/sh:ns::f");
    check_error("uprobe:/bin/sh", "uprobe probe type requires 2 arguments");
    check_error("uprobe:/bin/sh:cobol:f", "unsupported language: cobol (only cpp is)");
    check_error("uretprobe:/bin/sh:f+1", "Offset not allowed");
    check_error("uprobe:/bin/sh:f+1+2", "Cannot take more than one offset");
    check_error("uprobe:/bin/sh:f+x", "Invalid offset");
    check_error("uprobe:/bin/*sh:0x1000", "Cannot use wildcards with absolute address");
    check_missing("usdt:/bin/sh:nosuch", "no usdt probe nosuch in /bin/sh");
    check_missing("usdt:/bin/sh:prov:nosuch", "no usdt probe prov:nosuch in /bin/sh");
    check_error("usdt:/bin/sh", "usdt probe type requires 2 or 3 arguments");
    check_missing("usdt:/nonexistent/bin:p",
                  "usdt target file '/nonexistent/bin' does not exist or is not executable");
}

/* profile, software, hardware: what the runtime opens (a frequency or a
 * period; the event and its sampling count, bpftrace's defaults) and the
 * names `probe` prints, as bpftrace 0.17 does. */
static void check_perf(const char *text, enum probe_provider prov, const char *full_name,
                       uint64_t config, uint64_t period, uint64_t freq)
{
    struct attach_point ap = parse_ok(text);
    CHECK_INT(ap.provider, prov);
    CHECK_INT(ap.nmatches, 1);
    if (ap.nmatches == 1)
        CHECK_STR(ap.matches[0].full_name, full_name);
    CHECK_INT(ap.event_config, config);
    CHECK_INT(prov == PROV_PROFILE ? ap.period_ns : ap.sample_period, period);
    CHECK_INT(ap.sample_freq, freq);
    attach_point_free(&ap);
}

static void test_perf_kinds(void)
{
    check_perf("profile:hz:99", PROV_PROFILE, "profile:hz:99", 0, 0, 99);
    check_perf("p:hz:1e2", PROV_PROFILE, "profile:hz:100", 0, 0, 100);
    check_perf("profile:ms:10", PROV_PROFILE, "profile:ms:10", 0, 10000000, 0);
    check_perf("profile:s:1", PROV_PROFILE, "profile:s:1", 0, 1000000000, 0);
    check_perf("profile:us:500", PROV_PROFILE, "profile:us:500", 0, 500000, 0);
    check_perf("profile:10ms", PROV_PROFILE, "profile:us:10000", 0, 10000000, 0);
    check_error("profile:hz:0", "profile frequency should be a positive integer");
    check_error("profile:ms:0", "profile frequency should be a positive integer");
    check_error("profile:xs:1", "xs is not an accepted unit of time");
    check_error("profile:hz:abc", "Failed to parse 'abc': not a number");
    check_error("profile:hz:-1", "Failed to parse '-1': not a number");
    check_error("profile:hz:1x", "Found trailing non-numeric characters: 1x");
    check_error("profile", "profile probe type requires 1 or 2 arguments, found 0");
    check_error("profile:1", "Invalid rate of profile probe. Minimum is 1000 or 1us. Found: 1 "
                             "nanoseconds");

    /* every software event, by name and alias, with bpftrace's default counts */
    static const struct {
        const char *text, *full_name;
        uint64_t config, period;
    } software[] = {
        {"software:page-faults:100", "software:page-faults:100", PERF_COUNT_SW_PAGE_FAULTS, 100},
        {"s:faults", "software:faults", PERF_COUNT_SW_PAGE_FAULTS, 100},
        {"software:faults:1e3", "software:faults:1000", PERF_COUNT_SW_PAGE_FAULTS, 1000},
        {"software:cpu", "software:cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000},
        {"software:cpu-clock:", "software:cpu-clock", PERF_COUNT_SW_CPU_CLOCK, 1000000},
        {"software:cs", "software:cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000},
        {"software:context-switches:1", "software:context-switches:1",
         PERF_COUNT_SW_CONTEXT_SWITCHES, 1},
        {"software:cpu-migrations", "software:cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS, 1},
        {"software:minor-faults", "software:minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN, 100},
        {"software:major-faults", "software:major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1},
        {"software:alignment-faults", "software:alignment-faults",
         PERF_COUNT_SW_ALIGNMENT_FAULTS, 1},
        {"software:emulation-faults", "software:emulation-faults",
         PERF_COUNT_SW_EMULATION_FAULTS, 1},
        {"software:dummy", "software:dummy", PERF_COUNT_SW_DUMMY, 1},
        {"software:bpf-output", "software:bpf-output", PERF_COUNT_SW_BPF_OUTPUT, 1},
        {"software:task-clock", "software:task-clock", PERF_COUNT_SW_TASK_CLOCK, 1},
    };
    for (size_t i = 0; i < sizeof(software) / sizeof(software[0]); i++)
        check_perf(software[i].text, PROV_SOFTWARE, software[i].full_name, software[i].config,
                   software[i].period, 0);
    check_error("software:foo:1", "foo is not a software probe");
    check_error("software", "software probe type requires 1 or 2 arguments");
    check_error("software:faults:1:2", "software probe type requires 1 or 2 arguments");
    check_error("software:faults:abc", "Failed to parse 'abc': not a number");
    check_error("software:faults:0", "software:faults: the count must be a positive integer");
    check_error("software:faults:10x", "Found trailing non-numeric characters: 10x");
    check_error("hardware:foo", "foo is not a hardware probe");
    check_error("h:cycles:0", "hardware:cycles: the count must be a positive integer");
}

/* rawtracepoint, fentry, fexit: BTF names the targets. */
static void test_btf_kinds(void)
{
    struct attach_point ap = parse_ok("rawtracepoint:sched_switch");
    CHECK_INT(ap.provider, PROV_RAWTRACEPOINT);
    CHECK_INT(ap.nmatches, 1);
    CHECK_STR(ap.matches[0].target, "sched_switch");
    CHECK_STR(ap.matches[0].full_name, "rawtracepoint:vmlinux:sched_switch");
    attach_point_free(&ap);
    ap = parse_ok("rt:vmlinux:sched_process_*");
    CHECK(ap.nmatches >= 3 && ap.has_wildcard);
    attach_point_free(&ap);
    ap = parse_ok("kfunc:vfs_read");
    CHECK_INT(ap.provider, PROV_FENTRY);
    CHECK_STR(ap.matches[0].full_name, "fentry:vmlinux:vfs_read");
    CHECK(ap.matches[0].btf_id > 0);
    attach_point_free(&ap);
    ap = parse_ok("fr:vmlinux:vfs_read");
    CHECK_INT(ap.provider, PROV_FEXIT);
    CHECK_STR(ap.matches[0].full_name, "fexit:vmlinux:vfs_read");
    attach_point_free(&ap);
    check_missing("rawtracepoint:no_such_event",
                  "raw tracepoint not found: no_such_event (BTF has no btf_trace_no_such_event)");
    check_missing("rawtracepoint:no_such_*", "no raw tracepoint matches no_such_*");
    check_error("rawtracepoint", "rawtracepoint probe type requires 1 or 2 arguments");
    /* no modules are loaded on this machine (tests/guest loads some) */
    check_missing(
        "rawtracepoint:nf_conntrack:x",
        "kernel module nf_conntrack has no BTF (is it loaded? /sys/kernel/btf/nf_conntrack "
        "is missing)");
    check_missing(
        "fentry:nf_conntrack:x",
        "kernel module nf_conntrack has no BTF (is it loaded? /sys/kernel/btf/nf_conntrack "
        "is missing)");
    check_missing("fentry:vmlinux:no_such_function",
                  "kernel function not found in BTF: vmlinux:no_such_function");
    check_missing("rt:nf_*:x", "no raw tracepoint matches nf_*:x");
    check_missing("fentry:no_such_function", "kernel function not found in BTF: no_such_function");
    check_missing("fexit:no_such_fun*", "no kernel function matches no_such_fun*");
    check_error("fentry:a:b:c", "fentry probe type requires 1 or 2 arguments");
}

static void test_bad_input(void)
{
    check_error("foo:bar", "Unrecognized probe type: foo");
    check_error("foo", "Unrecognized probe type: foo");
    check_error("", "Unrecognized probe type: ");
    check_error("Tracepoint:sched:sched_switch", "Unrecognized probe type: Tracepoint");
    check_error("iter:task", "Unrecognized probe type: iter");
    check_error("a:b:c:d:e:f:g:h:i",
                "Invalid attachpoint definition: too many ':' in a:b:c:d:e:f:g:h:i");
    /* a small err buffer truncates, never overflows */
    struct attach_point ap;
    char small[8];
    CHECK_INT(attach_point_parse("tracepoint:syscalls:nope", &ap, small, sizeof(small)),
              ATTACH_POINT_MISSING);
    CHECK_STR(small, "tracepo");
}

int main(void)
{
    require_tracefs();
    test_special_and_intervals();
    test_uprobes();
    test_tracepoints();
    test_kprobes();
    test_perf_kinds();
    test_btf_kinds();
    test_bad_input();
    return test_finish("test_attach_points");
}
