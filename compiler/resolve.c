/* Semantic analysis. Maps are global and may be used in one probe before the
 * probe that gives them a type, so the whole program is resolved repeatedly
 * until no map type changes, with errors reported only on the last pass. */
#include "resolve.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "compile.h"
#include "preprocess/constants.h"
#include "diag.h"
#include "sem_util.h"

#define MAX_PASSES 8

void sem_error(struct semantic *sem, struct loc loc, const char *fmt, ...)
{
    if (!sem->final_pass)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag_error(sem->src, loc, "%s", msg);
    sem->errors++;
}

void *sem_xrealloc(void *p, size_t n, size_t size)
{
    void *r = realloc(p, n * size);
    if (!r) {
        perror("sobt");
        exit(1);
    }
    return r;
}

const char *type_name_of(const struct type *t)
{
    static char buf[8][48];
    static int slot;
    char *b = buf[slot++ % 8];
    switch (t->kind) {
    case TY_INT:
        snprintf(b, 48, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
        return b;
    case TY_STRING:
        snprintf(b, 48, "string[%u]", t->size);
        return b;
    case TY_PROBE: return "probe";
    case TY_TUPLE: return "tuple";
    case TY_PTR: /* "int32 *", "struct sock **", as bpftrace names them */
        snprintf(b, 48, "%s%s*", t->elem ? type_name_of(t->elem) : "void",
                 t->elem && t->elem->kind == TY_PTR ? "" : " ");
        return b;
    case TY_ARRAY: return "array";
    case TY_RECORD: return record_name(t);
    case TY_CTX: return "args";
    case TY_COUNT: return "count";
    case TY_SUM: return "sum";
    case TY_MIN: return "min";
    case TY_MAX: return "max";
    case TY_AVG: return "avg";
    case TY_STATS: return "stats";
    case TY_HIST: return "hist";
    case TY_LHIST: return "lhist";
    case TY_VOID: return "void";
    case TY_KSTACK: return "kstack";
    case TY_USTACK: return "ustack";
    case TY_KSYM: return "ksym";
    case TY_USYM: return "usym";
    case TY_INET: return "inet";
    default: return "unknown";
    }
}

/* ---- maps and variables ---------------------------------------------- */

struct map_info *semantic_map(struct semantic *sem, const char *name)
{
    for (int i = 0; i < sem->nmaps; i++)
        if (strcmp(sem->maps[i]->name, name) == 0)
            return sem->maps[i];
    return NULL;
}

static struct map_info *map_get(struct semantic *sem, struct node *n)
{
    struct map_info *m = semantic_map(sem, n->name);
    if (m)
        return m;
    sem->maps = sem_xrealloc(sem->maps, sem->nmaps + 1, sizeof(*sem->maps));
    m = calloc(1, sizeof(*m));
    if (!m) {
        perror("sobt");
        exit(1);
    }
    sem->maps[sem->nmaps] = m;
    m->name = strdup(n->name);
    m->id = sem->nmaps++;
    m->first_loc = n->loc;
    return m;
}

struct var_info *unit_var(struct probe_unit *unit, const char *name)
{
    for (int i = 0; i < unit->nvars; i++)
        if (strcmp(unit->vars[i].name, name) == 0)
            return &unit->vars[i];
    return NULL;
}

/* Types as stored in maps: integers widen to 64 bits, keeping their
 * signedness, as bpftrace does. (Variables keep their width: resolve_vars.c.) */
static struct type storage_type(const struct type *t)
{
    if (t->kind == TY_INT)
        return type_int(8, t->is_signed);
    return *t;
}

/* Can a value of type `from` be stored where `to` was established? Strings
 * of different lengths unify to the longer one. Returns false on mismatch. */
bool sem_unify(struct type *to, const struct type *from, bool *grew)
{
    if (to->kind != from->kind)
        return false;
    switch (to->kind) {
    case TY_STRING:
        if (from->size > to->size) {
            to->size = from->size;
            *grew = true;
        }
        return true;
    case TY_INT:
        /* a signed value stored in an unsigned slot (or the reverse) keeps
         * the first signedness; bpftrace does the same */
        return true;
    case TY_TUPLE:
        if (to->nfields != from->nfields)
            return false;
        for (int i = 0; i < to->nfields; i++)
            if (!sem_unify(&to->fields[i], &from->fields[i], grew))
                return false;
        if (*grew)
            type_layout_tuple(to);
        return true;
    default:
        return true;
    }
}

/* ---- expressions ------------------------------------------------------- */

static void resolve_expr(struct semantic *sem, struct node *n);
static void resolve_block(struct semantic *sem, struct node *n, int loop_depth);

static bool is_int(const struct node *n)
{
    return n->type.kind == TY_INT;
}

/* The key of `@m[a, b]` as one type: nothing, one element, or a tuple. */
static struct type key_type_of(struct semantic *sem, struct node *map)
{
    struct type k = {0};
    if (map->nargs == 0)
        return k;
    if (map->nargs == 1)
        return storage_type(&map->args[0]->type);
    k.kind = TY_TUPLE;
    k.nfields = map->nargs;
    k.fields = calloc(map->nargs, sizeof(struct type));
    for (int i = 0; i < map->nargs; i++)
        k.fields[i] = storage_type(&map->args[i]->type);
    type_layout_tuple(&k);
    (void)sem;
    return k;
}

static bool key_element_ok(struct semantic *sem, struct node *arg)
{
    if (arg->type.kind == TY_NONE)
        return false; /* not known yet, or already reported */
    if (type_is_printable(&arg->type))
        return true;
    sem_error(sem, arg->loc, "%s cannot be used as a map key", type_name_of(&arg->type));
    return false;
}

static void free_type(struct type *t)
{
    if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->nfields; i++)
            free_type(&t->fields[i]);
        free(t->fields);
        free(t->offsets);
        t->fields = NULL;
        t->offsets = NULL;
    }
}

