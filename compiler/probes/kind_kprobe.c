/* The kprobe family: "kprobe:FUNCTION" and "kretprobe:FUNCTION" (globs
 * allowed), expanded against the kernel's functions; attached at run time
 * through the perf kprobe PMU (runtime/providers/provider_kprobe.c). */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"
#include "target/btf.h"
#include "target/kallsyms.h"

/* Edit distance, stopping early once it exceeds limit. */
static int edit_distance(const char *a, const char *b, int limit)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (abs(la - lb) > limit || lb > 255)
        return limit + 1;
    int row[256];
    for (int j = 0; j <= lb; j++)
        row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0], best = row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = diag + (a[i - 1] != b[j - 1]);
            int v = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
            row[j] = cost < v ? cost : v;
            diag = up;
            if (row[j] < best)
                best = row[j];
        }
        if (best > limit)
            return limit + 1;
    }
    return row[lb];
}

/* A function the user probably meant: the shortest one that extends the
 * name (kmem_cache_alloc -> kmem_cache_alloc_noprof, as allocation helpers
 * were renamed in 6.10), otherwise the nearest by a few typos. */
static const char *suggest_function(const char *name, const char *const *names, int count)
{
    size_t len = strlen(name);
    const char *best = NULL;
    for (int i = 0; i < count; i++) {
        const char *s = names[i];
        if (strncmp(s, name, len) == 0 && s[len] == '_' && (!best || strlen(s) < strlen(best)))
            best = s;
    }
    if (best)
        return best;
    int limit = len < 8 ? 1 : 2, best_distance = limit + 1;
    for (int i = 0; i < count; i++) {
        int d = edit_distance(name, names[i], limit);
        if (d < best_distance) {
            best_distance = d;
            best = names[i];
        }
    }
    return best;
}

/* Whether func is a kernel function (of the module, when one is named:
 * names is then its list). */
static bool function_in(const char *func, const char *const *names, int count, const char *module)
{
    if (!module)
        return kernel_function_exists(func);
    for (int i = 0; i < count; i++)
        if (strcmp(names[i], func) == 0)
            return true;
    return false;
}

static bool keep_missing_functions;

void attach_points_keep_missing_functions(bool keep)
{
    keep_missing_functions = keep;
}

/* "FUNC+OFFSET": the offset (decimal or 0x hex) split off into *offset.
 * Returns 0 (no '+': *offset 0), or -1 with the error in err. */
static int split_offset(char *func, uint64_t *offset, char *err, size_t errlen)
{
    *offset = 0;
    char *plus = strchr(func, '+');
    if (!plus)
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(plus + 1, &end, 0);
    if (plus[1] == '\0' || *end || errno || plus[1] == '-') {
        probe_set_error(err, errlen, "invalid offset in %s: '%s' is not a number", func,
                        plus + 1);
        return -1;
    }
    *plus = '\0';
    *offset = v;
    return 0;
}

