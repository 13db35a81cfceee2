/* BEGIN and END (also spelled begin and end, as current bpftrace does): run once, before tracing starts and after it stops (the
 * runtime runs them with BPF_PROG_TEST_RUN: runtime/providers/provider_begin_end.c). */
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

static int expand_special(const struct probe_kind *kind, char **parts, int nparts,
                          struct attach_point *ap, char *err, size_t errlen)
{
    if (nparts != 0) {
        probe_set_error(err, errlen, "%s probe type requires 0 arguments", kind->name);
        return -1;
    }
    if (probe_add_match(ap, strdup(""), strdup(kind->name)) < 0) {
        probe_set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

const struct probe_kind probe_kind_begin = {
    .name = "BEGIN",
    .aliases = {"begin"}, /* current bpftrace's spelling */
    .provider = PROV_BEGIN,
    /* any type BPF_PROG_TEST_RUN runs with a context of our choosing */
    .bpf_prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
    .shape = "0 arguments",
    .expand = expand_special,
};

const struct probe_kind probe_kind_end = {
    .name = "END",
    .aliases = {"end"},
    .provider = PROV_END,
    .bpf_prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
    .shape = "0 arguments",
    .expand = expand_special,
};
