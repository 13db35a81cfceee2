/* The code generator's primitives (see ir.h). */
#include "codegen/ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LLVMValueRef gen_i64(struct codegen *g, int64_t v)
{
    return LLVMConstInt(g->i64, (unsigned long long)v, true);
}

LLVMBasicBlockRef gen_block(struct codegen *g, const char *name)
{
    return LLVMAppendBasicBlockInContext(g->ctx, g->fn, name);
}

static void lifetime_marker(struct codegen *g, const char *intrinsic, LLVMValueRef p,
                            uint32_t size)
{
    unsigned id = LLVMLookupIntrinsicID(intrinsic, strlen(intrinsic));
    LLVMTypeRef ptr_type = g->i8p;
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, id, &ptr_type, 1);
    LLVMValueRef args[2] = {LLVMConstInt(g->i64, size, false), p};
    LLVMBuildCall2(g->b, LLVMGlobalGetValueType(fn), fn, args, 2, "");
}

/* End the lifetime of every buffer allocated since `mark`. */
void gen_end_temps(struct codegen *g, int mark)
{
    for (int i = mark; i < g->ntemps; i++)
        lifetime_marker(g, "llvm.lifetime.end", g->temps[i].ptr, g->temps[i].size);
    g->ntemps = mark;
}

/* Stack buffers are allocated in the entry block so the BPF back end sees a
 * fixed frame, 8-byte aligned so integer stores into them are aligned. */
/* An entry-block stack buffer of size bytes (whole words), as i8*. */
static LLVMValueRef entry_alloca(struct codegen *g, uint32_t size, const char *name)
{
    LLVMBuilderRef eb = LLVMCreateBuilderInContext(g->ctx);
    LLVMValueRef first = LLVMGetFirstInstruction(g->entry);
    if (first)
        LLVMPositionBuilderBefore(eb, first);
    else
        LLVMPositionBuilderAtEnd(eb, g->entry);
    uint32_t words = (size + 7) / 8;
    LLVMValueRef a = LLVMBuildAlloca(eb, LLVMArrayType(g->i64, words ? words : 1), name);
    LLVMSetAlignment(a, 8);
    LLVMValueRef p = LLVMBuildBitCast(eb, a, g->i8p, "");
    LLVMDisposeBuilder(eb);
    return p;
}

LLVMValueRef gen_alloca_for_probe(struct codegen *g, uint32_t size, const char *name)
{
    g->var_bytes += (size + 7) / 8 * 8;
    stack_note_alloc(g);
    return entry_alloca(g, size, name);
}

LLVMValueRef gen_alloca(struct codegen *g, uint32_t size, const char *name)
{
    uint32_t words = (size + 7) / 8;
    /* the i8* view is made in the entry block too, so that it dominates the
     * lifetime end emitted after whatever branch allocated it */
    LLVMValueRef p = entry_alloca(g, size, name);
    if (g->ntemps == g->temps_cap) {
        g->temps_cap = g->temps_cap ? g->temps_cap * 2 : 32;
        g->temps = realloc(g->temps, g->temps_cap * sizeof(*g->temps));
        if (!g->temps) {
            perror("sobt");
            exit(1);
        }
    }
    g->temps[g->ntemps].ptr = p;
    g->temps[g->ntemps].size = words * 8;
    g->temps[g->ntemps].owner = g->cur_node;
    g->ntemps++;
    stack_note_alloc(g);
    lifetime_marker(g, "llvm.lifetime.start", p, words * 8);
    return p;
}

LLVMValueRef gen_helper(struct codegen *g, int id, LLVMTypeRef ret, LLVMValueRef *args, int nargs)
{
    LLVMTypeRef params[8];
    for (int i = 0; i < nargs; i++)
        params[i] = LLVMTypeOf(args[i]);
    LLVMTypeRef fty = LLVMFunctionType(ret, params, (unsigned)nargs, false);
    LLVMValueRef fp =
        LLVMConstIntToPtr(LLVMConstInt(g->i64, (unsigned)id, false), LLVMPointerType(fty, 0));
    return LLVMBuildCall2(g->b, fty, fp, args, (unsigned)nargs, "");
}

