/* BEGIN and END: programs of type raw tracepoint that are attached nowhere
 * and run exactly once with BPF_PROG_TEST_RUN, BEGIN after every other probe
 * is attached and END when tracing stops. */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "diag.h"
#include "providers/provider.h"

static int run_once(int prog_fd, const char *probe_name)
{
    LIBBPF_OPTS(bpf_test_run_opts, opts);
    if (bpf_prog_test_run_opts(prog_fd, &opts) != 0) {
        diag_plain_error("%s: could not run the program: %s", probe_name, strerror(errno));
        return -1;
    }
    return 0;
}

const struct provider provider_begin = {
    .name = "BEGIN",
    .run = run_once,
};

const struct provider provider_end = {
    .name = "END",
    .run = run_once,
};
