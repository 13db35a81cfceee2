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

/* "a:b:c" -> parts; empty parts are kept ("tracepoint::x" has three). As in
 * bpftrace, a double-quoted stretch is taken literally (':' does not split it,
 * '\\' escapes the next character) and loses its quotes:
 * uprobe:/bin/x:"ns::f(int)". Returns the number of parts, or -1 when there
 * are too many. */
int probe_split_parts(char *text, char *parts[PROBE_MAX_PARTS])
{
    int n = 0;
    bool quoted = false;
    parts[n++] = text;
    char *out = text;
    for (char *p = text; *p; p++) {
        if (*p == '"') {
            quoted = !quoted;
        } else if (quoted && *p == '\\' && p[1]) {
            *out++ = *++p;
        } else if (*p == ':' && !quoted) {
            *out++ = '\0';
            if (n == PROBE_MAX_PARTS)
                return -1;
            parts[n++] = out;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return n;
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
    m[ap->nmatches] = (struct probe_match){.target = target, .full_name = full_name};
    ap->nmatches++;
    return 0;
}

struct probe_match *probe_last_match(struct attach_point *ap)
{
    return &ap->matches[ap->nmatches - 1];
}

int probe_match_copy(const struct probe_match *m, struct probe_match *out)
{
    *out = *m;
    out->target = strdup(m->target);
    out->full_name = strdup(m->full_name);
    out->args_text = m->args_text ? strdup(m->args_text) : NULL;
    out->btf_module = m->btf_module ? strdup(m->btf_module) : NULL;
    out->args = m->nargs ? malloc((size_t)m->nargs * sizeof(*m->args)) : NULL;
    if (out->args)
        memcpy(out->args, m->args, (size_t)m->nargs * sizeof(*m->args));
    if (!out->target || !out->full_name || (m->args_text && !out->args_text) ||
        (m->btf_module && !out->btf_module) || (m->nargs && !out->args)) {
        probe_match_free(out);
        return -ENOMEM;
    }
    return 0;
}

void probe_match_free(struct probe_match *m)
{
    free(m->target);
    free(m->full_name);
    free(m->args);
    free(m->args_text);
    free(m->btf_module);
    memset(m, 0, sizeof(*m));
}

static struct {
    int pid;
    char *command;
} target_process;

void attach_points_set_process(int pid, const char *command)
{
    free(target_process.command);
    target_process.pid = pid;
    target_process.command = command ? strdup(command) : NULL;
}

int probe_target_pid(void)
{
    return target_process.pid;
}

const char *probe_target_command(void)
{
    return target_process.command;
}
