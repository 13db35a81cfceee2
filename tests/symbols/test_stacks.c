/* kstack, ustack, ksym and usym through the real printers (map keys, tuple
 * keys, map values, printf("%s"), print()), against the layout bpftrace 0.17
 * printed for the same programs on this machine:
 *
 *   bpftrace -e 't:syscalls:sys_enter_connect { @[kstack] = count();
 *       @u[ustack, comm] = count(); @k3[kstack(3)] = count(); @v = kstack(2);
 *       print(ustack(2)); printf("[%s]\n", kstack(2)); @ks[ksym(a), usym(b)] = count(); }'
 *
 *   @[                                  @u[                        @v:
 *       perf_syscall_enter+475              connect+16                     perf_syscall_enter+475
 *       syscall_trace_enter+384             level2+9                       syscall_trace_enter+384
 *   ]: 3                                , conn2]: 2                (blank line)
 *
 *   printf: "[\n        perf_syscall_enter+475\n        syscall_trace_enter+384\n]\n"
 *   print(): "\n        connect+16\n        level2+9\n\n"     @ks[__x64_sys_connect, level2]: 2
 *
 * Map keys indent frames by 4 spaces, everything else by 8; ksym/usym print
 * the bare name; an unresolvable frame prints its address in hex.
 *
 * The kernel refuses bpf_map_update_elem on a BPF_MAP_TYPE_STACK_TRACE map
 * (EINVAL), so two kinds of stack map are used:
 *  1. real stack maps filled by bpf_get_stackid() in a raw_tracepoint program
 *     run with BPF_PROG_TEST_RUN (a kernel stack and this process's user
 *     stack), printed and checked frame by frame;
 *  2. hash maps with the same layout (u32 id -> u64[127]), filled from
 *     userspace with known addresses, for exact text.
 * Needs root; fails loudly without. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/check.h"
#include "output/output.h"
#include "output/stack_maps.h"
#include "output/printf.h"
#include "output/values.h"

#define STACK_FRAMES 127
#define STACK_VALUE_SIZE (STACK_FRAMES * 8)

__attribute__((noinline)) int stacks_test_outer(int x)
{
    volatile int acc = x;
    for (int i = 0; i < x; i++)
        acc = acc * 17 + i;
    return acc;
}

__attribute__((noinline)) int stacks_test_inner(int x)
{
    volatile int acc = x;
    for (int i = 0; i < x; i++)
        acc = acc * 13 + i;
    return acc;
}

/* The address of a kernel function that no other symbol shares and that is
 * longer than `room` bytes, from /proc/kallsyms; 0 when there is none. */
static uint64_t unique_kernel_function(const char *name, uint64_t room)
{
    FILE *f = fopen("/proc/kallsyms", "r");
    if (!f)
        die("cannot open /proc/kallsyms");
    char line[512], sym[256], type;
    uint64_t addr, found = 0, next = UINT64_MAX;
    int at_found = 0;
    /* Two passes over one reading would need storage; kallsyms is cheap to reread. */
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, sym) == 3 &&
            strcmp(sym, name) == 0 && strchr("tTwW", type))
            found = addr;
    rewind(f);
    while (found && fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, sym) != 3 || strchr("bBdDrR", type))
            continue;
        if (addr == found)
            at_found++;
        else if (addr > found && addr < next)
            next = addr;
    }
    fclose(f);
    if (found == 0)
        die("/proc/kallsyms shows no address for %s: this test needs root", name);
    return at_found == 1 && next > found + room ? found : 0;
}

/* ---- The program description the printers read ------------------------------ */

enum { MAP_K, MAP_K2, MAP_U, MAP_V, MAP_REAL_K, MAP_REAL_U, MAP_KSTACKS, MAP_USTACKS, NMAPS };

static struct value_desc kstack_field = {.kind = VK_KSTACK, .size = 8, .frames = STACK_FRAMES};
static struct value_desc kstack2_field = {.kind = VK_KSTACK, .size = 8, .frames = 2};
static struct value_desc ustack_comm_fields[] = {
    {.kind = VK_USTACK, .size = 16, .offset = 0, .frames = STACK_FRAMES},
    {.kind = VK_STRING, .size = 16, .offset = 16},
};
static struct value_desc ustack_field = {.kind = VK_USTACK, .size = 16, .frames = STACK_FRAMES};
static const struct value_desc int_value = {.kind = VK_INT, .size = 8};

