/* Expressions: each gets its type. Operands are resolved first, then the
 * node itself: operators here, members and casts in types.c, map reads in
 * maps.c, variables in vars.c, built-ins through their table entries
 * (their arguments resolved here as each entry says). */
#include <stdlib.h>
#include <string.h>

#include "builtins/builtins.h"
#include "preprocess/constants.h"
#include "probes/probe_kind.h"
#include "sema/walk.h"


static bool is_int(const struct node *n)
{
    return n->type.kind == TY_INT;
}

/* The keys of a map reference resolved, then the map's key type fixed or
 * checked. */
void sem_resolve_map_keys(struct semantic *sem, struct node *n)
{
    /* @m[(a, b)] is @m[a, b] */
    if (n->nargs == 1 && n->args[0]->kind == N_TUPLE && n->args[0]->nargs > 0) {
        struct node *tuple = n->args[0];
        n->args = tuple->args;
        n->nargs = tuple->nargs;
    }
    for (int i = 0; i < n->nargs; i++) {
        sem_resolve_expr(sem, n->args[i]);
        n->args[i] = sem_copied_value(sem, n->args[i]);
    }
    sem_map_settle_key(sem, n);
}

static void resolve_map_read(struct semantic *sem, struct node *n)
{
    sem_resolve_map_keys(sem, n);
    sem_map_read_type(sem, n);
}

/* Is what n names (a built-in) offered by the probe being resolved, as its
 * table entry requires? Says which probe kinds offer it if not. */
static bool offered_here(struct semantic *sem, const struct node *n, unsigned requires)
{
    if (!requires || (probe_kind_of(sem->cur->provider)->offers & requires) == requires)
        return true;
    char kinds[256];
    probe_kinds_offering(requires, kinds, sizeof(kinds));
    bool call = n->kind == N_CALL;
    if (kinds[0])
        sem_error(sem, n->loc, "The %s%s builtin can only be used with %s probes", n->name,
                  call ? "()" : "", kinds);
    else
        sem_error(sem, n->loc,
                  "The %s%s builtin can only be used with %s probes, which sobt does not have "
                  "yet",
                  n->name, call ? "()" : "", probe_offer_wanted(requires));
    return false;
}

static void resolve_builtin(struct semantic *sem, struct node *n)
{
    const struct builtin_var *bv = builtin_var_find(n->name);
    int64_t value;
    if (!bv && sem_script_enumerator(sem, n->name, &value)) {
        /* an enumerator of the script's enums: uint64, as bpftrace 0.17 types it */
        n->kind = N_INT;
        n->ival = value;
        n->type = type_int(8, false);
        return;
    }
    if (!bv && constant_lookup(sem->consts, n->name, &value)) {
        /* AF_INET, ECONNREFUSED, a #define, a kernel enumerator: a literal */
        n->kind = N_INT;
        n->ival = value;
        n->type = type_int(8, true);
        return;
    }
    if (!bv) {
        sem_error(sem, n->loc, "Unknown identifier: '%s'", n->name);
        n->type.kind = TY_NONE;
        return;
    }
    if (!offered_here(sem, n, bv->requires)) {
        n->type.kind = TY_NONE;
        return;
    }
    bv->check(sem, n);
}

/* sizeof(task_struct), offsetof(foo_t, x): an identifier that is no
 * built-in but names a type (a typedef, or a struct named without
 * `struct`, as bpftrace allows) is that type. */
static void name_as_type(struct semantic *sem, struct node *n)
{
    struct node *x = n->lhs;
    if (n->cast_type || x->kind != N_BUILTIN || builtin_var_find(x->name))
        return;
    struct type_name *tn = ast_alloc(sem->ast, sizeof(*tn));
    tn->base = x->name;
    tn->loc = x->loc;
    struct type t;
    if (sem_type_of_name(sem, tn, &t) == 0)
        n->cast_type = tn;
}

void sem_resolve_type_name(struct semantic *sem, struct type_name *tn)
{
    if (!tn || !tn->of)
        return;
    if (builtin_arg_is_whole_map(tn->of))
        sem_map_of(sem, tn->of);
    else
        sem_resolve_expr(sem, tn->of);
}

