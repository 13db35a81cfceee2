/* Memory and strings: str, ntop, bswap, strncmp. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "builtins/entries.h"
#include "codegen/memory.h"
#include "sema/sema.h"

/* ---- checks ---- */

static bool is_address(const struct type *t)
{
    return t->kind == TY_INT || t->kind == TY_PTR || t->kind == TY_ARRAY;
}

static bool args_known(const struct node *call)
{
    for (int i = 0; i < call->nargs; i++)
        if (call->args[i]->type.kind == TY_NONE)
            return false;
    return true;
}

/* str(p) and str(p, n): a NUL-terminated string read from p, at most n bytes
 * (and at most BPFTRACE_STRLEN). Its type is always BPFTRACE_STRLEN bytes,
 * as in bpftrace (sizeof(str(p, 2)) is 64); the limit is applied when the
 * string is read. */
void check_str(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (!args_known(call))
        return;
    const struct type *p = &call->args[0]->type;
    if (p->kind != TY_STRING && !is_address(p)) {
        sem_error(sem, call->args[0]->loc, "str() expects a pointer or an address, got '%s'",
                  type_name_of(p));
        return;
    }
    if (call->nargs == 2) {
        struct node *n = call->args[1];
        if (n->type.kind != TY_INT) {
            sem_error(sem, n->loc, "str() length must be an integer");
            return;
        }
        if (n->kind == N_INT && n->ival < 0) {
            sem_error(sem, n->loc, "str() length must not be negative");
            return;
        }
    }
    call->type = (struct type){.kind = TY_STRING, .size = sem->strlen};
}

/* ntop(addr) and ntop(af, addr): addr an IPv4 address as an integer, or the
 * address of 4 or 16 bytes (in_addr, in6_addr, u8[16]). */
void check_ntop(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (!args_known(call))
        return;
    struct node *addr = call->args[call->nargs - 1];
    if (call->nargs == 2 && call->args[0]->type.kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "ntop() address family must be an integer");
        return;
    }
    const struct type *t = &addr->type;
    bool ok = t->kind == TY_INT || t->kind == TY_PTR ||
              (t->kind == TY_ARRAY && (t->size == 4 || t->size == 16)) ||
              (t->kind == TY_RECORD && (t->size == 4 || t->size == 16));
    if (!ok) {
        sem_error(sem, addr->loc,
                  "ntop() expects an IPv4 address as an integer, or 4 or 16 address bytes; got "
                  "'%s'",
                  type_name_of(t));
        return;
    }
    call->type = (struct type){.kind = TY_INET, .size = 24};
}

void check_bswap(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_NONE)
        return;
    if (t->kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "bswap() expects an integer, got '%s'",
                  type_name_of(t));
        return;
    }
    call->type = type_int(t->size, false);
}

void check_strncmp(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (!args_known(call))
        return;
    for (int i = 0; i < 2; i++)
        if (call->args[i]->type.kind != TY_STRING) {
            sem_error(sem, call->args[i]->loc, "strncmp() compares strings, not '%s'",
                      type_name_of(&call->args[i]->type));
            return;
        }
    if (call->args[2]->kind != N_INT || call->args[2]->ival < 0) {
        sem_error(sem, call->args[2]->loc, "strncmp() length must be a non-negative integer literal");
        return;
    }
    call->type = type_int(8, false);
}

/* ---- code ---- */

/* Bytes str() may write, NUL included: the buffer's size, or n + 1 for
 * str(p, n) when that is smaller (a length known only at run time is
 * clamped to the buffer). */
static LLVMValueRef str_limit(struct codegen *g, struct node *call, const struct gen_args *a,
                              uint32_t size)
{
    if (call->nargs < 2)
        return LLVMConstInt(g->i32, size, false);
    struct node *len = call->args[1];
    if (len->kind == N_INT)
        return LLVMConstInt(g->i32, (uint64_t)len->ival + 1 < size ? (uint64_t)len->ival + 1 : size,
                            false);
    LLVMValueRef n = LLVMBuildAdd(g->b, a->value[1], gen_i64(g, 1), "");
    LLVMValueRef big = LLVMBuildICmp(g->b, LLVMIntUGT, n, gen_i64(g, size), "");
    n = LLVMBuildSelect(g->b, big, gen_i64(g, size), n, "");
    return LLVMBuildTrunc(g->b, n, g->i32, "");
}