/* Resolve the keys of a map reference and fix or check the map's key type. */
static void resolve_map_keys(struct semantic *sem, struct node *n)
{
    bool ok = true;
    for (int i = 0; i < n->nargs; i++) {
        resolve_expr(sem, n->args[i]);
        ok = key_element_ok(sem, n->args[i]) && ok;
    }
    struct map_info *m = map_get(sem, n);
    n->map = m;
    if (!ok)
        return;
    struct type k = key_type_of(sem, n);
    if (!m->key_known) {
        m->key = k;
        m->key_known = true;
        sem->changed = true;
        return;
    }
    bool grew = false;
    if (m->key.kind == TY_NONE && k.kind == TY_NONE)
        return;
    if (m->key.kind == TY_NONE || k.kind == TY_NONE || !sem_unify(&m->key, &k, &grew)) {
        if (m->key.kind == TY_NONE)
            sem_error(sem, n->loc, "%s used with a key here but without one elsewhere", n->name);
        else if (k.kind == TY_NONE)
            sem_error(sem, n->loc, "%s used without a key here but with one elsewhere", n->name);
        else
            sem_error(sem, n->loc, "%s used with inconsistent key types", n->name);
    }
    if (grew)
        sem->changed = true;
    free_type(&k);
}

/* Fix or check the value type of a map. */
static void map_set_value(struct semantic *sem, struct node *mapnode, const struct type *vt)
{
    struct map_info *m = mapnode->map;
    if (!m || vt->kind == TY_NONE)
        return;
    struct type st = storage_type(vt);
    if (!m->value_known) {
        m->value = st;
        m->value_known = true;
        sem->changed = true;
        return;
    }
    bool grew = false;
    if (!sem_unify(&m->value, &st, &grew)) {
        sem_error(sem, mapnode->loc,
                  "type mismatch for %s: trying to assign value of type '%s' when map already "
                  "contains a value of type '%s'",
                  m->name, type_name_of(&st), type_name_of(&m->value));
        return;
    }
    if (grew)
        sem->changed = true;
}

