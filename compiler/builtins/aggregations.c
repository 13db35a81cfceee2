/* Aggregations: count, sum, min, max, avg, stats, hist, lhist. Each is
 * only ever the value of a map element (`@m[k] = hist(x)`): the check fixes
 * the map's value type, the code updates the element in place, per CPU. */
#include "builtins/entries.h"
#include "codegen/maps.h"
#include "sema/sema.h"

/* ---- checks ---- */

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

/* sum, min, max, avg, stats of an integer, `size` bytes per CPU. A sum
 * keeps its argument's signedness; min, max, avg and stats are int64s, as
 * bpftrace 0.17 compares and prints them (min((uint64)-3) prints -3). */
static void check_int_aggregation(struct semantic *sem, struct node *call, enum type_kind kind,
                                  uint32_t size)
{
    bool is_signed = kind == TY_SUM ? call->args[0]->type.is_signed : true;
    if (!require_int_arg(sem, call, 0))
        is_signed = true;
    set_agg(sem, call, kind, size, is_signed);
}

void check_sum(struct semantic *sem, struct node *call)
{
    check_int_aggregation(sem, call, TY_SUM, 8);
}

/* min, max: struct { s64 value; u64 is_set; } */
void check_min(struct semantic *sem, struct node *call)
{
    check_int_aggregation(sem, call, TY_MIN, 16);
}

void check_max(struct semantic *sem, struct node *call)
{
    check_int_aggregation(sem, call, TY_MAX, 16);
}

/* avg, stats: struct { s64 count; s64 total; } */
void check_avg(struct semantic *sem, struct node *call)
{
    check_int_aggregation(sem, call, TY_AVG, 16);
}

void check_stats(struct semantic *sem, struct node *call)
{
    check_int_aggregation(sem, call, TY_STATS, 16);
}

/* hist(x [, k]): k, a literal 0..5, splits each power of two into 2^k
 * buckets; one k per map. Messages as current bpftrace's. */
void check_hist(struct semantic *sem, struct node *call)
{
    require_int_arg(sem, call, 0);
    int64_t bits = 0;
    if (call->nargs == 2) {
        if (!sem_literal_int(call->args[1], &bits)) {
            if (call->args[1]->type.kind != TY_NONE)
                sem_error(sem, call->loc, "hist() expects a integer literal (%s provided)",
                          call->args[1]->type.kind == TY_INT
                              ? "integer"
                              : type_name_of(&call->args[1]->type));
            return;
        }
        if (bits < 0 || bits > HIST_MAX_BITS) {
            sem_error(sem, call->loc, "hist: bits %lld must be 0..%d", (long long)bits,
                      HIST_MAX_BITS);
            return;
        }
    }
    set_agg(sem, call, TY_HIST, 8, false);
    struct map_info *m = sem->agg_target ? sem->agg_target->map : NULL;
    if (!m)
        return;
    if (m->hist_bits_set && m->hist_bits != bits) {
        sem_error(sem, call->loc, "Different bits in a single hist unsupported");
        return;
    }
    m->hist_bits = (int)bits;
    m->hist_bits_set = true;
}

