/* Runtime tests on the real kernel: hand-written BPF programs (fixtures.ll,
 * compiled by opt + llc at build time) described by a compiled_program built
 * here by hand, run through runtime_run or the loader/attach layer.
 *
 * usage: runtime_test TEST FIXTURES.o FIXTURES_NOINLINE.o
 * Needs root; anything missing fails loudly. */
#include "runtime_fixture.h"

/* ---- tests ----------------------------------------------------------------- */

/* BEGIN prints, exits and prints again (dropped); END runs after exit(),
 * prints, exits, prints again (dropped); maps are printed once. */
static void test_begin_end(void)
{
    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    add_begin(&fx, "begin");
    add_end(&fx, "end");
    struct run_result r = run_captured(&fx, RUN_NORMAL, false);
    REQUIRE(r.rc == 0, "runtime_run returned %d: %s", r.rc, r.err);
    expect_text("output", r.out, "Attaching 2 probes...\nvalue 42\nvalue 7\n\n\n\n");
    expect_text("errors", r.err, "");
    run_result_free(&r);
    fixture_free(&fx);
}

static volatile int keep_calling;

static void *call_getpid_until_stopped(void *arg)
{
    while (keep_calling) {
        syscall(SYS_getpid);
        usleep(1000);
    }
    return NULL;
}

/* A tracepoint with its cookie: the program prints the cookie (probe id 1)
 * and exits on the first getpid of this process. */
static void test_tracepoint(void)
{
    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    add_begin(&fx, "begin_set_pid");
    add_tracepoint(&fx, "tp_print_exit", "syscalls:sys_enter_getpid");
    keep_calling = 1;
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, call_getpid_until_stopped, NULL) == 0, "pthread_create");
    struct run_result r = run_captured(&fx, RUN_NORMAL, false);
    keep_calling = 0;
    pthread_join(t, NULL);
    REQUIRE(r.rc == 0, "runtime_run returned %d: %s", r.rc, r.err);
    /* The thread may call getpid again between exit() and the detach, and
     * every such call is counted: the count is at least 1, not exactly 1. */
    const char *want = "Attaching 2 probes...\nvalue 41\nvalue 1\n\n\n@hits[1]: ";
    size_t want_len = strlen(want);
    char *end = NULL;
    unsigned long long hits =
        strncmp(r.out, want, want_len) == 0 ? strtoull(r.out + want_len, &end, 10) : 0;
    REQUIRE(hits >= 1 && end && strcmp(end, "\n") == 0,
          "output:\n--- got ---\n%s--- want ---\n%sN (N >= 1)\n", r.out, want);
    run_result_free(&r);
    fixture_free(&fx);
}

/* An interval probe fires on its own and sees its cookie (probe id 0). */
static void test_interval(void)
{
    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    struct prog_desc *pd =
        add_prog(&fx, "interval_print_exit", PROV_INTERVAL, BPF_PROG_TYPE_PERF_EVENT);
    add_attach(&fx, pd, "", "interval:ms:10", 10 * 1000 * 1000);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct run_result r = run_captured(&fx, RUN_NORMAL, false);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    REQUIRE(r.rc == 0, "runtime_run returned %d: %s", r.rc, r.err);
    expect_text("output", r.out, "Attaching 1 probe...\nvalue 1000\n\n\n\n");
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    REQUIRE(secs < 2.0, "a 10 ms interval took %.2f s to fire", secs);
    run_result_free(&r);
    fixture_free(&fx);
}

