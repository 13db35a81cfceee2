/* Kernel and user types in expressions: tracepoint fields, struct members,
 * casts, dereference, indexing and sizeof. Values of struct and array type
 * are addresses; reading happens when a scalar or a string is reached. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"

int sem_type_of_name(struct semantic *sem, const struct type_name *tn, struct type *out)
{
    return type_from_name(&sem->types, tn->base, tn->pointers, false, out);
}

/* Where a value of this type lives, for the read that follows: user memory
 * for what came from a user pointer (syscall arguments), else the kernel. */
static bool in_user_memory(const struct type *t)
{
    return t->is_user;
}

/* A char array reads as a string, as in bpftrace. */
static bool is_char_array(const struct type *t)
{
    return t->kind == TY_ARRAY && t->elem && t->elem->kind == TY_INT && t->elem->is_char;
}

/* The type an expression has once a member or element of type t is reached. */
static struct type value_type_of(const struct type *t)
{
    if (is_char_array(t)) {
        struct type s = {.kind = TY_STRING, .size = t->count ? t->count : 1};
        return s;
    }
    return *t;
}

static bool readable(const struct type *t)
{
    switch (t->kind) {
    case TY_INT:
    case TY_PTR:
    case TY_RECORD:
    case TY_ARRAY:
    case TY_STRING:
        return true;
    default:
        return false;
    }
}

/* ---- tracepoint fields ---- */

static int load_formats(struct semantic *sem, struct probe_unit *u, struct loc loc)
{
    if (u->formats)
        return 0;
    u->formats = calloc(u->nmatches ? u->nmatches : 1, sizeof(*u->formats));
    int k = 0;
    for (int a = 0; a < u->naps; a++)
        for (int m = 0; m < u->aps[a].nmatches; m++, k++) {
            char *target = strdup(u->aps[a].matches[m].target);
            char *colon = strchr(target, ':');
            int rc = colon ? (*colon = 0, tp_format_load(target, colon + 1, &u->formats[k])) : -1;
            free(target);
            if (rc < 0) {
                sem_error(sem, loc, "cannot read the format of tracepoint %s",
                          u->aps[a].matches[m].full_name);
                return -1;
            }
        }
    return 0;
}

/* Can one program read the field of both tracepoints as the same type?
 * Integers of one size are (`int fd` and `unsigned int fd`: the first
 * tracepoint's signedness wins, as in bpftrace), and so are any two pointers. */
static bool same_layout(const struct tp_field *a, const struct tp_field *b)
{
    if (a->size != b->size || a->is_data_loc != b->is_data_loc ||
        a->array_len != b->array_len || a->is_pointer != b->is_pointer)
        return false;
    return a->array_len == 0 || strcmp(a->c_type, b->c_type) == 0;
}

static bool is_char_decl(const char *c_type)
{
    return strncmp(c_type, "char", 4) == 0 || strncmp(c_type, "const char", 10) == 0 ||
           strncmp(c_type, "__data_loc char", 15) == 0 ||
           strncmp(c_type, "unsigned char", 13) == 0 || strncmp(c_type, "signed char", 11) == 0;
}

static void resolve_tracepoint_field(struct semantic *sem, struct node *n)
{
    struct probe_unit *u = sem->cur;
    n->type.kind = TY_NONE;
    if (load_formats(sem, u, n->loc) < 0)
        return;
    const struct tp_field *first = NULL;
    for (int i = 0; i < u->nmatches; i++) {
        const struct tp_field *f = tp_format_field(&u->formats[i], n->name);
        if (!f) {
            sem_error(sem, n->loc,
                      "Struct/union of type 'struct %s_%s' does not contain a field named '%s'",
                      u->formats[i].category, u->formats[i].name, n->name);
            return;
        }
        if (first && !same_layout(f, first)) {
            sem_error(sem, n->loc,
                      "field '%s' has a different type in %s:%s than in %s:%s; attach these "
                      "tracepoints in separate probes",
                      n->name, u->formats[i].category, u->formats[i].name,
                      u->formats[0].category, u->formats[0].name);
            return;
        }
        if (first && f->offset != first->offset)
            u->needs_split = true;
        if (!first)
            first = f;
    }
    if (!first)
        return;
    /* pointers in syscall arguments point into the calling process */
    bool user = strcmp(u->formats[0].category, "syscalls") == 0;
    bool chars = is_char_decl(first->c_type);
    if (first->is_data_loc) {
        if (!chars) {
            sem_error(sem, n->loc, "tracepoint field '%s' (%s) cannot be read as a value",
                      n->name, first->c_type);
            return;
        }
        n->field_flavor = FIELD_TP_DATA_LOC;
        n->type = (struct type){.kind = TY_STRING, .size = sem->strlen};
        return;
    }
    if (first->array_len > 0 && !first->is_pointer) {
        if (chars) {
            n->field_flavor = FIELD_TP_CHARS;
            n->type = (struct type){.kind = TY_STRING, .size = first->size};
            return;
        }
        struct type t;
        if (type_from_c_decl(&sem->types, first->c_type, false, &t) < 0 || t.kind != TY_ARRAY) {
            /* element type unknown to BTF: an array of bytes of the right size */
            struct type byte = type_int(1, false);
            t = (struct type){.kind = TY_ARRAY, .count = first->size, .size = first->size};
            t.elem = type_arena_new(&sem->types, byte);
        }
        n->field_flavor = FIELD_TP_ARRAY;
        n->type = t; /* the array lives in the record, which is kernel memory */
        return;
    }
    n->field_flavor = FIELD_TP_SCALAR;
    if (first->is_pointer) {
        if (type_from_c_decl(&sem->types, first->c_type, user, &n->type) < 0 ||
            n->type.kind != TY_PTR)
            type_from_name(&sem->types, "void", 1, user, &n->type);
        return;
    }
    if (first->size > 8 || (first->size & (first->size - 1))) {
        sem_error(sem, n->loc, "tracepoint field '%s' (%s) cannot be read as a value", n->name,
                  first->c_type);
        return;
    }
    n->type = type_int(first->size, first->is_signed);
}

