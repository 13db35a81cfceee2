/* The code generator's primitives (see ir.h). */
#include "codegen/ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LLVMValueRef gen_i64(struct codegen *g, int64_t v)
{
    return LLVMConstInt(g->i64, (unsigned long long)v, true);
}

/* A constant as an instruction of the current block, loaded into a register
 * once there: a constant used in two branches is otherwise made again in
 * each of them (LLVM's instruction selection works block by block). */
LLVMValueRef gen_i64_in_register(struct codegen *g, int32_t v)
{
    char text[32];
    snprintf(text, sizeof text, "$0 = %d", (int)v);
    LLVMTypeRef fty = LLVMFunctionType(g->i64, NULL, 0, false);
    LLVMValueRef asm_v = LLVMGetInlineAsm(fty, text, strlen(text), "=r", 2, false, false,
                                          LLVMInlineAsmDialectATT, false);
    return LLVMBuildCall2(g->b, fty, asm_v, NULL, 0, "");
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

/* statement buffers a function makes before it reuses them (ir.h), and the
 * statements one buffer then serves before a new one is made */
#define BUFFERS_BEFORE_REUSE 256
#define BUFFER_REUSES 32

static void *grow(void *array, int *cap, size_t elem)
{
    *cap = *cap ? *cap * 2 : 32;
    array = realloc(array, (size_t)*cap * elem);
    if (!array) {
        perror("sobt");
        exit(1);
    }
    return array;
}

/* End the lifetime of every buffer allocated since `mark`. */
void gen_end_temps(struct codegen *g, int mark)
{
    for (int i = mark; i < g->ntemps; i++) {
        lifetime_marker(g, "llvm.lifetime.end", g->temps[i].ptr, g->temps[i].size);
        if (g->temps[i].uses >= BUFFER_REUSES)
            continue;
        if (g->nfree_bufs == g->free_bufs_cap)
            g->free_bufs = grow(g->free_bufs, &g->free_bufs_cap, sizeof(*g->free_bufs));
        g->free_bufs[g->nfree_bufs++] = (struct free_buffer){
            g->temps[i].ptr, g->temps[i].size, g->temps[i].uses, g->entry};
    }
    g->ntemps = mark;
}

/* A buffer of `size` bytes (whole words) that an ended statement left; its
 * uses so far in *uses. */
static LLVMValueRef reuse_buffer(struct codegen *g, uint32_t size, int *uses)
{
    if (g->buffers_entry != g->entry) {
        g->buffers_entry = g->entry;
        g->buffers_made = 0;
    }
    /* the buffers made before are never given again: a reused alloca is
     * live (to LLVM's stack colouring) from its first statement to its
     * last, so each serves a run of nearby statements only */
    if (g->buffers_made++ < BUFFERS_BEFORE_REUSE) {
        *uses = BUFFER_REUSES;
        return NULL;
    }
    for (int i = g->nfree_bufs - 1; i >= 0; i--) {
        if (g->free_bufs[i].size != size || g->free_bufs[i].entry != g->entry)
            continue;
        LLVMValueRef p = g->free_bufs[i].ptr;
        *uses = g->free_bufs[i].uses;
        g->free_bufs[i] = g->free_bufs[--g->nfree_bufs];
        return p;
    }
    return NULL;
}

/* A builder at the top of the unit's entry block. */
static LLVMBuilderRef entry_builder(struct codegen *g)
{
    LLVMBuilderRef eb = LLVMCreateBuilderInContext(g->ctx);
    LLVMValueRef first = LLVMGetFirstInstruction(g->entry);
    if (first)
        LLVMPositionBuilderBefore(eb, first);
    else
        LLVMPositionBuilderAtEnd(eb, g->entry);
    return eb;
}

/* Stack buffers are allocated in the entry block so the BPF back end sees a
 * fixed frame, 8-byte aligned so integer stores into them are aligned. */
/* An entry-block stack buffer of size bytes (whole words), as i8*. */
static LLVMValueRef entry_alloca(struct codegen *g, uint32_t size, const char *name)
{
    LLVMBuilderRef eb = entry_builder(g);
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
    int uses = 0;
    LLVMValueRef p = reuse_buffer(g, words * 8, &uses);
    if (!p)
        p = entry_alloca(g, size, name);
    if (g->ntemps == g->temps_cap)
        g->temps = grow(g->temps, &g->temps_cap, sizeof(*g->temps));
    g->temps[g->ntemps].ptr = p;
    g->temps[g->ntemps].size = words * 8;
    g->temps[g->ntemps].owner = g->cur_node;
    g->temps[g->ntemps].uses = uses < BUFFER_REUSES ? uses + 1 : uses;
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

LLVMValueRef gen_kfunc(struct codegen *g, int btf_id, LLVMTypeRef ret, LLVMValueRef *args,
                       int nargs)
{
    return gen_helper(g, KFUNC_CALL_MARK | btf_id, ret, args, nargs);
}

static void add_attr(struct codegen *g, LLVMValueRef call, LLVMAttributeIndex idx, const char *name)
{
    unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
    LLVMAddCallSiteAttribute(call, idx, LLVMCreateEnumAttribute(g->ctx, kind, 0));
}

/* Tell LLVM that helper call `call` only writes through its pointer argument
 * `arg` (0-based) and touches no other memory: a buffer it fills and that is
 * then copied elsewhere is filled there directly instead (memcpyopt). */
void gen_helper_fills(struct codegen *g, LLVMValueRef call, unsigned arg)
{
    add_attr(g, call, LLVMAttributeFunctionIndex, "argmemonly");
    add_attr(g, call, LLVMAttributeFunctionIndex, "nounwind");
    add_attr(g, call, LLVMAttributeFunctionIndex, "willreturn");
    add_attr(g, call, arg + 1, "nocapture");
    /* not writeonly: LLVM would then drop the zeroing before it, and the
     * helper may write less than the buffer (comm on Linux 6.1) */
}

/* v, in a form LLVM cannot see through (llvm.bpf.passthrough, which the BPF
 * back end removes after optimising): a block computing it is not turned
 * into selects. */
LLVMValueRef gen_opaque(struct codegen *g, LLVMValueRef v)
{
    const char *name = "llvm.bpf.passthrough";
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMTypeRef types[2] = {LLVMTypeOf(v), LLVMTypeOf(v)};
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, id, types, 2);
    LLVMValueRef args[2] = {LLVMConstInt(g->i32, 0, false), v};
    return LLVMBuildCall2(g->b, LLVMGlobalGetValueType(fn), fn, args, 2, "");
}

/* A helper with no arguments whose answer cannot change while the probe
 * runs (pid_tgid, uid_gid, the CPU: a BPF program does not migrate): called
 * once, at the top of the probe, however many times the script asks. */
LLVMValueRef gen_helper_once(struct codegen *g, int id)
{
    for (int i = 0; i < g->nonce; i++)
        if (g->once[i].id == id)
            return g->once[i].value;
    LLVMBuilderRef eb = entry_builder(g);
    LLVMSetCurrentDebugLocation2(eb, LLVMGetCurrentDebugLocation2(g->b));
    LLVMBuilderRef saved = g->b;
    g->b = eb;
    LLVMValueRef v = gen_helper(g, id, g->i64, NULL, 0);
    g->b = saved;
    LLVMDisposeBuilder(eb);
    if (g->nonce < (int)(sizeof(g->once) / sizeof(g->once[0])))
        g->once[g->nonce++] = (struct helper_once){id, v};
    return v;
}

/* ld_imm64 with src_reg `kind` and the map id as immediate; the loader puts
 * the real fd there. */
static LLVMValueRef map_pseudo(struct codegen *g, int kind, int map_id)
{
    LLVMValueRef fn = LLVMGetNamedFunction(g->mod, "llvm.bpf.pseudo");
    LLVMTypeRef params[2] = {g->i64, g->i64};
    LLVMTypeRef fty = LLVMFunctionType(g->i64, params, 2, false);
    if (!fn)
        fn = LLVMAddFunction(g->mod, "llvm.bpf.pseudo", fty);
    LLVMValueRef args[2] = {gen_i64(g, kind), gen_i64(g, map_id)};
    LLVMValueRef v = LLVMBuildCall2(g->b, fty, fn, args, 2, "");
    return LLVMBuildIntToPtr(g->b, v, g->i8p, "");
}

/* BPF_PSEUDO_MAP_FD: the map, for helpers */
LLVMValueRef gen_map_ptr(struct codegen *g, int map_id)
{
    return map_pseudo(g, 1, map_id);
}

/* BPF_PSEUDO_MAP_VALUE: a one-entry array's value itself, with no lookup
 * call (the verifier knows it is never NULL) */
LLVMValueRef gen_map_value_ptr(struct codegen *g, int map_id)
{
    return map_pseudo(g, 2, map_id);
}

LLVMValueRef gen_byte_ptr(struct codegen *g, LLVMValueRef base, uint32_t offset)
{
    if (!offset)
        return base;
    LLVMValueRef idx = LLVMConstInt(g->i64, offset, false);
    return LLVMBuildGEP2(g->b, g->i8, base, &idx, 1, "");
}

/* p without its constant byte offsets and casts; the offset in *offset. */
static LLVMValueRef strip_offsets(struct codegen *g, LLVMValueRef p, uint64_t *offset)
{
    *offset = 0;
    for (;;) {
        if (LLVMIsABitCastInst(p) || LLVMIsAIntToPtrInst(p)) {
            p = LLVMGetOperand(p, 0);
        } else if (LLVMIsAGetElementPtrInst(p) && LLVMGetNumOperands(p) == 2 &&
                   LLVMIsAConstantInt(LLVMGetOperand(p, 1)) &&
                   LLVMGetElementType(LLVMTypeOf(p)) == g->i8) {
            *offset += LLVMConstIntGetZExtValue(LLVMGetOperand(p, 1));
            p = LLVMGetOperand(p, 0);
        } else {
            return p;
        }
    }
}

/* The alignment a pointer is known to have: stack buffers, map values (the
 * kernel rounds both keys and values up to 8 bytes) and the probe's context
 * are 8-aligned; a constant offset from one of them keeps what the offset
 * allows. Anything else (a pointer read from memory) may be unaligned. */
static unsigned known_align(struct codegen *g, LLVMValueRef p)
{
    uint64_t offset;
    LLVMValueRef base = strip_offsets(g, p, &offset);
    bool aligned = base == g->ctxarg || LLVMIsAAllocaInst(base) ||
                   (LLVMIsACallInst(base) &&
                    (gen_is_helper_call(base, HELPER_MAP_LOOKUP_ELEM) ||
                     LLVMGetCalledValue(base) == LLVMGetNamedFunction(g->mod, "llvm.bpf.pseudo")));
    if (!aligned)
        return 1;
    unsigned align = 8;
    while (offset % align)
        align /= 2;
    return align;
}

bool gen_is_helper_call(LLVMValueRef call, int id)
{
    LLVMValueRef callee = LLVMGetCalledValue(call);
    return callee && LLVMIsAConstantExpr(callee) &&
           LLVMGetConstOpcode(callee) == LLVMIntToPtr &&
           LLVMConstIntGetZExtValue(LLVMGetOperand(callee, 0)) == (unsigned long long)id;
}

void gen_memset0(struct codegen *g, LLVMValueRef ptr, uint32_t size)
{
    if (size)
        LLVMBuildMemSet(g->b, ptr, LLVMConstInt(g->i8, 0, false),
                        LLVMConstInt(g->i64, size, false), known_align(g, ptr));
}

/* The call of a helper that fills all `size` bytes of buffer `src` and
 * whose buffer is used for nothing else yet (not even its return value, as
 * -k's check would), or NULL. */
static LLVMValueRef sole_filler(struct codegen *g, LLVMValueRef src, uint32_t size)
{
    LLVMValueRef filler = NULL;
    for (LLVMUseRef u = LLVMGetFirstUse(src); u; u = LLVMGetNextUse(u)) {
        LLVMValueRef user = LLVMGetUser(u);
        if (!LLVMIsACallInst(user))
            return NULL;
        LLVMValueRef callee = LLVMGetCalledValue(user);
        if (LLVMIsAFunction(callee) && LLVMGetIntrinsicID(callee))
            continue; /* its lifetime markers */
        if (filler || LLVMGetFirstUse(user) || LLVMGetNumArgOperands(user) != 2 ||
            LLVMGetOperand(user, 0) != src || !LLVMIsAConstantInt(LLVMGetOperand(user, 1)) ||
            LLVMConstIntGetZExtValue(LLVMGetOperand(user, 1)) != size)
            return NULL;
        unsigned wo = LLVMGetEnumAttributeKindForName("writeonly", 9);
        if (!LLVMGetCallSiteEnumAttribute(user, 1, wo))
            return NULL;
        filler = user;
    }
    return filler;
}

/* The zeroing of [dst, dst + size) that a helper filling it all makes
 * useless: a memset of the same buffer earlier in this block, with nothing
 * in between that could read it (but the filler, which only writes), loses
 * that range when it ends there. */
static void drop_dead_zeroing(struct codegen *g, LLVMValueRef dst, uint32_t size,
                              LLVMValueRef filler)
{
    uint64_t off, mset_off;
    LLVMValueRef base = strip_offsets(g, dst, &off);
    LLVMBasicBlockRef bb = LLVMGetInsertBlock(g->b);
    for (LLVMValueRef i = LLVMGetLastInstruction(bb); i; i = LLVMGetPreviousInstruction(i)) {
        if (LLVMIsALoadInst(i))
            return;
        if (!LLVMIsACallInst(i) || i == filler)
            continue;
        LLVMValueRef callee = LLVMGetCalledValue(i);
        if (!LLVMIsAFunction(callee) || !LLVMGetIntrinsicID(callee))
            return;
        size_t len;
        const char *name = LLVMGetValueName2(callee, &len);
        if (strncmp(name, "llvm.memset", 11) != 0)
            continue;
        if (strip_offsets(g, LLVMGetOperand(i, 0), &mset_off) != base || mset_off != 0 ||
            !LLVMIsAConstantInt(LLVMGetOperand(i, 2)))
            continue;
        uint64_t n = LLVMConstIntGetZExtValue(LLVMGetOperand(i, 2));
        if (off == 0 && size == n)
            LLVMInstructionEraseFromParent(i);
        else if (off > 0 && off + size == n)
            LLVMSetOperand(i, 2, LLVMConstInt(g->i64, off, false));
        return;
    }
}

void gen_memcpy(struct codegen *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size)
{
    /* A buffer a helper filled (comm) and that is only copied: the helper
     * fills the destination instead, right here. It reads nothing the
     * probe could have changed in between, so moving it changes nothing. */
    LLVMValueRef filler = size ? sole_filler(g, src, size) : NULL;
    if (filler) {
        drop_dead_zeroing(g, dst, size, filler);
        LLVMInstructionRemoveFromParent(filler);
        LLVMInsertIntoBuilder(g->b, filler);
        LLVMSetOperand(filler, 0, dst);
        return;
    }
    if (size)
        LLVMBuildMemCpy(g->b, dst, known_align(g, dst), src, known_align(g, src),
                        LLVMConstInt(g->i64, size, false));
}

static LLVMValueRef int_ptr(struct codegen *g, LLVMValueRef p, uint32_t size)
{
    LLVMTypeRef t = LLVMIntTypeInContext(g->ctx, size * 8);
    return LLVMBuildBitCast(g->b, p, LLVMPointerType(t, 0), "");
}

/* i64 accesses keep the alignment known of their pointer: BPF has no
 * unaligned loads, and the verifier refuses a misaligned stack access. */
void gen_store_i64(struct codegen *g, LLVMValueRef ptr, LLVMValueRef v)
{
    LLVMSetAlignment(LLVMBuildStore(g->b, v, int_ptr(g, ptr, 8)), known_align(g, ptr));
}

LLVMValueRef gen_load_i64(struct codegen *g, LLVMValueRef ptr)
{
    LLVMValueRef v = LLVMBuildLoad2(g->b, g->i64, int_ptr(g, ptr, 8), "");
    LLVMSetAlignment(v, known_align(g, ptr));
    return v;
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

LLVMValueRef gen_begin_callback(struct codegen *g, const char *name, LLVMTypeRef *params,
                                unsigned nparams, struct callback_state *saved)
{
    LLVMValueRef fn =
        LLVMAddFunction(g->mod, name, LLVMFunctionType(g->i64, params, nparams, false));
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    LLVMSetSection(fn, LLVMGetSection(g->fn));
    *saved = (struct callback_state){g->fn, LLVMGetInsertBlock(g->b), g->di_scope};
    g->fn = fn;
    LLVMPositionBuilderAtEnd(g->b, gen_block(g, "entry"));
    debug_info_function(g, fn, name, g->loc);
    return fn;
}

void gen_end_callback(struct codegen *g, const struct callback_state *saved)
{
    g->fn = saved->fn;
    g->di_scope = saved->scope;
    LLVMPositionBuilderAtEnd(g->b, saved->block);
    debug_info_at(g, g->loc);
}
