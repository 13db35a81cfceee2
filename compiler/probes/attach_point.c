/* Attach points: the text a user wrote ("t:syscalls:sys_enter_accept*",
 * "interval:s:1", "BEGIN") split into its parts and handed to its kind,
 * which expands it into matches. */
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

int attach_point_parse(const char *text, struct attach_point *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    probe_set_error(err, errlen, "%s", "");
    char *copy = strdup(text ? text : "");
    if (!copy) {
        probe_set_error(err, errlen, "out of memory");
        return -1;
    }
    char *parts[PROBE_MAX_PARTS];
    int nparts = probe_split_parts(copy, parts);
    const struct probe_kind *kind = nparts > 0 ? probe_kind_find(parts[0]) : NULL;
    int rc = -1;
    if (nparts < 0) {
        probe_set_error(err, errlen, "Invalid attachpoint definition: too many ':' in %s", text);
    } else if (!kind) {
        probe_set_error(err, errlen, "Unrecognized probe type: %s", parts[0]);
    } else {
        out->provider = kind->provider;
        rc = kind->expand(kind, parts + 1, nparts - 1, out, err, errlen);
    }
    free(copy);
    if (rc < 0 || rc == PROBE_MISSING) {
        attach_point_free(out);
        return rc < 0 ? -1 : ATTACH_POINT_MISSING;
    }
    return rc > 0 ? 1 : 0;
}

void attach_point_free(struct attach_point *ap)
{
    for (int i = 0; i < ap->nmatches; i++)
        probe_match_free(&ap->matches[i]);
    free(ap->matches);
    memset(ap, 0, sizeof(*ap));
}
