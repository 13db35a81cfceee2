/* Scratch variables ($x): declarations, assignments and their types.
 *
 * A variable has one type for the whole probe. It is the type given in
 * `let $x: T`, or else the type of its first assignment (a string grows to
 * its longest value unless declared `string[N]`), and it keeps its
 * width: `$x = (uint16)1` makes a 2-byte integer (sizeof($x) is 2, as in
 * bpftrace), and later values are stored converted to that width, so
 * `$x++` on a uint8 holding 255 gives 0, like bpftrace.
 *
 * A later value that would not fit is an error rather than a silent
 * truncation (bpftrace 0.17 drops such stores; bpftrace 0.21 to 0.23 reject
 * them, as here; the newest versions widen an untyped variable instead): an
 * integer literal out of the variable's range, or an expression
 * whose integer type is wider than the variable's. Arithmetic is computed in
 * 64 bits, but for this check an expression is as wide as its widest operand
 * (a literal counting as the smallest integer that holds it), which is the
 * width current bpftrace gives it: `$x = $x + 1` stays a uint8 assignment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"

struct var_info *unit_var(struct probe_unit *unit, const char *name)
{
    for (int i = 0; i < unit->nvars; i++)
        if (strcmp(unit->vars[i].name, name) == 0)
            return &unit->vars[i];
    return NULL;
}

struct var_info *sem_var_add(struct probe_unit *unit, const char *name)
{
    unit->vars = sem_xrealloc(unit->vars, unit->nvars + 1, sizeof(*unit->vars));
    struct var_info *v = &unit->vars[unit->nvars++];
    memset(v, 0, sizeof(*v));
    v->name = strdup(name);
    return v;
}

const char *sem_var_written(struct semantic *sem, const char *name)
{
    const char *tilde = strchr(name, '~');
    if (!tilde)
        return name;
    char buf[256];
    snprintf(buf, sizeof(buf), "%.*s", (int)(tilde - name), name);
    return ast_strdup(sem->ast, buf);
}

void sem_vars_new_pass(struct probe_unit *unit)
{
    for (int i = 0; i < unit->nvars; i++) {
        struct var_info *v = &unit->vars[i];
        *v = (struct var_info){
            .name = v->name, .string_size = v->string_size, .tuple_type = v->tuple_type};
    }
}

/* A string variable has one size for the whole probe, its longest value's
 * (sizeof($s) is the same before and after `$s = "longer"`, as in bpftrace):
 * a size seen in an earlier pass applies from the start, and a new one asks
 * for another pass. */
static void settle_string_size(struct semantic *sem, struct var_info *v)
{
    if (v->type.kind == TY_TUPLE) {
        /* the same for the strings inside a tuple */
        bool grew = false;
        if (v->tuple_type.kind != TY_TUPLE) {
            v->tuple_type = type_clone(&sem->types, &v->type);
            sem->changed = true;
            return;
        }
        sem_unify(sem, &v->type, &v->tuple_type, &grew); /* an earlier pass's widest */
        grew = false;
        if (sem_unify(sem, &v->tuple_type, &v->type, &grew) && grew)
            sem->changed = true;
        return;
    }
    if (v->type.kind != TY_STRING || !v->resizable)
        return;
    if (v->type.size < v->string_size) {
        v->type.size = v->string_size;
    } else if (v->type.size > v->string_size) {
        v->string_size = v->type.size;
        sem->changed = true;
    }
}

/* ---- integer widths ---------------------------------------------------- */

/* The smallest integer size (1, 2, 4, 8) holding a literal's value. */
static uint32_t literal_size(const struct node *n)
{
    if (!n->is_unsigned && n->ival < 0) {
        int64_t v = n->ival;
        return v >= INT8_MIN ? 1 : v >= INT16_MIN ? 2 : v >= INT32_MIN ? 4 : 8;
    }
    uint64_t u = (uint64_t)n->ival;
    return u <= UINT8_MAX ? 1 : u <= UINT16_MAX ? 2 : u <= UINT32_MAX ? 4 : 8;
}

static bool is_comparison(int op)
{
    switch (op) {
    case OP_EQ: case OP_NE: case '<': case '>': case OP_LE: case OP_GE:
    case OP_LAND: case OP_LOR:
        return true;
    default:
        return false;
    }
}

static uint32_t max_size(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}

/* How wide an integer expression is for assignment checks (see the top). */
static uint32_t natural_int_size(const struct node *n)
{
    switch (n->kind) {
    case N_INT:
        return literal_size(n);
    case N_BINARY:
        if (is_comparison(n->op))
            return 1;
        return max_size(natural_int_size(n->lhs), natural_int_size(n->rhs));
    case N_UNARY:
        if (n->op == '!')
            return 1;
        if (n->op == '-' || n->op == '~')
            return natural_int_size(n->lhs);
        break;
    case N_TERNARY:
        return max_size(natural_int_size(n->then), natural_int_size(n->els));
    default:
        break;
    }
    return n->type.kind == TY_INT ? n->type.size : 8;
}

