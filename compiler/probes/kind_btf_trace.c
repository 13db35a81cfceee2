/* The kinds whose arguments BTF types: "rawtracepoint:[MODULE:]EVENT" (a
 * tracepoint's raw arguments, from the prototype `btf_trace_EVENT` points
 * to) and "fentry:[MODULE:]FUNCTION", "fexit:..." (a kernel function's
 * arguments, and its return value in fexit, through a BPF trampoline).
 * Globs match the names BTF has. MODULE may be left out or be "vmlinux":
 * sobt reads the kernel's own BTF, not its modules'. Each match is a
 * program of its own: a tracing program is loaded for one function's BTF
 * id, and raw tracepoints pass no cookie. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

#define KERNEL_MODULE "vmlinux"

static bool is_fentry_kind(const struct probe_kind *kind)
{
    return kind->provider == PROV_FENTRY || kind->provider == PROV_FEXIT;
}

static int names_of(const struct probe_kind *kind, const char *const **names)
{
    return is_fentry_kind(kind) ? btf_function_names(names) : btf_raw_tracepoint_names(names);
}

static int params_of(const struct probe_kind *kind, const char *name, struct btf_func_params *out)
{
    return is_fentry_kind(kind) ? btf_function_params(name, out)
                                : btf_raw_tracepoint_params(name, out);
}

static int match_function_params(const struct probe_match *m, struct btf_func_params *out)
{
    return btf_function_params(m->target, out);
}

static int match_raw_tracepoint_params(const struct probe_match *m, struct btf_func_params *out)
{
    return btf_raw_tracepoint_params(m->target, out);
}

static int add_target(const struct probe_kind *kind, struct attach_point *ap, const char *name,
                      const struct btf_func_params *params)
{
    if (probe_add_match(ap, strdup(name),
                        probe_format("%s:" KERNEL_MODULE ":%s", kind->name, name)) < 0)
        return -1;
    probe_last_match(ap)->btf_id = is_fentry_kind(kind) ? params->func_id : 0;
    return 0;
}

/* Why `name` cannot be probed, into err. */
static void explain_missing(const struct probe_kind *kind, const char *name, int rc, char *err,
                            size_t errlen)
{
    const char *what = is_fentry_kind(kind) ? "kernel function" : "raw tracepoint";
    if (rc == -ENODATA)
        probe_set_error(err, errlen, "%s probes need the kernel's BTF (/sys/kernel/btf/vmlinux)",
                        kind->name);
    else if (rc == -E2BIG)
        probe_set_error(err, errlen, "%s %s has more than %d arguments", what, name,
                        BTF_FUNC_MAX_PARAMS);
    else if (is_fentry_kind(kind))
        probe_set_error(err, errlen, "kernel function not found in BTF: %s", name);
    else
        probe_set_error(err, errlen, "raw tracepoint not found: %s (BTF has no btf_trace_%s)", name,
                        name);
}

static int expand_btf_trace(const struct probe_kind *kind, char **parts, int nparts,
                            struct attach_point *ap, char *err, size_t errlen)
{
    if (nparts < 1 || nparts > 2) {
        probe_set_error(err, errlen, "%s probe type requires %s", kind->name, kind->shape);
        return -1;
    }
    if (nparts == 2 && fnmatch(parts[0], KERNEL_MODULE, 0) != 0) {
        probe_set_error(err, errlen,
                        "%s: module %s: sobt reads only the kernel's own BTF (vmlinux), not "
                        "modules'",
                        kind->name, parts[0]);
        return -1;
    }
    const char *name = parts[nparts - 1];
    if (*name == '\0') {
        probe_set_error(err, errlen, "%s probe type requires %s", kind->name, kind->shape);
        return -1;
    }
    struct btf_func_params params;
    ap->has_wildcard = probe_has_wildcard(name);
    if (!ap->has_wildcard) {
        int rc = params_of(kind, name, &params);
        if (rc < 0) {
            explain_missing(kind, name, rc, err, errlen);
            return -1;
        }
        if (add_target(kind, ap, name, &params) < 0)
            goto oom;
        return 0;
    }
    const char *const *names;
    int count = names_of(kind, &names);
    if (count < 0) {
        explain_missing(kind, name, count, err, errlen);
        return -1;
    }
    for (int i = 0; i < count; i++)
        if (fnmatch(name, names[i], 0) == 0 && params_of(kind, names[i], &params) == 0 &&
            add_target(kind, ap, names[i], &params) < 0)
            goto oom;
    if (ap->nmatches == 0) {
        probe_set_error(err, errlen, "no %s matches %s",
                        is_fentry_kind(kind) ? "kernel function" : "raw tracepoint", name);
        return -1;
    }
    return 0;
oom:
    probe_set_error(err, errlen, "out of memory");
    return -1;
}