/* ---- members ---- */

void sem_type_field(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    const struct type *lt = &n->lhs->type;
    if (lt->kind == TY_NONE)
        return;
    if (lt->kind == TY_CTX) {
        resolve_tracepoint_field(sem, n);
        return;
    }
    const struct type *record = NULL;
    if (lt->kind == TY_PTR && lt->elem && lt->elem->kind == TY_RECORD) {
        if (!n->is_arrow) {
            sem_error(sem, n->loc, "'%s' is a pointer: use -> to reach its member '%s'",
                      record_name(lt->elem), n->name);
            return;
        }
        record = lt->elem;
    } else if (lt->kind == TY_RECORD) {
        if (n->is_arrow) {
            sem_error(sem, n->loc, "'%s' is not a pointer: use . to reach its member '%s'",
                      record_name(lt), n->name);
            return;
        }
        record = lt;
    } else {
        sem_error(sem, n->loc, "cannot access field '%s' on a value of type '%s'", n->name,
                  type_name_of(lt));
        return;
    }
    struct member_info mi;
    if (record_member(&sem->types, record, n->name, &mi) < 0) {
        sem_error(sem, n->loc, "Struct/union of type '%s' does not contain a field named '%s'",
                  record_name(record), n->name);
        return;
    }
    if (!readable(&mi.type)) {
        sem_error(sem, n->loc, "member '%s' of '%s' has a type that cannot be read",
                  n->name, record_name(record));
        return;
    }
    n->field_flavor = FIELD_MEMBER;
    n->member_offset = mi.offset;
    n->bit_offset = mi.bit_offset;
    n->bit_size = mi.bit_size;
    n->type = value_type_of(&mi.type);
    n->type.is_user = in_user_memory(record);
}

/* ---- casts ---- */

void sem_type_cast(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    struct type t;
    bool user = n->lhs->type.is_user;
    if (type_from_name(&sem->types, n->cast_type->base, n->cast_type->pointers, user, &t) < 0) {
        sem_error(sem, n->cast_type->loc, "unknown type in cast: %s%s%.*s", n->cast_type->base,
                  n->cast_type->pointers ? " " : "", n->cast_type->pointers, "********");
        return;
    }
    const struct type *from = &n->lhs->type;
    if (from->kind == TY_NONE)
        return;
    if (t.kind != TY_INT && t.kind != TY_PTR) {
        sem_error(sem, n->cast_type->loc, "cannot cast to '%s': only to integers and pointers",
                  n->cast_type->base);
        return;
    }
    if (from->kind != TY_INT && from->kind != TY_PTR) {
        sem_error(sem, n->loc, "cannot cast a value of type '%s'", type_name_of(from));
        return;
    }
    t.is_user = user;
    n->type = t;
}

/* ---- *p and a[i] ---- */

static void element_of(struct semantic *sem, struct node *n, const struct type *container)
{
    const struct type *elem = container->elem;
    if (!elem || elem->kind == TY_VOID || !readable(elem)) {
        sem_error(sem, n->loc, "cannot read through a pointer to %s",
                  elem && elem->kind != TY_VOID ? type_name_of(elem) : "void");
        return;
    }
    n->type = value_type_of(elem);
    n->type.is_user = container->is_user;
}

void sem_type_deref(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    const struct type *t = &n->lhs->type;
    if (t->kind == TY_NONE)
        return;
    if (t->kind == TY_PTR) {
        element_of(sem, n, t);
        return;
    }
    if (t->kind == TY_INT) {
        /* *kaddr("sym"): an address; read a 64-bit value there */
        n->type = type_int(8, false);
        n->type.is_user = t->is_user;
        return;
    }
    sem_error(sem, n->loc, "cannot dereference a value of type '%s'", type_name_of(t));
}

void sem_type_index(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    const struct type *t = &n->lhs->type;
    if (t->kind == TY_NONE || n->rhs->type.kind == TY_NONE)
        return;
    if (n->rhs->type.kind != TY_INT) {
        sem_error(sem, n->rhs->loc, "an index must be an integer, not '%s'",
                  type_name_of(&n->rhs->type));
        return;
    }
    uint32_t bound = t->kind == TY_ARRAY ? t->count : t->kind == TY_STRING ? t->size : 0;
    if (bound && n->rhs->kind == N_INT && (n->rhs->ival < 0 || (uint64_t)n->rhs->ival >= bound)) {
        sem_error(sem, n->rhs->loc, "index %lld is out of bounds of an array of %u",
                  (long long)n->rhs->ival, bound);
        return;
    }
    if (t->kind == TY_STRING) {
        /* a char array already copied: index the copy */
        n->type = type_int(1, true);
        return;
    }
    if (t->kind == TY_ARRAY || t->kind == TY_PTR) {
        element_of(sem, n, t);
        return;
    }
    sem_error(sem, n->loc, "cannot index a value of type '%s'", type_name_of(t));
}

void sem_type_sizeof(struct semantic *sem, struct node *n)
{
    struct type t = {0};
    if (n->cast_type) {
        if (sem_type_of_name(sem, n->cast_type, &t) < 0)
            sem_error(sem, n->loc, "unknown type: %s", n->cast_type->base);
    } else {
        t = n->lhs->type;
    }
    /* a ustack value carries its process with it, but is a stack id of 8
     * bytes to the user, as in bpftrace */
    n->ival = t.kind == TY_USTACK ? 8 : t.size;
    n->type = type_int(8, false);
}
