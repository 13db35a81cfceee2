/* USDT probes: "usdt:BINARY:[PROVIDER:]NAME" (globs allowed), expanded
 * against the binary's SystemTap notes (target/usdt_notes.h): one match per
 * probe site, all named "usdt:BINARY:PROVIDER:NAME", each with the file
 * offsets of its instruction and semaphore and where its arguments are.
 * With -p, BINARY may be left out: every file the process has mapped is
 * searched. Attached like uprobes (runtime/providers/provider_uprobe.c). */
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"
#include "target/binary_path.h"

struct usdt_spec {
    const char *target, *provider, *name; /* target NULL: any file of the process */
};

static int parse_spec(char **parts, int nparts, struct usdt_spec *s)
{
    memset(s, 0, sizeof(*s));
    if (probe_target_pid() > 0 && nparts == 1) {
        s->provider = "*";
        s->name = parts[0];
        return 0;
    }
    if (nparts != 2 && nparts != 3)
        return -1;
    s->target = parts[0];
    s->provider = nparts == 3 ? parts[1] : "*";
    s->name = parts[nparts - 1];
    return 0;
}

/* With -p, bpftrace looks only at the files the process maps, named through
 * its root (/proc/PID/root/...); a target selects those whose path ends
 * with the target's real path (the maps show real paths). Keeps the
 * selected paths in place. */
static int select_mapped(const char *target, char **paths, int count)
{
    char *abs = realpath(target, NULL);
    if (!abs)
        abs = strdup(target);
    char *pattern = abs ? probe_format("*%s", abs) : NULL;
    int kept = 0;
    for (int i = 0; i < count; i++) {
        if (pattern && fnmatch(pattern, paths[i], 0) == 0)
            paths[kept++] = paths[i];
        else
            free(paths[i]);
    }
    free(abs);
    free(pattern);
    return kept;
}

static int add_site(struct attach_point *ap, const char *path, const struct usdt_probe *p)
{
    if (probe_add_match(ap, strdup(path),
                        probe_format("usdt:%s:%s:%s", path, p->provider, p->name)) < 0)
        return -ENOMEM;
    struct probe_match *m = probe_last_match(ap);
    m->offset = p->pc_offset;
    m->ref_ctr_offset = p->semaphore_offset;
    m->nargs = p->nargs;
    m->args = p->nargs ? malloc((size_t)p->nargs * sizeof(*m->args)) : NULL;
    m->args_text = strdup(p->args_text);
    if ((p->nargs && !m->args) || !m->args_text)
        return -ENOMEM;
    if (p->nargs)
        memcpy(m->args, p->args, (size_t)p->nargs * sizeof(*m->args));
    return 0;
}

static bool site_matches(const struct usdt_spec *s, const struct usdt_probe *p)
{
    return fnmatch(s->provider, p->provider, 0) == 0 && fnmatch(s->name, p->name, 0) == 0;
}

/* The files to search: the target's, or every file the process maps. */
static int spec_paths(const struct usdt_spec *s, char ***paths, int *count, char *err,
                      size_t errlen)
{
    *count = 0;
    int pid = probe_target_pid();
    /* without -p, "*" is every file a running process maps (the host) */
    bool host = pid <= 0 && s->target && strcmp(s->target, "*") == 0;
    int rc = host       ? host_mapped_binaries(paths, count)
             : pid <= 0 ? binary_paths(s->target, pid, probe_target_command(), paths, count)
                        : process_mapped_binaries(pid, paths, count);
    if (rc < 0) {
        probe_set_error(err, errlen, "cannot read the files of pid %d: %s", pid, strerror(-rc));
        return -1;
    }
    if (pid > 0 && s->target)
        *count = select_mapped(s->target, *paths, *count);
    if (*count == 0 && s->target) {
        probe_set_error(err, errlen, "usdt target file '%s' does not exist or is not executable",
                        s->target);
        free(*paths);
        return PROBE_MISSING;
    }
    return 0;
}

