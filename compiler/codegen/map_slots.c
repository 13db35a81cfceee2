/* Maps whose user key owns several BPF entries: hist() and lhist() keep one
 * per bucket, tseries() one per interval slot, the bucket or slot a u64
 * after the user key. delete(), has_key() and len() act on the user key:
 * every slot of it, by bpf_loop (up to 1921 slots, hist(x, 5)'s: more than
 * the verifier follows in an unrolled or bounded loop). */
#include "codegen/maps.h"

#include "codegen/map_reads.h"

uint32_t map_slot_count(const struct map_info *m)
{
    switch (m->value.kind) {
    case TY_HIST: /* indexes as in program.h; k = 0 also has 65, 2^63 and up */
        return m->hist_bits ? ((uint32_t)(65 - m->hist_bits) << m->hist_bits) + 1 : 66;
    case TY_LHIST:
        return (uint32_t)((m->lhist_max - m->lhist_min) / m->lhist_step) + 2;
    case TY_TSERIES:
        return (uint32_t)m->tseries_intervals;
    default:
        return 0;
    }
}

typedef LLVMValueRef (*slot_fn)(struct codegen *g, const struct map_info *m, LLVMValueRef key);

/* For each slot below limit, by bpf_loop (its callback verified once, however
 * many slots): puts the slot into the key at state + 8 and calls look(); a
 * true look() sets the u64 at state (and stops the loop when stop_on_hit).
 * state: 8 bytes and a key with room for the slot. Returns that flag, i1. */
static LLVMValueRef gen_slot_loop(struct codegen *g, const struct map_info *m, LLVMValueRef state,
                                  LLVMValueRef limit, slot_fn look, bool stop_on_hit)
{
    gen_store_i64(g, state, gen_i64(g, 0));
    LLVMTypeRef params[2] = {g->i64, g->i8p};
    struct callback_state saved;
    LLVMValueRef fn = gen_begin_callback(g, "slot_loop", params, 2, &saved);
    LLVMValueRef flag = LLVMGetParam(fn, 1), key = gen_byte_ptr(g, flag, 8);
    gen_store_i64(g, gen_byte_ptr(g, key, map_key_size(m)), LLVMGetParam(fn, 0));
    LLVMValueRef hit = LLVMBuildZExt(g->b, look(g, m, key), g->i64, "");
    gen_store_i64(g, flag, LLVMBuildOr(g->b, gen_load_i64(g, flag), hit, ""));
    LLVMBuildRet(g->b, stop_on_hit ? hit : gen_i64(g, 0));
    gen_end_callback(g, &saved);
    LLVMValueRef args[4] = {limit, LLVMBuildBitCast(g->b, fn, g->i8p, ""), state, gen_i64(g, 0)};
    gen_helper(g, HELPER_LOOP, g->i64, args, 4);
    return LLVMBuildICmp(g->b, LLVMIntNE, gen_load_i64(g, state), gen_i64(g, 0), "");
}

/* The loop's state in the probe: the flag and a copy of the key. */
static LLVMValueRef loop_state(struct codegen *g, const struct map_info *m, LLVMValueRef key)
{
    uint32_t size = map_key_size(m) + 8;
    LLVMValueRef state = gen_alloca(g, 8 + size, "slots");
    gen_memcpy(g, gen_byte_ptr(g, state, 8), key, size);
    return state;
}

static LLVMValueRef slot_present(struct codegen *g, const struct map_info *m, LLVMValueRef key)
{
    LLVMValueRef p = gen_map_lookup(g, m->id, key);
    return LLVMBuildICmp(g->b, LLVMIntNE, p, LLVMConstNull(g->i8p), "");
}

static LLVMValueRef slot_deleted(struct codegen *g, const struct map_info *m, LLVMValueRef key)
{
    LLVMValueRef args[2] = {gen_map_ptr(g, m->id), key};
    LLVMValueRef ret = gen_helper(g, HELPER_MAP_DELETE_ELEM, g->i64, args, 2);
    return LLVMBuildICmp(g->b, LLVMIntEQ, ret, gen_i64(g, 0), "");
}

LLVMValueRef gen_map_slots_present(struct codegen *g, const struct map_info *m, LLVMValueRef key)
{
    return gen_slot_loop(g, m, loop_state(g, m, key), gen_i64(g, map_slot_count(m)), slot_present,
                         true);
}

LLVMValueRef gen_map_slots_delete(struct codegen *g, const struct map_info *m, LLVMValueRef key)
{
    map_reads_forget(g, m->id);
    LLVMValueRef any = gen_slot_loop(g, m, loop_state(g, m, key), gen_i64(g, map_slot_count(m)),
                                     slot_deleted, false);
    /* -k warns of a key that was not there, as for one entry */
    LLVMValueRef ret = LLVMBuildSelect(g->b, any, gen_i64(g, 0), gen_i64(g, -2 /* ENOENT */), "");
    gen_check_helper(g, HELPER_MAP_DELETE_ELEM, ret);
    return ret;
}

/* long visit(map, key, value, ctx): counts the entry into *ctx when it is
 * its user key's lowest slot (no lower slot of that key is there). */
static LLVMValueRef count_keys_callback(struct codegen *g, const struct map_info *m)
{
    LLVMTypeRef params[4] = {g->i8p, g->i8p, g->i8p, g->i8p};
    struct callback_state saved;
    LLVMValueRef fn = gen_begin_callback(g, "count_keys", params, 4, &saved);
    uint32_t key_size = map_key_size(m);
    LLVMValueRef own = LLVMGetParam(fn, 1), counter = LLVMGetParam(fn, 3);
    /* the loop's state on this function's stack: flag, key, slot */
    LLVMValueRef state = LLVMBuildBitCast(
        g->b, LLVMBuildAlloca(g->b, LLVMArrayType(g->i64, key_size / 8 + 2), "slots"), g->i8p, "");
    for (uint32_t off = 0; off < key_size; off += 8)
        gen_store_i64(g, gen_byte_ptr(g, state, 8 + off),
                      gen_load_i64(g, gen_byte_ptr(g, own, off)));
    LLVMValueRef slot = gen_load_i64(g, gen_byte_ptr(g, own, key_size));
    LLVMValueRef lower = gen_slot_loop(g, m, state, slot, slot_present, true);
    LLVMValueRef add = LLVMBuildZExt(g->b, LLVMBuildNot(g->b, lower, ""), g->i64, "");
    gen_store_i64(g, counter, LLVMBuildAdd(g->b, gen_load_i64(g, counter), add, ""));
    LLVMBuildRet(g->b, gen_i64(g, 0));
    gen_end_callback(g, &saved);
    return fn;
}

LLVMValueRef gen_map_count_keys(struct codegen *g, const struct map_info *m)
{
    LLVMValueRef fn = count_keys_callback(g, m);
    LLVMValueRef counter = gen_alloca(g, 8, "keys");
    gen_store_i64(g, counter, gen_i64(g, 0));
    LLVMValueRef args[4] = {gen_map_ptr(g, m->id), LLVMBuildBitCast(g->b, fn, g->i8p, ""), counter,
                            gen_i64(g, 0)};
    gen_helper(g, HELPER_FOR_EACH_MAP_ELEM, g->i64, args, 4);
    return gen_load_i64(g, counter);
}