/* The arguments as the built-in takes them (builtins.h enum builtin_arg). */
static void resolve_call_args(struct semantic *sem, const struct builtin_func *bf, struct node *n)
{
    for (int i = 0; i < n->nargs; i++) {
        struct node *arg = n->args[i];
        switch (builtin_arg_kind(bf, i)) {
        case ARG_VALUE:
            sem_resolve_expr(sem, arg);
            break;
        case ARG_LITERAL:
            /* a format or a name, read at compile time: not a string value,
             * so the string size does not bound it */
            if (arg->kind == N_STRING)
                arg->type = (struct type){.kind = TY_STRING, .size = (uint32_t)arg->slen + 1};
            else
                sem_resolve_expr(sem, arg);
            break;
        case ARG_MAP_OR_VALUE: /* print(): a struct or array is printed from a copy */
            if (builtin_arg_is_whole_map(arg)) {
                sem_map_of(sem, arg);
            } else {
                sem_resolve_expr(sem, arg);
                n->args[i] = sem_copied_value(sem, arg);
            }
            break;
        case ARG_MAP:
            if (builtin_arg_is_whole_map(arg))
                sem_map_of(sem, arg);
            break;
        case ARG_MAP_ELEMENT:
            if (arg->kind == N_MAP)
                sem_resolve_map_keys(sem, arg);
            break;
        case ARG_RAW:
            break;
        }
    }
}

/* delete(@m, key) becomes delete(@m[key]) (is_prefix marks it done, for
 * later passes). False after an error. */
static bool fold_map_then_key(struct semantic *sem, struct node *n)
{
    struct node *m = n->args[0];
    if (m->kind != N_MAP || m->nargs != 0) {
        sem_error(sem, m->loc, "%s() expects a map argument", n->name);
        n->type.kind = TY_NONE;
        return false;
    }
    const struct map_info *known = semantic_map(sem, m->name);
    if (known && known->key_known && known->key.kind == TY_NONE) {
        sem_error(sem, m->loc, "%s() expects a map with keys, not the scalar map %s", n->name,
                  m->name);
        n->type.kind = TY_NONE;
        return false;
    }
    ast_push(sem->ast, &m->args, &m->nargs, n->args[1]);
    /* the key leaves the call's arguments: find(@m, k, $v) is find(@m[k], $v) */
    for (int i = 1; i + 1 < n->nargs; i++)
        n->args[i] = n->args[i + 1];
    n->nargs--;
    n->is_prefix = true;
    return true;
}

void sem_resolve_call(struct semantic *sem, struct node *n, bool as_map_value)
{
    const struct builtin_func *bf = builtin_func_find(n->name);
    n->type.kind = TY_NONE;
    if ((!bf || bf->min_args > 0) && n->nargs == 0 && builtin_var_find(n->name)) {
        /* pid() is pid: a built-in variable may be called without arguments
         * (comm() is comm, comm(pid) the function) */
        n->kind = N_BUILTIN;
        resolve_builtin(sem, n);
        return;
    }
    if (!bf) {
        sem_error(sem, n->loc, "Unknown function: %s", n->name);
        for (int i = 0; i < n->nargs; i++)
            sem_resolve_expr(sem, n->args[i]);
        return;
    }
    if (bf->map_then_key && !n->is_prefix && n->nargs >= 2 && n->nargs <= bf->max_args &&
        !fold_map_then_key(sem, n))
        return;
    /* folded (on this pass or an earlier one): counted as written */
    int written = n->nargs + (bf->map_then_key && n->is_prefix);
    if (written < bf->min_args || written > bf->max_args) {
        if (bf->min_args == bf->max_args)
            sem_error(sem, n->loc, "%s() requires %d argument%s (%d provided)", n->name,
                      bf->min_args, bf->min_args == 1 ? "" : "s", written);
        else
            sem_error(sem, n->loc, "%s() requires between %d and %d arguments (%d provided)",
                      n->name, bf->min_args, bf->max_args, written);
        return;
    }
    if (bf->cls == BC_AGGREGATION && !as_map_value) {
        sem_error(sem, n->loc, "%s() should be directly assigned to a map", n->name);
        return;
    }
    if (bf->cls != BC_AGGREGATION && as_map_value && bf->cls == BC_STATEMENT) {
        sem_error(sem, n->loc, "%s() has no value to assign", n->name);
        return;
    }
    if (bf->unsafe && !sem->unsafe) {
        n->type.kind = TY_VOID;
        sem_error(sem, n->loc, "%s() is an unsafe function being used in safe mode", n->name);
        return;
    }
    if (!offered_here(sem, n, bf->requires))
        return;
    n->builtin = bf;
    resolve_call_args(sem, bf, n);
    bf->check(sem, n);
}

/* Pointer arithmetic as in C and bpftrace: p + i, i + p and p - i move by
 * whole pointees and keep the pointer's type; nothing else (p - q, p * i,
 * i - p, ...) is allowed, as in bpftrace 0.17. */
