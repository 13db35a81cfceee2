/* rawtracepoint, fentry and fexit providers: each program is attached
 * through a bpf link of its own. A raw tracepoint is named at attach time
 * (BPF_RAW_TRACEPOINT_OPEN); an fentry/fexit program was loaded for its
 * function (attach_btf_id), and its link puts it on that function's BPF
 * trampoline. */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "diag.h"
#include "providers/provider.h"

static int attached_link(int link_fd, const char *probe_name, struct attachment *out)
{
    if (link_fd < 0) {
        int e = errno;
        if (e == ENOENT)
            diag_plain_error("%s: no such raw tracepoint in this kernel", probe_name);
        else
            diag_plain_error("%s: could not attach the program: %s", probe_name, strerror(e));
        return -1;
    }
    out->perf_fd = -1;
    out->link_fd = link_fd;
    return 0;
}

static int rawtracepoint_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                                struct attachment *out)
{
    return attached_link(bpf_raw_tracepoint_open(at->target, prog_fd), probe_name, out);
}

static int fentry_attach(int prog_fd, const struct attach_desc *at, const char *probe_name,
                         struct attachment *out)
{
    (void)at;
    return attached_link(bpf_raw_tracepoint_open(NULL, prog_fd), probe_name, out);
}

const struct provider provider_rawtracepoint = {
    .name = "rawtracepoint",
    .attach = rawtracepoint_attach,
};

const struct provider provider_fentry = {
    .name = "fentry",
    .attach = fentry_attach,
};

const struct provider provider_fexit = {
    .name = "fexit",
    .attach = fentry_attach,
};
