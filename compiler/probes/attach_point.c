/* Attach points: the text a user wrote ("t:syscalls:sys_enter_accept*",
 * "interval:s:1", "BEGIN") split into its parts and handed to its kind,
 * which expands it into matches; and the helpers the kinds share. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"

void probe_set_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

bool probe_has_wildcard(const char *s)
{
    return strpbrk(s, "*?") != NULL;
}

char *probe_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* "a:b:c" -> parts; empty parts are kept ("tracepoint::x" has three).
 * Returns the number of parts, or -1 when there are too many. */
int probe_split_parts(char *text, char *parts[PROBE_MAX_PARTS])
{
    int n = 0;
    char *p = text;
    for (;;) {
        if (n == PROBE_MAX_PARTS)
            return -1;
        parts[n++] = p;
        char *colon = strchr(p, ':');
        if (!colon)
            return n;
        *colon = '\0';
        p = colon + 1;
    }
}

int probe_add_match(struct attach_point *ap, char *target, char *full_name)
{
    if (!target || !full_name) {
        free(target);
        free(full_name);
        return -ENOMEM;
    }
    struct probe_match *m = realloc(ap->matches, (size_t)(ap->nmatches + 1) * sizeof(*m));
    if (!m) {
        free(target);
        free(full_name);
        return -ENOMEM;
    }
    ap->matches = m;
    m[ap->nmatches].target = target;
    m[ap->nmatches].full_name = full_name;
    ap->nmatches++;
    return 0;
}

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
    if (rc < 0) {
        attach_point_free(out);
        return -1;
    }
    return rc > 0 ? 1 : 0;
}

void attach_point_free(struct attach_point *ap)
{
    for (int i = 0; i < ap->nmatches; i++) {
        free(ap->matches[i].target);
        free(ap->matches[i].full_name);
    }
    free(ap->matches);
    memset(ap, 0, sizeof(*ap));
}
