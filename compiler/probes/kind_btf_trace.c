/* The kinds whose arguments BTF types: "rawtracepoint:[MODULE:]EVENT" (a
 * tracepoint's raw arguments, from the prototype `btf_trace_EVENT` points
 * to) and "fentry:[MODULE:]FUNCTION", "fexit:..." (a kernel function's
 * arguments, and its return value in fexit, through a BPF trampoline).
 * Globs match the names BTF has. MODULE is "vmlinux" (the kernel's own
 * BTF) or a loaded module's (/sys/kernel/btf/MODULE, split over the
 * kernel's); left out, the kernel is searched, then every module, as
 * bpftrace does. Each match is a program of its own: a tracing program is
 * loaded for one function's BTF id, and raw tracepoints pass no cookie. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"
#include "target/btf.h"

#define KERNEL_MODULE "vmlinux"

static bool is_fentry_kind(const struct probe_kind *kind)
{
    return kind->provider == PROV_FENTRY || kind->provider == PROV_FEXIT;
}

static const char *target_kind(const struct probe_kind *kind)
{
    return is_fentry_kind(kind) ? "kernel function" : "raw tracepoint";
}

static int names_of(const struct probe_kind *kind, const char *module, const char *const **names)
{
    return is_fentry_kind(kind) ? btf_function_names(module, names)
                                : btf_raw_tracepoint_names(module, names);
}

static int params_of(const struct probe_kind *kind, const char *module, const char *name,
                     struct btf_func_params *out)
{
    return is_fentry_kind(kind) ? btf_function_params(module, name, out)
                                : btf_raw_tracepoint_params(module, name, out);
}

static int match_function_params(const struct probe_match *m, struct btf_func_params *out)
{
    return btf_function_params(m->btf_module, m->target, out);
}

static int match_raw_tracepoint_params(const struct probe_match *m, struct btf_func_params *out)
{
    return btf_raw_tracepoint_params(m->btf_module, m->target, out);
}

/* The BTF objects a MODULE part can name, in search order: the kernel's,
 * then each loaded module with BTF. */
static int btf_object_count(const char *const **modules)
{
    int n = kernel_btf_modules(modules);
    return 1 + (n > 0 ? n : 0);
}

static const char *btf_object(const char *const *modules, int i)
{
    return i == 0 ? KERNEL_MODULE : modules[i - 1];
}

static int add_target(const struct probe_kind *kind, struct attach_point *ap, const char *module,
                      const char *name, const struct btf_func_params *params)
{
    if (probe_add_match(ap, strdup(name), probe_format("%s:%s:%s", kind->name, module, name)) < 0)
        return -1;
    struct probe_match *m = probe_last_match(ap);
    m->btf_id = is_fentry_kind(kind) ? params->func_id : 0;
    if (strcmp(module, KERNEL_MODULE) != 0 && !(m->btf_module = strdup(module)))
        return -1;
    return 0;
}

/* Why `name` cannot be probed, into err. */
static void explain_missing(const struct probe_kind *kind, const char *module, const char *name,
                            int rc, char *err, size_t errlen)
{
    if (rc == -ENODATA)
        probe_set_error(err, errlen, "%s probes need the kernel's BTF (/sys/kernel/btf/vmlinux)",
                        kind->name);
    else if (rc == -E2BIG)
        probe_set_error(err, errlen, "%s %s has more than %d arguments", target_kind(kind), name,
                        BTF_FUNC_MAX_PARAMS);
    else if (module && !probe_has_wildcard(module) && strcmp(module, KERNEL_MODULE) != 0 &&
             !module_btf(module))
        probe_set_error(err, errlen,
                        "kernel module %s has no BTF (is it loaded? /sys/kernel/btf/%s is "
                        "missing)",
                        module, module);
    else if (is_fentry_kind(kind))
        probe_set_error(err, errlen, "kernel function not found in BTF: %s%s%s",
                        module ? module : "", module ? ":" : "", name);
    else
        probe_set_error(err, errlen, "raw tracepoint not found: %s%s%s (BTF has no btf_trace_%s)",
                        module ? module : "", module ? ":" : "", name, name);
}

/* One name, no wildcards: the first BTF object (of those MODULE allows) that
 * has it, as bpftrace looks in the kernel before its modules. */
static int expand_one(const struct probe_kind *kind, const char *module, const char *name,
                      struct attach_point *ap, char *err, size_t errlen)
{
    const char *const *modules;
    int nobjects = btf_object_count(&modules);
    int rc = -ENOENT;
    struct btf_func_params params;
    for (int i = 0; i < nobjects; i++) {
        const char *object = btf_object(modules, i);
        if (fnmatch(module ? module : "*", object, 0) != 0)
            continue;
        rc = params_of(kind, object, name, &params);
        if (rc == 0)
            return add_target(kind, ap, object, name, &params) < 0 ? -ENOMEM : 0;
        if (rc == -ENODATA || rc == -E2BIG)
            break;
    }
    explain_missing(kind, module, name, rc, err, errlen);
    /* no such function or event here: missing_probes decides */
    return rc == -ENODATA || rc == -E2BIG ? -1 : PROBE_MISSING;
}

