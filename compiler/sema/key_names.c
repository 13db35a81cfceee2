/* What the script calls each field of a map's key, so that --metrics can
 * give its labels sensible names (`@connect[comm, $af]` → comm, af).
 *
 * The rule: a key expression names itself when it is
 *   - a built-in variable (comm, pid, cpu, probe, arg0, ...): its name;
 *   - a scratch variable ($af): its name without the dollar;
 *   - a member or tracepoint field (args->family, $sk->__sk_common.skc_num):
 *     the member's name (family, skc_num);
 *   - a cast of a named expression ((uint16)args->dport): that name;
 *   - str(x) or ntop(x) / ntop(af, x) of a named x: x's name (they convert
 *     a value and keep its meaning); any other call: the function's name
 *     (kstack(), ksym(ip) → kstack, ksym).
 * Anything else (literals, arithmetic, map reads, ...) leaves the field
 * unnamed. A key written as one tuple `@m[(a, b)]` names its elements.
 * Every use of the map must agree: a field two uses name differently, or
 * one use leaves unnamed, has no name; uses with different numbers of
 * fields name none. The runtime decides what an unnamed field's label is. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"

static const char *expr_name(const struct node *n);

static const char *call_name(const struct node *n)
{
    const struct node *converted = NULL;
    if (strcmp(n->name, "str") == 0 && n->nargs >= 1)
        converted = n->args[0];
    else if (strcmp(n->name, "ntop") == 0 && n->nargs >= 1)
        converted = n->args[n->nargs - 1];
    if (converted)
        return expr_name(converted);
    return n->name;
}

/* The name an expression gives a key field, or NULL. */
static const char *expr_name(const struct node *n)
{
    switch (n->kind) {
    case N_BUILTIN:
        return n->name;
    case N_VAR:
        return n->name[0] == '$' ? n->name + 1 : n->name;
    case N_FIELD:
        return n->name;
    case N_CAST:
        return n->lhs ? expr_name(n->lhs) : NULL;
    case N_CALL:
        return call_name(n);
    default:
        return NULL;
    }
}

/* The key's fields as written: the arguments, or the elements of the one
 * tuple that is the whole key. */
static struct node *const *key_fields(const struct node *mapnode, int *n)
{
    if (mapnode->nargs == 1 && mapnode->args[0]->kind == N_TUPLE) {
        *n = mapnode->args[0]->nargs;
        return mapnode->args[0]->args;
    }
    *n = mapnode->nargs;
    return mapnode->args;
}

static char *copy_name(const char *name)
{
    if (!name)
        return NULL;
    char *copy = strdup(name);
    if (!copy) {
        perror("sobt");
        exit(1);
    }
    return copy;
}

static void forget_names(struct map_info *m)
{
    for (int i = 0; i < m->nkey_names; i++) {
        free(m->key_names[i]);
        m->key_names[i] = NULL;
    }
}

void sem_map_note_key_names(struct map_info *m, const struct node *mapnode)
{
    if (mapnode->nargs == 0 || m->key_names_mixed)
        return;
    int n;
    struct node *const *fields = key_fields(mapnode, &n);
    if (!m->key_names_seen) {
        m->key_names_seen = true;
        m->nkey_names = n;
        m->key_names = sem_xrealloc(NULL, (size_t)(n ? n : 1), sizeof(*m->key_names));
        for (int i = 0; i < n; i++)
            m->key_names[i] = copy_name(expr_name(fields[i]));
        return;
    }
    if (n != m->nkey_names) {
        forget_names(m);
        m->key_names_mixed = true;
        return;
    }
    for (int i = 0; i < n; i++) {
        const char *name = expr_name(fields[i]);
        if (m->key_names[i] && (!name || strcmp(name, m->key_names[i]) != 0)) {
            free(m->key_names[i]);
            m->key_names[i] = NULL;
        }
    }
}

void sem_map_free_key_names(struct map_info *m)
{
    forget_names(m);
    free(m->key_names);
    m->key_names = NULL;
    m->nkey_names = 0;
}
