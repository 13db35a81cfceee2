/* Named constants for the resolver (see constants.h). */
#include "preprocess/constants.h"

#include <bpf/btf.h>
#include <stdlib.h>
#include <string.h>

#include "target/btf.h"
#include "preprocess/macros.h"

struct constants {
    struct macro_table *macros;
};

struct constants *constants_new(void)
{
    struct constants *c = calloc(1, sizeof(*c));
    c->macros = macro_table_new();
    return c;
}

void constants_free(struct constants *c)
{
    if (!c)
        return;
    macro_table_free(c->macros);
    free(c);
}

struct macro_table *constants_macros(struct constants *c)
{
    return c->macros;
}

/* ---- kernel enumerators from BTF: one index for the process ---- */

struct btf_enumerator {
    const char *name; /* in the BTF's string section */
    int64_t value;
};

static struct name_map btf_index;
static struct btf_enumerator *btf_enumerators;
static bool btf_index_built;

static void free_btf_index(void)
{
    name_map_free(&btf_index);
    free(btf_enumerators);
    btf_enumerators = NULL;
}

static int64_t enum_value(const struct btf_type *t, int i)
{
    bool is_signed = btf_kflag(t);
    if (btf_is_enum(t)) {
        uint32_t v = (uint32_t)btf_enum(t)[i].val;
        return is_signed ? (int64_t)(int32_t)v : (int64_t)v;
    }
    return (int64_t)btf_enum64_value(&btf_enum64(t)[i]);
}

static void build_btf_index(void)
{
    btf_index_built = true;
    const struct btf *btf = kernel_btf();
    if (!btf)
        return;
    uint32_t ntypes = btf__type_cnt(btf);
    size_t total = 0;
    for (uint32_t id = 1; id < ntypes; id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);
        if (btf_is_enum(t) || btf_is_enum64(t))
            total += btf_vlen(t);
    }
    btf_enumerators = malloc((total ? total : 1) * sizeof(*btf_enumerators));
    size_t n = 0;
    for (uint32_t id = 1; id < ntypes; id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);
        if (!btf_is_enum(t) && !btf_is_enum64(t))
            continue;
        for (int i = 0; i < btf_vlen(t); i++) {
            uint32_t name_off =
                btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
            const char *name = btf__name_by_offset(btf, name_off);
            if (!name || !*name || name_map_get(&btf_index, name, strlen(name)))
                continue; /* the first definition wins */
            btf_enumerators[n] = (struct btf_enumerator){name, enum_value(t, i)};
            name_map_put(&btf_index, name, &btf_enumerators[n]);
            n++;
        }
    }
    atexit(free_btf_index);
}

bool constant_btf_enum_lookup(const char *name, int64_t *value)
{
    if (!btf_index_built)
        build_btf_index();
    const struct btf_enumerator *e = name_map_get(&btf_index, name, strlen(name));
    if (e)
        *value = e->value;
    return e != NULL;
}

bool constant_btf_index_built(void)
{
    return btf_index_built;
}

const char *constant_enum_name(const char *enum_name, int64_t value)
{
    const struct btf *btf = kernel_btf();
    if (!btf || !enum_name)
        return NULL;
    if (strncmp(enum_name, "enum ", 5) == 0)
        enum_name += 5;
    int id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
    if (id < 0)
        id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM64);
    if (id < 0)
        return NULL;
    const struct btf_type *t = btf__type_by_id(btf, id);
    for (int i = 0; i < btf_vlen(t); i++) {
        if (enum_value(t, i) != value)
            continue;
        uint32_t name_off = btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
        return btf__name_by_offset(btf, name_off);
    }
    return NULL;
}

/* ---- the lookup ---- */

/* Identifiers left in a macro's expansion (IPPROTO_TCP is "#define
 * IPPROTO_TCP IPPROTO_TCP" over an enumerator): header enumerators, then the
 * table, then BTF. */
static bool identifier_value(void *ctx, const char *name, size_t len, int64_t *value)
{
    const struct macro_table *t = ctx;
    if (macros_enum_value(t, name, len, value))
        return true;
    char buf[256];
    if (len >= sizeof(buf))
        return false;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return constant_table_lookup(buf, value) || constant_btf_enum_lookup(buf, value);
}

static bool macro_constant(const struct macro_table *t, const char *name, int64_t *value)
{
    /* the memo is a cache: it does not change what the table means */
    struct macro *m = (struct macro *)macro_find(t, name, strlen(name));
    if (!m)
        return false;
    if (m->memo == 0) {
        struct eval_hooks hooks = {.identifier = identifier_value, .ctx = (void *)t};
        int64_t v = 0;
        m->memo = macro_value(t, m, &hooks, &v) ? 1 : -1;
        m->memo_value = v;
    }
    if (m->memo > 0)
        *value = m->memo_value;
    return m->memo > 0;
}

bool constant_lookup(const struct constants *c, const char *name, int64_t *value)
{
    if (c && macro_constant(c->macros, name, value))
        return true;
    if (c && macros_enum_value(c->macros, name, strlen(name), value))
        return true;
    return constant_table_lookup(name, value) || constant_btf_enum_lookup(name, value);
}
