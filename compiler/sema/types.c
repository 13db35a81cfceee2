/* Kernel and user types in expressions: tracepoint fields, struct members,
 * casts, dereference, indexing and sizeof. Values of struct and array type
 * are addresses; reading happens when a scalar or a string is reached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"
#include "sema/sema.h"

static struct type pointer_to(struct semantic *sem, const struct type *to, bool is_user);

/* typeof(expr): the expression's type; typeof(@m) the map's key type, as
 * bpftrace's stdlib uses it (`let $key: typeof(@map) = key`). */
static int type_of_expression(struct semantic *sem, const struct type_name *tn, struct type *out)
{
    const struct node *x = tn->of;
    struct type t = x->type;
    if (x->kind == N_MAP && x->nargs == 0) {
        if (!x->map || !x->map->key_known)
            return 1;
        if (x->map->key.kind == TY_NONE) {
            sem_error(sem, x->loc, "typeof(%s): a map without keys has no key type", x->name);
            return 1;
        }
        t = x->map->key;
    }
    if (t.kind == TY_NONE)
        return 1;
    if (t.kind == TY_VOID || type_is_aggregation(&t)) {
        sem_error(sem, x->loc, "typeof(): a value of type '%s' has no type to use",
                  type_name_of(&t));
        return 1;
    }
    t = type_clone(&sem->types, &t);
    t.is_char = false;
    for (int i = 0; i < tn->pointers; i++)
        t = pointer_to(sem, &t, t.is_user);
    *out = t;
    return 0;
}