static struct map_desc maps[NMAPS];
static int map_fds[NMAPS];
static struct compiled_program prog = {
    .maps = maps,
    .nmaps = NMAPS,
    .ringbuf_map_id = -1,
    .kstack_map_id = MAP_KSTACKS,
    .ustack_map_id = MAP_USTACKS,
    .start_time_map_id = -1,
};

static void define_map(int id, const char *name, uint32_t type, uint32_t key_size,
                       uint32_t value_size, struct value_desc *key_fields, int nkey,
                       struct value_desc value, bool internal)
{
    maps[id] = (struct map_desc){
        .name = (char *)name,
        .id = id,
        .bpf_type = type,
        .key_size = key_size,
        .value_size = value_size,
        .max_entries = 64,
        .key = {.fields = key_fields, .nfields = nkey, .size = key_size},
        .agg = AGG_NONE,
        .value = value,
        .is_internal = internal,
    };
    map_fds[id] = bpf_map_create(type, NULL, key_size, value_size, 64, NULL);
    if (map_fds[id] < 0)
        die("bpf_map_create(%s): %s (this test needs root)", name, strerror(-map_fds[id]));
}

static void create_maps(void)
{
    define_map(MAP_K, "@k", BPF_MAP_TYPE_HASH, 8, 8, &kstack_field, 1, int_value, false);
    define_map(MAP_K2, "@k3", BPF_MAP_TYPE_HASH, 8, 8, &kstack2_field, 1, int_value, false);
    define_map(MAP_U, "@u", BPF_MAP_TYPE_HASH, 32, 8, ustack_comm_fields, 2, int_value, false);
    define_map(MAP_V, "@v", BPF_MAP_TYPE_HASH, 8, 8, NULL, 0, kstack2_field, false);
    define_map(MAP_REAL_K, "@real_k", BPF_MAP_TYPE_HASH, 8, 8, &kstack_field, 1, int_value, false);
    define_map(MAP_REAL_U, "@real_u", BPF_MAP_TYPE_HASH, 16, 8, &ustack_field, 1, int_value, false);
    struct value_desc none = {.kind = VK_NONE};
    define_map(MAP_KSTACKS, "kstacks", BPF_MAP_TYPE_HASH, 4, STACK_VALUE_SIZE, NULL, 0, none, true);
    define_map(MAP_USTACKS, "ustacks", BPF_MAP_TYPE_HASH, 4, STACK_VALUE_SIZE, NULL, 0, none, true);
}

static void put(int map, const void *key, uint64_t value)
{
    if (bpf_map_update_elem(map_fds[map], key, &value, BPF_ANY))
        die("bpf_map_update_elem failed");
}

static void put_stack(int map, uint32_t id, const uint64_t *frames, int n)
{
    uint64_t value[STACK_FRAMES] = {0};
    memcpy(value, frames, (size_t)n * 8);
    if (bpf_map_update_elem(map_fds[map], &id, value, BPF_ANY))
        die("bpf_map_update_elem on a stack map stand-in failed");
}

static char *print_map(int id)
{
    struct capture c;
    struct output to = output_text_to(capture_start(&c));
    int err = output_print_map(&to, &prog, &maps[id], map_fds[id], 0, 0);
    char *text = capture_end(&c);
    if (err)
        die("output_print_map(%s): %s", maps[id].name, strerror(-err));
    return text;
}

static void expect_map(int id, const char *what, const char *want)
{
    char *text = print_map(id);
    expect_text(what, text, want);
    free(text);
}

/* ---- 2. Known addresses: exact text ------------------------------------------- */