/* "kprobe:[MODULE:]FUNCTION[+OFFSET]" (MODULE "vmlinux" is the kernel's own). */
static int expand_kprobe(const struct probe_kind *kind, char **parts, int nparts,
                         struct attach_point *ap, char *err, size_t errlen)
{
    const char *prefix = kind->name;
    if (nparts != 1 && nparts != 2) {
        probe_set_error(err, errlen, "%s probe type requires 1 or 2 arguments", prefix);
        return -1;
    }
    const char *module = nparts == 2 && strcmp(parts[0], "vmlinux") != 0 ? parts[0] : NULL;
    char *func = parts[nparts - 1];
    if (*func == '\0' || (nparts == 2 && parts[0][0] == '\0')) {
        probe_set_error(err, errlen, "kprobes should be attached to a function");
        return -1;
    }
    /* `probe` names it as written: "kprobe:vfs_read+0x4" */
    char *written = nparts == 2 ? probe_format("%s:%s", parts[0], parts[1]) : strdup(parts[0]);
    if (!written)
        goto oom;
    uint64_t offset = 0;
    if (strchr(func, '+')) {
        int bad = 0;
        if (ap->provider == PROV_KRETPROBE) {
            probe_set_error(err, errlen, "Offset not allowed");
            bad = -1;
        } else if (probe_has_wildcard(func)) {
            probe_set_error(err, errlen, "an offset cannot follow a wildcard: %s", func);
            bad = -1;
        } else {
            bad = split_offset(func, &offset, err, errlen);
        }
        if (bad < 0) {
            free(written);
            return -1;
        }
    }
    if (module && probe_has_wildcard(module)) {
        free(written);
        probe_set_error(err, errlen, "a module name cannot hold a wildcard: %s", module);
        return -1;
    }
    /* a module's own functions, as kallsyms lists them */
    const char *const *names;
    int count = module ? kernel_module_functions(module, &names) : kernel_functions(&names);
    if (count < 0) {
        free(written);
        probe_set_error(err, errlen, "cannot read kernel functions from /proc/kallsyms: %s",
                        strerror(-count));
        return -1;
    }
    int rc = 0;
    ap->has_wildcard = probe_has_wildcard(func);
    if (!ap->has_wildcard) {
        /* the kernel finds a module's function by "MODULE:FUNCTION" */
        char *target = module ? probe_format("%s:%s", module, func) : strdup(func);
        char *name = probe_format("%s:%s", prefix, written);
        free(written);
        bool missing = !function_in(func, names, count, module);
        if (missing) {
            const char *close = suggest_function(func, names, count);
            if (close)
                probe_set_error(err, errlen, "kernel function not found: %s%s%s (did you mean %s?)",
                                module ? module : "", module ? ":" : "", func, close);
            else
                probe_set_error(err, errlen, "kernel function not found: %s%s%s%s",
                                module ? module : "", module ? ":" : "", func,
                                module && !count ? " (that module is not loaded)" : "");
            if (!keep_missing_functions) {
                free(target);
                free(name);
                return -1;
            }
        }
        /* a missing function is still compiled (and verified); attaching it
         * will fail under the missing_probes policy */
        rc = probe_add_match(ap, target, name);
        if (rc == 0)
            probe_last_match(ap)->offset = offset;
        if (missing)
            return rc < 0 ? -1 : 1;
    } else {
        free(written);
        for (int i = 0; i < count && rc == 0; i++)
            if (fnmatch(func, names[i], 0) == 0)
                rc = probe_add_match(
                    ap, module ? probe_format("%s:%s", module, names[i]) : strdup(names[i]),
                    probe_format("%s:%s%s%s", prefix, module ? module : "", module ? ":" : "",
                                 names[i]));
        if (rc == 0 && ap->nmatches == 0) {
            probe_set_error(err, errlen, "kernel functions not found: %s%s%s%s",
                            module ? module : "", module ? ":" : "", func,
                            module && !count ? " (that module is not loaded)" : "");
            return -1;
        }
    }
    if (rc)
        goto oom;
    /* casts in the probe find the module's types (structs of its own) */
    for (int i = 0; module && module_btf(module) && i < ap->nmatches; i++)
        if (!(ap->matches[i].btf_module = strdup(module)))
            goto oom;
    return 0;
oom:
    probe_set_error(err, errlen, "out of memory");
    return -1;
}

static int list_kprobe(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                       bool verbose)
{
    if (nparts != 1 && nparts != 2)
        return PROBE_LIST_WRONG_SHAPE;
    /* "kprobe:vmlinux:PATTERN" is every function listed as "kprobe:NAME";
     * "kprobe:MODULE:PATTERN" a loaded module's, as "kprobe:MODULE:NAME" (as
     * bpftrace lists them when a module is named) */
    const char *module = nparts == 2 && fnmatch(parts[0], "vmlinux", 0) != 0 ? parts[0] : NULL;
    if (module && probe_has_wildcard(module))
        return 0;
    const char *const *names;
    int count = module ? kernel_module_functions(module, &names) : kernel_functions(&names);
    if (count < 0) {
        fprintf(stderr, "ERROR: cannot read /proc/kallsyms: %s\n", strerror(-count));
        return count;
    }
    int n = 0;
    for (int i = 0; i < count; i++)
        if (fnmatch(parts[nparts - 1], names[i], 0) == 0) {
            fprintf(out, "%s:%s%s%s\n", kind->name, module ? module : "", module ? ":" : "",
                    names[i]);
            n++;
        }
    return n;
}

const struct probe_kind probe_kind_kprobe = {
    .name = "kprobe",
    .aliases = {"k"},
    .provider = PROV_KPROBE,
    .bpf_prog_type = BPF_PROG_TYPE_KPROBE,
    .shape = "1 or 2 arguments",
    .offers = OFFERS_ARGN | OFFERS_FUNC | OFFERS_REGS | OFFERS_SIGNAL | OFFERS_OVERRIDE,
    .listed_by_wildcard = true,
    .expand = expand_kprobe,
    .list = list_kprobe,
};

const struct probe_kind probe_kind_kretprobe = {
    .name = "kretprobe",
    .aliases = {"kr"},
    .provider = PROV_KRETPROBE,
    .bpf_prog_type = BPF_PROG_TYPE_KPROBE,
    .shape = "1 or 2 arguments",
    .offers = OFFERS_RETVAL | OFFERS_FUNC | OFFERS_REGS | OFFERS_SIGNAL,
    .expand = expand_kprobe,
    .list = list_kprobe,
};
