/* Layouts of map keys, values and event records: offsets and alignment of
 * tuples, and the descriptions the runtime prints by (program.h): value
 * kinds, and the elements, members and array items of composite values. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"

/* Buffers (strings, tuples, copied structs and arrays, ...) are 8-byte
 * aligned: LLVM merges byte copies into wider stores, and the verifier
 * rejects misaligned stack accesses. Integers are aligned to their size. */
static uint32_t align_of(const struct type *t)
{
    if (t->kind == TY_INT)
        return t->size ? t->size : 1;
    return 8;
}

struct type type_new_tuple(struct type_arena *a, int nfields)
{
    struct type t = {.kind = TY_TUPLE, .nfields = nfields};
    t.fields = type_arena_alloc(a, (size_t)(nfields ? nfields : 1) * sizeof(struct type));
    return t;
}

void type_layout_tuple(struct type_arena *a, struct type *t)
{
    uint32_t off = 0;
    t->offsets = type_arena_alloc(a, (size_t)(t->nfields ? t->nfields : 1) * sizeof(uint32_t));
    for (int i = 0; i < t->nfields; i++) {
        uint32_t al = align_of(&t->fields[i]);
        off = (off + al - 1) / al * al;
        t->offsets[i] = off;
        off += t->fields[i].size;
    }
    t->size = (off + 7) / 8 * 8;
}

struct type type_clone(struct type_arena *a, const struct type *t)
{
    if (t->kind != TY_TUPLE)
        return *t;
    struct type c = type_new_tuple(a, t->nfields);
    struct type *fields = c.fields;
    c = *t;
    c.fields = fields;
    for (int i = 0; i < t->nfields; i++)
        c.fields[i] = type_clone(a, &t->fields[i]);
    c.offsets = type_arena_alloc(a, (size_t)(t->nfields ? t->nfields : 1) * sizeof(uint32_t));
    memcpy(c.offsets, t->offsets, (size_t)t->nfields * sizeof(uint32_t));
    return c;
}

enum value_kind value_kind_of(const struct type *t)
{
    switch (t->kind) {
    case TY_INT:
        return VK_INT;
    case TY_STRING:
        return VK_STRING;
    case TY_PROBE:
        return VK_PROBE;
    case TY_KSTACK:
        return VK_KSTACK;
    case TY_USTACK:
        return VK_USTACK;
    case TY_KSYM:
        return VK_KSYM;
    case TY_USYM:
        return VK_USYM;
    case TY_INET:
        return VK_INET;
    case TY_PTR:
        return VK_INT;
    case TY_TUPLE:
        return VK_TUPLE;
    case TY_RECORD:
        return VK_RECORD;
    case TY_ARRAY:
        return VK_ARRAY;
    case TY_BUFFER:
        return VK_BUFFER;
    case TY_MACADDR:
        return VK_MACADDR;
    case TY_CGROUP_PATH:
        return VK_CGROUP_PATH;
    case TY_STRERROR:
        return VK_STRERROR;
    case TY_USERNAME:
        return VK_USERNAME;
    case TY_TIMESTAMP:
        return VK_TIMESTAMP;
    default:
        return VK_NONE;
    }
}

uint32_t map_key_size(const struct map_info *m)
{
    if (m->key.kind == TY_NONE)
        return 8;
    return (m->key.size + 7) / 8 * 8;
}

static struct record_desc *new_record(int nfields, uint32_t size)
{
    struct record_desc *r = calloc(1, sizeof(*r));
    r->nfields = nfields;
    r->size = size;
    r->fields = calloc(nfields ? nfields : 1, sizeof(*r->fields));
    return r;
}

/* A char array is printed as the string it holds, as bpftrace does. */
static bool is_char_array(const struct type *t)
{
    return t->kind == TY_ARRAY && t->elem && t->elem->kind == TY_INT && t->elem->is_char;
}

static void describe_record_members(struct type_arena *a, const struct type *t,
                                    struct value_desc *v)
{
    struct record_members members;
    if (record_all_members(a, t, &members) < 0)
        members.n = 0;
    v->inner = new_record(members.n, t->size);
    for (int i = 0; i < members.n; i++) {
        const struct member_info *mi = &members.items[i].info;
        struct value_desc *f = &v->inner->fields[i];
        value_desc_from_type(a, &mi->type, f);
        f->offset = mi->offset;
        f->bit_offset = mi->bit_offset;
        f->bit_size = mi->bit_size;
        f->name = strdup(members.items[i].name);
    }
}

void value_desc_from_type(struct type_arena *a, const struct type *t, struct value_desc *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = value_kind_of(t);
    v->size = t->size;
    v->is_signed = t->is_signed;
    if (t->kind == TY_KSTACK || t->kind == TY_USTACK) {
        v->frames = t->count;
        v->stack_mode = (enum stack_mode)t->stack_mode;
    }
    switch (t->kind) {
    case TY_PTR:
        /* bpftrace prints addresses as signed integers (in hex in map keys) */
        v->is_pointer = true;
        v->is_signed = true;
        v->size = 8;
        break;
    case TY_TUPLE:
        v->inner = new_record(t->nfields, t->size);
        for (int i = 0; i < t->nfields; i++) {
            value_desc_from_type(a, &t->fields[i], &v->inner->fields[i]);
            v->inner->fields[i].offset = t->offsets[i];
        }
        break;
    case TY_RECORD:
        describe_record_members(a, t, v);
        break;
    case TY_ARRAY:
        if (is_char_array(t)) {
            v->kind = VK_STRING;
            break;
        }
        v->count = t->count;
        v->inner = new_record(1, t->elem ? t->elem->size : 0);
        if (t->elem)
            value_desc_from_type(a, t->elem, &v->inner->fields[0]);
        break;
    default:
        break;
    }
}

/* A record for a map key or event arguments: a tuple gives one field per
 * element, anything else one field. */
void record_from_type(struct type_arena *a, const struct type *t, struct record_desc *out)
{
    memset(out, 0, sizeof(*out));
    if (t->kind == TY_NONE)
        return;
    if (t->kind == TY_TUPLE) {
        struct value_desc whole;
        value_desc_from_type(a, t, &whole);
        *out = *whole.inner;
        free(whole.inner);
        return;
    }
    out->nfields = 1;
    out->fields = calloc(1, sizeof(*out->fields));
    value_desc_from_type(a, t, &out->fields[0]);
    out->size = (t->size + 7) / 8 * 8;
}
