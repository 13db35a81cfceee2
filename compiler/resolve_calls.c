/* Type checks of the built-in functions and variables (the `check` column of
 * the table in builtins.c), and tracepoint argument fields. */
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "printf_spec.h"
#include "probes/probe_kind.h"
#include "sem_util.h"

static void resolve_args(struct semantic *sem, struct node *call, int from)
{
    for (int i = from; i < call->nargs; i++)
        sem_resolve_expr(sem, call->args[i]);
}

static bool require_int_arg(struct semantic *sem, struct node *call, int i)
{
    struct node *a = call->args[i];
    if (a->type.kind == TY_NONE)
        return false;
    if (a->type.kind != TY_INT) {
        sem_error(sem, a->loc, "%s() expects an integer argument, got '%s'", call->name,
                  type_name_of(&a->type));
        return false;
    }
    return true;
}

/* A compile-time integer: a literal, possibly negated. */
static bool literal_int(const struct node *n, int64_t *out)
{
    if (n->kind == N_INT) {
        *out = n->ival;
        return true;
    }
    if (n->kind == N_UNARY && n->op == '-' && n->lhs->kind == N_INT) {
        *out = -n->lhs->ival;
        return true;
    }
    return false;
}

int sem_add_async(struct semantic *sem, struct node *call, enum async_kind kind)
{
    if (!sem->final_pass)
        return -1;
    struct async_desc *a = realloc(sem->asyncs, (sem->nasyncs + 1) * sizeof(*a));
    if (!a) {
        perror("sobt");
        exit(1);
    }
    sem->asyncs = a;
    a = &sem->asyncs[sem->nasyncs];
    memset(a, 0, sizeof(*a));
    a->kind = kind;
    a->map_id = -1;
    call->async_id = sem->nasyncs++;
    return call->async_id;
}

static void set_agg(struct semantic *sem, struct node *call, enum type_kind kind, uint32_t size,
                    bool is_signed)
{
    struct type t = {.kind = kind, .size = size, .is_signed = is_signed};
    call->type = t;
    if (sem->agg_target)
        sem_map_set_value(sem, sem->agg_target, &t);
}

void check_count(struct semantic *sem, struct node *call)
{
    set_agg(sem, call, TY_COUNT, 8, false);
}

void check_int_aggregation(struct semantic *sem, struct node *call)
{
    resolve_args(sem, call, 0);
    bool is_signed = call->args[0]->type.is_signed;
    if (!require_int_arg(sem, call, 0))
        is_signed = true;
    const char *n = call->name;
    if (strcmp(n, "sum") == 0)
        set_agg(sem, call, TY_SUM, 8, is_signed);
    else if (strcmp(n, "min") == 0)
        set_agg(sem, call, TY_MIN, 16, is_signed);
    else if (strcmp(n, "max") == 0)
        set_agg(sem, call, TY_MAX, 16, is_signed);
    else if (strcmp(n, "avg") == 0)
        set_agg(sem, call, TY_AVG, 16, is_signed);
    else
        set_agg(sem, call, TY_STATS, 16, is_signed);
}

void check_hist(struct semantic *sem, struct node *call)
{
    resolve_args(sem, call, 0);
    require_int_arg(sem, call, 0);
    set_agg(sem, call, TY_HIST, 8, false);
}

void check_lhist(struct semantic *sem, struct node *call)
{
    resolve_args(sem, call, 0);
    require_int_arg(sem, call, 0);
    int64_t v[3];
    static const char *what[3] = {"min", "max", "step"};
    for (int i = 0; i < 3; i++) {
        if (!literal_int(call->args[i + 1], &v[i])) {
            sem_error(sem, call->args[i + 1]->loc, "lhist() %s must be an integer literal",
                      what[i]);
            return;
        }
    }
    if (v[0] < 0 || v[1] <= v[0] || v[2] <= 0) {
        sem_error(sem, call->loc,
                  "lhist() needs 0 <= min < max and step > 0 (min %lld, max %lld, step %lld)",
                  (long long)v[0], (long long)v[1], (long long)v[2]);
        return;
    }
    if ((v[1] - v[0]) / v[2] > 1000) {
        sem_error(sem, call->loc, "lhist() would have more than 1000 buckets");
        return;
    }
    set_agg(sem, call, TY_LHIST, 8, false);
    struct map_info *m = sem->agg_target ? sem->agg_target->map : NULL;
    if (!m)
        return;
    if (m->lhist_step && (m->lhist_min != v[0] || m->lhist_max != v[1] || m->lhist_step != v[2]))
        sem_error(sem, call->loc, "lhist() of %s is called with different bounds elsewhere",
                  m->name);
    m->lhist_min = v[0];
    m->lhist_max = v[1];
    m->lhist_step = v[2];
}