/* -l 'fentry:*', -lv: "fentry:vmlinux:NAME", and with -v its parameters
 * (and return value) as bpftrace prints them. */
static int list_btf_trace(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                          bool verbose)
{
    if (nparts < 1 || nparts > 2)
        return PROBE_LIST_WRONG_SHAPE;
    if (nparts == 2 && fnmatch(parts[0], KERNEL_MODULE, 0) != 0)
        return 0;
    const char *const *names;
    int count = names_of(kind, &names);
    if (count < 0) {
        fprintf(stderr, "ERROR: %s probes need the kernel's BTF\n", kind->name);
        return count;
    }
    int n = 0;
    for (int i = 0; i < count; i++) {
        if (fnmatch(parts[nparts - 1], names[i], 0) != 0)
            continue;
        fprintf(out, "%s:" KERNEL_MODULE ":%s\n", kind->name, names[i]);
        n++;
        struct btf_func_params params;
        if (!verbose || params_of(kind, names[i], &params) < 0)
            continue;
        char decl[256];
        for (int p = 0; p < params.nparams; p++) {
            btf_type_decl(params.params[p].type_id, decl, sizeof(decl));
            /* an unnamed raw tracepoint argument is still argN */
            if (params.params[p].name[0])
                fprintf(out, "    %s %s\n", decl, params.params[p].name);
            else
                fprintf(out, "    %s arg%d\n", decl, p);
        }
        if (params.ret_type_id) {
            btf_type_decl(params.ret_type_id, decl, sizeof(decl));
            fprintf(out, "    %s retval\n", decl);
        }
    }
    return n;
}

const struct probe_kind probe_kind_rawtracepoint = {
    .name = "rawtracepoint",
    .aliases = {"rt"},
    .provider = PROV_RAWTRACEPOINT,
    .bpf_prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
    .shape = "1 or 2 arguments",
    .offers = OFFERS_ARGS | OFFERS_ARGN,
    .listed_by_wildcard = true,
    .one_program_per_match = true,
    .args_from_btf = true,
    .btf_params = match_raw_tracepoint_params,
    .expand = expand_btf_trace,
    .list = list_btf_trace,
};

const struct probe_kind probe_kind_fentry = {
    .name = "fentry",
    .aliases = {"f", "kfunc"},
    .provider = PROV_FENTRY,
    .bpf_prog_type = BPF_PROG_TYPE_TRACING,
    .expected_attach_type = BPF_TRACE_FENTRY,
    .shape = "1 or 2 arguments",
    .offers = OFFERS_ARGS | OFFERS_FUNC | OFFERS_BTF_FUNC | OFFERS_TASK_KFUNCS,
    /* not by a kind wildcard: bpftrace lists fentry so only where the kernel
     * can run it, which sobt does not probe for */
    .one_program_per_match = true,
    .args_from_btf = true,
    .btf_params = match_function_params,
    .expand = expand_btf_trace,
    .list = list_btf_trace,
};

const struct probe_kind probe_kind_fexit = {
    .name = "fexit",
    .aliases = {"fr", "kretfunc"},
    .provider = PROV_FEXIT,
    .bpf_prog_type = BPF_PROG_TYPE_TRACING,
    .expected_attach_type = BPF_TRACE_FEXIT,
    .shape = "1 or 2 arguments",
    .offers = OFFERS_ARGS | OFFERS_RETVAL | OFFERS_FUNC | OFFERS_BTF_FUNC | OFFERS_TASK_KFUNCS,
    .one_program_per_match = true,
    .args_from_btf = true,
    .btf_params = match_function_params,
    .expand = expand_btf_trace,
    .list = list_btf_trace,
};
