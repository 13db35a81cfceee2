/* Code generation of built-in functions and variables (the `gen` column of
 * the table in builtins.c). */
#include <string.h>

#include "builtins.h"
#include "codegen.h"

/* ---- aggregations: per-CPU values updated in place -------------------- */

struct agg_arg {
    LLVMValueRef value; /* the argument, or the increment */
    bool is_signed;
    bool is_max;
};

static LLVMValueRef field_ptr(struct codegen *g, LLVMValueRef base, uint32_t off)
{
    return gen_byte_ptr(g, base, off);
}

static void add_to_first(struct codegen *g, LLVMValueRef p, void *arg)
{
    struct agg_arg *a = arg;
    LLVMValueRef old = gen_load_i64(g, p);
    gen_store_i64(g, p, LLVMBuildAdd(g->b, old, a->value, ""));
}

static void set_first(struct codegen *g, LLVMValueRef p, void *arg)
{
    struct agg_arg *a = arg;
    gen_store_i64(g, p, a->value);
}

LLVMValueRef gen_count(struct codegen *g, struct node *call, struct node *map)
{
    struct agg_arg a = {.value = gen_i64(g, 1)};
    LLVMValueRef key = gen_map_key(g, map, 0);
    gen_map_upsert(g, map->map->id, key, 8, add_to_first, set_first, &a);
    return NULL;
}

