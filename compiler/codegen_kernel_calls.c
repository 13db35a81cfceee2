/* Code generation of str, ntop, bswap, strncmp, stacks and symbols. */
#include <errno.h>
#include <sys/socket.h>
#include <string.h>

#include "builtins.h"
#include "codegen.h"

#define BPF_F_USER_STACK (1ull << 8)

/* Bytes str() may write, NUL included: the buffer's size, or n + 1 for
 * str(p, n) when that is smaller (a length known only at run time is
 * clamped to the buffer). */
static LLVMValueRef str_limit(struct codegen *g, struct node *call, uint32_t size)
{
    if (call->nargs < 2)
        return LLVMConstInt(g->i32, size, false);
    struct node *len = call->args[1];
    if (len->kind == N_INT)
        return LLVMConstInt(g->i32, (uint64_t)len->ival + 1 < size ? (uint64_t)len->ival + 1 : size,
                            false);
    LLVMValueRef n = LLVMBuildAdd(g->b, gen_expr(g, len), gen_i64(g, 1), "");
    LLVMValueRef big = LLVMBuildICmp(g->b, LLVMIntUGT, n, gen_i64(g, size), "");
    n = LLVMBuildSelect(g->b, big, gen_i64(g, size), n, "");
    return LLVMBuildTrunc(g->b, n, g->i32, "");
}

/* str(p), str(p, n): a string of BPFTRACE_STRLEN bytes, NUL-padded. */
LLVMValueRef gen_str(struct codegen *g, struct node *call, struct node *map)
{
    struct node *p = call->args[0];
    uint32_t size = call->type.size;
    LLVMValueRef v = gen_expr(g, p);
    LLVMValueRef buf = gen_alloca(g, size, "str");
    gen_memset0(g, buf, size); /* hash keys compare the bytes after the NUL too */
    LLVMValueRef limit = str_limit(g, call, size);
    if (p->type.kind == TY_STRING && LLVMIsConstant(limit)) {
        /* a string already on the stack (a literal, a parameter's text) */
        uint32_t n = (uint32_t)LLVMConstIntGetZExtValue(limit);
        gen_memcpy(g, buf, v, (p->type.size < n ? p->type.size : n) - 1);
        return buf;
    }
    /* a string on the stack with a length known only at run time is read
     * like any other: the stack is kernel memory */
    bool on_stack = p->type.kind == TY_STRING;
    LLVMValueRef addr = on_stack ? LLVMBuildPtrToInt(g->b, v, g->i64, "") : v;
    gen_probe_read_str(g, buf, limit, addr, !on_stack && p->type.is_user);
    return buf;
}

/* {u64 family, u8 addr[16]} as the runtime prints it. */
LLVMValueRef gen_ntop(struct codegen *g, struct node *call, struct node *map)
{
    struct node *addr = call->args[call->nargs - 1];
    LLVMValueRef out = gen_alloca(g, 24, "inet");
    gen_memset0(g, out, 24);
    LLVMValueRef family = call->nargs == 2 ? gen_expr(g, call->args[0]) : gen_i64(g, AF_INET);
    const struct type *t = &addr->type;
    if (t->kind == TY_INT) {
        /* an IPv4 address held in an integer, in network byte order already */
        gen_store_value(g, out, &(struct type){.kind = TY_INT, .size = 8}, family, 8);
        LLVMValueRef v = LLVMBuildTrunc(g->b, gen_expr(g, addr), g->i32, "");
        LLVMBuildStore(g->b, v,
                       LLVMBuildBitCast(g->b, gen_byte_ptr(g, out, 8),
                                        LLVMPointerType(g->i32, 0), ""));
        return out;
    }
    gen_store_i64(g, out, family);
    LLVMValueRef a = gen_expr(g, addr);
    uint32_t known = t->kind == TY_PTR ? 0 : t->size;
    if (known == 4 || known == 16) {
        gen_probe_read(g, gen_byte_ptr(g, out, 8), known, a, t->is_user);
        return out;
    }
    /* a pointer: read as many bytes as the family needs */
    LLVMValueRef is6 = LLVMBuildICmp(g->b, LLVMIntEQ, family, gen_i64(g, AF_INET6), "");
    LLVMBasicBlockRef six = gen_block(g, "ntop6");
    LLVMBasicBlockRef four = gen_block(g, "ntop4");
    LLVMBasicBlockRef done = gen_block(g, "ntop_done");
    LLVMBuildCondBr(g->b, is6, six, four);
    LLVMPositionBuilderAtEnd(g->b, six);
    gen_probe_read(g, gen_byte_ptr(g, out, 8), 16, a, t->is_user);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, four);
    gen_probe_read(g, gen_byte_ptr(g, out, 8), 4, a, t->is_user);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
    return out;
}

