/* Maps: global, typed by their uses. A map's key type is fixed by its
 * first use with keys and checked at every other; its value type by its
 * first assignment (or aggregation). Uses in one probe may come before the
 * probe that gives the type, which is why the resolver makes passes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"

struct map_info *semantic_map(struct semantic *sem, const char *name)
{
    for (int i = 0; i < sem->nmaps; i++)
        if (strcmp(sem->maps[i]->name, name) == 0)
            return sem->maps[i];
    return NULL;
}

struct map_info *sem_map_of(struct semantic *sem, struct node *n)
{
    struct map_info *m = semantic_map(sem, n->name);
    if (m) {
        n->map = m;
        return m;
    }
    sem->maps = sem_xrealloc(sem->maps, sem->nmaps + 1, sizeof(*sem->maps));
    m = calloc(1, sizeof(*m));
    if (!m) {
        perror("sobt");
        exit(1);
    }
    sem->maps[sem->nmaps] = m;
    m->name = strdup(n->name);
    m->id = sem->nmaps++;
    m->first_loc = n->loc;
    n->map = m;
    return m;
}

/* An integer key is 64 bits (widened as its own type says) and printed as
 * an int64, as bpftrace 0.17 prints keys: @m[(uint64)-1] is @m[-1]. */
static struct type key_storage_type(const struct type *t)
{
    struct type k = sem_storage_type(t);
    if (k.kind == TY_INT)
        k.is_signed = true;
    return k;
}

/* The key of `@m[a, b]` as one type: nothing, one element, or a tuple
 * (`@m[$t]` with a tuple $t has the tuple's type). */
static struct type key_type_of(struct semantic *sem, struct node *map)
{
    struct type k = {0};
    if (map->nargs == 0)
        return k;
    if (map->nargs == 1)
        return key_storage_type(&map->args[0]->type);
    k = type_new_tuple(&sem->types, map->nargs);
    for (int i = 0; i < map->nargs; i++)
        k.fields[i] = key_storage_type(&map->args[i]->type);
    type_layout_tuple(&sem->types, &k);
    return k;
}

static bool key_element_ok(struct semantic *sem, struct node *arg)
{
    if (arg->type.kind == TY_NONE)
        return false; /* not known yet, or already reported */
    if (type_is_printable(&arg->type))
        return true;
    sem_error(sem, arg->loc, "%s cannot be used as a map key", type_name_of(&arg->type));
    return false;
}

void sem_map_settle_key(struct semantic *sem, struct node *n)
{
    bool ok = true;
    for (int i = 0; i < n->nargs; i++)
        ok = key_element_ok(sem, n->args[i]) && ok;
    struct map_info *m = sem_map_of(sem, n);
    sem_map_note_key_names(m, n);
    if (!ok)
        return;
    struct type k = key_type_of(sem, n);
    if (!m->key_known) {
        m->key = type_clone(&sem->types, &k);
        m->key_known = true;
        sem->changed = true;
        return;
    }
    bool grew = false;
    if (m->key.kind == TY_NONE && k.kind == TY_NONE)
        return;
    if (m->key.kind == TY_NONE || k.kind == TY_NONE || !sem_unify_key(sem, &m->key, &k, &grew)) {
        if (m->key.kind == TY_NONE)
            sem_error(sem, n->loc, "%s used with a key here but without one elsewhere", n->name);
        else if (k.kind == TY_NONE)
            sem_error(sem, n->loc, "%s used without a key here but with one elsewhere", n->name);
        else
            sem_error(sem, n->loc, "%s used with inconsistent key types", n->name);
    }
    if (grew)
        sem->changed = true;
}

void sem_map_set_value(struct semantic *sem, struct node *mapnode, const struct type *vt)
{
    struct map_info *m = mapnode->map;
    if (!m || vt->kind == TY_NONE)
        return;
    struct type st = sem_storage_type(vt);
    if (!m->value_known) {
        m->value = type_clone(&sem->types, &st);
        m->value_known = true;
        sem->changed = true;
        return;
    }
    bool grew = false;
    if (m->value.kind == TY_TUPLE && st.kind == TY_TUPLE) {
        if (!sem_unify(sem, &m->value, &st, &grew))
            sem_error(sem, mapnode->loc, "Tuple type mismatch: %s != %s.", type_name_of(&m->value),
                      type_name_of(&st));
    } else if (!sem_unify(sem, &m->value, &st, &grew)) {
        sem_error(sem, mapnode->loc,
                  "type mismatch for %s: trying to assign value of type '%s' when map already "
                  "contains a value of type '%s'",
                  m->name, type_name_of(&st), type_name_of(&m->value));
        return;
    }
    if (grew)
        sem->changed = true;
}

void sem_map_read_type(struct semantic *sem, struct node *n)
{
    struct map_info *m = n->map;
    if (!m || !m->value_known) {
        if (sem->final_pass && m && !m->value_known)
            sem_error(sem, n->loc, "undefined map: %s is read but never assigned", n->name);
        n->type.kind = TY_NONE;
        return;
    }
    if (!type_is_aggregation(&m->value)) {
        /* pointers keep their pointee type and memory; a tuple is copied,
         * as the map's own type may still grow */
        n->type = type_clone(&sem->types, &m->value);
        return;
    }
    switch (m->value.kind) {
    case TY_COUNT:
    case TY_SUM:
    case TY_MIN:
    case TY_MAX:
        /* per-CPU: the BPF program sees this CPU's partial value, as in bpftrace */
        n->type = type_int(8, m->value.is_signed);
        break;
    default:
        sem_error(sem, n->loc, "the value of %s (%s) cannot be read in a probe", n->name,
                  type_name_of(&m->value));
        n->type.kind = TY_NONE;
    }
}
