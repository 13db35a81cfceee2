/* The tracepoint kind: "tracepoint:CATEGORY:NAME" (globs allowed), expanded
 * against tracefs; -l lists tracepoints and, with -v, their fields. */
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"
#include "target/tracefs.h"
#include "target/tracepoint_format.h"

/* "CAT:NAME", or "GLOB", which bpftrace reads as "*:GLOB" (the parts after
 * "tracepoint:"). Returns 0 and the two globs, or -1. */
static int tracepoint_globs(char **parts, int nparts, const char **cat, const char **name)
{
    if (nparts == 2) {
        *cat = parts[0];
        *name = parts[1];
        return 0;
    }
    if (nparts == 1 && probe_has_wildcard(parts[0])) {
        *cat = "*";
        *name = parts[0];
        return 0;
    }
    return -1;
}

static int expand_tracepoints(const char *cat, const char *name, struct attach_point *ap, char *err,
                              size_t errlen)
{
    ap->has_wildcard = probe_has_wildcard(cat) || probe_has_wildcard(name);
    char **list;
    int n = tracefs_match_tracepoints(cat, name, &list);
    if (n == -ENOENT && !tracefs_path()) {
        probe_set_error(err, errlen,
                  "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
        return -1;
    }
    if (n < 0) {
        probe_set_error(err, errlen, "cannot list tracepoints %s:%s: %s", cat, name, strerror(-n));
        return -1;
    }
    if (n == 0) {
        probe_set_error(err, errlen, "%s not found: %s:%s",
                  ap->has_wildcard ? "tracepoints" : "tracepoint", cat, name);
        return PROBE_MISSING;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = probe_add_match(ap, strdup(list[i]), probe_format("tracepoint:%s", list[i]));
    tracefs_free_list(list, n);
    if (rc) {
        probe_set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* A field declaration the way the kernel writes it in the format file, which
 * is what bpftrace -lv prints: "TYPE NAME", arrays as "char comm[16]". */
static void print_field(FILE *out, const struct tp_field *f)
{
    const char *bracket = f->is_data_loc ? NULL : strchr(f->c_type, '[');
    if (bracket)
        fprintf(out, "    %.*s %s%s\n", (int)(bracket - f->c_type), f->c_type, f->name, bracket);
    else
        fprintf(out, "    %s %s\n", f->c_type, f->name);
}

static int list_tracepoints(FILE *out, const char *cat, const char *name, bool verbose)
{
    char **list;
    int n = tracefs_match_tracepoints(cat, name, &list);
    if (n < 0) {
        fprintf(stderr, "ERROR: cannot list tracepoints: %s\n",
                tracefs_path() ? strerror(-n) : "tracefs is not mounted");
        return n;
    }
    for (int i = 0; i < n; i++) {
        fprintf(out, "tracepoint:%s\n", list[i]);
        if (!verbose)
            continue;
        char *colon = strchr(list[i], ':');
        *colon = '\0';
        struct tp_format fmt;
        if (tp_format_load(list[i], colon + 1, &fmt) < 0) {
            fprintf(stderr, "ERROR: tracepoint format file not found: %s/events/%s/%s/format\n",
                    tracefs_path(), list[i], colon + 1);
            continue;
        }
        /* The common_* header fields are the same for every tracepoint and
         * not part of args; bpftrace leaves them out too. */
        for (int f = 0; f < fmt.nfields; f++)
            if (strncmp(fmt.fields[f].name, "common_", 7) != 0)
                print_field(out, &fmt.fields[f]);
        tp_format_free(&fmt);
    }
    tracefs_free_list(list, n);
    return n;
}

static int expand_tracepoint(const struct probe_kind *kind, char **parts, int nparts,
                             struct attach_point *ap, char *err, size_t errlen)
{
    const char *cat, *name;
    if (tracepoint_globs(parts, nparts, &cat, &name) < 0) {
        probe_set_error(err, errlen, "tracepoint probe type requires 2 arguments");
        return -1;
    }
    return expand_tracepoints(cat, name, ap, err, errlen);
}

static int list_tracepoint(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                           bool verbose)
{
    const char *cat, *name;
    if (tracepoint_globs(parts, nparts, &cat, &name) < 0)
        return PROBE_LIST_WRONG_SHAPE;
    return list_tracepoints(out, cat, name, verbose);
}

const struct probe_kind probe_kind_tracepoint = {
    .name = "tracepoint",
    .aliases = {"t"},
    .provider = PROV_TRACEPOINT,
    .bpf_prog_type = BPF_PROG_TYPE_TRACEPOINT,
    .shape = "2 arguments",
    .offers = OFFERS_ARGS | OFFERS_SIGNAL,
    .listed_by_wildcard = true,
    .expand = expand_tracepoint,
    .list = list_tracepoint,
};
