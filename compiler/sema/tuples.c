/* Tuples: (a, b, ...) built from values, their elements read by index
 * ($t.0, $t[1 - 1]), and == / != on tuples and integer arrays, as current
 * bpftrace has them. A tuple keeps each element's own type (an int8 stays
 * one byte), laid out by layout.c. */
#include "sema/sema.h"

/* Values a tuple can hold: what can be stored and printed. Structs and
 * arrays arrive copied onto the stack (the walker copies them). */
static bool holdable(const struct type *t)
{
    switch (t->kind) {
    case TY_INT:
    case TY_STRING:
    case TY_PTR:
    case TY_PROBE:
    case TY_TUPLE:
    case TY_KSTACK:
    case TY_USTACK:
    case TY_KSYM:
    case TY_USYM:
    case TY_INET:
        return true;
    case TY_RECORD:
    case TY_ARRAY:
        return t->on_stack;
    default:
        return false;
    }
}

void sem_type_tuple(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    for (int i = 0; i < n->nargs; i++) {
        const struct type *et = &n->args[i]->type;
        if (et->kind == TY_NONE)
            return; /* not known yet, or reported */
        if (!holdable(et)) {
            sem_error(sem, n->args[i]->loc, "a tuple cannot hold a value of type '%s'",
                      type_name_of(et));
            return;
        }
    }
    struct type t = type_new_tuple(&sem->types, n->nargs);
    for (int i = 0; i < n->nargs; i++) {
        t.fields[i] = n->args[i]->type;
        t.fields[i].is_char = false;
    }
    type_layout_tuple(&sem->types, &t);
    n->type = t;
}

void sem_type_tuple_element(struct semantic *sem, struct node *n, int64_t index)
{
    const struct type *t = &n->lhs->type;
    n->type.kind = TY_NONE;
    if (t->kind != TY_TUPLE) {
        sem_error(sem, n->loc, "Can not access index %lld on expression of type '%s'",
                  (long long)index, type_name_of(t));
        return;
    }
    if (index < 0) {
        sem_error(sem, n->loc, "cannot access field '%s' on a value of type '%s'",
                  n->name ? n->name : "?", type_name_of(t));
        return;
    }
    if (index >= t->nfields) {
        sem_error(sem, n->loc, "Invalid tuple index: %lld. Found %d element%s in tuple.",
                  (long long)index, t->nfields, t->nfields == 1 ? "" : "s");
        return;
    }
    n->field_flavor = FIELD_TUPLE;
    n->ival = index;
    n->member_offset = t->offsets[index];
    n->type = t->fields[index];
}

/* Can == compare a and b? Elements pairwise of the same kind: integers of
 * any width, strings of any length, tuples alike, arrays of the same size. */
static bool comparable(const struct type *a, const struct type *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case TY_TUPLE:
        if (a->nfields != b->nfields)
            return false;
        for (int i = 0; i < a->nfields; i++)
            if (!comparable(&a->fields[i], &b->fields[i]))
                return false;
        return true;
    case TY_ARRAY:
        return a->size == b->size && a->elem && a->elem->kind == TY_INT;
    case TY_RECORD:
        return false;
    default:
        return a->size == b->size || a->kind == TY_INT || a->kind == TY_STRING;
    }
}

bool sem_check_composite_compare(struct semantic *sem, struct node *n)
{
    const struct type *l = &n->lhs->type, *r = &n->rhs->type;
    if (n->op != OP_EQ && n->op != OP_NE) {
        sem_error(sem, n->loc, "%s can only be compared with == and !=, not %s",
                  l->kind == TY_TUPLE ? "tuples" : "arrays", op_spelling(n->op));
        return false;
    }
    if (!comparable(l, r)) {
        sem_error(sem, n->loc, "cannot compare '%s' with '%s'", type_name_of(l), type_name_of(r));
        return false;
    }
    return true;
}
