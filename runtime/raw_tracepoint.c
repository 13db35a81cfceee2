/* Raw tracepoint links with a cookie (see raw_tracepoint.h). libbpf 1.1
 * knows neither the cookie of BPF_RAW_TRACEPOINT_OPEN nor a raw tracepoint
 * program calling bpf_get_attach_cookie, so both are asked of the kernel
 * directly. */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "raw_tracepoint.h"

/* BPF_RAW_TRACEPOINT_OPEN's attributes since Linux 6.10 */
struct raw_tracepoint_attr {
    uint64_t name;
    uint32_t prog_fd;
    uint32_t pad;
    uint64_t cookie;
};

int raw_tracepoint_open(const char *name, int prog_fd, uint64_t cookie)
{
    struct raw_tracepoint_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.name = (uint64_t)(uintptr_t)name;
    attr.prog_fd = (uint32_t)prog_fd;
    attr.cookie = cookie;
    return (int)syscall(__NR_bpf, BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
}

/* A raw tracepoint program that calls bpf_get_attach_cookie loads, and a
 * link with a cookie opens (a kernel that does not know the field refuses
 * the longer attributes). */
static bool kernel_has_cookies(void)
{
    const struct bpf_insn insns[] = {
        {.code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_attach_cookie},
        {.code = BPF_JMP | BPF_EXIT},
    };
    int prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL, "GPL", insns, 2, NULL);
    if (prog < 0)
        return false;
    int link = raw_tracepoint_open("sched_process_free", prog, 1);
    if (link >= 0)
        close(link);
    close(prog);
    return link >= 0;
}

bool raw_tracepoint_takes(const struct prog_desc *pd)
{
    static int known = -1;
    if (!pd->raw_tracepoint_ok)
        return false;
    if (known < 0)
        known = kernel_has_cookies();
    return known;
}