/* The argument record of an event: one field per argument, laid out as a
 * tuple of their storage types. */
void sem_async_args(struct semantic *sem, struct node *call, int from, struct async_desc *a)
{
    struct type tup = {.kind = TY_TUPLE, .nfields = call->nargs - from};
    tup.fields = calloc(tup.nfields ? tup.nfields : 1, sizeof(struct type));
    for (int i = from; i < call->nargs; i++) {
        struct type t = call->args[i]->type;
        if (t.kind == TY_INT)
            t = type_int(8, t.is_signed);
        tup.fields[i - from] = t;
    }
    type_layout_tuple(&tup);
    record_from_type(&tup, &a->args);
    free(tup.fields);
    free(tup.offsets);
    (void)sem;
}

/* printf, system and cat: a format literal and printf-style arguments,
 * checked against each other and carried to userspace in an event. */
void sem_check_formatted_event(struct semantic *sem, struct node *call, enum async_kind kind)
{
    call->type.kind = TY_VOID;
    struct node *fmt = call->args[0];
    if (fmt->kind != N_STRING) {
        sem_error(sem, fmt->loc, "%s() needs a string literal as its format", call->name);
        return;
    }
    resolve_args(sem, call, 1);
    int nargs = call->nargs - 1;
    const struct type *types[32];
    for (int i = 0; i < nargs; i++) {
        types[i] = &call->args[i + 1]->type;
        if (types[i]->kind == TY_NONE)
            return; /* reported where it was resolved */
        if (!type_is_printable(types[i])) {
            sem_error(sem, call->args[i + 1]->loc, "%s() cannot print a value of type '%s'",
                      call->name, type_name_of(types[i]));
            return;
        }
    }
    struct printf_error err;
    if (printf_check(fmt->str, types, nargs, &err) < 0) {
        struct loc at = err.arg_index >= 0 ? call->args[err.arg_index + 1]->loc : call->loc;
        sem_error(sem, at, "%s", err.message);
        return;
    }
    if (sem_add_async(sem, call, kind) < 0)
        return;
    struct async_desc *a = &sem->asyncs[call->async_id];
    a->fmt = strdup(fmt->str);
    sem_async_args(sem, call, 1, a);
}

void check_printf(struct semantic *sem, struct node *call)
{
    sem_check_formatted_event(sem, call, ASYNC_PRINTF);
}

void check_print(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    struct node *arg = call->args[0];
    if (arg->kind == N_MAP && arg->nargs == 0) {
        sem_map_ref(sem, arg);
        int64_t top = 0, div = 0;
        if (call->nargs > 1 && !literal_int(call->args[1], &top))
            sem_error(sem, call->args[1]->loc, "print() top must be an integer literal");
        if (call->nargs > 2 && !literal_int(call->args[2], &div))
            sem_error(sem, call->args[2]->loc, "print() div must be an integer literal");
        if (top < 0 || div < 0)
            sem_error(sem, call->loc, "print() top and div must not be negative");
        if (sem_add_async(sem, call, ASYNC_PRINT) < 0)
            return;
        struct async_desc *a = &sem->asyncs[call->async_id];
        a->map_id = arg->map->id;
        a->top = (uint64_t)top;
        a->div = (uint64_t)div;
        return;
    }
    if (call->nargs > 1) {
        sem_error(sem, call->loc, "print() takes top and div only for a whole map");
        return;
    }
    sem_resolve_expr(sem, arg);
    if (arg->type.kind == TY_NONE)
        return;
    if (!type_is_printable(&arg->type)) {
        sem_error(sem, arg->loc, "print() cannot print a value of type '%s'",
                  type_name_of(&arg->type));
        return;
    }
    if (sem_add_async(sem, call, ASYNC_PRINT_VALUE) < 0)
        return;
    sem_async_args(sem, call, 0, &sem->asyncs[call->async_id]);
}

