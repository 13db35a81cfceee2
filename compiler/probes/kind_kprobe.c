/* The kprobe family: "kprobe:FUNCTION" and "kretprobe:FUNCTION" (globs
 * allowed), expanded against the kernel's functions; attached at run time
 * through the perf kprobe PMU (runtime/providers/provider_kprobe.c). */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"
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

static bool keep_missing_functions;

void attach_points_keep_missing_functions(bool keep)
{
    keep_missing_functions = keep;
}

static int expand_kprobe(const struct probe_kind *kind, char **parts, int nparts,
                         struct attach_point *ap, char *err, size_t errlen)
{
    const char *prefix = kind->name;
    if (nparts != 1) {
        probe_set_error(err, errlen, "%s probe type requires 1 argument", prefix);
        return -1;
    }
    const char *func = parts[0];
    if (*func == '\0') {
        probe_set_error(err, errlen, "kprobes should be attached to a function");
        return -1;
    }
    if (strchr(func, '+')) {
        if (ap->provider == PROV_KRETPROBE)
            probe_set_error(err, errlen, "Offset not allowed");
        else
            probe_set_error(err, errlen, "kprobe offsets are not supported: %s", func);
        return -1;
    }
    const char *const *names;
    int count = kernel_functions(&names);
    if (count < 0) {
        probe_set_error(err, errlen, "cannot read kernel functions from /proc/kallsyms: %s",
                        strerror(-count));
        return -1;
    }
    int rc = 0;
    ap->has_wildcard = probe_has_wildcard(func);
    if (!ap->has_wildcard) {
        if (!kernel_function_exists(func)) {
            const char *close = suggest_function(func, names, count);
            if (close)
                probe_set_error(err, errlen, "kernel function not found: %s (did you mean %s?)",
                                func, close);
            else
                probe_set_error(err, errlen, "kernel function not found: %s", func);
            if (!keep_missing_functions)
                return -1;
            /* still compiled (and verified); attaching it will fail under the
             * missing_probes policy */
            rc = probe_add_match(ap, strdup(func), probe_format("%s:%s", prefix, func));
            return rc < 0 ? -1 : 1;
        }
        rc = probe_add_match(ap, strdup(func), probe_format("%s:%s", prefix, func));
    } else {
        for (int i = 0; i < count && rc == 0; i++)
            if (fnmatch(func, names[i], 0) == 0)
                rc = probe_add_match(ap, strdup(names[i]), probe_format("%s:%s", prefix, names[i]));
        if (rc == 0 && ap->nmatches == 0) {
            probe_set_error(err, errlen, "kernel functions not found: %s", func);
            return -1;
        }
    }
    if (rc) {
        probe_set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int list_kprobe(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                       bool verbose)
{
    if (nparts != 1)
        return PROBE_LIST_WRONG_SHAPE;
    const char *const *names;
    int count = kernel_functions(&names);
    if (count < 0) {
        fprintf(stderr, "ERROR: cannot read /proc/kallsyms: %s\n", strerror(-count));
        return count;
    }
    int n = 0;
    for (int i = 0; i < count; i++)
        if (fnmatch(parts[0], names[i], 0) == 0) {
            fprintf(out, "%s:%s\n", kind->name, names[i]);
            n++;
        }
    return n;
}

const struct probe_kind probe_kind_kprobe = {
    .name = "kprobe",
    .aliases = {"k"},
    .provider = PROV_KPROBE,
    .bpf_prog_type = BPF_PROG_TYPE_KPROBE,
    .shape = "1 argument",
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
    .shape = "1 argument",
    .offers = OFFERS_RETVAL | OFFERS_FUNC | OFFERS_REGS | OFFERS_SIGNAL,
    .expand = expand_kprobe,
    .list = list_kprobe,
};
