/* Attach points: parse the text a user wrote, expand wildcards against
 * tracefs (tracepoints) and /proc/kallsyms (kprobes), and list probes for -l. */
#include "probes.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "target/tracefs.h"
#include "target/tracepoint_format.h"

#define MAX_PARTS 8

/* ---- small helpers ------------------------------------------------------ */

static void set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static bool has_wildcard(const char *s)
{
    return strpbrk(s, "*?") != NULL;
}

static char *format_string(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format_string(const char *fmt, ...)
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
static int split_parts(char *text, char *parts[MAX_PARTS])
{
    int n = 0;
    char *p = text;
    for (;;) {
        if (n == MAX_PARTS)
            return -1;
        parts[n++] = p;
        char *colon = strchr(p, ':');
        if (!colon)
            return n;
        *colon = '\0';
        p = colon + 1;
    }
}

/* ---- providers ---------------------------------------------------------- */

struct provider_name {
    const char *name;
    const char *alias;
    enum probe_provider provider;
};

static const struct provider_name provider_names[] = {
    {"BEGIN", NULL, PROV_BEGIN},          {"END", NULL, PROV_END},
    {"tracepoint", "t", PROV_TRACEPOINT}, {"interval", "i", PROV_INTERVAL},
    {"kprobe", "k", PROV_KPROBE},         {"kretprobe", "kr", PROV_KRETPROBE},
};

static const struct provider_name *find_provider(const char *name)
{
    for (size_t i = 0; i < sizeof(provider_names) / sizeof(provider_names[0]); i++) {
        const struct provider_name *p = &provider_names[i];
        if (strcmp(name, p->name) == 0 || (p->alias && strcmp(name, p->alias) == 0))
            return p;
    }
    return NULL;
}

static int add_match(struct attach_point *ap, char *target, char *full_name)
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

/* ---- tracepoints -------------------------------------------------------- */

/* "tracepoint:CAT:NAME", or "tracepoint:GLOB", which bpftrace reads as
 * "tracepoint:*:GLOB". Returns 0 and the two globs, or -1. */
static int tracepoint_globs(char **parts, int nparts, const char **cat, const char **name)
{
    if (nparts == 3) {
        *cat = parts[1];
        *name = parts[2];
        return 0;
    }
    if (nparts == 2 && has_wildcard(parts[1])) {
        *cat = "*";
        *name = parts[1];
        return 0;
    }
    return -1;
}

static int expand_tracepoints(const char *cat, const char *name, struct attach_point *ap, char *err,
                              size_t errlen)
{
    ap->has_wildcard = has_wildcard(cat) || has_wildcard(name);
    char **list;
    int n = tracefs_match_tracepoints(cat, name, &list);
    if (n == -ENOENT && !tracefs_path()) {
        set_error(err, errlen,
                  "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
        return -1;
    }
    if (n < 0) {
        set_error(err, errlen, "cannot list tracepoints %s:%s: %s", cat, name, strerror(-n));
        return -1;
    }
    if (n == 0) {
        set_error(err, errlen, "%s not found: %s:%s",
                  ap->has_wildcard ? "tracepoints" : "tracepoint", cat, name);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = add_match(ap, strdup(list[i]), format_string("tracepoint:%s", list[i]));
    tracefs_free_list(list, n);
    if (rc) {
        set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* ---- intervals ---------------------------------------------------------- */

struct time_unit {
    const char *name;
    uint64_t ns_per_count; /* 0 for hz: the count is a frequency */
};

static const struct time_unit time_units[] = {
    {"s", 1000000000ull},
    {"ms", 1000000ull},
    {"us", 1000ull},
    {"hz", 0},
};

/* A count as bpftrace takes it: decimal digits, optionally with an exponent
 * ("1e3" is 1000). Returns 0 or -1 with an error written. */
static int parse_interval_count(const char *text, uint64_t *out, char *err, size_t errlen)
{
    const char *p = text;
    uint64_t value = 0;
    if (!isdigit((unsigned char)*p)) {
        set_error(err, errlen, "Failed to parse '%s': not a number", text);
        return -1;
    }
    for (; isdigit((unsigned char)*p); p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (value > (UINT64_MAX - d) / 10)
            goto out_of_range;
        value = value * 10 + d;
    }
    if (*p == 'e' && isdigit((unsigned char)p[1])) {
        unsigned exponent = 0;
        for (p++; isdigit((unsigned char)*p); p++)
            if ((exponent = exponent * 10 + (unsigned)(*p - '0')) > 19)
                goto out_of_range;
        for (; exponent > 0 && value != 0; exponent--) {
            if (value > UINT64_MAX / 10)
                goto out_of_range;
            value *= 10;
        }
    }
    if (*p) {
        set_error(err, errlen, "Found trailing non-numeric characters: %s", text);
        return -1;
    }
    *out = value;
    return 0;
out_of_range:
    set_error(err, errlen, "Failed to parse '%s': out of range", text);
    return -1;
}

static int parse_interval(char **parts, int nparts, struct attach_point *ap, char *err,
                          size_t errlen)
{
    if (nparts != 3) {
        set_error(err, errlen, "interval probe type requires 2 arguments");
        return -1;
    }
    const struct time_unit *unit = NULL;
    for (size_t i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++)
        if (strcmp(parts[1], time_units[i].name) == 0)
            unit = &time_units[i];
    if (!unit) {
        set_error(err, errlen, "%s is not an accepted unit of time", parts[1]);
        return -1;
    }
    uint64_t count;
    if (parse_interval_count(parts[2], &count, err, errlen) < 0)
        return -1;
    if (count == 0) {
        set_error(err, errlen, "interval must be greater than 0: interval:%s:%s", parts[1],
                  parts[2]);
        return -1;
    }
    if (unit->ns_per_count) {
        if (count > UINT64_MAX / unit->ns_per_count) {
            set_error(err, errlen, "Failed to parse '%s': out of range", parts[2]);
            return -1;
        }
        ap->period_ns = count * unit->ns_per_count;
    } else {
        if (count > 1000000000ull) {
            set_error(err, errlen, "interval:hz:%s is more than 1000000000 per second", parts[2]);
            return -1;
        }
        ap->period_ns = 1000000000ull / count;
    }
    char *name = format_string("interval:%s:%llu", unit->name, (unsigned long long)count);
    if (add_match(ap, strdup(""), name) < 0) {
        set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* ---- kernel functions from /proc/kallsyms ------------------------------- */

/* Names of text symbols, sorted and unique; read once per process since the
 * file is ~120k lines and a script may name many kprobes. */
static struct {
    bool loaded;
    int error;
    char *text;
    char **names;
    int count;
} ksyms;

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Text symbols that are not function entry points one can probe: the
 * padding before each function (__pfx_, __cfi_) and split-off cold parts. */
static bool is_probeable_function(const char *name)
{
    return strncmp(name, "__pfx_", 6) != 0 && strncmp(name, "__cfi_", 6) != 0 &&
           !strstr(name, ".cold") && !strstr(name, ".part.");
}

static char *read_kallsyms(size_t *len_out)
{
    FILE *f = fopen("/proc/kallsyms", "re");
    if (!f)
        return NULL;
    size_t cap = 1 << 22, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (cap - len < 65536) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    if (buf) {
        buf[len] = '\0';
        *len_out = len;
    }
    return buf;
}

static int load_kallsyms(void)
{
    if (ksyms.loaded)
        return ksyms.error;
    ksyms.loaded = true;
    size_t len;
    ksyms.text = read_kallsyms(&len);
    if (!ksyms.text) {
        ksyms.error = errno ? -errno : -ENOMEM;
        return ksyms.error;
    }
    int cap = 0;
    /* Lines are "ADDRESS TYPE NAME" with an optional "\t[module]". */
    for (char *line = ksyms.text; *line;) {
        char *eol = strchr(line, '\n');
        char *next = eol ? eol + 1 : line + strlen(line);
        if (eol)
            *eol = '\0';
        char *type = strchr(line, ' ');
        char *name = type ? strchr(type + 1, ' ') : NULL;
        if (name && (type[1] == 't' || type[1] == 'T') && type + 2 == name) {
            name++;
            name[strcspn(name, "\t ")] = '\0';
            if (*name && is_probeable_function(name)) {
                if (ksyms.count == cap) {
                    cap = cap ? cap * 2 : 65536;
                    char **names = realloc(ksyms.names, (size_t)cap * sizeof(*names));
                    if (!names) {
                        ksyms.error = -ENOMEM;
                        return ksyms.error;
                    }
                    ksyms.names = names;
                }
                ksyms.names[ksyms.count++] = name;
            }
        }
        line = next;
    }
    qsort(ksyms.names, (size_t)ksyms.count, sizeof(*ksyms.names), compare_strings);
    int unique = 0;
    for (int i = 0; i < ksyms.count; i++)
        if (unique == 0 || strcmp(ksyms.names[unique - 1], ksyms.names[i]) != 0)
            ksyms.names[unique++] = ksyms.names[i];
    ksyms.count = unique;
    return 0;
}

static bool kallsyms_has(const char *name)
{
    return bsearch(&name, ksyms.names, (size_t)ksyms.count, sizeof(*ksyms.names),
                   compare_strings) != NULL;
}

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
static const char *suggest_function(const char *name)
{
    size_t len = strlen(name);
    const char *best = NULL;
    for (int i = 0; i < ksyms.count; i++) {
        const char *s = ksyms.names[i];
        if (strncmp(s, name, len) == 0 && s[len] == '_' && (!best || strlen(s) < strlen(best)))
            best = s;
    }
    if (best)
        return best;
    int limit = len < 8 ? 1 : 2, best_distance = limit + 1;
    for (int i = 0; i < ksyms.count; i++) {
        int d = edit_distance(name, ksyms.names[i], limit);
        if (d < best_distance) {
            best_distance = d;
            best = ksyms.names[i];
        }
    }
    return best;
}

static bool keep_missing_functions;

void attach_points_keep_missing_functions(bool keep)
{
    keep_missing_functions = keep;
}

static int expand_kprobe(const char *prefix, char **parts, int nparts, struct attach_point *ap,
                         char *err, size_t errlen)
{
    if (nparts != 2) {
        set_error(err, errlen, "%s probe type requires 1 argument", prefix);
        return -1;
    }
    const char *func = parts[1];
    if (*func == '\0') {
        set_error(err, errlen, "kprobes should be attached to a function");
        return -1;
    }
    if (strchr(func, '+')) {
        if (ap->provider == PROV_KRETPROBE)
            set_error(err, errlen, "Offset not allowed");
        else
            set_error(err, errlen, "kprobe offsets are not supported: %s", func);
        return -1;
    }
    int rc = load_kallsyms();
    if (rc < 0) {
        set_error(err, errlen, "cannot read kernel functions from /proc/kallsyms: %s",
                  strerror(-rc));
        return -1;
    }
    ap->has_wildcard = has_wildcard(func);
    if (!ap->has_wildcard) {
        if (!kallsyms_has(func)) {
            const char *close = suggest_function(func);
            if (close)
                set_error(err, errlen, "kernel function not found: %s (did you mean %s?)", func,
                          close);
            else
                set_error(err, errlen, "kernel function not found: %s", func);
            if (!keep_missing_functions)
                return -1;
            /* still compiled (and verified); attaching it will fail under the
             * missing_probes policy */
            return add_match(ap, strdup(func), format_string("%s:%s", prefix, func)) < 0 ? -1 : 1;
        }
        rc = add_match(ap, strdup(func), format_string("%s:%s", prefix, func));
    } else {
        for (int i = 0; i < ksyms.count && rc == 0; i++)
            if (fnmatch(func, ksyms.names[i], 0) == 0)
                rc = add_match(ap, strdup(ksyms.names[i]),
                               format_string("%s:%s", prefix, ksyms.names[i]));
        if (rc == 0 && ap->nmatches == 0) {
            set_error(err, errlen, "kernel functions not found: %s", func);
            return -1;
        }
    }
    if (rc) {
        set_error(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* ---- attach points ------------------------------------------------------ */

int attach_point_parse(const char *text, struct attach_point *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    set_error(err, errlen, "%s", "");
    char *copy = strdup(text ? text : "");
    if (!copy) {
        set_error(err, errlen, "out of memory");
        return -1;
    }
    char *parts[MAX_PARTS];
    int nparts = split_parts(copy, parts);
    const struct provider_name *prov = nparts > 0 ? find_provider(parts[0]) : NULL;
    int rc = -1;
    if (nparts < 0) {
        set_error(err, errlen, "Invalid attachpoint definition: too many ':' in %s", text);
    } else if (!prov) {
        set_error(err, errlen, "Unrecognized probe type: %s", parts[0]);
    } else {
        out->provider = prov->provider;
        switch (prov->provider) {
        case PROV_BEGIN:
        case PROV_END:
            if (nparts != 1)
                set_error(err, errlen, "%s probe type requires 0 arguments", prov->name);
            else if (add_match(out, strdup(""), strdup(prov->name)) < 0)
                set_error(err, errlen, "out of memory");
            else
                rc = 0;
            break;
        case PROV_TRACEPOINT: {
            const char *cat, *name;
            if (tracepoint_globs(parts, nparts, &cat, &name) < 0)
                set_error(err, errlen, "tracepoint probe type requires 2 arguments");
            else
                rc = expand_tracepoints(cat, name, out, err, errlen);
            break;
        }
        case PROV_INTERVAL:
            rc = parse_interval(parts, nparts, out, err, errlen);
            break;
        case PROV_KPROBE:
        case PROV_KRETPROBE:
            rc = expand_kprobe(prov->name, parts, nparts, out, err, errlen);
            break;
        }
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

/* ---- listing (-l, -lv) -------------------------------------------------- */

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

static int list_kprobes(FILE *out, const char *prefix, const char *func_glob)
{
    int rc = load_kallsyms();
    if (rc < 0) {
        fprintf(stderr, "ERROR: cannot read /proc/kallsyms: %s\n", strerror(-rc));
        return rc;
    }
    int n = 0;
    for (int i = 0; i < ksyms.count; i++)
        if (fnmatch(func_glob, ksyms.names[i], 0) == 0) {
            fprintf(out, "%s:%s\n", prefix, ksyms.names[i]);
            n++;
        }
    return n;
}

/* Whether a -l provider pattern ("tracepoint", "t", "*") selects a
 * provider. Wildcards select by full name and never the return probes,
 * which bpftrace leaves out of its lists as duplicates of the entries. */
static bool provider_selected(const char *pattern, const struct provider_name *p)
{
    if (has_wildcard(pattern))
        return p->provider != PROV_KRETPROBE && fnmatch(pattern, p->name, 0) == 0;
    return find_provider(pattern) == p;
}

/* Returned by list_provider when REST does not have the provider's shape;
 * distinct from the -errno of a failed listing. */
#define WRONG_SHAPE (-EDOM)

/* The probes of one provider matching REST, or WRONG_SHAPE (the caller
 * decides whether that is an error), or -errno. */
static int list_provider(FILE *out, const struct provider_name *p, char **rest, int nrest,
                         bool verbose)
{
    switch (p->provider) {
    case PROV_KPROBE:
    case PROV_KRETPROBE:
        if (nrest != 1)
            return WRONG_SHAPE;
        return list_kprobes(out, p->name, rest[0]);
    case PROV_TRACEPOINT: {
        char *parts[3] = {"tracepoint", rest[0], nrest > 1 ? rest[1] : NULL};
        const char *cat, *name;
        if (tracepoint_globs(parts, nrest + 1, &cat, &name) < 0)
            return WRONG_SHAPE;
        return list_tracepoints(out, cat, name, verbose);
    }
    default:
        /* BEGIN, END and intervals have nothing to enumerate. */
        return 0;
    }
}

static const char *const argument_shape[] = {
    [PROV_BEGIN] = "0 arguments",      [PROV_END] = "0 arguments",
    [PROV_TRACEPOINT] = "2 arguments", [PROV_INTERVAL] = "2 arguments",
    [PROV_KPROBE] = "1 argument",      [PROV_KRETPROBE] = "1 argument",
};

/* "PROVIDER:REST" lists that provider's probes. A provider wildcard lists
 * every provider it matches, in bpftrace's order (by provider name), skipping
 * those whose shape REST does not have. */
static int list_matching(FILE *out, const char *provider, char **rest, int nrest, bool verbose)
{
    if (!has_wildcard(provider) && !find_provider(provider)) {
        fprintf(stderr, "ERROR: Unrecognized probe type: %s\n", provider);
        return -1;
    }
    static const enum probe_provider order[] = {PROV_KPROBE, PROV_KRETPROBE, PROV_TRACEPOINT};
    int total = 0;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        const struct provider_name *p = NULL;
        for (size_t j = 0; j < sizeof(provider_names) / sizeof(provider_names[0]); j++)
            if (provider_names[j].provider == order[i])
                p = &provider_names[j];
        if (!provider_selected(provider, p))
            continue;
        int n = list_provider(out, p, rest, nrest, verbose);
        if (n == WRONG_SHAPE && has_wildcard(provider))
            continue;
        if (n == WRONG_SHAPE)
            fprintf(stderr, "ERROR: %s probe type requires %s\n", p->name,
                    argument_shape[p->provider]);
        if (n < 0)
            return -1;
        total += n;
    }
    return total;
}

int probes_list(FILE *out, const char *pattern, bool verbose)
{
    if (!pattern || !*pattern)
        return list_tracepoints(out, "*", "*", verbose);
    char *copy = strchr(pattern, ':') ? strdup(pattern) : format_string("*:%s", pattern);
    if (!copy)
        return -ENOMEM;
    char *parts[MAX_PARTS];
    int nparts = split_parts(copy, parts);
    int n;
    if (nparts < 2 || nparts > 3) {
        fprintf(stderr, "ERROR: Invalid probe pattern: %s\n", pattern);
        n = -1;
    } else {
        n = list_matching(out, parts[0], parts + 1, nparts - 1, verbose);
    }
    free(copy);
    return n;
}