/* A map reference: ld_imm64 with src_reg BPF_PSEUDO_MAP_FD and the map id as
 * immediate; the loader puts the real fd there. */
LLVMValueRef gen_map_ptr(struct codegen *g, int map_id)
{
    LLVMValueRef fn = LLVMGetNamedFunction(g->mod, "llvm.bpf.pseudo");
    LLVMTypeRef params[2] = {g->i64, g->i64};
    LLVMTypeRef fty = LLVMFunctionType(g->i64, params, 2, false);
    if (!fn)
        fn = LLVMAddFunction(g->mod, "llvm.bpf.pseudo", fty);
    LLVMValueRef args[2] = {gen_i64(g, 1), gen_i64(g, map_id)};
    LLVMValueRef v = LLVMBuildCall2(g->b, fty, fn, args, 2, "");
    return LLVMBuildIntToPtr(g->b, v, g->i8p, "");
}

LLVMValueRef gen_byte_ptr(struct codegen *g, LLVMValueRef base, uint32_t offset)
{
    if (!offset)
        return base;
    LLVMValueRef idx = LLVMConstInt(g->i64, offset, false);
    return LLVMBuildGEP2(g->b, g->i8, base, &idx, 1, "");
}

void gen_memset0(struct codegen *g, LLVMValueRef ptr, uint32_t size)
{
    if (size)
        LLVMBuildMemSet(g->b, ptr, LLVMConstInt(g->i8, 0, false),
                        LLVMConstInt(g->i64, size, false), 1);
}

void gen_memcpy(struct codegen *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size)
{
    if (size)
        LLVMBuildMemCpy(g->b, dst, 1, src, 1, LLVMConstInt(g->i64, size, false));
}

static LLVMValueRef int_ptr(struct codegen *g, LLVMValueRef p, uint32_t size)
{
    LLVMTypeRef t = LLVMIntTypeInContext(g->ctx, size * 8);
    return LLVMBuildBitCast(g->b, p, LLVMPointerType(t, 0), "");
}

void gen_store_i64(struct codegen *g, LLVMValueRef ptr, LLVMValueRef v)
{
    LLVMBuildStore(g->b, v, int_ptr(g, ptr, 8));
}

LLVMValueRef gen_load_i64(struct codegen *g, LLVMValueRef ptr)
{
    return LLVMBuildLoad2(g->b, g->i64, int_ptr(g, ptr, 8), "");
}

void gen_store_value(struct codegen *g, LLVMValueRef dst, const struct type *t, LLVMValueRef v,
                     uint32_t slot_size)
{
    if (type_is_buffer(t)) {
        uint32_t n = t->size < slot_size ? t->size : slot_size;
        if (n < slot_size)
            gen_memset0(g, gen_byte_ptr(g, dst, n), slot_size - n);
        gen_memcpy(g, dst, v, n);
        return;
    }
    if (slot_size && slot_size < 8) { /* a tuple's narrow integer */
        LLVMTypeRef it = LLVMIntTypeInContext(g->ctx, slot_size * 8);
        LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, v, it, ""), int_ptr(g, dst, slot_size));
        return;
    }
    gen_store_i64(g, dst, v);
}

LLVMValueRef gen_load_int(struct codegen *g, LLVMValueRef ptr, uint32_t size, bool is_signed)
{
    if (size >= 8 || size == 0)
        return gen_load_i64(g, ptr);
    LLVMTypeRef it = LLVMIntTypeInContext(g->ctx, size * 8);
    LLVMValueRef v = LLVMBuildLoad2(g->b, it, int_ptr(g, ptr, size), "");
    return is_signed ? LLVMBuildSExt(g->b, v, g->i64, "") : LLVMBuildZExt(g->b, v, g->i64, "");
}

/* A tuple whose strings are shorter than the slot's: element by element, at
 * the slot's offsets. */