void check_map_only(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    struct node *arg = call->args[0];
    if (arg->kind != N_MAP || arg->nargs != 0) {
        sem_error(sem, arg->loc, "%s() expects a map without a key, e.g. %s(@name)", call->name,
                  call->name);
        return;
    }
    sem_map_ref(sem, arg);
    if (sem_add_async(sem, call, strcmp(call->name, "clear") == 0 ? ASYNC_CLEAR : ASYNC_ZERO) < 0)
        return;
    sem->asyncs[call->async_id].map_id = arg->map->id;
}

void check_delete(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    struct node *arg = call->args[0];
    if (arg->kind != N_MAP) {
        sem_error(sem, arg->loc, "delete() expects a map element, e.g. delete(@name[key])");
        return;
    }
    sem_resolve_map_keys(sem, arg);
}

void check_time(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    if (call->nargs == 1 && call->args[0]->kind != N_STRING) {
        sem_error(sem, call->args[0]->loc, "time() format must be a string literal");
        return;
    }
    if (sem_add_async(sem, call, ASYNC_TIME) < 0)
        return;
    sem->asyncs[call->async_id].fmt = strdup(call->nargs ? call->args[0]->str : "%H:%M:%S\n");
}

void check_exit(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    sem_add_async(sem, call, ASYNC_EXIT);
}

/* ---- built-in variables ---- */

void check_var_u64(struct semantic *sem, struct node *n)
{
    n->type = type_int(8, false);
    (void)sem;
}

void check_var_comm(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_STRING;
    n->type.size = 16;
    (void)sem;
}

void check_var_probe(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_PROBE;
    n->type.size = 8;
    (void)sem;
}

/* Is the built-in variable n offered by the context of the probe being
 * resolved (enum probe_offer)? Says which kinds offer it if not. */
static bool offered_here(struct semantic *sem, struct node *n, unsigned offer)
{
    if (probe_kind_of(sem->cur->provider)->offers & offer)
        return true;
    char kinds[256];
    probe_kinds_offering(offer, kinds, sizeof(kinds));
    sem_error(sem, n->loc, "The %s builtin can only be used with %s probes", n->name, kinds);
    return false;
}

void check_var_args(struct semantic *sem, struct node *n)
{
    n->type.kind = offered_here(sem, n, OFFERS_ARGS) ? TY_CTX : TY_NONE;
}

/* arg0..arg5, retval and func: registers of the probed function. */
void check_var_arg(struct semantic *sem, struct node *n)
{
    n->type = type_int(8, false);
    offered_here(sem, n, OFFERS_ARGN);
}

void check_var_retval(struct semantic *sem, struct node *n)
{
    n->type = type_int(8, true);
    offered_here(sem, n, OFFERS_RETVAL);
}

void check_var_func(struct semantic *sem, struct node *n)
{
    n->type = (struct type){.kind = TY_KSYM, .size = 8};
    offered_here(sem, n, OFFERS_FUNC);
}

/* curtask: the current task_struct, a kernel pointer. */
void check_var_curtask(struct semantic *sem, struct node *n)
{
    if (type_from_name(&sem->types, "struct task_struct", 1, false, &n->type) < 0)
        n->type = type_int(8, false); /* no BTF: still the address */
}

/* rand: 32 random bits, typed uint64 as in bpftrace 0.17 (sizeof(rand) is 8). */
void check_var_rand(struct semantic *sem, struct node *n)
{
    n->type = type_int(8, false);
    (void)sem;
}
