/* The macro table: definitions (#define, #undef, predefined) and header
 * enumerators (see macros.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preprocess/macros.h"

struct header_enum {
    struct header_enum *next;
    int64_t value;
    char name[];
};

struct macro_table *macro_table_new(void)
{
    return calloc(1, sizeof(struct macro_table));
}

static void free_macro_contents(struct macro *m)
{
    free(m->body);
    for (int i = 0; i < m->nparams; i++)
        free(m->params[i]);
    free(m->params);
    m->body = NULL;
    m->params = NULL;
    m->nparams = 0;
}

void macro_table_free(struct macro_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->macros.cap; i++) {
        struct macro *m = t->macros.values[i];
        if (t->macros.keys[i] && m) {
            free_macro_contents(m);
            free(m->name);
            free(m);
        }
    }
    name_map_free(&t->macros);
    for (struct header_enum *e = t->enum_list, *next; e; e = next) {
        next = e->next;
        free(e);
    }
    name_map_free(&t->enums);
    free(t);
}

const struct macro *macro_find(const struct macro_table *t, const char *name, size_t len)
{
    const struct macro *m = name_map_get(&t->macros, name, len);
    return m && m->defined ? m : NULL;
}

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
        p++;
    return p;
}

static char *trimmed_copy(const char *p)
{
    p = skip_blanks(p);
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    return strndup(p, n);
}

/* Parse "(a, b, ...)" starting after the '('. */
static const char *parse_params(const char **pp, char ***params_out, int *nparams_out,
                                bool *variadic)
{
    const char *p = *pp;
    char **params = NULL;
    int n = 0;
    const char *err = NULL;
    p = skip_blanks(p);
    if (*p == ')') {
        p++;
        goto done;
    }
    for (;;) {
        p = skip_blanks(p);
        char *param;
        if (strncmp(p, "...", 3) == 0) {
            param = strdup("__VA_ARGS__");
            *variadic = true;
            p += 3;
        } else if (c_ident_start((unsigned char)*p)) {
            const char *s = p;
            while (c_ident_char((unsigned char)*p))
                p++;
            param = strndup(s, p - s);
            p = skip_blanks(p);
            if (strncmp(p, "...", 3) == 0) { /* GNU named variadic parameter */
                *variadic = true;
                p += 3;
            }
        } else {
            err = "invalid macro parameter list";
            break;
        }
        params = realloc(params, (n + 1) * sizeof(*params));
        params[n++] = param;
        p = skip_blanks(p);
        if (*p == ')') {
            p++;
            break;
        }
        if (*p != ',' || *variadic) {
            err = "invalid macro parameter list";
            break;
        }
        p++;
    }
done:
    if (err) {
        for (int i = 0; i < n; i++)
            free(params[i]);
        free(params);
        return err;
    }
    *pp = p;
    *params_out = params;
    *nparams_out = n;
    return NULL;
}

const char *macro_define(struct macro_table *t, const char *text, enum macro_origin origin,
                         struct macro **defined)
{
    const char *p = skip_blanks(text);
    if (!*p || *p == '\n')
        return "macro name missing";
    if (!c_ident_start((unsigned char)*p))
        return "macro name must be an identifier";
    const char *name = p;
    while (c_ident_char((unsigned char)*p))
        p++;
    size_t name_len = p - name;
    if (name_len == 7 && strncmp(name, "defined", 7) == 0)
        return "'defined' cannot be used as a macro name";

    char **params = NULL;
    int nparams = 0;
    bool function_like = false, variadic = false;
    if (*p == '(') {
        function_like = true;
        p++;
        const char *err = parse_params(&p, &params, &nparams, &variadic);
        if (err)
            return err;
    }
    /* "#define X-1" lacks the whitespace C99 asks for; compilers only warn */

    struct macro *m = name_map_get(&t->macros, name, name_len);
    if (m) {
        free_macro_contents(m);
    } else {
        m = calloc(1, sizeof(*m));
        m->name = strndup(name, name_len);
        name_map_put(&t->macros, m->name, m);
    }
    m->body = trimmed_copy(p);
    m->params = params;
    m->nparams = nparams;
    m->function_like = function_like;
    m->variadic = variadic;
    m->defined = true;
    m->origin = origin;
    m->expand_in_script = origin == MACRO_SCRIPT || origin == MACRO_USER_HEADER;
    m->memo = 0;
    if (defined)
        *defined = m;
    return NULL;
}

void macro_define_simple(struct macro_table *t, const char *name, const char *body,
                         enum macro_origin origin)
{
    size_t n = strlen(name) + strlen(body) + 2;
    char *text = malloc(n);
    snprintf(text, n, "%s %s", name, body);
    macro_define(t, text, origin, NULL);
    free(text);
}

void macro_undef(struct macro_table *t, const char *name, size_t len)
{
    struct macro *m = name_map_get(&t->macros, name, len);
    if (m)
        m->defined = false;
}

void macros_add_enum(struct macro_table *t, const char *name, size_t len, int64_t value)
{
    struct header_enum *e = name_map_get(&t->enums, name, len);
    if (e) {
        e->value = value;
        return;
    }
    e = malloc(sizeof(*e) + len + 1);
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    e->value = value;
    e->next = t->enum_list;
    t->enum_list = e;
    name_map_put(&t->enums, e->name, e);
}

bool macros_enum_value(const struct macro_table *t, const char *name, size_t len, int64_t *value)
{
    const struct header_enum *e = name_map_get(&t->enums, name, len);
    if (e)
        *value = e->value;
    return e != NULL;
}
