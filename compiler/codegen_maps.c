/* Map keys, reads, assignments and in-place updates. */
#include "codegen.h"

#include "builtins.h"

/* BPF_ANY */
#define UPDATE_ANY 0

/* Build the key of `@m[k...]` in a zeroed stack buffer (hash keys compare
 * every byte, padding included), with `extra` bytes after it for the
 * histogram bucket. */
LLVMValueRef gen_map_key(struct codegen *g, struct node *mapnode, uint32_t extra)
{
    const struct map_info *m = mapnode->map;
    uint32_t ks = map_key_size(m);
    const struct node *outer = g->cur_node;
    g->cur_node = mapnode; /* the key is this map reference's stack */
    LLVMValueRef key = gen_alloca(g, ks + extra, "key");
    g->cur_node = outer;
    gen_memset0(g, key, ks + extra);
    if (m->key.kind == TY_NONE)
        return key;
    if (m->key.kind != TY_TUPLE) {
        LLVMValueRef v = gen_expr(g, mapnode->args[0]);
        gen_store_value(g, key, &mapnode->args[0]->type, v, m->key.size);
        return key;
    }
    for (int i = 0; i < mapnode->nargs; i++) {
        LLVMValueRef v = gen_expr(g, mapnode->args[i]);
        gen_store_value(g, gen_byte_ptr(g, key, m->key.offsets[i]), &mapnode->args[i]->type, v,
                        m->key.fields[i].size);
    }
    return key;
}

static LLVMValueRef gen_lookup(struct codegen *g, int map_id, LLVMValueRef key)
{
    LLVMValueRef args[2] = {gen_map_ptr(g, map_id), key};
    return gen_helper(g, HELPER_MAP_LOOKUP_ELEM, g->i8p, args, 2);
}

/* A full map refuses new keys (-E2BIG): -k reports it at g->loc. */
static void gen_update(struct codegen *g, int map_id, LLVMValueRef key, LLVMValueRef value)
{
    LLVMValueRef args[4] = {gen_map_ptr(g, map_id), key, value, gen_i64(g, UPDATE_ANY)};
    gen_check_helper(g, HELPER_MAP_UPDATE_ELEM,
                     gen_helper(g, HELPER_MAP_UPDATE_ELEM, g->i64, args, 4));
}

void gen_map_upsert(struct codegen *g, int map_id, LLVMValueRef key, uint32_t value_size,
                    gen_update_fn update, gen_update_fn init, void *arg)
{
    LLVMValueRef p = gen_lookup(g, map_id, key);
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
    gen_update(g, map_id, key, fresh);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
}

/* Read @m[k]: the value, or zero / an empty string when the key is absent
 * (which -kk reports as bpftrace does: "Failed to map_lookup_elem: 0").
 * Strings are copied to the stack so the result outlives the lookup. */
LLVMValueRef gen_map_read(struct codegen *g, struct node *mapnode)
{
    const struct map_info *m = mapnode->map;
    LLVMValueRef key = gen_map_key(g, mapnode, 0);
    LLVMValueRef p = gen_lookup(g, m->id, key);
    bool is_str = type_is_buffer(&m->value);
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
    return is_str ? out : gen_load_i64(g, out);
}

/* The new value of `@m[k] op= rhs`, from the old one. Division and modulo
 * by zero follow the BPF instruction set (0, and the dividend). */
static LLVMValueRef gen_compound(struct codegen *g, int op, LLVMValueRef old, LLVMValueRef r)
{
    LLVMValueRef amt = LLVMBuildAnd(g->b, r, gen_i64(g, 63), "");
    switch (op) {
    case '+': return LLVMBuildAdd(g->b, old, r, "");
    case '-': return LLVMBuildSub(g->b, old, r, "");
    case '*': return LLVMBuildMul(g->b, old, r, "");
    case '&': return LLVMBuildAnd(g->b, old, r, "");
    case '|': return LLVMBuildOr(g->b, old, r, "");
    case '^': return LLVMBuildXor(g->b, old, r, "");
    case OP_SHL: return LLVMBuildShl(g->b, old, amt, "");
    case OP_SHR: return LLVMBuildLShr(g->b, old, amt, "");
    default: {
        LLVMValueRef iszero = LLVMBuildICmp(g->b, LLVMIntEQ, r, gen_i64(g, 0), "");
        LLVMValueRef safe = LLVMBuildSelect(g->b, iszero, gen_i64(g, 1), r, "");
        LLVMValueRef q = op == '/' ? LLVMBuildUDiv(g->b, old, safe, "")
                                   : LLVMBuildURem(g->b, old, safe, "");
        return LLVMBuildSelect(g->b, iszero, op == '/' ? gen_i64(g, 0) : old, q, "");
    }
    }
}

/* Where bpftrace 0.17 reports a failing helper of an assignment: an
 * aggregation at its call, `@m[k] = v` at the '=', `@m[k] op= v` at the
 * whole statement (and its read of @m[k] at the map). */
void gen_map_assign(struct codegen *g, struct node *n)
{
    struct node *mapnode = n->lhs;
    const struct map_info *m = mapnode->map;
    struct loc outer = g->loc;
    if (n->rhs->kind == N_CALL && !n->op) {
        const struct builtin_func *bf = builtin_func_find(n->rhs->name);
        if (bf->cls == BC_AGGREGATION) {
            g->loc = n->rhs->loc;
            bf->gen(g, n->rhs, mapnode);
            g->loc = outer;
            return;
        }
    }
    LLVMValueRef value;
    if (n->op) {
        g->loc = mapnode->loc;
        LLVMValueRef old = gen_map_read(g, mapnode);
        LLVMValueRef r = gen_expr(g, n->rhs);
        if (m->value.kind == TY_PTR) /* @p += i moves by whole pointees */
            r = gen_pointer_offset(g, r, &m->value);
        value = gen_compound(g, n->op, old, r);
    } else {
        value = gen_expr(g, n->rhs);
    }
    LLVMValueRef key = gen_map_key(g, mapnode, 0);
    uint32_t vsize = type_storage_size(&m->value);
    LLVMValueRef buf = gen_alloca(g, vsize, "val");
    const struct type *vt = n->op ? &m->value : &n->rhs->type;
    gen_store_value(g, buf, vt, value, vsize);
    g->loc = n->op ? n->loc : n->op_loc;
    gen_update(g, m->id, key, buf);
    g->loc = outer;
}

LLVMValueRef gen_map_incdec(struct codegen *g, struct node *n)
{
    struct node *mapnode = n->lhs;
    const struct map_info *m = mapnode->map;
    LLVMValueRef old = gen_map_read(g, mapnode);
    LLVMValueRef nv = gen_incdec_value(g, n, old, &m->value);
    LLVMValueRef key = gen_map_key(g, mapnode, 0);
    LLVMValueRef buf = gen_alloca(g, 8, "val");
    gen_store_i64(g, buf, nv);
    gen_update(g, m->id, key, buf);
    return n->is_prefix ? nv : old;
}