LLVMValueRef gen_sum(struct codegen *g, struct node *call, struct node *map)
{
    struct agg_arg a = {.value = gen_expr(g, call->args[0])};
    LLVMValueRef key = gen_map_key(g, map, 0);
    gen_map_upsert(g, map->map->id, key, 8, add_to_first, set_first, &a);
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

LLVMValueRef gen_min_max(struct codegen *g, struct node *call, struct node *map)
{
    struct agg_arg a = {
        .value = gen_expr(g, call->args[0]),
        .is_signed = call->args[0]->type.is_signed,
        .is_max = strcmp(call->name, "max") == 0,
    };
    LLVMValueRef key = gen_map_key(g, map, 0);
    gen_map_upsert(g, map->map->id, key, 16, min_max_update, min_max_init, &a);
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

LLVMValueRef gen_avg_stats(struct codegen *g, struct node *call, struct node *map)
{
    struct agg_arg a = {.value = gen_expr(g, call->args[0])};
    LLVMValueRef key = gen_map_key(g, map, 0);
    gen_map_upsert(g, map->map->id, key, 16, avg_update, avg_init, &a);
    return NULL;
}

/* Bucket of a power-of-two histogram (see program.h): 0 for negatives, 1 for
 * zero, 2 + floor(log2(n)) otherwise. A branch-free binary search. */
static LLVMValueRef gen_log2_bucket(struct codegen *g, LLVMValueRef n)
{
    LLVMValueRef v = n, r = gen_i64(g, 0);
    for (int s = 32; s > 0; s /= 2) {
        LLVMValueRef big = LLVMBuildICmp(g->b, LLVMIntUGE, v, gen_i64(g, (int64_t)1 << s), "");
        v = LLVMBuildSelect(g->b, big, LLVMBuildLShr(g->b, v, gen_i64(g, s), ""), v, "");
        r = LLVMBuildSelect(g->b, big, LLVMBuildAdd(g->b, r, gen_i64(g, s), ""), r, "");
    }
    LLVMValueRef positive = LLVMBuildAdd(g->b, r, gen_i64(g, 2), "");
    LLVMValueRef is_zero = LLVMBuildICmp(g->b, LLVMIntEQ, n, gen_i64(g, 0), "");
    LLVMValueRef is_neg = LLVMBuildICmp(g->b, LLVMIntSLT, n, gen_i64(g, 0), "");
    LLVMValueRef b = LLVMBuildSelect(g->b, is_zero, gen_i64(g, 1), positive, "");
    return LLVMBuildSelect(g->b, is_neg, gen_i64(g, 0), b, "");
}

static void count_bucket(struct codegen *g, struct node *map, LLVMValueRef bucket)
{
    const struct map_info *m = map->map;
    uint32_t ks = map_key_size(m);
    LLVMValueRef key = gen_map_key(g, map, 8);
    gen_store_i64(g, gen_byte_ptr(g, key, ks), bucket);
    struct agg_arg a = {.value = gen_i64(g, 1)};
    gen_map_upsert(g, m->id, key, 8, add_to_first, set_first, &a);
}

LLVMValueRef gen_hist(struct codegen *g, struct node *call, struct node *map)
{
    LLVMValueRef v = gen_expr(g, call->args[0]);
    /* an unsigned argument with the top bit set is a huge number, not a negative one */
    if (!call->args[0]->type.is_signed) {
        LLVMValueRef top = LLVMBuildICmp(g->b, LLVMIntSLT, v, gen_i64(g, 0), "");
        LLVMValueRef b = gen_log2_bucket(g, v);
        count_bucket(g, map, LLVMBuildSelect(g->b, top, gen_i64(g, 65), b, ""));
        return NULL;
    }
    count_bucket(g, map, gen_log2_bucket(g, v));
    return NULL;
}

LLVMValueRef gen_lhist(struct codegen *g, struct node *call, struct node *map)
{
    const struct map_info *m = map->map;
    LLVMValueRef v = gen_expr(g, call->args[0]);
    LLVMValueRef min = gen_i64(g, m->lhist_min), max = gen_i64(g, m->lhist_max);
    int64_t over = 1 + (m->lhist_max - m->lhist_min) / m->lhist_step;
    bool s = call->args[0]->type.is_signed;
    LLVMValueRef below = LLVMBuildICmp(g->b, s ? LLVMIntSLT : LLVMIntULT, v, min, "");
    LLVMValueRef above = LLVMBuildICmp(g->b, s ? LLVMIntSGE : LLVMIntUGE, v, max, "");
    LLVMValueRef in = LLVMBuildAdd(
        g->b, LLVMBuildUDiv(g->b, LLVMBuildSub(g->b, v, min, ""), gen_i64(g, m->lhist_step), ""),
        gen_i64(g, 1), "");
    LLVMValueRef b = LLVMBuildSelect(g->b, above, gen_i64(g, over), in, "");
    count_bucket(g, map, LLVMBuildSelect(g->b, below, gen_i64(g, 0), b, ""));
    return NULL;
}

/* ---- asynchronous calls: one ring buffer record each ------------------ */

LLVMValueRef gen_async_call(struct codegen *g, struct node *call, struct node *map)
{
    const struct async_desc *a = &g->sem->asyncs[call->async_id];
    bool formatted = a->kind == ASYNC_PRINTF || a->kind == ASYNC_SYSTEM || a->kind == ASYNC_CAT;
    int from = formatted ? 1 : 0;
    uint32_t size = 8 + a->args.size;
    LLVMValueRef rec = gen_alloca(g, size, "event");
    gen_memset0(g, rec, size);
    gen_store_i64(g, rec, gen_i64(g, call->async_id));
    if (formatted || a->kind == ASYNC_PRINT_VALUE) {
        for (int i = 0; i < a->args.nfields; i++) {
            struct node *arg = call->args[from + i];
            LLVMValueRef v = gen_expr(g, arg);
            const struct value_desc *f = &a->args.fields[i];
            gen_store_value(g, gen_byte_ptr(g, rec, 8 + f->offset), &arg->type, v, f->size);
        }
    }
    gen_ringbuf_output(g, rec, size);
    return NULL;
}

/* exit(): the event asks userspace to stop, and the probe itself ends here,
 * as in bpftrace: nothing after exit() runs, on any path (inside if, while,
 * unroll or a loop body alike). */
LLVMValueRef gen_exit(struct codegen *g, struct node *call, struct node *map)
{
    gen_async_call(g, call, map);
    gen_probe_return(g);
    return NULL;
}

LLVMValueRef gen_delete(struct codegen *g, struct node *call, struct node *map)
{
    struct node *target = call->args[0];
    LLVMValueRef key = gen_map_key(g, target, 0);
    LLVMValueRef args[2] = {gen_map_ptr(g, target->map->id), key};
    gen_check_helper(g, HELPER_MAP_DELETE_ELEM,
                     gen_helper(g, HELPER_MAP_DELETE_ELEM, g->i64, args, 2));
    return NULL;
}

/* ---- built-in variables ------------------------------------------------ */

static LLVMValueRef call0(struct codegen *g, int id)
{
    return gen_helper(g, id, g->i64, NULL, 0);
}

LLVMValueRef gen_var_pid(struct codegen *g, struct node *n)
{
    return LLVMBuildLShr(g->b, call0(g, HELPER_GET_CURRENT_PID_TGID), gen_i64(g, 32), "");
}

LLVMValueRef gen_var_tid(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, call0(g, HELPER_GET_CURRENT_PID_TGID), gen_i64(g, 0xffffffff), "");
}

LLVMValueRef gen_var_uid(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, call0(g, HELPER_GET_CURRENT_UID_GID), gen_i64(g, 0xffffffff), "");
}