/* SIGINT stops tracing; END still runs; exit status 0. */
static void test_sigint(void)
{
    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    add_begin(&fx, "begin_set_pid");
    add_tracepoint(&fx, "tp_count", "syscalls:sys_enter_getppid");
    add_end(&fx, "end");
    char path[] = "/tmp/sobt-runtime-sigint-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0, "mkstemp");
    pid_t child = fork();
    if (child == 0) {
        FILE *out = fdopen(fd, "w");
        struct run_options opts = {.mode = RUN_NORMAL, .out = out};
        int rc = runtime_run(&fx.p, &opts);
        fclose(out);
        _exit(rc);
    }
    /* Wait for BEGIN's output: by then everything is attached. */
    char buf[4096] = "";
    for (int i = 0; i < 500 && !strstr(buf, "value 41"); i++) {
        usleep(10000);
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
        buf[n] = '\0';
        if (f)
            fclose(f);
    }
    REQUIRE(strstr(buf, "value 41"), "BEGIN output never appeared: '%s'", buf);
    kill(child, SIGINT);
    int status;
    REQUIRE(waitpid(child, &status, 0) == child, "waitpid");
    REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
    FILE *f = fopen(path, "r");
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(path);
    expect_text("output", buf, "Attaching 3 probes...\nvalue 41\nvalue 7\n\n\n\n");
    fixture_free(&fx);
}

/* Verify mode loads everything (a kprobe program too), attaches nothing,
 * prints no "Attaching", and -v reports each program as bpftrace -v does
 * (its id, the verifier's summary) and then its instruction counts:
 *   Program ID: N
 *   The verifier log:
 *   ... processed N insns ...
 *   PROBE: N instructions verified, N instructions loaded */
static void test_verify(void)
{
    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    add_begin(&fx, "begin");
    add_tracepoint(&fx, "tp_count", "syscalls:sys_enter_getpid");
    add_attach(&fx, add_prog(&fx, "kprobe_noop", PROV_KPROBE, BPF_PROG_TYPE_KPROBE), "tcp_sendmsg",
               "kprobe:tcp_sendmsg", 0);
    struct run_result r = run_captured(&fx, RUN_VERIFY, true);
    REQUIRE(r.rc == 0, "verify returned %d: %s", r.rc, r.err);
    expect_text("output", r.out, "");
    const char *names[] = {"BEGIN", "tracepoint:syscalls:sys_enter_getpid", "kprobe:tcp_sendmsg"};
    const char *line = r.err;
    for (int i = 0; i < 3; i++) {
        unsigned id, verified, loaded;
        REQUIRE(sscanf(line, "Program ID: %u\n", &id) == 1 && id > 0, "-v block %d starts: %s",
                i, line);
        line = strchr(line, '\n') + 1;
        REQUIRE(strncmp(line, "The verifier log:\n", 18) == 0, "no verifier log: %s", line);
        line += 18;
        size_t len = strlen(names[i]);
        bool summary = false;
        while (*line && !(strncmp(line, names[i], len) == 0 && line[len] == ':')) {
            unsigned insns;
            summary |= sscanf(line, "processed %u insns", &insns) == 1 && insns > 0;
            const char *next = strchr(line, '\n');
            REQUIRE(next, "unterminated -v line: %s", line);
            line = next + 1;
        }
        REQUIRE(summary, "no \"processed N insns\" line for %s: %s", names[i], r.err);
        REQUIRE(sscanf(line + len, ": %u instructions verified, %u instructions loaded", &verified,
                       &loaded) == 2,
                "unexpected -v line: %s", line);
        REQUIRE(verified > 0 && loaded > 0, "-v counts are zero: %s", line);
        line = strchr(line, '\n');
        REQUIRE(line, "too few -v lines: %s", r.err);
        line++;
    }
    REQUIRE(*line == '\0', "extra -v output: %s", line);
    run_result_free(&r);
    fixture_free(&fx);
}

/* Dry run attaches (so a bad tracepoint fails) and exits 0 without BEGIN. */
static void test_dry_run(void)
{
    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    add_begin(&fx, "begin");
    add_tracepoint(&fx, "tp_count", "syscalls:sys_enter_getpid");
    struct run_result r = run_captured(&fx, RUN_DRY_RUN, false);
    REQUIRE(r.rc == 0, "dry run returned %d: %s", r.rc, r.err);
    expect_text("output", r.out, "Attaching 2 probes...\n");
    run_result_free(&r);
    fixture_free(&fx);

    fixture_init(&fx, fixtures_path);
    add_tracepoint(&fx, "tp_count", "syscalls:sys_enter_no_such_thing");
    r = run_captured(&fx, RUN_DRY_RUN, false);
    REQUIRE(r.rc == 1, "dry run of a missing tracepoint returned %d", r.rc);
    expect_text("error", r.err,
                "ERROR: tracepoint:syscalls:sys_enter_no_such_thing: no such tracepoint "
                "(No such file or directory)\n");
    run_result_free(&r);
    fixture_free(&fx);
}

