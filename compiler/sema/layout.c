/* Layouts of map keys, values and event records: offsets and alignment of
 * tuples, the value kinds the runtime prints by. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"

/* Strings are 8-byte aligned too: LLVM merges byte copies into wider stores,
 * and the verifier rejects misaligned stack accesses. */
static uint32_t align_of(const struct type *t)
{
    if (t->kind == TY_STRING)
        return 8;
    if (t->kind == TY_TUPLE) {
        uint32_t a = 1;
        for (int i = 0; i < t->nfields; i++)
            if (align_of(&t->fields[i]) > a)
                a = align_of(&t->fields[i]);
        return a;
    }
    return t->size >= 8 ? 8 : (t->size ? t->size : 1);
}

void type_layout_tuple(struct type *t)
{
    uint32_t off = 0;
    free(t->offsets);
    t->offsets = calloc(t->nfields ? t->nfields : 1, sizeof(uint32_t));
    for (int i = 0; i < t->nfields; i++) {
        uint32_t a = align_of(&t->fields[i]);
        off = (off + a - 1) / a * a;
        t->offsets[i] = off;
        off += t->fields[i].size;
    }
    t->size = (off + 7) / 8 * 8;
}

enum value_kind value_kind_of(const struct type *t)
{
    switch (t->kind) {
    case TY_INT: return VK_INT;
    case TY_STRING: return VK_STRING;
    case TY_PROBE: return VK_PROBE;
    case TY_KSTACK: return VK_KSTACK;
    case TY_USTACK: return VK_USTACK;
    case TY_KSYM: return VK_KSYM;
    case TY_USYM: return VK_USYM;
    case TY_INET: return VK_INET;
    case TY_PTR: return VK_INT;
    case TY_BUFFER: return VK_BUFFER;
    case TY_MACADDR: return VK_MACADDR;
    case TY_CGROUP_PATH: return VK_CGROUP_PATH;
    case TY_STRERROR: return VK_STRERROR;
    case TY_USERNAME: return VK_USERNAME;
    case TY_TIMESTAMP: return VK_TIMESTAMP;
    default: return VK_NONE;
    }
}

void value_desc_of(const struct type *t, struct value_desc *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = value_kind_of(t);
    out->size = t->size;
    out->is_signed = t->is_signed;
    out->frames = t->count;
    out->stack_mode = (enum stack_mode)t->stack_mode;
}

uint32_t map_key_size(const struct map_info *m)
{
    if (m->key.kind == TY_NONE)
        return 8;
    return (m->key.size + 7) / 8 * 8;
}

/* A record for a map key or event arguments: a tuple gives one field per
 * element, anything else one field. */
void record_from_type(const struct type *t, struct record_desc *out)
{
    memset(out, 0, sizeof(*out));
    if (t->kind == TY_NONE)
        return;
    if (t->kind == TY_TUPLE) {
        out->nfields = t->nfields;
        out->fields = calloc(t->nfields ? t->nfields : 1, sizeof(*out->fields));
        for (int i = 0; i < t->nfields; i++) {
            value_desc_of(&t->fields[i], &out->fields[i]);
            out->fields[i].offset = t->offsets[i];
        }
        out->size = t->size;
        return;
    }
    out->nfields = 1;
    out->fields = calloc(1, sizeof(*out->fields));
    value_desc_of(t, &out->fields[0]);
    out->size = (t->size + 7) / 8 * 8;
}