LLVMValueRef gen_bswap(struct codegen *g, struct node *call, struct node *map)
{
    LLVMValueRef v = gen_expr(g, call->args[0]);
    uint32_t size = call->args[0]->type.size;
    if (size <= 1)
        return v;
    LLVMTypeRef it = LLVMIntTypeInContext(g->ctx, size * 8);
    unsigned id = LLVMLookupIntrinsicID("llvm.bswap", 10);
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, id, &it, 1);
    LLVMValueRef narrow = LLVMBuildTrunc(g->b, v, it, "");
    LLVMValueRef swapped = LLVMBuildCall2(g->b, LLVMGlobalGetValueType(fn), fn, &narrow, 1, "");
    return LLVMBuildZExt(g->b, swapped, g->i64, "");
}

/* strncmp(a, b, n): 0 when the first n bytes agree (stopping at a NUL in
 * both), 1 otherwise, as bpftrace returns it. */
LLVMValueRef gen_strncmp(struct codegen *g, struct node *call, struct node *map)
{
    LLVMValueRef a = gen_expr(g, call->args[0]);
    LLVMValueRef b = gen_expr(g, call->args[1]);
    uint32_t sa = call->args[0]->type.size, sb = call->args[1]->type.size;
    uint64_t n = (uint64_t)call->args[2]->ival;
    LLVMValueRef zero8 = LLVMConstInt(g->i8, 0, false);
    LLVMValueRef differ = LLVMConstInt(g->i1, 0, false);
    LLVMValueRef done = LLVMConstInt(g->i1, 0, false);
    for (uint64_t i = 0; i < n && (i < sa || i < sb); i++) {
        LLVMValueRef ai = i < sa ? LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, a, i), "") : zero8;
        LLVMValueRef bi = i < sb ? LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, b, i), "") : zero8;
        LLVMValueRef ne = LLVMBuildICmp(g->b, LLVMIntNE, ai, bi, "");
        differ = LLVMBuildOr(g->b, differ, LLVMBuildAnd(g->b, LLVMBuildNot(g->b, done, ""), ne, ""),
                             "");
        LLVMValueRef nul = LLVMBuildICmp(g->b, LLVMIntEQ, ai, zero8, "");
        done = LLVMBuildOr(g->b, done, LLVMBuildOr(g->b, ne, nul, ""), "");
    }
    return LLVMBuildZExt(g->b, differ, g->i64, "");
}

/* bpf_get_stackid loses a stack it took when the stack map cannot keep it:
 * -EEXIST (the stack's hash slot holds another stack) or -ENOMEM (the map
 * is full); those are counted. Other failures mean there was no stack to
 * take (-EFAULT, or -EPERM for a user stack where there is none). */
static void count_lost_stack(struct codegen *g, LLVMValueRef id)
{
    LLVMValueRef value = LLVMBuildSExt(g->b, LLVMBuildTrunc(g->b, id, g->i32, ""), g->i64, "");
    LLVMValueRef exists = LLVMBuildICmp(g->b, LLVMIntEQ, value, gen_i64(g, -EEXIST), "");
    LLVMValueRef full = LLVMBuildICmp(g->b, LLVMIntEQ, value, gen_i64(g, -ENOMEM), "");
    LLVMBasicBlockRef lost = gen_block(g, "stack_lost");
    LLVMBasicBlockRef done = gen_block(g, "stack_done");
    LLVMBuildCondBr(g->b, LLVMBuildOr(g->b, exists, full, ""), lost, done);
    LLVMPositionBuilderAtEnd(g->b, lost);
    gen_count_loss(g, LOSS_STACKS);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
}