static void test_kprobe_error(void)
{
    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    add_attach(&fx, add_prog(&fx, "kprobe_noop", PROV_KPROBE, BPF_PROG_TYPE_KPROBE), "tcp_sendmsg",
               "kprobe:tcp_sendmsg", 0);
    struct stat st;
    bool has_pmu = stat("/sys/bus/event_source/devices/kprobe/type", &st) == 0;
    struct run_result r = run_captured(&fx, RUN_DRY_RUN, false);
    if (has_pmu) {
        /* A kernel with kprobes: the same program must attach. */
        REQUIRE(r.rc == 0, "kprobe attach failed on a kernel with a kprobe PMU: %s", r.err);
    } else {
        REQUIRE(r.rc == 1, "kprobe without a PMU returned %d", r.rc);
        expect_text("error", r.err,
                    "ERROR: kprobe:tcp_sendmsg: this kernel has no kprobe support (no kprobe "
                    "PMU)\n");
    }
    run_result_free(&r);
    fixture_free(&fx);
}

static void test_verifier_reject(void)
{
    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    add_tracepoint(&fx, "bad_deref", "syscalls:sys_enter_getpid");
    struct run_result r = run_captured(&fx, RUN_NORMAL, false);
    REQUIRE(r.rc == 1, "a program the verifier refuses returned %d", r.rc);
    REQUIRE(strstr(r.err, "map_value_or_null") || strstr(r.err, "invalid mem access"),
          "no verifier log in:\n%s", r.err);
    const char *last = "ERROR: Error loading program: tracepoint:syscalls:sys_enter_getpid "
                       "(Permission denied)\n";
    size_t n = strlen(r.err), m = strlen(last);
    REQUIRE(n >= m && strcmp(r.err + n - m, last) == 0, "last line is not '%s' in:\n%s", last, r.err);
    run_result_free(&r);
    fixture_free(&fx);
}

static void test_relocation_reject(void)
{
    struct fixture fx;
    fixture_init(&fx, noinline_path);
    add_tracepoint(&fx, "tp_count", "syscalls:sys_enter_getpid");
    struct run_result r = run_captured(&fx, RUN_VERIFY, false);
    REQUIRE(r.rc == 1, "an object with relocations returned %d", r.rc);
    expect_text("error", r.err,
                "ERROR: BPF object: unexpected relocation section .reltp_count against "
                "tp_count\n");
    run_result_free(&r);
    fixture_free(&fx);
}

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every syscalls:sys_enter_* tracepoint, sorted. */
static int list_sys_enter(char ***out)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/events/syscalls", runtime_tracefs_dir());
    DIR *d = opendir(dir);
    REQUIRE(d, "cannot list %s: %s", dir, strerror(errno));
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "sys_enter_", 10) != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof(*names));
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), compare_str);
    *out = names;
    return n;
}

