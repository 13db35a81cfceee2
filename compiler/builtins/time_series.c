/* tseries(n, interval, intervals[, "avg"|"max"|"min"|"sum"]): a time series
 * of an integer, as current bpftrace has it. Time is CLOCK_TAI cut into
 * intervals (epoch = TAI ns / interval); each key keeps `intervals` slots
 * (slot = epoch % intervals, the BPF key's last 8 bytes, as a hist keeps
 * its buckets), each slot the epoch it holds and that epoch's value: the
 * last written (the write's TAI time beside it, to pick the latest CPU's),
 * or the avg, max, min or sum of the values written in it. A write into a
 * slot that holds an older epoch starts it over. Per CPU, combined when
 * printed (runtime/output/tseries_rows.c). */
#include <string.h>

#include "builtins/entries.h"
#include "codegen/maps.h"
#include "sema/sema.h"

#define TSERIES_MAX_INTERVALS 1000 /* rows a graph prints; slots a key takes */

static int agg_of_name(const char *name)
{
    static const char *const names[] = {
        [TSERIES_AVG] = "avg", [TSERIES_MAX] = "max", [TSERIES_MIN] = "min", [TSERIES_SUM] = "sum"};
    for (int i = TSERIES_AVG; i <= TSERIES_SUM; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

/* A positive integer literal (a duration is one: 100ms), or false after
 * the error. */
static bool positive_literal(struct semantic *sem, const struct node *arg, const char *what,
                             int64_t max, int64_t *out)
{
    if (!sem_literal_int(arg, out)) {
        sem_error(sem, arg->loc, "tseries() %s must be an integer literal", what);
        return false;
    }
    if (*out <= 0 || (max && *out > max)) {
        if (max)
            sem_error(sem, arg->loc, "tseries() %s must be between 1 and %lld, not %lld", what,
                      (long long)max, (long long)*out);
        else
            sem_error(sem, arg->loc, "tseries() %s must be greater than 0, not %lld", what,
                      (long long)*out);
        return false;
    }
    return true;
}

void check_tseries(struct semantic *sem, struct node *call)
{
    if (sem->settings.unstable_tseries == UNSTABLE_ERROR) {
        sem_error(sem, call->loc,
                  "tseries() is an unstable feature that the config block turned off "
                  "(unstable_tseries = error)");
        return;
    }
    const struct type *n = &call->args[0]->type;
    if (n->kind != TY_NONE && n->kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "tseries() expects an integer argument, got '%s'",
                  type_name_of(n));
        return;
    }
    int64_t interval, intervals;
    if (!positive_literal(sem, call->args[1], "interval", 0, &interval) ||
        !positive_literal(sem, call->args[2], "number of intervals", TSERIES_MAX_INTERVALS,
                          &intervals))
        return;
    int agg = TSERIES_LAST;
    if (call->nargs == 4) {
        const struct node *a = call->args[3];
        agg = a->kind == N_STRING ? agg_of_name(a->str) : -1;
        if (agg < 0) {
            sem_error(sem, a->loc,
                      "tseries() aggregation must be \"avg\", \"max\", \"min\" or \"sum\"");
            return;
        }
    }
    struct type t = {
        .kind = TY_TSERIES, .size = 24, .is_signed = n->kind != TY_INT || n->is_signed};
    call->type = t;
    if (!sem->agg_target)
        return;
    sem_map_set_value(sem, sem->agg_target, &t);
    struct map_info *m = sem->agg_target->map;
    if (!m)
        return;
    if (m->tseries_intervals && (m->tseries_interval_ns != interval ||
                                 m->tseries_intervals != intervals || m->tseries_agg != agg))
        sem_error(sem, call->loc, "tseries() of %s is called with different arguments elsewhere",
                  m->name);
    m->tseries_interval_ns = interval;
    m->tseries_intervals = intervals;
    m->tseries_agg = agg;
}

/* ---- code ---- */

struct tseries_write {
    LLVMValueRef value, epoch, now;
    int agg;
    bool is_signed;
};

/* meta of a slot's first value in an epoch: the time for the last value,
 * one value for avg */
static LLVMValueRef first_meta(struct codegen *g, const struct tseries_write *w)
{
    return w->agg == TSERIES_AVG ? gen_i64(g, 1) : w->now;
}

static void tseries_init(struct codegen *g, LLVMValueRef p, void *arg)
{
    const struct tseries_write *w = arg;
    gen_store_i64(g, p, w->value);
    gen_store_i64(g, gen_byte_ptr(g, p, 8), first_meta(g, w));
    gen_store_i64(g, gen_byte_ptr(g, p, 16), w->epoch);
}

/* The slot's value and meta after this write when it already holds this
 * epoch. */
static void combine(struct codegen *g, const struct tseries_write *w, LLVMValueRef old,
                    LLVMValueRef meta, LLVMValueRef *value, LLVMValueRef *new_meta)
{
    *value = w->value;
    *new_meta = meta;
    switch (w->agg) {
    case TSERIES_LAST:
        *new_meta = w->now;
        break;
    case TSERIES_AVG:
        *value = LLVMBuildAdd(g->b, old, w->value, "");
        *new_meta = LLVMBuildAdd(g->b, meta, gen_i64(g, 1), "");
        break;
    case TSERIES_SUM:
        *value = LLVMBuildAdd(g->b, old, w->value, "");
        break;
    case TSERIES_MAX:
    case TSERIES_MIN: {
        LLVMIntPredicate pred = w->agg == TSERIES_MAX ? (w->is_signed ? LLVMIntSGT : LLVMIntUGT)
                                                      : (w->is_signed ? LLVMIntSLT : LLVMIntULT);
        LLVMValueRef better = LLVMBuildICmp(g->b, pred, w->value, old, "");
        *value = LLVMBuildSelect(g->b, better, w->value, old, "");
        break;
    }
    }
}

static void tseries_update(struct codegen *g, LLVMValueRef p, void *arg)
{
    const struct tseries_write *w = arg;
    LLVMValueRef meta_p = gen_byte_ptr(g, p, 8), epoch_p = gen_byte_ptr(g, p, 16);
    LLVMValueRef old = gen_load_i64(g, p), meta = gen_load_i64(g, meta_p);
    LLVMValueRef same = LLVMBuildICmp(g->b, LLVMIntEQ, gen_load_i64(g, epoch_p), w->epoch, "");
    LLVMValueRef value, new_meta;
    combine(g, w, old, meta, &value, &new_meta);
    gen_store_i64(g, p, LLVMBuildSelect(g->b, same, value, w->value, ""));
    gen_store_i64(g, meta_p, LLVMBuildSelect(g->b, same, new_meta, first_meta(g, w), ""));
    gen_store_i64(g, epoch_p, w->epoch);
}

LLVMValueRef gen_tseries(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const struct map_info *m = a->target->map;
    struct tseries_write w = {
        .value = a->value[0],
        .now = gen_helper(g, HELPER_KTIME_GET_TAI_NS, g->i64, NULL, 0),
        .agg = m->tseries_agg,
        .is_signed = call->type.is_signed,
    };
    w.epoch = LLVMBuildUDiv(g->b, w.now, gen_i64(g, m->tseries_interval_ns), "");
    LLVMValueRef slot = LLVMBuildURem(g->b, w.epoch, gen_i64(g, m->tseries_intervals), "");
    gen_store_i64(g, gen_byte_ptr(g, a->key, map_key_size(m)), slot);
    gen_map_upsert(g, m->id, a->key, 24, tseries_update, tseries_init, &w);
    return NULL;
}