static void resolve_map_read(struct semantic *sem, struct node *n)
{
    resolve_map_keys(sem, n);
    struct map_info *m = n->map;
    if (!m || !m->value_known) {
        if (sem->final_pass && m && !m->value_known)
            sem_error(sem, n->loc, "undefined map: %s is read but never assigned", n->name);
        n->type.kind = TY_NONE;
        return;
    }
    if (!type_is_aggregation(&m->value)) {
        n->type = m->value; /* pointers keep their pointee type and memory */
        return;
    }
    switch (m->value.kind) {
    case TY_COUNT:
    case TY_SUM:
    case TY_MIN:
    case TY_MAX:
        /* per-CPU: the BPF program sees this CPU's partial value, as in bpftrace */
        n->type = type_int(8, m->value.is_signed);
        break;
    default:
        sem_error(sem, n->loc, "the value of %s (%s) cannot be read in a probe", n->name,
                  type_name_of(&m->value));
        n->type.kind = TY_NONE;
    }
}

static void resolve_builtin(struct semantic *sem, struct node *n)
{
    const struct builtin_var *bv = builtin_var_find(n->name);
    int64_t value;
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
    bv->check(sem, n);
}

static void resolve_call(struct semantic *sem, struct node *n, bool as_map_value)
{
    const struct builtin_func *bf = builtin_func_find(n->name);
    n->type.kind = TY_NONE;
    if (!bf) {
        sem_error(sem, n->loc, "Unknown function: %s", n->name);
        for (int i = 0; i < n->nargs; i++)
            resolve_expr(sem, n->args[i]);
        return;
    }
    if (n->nargs < bf->min_args || n->nargs > bf->max_args) {
        if (bf->min_args == bf->max_args)
            sem_error(sem, n->loc, "%s() requires %d argument%s (%d provided)", n->name,
                      bf->min_args, bf->min_args == 1 ? "" : "s", n->nargs);
        else
            sem_error(sem, n->loc, "%s() requires between %d and %d arguments (%d provided)",
                      n->name, bf->min_args, bf->max_args, n->nargs);
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
    /* arguments that name maps are resolved by the check itself */
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
    resolve_expr(sem, n->lhs);
    resolve_expr(sem, n->rhs);
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
    resolve_expr(sem, n->cond);
    resolve_expr(sem, n->then);
    resolve_expr(sem, n->els);
    n->type.kind = TY_NONE;
    if (n->cond->type.kind != TY_NONE && !is_int(n->cond))
        sem_error(sem, n->cond->loc, "condition must be an integer, not '%s'",
                  type_name_of(&n->cond->type));
    struct type *a = &n->then->type, *b = &n->els->type;
    if (a->kind == TY_NONE || b->kind == TY_NONE)
        return;
    if (a->kind != b->kind || (a->kind != TY_INT && a->kind != TY_STRING)) {
        sem_error(sem, n->loc, "ternary branches have different types: '%s' and '%s'",
                  type_name_of(a), type_name_of(b));
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
        resolve_map_keys(sem, t);
        if (t->map && !t->map->value_known)
            map_set_value(sem, t, &n->type);
        else if (t->map && !is_steppable(&t->map->value))
            sem_error(sem, n->loc, "%s on %s, whose values are %s", op_spelling(n->op), t->name,
                      type_name_of(&t->map->value));
        if (t->map && is_steppable(&t->map->value))
            n->type = t->map->value;
        t->type = n->type;
    } else if (t->kind == N_VAR) {
        struct var_info *v = unit_var(sem->cur, t->name);
        if (!v || !v->assigned) {
            sem_error(sem, t->loc, "Undefined or undeclared variable: %s", t->name);
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

static void resolve_expr(struct semantic *sem, struct node *n)
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
    case N_VAR: {
        if (sem_is_positional(n)) {
            sem_resolve_positional(sem, n);
            break;
        }
        sem_read_var(sem, n);
        break;
    }
    case N_MAP:
        resolve_map_read(sem, n);
        break;
    case N_CALL:
        resolve_call(sem, n, false);
        if (n->type.kind == TY_VOID && sem->final_pass)
            sem_error(sem, n->loc, "%s() has no value", n->name);
        break;
    case N_BINARY:
        resolve_binary(sem, n);
        break;
    case N_UNARY:
        if (n->op == '*') {
            resolve_deref(sem, n);
            break;
        }
        resolve_expr(sem, n->lhs);
        n->type = type_int(8, n->op == '-' ? true : n->lhs->type.is_signed);
        if (n->op == '!')
            n->type = type_int(8, false);
        if (n->op == '&') {
            sem_error(sem, n->loc, "the address-of operator & is not supported");
            n->type.kind = TY_NONE;
        } else if (n->lhs->type.kind != TY_NONE && !is_int(n->lhs) &&
                   !(n->op == '!' && n->lhs->type.kind == TY_PTR)) {
            sem_error(sem, n->loc, "invalid operand to unary %c: '%s'", n->op,
                      type_name_of(&n->lhs->type));
        }
        break;
    case N_TERNARY:
        resolve_ternary(sem, n);
        break;
    case N_FIELD:
        resolve_field(sem, n);
        break;
    case N_CAST:
        resolve_cast(sem, n);
        break;
    case N_INCDEC:
        resolve_incdec(sem, n);
        break;
    case N_SIZEOF:
        resolve_sizeof(sem, n);
        break;
    case N_TUPLE:
        for (int i = 0; i < n->nargs; i++)
            resolve_expr(sem, n->args[i]);
        sem_error(sem, n->loc, "tuples are only supported as map keys");
        n->type.kind = TY_NONE;
        break;
    case N_INDEX:
        resolve_index(sem, n);
        break;
    default:
        sem_error(sem, n->loc, "unexpected statement in an expression");
        n->type.kind = TY_NONE;
    }
}

/* ---- statements -------------------------------------------------------- */

static void resolve_assign(struct semantic *sem, struct node *n)
{
    struct node *t = n->lhs;
    if (t->kind == N_MAP && n->rhs->kind == N_CALL && !n->op) {
        const struct builtin_func *bf = builtin_func_find(n->rhs->name);
        if (bf && bf->cls == BC_AGGREGATION) {
            resolve_map_keys(sem, t);
            sem->agg_target = t;
            resolve_call(sem, n->rhs, true);
            sem->agg_target = NULL;
            /* the aggregation's check stored the map's value type */
            return;
        }
    }
    resolve_expr(sem, n->rhs);
    if (t->kind == N_VAR) {
        sem_assign_var(sem, n);
        return;
    }
    if (t->kind != N_MAP) {
        sem_error(sem, t->loc, "can only assign to maps and $variables");
        return;
    }
    resolve_map_keys(sem, t);
    if (n->op) {
        struct type it = type_int(8, true);
        if (t->map && !t->map->value_known)
            map_set_value(sem, t, &it);
        if (n->rhs->type.kind != TY_NONE && n->rhs->type.kind != TY_INT)
            sem_error(sem, n->rhs->loc, "%s= needs an integer, not '%s'", op_spelling(n->op),
                      type_name_of(&n->rhs->type));
        bool pointer_step = t->map && t->map->value.kind == TY_PTR &&
                            (n->op == '+' || n->op == '-');
        if (t->map && t->map->value_known && t->map->value.kind != TY_INT && !pointer_step)
            sem_error(sem, n->loc, "%s= on %s, whose values are %s", op_spelling(n->op), t->name,
                      type_name_of(&t->map->value));
        t->type = t->map ? t->map->value : it;
        return;
    }
    struct type vt = n->rhs->type;
    if (vt.kind == TY_VOID || vt.kind == TY_CTX || vt.kind == TY_TUPLE) {
        sem_error(sem, n->rhs->loc, "value of type '%s' cannot be stored in a map",
                  type_name_of(&vt));
        return;
    }
    map_set_value(sem, t, &vt);
    if (t->map)
        t->type = t->map->value;
}

static void resolve_cond(struct semantic *sem, struct node *c)
{
    resolve_expr(sem, c);
    if (c->type.kind != TY_NONE && c->type.kind != TY_INT && c->type.kind != TY_PTR)
        sem_error(sem, c->loc, "condition must be an integer, not '%s'", type_name_of(&c->type));
}

static void resolve_stmt(struct semantic *sem, struct node *n, int loop_depth)
{
    switch (n->kind) {
    case N_EXPR_STMT:
        if (n->lhs->kind == N_CALL)
            resolve_call(sem, n->lhs, false);
        else
            resolve_expr(sem, n->lhs);
        break;
    case N_ASSIGN:
        resolve_assign(sem, n);
        break;
    case N_VAR_DECL:
        sem_declare_var(sem, n);
        break;
    case N_IF:
        resolve_cond(sem, n->cond);
        resolve_block(sem, n->then, loop_depth);
        if (n->els) {
            if (n->els->kind == N_IF)
                resolve_stmt(sem, n->els, loop_depth);
            else
                resolve_block(sem, n->els, loop_depth);
        }
        break;
    case N_WHILE:
        resolve_cond(sem, n->cond);
        resolve_block(sem, n->then, loop_depth + 1);
        break;
    case N_UNROLL:
        if (n->ival < 1 || n->ival > 100)
            sem_error(sem, n->loc, "unroll count must be between 1 and 100");
        resolve_block(sem, n->then, loop_depth);
        break;
    case N_RETURN:
        if (n->lhs)
            resolve_expr(sem, n->lhs);
        break;
    case N_BREAK:
    case N_CONTINUE:
        if (loop_depth == 0)
            sem_error(sem, n->loc, "%s outside of a loop", n->kind == N_BREAK ? "break" : "continue");
        break;
    case N_BLOCK:
        resolve_block(sem, n, loop_depth);
        break;
    default:
        sem_error(sem, n->loc, "unexpected node in a statement list");
    }
}

static void resolve_block(struct semantic *sem, struct node *n, int loop_depth)
{
    for (int i = 0; i < n->nstmts; i++)
        resolve_stmt(sem, n->stmts[i], loop_depth);
}

void sem_resolve_expr(struct semantic *sem, struct node *n)
{
    resolve_expr(sem, n);
}

void sem_map_set_value(struct semantic *sem, struct node *mapnode, const struct type *vt)
{
    map_set_value(sem, mapnode, vt);
}

void sem_resolve_map_keys(struct semantic *sem, struct node *mapnode)
{
    resolve_map_keys(sem, mapnode);
}

void sem_map_ref(struct semantic *sem, struct node *mapnode)
{
    mapnode->map = map_get(sem, mapnode);
}

static void resolve_units(struct semantic *sem)
{
    for (int i = 0; i < sem->nunits; i++) {
        struct probe_unit *u = &sem->units[i];
        sem->cur = u;
        sem_vars_new_pass(u);
        if (u->probe->pred)
            resolve_cond(sem, u->probe->pred);
        resolve_block(sem, u->probe->then, 0);
    }
    sem->cur = NULL;
}

/* The default of bpftrace's max_map_keys (BPFTRACE_MAP_KEYS_MAX). */
#define DEFAULT_MAX_MAP_KEYS 4096

/* config = { missing_probes = "warn"; max_strlen = 128; max_map_keys = 8192 } */
static void resolve_config(struct semantic *sem, const struct node *config)
{
    for (int i = 0; config && i < config->nargs; i++) {
        const struct node *a = config->args[i];
        const char *key = a->lhs->name;
        const struct node *v = a->rhs;
        if (strcmp(key, "missing_probes") == 0) {
            static const char *modes[] = {"error", "warn", "ignore"};
            int m = -1;
            for (int k = 0; k < 3 && v->kind == N_STRING; k++)
                if (strcmp(v->str, modes[k]) == 0)
                    m = k;
            if (m < 0)
                sem_error(sem, v->loc, "missing_probes must be \"error\", \"warn\" or \"ignore\"");
            else
                sem->missing_probes = (enum missing_probes_policy)m;
        } else if (strcmp(key, "max_strlen") == 0) {
            if (v->kind != N_INT || v->ival < 1 || v->ival > 200)
                sem_error(sem, v->loc, "max_strlen must be an integer between 1 and 200");
            else
                sem->strlen = (uint32_t)v->ival;
        } else if (strcmp(key, "max_map_keys") == 0) {
            if (v->kind != N_INT || v->ival < 1 || v->ival > UINT32_MAX)
                sem_error(sem, v->loc, "max_map_keys must be a positive integer");
            else
                sem->max_map_keys = (uint32_t)v->ival;
        } else {
            sem_error(sem, a->loc,
                      "unknown config setting: %s (supported: missing_probes, max_strlen, "
                      "max_map_keys)",
                      key);
        }
    }
}

int resolve_program(struct semantic *sem, struct ast *ast, const struct constants *consts,
                    const struct compile_options *opts)
{
    memset(sem, 0, sizeof(*sem));
    sem->consts = consts;
    sem->params = opts->params;
    sem->nparams = opts->nparams;
    sem->ast = ast;
    sem->src = ast->src;
    sem->unsafe = opts->unsafe;
    sem->strlen = opts->strlen ? opts->strlen : 64;
    sem->max_map_keys = DEFAULT_MAX_MAP_KEYS;
    sem->final_pass = true;
    resolve_config(sem, ast->root->config);
    sem->final_pass = false;
    /* as in bpftrace, the environment wins over the script's config block */
    if (opts->max_map_keys)
        sem->max_map_keys = opts->max_map_keys;
    if (opts->missing_probes_set)
        sem->missing_probes = opts->missing_probes;
    attach_points_keep_missing_functions(opts->verify_only ||
                                         sem->missing_probes != MISSING_PROBES_ERROR);
    if (sem->errors || sem_expand_probes(sem) < 0)
        return -1;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
        sem->changed = false;
        resolve_units(sem);
        bool split = false;
        for (int i = 0; i < sem->nunits; i++)
            split |= sem->units[i].needs_split;
        if (split) {
            sem_split_units(sem);
            sem->changed = true;
        }
        if (!sem->changed)
            break;
    }
    sem->final_pass = true;
    resolve_units(sem);
    for (int i = 0; i < sem->nmaps && !sem->errors; i++) {
        struct map_info *m = sem->maps[i];
        if (!m->value_known) {
            diag_error(sem->src, m->first_loc, "map %s is used but never assigned a value",
                       m->name);
            sem->errors++;
        }
    }
    return sem->errors ? -1 : 0;
}

void semantic_free(struct semantic *sem)
{
    for (int i = 0; i < sem->nmaps; i++) {
        free(sem->maps[i]->name);
        free_type(&sem->maps[i]->key);
        free_type(&sem->maps[i]->value);
        free(sem->maps[i]);
    }
    free(sem->maps);
    for (int i = 0; i < sem->nunits; i++)
        sem_free_unit(&sem->units[i]);
    free(sem->units);
    type_arena_free(&sem->types);
    for (int i = 0; i < sem->nasyncs; i++) {
        free(sem->asyncs[i].fmt);
        free(sem->asyncs[i].args.fields);
    }
    free(sem->asyncs);
    for (int i = 0; i < sem->nprobe_names; i++)
        free(sem->probe_names[i]);
    free(sem->probe_names);
    memset(sem, 0, sizeof(*sem));
}