static void resolve_pointer_arithmetic(struct semantic *sem, struct node *n)
{
    const struct type *l = &n->lhs->type, *r = &n->rhs->type;
    if (n->op == '+' && l->kind != r->kind)
        n->type = l->kind == TY_PTR ? *l : *r;
    else if (n->op == '-' && l->kind == TY_PTR && r->kind == TY_INT)
        n->type = *l;
    else
        sem_error(sem, n->loc, "invalid operands to %s: '%s' and '%s'", op_spelling(n->op),
                  type_name_of(l), type_name_of(r));
    n->type.is_char = false;
}

static void resolve_binary(struct semantic *sem, struct node *n)
{
    sem_resolve_expr(sem, n->lhs);
    sem_resolve_expr(sem, n->rhs);
    struct type *l = &n->lhs->type, *r = &n->rhs->type;
    n->type = type_int(8, true);
    if (l->kind == TY_NONE || r->kind == TY_NONE)
        return;
    if (l->kind == TY_STRING && r->kind == TY_STRING) {
        if (n->op != OP_EQ && n->op != OP_NE)
            sem_error(sem, n->loc, "strings can only be compared with == and !=, not %s",
                      op_spelling(n->op));
        return;
    }
    if ((l->kind == TY_PROBE || r->kind == TY_PROBE) && l->kind == r->kind &&
        (n->op == OP_EQ || n->op == OP_NE))
        return;
    if (l->kind == TY_TUPLE || r->kind == TY_TUPLE ||
        (l->kind == TY_ARRAY && r->kind == TY_ARRAY)) {
        /* compared byte by byte on the stack */
        n->lhs = sem_copied_value(sem, n->lhs);
        n->rhs = sem_copied_value(sem, n->rhs);
        if (sem_check_composite_compare(sem, n))
            n->type = type_int(8, false);
        return;
    }
    if ((l->kind != TY_INT && l->kind != TY_PTR) || (r->kind != TY_INT && r->kind != TY_PTR)) {
        sem_error(sem, n->loc, "invalid operands to %s: '%s' and '%s'", op_spelling(n->op),
                  type_name_of(l), type_name_of(r));
        return;
    }
    switch (n->op) {
    case OP_EQ: case OP_NE: case '<': case '>': case OP_LE: case OP_GE:
    case OP_LAND: case OP_LOR:
        n->type = type_int(8, false);
        break;
    default:
        if (l->kind == TY_PTR || r->kind == TY_PTR) {
            resolve_pointer_arithmetic(sem, n);
            break;
        }
        /* arithmetic is signed only when both sides are */
        n->type = type_int(8, l->is_signed && r->is_signed);
    }
}

static void resolve_ternary(struct semantic *sem, struct node *n)
{
    sem_resolve_expr(sem, n->cond);
    sem_resolve_expr(sem, n->then);
    sem_resolve_expr(sem, n->els);
    n->type.kind = TY_NONE;
    if (n->cond->type.kind != TY_NONE && !is_int(n->cond))
        sem_error(sem, n->cond->loc, "condition must be an integer, not '%s'",
                  type_name_of(&n->cond->type));
    struct type *a = &n->then->type, *b = &n->els->type;
    if (a->kind == TY_NONE || b->kind == TY_NONE)
        return;
    if (a->kind == TY_TUPLE && b->kind == TY_TUPLE) {
        /* one tuple type for both: their strings as long as the longer */
        struct type t = type_clone(&sem->types, a);
        bool grew = false;
        if (sem_unify(sem, &t, b, &grew))
            n->type = t;
        else
            sem_error(sem, n->loc, "ternary branches have different types: '%s' and '%s'",
                      type_name_of(a), type_name_of(b));
        return;
    }
    if (a->kind != b->kind) {
        sem_error(sem, n->loc, "ternary branches have different types: '%s' and '%s'",
                  type_name_of(a), type_name_of(b));
        return;
    }
    if (a->kind != TY_INT && a->kind != TY_STRING) {
        sem_error(sem, n->loc, "a ternary cannot choose between values of type '%s'",
                  type_name_of(a));
        return;
    }
    n->type = *a;
    if (a->kind == TY_STRING && b->size > a->size)
        n->type.size = b->size;
    if (a->kind == TY_INT)
        n->type = type_int(8, a->is_signed && b->is_signed);
}

/* ++ and -- work on integers, and on pointers (by a whole pointee). */
static bool is_steppable(const struct type *t)
{
    return t->kind == TY_INT || t->kind == TY_PTR;
}

