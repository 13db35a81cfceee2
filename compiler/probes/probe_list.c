/* -l [PATTERN]: the probes a pattern matches, as bpftrace lists them. The
 * pattern's first part picks the kinds (a kind's name or alias, or a
 * wildcard over kind names); each kind lists its own probes. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

/* Whether a -l kind pattern ("tracepoint", "t", "*") selects a kind.
 * Wildcards select by full name, and only kinds listed by wildcard: as in
 * bpftrace, the kinds of user space when the next part is a path (or with
 * -p), the kernel's otherwise. */
static bool kind_selected(const char *pattern, const char *next, const struct probe_kind *kind)
{
    if (!probe_has_wildcard(pattern))
        return probe_kind_find(pattern) == kind;
    bool user = probe_target_pid() > 0 || (next && strchr(next, '/'));
    return kind->listed_by_wildcard && kind->user_space == user &&
           fnmatch(pattern, kind->name, 0) == 0;
}

/* "KIND:REST" lists that kind's probes. A kind wildcard lists every kind it
 * matches, in the table's order, skipping those whose shape REST does not
 * have. */
static int list_matching(FILE *out, const char *kind_pattern, char **rest, int nrest, bool verbose)
{
    if (!probe_has_wildcard(kind_pattern) && !probe_kind_find(kind_pattern)) {
        fprintf(stderr, "ERROR: Unrecognized probe type: %s\n", kind_pattern);
        return -1;
    }
    int total = 0;
    for (int i = 0; probe_kinds[i]; i++) {
        const struct probe_kind *kind = probe_kinds[i];
        if (!kind->list || !kind_selected(kind_pattern, nrest ? rest[0] : NULL, kind))
            continue;
        int n = kind->list(kind, out, rest, nrest, verbose);
        if (n == PROBE_LIST_WRONG_SHAPE && probe_has_wildcard(kind_pattern))
            continue;
        if (n == PROBE_LIST_WRONG_SHAPE)
            fprintf(stderr, "ERROR: %s probe type requires %s\n", kind->name, kind->shape);
        if (n < 0)
            return -1;
        total += n;
    }
    return total;
}

int probes_list(FILE *out, const char *pattern, bool verbose)
{
    if (!pattern || !*pattern)
        pattern = "tracepoint:*:*";
    char *copy = strchr(pattern, ':') ? strdup(pattern) : probe_format("*:%s", pattern);
    if (!copy)
        return -ENOMEM;
    char *parts[PROBE_MAX_PARTS];
    int nparts = probe_split_parts(copy, parts);
    int n;
    if (nparts < 2) {
        fprintf(stderr, "ERROR: Invalid probe pattern: %s\n", pattern);
        n = -1;
    } else {
        n = list_matching(out, parts[0], parts + 1, nparts - 1, verbose);
    }
    free(copy);
    return n;
}