/* Does literal n fit an integer of type t? Strict: its sign must too (a
 * declared type); otherwise any literal fits 64 bits, as in bpftrace 0.17. */
static bool literal_fits(const struct node *n, const struct type *t, bool strict)
{
    bool negative = !n->is_unsigned && n->ival < 0;
    if (t->size >= 8 && !strict)
        return true;
    if (!t->is_signed)
        return !negative && (t->size >= 8 || (uint64_t)n->ival < (1ull << (t->size * 8)));
    if (n->is_unsigned)
        return false; /* above INT64_MAX */
    if (t->size >= 8)
        return true;
    int64_t half = (int64_t)1 << (t->size * 8 - 1);
    return n->ival >= -half && n->ival < half;
}

static const char *literal_text(const struct node *n)
{
    static char buf[32];
    if (n->is_unsigned)
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n->ival);
    else
        snprintf(buf, sizeof(buf), "%lld", (long long)n->ival);
    return buf;
}

/* Is the integer value of assignment n fit for variable v? Reports why not. */
static void check_int_value(struct semantic *sem, const struct node *n, const struct var_info *v)
{
    const struct node *rhs = n->rhs;
    if (rhs->kind == N_INT) {
        if (!literal_fits(rhs, &v->type, v->typed))
            sem_error(sem, n->loc,
                      "type mismatch for %s: trying to assign value '%s' which does not fit into "
                      "the variable of type '%s'",
                      sem_var_written(sem, v->name), literal_text(rhs), type_name_of(&v->type));
        return;
    }
    uint32_t size = natural_int_size(rhs);
    if (size > v->type.size) {
        struct type wide = type_int(size, rhs->type.is_signed);
        sem_error(sem, n->loc,
                  "Integer size mismatch. Assignment type '%s' is larger than the variable type "
                  "'%s'.",
                  type_name_of(&wide), type_name_of(&v->type));
    }
}

/* ---- assignments ------------------------------------------------------- */

static void mismatch(struct semantic *sem, const struct node *n, const struct var_info *v,
                     const struct type *vt)
{
    sem_error(sem, n->loc,
              "type mismatch for %s: trying to assign value of type '%s' when variable already %s "
              "'%s'",
              sem_var_written(sem, v->name), type_name_of(vt),
              v->typed && !v->has_value ? "has a type" : "contains a value of type",
              type_name_of(&v->type));
}

/* A value for a variable whose type is already fixed (by `let $x: T` or an
 * earlier assignment). */
static void check_value(struct semantic *sem, const struct node *n, struct var_info *v,
                        const struct type *vt)
{
    if (v->type.kind != vt->kind) {
        mismatch(sem, n, v, vt);
        return;
    }
    switch (vt->kind) {
    case TY_INT:
        check_int_value(sem, n, v);
        return;
    case TY_STRING:
        /* `let $s: string[N]` holds at most N bytes; otherwise the variable
         * grows to its longest value */
        if (!v->resizable && vt->size > v->type.size) {
            mismatch(sem, n, v, vt);
            return;
        }
        if (vt->size > v->type.size)
            v->type.size = vt->size;
        return;
    case TY_TUPLE: {
        bool grew = false;
        if (!sem_unify(sem, &v->type, vt, &grew))
            sem_error(sem, n->loc, "Tuple type mismatch: %s != %s.", type_name_of(&v->type),
                      type_name_of(vt));
        return;
    }
    default: {
        bool grew = false;
        if (!sem_unify(sem, &v->type, vt, &grew))
            mismatch(sem, n, v, vt);
    }
    }
}

/* The type a first assignment gives a variable: the value's own, integer
 * width included (a tuple copied, as it may grow with later values). */
static struct type first_type(struct semantic *sem, const struct type *vt)
{
    struct type t = type_clone(&sem->types, vt);
    if (t.kind == TY_INT)
        t.is_char = false;
    return t;
}

void sem_assign_var(struct semantic *sem, struct node *n)
{
    struct node *t = n->lhs;
    struct var_info *v = n->op ? sem_var_with_value(sem, t->name) : unit_var(sem->cur, t->name);
    const struct type *vt = &n->rhs->type;
    if (n->op) {
        if (!v) {
            sem_error(sem, t->loc, "Undefined or undeclared variable: %s",
                      sem_var_written(sem, t->name));
            return;
        }
        t->type = v->type;
        if (vt->kind == TY_NONE)
            return;
        bool ints = v->type.kind == TY_INT && vt->kind == TY_INT;
        bool pointer_step = v->type.kind == TY_PTR && vt->kind == TY_INT &&
                            (n->op == '+' || n->op == '-');
        if (!ints && !pointer_step)
            sem_error(sem, n->loc, "invalid operands to %s=: '%s' and '%s'", op_spelling(n->op),
                      type_name_of(&v->type), type_name_of(vt));
        else if (ints)
            check_int_value(sem, n, v); /* $x op= e is $x = $x op e */
        return;
    }
    if (!v)
        v = sem_var_add(sem->cur, t->name);
    if (vt->kind == TY_NONE)
        return; /* not known yet, or reported */
    if (vt->kind == TY_VOID || type_is_aggregation(vt) || vt->kind == TY_CTX) {
        sem_error(sem, n->rhs->loc, "value of type '%s' cannot be assigned to a variable",
                  type_name_of(vt));
        return;
    }
    if (v->typed || v->assigned) {
        check_value(sem, n, v, vt);
    } else {
        v->type = first_type(sem, vt);
        v->resizable = true;
    }
    settle_string_size(sem, v);
    v->assigned = true;
    v->has_value = true;
    t->type = v->type;
}

