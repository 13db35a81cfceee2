/* for loops: the body becomes a BPF callback, called by
 * bpf_for_each_map_elem for each element of a map, or by bpf_loop for each
 * number of a range. The callback is a function of its own (in the probe's
 * section, after it) with a stack of its own, so the probe's variables are
 * handed to it as a context on the probe's stack: the probe's context
 * pointer, a pointer to each variable, and the range's start. Through those
 * pointers the body reads and writes the probe's variables like any block.
 * break returns 1 from the callback (stop), continue returns 0 (next). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/expr.h"
#include "codegen/map_reads.h"
#include "target/cpus.h"

/* What generating the callback replaces and then gives back. Values the
 * probe's function computed once (invariant helpers, map reads) belong to
 * it: the callback, a function of its own, starts without them. */
struct fn_state {
    LLVMValueRef fn, ctxarg;
    LLVMBasicBlockRef entry, block, break_bb, continue_bb;
    LLVMValueRef *var_slots;
    LLVMMetadataRef di_scope;
    struct helper_once once[sizeof(((struct codegen *)0)->once) / sizeof(struct helper_once)];
    int nonce;
    struct map_read reads[sizeof(((struct codegen *)0)->reads) / sizeof(struct map_read)];
    int nreads;
};

static void save_state(struct codegen *g, struct fn_state *s)
{
    *s = (struct fn_state){.fn = g->fn,
                           .ctxarg = g->ctxarg,
                           .entry = g->entry,
                           .block = LLVMGetInsertBlock(g->b),
                           .break_bb = g->break_bb,
                           .continue_bb = g->continue_bb,
                           .var_slots = g->var_slots,
                           .di_scope = g->di_scope};
    memcpy(s->once, g->once, sizeof(s->once));
    s->nonce = g->nonce;
    memcpy(s->reads, g->reads, sizeof(s->reads));
    s->nreads = g->nreads;
    g->nonce = 0;
    g->nreads = 0;
}

static void restore_state(struct codegen *g, const struct fn_state *s)
{
    g->fn = s->fn;
    g->ctxarg = s->ctxarg;
    g->entry = s->entry;
    g->break_bb = s->break_bb;
    g->continue_bb = s->continue_bb;
    g->var_slots = s->var_slots;
    g->di_scope = s->di_scope;
    memcpy(g->once, s->once, sizeof(s->once));
    g->nonce = s->nonce;
    memcpy(g->reads, s->reads, sizeof(s->reads));
    g->nreads = s->nreads;
    map_reads_forget(g, -1); /* the body may have written any map */
    LLVMPositionBuilderAtEnd(g->b, s->block);
}

/* 8 bytes at p, known to be 8-byte aligned: read and written whole. The
 * verifier refuses a narrower read of a spilled register (a pointer), and
 * LLVM splits accesses through pointers it knows nothing about. */
static LLVMValueRef load_word(struct codegen *g, LLVMValueRef p)
{
    LLVMValueRef v = gen_load_i64(g, p);
    LLVMSetAlignment(v, 8);
    return v;
}

static void store_word(struct codegen *g, LLVMValueRef p, LLVMValueRef v)
{
    gen_store_i64(g, p, v);
    LLVMSetAlignment(LLVMGetLastInstruction(LLVMGetInsertBlock(g->b)), 8);
}

static LLVMValueRef ctx_slot(struct codegen *g, LLVMValueRef ctx, int i)
{
    return load_word(g, gen_byte_ptr(g, ctx, (uint32_t)i * 8));
}

/* The probe's variables the body uses are copied into the callback's own
 * stack when it starts and back before it returns, word by word (the others
 * keep the probe's pointer, from == to, and cost the callback no stack). */
static void copy_vars(struct codegen *g, LLVMValueRef *from, LLVMValueRef *to)
{
    for (int i = 0; i < g->unit->nvars; i++) {
        if (from[i] == to[i])
            continue;
        uint32_t words = (type_storage_size(&g->unit->vars[i].type) + 7) / 8;
        for (uint32_t w = 0; w < words; w++)
            store_word(g, gen_byte_ptr(g, to[i], w * 8),
                       load_word(g, gen_byte_ptr(g, from[i], w * 8)));
    }
}

static LLVMValueRef ctx_pointer(struct codegen *g, LLVMValueRef ctx, int i)
{
    return LLVMBuildIntToPtr(g->b, ctx_slot(g, ctx, i), g->i8p, "");
}

static int nvars(const struct codegen *g)
{
    return g->unit->nvars;
}

