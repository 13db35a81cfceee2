/* The script's own type definitions (frontend/c_decls.h) made types: each
 * struct and union laid out as C lays it out on x86-64 (members aligned to
 * their type, bitfields packed into units of their type that they do not
 * cross, the size rounded up to the largest alignment), enums and typedefs,
 * all added to a BTF split over the kernel's (target/btf.h). From then on a
 * script type is looked up, read and printed as a kernel type is, and hides
 * a kernel type of the same name, as the script's definitions do in
 * bpftrace. */
#include <bpf/btf.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/c_decls.h"
#include "sema/sema.h"
#include "target/btf.h"
#include "target/btf_types.h"

struct builder {
    struct semantic *sem;
    struct btf *btf;
    const struct c_defs *defs;
    int uint_id; /* "unsigned int", the index type of arrays */
};

static int int_id(struct builder *b, const char *words)
{
    uint32_t size;
    bool is_signed;
    if (strcmp(words, "void") == 0)
        return 0;
    if (!c_int_type(words, &size, &is_signed))
        return -1;
    int enc = is_signed ? BTF_INT_SIGNED : 0;
    if (strcmp(words, "char") == 0)
        enc |= BTF_INT_CHAR;
    else if (strcmp(words, "bool") == 0 || strcmp(words, "_Bool") == 0)
        enc = BTF_INT_BOOL;
    return btf__add_int(b->btf, words, size, enc);
}

/* The script's record or enum of this tag, if it defines one (anywhere:
 * a pointer may name a struct defined later, or the one being defined). */
static const struct c_def *script_tagged(const struct builder *b, enum c_tag tag, const char *name)
{
    for (int i = 0; i < b->defs->n; i++) {
        const struct c_def *d = &b->defs->items[i];
        if (d->kind == C_DEF_RECORD && tag != C_TAG_ENUM && d->record->name &&
            strcmp(d->record->name, name) == 0)
            return d;
        if (d->kind == C_DEF_ENUM && tag == C_TAG_ENUM && d->en->name &&
            strcmp(d->en->name, name) == 0)
            return d;
    }
    return NULL;
}

static const struct c_def *script_typedef(const struct builder *b, const char *name)
{
    for (int i = 0; i < b->defs->n; i++)
        if (b->defs->items[i].kind == C_DEF_TYPEDEF && strcmp(b->defs->items[i].name, name) == 0)
            return &b->defs->items[i];
    return NULL;
}

static const char *tag_word(enum c_tag tag)
{
    return tag == C_TAG_STRUCT ? "struct" : tag == C_TAG_UNION ? "union" : "enum";
}

/* The BTF id of the type a specifier names, before pointers and arrays.
 * A struct not (yet) complete is a forward declaration when only pointed
 * to. -1 after an error. */
static int base_id(struct builder *b, const struct c_type *t)
{
    const struct btf *kernel = kernel_btf();
    if (t->body)
        return t->body->btf_id;
    if (t->enum_body)
        return t->enum_body->btf_id;
    if (t->func_ptr)
        return 0;
    if (t->tag != C_TAG_NONE) {
        const struct c_def *d = script_tagged(b, t->tag, t->name);
        int id = d ? (d->kind == C_DEF_RECORD ? d->record->btf_id : d->en->btf_id) : 0;
        if (id > 0)
            return id;
        if (!d && kernel) {
            int kind = t->tag == C_TAG_STRUCT  ? BTF_KIND_STRUCT
                       : t->tag == C_TAG_UNION ? BTF_KIND_UNION
                                               : BTF_KIND_ENUM;
            id = btf__find_by_name_kind(kernel, t->name, kind);
            if (id < 0 && kind == BTF_KIND_ENUM)
                id = btf__find_by_name_kind(kernel, t->name, BTF_KIND_ENUM64);
            if (id > 0)
                return id;
        }
        if (t->pointers && t->tag != C_TAG_ENUM)
            return btf__add_fwd(b->btf, t->name,
                                t->tag == C_TAG_UNION ? BTF_FWD_UNION : BTF_FWD_STRUCT);
        sem_error(b->sem, t->loc, "%s '%s %s'",
                  d || t->tag == C_TAG_ENUM ? "incomplete type" : "unknown type", tag_word(t->tag),
                  t->name);
        return -1;
    }
    int id = int_id(b, t->name);
    if (id >= 0)
        return id;
    if (script_typedef(b, t->name)) {
        for (uint32_t i = (uint32_t)script_btf_first_id(); i < btf__type_cnt(b->btf); i++) {
            const struct btf_type *bt = btf__type_by_id(b->btf, i);
            if (btf_is_typedef(bt) &&
                strcmp(btf__name_by_offset(b->btf, bt->name_off), t->name) == 0)
                return (int)i;
        }
    }
    id = kernel ? btf__find_by_name_kind(kernel, t->name, BTF_KIND_TYPEDEF) : -1;
    if (id > 0)
        return id;
    sem_error(b->sem, t->loc, "unknown type name '%s'", t->name);
    return -1;
}

