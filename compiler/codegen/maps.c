/* BPF map operations on keys and values already built (see maps.h). */
#include "codegen/maps.h"

#include "codegen/map_reads.h"

/* BPF_ANY */
#define UPDATE_ANY 0

LLVMValueRef gen_map_key_buffer(struct codegen *g, const struct map_info *m, uint32_t extra)
{
    uint32_t size = map_key_size(m) + extra;
    LLVMValueRef key = gen_alloca(g, size, "key");
    gen_memset0(g, key, size);
    return key;
}

void gen_map_key_put(struct codegen *g, LLVMValueRef key, const struct map_info *m, int index,
                     const struct type *t, LLVMValueRef v)
{
    if (index < 0) {
        gen_store_as(g, key, &m->key, t, v);
        return;
    }
    gen_store_as(g, gen_byte_ptr(g, key, m->key.offsets[index]), &m->key.fields[index], t, v);
}

LLVMValueRef gen_map_lookup(struct codegen *g, int map_id, LLVMValueRef key)
{
    LLVMValueRef args[2] = {gen_map_ptr(g, map_id), key};
    return gen_helper(g, HELPER_MAP_LOOKUP_ELEM, g->i8p, args, 2);
}

/* A full map refuses new keys (-E2BIG): -k reports it at g->loc. */
void gen_map_update(struct codegen *g, int map_id, LLVMValueRef key, LLVMValueRef value)
{
    map_reads_forget(g, map_id);
    LLVMValueRef args[4] = {gen_map_ptr(g, map_id), key, value, gen_i64(g, UPDATE_ANY)};
    gen_check_helper(g, HELPER_MAP_UPDATE_ELEM,
                     gen_helper(g, HELPER_MAP_UPDATE_ELEM, g->i64, args, 4));
}

LLVMValueRef gen_map_delete(struct codegen *g, int map_id, LLVMValueRef key)
{
    map_reads_forget(g, map_id);
    LLVMValueRef args[2] = {gen_map_ptr(g, map_id), key};
    LLVMValueRef ret = gen_helper(g, HELPER_MAP_DELETE_ELEM, g->i64, args, 2);
    gen_check_helper(g, HELPER_MAP_DELETE_ELEM, ret);
    return ret;
}

LLVMValueRef gen_map_count(struct codegen *g, int map_id)
{
    /* long visit(map, key, value, ctx) { return 0; }: go on to the next */
    LLVMTypeRef params[4] = {g->i8p, g->i8p, g->i8p, g->i8p};
    struct callback_state saved;
    LLVMValueRef fn = gen_begin_callback(g, "count_elements", params, 4, &saved);
    LLVMBuildRet(g->b, gen_i64(g, 0));
    gen_end_callback(g, &saved);
    LLVMValueRef args[4] = {gen_map_ptr(g, map_id), LLVMBuildBitCast(g->b, fn, g->i8p, ""),
                            LLVMConstNull(g->i8p), gen_i64(g, 0)};
    return gen_helper(g, HELPER_FOR_EACH_MAP_ELEM, g->i64, args, 4);
}

/* gen_map_upsert, with before_branch(p) generated between the lookup and the
 * branch on its result: what both branches use */
static void gen_map_upsert_with(struct codegen *g, int map_id, LLVMValueRef key,
                                uint32_t value_size, gen_update_fn before_branch,
                                gen_update_fn update, gen_update_fn init, void *arg)
{
    map_reads_forget(g, map_id); /* written in place */
    LLVMValueRef p = gen_map_lookup(g, map_id, key);
    if (before_branch)
        before_branch(g, p, arg);
    LLVMBasicBlockRef found = gen_block(g, "found");
    LLVMBasicBlockRef missing = gen_block(g, "missing");
    LLVMBasicBlockRef done = gen_block(g, "upsert_done");
    LLVMValueRef isnull = LLVMBuildICmp(g->b, LLVMIntEQ, p, LLVMConstNull(g->i8p), "");
    LLVMBuildCondBr(g->b, isnull, missing, found);
    LLVMPositionBuilderAtEnd(g->b, found);
    update(g, p, arg);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, missing);
    LLVMValueRef fresh = gen_alloca(g, value_size, "fresh");
    gen_memset0(g, fresh, value_size);
    init(g, fresh, arg);
    gen_map_update(g, map_id, key, fresh);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
}

void gen_map_upsert(struct codegen *g, int map_id, LLVMValueRef key, uint32_t value_size,
                    gen_update_fn update, gen_update_fn init, void *arg)
{
    gen_map_upsert_with(g, map_id, key, value_size, NULL, update, init, arg);
}

struct amount {
    LLVMValueRef value, in_register;
};

/* A constant amount (count()'s 1), added when found and stored when not, is
 * set once after the lookup rather than in each branch. */
static void amount_in_register(struct codegen *g, LLVMValueRef p, void *arg)
{
    struct amount *a = arg;
    (void)p;
    a->in_register = a->value;
    if (!LLVMIsAConstantInt(a->value))
        return;
    long long v = LLVMConstIntGetSExtValue(a->value);
    if (v == (int32_t)v)
        a->in_register = gen_i64_in_register(g, (int32_t)v);
}

/* One add to memory (BPF's atomic add, its only add to memory) instead of a
 * load, an add and a store; on a per-CPU value it is exact all the same. */
static void add_amount(struct codegen *g, LLVMValueRef p, void *arg)
{
    struct amount *a = arg;
    LLVMBuildAtomicRMW(g->b, LLVMAtomicRMWBinOpAdd, LLVMBuildBitCast(g->b, p, g->i64p, ""),
                       a->in_register, LLVMAtomicOrderingMonotonic, false);
}

static void set_amount(struct codegen *g, LLVMValueRef p, void *arg)
{
    struct amount *a = arg;
    gen_store_i64(g, p, a->in_register);
}

void gen_map_add(struct codegen *g, int map_id, LLVMValueRef key, LLVMValueRef amount)
{
    struct amount a = {amount, NULL};
    gen_map_upsert_with(g, map_id, key, 8, amount_in_register, add_amount, set_amount, &a);
}

LLVMValueRef gen_map_value_at(struct codegen *g, const struct map_info *m, LLVMValueRef key)
{
    LLVMValueRef p = gen_map_lookup(g, m->id, key);
    bool is_buffer = type_is_buffer(&m->value);
    uint32_t size = type_storage_size(&m->value);
    LLVMValueRef out = gen_alloca(g, size, "mapval");
    gen_memset0(g, out, size);
    LLVMBasicBlockRef found = gen_block(g, "read_found");
    LLVMBasicBlockRef done = gen_block(g, "read_done");
    LLVMBasicBlockRef missing = done;
    if (gen_helper_is_checked(g, HELPER_MAP_LOOKUP_ELEM))
        missing = gen_block(g, "read_missing");
    LLVMValueRef isnull = LLVMBuildICmp(g->b, LLVMIntEQ, p, LLVMConstNull(g->i8p), "");
    LLVMBuildCondBr(g->b, isnull, missing, found);
    LLVMPositionBuilderAtEnd(g->b, found);
    gen_memcpy(g, out, p, size);
    LLVMBuildBr(g->b, done);
    if (missing != done) {
        LLVMPositionBuilderAtEnd(g->b, missing);
        gen_report_helper_failure(g, HELPER_MAP_LOOKUP_ELEM, gen_i64(g, 0));
        LLVMBuildBr(g->b, done);
    }
    LLVMPositionBuilderAtEnd(g->b, done);
    return is_buffer ? out : gen_load_i64(g, out);
}