/* Each matching site of each file, through fn; stops at fn's first error. */
static int for_each_site(const struct usdt_spec *s, char **paths, int count,
                         int (*fn)(const char *path, const struct usdt_probe *p, void *arg),
                         void *arg)
{
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        struct usdt_probe *probes;
        int n;
        if (usdt_probes_read(paths[i], &probes, &n) < 0)
            continue;
        for (int j = 0; j < n && rc == 0; j++)
            if (site_matches(s, &probes[j]))
                rc = fn(paths[i], &probes[j], arg);
        usdt_probes_free(probes, n);
    }
    return rc;
}

static int expand_site(const char *path, const struct usdt_probe *p, void *arg)
{
    return add_site(arg, path, p);
}

static int expand_usdt(const struct probe_kind *kind, char **parts, int nparts,
                       struct attach_point *ap, char *err, size_t errlen)
{
    struct usdt_spec s;
    if (parse_spec(parts, nparts, &s) < 0) {
        probe_set_error(err, errlen, "usdt probe type requires 2 or 3 arguments");
        return -1;
    }
    char **paths;
    int count;
    int found = spec_paths(&s, &paths, &count, err, errlen);
    if (found != 0)
        return found;
    int rc = for_each_site(&s, paths, count, expand_site, ap);
    if (rc < 0) {
        probe_set_error(err, errlen, "out of memory");
    } else if (ap->nmatches == 0) {
        const char *where = s.target ? s.target : "the traced process";
        if (strcmp(s.provider, "*") == 0)
            probe_set_error(err, errlen, "no usdt probe %s in %s", s.name, where);
        else
            probe_set_error(err, errlen, "no usdt probe %s:%s in %s", s.provider, s.name, where);
        rc = PROBE_MISSING;
    }
    ap->has_wildcard = (s.target && probe_has_wildcard(s.target)) ||
                       probe_has_wildcard(s.provider) || probe_has_wildcard(s.name);
    binary_paths_free(paths, count);
    return rc;
}

struct listing {
    char **lines;
    int count;
};

static int collect_line(const char *path, const struct usdt_probe *p, void *arg)
{
    struct listing *l = arg;
    char **lines = realloc(l->lines, (size_t)(l->count + 1) * sizeof(*lines));
    if (!lines)
        return -ENOMEM;
    l->lines = lines;
    l->lines[l->count] = probe_format("usdt:%s:%s:%s", path, p->provider, p->name);
    return l->lines[l->count++] ? 0 : -ENOMEM;
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* -l: each probe once (however many sites it has), sorted, as bpftrace. */
static int list_usdt(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                     bool verbose)
{
    struct usdt_spec s;
    if (parse_spec(parts, nparts, &s) < 0)
        return PROBE_LIST_WRONG_SHAPE;
    char **paths;
    int count;
    char err[512];
    if (spec_paths(&s, &paths, &count, err, sizeof(err)) != 0) {
        fprintf(stderr, "ERROR: %s\n", err);
        return -1;
    }
    struct listing l = {0};
    int rc = for_each_site(&s, paths, count, collect_line, &l);
    binary_paths_free(paths, count);
    if (l.count)
        qsort(l.lines, (size_t)l.count, sizeof(*l.lines), compare_lines);
    int n = 0;
    for (int i = 0; i < l.count && rc == 0; i++)
        if (i == 0 || strcmp(l.lines[i], l.lines[i - 1]) != 0) {
            fprintf(out, "%s\n", l.lines[i]);
            n++;
        }
    for (int i = 0; i < l.count; i++)
        free(l.lines[i]);
    free(l.lines);
    return rc < 0 ? rc : n;
}

const struct probe_kind probe_kind_usdt = {
    .name = "usdt",
    .aliases = {"U"},
    .provider = PROV_USDT,
    .bpf_prog_type = BPF_PROG_TYPE_KPROBE,
    .shape = "2 or 3 arguments",
    .offers = OFFERS_ARGN | OFFERS_REGS | OFFERS_SIGNAL | OFFERS_USER_BINARY,
    .user_space = true,
    .args_per_site = true,
    .listed_by_wildcard = true,
    .expand = expand_usdt,
    .list = list_usdt,
};