/* The whole declared type: its base, then pointers, then arrays. */
static int type_id(struct builder *b, const struct c_type *t)
{
    int id = base_id(b, t);
    if (id < 0)
        return -1;
    for (int i = 0; i < t->pointers; i++)
        id = btf__add_ptr(b->btf, id);
    for (int i = t->ndims - 1; i >= 0 && id >= 0; i--) {
        if (t->dims[i] > UINT32_MAX) {
            sem_error(b->sem, t->loc, "array of %llu elements is too large",
                      (unsigned long long)t->dims[i]);
            return -1;
        }
        id = btf__add_array(b->btf, b->uint_id, id, (uint32_t)t->dims[i]);
    }
    return id;
}

static uint64_t round_up(uint64_t v, uint64_t to)
{
    return to ? (v + to - 1) / to * to : v;
}

/* The largest struct whose members' bit offsets BTF can hold. */
#define MAX_RECORD_BYTES (UINT32_MAX / 8)

struct placed {
    const char *name;
    int id;
    uint64_t bit_offset;
    int bits; /* 0: not a bitfield */
};

/* Where each member goes, as C puts it; the record's size. -1 after an error. */
static int64_t lay_out(struct builder *b, const struct c_record *r, struct placed *out)
{
    uint64_t off = 0, size = 0;
    int64_t max_align = 1;
    for (int i = 0; i < r->nmembers; i++) {
        const struct c_member *m = &r->members[i];
        int id = type_id(b, &m->type);
        if (id < 0)
            return -1;
        if (id == 0) {
            sem_error(b->sem, m->type.loc, "member '%s' has an incomplete type",
                      m->name ? m->name : "(anonymous)");
            return -1;
        }
        int64_t msize = btf__resolve_size(b->btf, (uint32_t)id);
        int64_t align = btf__align_of(b->btf, (uint32_t)id);
        const struct btf_type *bt = btf__type_by_id(b->btf, (uint32_t)id);
        while (bt && (btf_is_mod(bt) || btf_is_typedef(bt)))
            bt = btf__type_by_id(b->btf, bt->type);
        if (msize < 0 || align <= 0 || (bt && btf_is_fwd(bt))) {
            sem_error(b->sem, m->type.loc, "member '%s' has an incomplete type",
                      m->name ? m->name : "(anonymous)");
            return -1;
        }
        out[i] = (struct placed){m->name, id, 0, 0};
        if (m->bits >= 0) {
            if (!bt || !(btf_is_int(bt) || btf_is_any_enum(bt))) {
                sem_error(b->sem, m->loc, "bitfield '%s' must be of an integer type",
                          m->name ? m->name : "(anonymous)");
                return -1;
            }
            uint64_t unit = (uint64_t)msize * 8;
            if ((uint64_t)m->bits > unit) {
                sem_error(b->sem, m->loc,
                          "width of bitfield '%s' (%d bits) exceeds its type (%llu bits)",
                          m->name ? m->name : "(anonymous)", m->bits, (unsigned long long)unit);
                return -1;
            }
            if (r->tag == C_TAG_UNION)
                off = 0;
            if (m->bits == 0 || off / unit != (off + (uint64_t)m->bits - 1) / unit)
                off = round_up(off, unit);
            out[i].bit_offset = off;
            out[i].bits = m->bits;
            off += (uint64_t)m->bits;
            if (m->name && align > max_align)
                max_align = align;
        } else {
            if (r->tag == C_TAG_UNION)
                off = 0;
            off = round_up(off, (uint64_t)align * 8);
            out[i].bit_offset = off;
            off += (uint64_t)msize * 8;
            if (align > max_align)
                max_align = align;
        }
        if (off > size)
            size = off;
        if (size / 8 > MAX_RECORD_BYTES) {
            sem_error(b->sem, r->loc, "%s %s is too large", tag_word(r->tag),
                      r->name ? r->name : "(anonymous)");
            return -1;
        }
    }
    size = round_up(round_up(size, 8) / 8, (uint64_t)max_align);
    if (size > MAX_RECORD_BYTES) {
        sem_error(b->sem, r->loc, "%s %s is too large", tag_word(r->tag),
                  r->name ? r->name : "(anonymous)");
        return -1;
    }
    return (int64_t)size;
}

