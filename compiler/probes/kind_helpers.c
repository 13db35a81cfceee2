/* What the probe kinds share: errors, wildcards, adding matches, splitting
 * an attach point into its parts (see probe_kind.h). */
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