int sem_type_of_name(struct semantic *sem, const struct type_name *tn, struct type *out)
{
    if (tn->of)
        return type_of_expression(sem, tn, out);
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

/* ---- members ---- */

/* "$t.0": the digits of a tuple index, or -1 for a name. */
static int64_t tuple_index_of(const char *name)
{
    if (!*name)
        return -1;
    int64_t v = 0;
    for (const char *p = name; *p; p++) {
        if (*p < '0' || *p > '9' || v > INT32_MAX)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* The record a member access reaches: a struct (its address or its copy),
 * or one that a pointer points to, which `.` reaches as `->` does (current
 * bpftrace dereferences automatically; `->` is an alias of `.`). */
static const struct type *record_reached(const struct type *lt)
{
    if (lt->kind == TY_RECORD)
        return lt;
    if (lt->kind == TY_PTR && lt->elem && lt->elem->kind == TY_RECORD)
        return lt->elem;
    return NULL;
}

void sem_type_field(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    const struct type *lt = &n->lhs->type;
    if (lt->kind == TY_NONE)
        return;
    if (lt->kind == TY_CTX) {
        if (probe_kind_of(sem->cur->provider)->args_from_btf)
            sem_type_btf_arg(sem, n);
        else
            sem_type_tracepoint_field(sem, n);
        return;
    }
    int64_t index = tuple_index_of(n->name);
    if (lt->kind == TY_TUPLE || index >= 0) {
        sem_type_tuple_element(sem, n, index);
        return;
    }
    const struct type *record = record_reached(lt);
    if (!record) {
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
    /* a member of a struct copied onto the stack is on the stack too */
    if (lt->kind == TY_RECORD && lt->on_stack && type_is_composite(&n->type))
        n->type.on_stack = true;
}

/* ---- values copied onto the stack ---- */

static bool is_address_of_bytes(const struct type *t)
{
    return (t->kind == TY_RECORD || t->kind == TY_ARRAY) && !t->on_stack;
}

struct node *sem_copied_value(struct semantic *sem, struct node *n)
{
    if (n->kind == N_COPY || !is_address_of_bytes(&n->type))
        return n;
    struct node *copy = ast_new_node(sem->ast, N_COPY, n->loc);
    copy->lhs = n;
    sem_type_copy(sem, copy);
    return copy;
}

/* The BPF stack: a copy larger than it can never be made (LLVM would only
 * say that it cannot emit the memset). */
#define BPF_STACK_BYTES 512

void sem_type_copy(struct semantic *sem, struct node *n)
{
    n->type = n->lhs->type;
    if (!is_address_of_bytes(&n->type))
        return;
    if (n->type.size == 0)
        sem_error(sem, n->loc, "'%s' has no known size and cannot be copied",
                  type_name_of(&n->type));
    else if (n->type.size > BPF_STACK_BYTES)
        sem_error(sem, n->loc,
                  "'%s' is %u bytes: too large to copy onto the %u-byte BPF stack (read its "
                  "members instead)",
                  type_name_of(&n->type), n->type.size, BPF_STACK_BYTES);
    n->type.on_stack = true;
}

/* ---- casts ---- */

/* What an array cast takes its bytes from: an integer or address (its own
 * width), or an array of the same size. 0 when it cannot. */
static uint32_t castable_bytes(const struct type *t)
{
    if (t->kind == TY_INT || t->kind == TY_ARRAY)
        return t->size;
    return t->kind == TY_PTR ? 8 : 0;
}

static void size_mismatch(struct semantic *sem, struct node *n, const struct type *from,
                          const struct type *to)
{
    sem_error(sem, n->loc,
              "cannot cast '%s' (%u bytes) to '%s' (%u bytes): the sizes must be equal",
              type_name_of(from), castable_bytes(from), type_name_of(to), to->size);
}

/* (uint8[8])x: the bytes of x as an array, a copy on the stack; (uint8[])x
 * has as many elements as x's bytes hold. */
static void cast_to_array(struct semantic *sem, struct node *n, const struct type *elem)
{
    const struct type_name *tn = n->cast_type;
    if (elem->kind != TY_INT || tn->pointers) {
        sem_error(sem, tn->loc, "cannot cast to an array of '%s': only of integers",
                  type_name_of(elem));
        return;
    }
    if (n->lhs->type.kind == TY_ARRAY)
        n->lhs = sem_copied_value(sem, n->lhs);
    const struct type *from = &n->lhs->type;
    uint32_t bytes = castable_bytes(from);
    struct type t = {.kind = TY_ARRAY, .on_stack = true};
    t.count = tn->array_len > 0 ? (uint32_t)tn->array_len : bytes / elem->size;
    t.size = t.count * elem->size;
    t.elem = type_arena_new(&sem->types, *elem);
    if (!bytes) {
        sem_error(sem, n->loc, "cannot cast a value of type '%s' to an array", type_name_of(from));
        return;
    }
    if (tn->array_len < 0 || tn->array_len > UINT16_MAX || t.size != bytes || t.count == 0) {
        size_mismatch(sem, n, from, &t);
        return;
    }
    n->type = t;
}

void sem_type_cast(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    struct type t;
    bool user = n->lhs->type.is_user;
    if (n->cast_type->of) {
        if (sem_type_of_name(sem, n->cast_type, &t) != 0)
            return;
    } else if (type_from_name(&sem->types, n->cast_type->base, n->cast_type->pointers, user, &t) <
               0) {
        sem_error(sem, n->cast_type->loc, "unknown type in cast: %s%s%.*s", n->cast_type->base,
                  n->cast_type->pointers ? " " : "", n->cast_type->pointers, "********");
        return;
    }
    const struct type *from = &n->lhs->type;
    if (from->kind == TY_NONE)
        return;
    if (n->cast_type->has_len) {
        cast_to_array(sem, n, &t);
        return;
    }
    if (t.kind != TY_INT && t.kind != TY_PTR) {
        sem_error(sem, n->cast_type->loc, "cannot cast to '%s': only to integers and pointers",
                  n->cast_type->of ? type_name_of(&t) : n->cast_type->base);
        return;
    }
    if (from->kind == TY_ARRAY && t.kind == TY_INT) {
        /* (uint64)$bytes: an array of the integer's size read as one */
        if (from->size != t.size) {
            size_mismatch(sem, n, from, &t);
            return;
        }
        n->lhs = sem_copied_value(sem, n->lhs);
        n->type = t;
        return;
    }
    if (from->kind != TY_INT && from->kind != TY_PTR) {
        sem_error(sem, n->loc, "cannot cast a value of type '%s'", type_name_of(from));
        return;
    }
    t.is_user = user;
    n->type = t;
}

/* ---- *p, a[i] and &x ---- */

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
    /* an element of an array copied onto the stack is on the stack too */
    if (container->kind == TY_ARRAY && container->on_stack && type_is_composite(&n->type))
        n->type.on_stack = true;
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
    if (t->kind == TY_TUPLE) {
        int64_t index;
        if (!sem_const_int(n->rhs, &index)) {
            sem_error(sem, n->rhs->loc, "a tuple index must be an integer known at compile time");
            return;
        }
        sem_type_tuple_element(sem, n, index);
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

/* A pointer to a value of type `to`, in the same memory as `where`. */
static struct type pointer_to(struct semantic *sem, const struct type *to, bool is_user)
{
    struct type p = {.kind = TY_PTR, .size = 8, .is_user = is_user};
    p.elem = type_arena_new(&sem->types, *to);
    return p;
}

/* &$x, &p->member (or &s.member), &a[i], &*p. A variable's address is on
 * the BPF stack: it can be read through while the probe runs. */
void sem_type_address_of(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    struct node *x = n->lhs;
    if (x->type.kind == TY_NONE)
        return;
    switch (x->kind) {
    case N_VAR:
        n->type = pointer_to(sem, &x->type, false);
        return;
    case N_UNARY:
        if (x->op == '*') {
            n->type = x->lhs->type;
            return;
        }
        break;
    case N_INDEX:
        if (x->lhs->type.kind == TY_PTR ||
            (x->lhs->type.kind == TY_ARRAY && !x->lhs->type.on_stack)) {
            n->type = pointer_to(sem, x->lhs->type.elem, x->lhs->type.is_user);
            return;
        }
        break;
    case N_FIELD:
        if (x->field_flavor != FIELD_MEMBER)
            break;
        if (x->bit_size) {
            sem_error(sem, n->loc, "cannot take the address of bitfield '%s'", x->name);
            return;
        }
        const struct type *record = record_reached(&x->lhs->type);
        struct member_info mi;
        if (record && record_member(&sem->types, record, x->name, &mi) == 0) {
            n->type = pointer_to(sem, &mi.type, record->is_user);
            return;
        }
        break;
    case N_MAP:
        sem_error(sem, n->loc, "cannot take the address of map %s", x->name);
        return;
    default:
        break;
    }
    sem_error(sem, n->loc,
              "cannot take the address of this expression: & needs a variable, a struct member, "
              "an array element or *pointer");
}

void sem_type_sizeof(struct semantic *sem, struct node *n)
{
    struct type t = {0};
    if (n->cast_type) {
        int rc = sem_type_of_name(sem, n->cast_type, &t);
        if (rc < 0)
            sem_error(sem, n->loc, "unknown type: %s", n->cast_type->base);
        if (rc > 0) {
            n->type.kind = TY_NONE;
            return;
        }
    } else {
        t = n->lhs->type;
    }
    /* a ustack value carries its process with it, but is a stack id of 8
     * bytes to the user, as in bpftrace */
    n->ival = t.kind == TY_USTACK ? 8 : t.size;
    n->type = type_int(8, false);
}

/* offsetof(struct T, a.b.c) or offsetof(expr, a.b.c): the byte offset of
 * the member, through nested members, known at compile time. */
void sem_type_offsetof(struct semantic *sem, struct node *n)
{
    struct type t = {0};
    if (n->cast_type) {
        int rc = sem_type_of_name(sem, n->cast_type, &t);
        if (rc < 0)
            sem_error(sem, n->cast_type->loc, "unknown type: %s", n->cast_type->base);
        if (rc != 0)
            return;
    } else {
        t = n->lhs->type;
        if (t.kind == TY_NONE)
            return;
    }
    if (t.kind != TY_RECORD) {
        sem_error(sem, n->loc, "offsetof() needs a struct or union, not '%s'", type_name_of(&t));
        return;
    }
    uint64_t offset = 0;
    char path[256];
    snprintf(path, sizeof(path), "%s", n->name);
    for (char *part = path, *dot; part; part = dot) {
        dot = strchr(part, '.');
        if (dot)
            *dot++ = '\0';
        struct member_info mi;
        if (t.kind != TY_RECORD) {
            sem_error(sem, n->loc, "offsetof(): '%s' is not a struct or union", type_name_of(&t));
            return;
        }
        if (record_member(&sem->types, &t, part, &mi) < 0) {
            sem_error(sem, n->loc, "Struct/union of type '%s' does not contain a field named '%s'",
                      record_name(&t), part);
            return;
        }
        if (mi.bit_size) {
            sem_error(sem, n->loc, "offsetof() of bitfield '%s'", part);
            return;
        }
        offset += mi.offset;
        t = mi.type;
    }
    n->kind = N_INT;
    n->ival = (int64_t)offset;
    n->type = type_int(8, false);
    n->lhs = NULL;
    n->cast_type = NULL;
}
