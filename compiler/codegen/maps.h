/* BPF map operations on keys and values already built (the expression code
 * builds keys from the script's key expressions: expr.c gen_map_key). */
#ifndef SOBT_CODEGEN_MAPS_H
#define SOBT_CODEGEN_MAPS_H

#include "codegen/ir.h"

/* A zeroed key buffer for map m (hash keys compare every byte, padding
 * included), with `extra` bytes after it for a histogram's bucket. */
LLVMValueRef gen_map_key_buffer(struct codegen *g, const struct map_info *m, uint32_t extra);
/* Store key element `index` (of type t, value v) into a key buffer; index
 * -1: v is the whole key (`@m[k]`, also `@m[$tuple]`). */
void gen_map_key_put(struct codegen *g, LLVMValueRef key, const struct map_info *m, int index,
                     const struct type *t, LLVMValueRef v);
/* bpf_map_lookup_elem: a pointer to the value, or NULL. */
LLVMValueRef gen_map_lookup(struct codegen *g, int map_id, LLVMValueRef key);
/* bpf_map_update_elem (BPF_ANY); a full map's refusal is checked (-k). */
void gen_map_update(struct codegen *g, int map_id, LLVMValueRef key, LLVMValueRef value);
/* bpf_map_delete_elem, checked (-k). */
/* bpf_map_delete_elem's result: 0, or -ENOENT when the key was not there. */
LLVMValueRef gen_map_delete(struct codegen *g, int map_id, LLVMValueRef key);
/* The number of elements in the map: bpf_for_each_map_elem with a callback
 * that visits them all (a function of its own after the probe's, in its
 * section: the loader resolves it as a for loop's). */
LLVMValueRef gen_map_count(struct codegen *g, int map_id);
/* The value of m at key: the value, or zero / an empty string when the key
 * is absent (which -kk reports as bpftrace does). Buffers are copied to the
 * stack so the result outlives the lookup. */
LLVMValueRef gen_map_value_at(struct codegen *g, const struct map_info *m, LLVMValueRef key);
/* p = lookup(map, key); if p: update(p) in place, else insert init(fresh). */
typedef void (*gen_update_fn)(struct codegen *g, LLVMValueRef value_ptr, void *arg);
void gen_map_upsert(struct codegen *g, int map_id, LLVMValueRef key, uint32_t value_size,
                    gen_update_fn update, gen_update_fn init, void *arg);
/* The u64 value at key += amount, or amount when the key is absent (count,
 * sum, hist's buckets). */
void gen_map_add(struct codegen *g, int map_id, LLVMValueRef key, LLVMValueRef amount);

/* Maps whose user key owns several entries, the slot a u64 after the user key
 * (hist and lhist buckets, tseries intervals; map_slots.c): how many slots a
 * key can have, 0 for other maps. */
uint32_t map_slot_count(const struct map_info *m);
/* has_key(): whether any slot of the user key in key (with room for the slot) is there. i1. */
LLVMValueRef gen_map_slots_present(struct codegen *g, const struct map_info *m, LLVMValueRef key);
/* delete(): every slot of the user key in key; 0, or -ENOENT when none was there. */
LLVMValueRef gen_map_slots_delete(struct codegen *g, const struct map_info *m, LLVMValueRef key);
/* len(): the number of user keys. */
LLVMValueRef gen_map_count_keys(struct codegen *g, const struct map_info *m);

#endif