/* The caller's side: the context the callback reads. */
static LLVMValueRef build_context(struct codegen *g, LLVMValueRef start)
{
    int n = nvars(g);
    LLVMValueRef ctx = gen_alloca(g, (uint32_t)(n + 2) * 8, "loop_ctx");
    gen_store_i64(g, ctx, LLVMBuildPtrToInt(g->b, g->ctxarg, g->i64, ""));
    for (int i = 0; i < n; i++)
        gen_store_i64(g, gen_byte_ptr(g, ctx, (uint32_t)(i + 1) * 8),
                      LLVMBuildPtrToInt(g->b, g->var_slots[i], g->i64, ""));
    gen_store_i64(g, gen_byte_ptr(g, ctx, (uint32_t)(n + 1) * 8), start ? start : gen_i64(g, 0));
    return ctx;
}

struct var_use {
    const char *name;
    bool used;
};

static void find_use(struct node *n, void *ctx)
{
    struct var_use *u = ctx;
    if ((n->kind == N_VAR || n->kind == N_VAR_DECL) && strcmp(n->name, u->name) == 0)
        u->used = true;
    if (!u->used)
        ast_for_each_child(n, find_use, u);
}

/* Does the loop n read or write the variable (its own always counts)? */
static bool loop_uses(struct node *n, const char *name)
{
    struct var_use u = {.name = name, .used = strcmp(n->name, name) == 0};
    if (!u.used && n->then)
        find_use(n->then, &u);
    return u.used;
}

/* A new callback taking `nparams` parameters, the last the context (its
 * debug location g->loc, the for statement's); the builder is left in its
 * entry with the probe's context and variables taken from the context:
 * slots[0..nvars) are the probe's, slots[nvars..) the callback's copies
 * (g->var_slots). */
static LLVMValueRef begin_callback(struct codegen *g, struct node *n, LLVMTypeRef *params,
                                   unsigned nparams, LLVMValueRef **slots)
{
    static int counter;
    char name[48];
    snprintf(name, sizeof(name), "for_loop_%d", counter++);
    struct callback_state unused; /* save_state() keeps what restore_state() gives back */
    LLVMValueRef fn = gen_begin_callback(g, name, params, nparams, &unused);
    g->entry = LLVMGetInsertBlock(g->b);
    LLVMValueRef ctx = LLVMGetParam(fn, nparams - 1);
    g->ctxarg = ctx_pointer(g, ctx, 0);
    int nv = nvars(g);
    *slots = calloc((size_t)(nv ? 2 * nv : 1), sizeof(LLVMValueRef));
    int mark = g->ntemps;
    for (int i = 0; i < nv; i++) {
        (*slots)[i] = ctx_pointer(g, ctx, i + 1);
        (*slots)[nv + i] =
            loop_uses(n, g->unit->vars[i].name)
                ? gen_alloca(g, type_storage_size(&g->unit->vars[i].type), g->unit->vars[i].name)
                : (*slots)[i];
    }
    g->ntemps = mark; /* the copies live as long as the callback */
    copy_vars(g, *slots, *slots + nv);
    g->var_slots = *slots + nv;
    return fn;
}

/* The body, then `return 0`; break and continue return 1 and 0, each
 * after the variables are copied back. */
static void finish_callback(struct codegen *g, struct node *n, LLVMValueRef *slots)
{
    LLVMBasicBlockRef stop = gen_block(g, "for_break");
    LLVMBasicBlockRef next = gen_block(g, "for_continue");
    g->break_bb = stop;
    g->continue_bb = next;
    g->gen_stmts(g, n->then);
    LLVMBuildBr(g->b, next);
    LLVMBasicBlockRef ends[2] = {stop, next};
    for (int i = 0; i < 2; i++) {
        LLVMPositionBuilderAtEnd(g->b, ends[i]);
        copy_vars(g, slots + nvars(g), slots);
        LLVMBuildRet(g->b, gen_i64(g, ends[i] == stop));
    }
}

static LLVMValueRef loop_var_slot(struct codegen *g, struct node *n)
{
    return g->var_slots[unit_var(g->unit, n->name) - g->unit->vars];
}

/* What one CPU's value adds to the running result: count and sum add it;
 * min and max ({s64 value; u64 is_set}) take it when set and better; avg
 * ({s64 count; s64 total}) adds both halves, divided at the end. */
struct cpu_fold {
    LLVMValueRef acc, total, any;
};