LLVMValueRef gen_var_gid(struct codegen *g, struct node *n)
{
    return LLVMBuildLShr(g->b, call0(g, HELPER_GET_CURRENT_UID_GID), gen_i64(g, 32), "");
}

LLVMValueRef gen_var_cpu(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, call0(g, HELPER_GET_SMP_PROCESSOR_ID), gen_i64(g, 0xffffffff), "");
}

LLVMValueRef gen_var_nsecs(struct codegen *g, struct node *n)
{
    return call0(g, HELPER_KTIME_GET_NS);
}

/* nsecs minus the runtime's start time, kept in a one-entry array map. */
LLVMValueRef gen_var_elapsed(struct codegen *g, struct node *n)
{
    LLVMValueRef key = gen_alloca(g, 4, "zero");
    gen_memset0(g, key, 4);
    LLVMValueRef args[2] = {gen_map_ptr(g, g->start_time_map_id), key};
    LLVMValueRef p = gen_helper(g, HELPER_MAP_LOOKUP_ELEM, g->i8p, args, 2);
    LLVMValueRef out = gen_alloca(g, 8, "start");
    gen_memset0(g, out, 8);
    LLVMBasicBlockRef found = gen_block(g, "start_found");
    LLVMBasicBlockRef done = gen_block(g, "start_done");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, p, LLVMConstNull(g->i8p), ""), done,
                    found);
    LLVMPositionBuilderAtEnd(g->b, found);
    gen_memcpy(g, out, p, 8);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
    return LLVMBuildSub(g->b, call0(g, HELPER_KTIME_GET_NS), gen_load_i64(g, out), "");
}

LLVMValueRef gen_var_comm(struct codegen *g, struct node *n)
{
    LLVMValueRef buf = gen_alloca(g, 16, "comm");
    gen_memset0(g, buf, 16);
    LLVMValueRef args[2] = {buf, LLVMConstInt(g->i32, 16, false)};
    gen_check_helper(g, HELPER_GET_CURRENT_COMM,
                     gen_helper(g, HELPER_GET_CURRENT_COMM, g->i64, args, 2));
    return buf;
}

/* One attach point: the id is a constant. Several: the attach cookie. */
LLVMValueRef gen_var_probe(struct codegen *g, struct node *n)
{
    if (g->unit->nmatches == 1)
        return gen_i64(g, g->unit->probe_ids[0]);
    LLVMValueRef args[1] = {g->ctxarg};
    return gen_helper(g, HELPER_GET_ATTACH_COOKIE, g->i64, args, 1);
}

LLVMValueRef gen_var_args(struct codegen *g, struct node *n)
{
    return gen_i64(g, 0); /* only ever the base of a field access */
}

/* struct pt_regs on x86-64: the first six arguments travel in rdi, rsi,
 * rdx, rcx, r8, r9; the return value in rax. */
static const uint32_t arg_reg_offset[6] = {112, 104, 96, 88, 72, 64};
#define PT_REGS_AX 80

static LLVMValueRef load_reg(struct codegen *g, uint32_t offset)
{
    LLVMValueRef p = gen_byte_ptr(g, g->ctxarg, offset);
    return LLVMBuildLoad2(g->b, g->i64, LLVMBuildBitCast(g->b, p, g->i64p, ""), "");
}

LLVMValueRef gen_var_arg(struct codegen *g, struct node *n)
{
    return load_reg(g, arg_reg_offset[n->name[3] - '0']);
}

LLVMValueRef gen_var_retval(struct codegen *g, struct node *n)
{
    return load_reg(g, PT_REGS_AX);
}

LLVMValueRef gen_var_func(struct codegen *g, struct node *n)
{
    LLVMValueRef args[1] = {g->ctxarg};
    return gen_helper(g, HELPER_GET_FUNC_IP, g->i64, args, 1);
}

LLVMValueRef gen_var_curtask(struct codegen *g, struct node *n)
{
    return gen_helper(g, HELPER_GET_CURRENT_TASK, g->i64, NULL, 0);
}

LLVMValueRef gen_var_rand(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, gen_helper(g, HELPER_GET_PRANDOM_U32, g->i64, NULL, 0),
                        gen_i64(g, 0xffffffff), "");
}