/* str(p), str(p, n): a string of BPFTRACE_STRLEN bytes, NUL-padded. */
LLVMValueRef gen_str(struct codegen *g, struct node *call, const struct gen_args *a)
{
    struct node *p = call->args[0];
    uint32_t size = call->type.size;
    LLVMValueRef v = a->value[0];
    LLVMValueRef buf = gen_alloca(g, size, "str");
    gen_memset0(g, buf, size); /* hash keys compare the bytes after the NUL too */
    LLVMValueRef limit = str_limit(g, call, a, size);
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
LLVMValueRef gen_ntop(struct codegen *g, struct node *call, const struct gen_args *a)
{
    struct node *addr = call->args[call->nargs - 1];
    LLVMValueRef out = gen_alloca(g, 24, "inet");
    gen_memset0(g, out, 24);
    LLVMValueRef family = call->nargs == 2 ? a->value[0] : gen_i64(g, AF_INET);
    const struct type *t = &addr->type;
    if (t->kind == TY_INT) {
        /* an IPv4 address held in an integer, in network byte order already */
        gen_store_value(g, out, &(struct type){.kind = TY_INT, .size = 8}, family, 8);
        LLVMValueRef v = LLVMBuildTrunc(g->b, a->value[call->nargs - 1], g->i32, "");
        LLVMBuildStore(g->b, v,
                       LLVMBuildBitCast(g->b, gen_byte_ptr(g, out, 8),
                                        LLVMPointerType(g->i32, 0), ""));
        return out;
    }
    LLVMValueRef at = a->value[call->nargs - 1];
    uint32_t known = t->kind == TY_PTR ? 0 : t->size;
    if (call->nargs == 1 && known == 16)
        family = gen_i64(g, AF_INET6); /* 16 bytes: IPv6, as bpftrace infers it */
    gen_store_i64(g, out, family);
    if (known == 4 || known == 16) {
        gen_probe_read(g, gen_byte_ptr(g, out, 8), known, at, t->is_user);
        return out;
    }
    /* a pointer: read as many bytes as the family needs */
    LLVMValueRef is6 = LLVMBuildICmp(g->b, LLVMIntEQ, family, gen_i64(g, AF_INET6), "");
    LLVMBasicBlockRef six = gen_block(g, "ntop6");
    LLVMBasicBlockRef four = gen_block(g, "ntop4");
    LLVMBasicBlockRef done = gen_block(g, "ntop_done");
    LLVMBuildCondBr(g->b, is6, six, four);
    LLVMPositionBuilderAtEnd(g->b, six);
    gen_probe_read(g, gen_byte_ptr(g, out, 8), 16, at, t->is_user);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, four);
    gen_probe_read(g, gen_byte_ptr(g, out, 8), 4, at, t->is_user);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
    return out;
}

LLVMValueRef gen_bswap(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef v = a->value[0];
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
LLVMValueRef gen_strncmp(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef s1 = a->value[0];
    LLVMValueRef s2 = a->value[1];
    uint32_t sa = call->args[0]->type.size, sb = call->args[1]->type.size;
    uint64_t n = (uint64_t)call->args[2]->ival;
    LLVMValueRef zero8 = LLVMConstInt(g->i8, 0, false);
    LLVMValueRef differ = LLVMConstInt(g->i1, 0, false);
    LLVMValueRef done = LLVMConstInt(g->i1, 0, false);
    for (uint64_t i = 0; i < n && (i < sa || i < sb); i++) {
        LLVMValueRef ai = i < sa ? LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, s1, i), "") : zero8;
        LLVMValueRef bi = i < sb ? LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, s2, i), "") : zero8;
        LLVMValueRef ne = LLVMBuildICmp(g->b, LLVMIntNE, ai, bi, "");
        differ = LLVMBuildOr(g->b, differ, LLVMBuildAnd(g->b, LLVMBuildNot(g->b, done, ""), ne, ""),
                             "");
        LLVMValueRef nul = LLVMBuildICmp(g->b, LLVMIntEQ, ai, zero8, "");
        done = LLVMBuildOr(g->b, done, LLVMBuildOr(g->b, ne, nul, ""), "");
    }
    return LLVMBuildZExt(g->b, differ, g->i64, "");
}