static struct cpu_fold fold_cpu_value(struct codegen *g, const struct type *value, LLVMValueRef p,
                                      struct cpu_fold in)
{
    LLVMValueRef v = gen_load_i64(g, p);
    struct cpu_fold out = {
        .acc = LLVMBuildAdd(g->b, in.acc, v, ""), .total = in.total, .any = gen_i64(g, 1)};
    if (value->kind == TY_AVG) {
        out.total = LLVMBuildAdd(g->b, in.total, gen_load_i64(g, gen_byte_ptr(g, p, 8)), "");
    } else if (value->kind == TY_MIN || value->kind == TY_MAX) {
        LLVMIntPredicate better = value->kind == TY_MIN
                                      ? (value->is_signed ? LLVMIntSLT : LLVMIntULT)
                                      : (value->is_signed ? LLVMIntSGT : LLVMIntUGT);
        LLVMValueRef set = LLVMBuildICmp(g->b, LLVMIntNE, gen_load_i64(g, gen_byte_ptr(g, p, 8)),
                                         gen_i64(g, 0), "");
        LLVMValueRef first = LLVMBuildICmp(g->b, LLVMIntEQ, in.any, gen_i64(g, 0), "");
        LLVMValueRef take = LLVMBuildAnd(
            g->b, set, LLVMBuildOr(g->b, first, LLVMBuildICmp(g->b, better, v, in.acc, ""), ""),
            "");
        out.acc = LLVMBuildSelect(g->b, take, v, in.acc, "");
        out.any = LLVMBuildSelect(g->b, set, gen_i64(g, 1), in.any, "");
    }
    return out;
}

/* total / count, rounded toward zero as C does (BPF has no signed divide
 * before v4: the magnitude is divided), 0 when nothing was counted */
static LLVMValueRef gen_average(struct codegen *g, LLVMValueRef count, LLVMValueRef total)
{
    LLVMValueRef negative = LLVMBuildICmp(g->b, LLVMIntSLT, total, gen_i64(g, 0), "");
    LLVMValueRef magnitude =
        LLVMBuildSelect(g->b, negative, LLVMBuildNeg(g->b, total, ""), total, "");
    LLVMValueRef none = LLVMBuildICmp(g->b, LLVMIntEQ, count, gen_i64(g, 0), "");
    LLVMValueRef q =
        LLVMBuildUDiv(g->b, magnitude, LLVMBuildSelect(g->b, none, gen_i64(g, 1), count, ""), "");
    q = LLVMBuildSelect(g->b, negative, LLVMBuildNeg(g->b, q, ""), q, "");
    return LLVMBuildSelect(g->b, none, gen_i64(g, 0), q, "");
}

static void add_incoming(LLVMValueRef phi, LLVMValueRef a, LLVMBasicBlockRef from_a, LLVMValueRef b,
                         LLVMBasicBlockRef from_b)
{
    LLVMValueRef vals[2] = {a, b};
    LLVMBasicBlockRef blocks[2] = {from_a, from_b};
    LLVMAddIncoming(phi, vals, blocks, 2);
}

/* A count(), sum(), min(), max() or avg() map is per-CPU: the loop hands
 * out the element's value over every CPU, as current bpftrace reads one
 * (bpf_map_lookup_percpu_elem for each possible CPU). */