/* ---- declarations ------------------------------------------------------ */

/* The type written after `let $x:`: an integer, a pointer, or a string
 * (`string` takes its size from the values assigned, `string[N]` holds N
 * bytes). 0, or -1 after an error. */
static int declared_type(struct semantic *sem, const struct node *decl, struct type *out)
{
    const struct type_name *tn = decl->cast_type;
    if (tn->of) {
        /* typeof(expr): the expression's type, a string's size included */
        if (sem_type_of_name(sem, tn, out) != 0)
            return -1;
        if (out->kind != TY_INT && out->kind != TY_PTR && out->kind != TY_STRING &&
            out->kind != TY_TUPLE) {
            sem_error(sem, tn->loc, "invalid variable declaration type: %s", type_name_of(out));
            return -1;
        }
        return 0;
    }
    bool is_string = strcmp(tn->base, "string") == 0 && tn->pointers == 0;
    if (tn->has_len && (!is_string || tn->array_len < 1 || tn->array_len > UINT16_MAX)) {
        sem_error(sem, tn->loc, "invalid variable declaration type: %s[%lld]", tn->base,
                  (long long)tn->array_len);
        return -1;
    }
    if (is_string) {
        /* `string` alone: an empty string until a value gives it a size */
        *out = (struct type){.kind = TY_STRING, .size = tn->has_len ? (uint32_t)tn->array_len : 1};
        return 0;
    }
    if (sem_type_of_name(sem, tn, out) < 0) {
        sem_error(sem, tn->loc, "unknown type: %s", tn->base);
        return -1;
    }
    if (out->kind != TY_INT && out->kind != TY_PTR) {
        sem_error(sem, tn->loc, "invalid variable declaration type: %s", tn->base);
        return -1;
    }
    out->is_char = false;
    return 0;
}

static bool same_type(const struct type *a, const struct type *b)
{
    if (a->kind != b->kind || a->size != b->size || a->is_signed != b->is_signed)
        return false;
    return a->kind != TY_PTR || (a->elem && b->elem && same_type(a->elem, b->elem));
}

void sem_declare_var(struct semantic *sem, struct node *decl)
{
    struct type dt = {0};
    bool typed = decl->cast_type && declared_type(sem, decl, &dt) == 0;
    if (decl->cast_type && !typed)
        return;
    struct var_info *v = unit_var(sem->cur, decl->name);
    if (v && v->has_value && !v->declared) {
        sem_error(sem, decl->loc,
                  "Variable declarations need to occur before variable usage or assignment. "
                  "Variable: %s",
                  sem_var_written(sem, decl->name));
        return;
    }
    if (v && v->declared && typed && !(v->typed && same_type(&v->type, &dt))) {
        sem_error(sem, decl->loc,
                  "Variable %s was already declared. Variable shadowing is not allowed.",
                  sem_var_written(sem, decl->name));
        return;
    }
    if (!v)
        v = sem_var_add(sem->cur, decl->name);
    v->declared = true;
    if (typed && !v->typed) {
        v->typed = true;
        v->type = dt;
        v->resizable =
            dt.kind == TY_STRING && !decl->cast_type->has_len && !decl->cast_type->of;
        settle_string_size(sem, v);
        v->assigned = true; /* readable: it starts at zero */
    }
    if (decl->rhs) {
        struct node target = {.kind = N_VAR, .loc = decl->loc, .name = decl->name};
        struct node assign = {.kind = N_ASSIGN, .loc = decl->loc, .lhs = &target, .rhs = decl->rhs};
        sem_assign_var(sem, &assign); /* its value was resolved by the statement */
    }
}

struct var_info *sem_var_with_value(struct semantic *sem, const char *name)
{
    struct var_info *v = unit_var(sem->cur, name);
    if (v && v->declared && !v->assigned) {
        /* `let $x;` used before any assignment: an integer zero */
        v->type = type_int(8, true);
        v->assigned = true;
    }
    return v && v->assigned ? v : NULL;
}

void sem_read_var(struct semantic *sem, struct node *n)
{
    struct var_info *v = sem_var_with_value(sem, n->name);
    if (!v) {
        sem_error(sem, n->loc, "Undefined or undeclared variable: %s",
                  sem_var_written(sem, n->name));
        n->type.kind = TY_NONE;
        return;
    }
    n->type = v->type;
}