static void check_known_stacks(void)
{
    uint64_t connect_fn = unique_kernel_function("__x64_sys_connect", 5);
    uint64_t sendmsg_fn = unique_kernel_function("tcp_sendmsg_locked", 71);
    if (!connect_fn || !sendmsg_fn)
        die("__x64_sys_connect or tcp_sendmsg_locked shares its address here");
    uint64_t kframes[] = {connect_fn + 5, sendmsg_fn + 71, 0x10};
    put_stack(MAP_KSTACKS, 7, kframes, 3);

    uintptr_t libc_connect = (uintptr_t)dlsym(RTLD_DEFAULT, "connect");
    if (!libc_connect)
        die("dlsym(connect) failed");
    uint64_t uframes[] = {libc_connect + 16, (uintptr_t)stacks_test_inner + 9,
                          (uintptr_t)stacks_test_outer + 12};
    put_stack(MAP_USTACKS, 3, uframes, 3);

    uint64_t kkey = 7, failed = (uint64_t)(int64_t)-EFAULT;
    put(MAP_K, &kkey, 1);
    put(MAP_K, &failed, 2);
    expect_map(MAP_K, "kstack key; an unreadable frame in hex; a failed stack id",
               "@k[\n"
               "    __x64_sys_connect+5\n"
               "    tcp_sendmsg_locked+71\n"
               "    0x10\n"
               "]: 1\n"
               "@k[]: 2\n");

    put(MAP_K2, &kkey, 4);
    expect_map(MAP_K2, "kstack(2) key prints two frames",
               "@k3[\n    __x64_sys_connect+5\n    tcp_sendmsg_locked+71\n]: 4\n");

    struct {
        uint64_t stack_id, pid;
        char comm[16];
    } ukey = {3, (uint64_t)getpid(), "conn2"};
    put(MAP_U, &ukey, 2);
    expect_map(MAP_U, "ustack in a tuple key with comm",
               "@u[\n"
               "    connect+16\n"
               "    stacks_test_inner+9\n"
               "    stacks_test_outer+12\n"
               ", conn2]: 2\n");

    uint64_t no_key = 0;
    if (bpf_map_update_elem(map_fds[MAP_V], &no_key, &kkey, BPF_ANY))
        die("bpf_map_update_elem(@v) failed");
    expect_map(MAP_V, "kstack(2) as a map value",
               "@v: \n        __x64_sys_connect+5\n        tcp_sendmsg_locked+71\n\n");

    /* printf("[%s] [%s] %s %s|\n", kstack(2), ustack(2), ksym(a), usym(b)) and
     * printf("%-20s|%20s|\n", ksym(a), usym(b)) */
    struct {
        uint64_t kstack;
        uint64_t ustack[2];
        uint64_t ksym;
        uint64_t usym[2];
    } args = {7,
              {3, (uint64_t)getpid()},
              connect_fn + 5,
              {(uintptr_t)stacks_test_inner + 2, (uint64_t)getpid()}};
    struct value_desc arg_fields[] = {
        {.kind = VK_KSTACK, .size = 8, .offset = 0, .frames = 2},
        {.kind = VK_USTACK, .size = 16, .offset = 8, .frames = 2},
        {.kind = VK_KSYM, .size = 8, .offset = 24},
        {.kind = VK_USYM, .size = 16, .offset = 32},
    };
    struct record_desc arg_desc = {.fields = arg_fields, .nfields = 4, .size = sizeof(args)};
    struct capture c;
    output_printf(capture_start(&c), &prog, "[%s] [%s] %s %s|\n", &arg_desc, &args);
    char *text = capture_end(&c);
    expect_text("stacks and symbols in printf %s", text,
                "[\n        __x64_sys_connect+5\n        tcp_sendmsg_locked+71\n] "
                "[\n        connect+16\n        stacks_test_inner+9\n] "
                "__x64_sys_connect stacks_test_inner|\n");
    free(text);

    struct record_desc sym_desc = {.fields = arg_fields + 2, .nfields = 2, .size = sizeof(args)};
    output_printf(capture_start(&c), &prog, "%-20s|%20s|\n", &sym_desc, &args);
    text = capture_end(&c);
    expect_text("ksym/usym with printf widths", text,
                "__x64_sys_connect   |   stacks_test_inner|\n");
    free(text);

    output_print_value(capture_start(&c), &prog, &arg_fields[1], &args);
    text = capture_end(&c);
    expect_text("print(ustack(2))", text, "\n        connect+16\n        stacks_test_inner+9\n\n");
    free(text);
}

/* ---- 1. Real stack maps filled by bpf_get_stackid ------------------------------ */

#define BPF_F_USER_STACK_FLAG (1ULL << 8)

/* r6 = ctx; r0 = bpf_get_stackid(ctx, map, flags); exit: the stack id is the
 * program's return value. */
static int load_stackid_program(int stack_map_fd, int flags)
{
    struct bpf_insn insns[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 6, .src_reg = 1},
        {.code = BPF_LD | BPF_DW | BPF_IMM,
         .dst_reg = 2,
         .src_reg = BPF_PSEUDO_MAP_FD,
         .imm = stack_map_fd},
        {0},
        {.code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 1, .src_reg = 6},
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 3, .imm = flags},
        {.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_stackid},
        {.code = BPF_JMP | BPF_EXIT},
    };
    char log[4096] = "";
    LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
    int fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "sobt_stackid", "GPL", insns,
                           sizeof(insns) / sizeof(insns[0]), &opts);
    if (fd < 0)
        die("loading the bpf_get_stackid program failed: %s\n%s", strerror(-fd), log);
    return fd;
}

