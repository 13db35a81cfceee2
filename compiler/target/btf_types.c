#include "target/btf_types.h"

#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/btf.h"

void *type_arena_alloc(struct type_arena *a, size_t size)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->items = realloc(a->items, a->cap * sizeof(*a->items));
        if (!a->items) {
            perror("sobt");
            exit(1);
        }
    }
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        perror("sobt");
        exit(1);
    }
    a->items[a->n++] = p;
    return p;
}

struct type *type_arena_new(struct type_arena *a, struct type init)
{
    struct type *t = type_arena_alloc(a, sizeof(*t));
    *t = init;
    return t;
}

void type_arena_free(struct type_arena *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->items[i]);
    free(a->items);
    memset(a, 0, sizeof(*a));
}

static const struct btf_type *skip_modifiers(const struct btf *btf, int *id)
{
    const struct btf_type *t = btf__type_by_id(btf, *id);
    while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
        *id = (int)t->type;
        t = btf__type_by_id(btf, *id);
    }
    return t;
}

/* The type named `name` of BTF kind `kind`: the script's own first (they
 * hide the kernel's), then the kernel's. */
static int find_named(const struct btf *btf, const char *name, int kind)
{
    uint32_t n = btf__type_cnt(btf);
    for (uint32_t id = (uint32_t)script_btf_first_id(); script_btf_first_id() > 1 && id < n;
         id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);
        if (btf_kind(t) == kind && strcmp(btf__name_by_offset(btf, t->name_off), name) == 0)
            return (int)id;
    }
    return btf__find_by_name_kind(btf, name, kind);
}

/* A struct that is only forward-declared where it is used: find its body. */
static int complete_record(const struct btf *btf, const struct btf_type *t, int id)
{
    if (!btf_is_fwd(t))
        return id;
    const char *name = btf__name_by_offset(btf, t->name_off);
    int kind = btf_kflag(t) ? BTF_KIND_UNION : BTF_KIND_STRUCT;
    int full = name && *name ? find_named(btf, name, kind) : -1;
    return full > 0 ? full : id;
}