/* A stack id from bpf_get_stackid; a ustack also records whose it is. */
static LLVMValueRef gen_stack(struct codegen *g, const struct type *t)
{
    bool user = t->kind == TY_USTACK;
    LLVMValueRef args[3] = {g->ctxarg, gen_map_ptr(g, user ? g->ustack_map_id : g->kstack_map_id),
                            gen_i64(g, user ? (int64_t)BPF_F_USER_STACK : 0)};
    LLVMValueRef id = gen_helper(g, HELPER_GET_STACKID, g->i64, args, 3);
    count_lost_stack(g, id);
    gen_check_helper(g, HELPER_GET_STACKID, id);
    if (!user)
        return id;
    LLVMValueRef out = gen_alloca(g, 16, "ustack");
    gen_store_i64(g, out, id);
    LLVMValueRef tgid = LLVMBuildLShr(g->b, gen_helper(g, HELPER_GET_CURRENT_PID_TGID, g->i64, NULL, 0),
                                      gen_i64(g, 32), "");
    gen_store_i64(g, gen_byte_ptr(g, out, 8), tgid);
    return out;
}

LLVMValueRef gen_stack_call(struct codegen *g, struct node *call, struct node *map)
{
    return gen_stack(g, &call->type);
}

LLVMValueRef gen_var_stack(struct codegen *g, struct node *n)
{
    return gen_stack(g, &n->type);
}

LLVMValueRef gen_sym(struct codegen *g, struct node *call, struct node *map)
{
    LLVMValueRef addr = gen_expr(g, call->args[0]);
    if (call->type.kind == TY_KSYM)
        return addr;
    LLVMValueRef out = gen_alloca(g, 16, "usym");
    gen_store_i64(g, out, addr);
    LLVMValueRef tgid = LLVMBuildLShr(g->b, gen_helper(g, HELPER_GET_CURRENT_PID_TGID, g->i64, NULL, 0),
                                      gen_i64(g, 32), "");
    gen_store_i64(g, gen_byte_ptr(g, out, 8), tgid);
    return out;
}

LLVMValueRef gen_kaddr(struct codegen *g, struct node *call, struct node *map)
{
    return gen_i64(g, call->ival);
}

/* join(): the record is built in ring buffer memory (16 strings do not fit
 * on the BPF stack). Reading stops at argv's NULL; later slots stay empty. */
LLVMValueRef gen_join(struct codegen *g, struct node *call, struct node *map)
{
    const struct async_desc *a = &g->sem->asyncs[call->async_id];
    uint32_t size = 8 + a->args.size;
    bool user = call->args[0]->type.is_user;
    LLVMValueRef argv = gen_expr(g, call->args[0]);
    LLVMValueRef rargs[3] = {gen_map_ptr(g, g->ringbuf_map_id), gen_i64(g, size), gen_i64(g, 0)};
    LLVMValueRef rec = gen_helper(g, HELPER_RINGBUF_RESERVE, g->i8p, rargs, 3);
    LLVMBasicBlockRef fill = gen_block(g, "join_fill");
    LLVMBasicBlockRef done = gen_block(g, "join_done");
    LLVMBasicBlockRef lost = gen_block(g, "join_lost");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, rec, LLVMConstNull(g->i8p), ""), lost,
                    fill);
    LLVMPositionBuilderAtEnd(g->b, lost);
    gen_count_loss(g, LOSS_EVENTS);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, fill);
    gen_store_i64(g, rec, gen_i64(g, call->async_id));
    for (int i = 0; i < a->args.nfields; i++)
        LLVMBuildStore(g->b, LLVMConstInt(g->i8, 0, false),
                       gen_byte_ptr(g, rec, 8 + a->args.fields[i].offset));
    LLVMValueRef slot = gen_alloca(g, 8, "argp");
    LLVMBasicBlockRef submit = gen_block(g, "join_submit");
    for (int i = 0; i < a->args.nfields; i++) {
        gen_memset0(g, slot, 8);
        gen_probe_read(g, slot, 8, LLVMBuildAdd(g->b, argv, gen_i64(g, i * 8), ""), user);
        LLVMValueRef p = gen_load_i64(g, slot);
        LLVMBasicBlockRef read = gen_block(g, "join_read");
        LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, p, gen_i64(g, 0), ""), submit, read);
        LLVMPositionBuilderAtEnd(g->b, read);
        gen_probe_read_str(g, gen_byte_ptr(g, rec, 8 + a->args.fields[i].offset),
                           LLVMConstInt(g->i32, a->args.fields[i].size, false), p, user);
    }
    LLVMBuildBr(g->b, submit);
    LLVMPositionBuilderAtEnd(g->b, submit);
    LLVMValueRef sargs[2] = {rec, gen_i64(g, 0)};
    gen_helper(g, HELPER_RINGBUF_SUBMIT, LLVMVoidTypeInContext(g->ctx), sargs, 2);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
    return NULL;
}