static uint64_t percpu_sum(int fd, uint64_t key)
{
    int ncpus = libbpf_num_possible_cpus();
    uint64_t values[ncpus];
    if (bpf_map_lookup_elem(fd, &key, values) != 0)
        return 0;
    uint64_t sum = 0;
    for (int i = 0; i < ncpus; i++)
        sum += values[i];
    return sum;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* One program on every sys_enter_* tracepoint, cookie = match index: the
 * attach is fast and each hit is counted under its own tracepoint's cookie. */
static void test_many_tracepoints(void)
{
    char **names;
    int n = list_sys_enter(&names);
    REQUIRE(n >= 300, "only %d sys_enter_* tracepoints", n);
    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    struct prog_desc *pd = add_prog(&fx, "tp_count", PROV_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT);
    int getpid_id = -1, getppid_id = -1;
    for (int i = 0; i < n; i++) {
        char target[300], probe[320];
        snprintf(target, sizeof(target), "syscalls:%s", names[i]);
        snprintf(probe, sizeof(probe), "tracepoint:%s", target);
        add_attach(&fx, pd, target, probe, 0);
        if (strcmp(names[i], "sys_enter_getpid") == 0)
            getpid_id = i;
        if (strcmp(names[i], "sys_enter_getppid") == 0)
            getppid_id = i;
    }
    REQUIRE(getpid_id >= 0 && getppid_id >= 0, "getpid/getppid tracepoints missing");

    struct loaded_program lp;
    REQUIRE(loader_load(&fx.p, false, NULL, &lp) == 0, "load failed");
    uint32_t zero = 0;
    REQUIRE(loader_set_start_time(&fx.p, &lp) == 0, "setting the start time failed");
    uint64_t start_ns = 0;
    REQUIRE(bpf_map_lookup_elem(lp.map_fds[MAP_START_TIME], &zero, &start_ns) == 0, "lookup");
    struct timespec mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    uint64_t mono_ns = (uint64_t)mono.tv_sec * 1000000000u + mono.tv_nsec;
    REQUIRE(start_ns > 0 && start_ns <= mono_ns && mono_ns - start_ns < 1000000000u,
          "start time %llu is not just before %llu", (unsigned long long)start_ns,
          (unsigned long long)mono_ns);
    uint64_t me = (uint64_t)getpid();
    REQUIRE(bpf_map_update_elem(lp.map_fds[MAP_PID], &zero, &me, BPF_ANY) == 0, "map update");

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct attach_set set;
    REQUIRE(attach_all(&fx.p, &lp, &set) == 0, "attach failed");
    double secs = seconds_since(&t0);
    REQUIRE(set.count == n, "attached %d of %d", set.count, n);
    printf("attached %d tracepoints in %.3f s\n", n, secs);
    REQUIRE(secs < 1.0, "attaching %d tracepoints took %.3f s", n, secs);

    for (int i = 0; i < 100; i++)
        syscall(SYS_getpid);
    for (int i = 0; i < 50; i++)
        syscall(SYS_getppid);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    attach_detach_all(&set);
    printf("detached them in %.3f s\n", seconds_since(&t0));

    uint64_t got_getpid = percpu_sum(lp.map_fds[MAP_HITS], getpid_id);
    uint64_t got_getppid = percpu_sum(lp.map_fds[MAP_HITS], getppid_id);
    REQUIRE(got_getpid == 100, "sys_enter_getpid counted %llu, want 100",
          (unsigned long long)got_getpid);
    REQUIRE(got_getppid == 50, "sys_enter_getppid counted %llu, want 50",
          (unsigned long long)got_getppid);
    uint64_t key, *prev = NULL;
    while (bpf_map_get_next_key(lp.map_fds[MAP_HITS], prev, &key) == 0) {
        REQUIRE(key < (uint64_t)n, "cookie %llu out of range", (unsigned long long)key);
        prev = &key;
    }
    loader_unload(&lp);

    /* The whole dry run: load and attach are fast; detaching is not, since
     * the kernel waits for RCU grace periods under a global mutex for every
     * tracepoint perf event (~25 ms each), so only report its time. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct run_result r = run_captured(&fx, RUN_DRY_RUN, false);
    secs = seconds_since(&t0);
    REQUIRE(r.rc == 0, "dry run failed: %s", r.err);
    char want[64];
    snprintf(want, sizeof(want), "Attaching %d probes...\n", n);
    expect_text("output", r.out, want);
    printf("dry run (load, attach, detach) of %d tracepoints in %.3f s\n", n, secs);
    run_result_free(&r);
    fixture_free(&fx);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Programs named `name` in the kernel, and bpf links to them. */
static void count_kernel_objects(const char *name, int *progs, int *links)
{
    uint32_t prog_ids[64];
    int nprogs = 0;
    uint32_t id = 0;
    while (bpf_prog_get_next_id(id, &id) == 0) {
        int fd = bpf_prog_get_fd_by_id(id);
        if (fd < 0)
            continue;
        struct bpf_prog_info info;
        uint32_t len = sizeof(info);
        memset(&info, 0, sizeof(info));
        if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && strcmp(info.name, name) == 0 &&
            nprogs < 64)
            prog_ids[nprogs++] = info.id;
        close(fd);
    }
    int nlinks = 0;
    id = 0;
    while (bpf_link_get_next_id(id, &id) == 0) {
        int fd = bpf_link_get_fd_by_id(id);
        if (fd < 0)
            continue;
        struct bpf_link_info info;
        uint32_t len = sizeof(info);
        memset(&info, 0, sizeof(info));
        if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
            for (int i = 0; i < nprogs; i++)
                nlinks += info.prog_id == prog_ids[i];
        close(fd);
    }
    *progs = nprogs;
    *links = nlinks;
}

/* After kill -9 nothing stays loaded or attached. */
static void test_sigkill(void)
{
    const char *name = "sobt_killtest";
    int progs, links;
    count_kernel_objects(name, &progs, &links);
    REQUIRE(progs == 0 && links == 0, "%d %s programs before the test", progs, name);

    struct fixture fx;
    fixture_init(&fx, fixtures_path);
    struct prog_desc *pd = add_prog(&fx, name, PROV_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT);
    add_attach(&fx, pd, "syscalls:sys_enter_getpid", "tracepoint:syscalls:sys_enter_getpid", 0);
    add_attach(&fx, pd, "syscalls:sys_enter_getppid", "tracepoint:syscalls:sys_enter_getppid", 0);
    struct prog_desc *iv =
        add_prog(&fx, "interval_print_exit", PROV_INTERVAL, BPF_PROG_TYPE_PERF_EVENT);
    (void)iv; /* loaded but with no attach point: must go away too */
    pid_t child = fork();
    if (child == 0) {
        FILE *out = fopen("/dev/null", "w");
        struct run_options opts = {.mode = RUN_NORMAL, .out = out};
        _exit(runtime_run(&fx.p, &opts));
    }
    for (int i = 0; i < 500; i++) {
        count_kernel_objects(name, &progs, &links);
        if (progs == 1 && links == 2)
            break;
        usleep(10000);
    }
    REQUIRE(progs == 1 && links == 2, "child never attached: %d programs, %d links", progs, links);
    kill(child, SIGKILL);
    int status;
    REQUIRE(waitpid(child, &status, 0) == child, "waitpid");
    /* Releasing is asynchronous in the kernel (RCU); give it a moment. */
    for (int i = 0; i < 300; i++) {
        count_kernel_objects(name, &progs, &links);
        if (progs == 0 && links == 0)
            break;
        usleep(10000);
    }
    REQUIRE(progs == 0 && links == 0, "after SIGKILL %d programs and %d links remain", progs, links);
    fixture_free(&fx);
}

static const struct {
    const char *name;
    void (*run)(void);
} tests[] = {
    {"begin_end", test_begin_end},
    {"tracepoint", test_tracepoint},
    {"interval", test_interval},
    {"sigint", test_sigint},
    {"verify", test_verify},
    {"dry_run", test_dry_run},
    {"kprobe_error", test_kprobe_error},
    {"verifier_reject", test_verifier_reject},
    {"relocation_reject", test_relocation_reject},
    {"many_tracepoints", test_many_tracepoints},
    {"sigkill", test_sigkill},
};

int main(int argc, char **argv)
{
    REQUIRE(argc == 4, "usage: %s TEST FIXTURES.o FIXTURES_NOINLINE.o", argv[0]);
    fixtures_path = argv[2];
    noinline_path = argv[3];
    REQUIRE(geteuid() == 0, "these tests load BPF programs and need root");
    REQUIRE(tracefs_ensure_mounted() == 0, "tracefs is not available and could not be mounted");
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (strcmp(argv[1], tests[i].name) == 0 || strcmp(argv[1], "all") == 0) {
            tests[i].run();
            if (strcmp(argv[1], "all") != 0)
                return test_finish(tests[i].name);
        }
    }
    REQUIRE(strcmp(argv[1], "all") == 0, "no test named %s", argv[1]);
    return test_finish("runtime_test");
}