static void resolve_incdec(struct semantic *sem, struct node *n)
{
    struct node *t = n->lhs;
    n->type = type_int(8, true);
    if (t->kind == N_MAP) {
        sem_resolve_map_keys(sem, t);
        if (t->map && !t->map->value_known)
            sem_map_set_value(sem, t, &n->type);
        else if (t->map && !is_steppable(&t->map->value))
            sem_error(sem, n->loc, "%s on %s, whose values are %s", op_spelling(n->op), t->name,
                      type_name_of(&t->map->value));
        if (t->map && is_steppable(&t->map->value))
            n->type = t->map->value;
        t->type = n->type;
    } else if (t->kind == N_VAR) {
        struct var_info *v = sem_var_with_value(sem, t->name);
        if (!v) {
            sem_error(sem, t->loc, "Undefined or undeclared variable: %s",
                      sem_var_written(sem, t->name));
            return;
        }
        if (!is_steppable(&v->type))
            sem_error(sem, n->loc, "%s on %s, which is %s", op_spelling(n->op), t->name,
                      type_name_of(&v->type));
        t->type = v->type;
        n->type = v->type;
    } else {
        sem_error(sem, n->loc, "%s needs a map or a variable", op_spelling(n->op));
    }
}

void sem_resolve_expr(struct semantic *sem, struct node *n)
{
    switch (n->kind) {
    case N_INT:
        n->type = type_int(8, !n->is_unsigned);
        break;
    case N_STRING:
        n->type.kind = TY_STRING;
        n->type.size = (uint32_t)n->slen + 1;
        /* a literal that is a value in the program must fit the string size
         * (bpftrace's rule); a parameter's text is cut to it like any read */
        if (!n->is_param_text && n->type.size > sem->strlen)
            sem_error(sem, n->loc, "String is too long (over %u bytes): %s", sem->strlen, n->str);
        break;
    case N_BUILTIN:
        resolve_builtin(sem, n);
        break;
    case N_VAR:
        sem_read_var(sem, n);
        break;
    case N_MAP:
        resolve_map_read(sem, n);
        break;
    case N_CALL:
        sem_resolve_call(sem, n, false);
        if (n->type.kind == TY_VOID && sem->final_pass)
            sem_error(sem, n->loc, "%s() has no value", n->name);
        break;
    case N_BINARY:
        resolve_binary(sem, n);
        break;
    case N_UNARY:
        sem_resolve_expr(sem, n->lhs);
        if (n->op == '*') {
            sem_type_deref(sem, n);
            break;
        }
        if (n->op == '&') {
            sem_type_address_of(sem, n);
            break;
        }
        n->type = type_int(8, n->op == '-' ? true : n->lhs->type.is_signed);
        if (n->op == '!')
            n->type = type_int(8, false);
        if (n->lhs->type.kind != TY_NONE && !is_int(n->lhs) &&
            !(n->op == '!' && n->lhs->type.kind == TY_PTR)) {
            sem_error(sem, n->loc, "invalid operand to unary %c: '%s'", n->op,
                      type_name_of(&n->lhs->type));
        }
        break;
    case N_TERNARY:
        resolve_ternary(sem, n);
        break;
    case N_FIELD:
        sem_resolve_expr(sem, n->lhs);
        sem_type_field(sem, n);
        break;
    case N_CAST:
        sem_resolve_type_name(sem, n->cast_type);
        sem_resolve_expr(sem, n->lhs);
        sem_type_cast(sem, n);
        break;
    case N_INCDEC:
        resolve_incdec(sem, n);
        break;
    case N_SIZEOF:
    case N_OFFSETOF:
        name_as_type(sem, n);
        sem_resolve_type_name(sem, n->cast_type);
        if (!n->cast_type)
            sem_resolve_expr(sem, n->lhs);
        if (n->kind == N_SIZEOF)
            sem_type_sizeof(sem, n);
        else
            sem_type_offsetof(sem, n);
        break;
    case N_TUPLE:
        for (int i = 0; i < n->nargs; i++) {
            sem_resolve_expr(sem, n->args[i]);
            n->args[i] = sem_copied_value(sem, n->args[i]);
        }
        sem_type_tuple(sem, n);
        break;
    case N_COPY:
        sem_resolve_expr(sem, n->lhs);
        sem_type_copy(sem, n);
        break;
    case N_BLOCK_EXPR: /* its statements, then its value */
        sem->resolve_stmts(sem, n->then, 0);
        sem_resolve_expr(sem, n->lhs);
        n->type = n->lhs->type;
        break;
    case N_INDEX:
        sem_resolve_expr(sem, n->lhs);
        sem_resolve_expr(sem, n->rhs);
        sem_type_index(sem, n);
        break;
    default:
        sem_error(sem, n->loc, "unexpected statement in an expression");
        n->type.kind = TY_NONE;
    }
}