static int expand_btf_trace(const struct probe_kind *kind, char **parts, int nparts,
                            struct attach_point *ap, char *err, size_t errlen)
{
    const char *name = parts[nparts - 1];
    if (nparts < 1 || nparts > 2 || *name == '\0' || (nparts == 2 && *parts[0] == '\0')) {
        probe_set_error(err, errlen, "%s probe type requires %s", kind->name, kind->shape);
        return -1;
    }
    /* "fentry:FUNC" looks in every module, as "fentry:*:FUNC" */
    const char *module = nparts == 2 ? parts[0] : NULL;
    ap->has_wildcard = probe_has_wildcard(name) || (module && probe_has_wildcard(module));
    if (!ap->has_wildcard) {
        int rc = expand_one(kind, module, name, ap, err, errlen);
        if (rc == -ENOMEM)
            goto oom;
        return rc;
    }
    const char *const *modules;
    int nobjects = btf_object_count(&modules);
    for (int o = 0; o < nobjects; o++) {
        const char *object = btf_object(modules, o);
        if (fnmatch(module ? module : "*", object, 0) != 0)
            continue;
        const char *const *names;
        int count = names_of(kind, object, &names);
        if (count < 0 && o == 0) {
            explain_missing(kind, module, name, count, err, errlen);
            return -1;
        }
        struct btf_func_params params;
        for (int i = 0; i < count; i++)
            if (fnmatch(name, names[i], 0) == 0 &&
                params_of(kind, object, names[i], &params) == 0 &&
                add_target(kind, ap, object, names[i], &params) < 0)
                goto oom;
    }
    if (ap->nmatches == 0) {
        probe_set_error(err, errlen, "no %s matches %s%s%s", target_kind(kind),
                        module ? module : "", module ? ":" : "", name);
        return PROBE_MISSING;
    }
    return 0;
oom:
    probe_set_error(err, errlen, "out of memory");
    return -1;
}

static void list_params(FILE *out, const char *module, const struct btf_func_params *params)
{
    char decl[256];
    for (int p = 0; p < params->nparams; p++) {
        btf_type_decl(module, params->params[p].type_id, decl, sizeof(decl));
        /* an unnamed raw tracepoint argument is still argN */
        if (params->params[p].name[0])
            fprintf(out, "    %s %s\n", decl, params->params[p].name);
        else
            fprintf(out, "    %s arg%d\n", decl, p);
    }
    if (params->ret_type_id) {
        btf_type_decl(module, params->ret_type_id, decl, sizeof(decl));
        fprintf(out, "    %s retval\n", decl);
    }
}

/* -l 'fentry:*', -lv: "fentry:MODULE:NAME" (the kernel's as "vmlinux", then
 * each module's), and with -v its parameters (and return value) as
 * bpftrace prints them. */
static int list_btf_trace(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                          bool verbose)
{
    if (nparts < 1 || nparts > 2)
        return PROBE_LIST_WRONG_SHAPE;
    const char *module = nparts == 2 ? parts[0] : "*";
    const char *const *modules;
    int nobjects = btf_object_count(&modules);
    int n = 0;
    for (int o = 0; o < nobjects; o++) {
        const char *object = btf_object(modules, o);
        if (fnmatch(module, object, 0) != 0)
            continue;
        const char *const *names;
        int count = names_of(kind, object, &names);
        if (count < 0 && o == 0) {
            fprintf(stderr, "ERROR: %s probes need the kernel's BTF\n", kind->name);
            return count;
        }
        for (int i = 0; i < count; i++) {
            if (fnmatch(parts[nparts - 1], names[i], 0) != 0)
                continue;
            fprintf(out, "%s:%s:%s\n", kind->name, object, names[i]);
            n++;
            struct btf_func_params params;
            if (verbose && params_of(kind, object, names[i], &params) == 0)
                list_params(out, object, &params);
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
    .offers = OFFERS_ARGS | OFFERS_FUNC | OFFERS_BTF_FUNC,
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
    .offers = OFFERS_ARGS | OFFERS_RETVAL | OFFERS_FUNC | OFFERS_BTF_FUNC,
    .one_program_per_match = true,
    .args_from_btf = true,
    .btf_params = match_function_params,
    .expand = expand_btf_trace,
    .list = list_btf_trace,
};