static uint32_t run_stackid(int stack_map_fd, int flags)
{
    int prog_fd = load_stackid_program(stack_map_fd, flags);
    uint64_t ctx[1] = {0};
    LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = ctx, .ctx_size_in = sizeof(ctx));
    int err = bpf_prog_test_run_opts(prog_fd, &run);
    close(prog_fd);
    if (err)
        die("BPF_PROG_TEST_RUN of a raw_tracepoint program failed: %s", strerror(-err));
    if ((int32_t)run.retval < 0)
        die("bpf_get_stackid failed: %s", strerror(-(int32_t)run.retval));
    return run.retval;
}

/* Every line between the first and the last is one frame: indent, name+offset. */
static void expect_frame_lines(const char *what, const char *text, const char *first_line,
                               const char *last_line)
{
    regex_t frame;
    if (regcomp(&frame, "^    [A-Za-z_.$][A-Za-z0-9_.$]*\\+[0-9]+$", REG_EXTENDED | REG_NOSUB))
        die("regcomp failed");
    char *copy = strdup(text), *save = NULL;
    int line_no = 0, frames = 0, bad = 0;
    const char *last = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line_no++ == 0) {
            expect_text(what, line, first_line);
        } else if (strncmp(line, "    ", 4) == 0) {
            frames++;
            if (regexec(&frame, line, 0, NULL, 0) != 0) {
                fprintf(stderr, "  not a resolved frame: '%s'\n", line);
                bad++;
            }
        }
        last = line;
    }
    expect_text(what, last, last_line);
    expect_true(what, frames >= 1 && bad == 0);
    free(copy);
    regfree(&frame);
}

static void check_real_stack_maps(void)
{
    int kstacks =
        bpf_map_create(BPF_MAP_TYPE_STACK_TRACE, "kstacks", 4, STACK_VALUE_SIZE, 64, NULL);
    int ustacks =
        bpf_map_create(BPF_MAP_TYPE_STACK_TRACE, "ustacks", 4, STACK_VALUE_SIZE, 64, NULL);
    if (kstacks < 0 || ustacks < 0)
        die("bpf_map_create(BPF_MAP_TYPE_STACK_TRACE) failed (this test needs root)");
    uint64_t kid = run_stackid(kstacks, 0);
    uint64_t uid = run_stackid(ustacks, (int)BPF_F_USER_STACK_FLAG);

    /* Point the program at the real stack maps. */
    int fds[NMAPS];
    memcpy(fds, map_fds, sizeof(fds));
    fds[MAP_KSTACKS] = kstacks;
    fds[MAP_USTACKS] = ustacks;
    if (output_use_maps(&prog, fds) != 0)
        die("output_use_maps failed");

    put(MAP_REAL_K, &kid, 1);
    char *text = print_map(MAP_REAL_K);
    /* bpftrace, for a BEGIN probe (also run with BPF_PROG_TEST_RUN here), printed
     * "@[\n    bpf_prog_..+254\n    __bpf_prog_test_run_raw_tp+106\n
     * bpf_prog_test_run_raw_tp+310\n    __sys_bpf+4095\n ... ]: 1". */
    expect_frame_lines("kernel stack from bpf_get_stackid", text, "@real_k[", "]: 1");
    expect_true("kernel stack passes through bpf_prog_test_run_raw_tp",
                strstr(text, "\n    bpf_prog_test_run_raw_tp+") != NULL);
    expect_true("kernel stack passes through __sys_bpf", strstr(text, "\n    __sys_bpf+") != NULL);
    if (test_failures)
        print_visible("kernel stack", text);
    free(text);

    uint64_t ukey[2] = {uid, (uint64_t)getpid()};
    put(MAP_REAL_U, ukey, 1);
    text = print_map(MAP_REAL_U);
    /* The user stack starts in libc's syscall(), which libbpf's bpf() calls;
     * bpftrace printed "syscall+25" for the same frame. Frames past it depend
     * on frame pointers in libbpf, so only the first is checked. */
    expect_true("user stack from bpf_get_stackid starts in libc's syscall()",
                strncmp(text, "@real_u[\n    syscall+", 21) == 0);
    if (test_failures)
        print_visible("user stack", text);
    free(text);

    output_use_maps(&prog, map_fds);
    close(kstacks);
    close(ustacks);
}

int main(void)
{
    create_maps();
    if (output_use_maps(&prog, map_fds) != 0)
        die("output_use_maps failed");
    check_known_stacks();
    check_real_stack_maps();
    output_use_maps(NULL, NULL);
    return test_finish("test_stacks");
}