void check_lhist(struct semantic *sem, struct node *call)
{
    require_int_arg(sem, call, 0);
    int64_t v[3];
    static const char *what[3] = {"min", "max", "step"};
    for (int i = 0; i < 3; i++) {
        if (!sem_literal_int(call->args[i + 1], &v[i])) {
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

/* ---- code: the value's update in place, and its first value ---- */

struct agg_arg {
    LLVMValueRef value; /* the argument, or the increment */
    bool is_signed;
    bool is_max;
};

static LLVMValueRef field_ptr(struct codegen *g, LLVMValueRef base, uint32_t off)
{
    return gen_byte_ptr(g, base, off);
}

LLVMValueRef gen_count(struct codegen *g, struct node *call, const struct gen_args *a)
{
    gen_map_add(g, a->target->map->id, a->key, gen_i64(g, 1));
    return NULL;
}

LLVMValueRef gen_sum(struct codegen *g, struct node *call, const struct gen_args *a)
{
    gen_map_add(g, a->target->map->id, a->key, a->value[0]);
    return NULL;
}

/* min/max value: struct { s64 value; u64 is_set; } */
static void min_max_update(struct codegen *g, LLVMValueRef p, void *arg)
{
    struct agg_arg *a = arg;
    LLVMValueRef old = gen_load_i64(g, p);
    LLVMValueRef is_set = gen_load_i64(g, field_ptr(g, p, 8));
    LLVMIntPredicate pred = a->is_max ? (a->is_signed ? LLVMIntSGT : LLVMIntUGT)
                                      : (a->is_signed ? LLVMIntSLT : LLVMIntULT);
    LLVMValueRef better = LLVMBuildICmp(g->b, pred, a->value, old, "");
    LLVMValueRef unset = LLVMBuildICmp(g->b, LLVMIntEQ, is_set, gen_i64(g, 0), "");
    LLVMValueRef take = LLVMBuildOr(g->b, better, unset, "");
    gen_store_i64(g, p, LLVMBuildSelect(g->b, take, a->value, old, ""));
    gen_store_i64(g, field_ptr(g, p, 8), gen_i64(g, 1));
}

static void min_max_init(struct codegen *g, LLVMValueRef p, void *arg)
{
    struct agg_arg *a = arg;
    gen_store_i64(g, p, a->value);
    gen_store_i64(g, field_ptr(g, p, 8), gen_i64(g, 1));
}

static void gen_min_max(struct codegen *g, struct node *call, const struct gen_args *a,
                        bool is_max)
{
    struct agg_arg arg = {
        .value = a->value[0],
        .is_signed = call->type.is_signed,
        .is_max = is_max,
    };
    gen_map_upsert(g, a->target->map->id, a->key, 16, min_max_update, min_max_init, &arg);
}

LLVMValueRef gen_min(struct codegen *g, struct node *call, const struct gen_args *a)
{
    gen_min_max(g, call, a, false);
    return NULL;
}

LLVMValueRef gen_max(struct codegen *g, struct node *call, const struct gen_args *a)
{
    gen_min_max(g, call, a, true);
    return NULL;
}

/* avg/stats value: struct { s64 count; s64 total; } */
static void avg_update(struct codegen *g, LLVMValueRef p, void *arg)
{
    struct agg_arg *a = arg;
    gen_store_i64(g, p, LLVMBuildAdd(g->b, gen_load_i64(g, p), gen_i64(g, 1), ""));
    LLVMValueRef tp = field_ptr(g, p, 8);
    gen_store_i64(g, tp, LLVMBuildAdd(g->b, gen_load_i64(g, tp), a->value, ""));
}

static void avg_init(struct codegen *g, LLVMValueRef p, void *arg)
{
    struct agg_arg *a = arg;
    gen_store_i64(g, p, gen_i64(g, 1));
    gen_store_i64(g, field_ptr(g, p, 8), a->value);
}

LLVMValueRef gen_avg_stats(struct codegen *g, struct node *call, const struct gen_args *a)
{
    struct agg_arg add = {.value = a->value[0]};
    gen_map_upsert(g, a->target->map->id, a->key, 16, avg_update, avg_init, &add);
    return NULL;
}

/* Bucket of a power-of-two histogram (see program.h): 0 for negatives (65
 * for an unsigned value with the top bit set: a huge number), 1 for zero,
 * 2 + floor(log2(n)) otherwise. A binary search in branches, three BPF
 * instructions a step (compare, shift, add) where selects would take seven. */
static LLVMValueRef gen_log2_bucket(struct codegen *g, LLVMValueRef n, bool is_signed)
{
    LLVMBasicBlockRef done = gen_block(g, "log2_done");
    LLVMValueRef vals[8];
    LLVMBasicBlockRef from[8];
    int nin = 0;
    LLVMBasicBlockRef positive = gen_block(g, "log2_positive");
    LLVMBasicBlockRef search = gen_block(g, "log2_search");
    vals[nin] = gen_i64(g, is_signed ? 0 : 65);
    from[nin++] = LLVMGetInsertBlock(g->b);
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, n, gen_i64(g, 0), ""), done, positive);
    LLVMPositionBuilderAtEnd(g->b, positive);
    vals[nin] = gen_i64(g, 1);
    from[nin++] = positive;
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, n, gen_i64(g, 0), ""), done, search);
    LLVMPositionBuilderAtEnd(g->b, search);
    LLVMValueRef v = n, r = gen_i64(g, 2);
    for (int s = 32; s > 0; s /= 2) {
        LLVMBasicBlockRef before = LLVMGetInsertBlock(g->b);
        LLVMBasicBlockRef big = gen_block(g, "log2_big");
        LLVMBasicBlockRef next = gen_block(g, "log2_next");
        LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntUGE, v, gen_i64(g, (int64_t)1 << s), ""),
                        big, next);
        LLVMPositionBuilderAtEnd(g->b, big);
        LLVMValueRef v2 = gen_opaque(g, LLVMBuildLShr(g->b, v, gen_i64(g, s), ""));
        LLVMValueRef r2 = LLVMBuildAdd(g->b, r, gen_i64(g, s), "");
        LLVMBuildBr(g->b, next);
        LLVMPositionBuilderAtEnd(g->b, next);
        LLVMBasicBlockRef bbs[2] = {before, big};
        LLVMValueRef vs[2] = {v, v2}, rs[2] = {r, r2};
        v = LLVMBuildPhi(g->b, g->i64, "");
        LLVMAddIncoming(v, vs, bbs, 2);
        r = LLVMBuildPhi(g->b, g->i64, "");
        LLVMAddIncoming(r, rs, bbs, 2);
    }
    vals[nin] = r;
    from[nin++] = LLVMGetInsertBlock(g->b);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
    LLVMValueRef bucket = LLVMBuildPhi(g->b, g->i64, "");
    LLVMAddIncoming(bucket, vals, from, (unsigned)nin);
    return bucket;
}