static void store_tuple_as(struct codegen *g, LLVMValueRef dst, const struct type *to,
                           const struct type *from, LLVMValueRef src)
{
    gen_memset0(g, dst, to->size);
    for (int i = 0; i < to->nfields && i < from->nfields; i++) {
        const struct type *tf = &to->fields[i], *ff = &from->fields[i];
        LLVMValueRef s = gen_byte_ptr(g, src, from->offsets[i]);
        LLVMValueRef d = gen_byte_ptr(g, dst, to->offsets[i]);
        if (tf->kind == TY_TUPLE)
            store_tuple_as(g, d, tf, ff, s);
        else
            gen_memcpy(g, d, s, ff->size < tf->size ? ff->size : tf->size);
    }
}

void gen_store_as(struct codegen *g, LLVMValueRef dst, const struct type *to,
                  const struct type *from, LLVMValueRef v)
{
    bool same = to->kind != TY_TUPLE || to->size == from->size;
    for (int i = 0; same && i < to->nfields; i++)
        same = to->offsets[i] == from->offsets[i] && to->fields[i].size == from->fields[i].size;
    if (same)
        gen_store_value(g, dst, from, v, type_storage_size(to));
    else
        store_tuple_as(g, dst, to, from, v);
}

LLVMValueRef gen_to_bool(struct codegen *g, LLVMValueRef v)
{
    return LLVMBuildICmp(g->b, LLVMIntNE, v, gen_i64(g, 0), "");
}

LLVMValueRef gen_from_bool(struct codegen *g, LLVMValueRef c)
{
    return LLVMBuildZExt(g->b, c, g->i64, "");
}

/* Narrow to the cast's width, then widen back to 64 bits with its signedness. */
LLVMValueRef gen_int_convert(struct codegen *g, LLVMValueRef v, const struct type *t)
{
    if (t->size >= 8)
        return v;
    LLVMTypeRef nt = LLVMIntTypeInContext(g->ctx, t->size * 8);
    LLVMValueRef narrow = LLVMBuildTrunc(g->b, v, nt, "");
    return t->is_signed ? LLVMBuildSExt(g->b, narrow, g->i64, "")
                        : LLVMBuildZExt(g->b, narrow, g->i64, "");
}

LLVMValueRef gen_ctx_slot(struct codegen *g, int index, const struct type *t)
{
    LLVMValueRef p = gen_byte_ptr(g, g->ctxarg, (uint32_t)index * 8u);
    LLVMValueRef v = LLVMBuildLoad2(g->b, g->i64, LLVMBuildBitCast(g->b, p, g->i64p, ""), "");
    /* one 8-byte load: the verifier refuses a tracing context read in halves */
    LLVMSetAlignment(v, 8);
    return t->kind == TY_INT ? gen_int_convert(g, v, t) : v;
}

LLVMValueRef gen_pointer_offset(struct codegen *g, LLVMValueRef count, const struct type *ptr)
{
    uint32_t step = type_pointer_step(ptr);
    return step == 1 ? count : LLVMBuildMul(g->b, count, gen_i64(g, step), "");
}

/* Code after return/break/continue is unreachable; give it a block of its own. */
void gen_dead_block(struct codegen *g)
{
    LLVMPositionBuilderAtEnd(g->b, gen_block(g, "dead"));
}

void gen_probe_return(struct codegen *g)
{
    LLVMBuildRet(g->b, gen_i64(g, 0));
    gen_dead_block(g);
}

LLVMValueRef gen_const_bytes(struct codegen *g, const void *bytes, uint32_t len, uint32_t size)
{
    return gen_fill_bytes(g, gen_alloca(g, size, "bytes"), bytes, len, size);
}

LLVMValueRef gen_fill_bytes(struct codegen *g, LLVMValueRef buf, const void *bytes, uint32_t len,
                            uint32_t size)
{
    gen_memset0(g, buf, size);
    if (len == 0)
        return buf;
    LLVMValueRef c = LLVMConstStringInContext(g->ctx, bytes, len, true);
    LLVMBuildStore(g->b, c, LLVMBuildBitCast(g->b, buf, LLVMPointerType(LLVMTypeOf(c), 0), ""));
    return buf;
}

LLVMValueRef gen_pair(struct codegen *g, LLVMValueRef first, int64_t second, const char *name)
{
    LLVMValueRef out = gen_alloca(g, 16, name);
    gen_store_i64(g, out, first);
    gen_store_i64(g, gen_byte_ptr(g, out, 8), gen_i64(g, second));
    return out;
}
