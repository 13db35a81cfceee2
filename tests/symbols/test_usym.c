/* User symbolization (runtime/symbols/usyms.c, libdwfl): a function of this test
 * binary and one of libc, in this process; in a child process that has exited
 * (remembered while it lived, or found by the map watcher in a real BPF map);
 * and the bpftrace text for what cannot be resolved.
 *
 * The expected names are what bpftrace 0.17 printed for the same kind of
 * address (checked live: usym() gives "name", ustack frames "name+offset",
 * libc's connect() shows as "connect", an unresolvable address as 0x...).
 * Needs root for the BPF map; fails loudly without. */
#include <bpf/bpf.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/check.h"
#include "output/output.h"
#include "output/stack_maps.h"
#include "symbols/usyms.h"

/* A function with a known name and a size well above the offsets used. */
__attribute__((noinline)) int symbols_test_target(int x)
{
    volatile int acc = x;
    for (int i = 0; i < x; i++)
        acc = acc * 31 + i;
    return acc;
}

static uintptr_t libc_connect(void)
{
    void *p = dlsym(RTLD_DEFAULT, "connect");
    if (!p)
        die("dlsym(connect) failed");
    return (uintptr_t)p;
}

/* The child: report two addresses (its own, under its own ASLR base), then
 * live until its stdin closes. */
static int child_main(void)
{
    printf("%" PRIxPTR " %" PRIxPTR "\n", (uintptr_t)symbols_test_target, libc_connect());
    fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0)
        ;
    return symbols_test_target(0);
}

struct child {
    pid_t pid;
    int to_child;
    uintptr_t target, connect;
};

static void start_child(struct child *c)
{
    int down[2], up[2];
    if (pipe(down) || pipe(up))
        die("pipe failed");
    c->pid = fork();
    if (c->pid < 0)
        die("fork failed");
    if (c->pid == 0) {
        dup2(down[0], 0);
        dup2(up[1], 1);
        close(down[1]);
        close(up[0]);
        execl("/proc/self/exe", "test_usym", "child", (char *)NULL);
        _exit(127);
    }
    close(down[0]);
    close(up[1]);
    c->to_child = down[1];
    FILE *from = fdopen(up[0], "r");
    if (!from || fscanf(from, "%" SCNxPTR " %" SCNxPTR, &c->target, &c->connect) != 2)
        die("the child did not report its addresses");
    fclose(from);
}

static void end_child(struct child *c)
{
    close(c->to_child);
    int status;
    if (waitpid(c->pid, &status, 0) != c->pid || !WIFEXITED(status))
        die("the child did not exit cleanly");
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d", (int)c->pid);
    if (access(path, F_OK) == 0)
        die("%s still exists after the child was reaped", path);
}

static void expect_usym(const char *what, int pid, uintptr_t addr, bool with_offset,
                        const char *want)
{
    char buf[256];
    usym_format(pid, addr, with_offset, buf, sizeof(buf));
    expect_text(what, buf, want);
}

static void check_own_process(void)
{
    int pid = getpid();
    uintptr_t target = (uintptr_t)symbols_test_target;
    expect_usym("own function, ustack frame", pid, target + 3, true, "symbols_test_target+3");
    expect_usym("own function, usym()", pid, target + 3, false, "symbols_test_target");
    expect_usym("own function, first byte", pid, target, true, "symbols_test_target+0");
    expect_usym("libc function (libdwfl, .dynsym)", pid, libc_connect() + 16, true, "connect+16");
    expect_usym("usym(0)", pid, 0, false, "0");
    expect_usym("unmapped address", pid, 0x10, true, "0x10");
    char want[64];
    snprintf(want, sizeof(want), "0x%" PRIxPTR, target);
    expect_usym("pid 0 (no user process)", 0, target, true, want);
}

static void check_exited_child(void)
{
    /* Remembered while alive: still resolves after exit. */
    struct child c;
    start_child(&c);
    expect_true("a live child is remembered", usym_remember_process(c.pid));
    end_child(&c);
    expect_usym("exited child, own function", c.pid, c.target + 7, true, "symbols_test_target+7");
    expect_usym("exited child, libc", c.pid, c.connect + 16, true, "connect+16");

    /* Never seen while alive: the address is all there is (bpftrace prints it too). */
    struct child d;
    start_child(&d);
    end_child(&d);
    char want[64];
    snprintf(want, sizeof(want), "0x%" PRIxPTR, d.target + 7);
    expect_usym("exited child never seen alive", d.pid, d.target + 7, true, want);
}

/* A map like @s[usym(addr)] (key {addr, pid}); the watcher finds the pid in it
 * while the child lives, the map is printed after the child exited. */
static void check_watcher(void)
{
    int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "usym_key", 16, 8, 16, NULL);
    if (fd < 0)
        die("bpf_map_create: %s (this test needs root)", strerror(-fd));
    struct value_desc key_field = {.kind = VK_USYM, .size = 16, .offset = 0};
    struct map_desc map = {
        .name = "@s",
        .id = 0,
        .bpf_type = BPF_MAP_TYPE_HASH,
        .key_size = 16,
        .value_size = 8,
        .max_entries = 16,
        .key = {.fields = &key_field, .nfields = 1, .size = 16},
        .agg = AGG_NONE,
        .value = {.kind = VK_INT, .size = 8},
    };
    struct compiled_program prog = {
        .maps = &map,
        .nmaps = 1,
        .ringbuf_map_id = -1,
        .kstack_map_id = -1,
        .ustack_map_id = -1,
        .start_time_map_id = -1,
    };
    int fds[1] = {fd};
    if (output_use_maps(&prog, fds) != 0)
        die("output_use_maps failed");

    struct child c;
    start_child(&c);
    uint64_t key[2] = {c.target + 3, (uint64_t)c.pid}, one = 1;
    if (bpf_map_update_elem(fd, key, &one, BPF_ANY))
        die("bpf_map_update_elem failed");
    struct timespec wait = {.tv_nsec = 200 * 1000 * 1000}; /* ten watcher rounds */
    nanosleep(&wait, NULL);
    end_child(&c);

    struct capture cap;
    struct output to = output_text_to(capture_start(&cap));
    output_print_map(&to, &prog, &map, fd, 0, 0);
    char *text = capture_end(&cap);
    expect_text("usym key of an exited process, found by the watcher", text,
                "@s[symbols_test_target]: 1\n");
    free(text);
    output_use_maps(NULL, NULL);
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child_main();
    check_own_process();
    check_exited_child();
    check_watcher();
    usym_free();
    return test_finish("test_usym");
}