/* The bucket index goes after the user key (the key_extra bytes). */
static void count_bucket(struct codegen *g, const struct gen_args *a, LLVMValueRef bucket)
{
    const struct map_info *m = a->target->map;
    gen_store_i64(g, gen_byte_ptr(g, a->key, map_key_size(m)), bucket);
    gen_map_add(g, m->id, a->key, gen_i64(g, 1));
}

/* hist(n, k), k > 0: from the log2 bucket b = 2 + floor(log2(n)) of a
 * positive n, the index (p << k) + (n >> p) + 1 with p = max(0, b - 2 - k)
 * (program.h): the top k bits after the leading one pick the sub-bucket.
 * Buckets 0 (negative) and 1 (zero) stay as they are. */
static LLVMValueRef gen_split_bucket(struct codegen *g, LLVMValueRef n, LLVMValueRef log2_bucket,
                                     int k)
{
    LLVMValueRef l = LLVMBuildSub(g->b, log2_bucket, gen_i64(g, 2), "");
    LLVMValueRef wide = LLVMBuildICmp(g->b, LLVMIntSGT, l, gen_i64(g, k), "");
    LLVMValueRef p = LLVMBuildSelect(g->b, wide, LLVMBuildSub(g->b, l, gen_i64(g, k), ""),
                                     gen_i64(g, 0), "");
    LLVMValueRef index = LLVMBuildAdd(g->b, LLVMBuildShl(g->b, p, gen_i64(g, k), ""),
                                      LLVMBuildLShr(g->b, n, p, ""), "");
    index = LLVMBuildAdd(g->b, index, gen_i64(g, 1), "");
    LLVMValueRef positive = LLVMBuildICmp(g->b, LLVMIntUGE, log2_bucket, gen_i64(g, 2), "");
    return LLVMBuildSelect(g->b, positive, index, log2_bucket, "");
}

LLVMValueRef gen_hist(struct codegen *g, struct node *call, const struct gen_args *a)
{
    bool is_signed = call->args[0]->type.is_signed;
    LLVMValueRef bucket = gen_log2_bucket(g, a->value[0], is_signed);
    int k = a->target->map->hist_bits;
    if (k > 0) {
        /* an unsigned value with the top bit set has bucket 65: log2 63 */
        bucket = gen_split_bucket(g, a->value[0], bucket, k);
    }
    count_bucket(g, a, bucket);
    return NULL;
}

LLVMValueRef gen_lhist(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const struct map_info *m = a->target->map;
    LLVMValueRef v = a->value[0];
    LLVMValueRef min = gen_i64(g, m->lhist_min), max = gen_i64(g, m->lhist_max);
    int64_t over = 1 + (m->lhist_max - m->lhist_min) / m->lhist_step;
    bool s = call->args[0]->type.is_signed;
    LLVMValueRef below = LLVMBuildICmp(g->b, s ? LLVMIntSLT : LLVMIntULT, v, min, "");
    LLVMValueRef above = LLVMBuildICmp(g->b, s ? LLVMIntSGE : LLVMIntUGE, v, max, "");
    LLVMValueRef in = LLVMBuildAdd(
        g->b, LLVMBuildUDiv(g->b, LLVMBuildSub(g->b, v, min, ""), gen_i64(g, m->lhist_step), ""),
        gen_i64(g, 1), "");
    LLVMValueRef b = LLVMBuildSelect(g->b, above, gen_i64(g, over), in, "");
    count_bucket(g, a, LLVMBuildSelect(g->b, below, gen_i64(g, 0), b, ""));
    return NULL;
}