/* Does a definition of this kind before `self` (a record, an enum or a
 * typedef's c_def) define `name` already? */
static bool defined_before(const struct builder *b, enum c_def_kind kind, const void *self,
                           const char *name)
{
    for (int i = 0; name && i < b->defs->n; i++) {
        const struct c_def *d = &b->defs->items[i];
        if (d->kind != kind)
            continue;
        const void *item = kind == C_DEF_RECORD ? (const void *)d->record
                           : kind == C_DEF_ENUM ? (const void *)d->en
                                                : (const void *)d;
        if (item == self)
            return false;
        const char *other = kind == C_DEF_RECORD ? d->record->name
                            : kind == C_DEF_ENUM ? d->en->name
                                                 : d->name;
        if (other && strcmp(other, name) == 0)
            return true;
    }
    return false;
}

static void define_record(struct builder *b, struct c_record *r)
{
    if (defined_before(b, C_DEF_RECORD, r, r->name)) {
        sem_error(b->sem, r->loc, "redefinition of '%s %s'", tag_word(r->tag), r->name);
        return;
    }
    struct placed *placed = sem_xrealloc(NULL, (size_t)r->nmembers + 1, sizeof(*placed));
    int64_t size = lay_out(b, r, placed);
    if (size >= 0) {
        const char *name = r->name ? r->name : NULL;
        int id = r->tag == C_TAG_UNION ? btf__add_union(b->btf, name, (uint32_t)size)
                                       : btf__add_struct(b->btf, name, (uint32_t)size);
        for (int i = 0; i < r->nmembers && id > 0; i++) {
            const struct c_member *m = &r->members[i];
            if (!m->name && m->bits >= 0)
                continue; /* an unnamed bitfield only takes room */
            btf__add_field(b->btf, m->name, placed[i].id, (uint32_t)placed[i].bit_offset,
                           (uint32_t)placed[i].bits);
        }
        r->btf_id = id;
    }
    free(placed);
}

static void define_enum(struct builder *b, struct c_enum *e)
{
    if (defined_before(b, C_DEF_ENUM, e, e->name)) {
        sem_error(b->sem, e->loc, "redefinition of 'enum %s'", e->name);
        return;
    }
    /* 4 bytes when every value fits an int or an unsigned int, as in C */
    bool any_negative = false, fits32 = true;
    for (int i = 0; i < e->n; i++) {
        const struct c_enumerator *en = &e->items[i];
        any_negative |= !en->is_unsigned && en->value < 0;
        if (en->is_unsigned || en->value > UINT32_MAX || en->value < INT32_MIN)
            fits32 = false;
    }
    for (int i = 0; fits32 && any_negative && i < e->n; i++)
        fits32 = e->items[i].value <= INT32_MAX;
    const char *name = e->name ? e->name : NULL;
    int id =
        fits32 ? btf__add_enum(b->btf, name, 4) : btf__add_enum64(b->btf, name, 8, any_negative);
    for (int i = 0; i < e->n && id > 0; i++) {
        if (fits32)
            btf__add_enum_value(b->btf, e->items[i].name, e->items[i].value);
        else
            btf__add_enum64_value(b->btf, e->items[i].name, (uint64_t)e->items[i].value);
    }
    e->btf_id = id;
}

static void define_typedef(struct builder *b, const struct c_def *d)
{
    if (defined_before(b, C_DEF_TYPEDEF, d, d->name)) {
        sem_error(b->sem, d->loc, "redefinition of typedef '%s'", d->name);
        return;
    }
    int id = type_id(b, &d->type);
    if (id >= 0)
        btf__add_typedef(b->btf, d->name, id);
}

void sem_define_script_types(struct semantic *sem)
{
    const struct c_defs *defs = sem->ast->cdefs;
    if (!defs || defs->n == 0)
        return;
    struct builder b = {.sem = sem, .btf = script_btf_new(), .defs = defs};
    if (!b.btf) {
        sem_error(sem, defs->items[0].loc, "cannot hold the script's type definitions");
        return;
    }
    b.uint_id = int_id(&b, "unsigned int");
    for (int i = 0; i < defs->n; i++) {
        struct c_def *d = &defs->items[i];
        switch (d->kind) {
        case C_DEF_RECORD:
            define_record(&b, d->record);
            break;
        case C_DEF_ENUM:
            define_enum(&b, d->en);
            break;
        case C_DEF_TYPEDEF:
            define_typedef(&b, d);
            break;
        }
    }
}

bool sem_script_enumerator(const struct semantic *sem, const char *name, int64_t *value)
{
    const struct c_enumerator *e = c_decls_enumerator(sem->ast->cdefs, name);
    if (e)
        *value = e->value;
    return e != NULL;
}