int btf_to_type(struct type_arena *a, int id, bool is_user, struct type *out)
{
    const struct btf *btf = types_btf();
    memset(out, 0, sizeof(*out));
    if (!btf)
        return -1;
    if (id == 0) { /* void */
        out->kind = TY_VOID;
        return 0;
    }
    const struct btf_type *t = skip_modifiers(btf, &id);
    if (!t)
        return -1;
    switch (btf_kind(t)) {
    case BTF_KIND_INT: {
        uint32_t enc = btf_int_encoding(t);
        out->kind = TY_INT;
        out->size = t->size;
        out->is_signed = (enc & BTF_INT_SIGNED) != 0;
        out->is_char = (enc & BTF_INT_CHAR) != 0 ||
                       strcmp(btf__name_by_offset(btf, t->name_off), "char") == 0;
        if (out->size > 8 || (out->size & (out->size - 1)))
            return -1; /* __int128 */
        return 0;
    }
    case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64:
        out->kind = TY_INT;
        out->size = t->size;
        out->is_signed = btf_kflag(t);
        return 0;
    case BTF_KIND_PTR: {
        struct type pointee;
        if (btf_to_type(a, (int)t->type, is_user, &pointee) < 0)
            pointee = (struct type){.kind = TY_VOID};
        out->kind = TY_PTR;
        out->size = 8;
        out->is_user = is_user;
        out->elem = type_arena_new(a, pointee);
        return 0;
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
    case BTF_KIND_FWD: {
        id = complete_record(btf, t, id);
        t = btf__type_by_id(btf, id);
        out->kind = TY_RECORD;
        out->btf_id = id;
        out->size = btf_is_fwd(t) ? 0 : t->size;
        out->is_user = is_user;
        return 0;
    }
    case BTF_KIND_ARRAY: {
        const struct btf_array *arr = btf_array(t);
        struct type elem;
        if (btf_to_type(a, (int)arr->type, is_user, &elem) < 0)
            return -1;
        out->kind = TY_ARRAY;
        out->count = arr->nelems;
        out->size = arr->nelems * elem.size;
        out->is_user = is_user;
        out->elem = type_arena_new(a, elem);
        return 0;
    }
    case BTF_KIND_FUNC_PROTO:
        out->kind = TY_VOID; /* what a function pointer points to */
        return 0;
    default:
        return -1;
    }
}

static const struct {
    const char *name;
    uint32_t size;
    bool is_signed;
} c_ints[] = {
    {"int8", 1, true},    {"int16", 2, true},     {"int32", 4, true},     {"int64", 8, true},
    {"uint8", 1, false},  {"uint16", 2, false},   {"uint32", 4, false},   {"uint64", 8, false},
    {"char", 1, true},    {"signed char", 1, true}, {"unsigned char", 1, false},
    {"short", 2, true},   {"short int", 2, true}, {"unsigned short", 2, false},
    {"unsigned short int", 2, false}, {"int", 4, true}, {"signed int", 4, true},
    {"signed", 4, true},  {"unsigned", 4, false}, {"unsigned int", 4, false},
    {"long", 8, true},    {"long int", 8, true},  {"unsigned long", 8, false},
    {"unsigned long int", 8, false}, {"long long", 8, true}, {"long long int", 8, true},
    {"unsigned long long", 8, false}, {"unsigned long long int", 8, false},
    {"bool", 1, false},   {"_Bool", 1, false},    {"u8", 1, false},       {"u16", 2, false},
    {"u32", 4, false},    {"u64", 8, false},      {"s8", 1, true},        {"s16", 2, true},
    {"s32", 4, true},     {"s64", 8, true},       {"__u8", 1, false},     {"__u16", 2, false},
    {"__u32", 4, false},  {"__u64", 8, false},    {"__s8", 1, true},      {"__s16", 2, true},
    {"__s32", 4, true},   {"__s64", 8, true},     {"__be16", 2, false},   {"__be32", 4, false},
    {"__be64", 8, false}, {"__le16", 2, false},   {"__le32", 4, false},   {"__le64", 8, false},
    {"size_t", 8, false}, {"ssize_t", 8, true},   {"pid_t", 4, true},     {"uid_t", 4, false},
    {"gid_t", 4, false},  {"loff_t", 8, true},    {"umode_t", 2, false},  {"dev_t", 4, false},
    {"signed short", 2, true}, {"signed short int", 2, true}, {"signed long", 8, true},
    {"signed long long", 8, true},
};

bool c_int_type(const char *name, uint32_t *size, bool *is_signed)
{
    for (size_t i = 0; i < sizeof(c_ints) / sizeof(c_ints[0]); i++)
        if (strcmp(c_ints[i].name, name) == 0) {
            *size = c_ints[i].size;
            *is_signed = c_ints[i].is_signed;
            return true;
        }
    return false;
}

static int base_type(struct type_arena *a, const char *name, bool is_user, struct type *out)
{
    memset(out, 0, sizeof(*out));
    if (strcmp(name, "void") == 0) {
        out->kind = TY_VOID;
        return 0;
    }
    for (size_t i = 0; i < sizeof(c_ints) / sizeof(c_ints[0]); i++)
        if (strcmp(c_ints[i].name, name) == 0) {
            *out = type_int(c_ints[i].size, c_ints[i].is_signed);
            out->is_char = strcmp(name, "char") == 0;
            return 0;
        }
    const struct btf *btf = types_btf();
    if (!btf)
        return -1;
    int kind = -1;
    const char *word = name;
    if (strncmp(name, "struct ", 7) == 0) {
        kind = BTF_KIND_STRUCT;
        word = name + 7;
    } else if (strncmp(name, "union ", 6) == 0) {
        kind = BTF_KIND_UNION;
        word = name + 6;
    } else if (strncmp(name, "enum ", 5) == 0) {
        kind = BTF_KIND_ENUM;
        word = name + 5;
    }
    int id = find_named(btf, word, kind >= 0 ? kind : BTF_KIND_TYPEDEF);
    if (id <= 0 && kind == BTF_KIND_ENUM)
        id = find_named(btf, word, BTF_KIND_ENUM64);
    /* a bare name may be a struct or union too, as in bpftrace's casts
     * `(task_struct *)p` */
    if (id <= 0 && kind < 0)
        id = find_named(btf, word, BTF_KIND_STRUCT);
    if (id <= 0 && kind < 0)
        id = find_named(btf, word, BTF_KIND_UNION);
    if (id <= 0)
        return -1;
    return btf_to_type(a, id, is_user, out);
}

int type_from_name(struct type_arena *a, const char *name, int pointers, bool is_user,
                   struct type *out)
{
    if (base_type(a, name, is_user, out) < 0)
        return -1;
    for (int i = 0; i < pointers; i++) {
        struct type ptr = {.kind = TY_PTR, .size = 8, .is_user = is_user};
        ptr.elem = type_arena_new(a, *out);
        *out = ptr;
    }
    return 0;
}

/* Trim spaces and the qualifiers that do not change a type's layout. */
static void normalize_decl(const char *decl, char *buf, size_t cap, int *pointers, int *array_len)
{
    *pointers = 0;
    *array_len = 0;
    size_t n = 0;
    const char *p = decl;
    while (*p && n + 1 < cap) {
        if (strncmp(p, "const ", 6) == 0 || strncmp(p, "volatile ", 9) == 0) {
            p += p[0] == 'c' ? 6 : 9;
            continue;
        }
        if (*p == '*') {
            (*pointers)++;
            p++;
            continue;
        }
        if (*p == '[') {
            *array_len = atoi(p + 1);
            break;
        }
        if (*p == ' ' && (n == 0 || buf[n - 1] == ' ')) {
            p++;
            continue;
        }
        buf[n++] = *p++;
    }
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
}

int type_from_c_decl(struct type_arena *a, const char *decl, bool is_user, struct type *out)
{
    char base[128];
    int pointers, array_len;
    normalize_decl(decl, base, sizeof(base), &pointers, &array_len);
    if (type_from_name(a, base, pointers, is_user, out) < 0) {
        if (pointers == 0)
            return -1;
        /* a pointer to a type BTF does not know: still an address */
        type_from_name(a, "void", pointers, is_user, out);
    }
    if (array_len > 0) {
        struct type arr = {.kind = TY_ARRAY, .count = (uint32_t)array_len, .is_user = is_user};
        arr.size = array_len * out->size;
        arr.elem = type_arena_new(a, *out);
        *out = arr;
    }
    return 0;
}

/* Calls visit for every named member of record_id, those of anonymous
 * struct and union members in their place, with its offset in bits from the
 * start of the outermost record; stops at the first non-zero return. */
typedef int (*member_visit)(const struct btf_type *owner, int index, const char *name,
                            uint32_t bits, void *ctx);

static int walk_members(const struct btf *btf, int record_id, uint32_t base_bits,
                        member_visit visit, void *ctx)
{
    const struct btf_type *t = btf__type_by_id(btf, record_id);
    if (!t || !btf_is_composite(t))
        return 0;
    const struct btf_member *m = btf_members(t);
    for (int i = 0; i < btf_vlen(t); i++, m++) {
        uint32_t bits = base_bits + btf_member_bit_offset(t, i);
        const char *mname = btf__name_by_offset(btf, m->name_off);
        int r = 0;
        if (mname && *mname) {
            r = visit(t, i, mname, bits, ctx);
        } else {
            int sub = (int)m->type;
            const struct btf_type *st = skip_modifiers(btf, &sub);
            if (st && btf_is_composite(st))
                r = walk_members(btf, sub, bits, visit, ctx);
        }
        if (r)
            return r;
    }
    return 0;
}

struct member_search {
    struct type_arena *a;
    bool is_user;
    const char *name;            /* record_member: the one wanted */
    struct member_info *found;   /* record_member: where it goes */
    struct record_members *list; /* record_all_members: where they go */
    int cap;
};

/* Member `index` of `owner`, `bits` from the record's start. -1 when its
 * type cannot be represented. */
static int describe_member(struct member_search *s, const struct btf_type *owner, int index,
                           uint32_t bits, struct member_info *out)
{
    memset(out, 0, sizeof(*out));
    out->bit_size = btf_member_bitfield_size(owner, index);
    out->offset = bits / 8;
    out->bit_offset = out->bit_size ? bits % 8 : 0;
    return btf_to_type(s->a, (int)btf_members(owner)[index].type, s->is_user, &out->type);
}

static int match_member(const struct btf_type *owner, int index, const char *name, uint32_t bits,
                        void *ctx)
{
    struct member_search *s = ctx;
    if (strcmp(name, s->name) != 0)
        return 0;
    return describe_member(s, owner, index, bits, s->found) < 0 ? -1 : 1;
}

static int append_member(const struct btf_type *owner, int index, const char *name, uint32_t bits,
                         void *ctx)
{
    struct member_search *s = ctx;
    struct record_members *out = s->list;
    if (out->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        struct record_member_entry *grown = type_arena_alloc(s->a, s->cap * sizeof(*grown));
        if (out->n)
            memcpy(grown, out->items, out->n * sizeof(*grown));
        out->items = grown;
    }
    struct record_member_entry *e = &out->items[out->n++];
    e->name = name;
    if (describe_member(s, owner, index, bits, &e->info) < 0)
        e->info.type = (struct type){.kind = TY_NONE};
    return 0;
}

int record_all_members(struct type_arena *a, const struct type *record, struct record_members *out)
{
    const struct btf *btf = types_btf();
    memset(out, 0, sizeof(*out));
    if (!btf || record->kind != TY_RECORD)
        return -1;
    struct member_search s = {.a = a, .is_user = record->is_user, .list = out};
    return walk_members(btf, record->btf_id, 0, append_member, &s);
}

int record_member(struct type_arena *a, const struct type *record, const char *name,
                  struct member_info *out)
{
    const struct btf *btf = types_btf();
    memset(out, 0, sizeof(*out));
    if (!btf || record->kind != TY_RECORD)
        return -1;
    struct member_search s = {.a = a, .is_user = record->is_user, .name = name, .found = out};
    return walk_members(btf, record->btf_id, 0, match_member, &s) == 1 ? 0 : -1;
}

const char *record_name(const struct type *record)
{
    static char buf[4][160];
    static int slot;
    char *b = buf[slot++ % 4];
    const struct btf *btf = types_btf();
    const struct btf_type *t = btf ? btf__type_by_id(btf, record->btf_id) : NULL;
    if (!t) {
        snprintf(b, 160, "struct");
        return b;
    }
    const char *name = btf__name_by_offset(btf, t->name_off);
    snprintf(b, 160, "%s %s", btf_is_union(t) ? "union" : "struct",
             name && *name ? name : "(anonymous)");
    return b;
}
