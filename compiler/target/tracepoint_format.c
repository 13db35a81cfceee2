/* Parse tracefs format files:
 *
 *   name: sys_enter_connect
 *   ID: 2230
 *   format:
 *   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *   	...
 *   	field:struct sockaddr * uservaddr;	offset:24;	size:8;	signed:0;
 *
 *   print fmt: ...
 *
 * The text comes from the kernel, but tp_format_parse is also handed
 * arbitrary bytes by tests: every step checks its input and fails with
 * -EINVAL instead of trusting the layout. */
#include "target/tracepoint_format.h"
#include "file_read.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target/tracefs.h"

static bool is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static char *dup_range(const char *start, const char *end)
{
    size_t n = (size_t)(end - start);
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, start, n);
        s[n] = '\0';
    }
    return s;
}

static void trim_range(const char **start, const char **end)
{
    while (*start < *end && is_blank(**start))
        (*start)++;
    while (*end > *start && is_blank((*end)[-1]))
        (*end)--;
}

/* A decimal number filling [start, end) exactly and fitting in max. */
static bool parse_decimal(const char *start, const char *end, unsigned long max, unsigned long *out)
{
    trim_range(&start, &end);
    if (start == end)
        return false;
    unsigned long v = 0;
    for (const char *p = start; p < end; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (d > max || v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* "TYPE NAME", "TYPE NAME[N]" or "TYPE NAME[]" into name, c_type and the flags.
 * Arrays keep their bounds on the type ("char[16]"), as C would spell the type. */
static int parse_declaration(const char *start, const char *end, struct tp_field *f)
{
    trim_range(&start, &end);
    const char *name_end = end;
    const char *bounds = NULL, *bounds_end = NULL;
    if (end > start && end[-1] == ']') {
        bounds_end = end - 1;
        const char *open = bounds_end;
        while (open > start && *open != '[')
            open--;
        if (*open != '[')
            return -EINVAL;
        bounds = open + 1;
        name_end = open;
        while (name_end > start && is_blank(name_end[-1]))
            name_end--;
    }
    const char *name_start = name_end;
    while (name_start > start && is_ident_char(name_start[-1]))
        name_start--;
    if (name_start == name_end || isdigit((unsigned char)*name_start))
        return -EINVAL;
    const char *type_end = name_start;
    while (type_end > start && is_blank(type_end[-1]))
        type_end--;
    if (type_end == start)
        return -EINVAL;
    /* The type must be separated from the name ("int x", "char *x"). */
    if (type_end == name_start && type_end[-1] != '*')
        return -EINVAL;

    f->name = dup_range(name_start, name_end);
    if (!f->name)
        return -ENOMEM;
    size_t type_len = (size_t)(type_end - start);
    size_t bounds_len = bounds ? (size_t)(bounds_end - bounds) + 2 : 0;
    f->c_type = malloc(type_len + bounds_len + 1);
    if (!f->c_type)
        return -ENOMEM;
    memcpy(f->c_type, start, type_len);
    if (bounds) {
        f->c_type[type_len] = '[';
        memcpy(f->c_type + type_len + 1, bounds, bounds_len - 2);
        f->c_type[type_len + bounds_len - 1] = ']';
    }
    f->c_type[type_len + bounds_len] = '\0';

    f->is_data_loc = strncmp(f->c_type, "__data_loc", 10) == 0 && is_blank(f->c_type[10]);
    /* "const char *", "struct foo * *", "const struct attr *const". */
    const char *t = start, *te = type_end;
    for (;;) {
        if (te - t >= 6 && strncmp(te - 5, "const", 5) == 0 && !is_ident_char(te[-6]))
            te -= 5;
        else if (te - t >= 9 && strncmp(te - 8, "volatile", 8) == 0 && !is_ident_char(te[-9]))
            te -= 8;
        else
            break;
        while (te > t && is_blank(te[-1]))
            te--;
    }
    f->is_pointer = !bounds && te > t && te[-1] == '*';

    f->array_len = 0;
    if (bounds && bounds != bounds_end) {
        unsigned long n;
        /* Bounds other than a plain number ("sizeof(...)") leave array_len 0;
         * the field's size still says how many bytes it has. */
        if (parse_decimal(bounds, bounds_end, INT_MAX, &n))
            f->array_len = (int)n;
    }
    return 0;
}

/* Find "key:" at p (after blanks) and return the text up to the next ';'. */
static bool take_attribute(const char **p, const char *end, const char *key, const char **value,
                           const char **value_end)
{
    const char *s = *p;
    while (s < end && is_blank(*s))
        s++;
    size_t klen = strlen(key);
    if ((size_t)(end - s) < klen + 1 || strncmp(s, key, klen) != 0 || s[klen] != ':')
        return false;
    s += klen + 1;
    const char *semi = memchr(s, ';', (size_t)(end - s));
    if (!semi)
        return false;
    *value = s;
    *value_end = semi;
    *p = semi + 1;
    return true;
}

/* One "\tfield:DECL;\toffset:N;\tsize:N;\tsigned:N;" line (without newline). */
static int parse_field_line(const char *line, const char *end, struct tp_field *f)
{
    const char *p = line, *v, *ve;
    unsigned long offset, size, is_signed = 0;
    if (!take_attribute(&p, end, "field", &v, &ve))
        return -EINVAL;
    const char *decl = v, *decl_end = ve;
    if (!take_attribute(&p, end, "offset", &v, &ve) || !parse_decimal(v, ve, UINT32_MAX, &offset))
        return -EINVAL;
    if (!take_attribute(&p, end, "size", &v, &ve) || !parse_decimal(v, ve, UINT32_MAX, &size))
        return -EINVAL;
    /* Kernels before 2.6.31 have no "signed:"; everything since does. */
    if (take_attribute(&p, end, "signed", &v, &ve) && !parse_decimal(v, ve, 1, &is_signed))
        return -EINVAL;
    while (p < end && (is_blank(*p) || *p == '\r'))
        p++;
    if (p != end)
        return -EINVAL;
    memset(f, 0, sizeof(*f));
    f->offset = (uint32_t)offset;
    f->size = (uint32_t)size;
    f->is_signed = is_signed != 0;
    return parse_declaration(decl, decl_end, f);
}

static bool starts_with(const char *line, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(end - line) >= n && strncmp(line, prefix, n) == 0;
}

int tp_format_parse(const char *text, struct tp_format *out)
{
    memset(out, 0, sizeof(*out));
    if (!text)
        return -EINVAL;
    bool have_id = false;
    int cap = 0, err = 0;
    for (const char *line = text; *line && !err;) {
        const char *end = strchr(line, '\n');
        const char *next;
        if (end) {
            next = end + 1;
        } else {
            end = line + strlen(line);
            next = end;
        }
        const char *p = line;
        while (p < end && is_blank(*p))
            p++;
        if (starts_with(line, end, "name:")) {
            const char *s = line + 5, *e = end;
            trim_range(&s, &e);
            free(out->name);
            out->name = dup_range(s, e);
            if (!out->name)
                err = -ENOMEM;
        } else if (starts_with(line, end, "ID:")) {
            unsigned long id;
            if (!parse_decimal(line + 3, end, INT_MAX, &id))
                err = -EINVAL;
            out->id = (int)id;
            have_id = true;
        } else if (starts_with(p, end, "field:")) {
            if (out->nfields == cap) {
                cap = cap ? cap * 2 : 16;
                struct tp_field *fields = realloc(out->fields, (size_t)cap * sizeof(*fields));
                if (!fields) {
                    err = -ENOMEM;
                    break;
                }
                out->fields = fields;
            }
            struct tp_field *f = &out->fields[out->nfields];
            memset(f, 0, sizeof(*f));
            err = parse_field_line(p, end, f);
            if (err) {
                free(f->name);
                free(f->c_type);
            } else {
                out->nfields++;
            }
        }
        line = next;
    }
    /* Every tracepoint has an id and at least the common_* fields. */
    if (!err && (!have_id || !out->name || out->nfields == 0))
        err = -EINVAL;
    if (!err) {
        out->category = strdup("");
        if (!out->category)
            err = -ENOMEM;
    }
    if (err)
        tp_format_free(out);
    return err;
}

static bool is_path_component(const char *s)
{
    return s && *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

int tp_format_load(const char *category, const char *name, struct tp_format *out)
{
    memset(out, 0, sizeof(*out));
    const char *root = tracefs_path();
    if (!root)
        return -ENOENT;
    /* Names come from users too: keep them inside events/. */
    if (!is_path_component(category) || !is_path_component(name))
        return -EINVAL;
    char path[4096];
    if (snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, category, name) >=
        (int)sizeof(path))
        return -ENAMETOOLONG;
    int err = 0;
    size_t len;
    char *text = file_read_all(path, &len, &err);
    if (!text)
        return err;
    err = tp_format_parse(text, out);
    free(text);
    if (err)
        return err;
    free(out->category);
    out->category = strdup(category);
    if (!out->category) {
        tp_format_free(out);
        return -ENOMEM;
    }
    return 0;
}

const struct tp_field *tp_format_field(const struct tp_format *fmt, const char *name)
{
    for (int i = 0; i < fmt->nfields; i++)
        if (strcmp(fmt->fields[i].name, name) == 0)
            return &fmt->fields[i];
    return NULL;
}

void tp_format_free(struct tp_format *fmt)
{
    for (int i = 0; i < fmt->nfields; i++) {
        free(fmt->fields[i].name);
        free(fmt->fields[i].c_type);
    }
    free(fmt->fields);
    free(fmt->category);
    free(fmt->name);
    memset(fmt, 0, sizeof(*fmt));
}