static LLVMValueRef gen_all_cpus_value(struct codegen *g, const struct map_info *m,
                                       LLVMValueRef key)
{
    LLVMBasicBlockRef before = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef head = gen_block(g, "cpus_head"), body = gen_block(g, "cpus_body");
    LLVMBasicBlockRef have = gen_block(g, "cpus_have"), next = gen_block(g, "cpus_next");
    LLVMBasicBlockRef done = gen_block(g, "cpus_done");
    LLVMBuildBr(g->b, head);

    LLVMPositionBuilderAtEnd(g->b, head);
    LLVMValueRef cpu = LLVMBuildPhi(g->b, g->i64, "cpu");
    struct cpu_fold cur = {LLVMBuildPhi(g->b, g->i64, "acc"), LLVMBuildPhi(g->b, g->i64, "total"),
                           LLVMBuildPhi(g->b, g->i64, "any")};
    LLVMValueRef more = LLVMBuildICmp(g->b, LLVMIntULT, cpu, gen_i64(g, possible_cpu_count()), "");
    LLVMBuildCondBr(g->b, more, body, done);

    LLVMPositionBuilderAtEnd(g->b, body);
    LLVMValueRef args[3] = {gen_map_ptr(g, m->id), key, cpu};
    LLVMValueRef p = gen_helper(g, HELPER_MAP_LOOKUP_PERCPU_ELEM, g->i8p, args, 3);
    LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), next, have);

    LLVMPositionBuilderAtEnd(g->b, have);
    struct cpu_fold with = fold_cpu_value(g, &m->value, p, cur);
    LLVMBuildBr(g->b, next);

    LLVMPositionBuilderAtEnd(g->b, next);
    struct cpu_fold after = {LLVMBuildPhi(g->b, g->i64, ""), LLVMBuildPhi(g->b, g->i64, ""),
                             LLVMBuildPhi(g->b, g->i64, "")};
    add_incoming(after.acc, cur.acc, body, with.acc, have);
    add_incoming(after.total, cur.total, body, with.total, have);
    add_incoming(after.any, cur.any, body, with.any, have);
    LLVMValueRef cpu_next = LLVMBuildAdd(g->b, cpu, gen_i64(g, 1), "");
    LLVMBuildBr(g->b, head);

    LLVMValueRef zero = gen_i64(g, 0);
    add_incoming(cpu, zero, before, cpu_next, next);
    add_incoming(cur.acc, zero, before, after.acc, next);
    add_incoming(cur.total, zero, before, after.total, next);
    add_incoming(cur.any, zero, before, after.any, next);
    LLVMPositionBuilderAtEnd(g->b, done);
    return m->value.kind == TY_AVG ? gen_average(g, cur.acc, cur.total) : cur.acc;
}

static void gen_map_loop(struct codegen *g, struct node *n)
{
    const struct var_info *v = unit_var(g->unit, n->name);
    struct fn_state saved;
    save_state(g, &saved);
    LLVMValueRef ctx = build_context(g, NULL);
    LLVMTypeRef params[4] = {g->i8p, g->i8p, g->i8p, g->i8p};
    LLVMValueRef *slots;
    LLVMValueRef fn = begin_callback(g, n, params, 4, &slots);
    /* $kv = (key, value), copied from the element */
    LLVMValueRef kv = loop_var_slot(g, n);
    const struct map_info *m = n->lhs->map;
    for (int i = 0; i < 2; i++) {
        LLVMValueRef field = gen_byte_ptr(g, kv, v->type.offsets[i]);
        if (i == 1 && type_is_aggregation(&m->value))
            gen_store_i64(g, field, gen_all_cpus_value(g, m, LLVMGetParam(fn, 1)));
        else
            gen_memcpy(g, field, LLVMGetParam(fn, 1 + i), v->type.fields[i].size);
    }
    finish_callback(g, n, slots);
    free(slots);
    restore_state(g, &saved);
    debug_info_at(g, n->loc);
    LLVMValueRef args[4] = {gen_map_ptr(g, n->lhs->map->id), LLVMBuildBitCast(g->b, fn, g->i8p, ""),
                            ctx, gen_i64(g, 0)};
    gen_helper(g, HELPER_FOR_EACH_MAP_ELEM, g->i64, args, 4);
}

static void gen_range_loop(struct codegen *g, struct node *n)
{
    LLVMValueRef start = gen_expr(g, n->lhs);
    LLVMValueRef end = gen_expr(g, n->rhs);
    LLVMValueRef ahead = LLVMBuildICmp(g->b, LLVMIntSGT, end, start, "");
    LLVMValueRef count =
        LLVMBuildSelect(g->b, ahead, LLVMBuildSub(g->b, end, start, ""), gen_i64(g, 0), "");
    struct fn_state saved;
    save_state(g, &saved);
    LLVMValueRef ctx = build_context(g, start);
    LLVMTypeRef params[2] = {g->i64, g->i8p};
    LLVMValueRef *slots;
    LLVMValueRef fn = begin_callback(g, n, params, 2, &slots);
    /* $i = start + index */
    LLVMValueRef first = ctx_slot(g, LLVMGetParam(fn, 1), nvars(g) + 1);
    gen_store_i64(g, loop_var_slot(g, n), LLVMBuildAdd(g->b, first, LLVMGetParam(fn, 0), ""));
    finish_callback(g, n, slots);
    free(slots);
    restore_state(g, &saved);
    debug_info_at(g, n->loc);
    LLVMValueRef args[4] = {count, LLVMBuildBitCast(g->b, fn, g->i8p, ""), ctx, gen_i64(g, 0)};
    gen_helper(g, HELPER_LOOP, g->i64, args, 4);
}

void gen_for(struct codegen *g, struct node *n)
{
    if (n->rhs)
        gen_range_loop(g, n);
    else
        gen_map_loop(g, n);
}
