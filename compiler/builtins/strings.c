/* Strings and bytes: strlen, strstr, strcontains, memcmp, strcap; buf,
 * macaddr, pton, strerror, syscall_name; kptr and uptr (address spaces).
 * String scans are unrolled over the buffers' sizes, so the verifier sees
 * straight-line code. */
#include <arpa/inet.h>
#include <llvm-c/DebugInfo.h>
#include <stdlib.h>
#include <string.h>

#include "builtins/entries.h"
#include "diag.h"
#include "codegen/memory.h"
#include "sema/sema.h"

static bool known(const struct node *call)
{
    for (int i = 0; i < call->nargs; i++)
        if (call->args[i]->type.kind == TY_NONE)
            return false;
    return true;
}

static bool check_string_arg(struct semantic *sem, struct node *call, int i)
{
    if (call->args[i]->type.kind == TY_STRING)
        return true;
    sem_error(sem, call->args[i]->loc, "%s() expects a string, got '%s'", call->name,
              type_name_of(&call->args[i]->type));
    return false;
}

/* A pointer to one-byte integers (char *, int8 *): a string in memory,
 * as bpftrace's strlen() and strcap() take it. */
static bool is_char_pointer(const struct type *t)
{
    return t->kind == TY_PTR && t->elem && t->elem->kind == TY_INT && t->elem->size == 1;
}

/* ---- checks ---- */

void check_strlen(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (known(call) && (is_char_pointer(&call->args[0]->type) || check_string_arg(sem, call, 0)))
        call->type = type_int(8, false);
}

/* strstr and strcontains: two strings. */
void check_strstr(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (known(call) && check_string_arg(sem, call, 0) && check_string_arg(sem, call, 1))
        call->type = strcmp(call->name, "strstr") == 0 ? type_int(8, true) : type_bool();
}

void check_strcap(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    const struct type *t = &call->args[0]->type;
    if (!known(call))
        return;
    if (is_char_pointer(t)) { /* its length: nothing else bounds it */
        call->type = type_int(8, true);
        return;
    }
    if (t->kind != TY_STRING && t->kind != TY_ARRAY) {
        sem_error(sem, call->args[0]->loc,
                  "strcap() expects a string, an array or a char pointer, got '%s'",
                  type_name_of(t));
        return;
    }
    call->ival = t->kind == TY_STRING ? t->size : t->count;
    call->type = type_int(8, true);
}

void check_memcmp(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (!known(call))
        return;
    for (int i = 0; i < 2; i++) {
        const struct type *t = &call->args[i]->type;
        if (t->kind != TY_STRING && t->kind != TY_BUFFER) {
            sem_error(sem, call->args[i]->loc, "memcmp() compares strings or buffers, not '%s'",
                      type_name_of(t));
            return;
        }
    }
    int64_t n;
    if (!sem_literal_int(call->args[2], &n) || n < 0) {
        sem_error(sem, call->args[2]->loc, "memcmp() count must be a non-negative integer literal");
        return;
    }
    for (int i = 0; i < 2; i++)
        if ((uint64_t)n > call->args[i]->type.size) {
            sem_error(sem, call->args[2]->loc,
                      "memcmp() count %lld is larger than argument %d (%u bytes)", (long long)n,
                      i + 1, call->args[i]->type.size);
            return;
        }
    call->ival = n;
    call->type = type_int(8, true);
}

/* buf(data [, length]): at most BPFTRACE_STRLEN bytes (a longer literal
 * length is cut there with a warning, as bpftrace does). */
void check_buf(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (!known(call))
        return;
    const struct type *t = &call->args[0]->type;
    if (t->kind != TY_INT && t->kind != TY_PTR && t->kind != TY_STRING && t->kind != TY_ARRAY) {
        sem_error(sem, call->args[0]->loc,
                  "buf() expects an integer, string, or array argument but saw %s",
                  type_name_of(t));
        return;
    }
    uint32_t size = sem->strlen;
    if (call->nargs == 1) {
        if (t->kind != TY_ARRAY) {
            sem_error(sem, call->loc, "buf() expects a length argument for non-array type %s",
                      type_name_of(t));
            return;
        }
        size = t->size;
    } else {
        struct node *len = call->args[1];
        if (len->type.kind != TY_INT) {
            sem_error(sem, len->loc, "buf() length must be an integer, got '%s'",
                      type_name_of(&len->type));
            return;
        }
        int64_t n;
        if (sem_literal_int(len, &n)) {
            if (n < 0) {
                sem_error(sem, len->loc, "buf() length must not be negative");
                return;
            }
            size = (uint32_t)(n < (int64_t)UINT32_MAX ? n : UINT32_MAX);
        }
    }
    if (size > sem->strlen) {
        if (sem->final_pass)
            diag_warning(sem->src, call->loc,
                         "buf() length is too long and will be shortened to %u bytes (see "
                         "BPFTRACE_STRLEN)",
                         sem->strlen);
        size = sem->strlen;
    }
    call->type = (struct type){.kind = TY_BUFFER, .size = size + 1};
}

void check_macaddr(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (!known(call))
        return;
    struct node *arg = call->args[0];
    const struct type *t = &arg->type;
    if (arg->kind == N_STRING) {
        sem_error(sem, arg->loc, "macaddr() does not support literal string arguments");
        return;
    }
    if ((t->kind == TY_ARRAY || t->kind == TY_STRING) && t->size != 6) {
        sem_error(sem, arg->loc, "macaddr() argument must be 6 bytes in size");
        return;
    }
    if (t->kind != TY_ARRAY && t->kind != TY_STRING && t->kind != TY_PTR && t->kind != TY_INT) {
        sem_error(sem, arg->loc, "macaddr() expects an array of 6 bytes or an address, got '%s'",
                  type_name_of(t));
        return;
    }
    call->type = (struct type){.kind = TY_MACADDR, .size = 6};
}

/* pton("1.2.3.4") is u8[4], pton("::1") u8[16]: the bytes, made at compile
 * time and kept on the stack like any array. */
void check_pton(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind != N_STRING) {
        sem_error(sem, arg->loc, "pton() expects a string literal");
        return;
    }
    unsigned char bytes[16];
    bool v6 = strchr(arg->str, ':') != NULL;
    if (!v6 && !strchr(arg->str, '.')) {
        sem_error(sem, arg->loc, "pton() expects an IPv4 or IPv6 address, got \"%s\"", arg->str);
        return;
    }
    if (inet_pton(v6 ? AF_INET6 : AF_INET, arg->str, bytes) != 1) {
        sem_error(sem, arg->loc, "pton() could not convert \"%s\" to an IPv%d address", arg->str,
                  v6 ? 6 : 4);
        return;
    }
    static const struct type u8 = {.kind = TY_INT, .size = 1};
    call->type =
        (struct type){.kind = TY_ARRAY, .size = v6 ? 16 : 4, .count = v6 ? 16 : 4, .elem = &u8};
}

void check_strerror(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (!known(call))
        return;
    if (call->args[0]->type.kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "strerror() expects an integer (an errno), got '%s'",
                  type_name_of(&call->args[0]->type));
        return;
    }
    call->type = (struct type){.kind = TY_STRERROR, .size = 8};
}

/* syscall_name(nr): the number, named in userspace when printed. */
void check_syscall_name(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (!known(call))
        return;
    if (call->args[0]->type.kind != TY_INT) {
        sem_error(sem, call->args[0]->loc,
                  "syscall_name() expects an integer (a syscall number), got '%s'",
                  type_name_of(&call->args[0]->type));
        return;
    }
    call->type = (struct type){.kind = TY_SYSCALL_NAME, .size = 8};
}

/* kptr(p), uptr(p): p itself, marked as kernel or user memory. */
void check_address_space(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (!known(call))
        return;
    const struct type *t = &call->args[0]->type;
    if (t->kind != TY_PTR && t->kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "%s() expects a pointer or an address, got '%s'",
                  call->name, type_name_of(t));
        return;
    }
    call->type = *t;
    call->type.is_user = strcmp(call->name, "uptr") == 0;
}

/* ---- code ---- */

/* Byte i of a buffer of `size` bytes (0 past its end). Whole 8-byte words
 * are loaded and the byte shifted out: loading single bytes lets LLVM split
 * the buffer into one stack slot per byte, and an unrolled scan then spills
 * past the 512-byte stack. */
LLVMValueRef gen_string_byte(struct codegen *g, LLVMValueRef s, uint32_t size, uint32_t i)
{
    if (i >= size)
        return LLVMConstInt(g->i8, 0, false);
    if (i / 8 * 8 + 8 > size)
        return LLVMBuildLoad2(g->b, g->i8, gen_byte_ptr(g, s, i), "");
    LLVMValueRef word = gen_load_i64(g, gen_byte_ptr(g, s, i / 8 * 8));
    LLVMValueRef shifted = LLVMBuildLShr(g->b, word, gen_i64(g, (i % 8) * 8), "");
    return LLVMBuildTrunc(g->b, shifted, g->i8, "");
}

/* strlen() of a char pointer: the string read (bpf_probe_read_*_str), at
 * most the default string length (BPFTRACE_STRLEN) long, as bpftrace's
 * strnlen(ptr, default_str_length()) counts it. */
static LLVMValueRef gen_pointer_strlen(struct codegen *g, const struct node *arg, LLVMValueRef p)
{
    uint32_t size = g->sem->strlen + 1;
    LLVMValueRef buf = gen_alloca(g, size, "strlen");
    LLVMValueRef ret =
        gen_probe_read_str(g, buf, LLVMConstInt(g->i32, size, false), p, arg->type.is_user);
    LLVMValueRef read = LLVMBuildICmp(g->b, LLVMIntSGT, ret, gen_i64(g, 0), "");
    return LLVMBuildSelect(g->b, read, LLVMBuildSub(g->b, ret, gen_i64(g, 1), ""), gen_i64(g, 0),
                           "");
}

LLVMValueRef gen_strcap(struct codegen *g, struct node *call, const struct gen_args *a)
{
    if (is_char_pointer(&call->args[0]->type))
        return gen_pointer_strlen(g, call->args[0], a->value[0]);
    return gen_i64(g, call->ival);
}

LLVMValueRef gen_strlen(struct codegen *g, struct node *call, const struct gen_args *a)
{
    if (is_char_pointer(&call->args[0]->type))
        return gen_pointer_strlen(g, call->args[0], a->value[0]);
    uint32_t size = call->args[0]->type.size;
    LLVMValueRef len = gen_i64(g, 0);
    LLVMValueRef ended = LLVMConstInt(g->i1, 0, false);
    for (uint32_t i = 0; i < size; i++) {
        LLVMValueRef nul = LLVMBuildICmp(g->b, LLVMIntEQ, gen_string_byte(g, a->value[0], size, i),
                                         LLVMConstInt(g->i8, 0, false), "");
        ended = LLVMBuildOr(g->b, ended, nul, "");
        len = LLVMBuildAdd(g->b, len,
                           LLVMBuildZExt(g->b, LLVMBuildNot(g->b, ended, ""), g->i64, ""), "");
    }
    return len;
}

/* A loop the optimiser must not unroll: unrolled, a scan keeps every
 * position's result live at once and spills past the 512-byte stack. */
static void keep_loop_rolled(struct codegen *g, LLVMValueRef latch)
{
    LLVMMetadataRef self = LLVMTemporaryMDNode(g->ctx, NULL, 0);
    LLVMMetadataRef name = LLVMMDStringInContext2(g->ctx, "llvm.loop.unroll.disable", 24);
    LLVMMetadataRef disable = LLVMMDNodeInContext2(g->ctx, &name, 1);
    LLVMMetadataRef ops[2] = {self, disable};
    LLVMMetadataRef id = LLVMMDNodeInContext2(g->ctx, ops, 2);
    LLVMMetadataReplaceAllUsesWith(self, id);
    LLVMSetMetadata(latch, LLVMGetMDKindIDInContext(g->ctx, "llvm.loop", 9),
                    LLVMMetadataAsValue(g->ctx, id));
}

/* Byte `index` (a run-time value below size) of a stack buffer. */
static LLVMValueRef byte_at_index(struct codegen *g, LLVMValueRef s, LLVMValueRef index)
{
    LLVMValueRef p =
        LLVMBuildGEP2(g->b, g->i8, LLVMBuildBitCast(g->b, s, g->i8p, ""), &index, 1, "");
    return LLVMBuildLoad2(g->b, g->i8, p, "");
}

/* The first index where needle occurs in haystack, or -1: a loop over the
 * haystack's positions (up to its NUL), each comparing the needle's bytes
 * up to the needle's NUL. A literal needle is compared over its length. */
static LLVMValueRef find_substring(struct codegen *g, struct node *call, const struct gen_args *a)
{
    struct node *hn = call->args[0], *nn = call->args[1];
    uint32_t hs = hn->type.size;
    bool literal = nn->kind == N_STRING;
    uint32_t ns = literal ? (uint32_t)nn->slen : nn->type.size;
    LLVMValueRef zero8 = LLVMConstInt(g->i8, 0, false);
    LLVMValueRef result = gen_alloca(g, 8, "strstr");
    gen_store_i64(g, result, gen_i64(g, -1));
    LLVMBasicBlockRef before = LLVMGetInsertBlock(g->b);
    LLVMBasicBlockRef head = gen_block(g, "strstr_pos");
    LLVMBasicBlockRef found = gen_block(g, "strstr_found");
    LLVMBasicBlockRef next = gen_block(g, "strstr_next");
    LLVMBasicBlockRef done = gen_block(g, "strstr_done");
    LLVMBuildBr(g->b, head);

    LLVMPositionBuilderAtEnd(g->b, head);
    LLVMValueRef i = LLVMBuildPhi(g->b, g->i64, "i");
    LLVMValueRef match = LLVMConstInt(g->i1, 1, false);
    LLVMValueRef needle_ended = LLVMConstInt(g->i1, 0, false);
    for (uint32_t j = 0; j < ns; j++) {
        LLVMValueRef nj = literal ? LLVMConstInt(g->i8, (unsigned char)nn->str[j], false)
                                  : gen_string_byte(g, a->value[1], ns, j);
        needle_ended =
            LLVMBuildOr(g->b, needle_ended, LLVMBuildICmp(g->b, LLVMIntEQ, nj, zero8, ""), "");
        /* haystack[i + j], 0 past its end */
        LLVMValueRef at = LLVMBuildAdd(g->b, i, gen_i64(g, j), "");
        LLVMValueRef inside = LLVMBuildICmp(g->b, LLVMIntULT, at, gen_i64(g, hs), "");
        LLVMValueRef safe = LLVMBuildSelect(g->b, inside, at, gen_i64(g, 0), "");
        LLVMValueRef hj =
            LLVMBuildSelect(g->b, inside, byte_at_index(g, a->value[0], safe), zero8, "");
        LLVMValueRef same = LLVMBuildICmp(g->b, LLVMIntEQ, hj, nj, "");
        match = LLVMBuildAnd(g->b, match, LLVMBuildOr(g->b, needle_ended, same, ""), "");
    }
    LLVMBuildCondBr(g->b, match, found, next);

    LLVMPositionBuilderAtEnd(g->b, found);
    gen_store_i64(g, result, i);
    LLVMBuildBr(g->b, done);

    /* the next position, unless this one was the haystack's NUL or its end */
    LLVMPositionBuilderAtEnd(g->b, next);
    LLVMValueRef inside = LLVMBuildICmp(g->b, LLVMIntULT, i, gen_i64(g, hs), "");
    LLVMValueRef safe = LLVMBuildSelect(g->b, inside, i, gen_i64(g, 0), "");
    LLVMValueRef hi = LLVMBuildSelect(g->b, inside, byte_at_index(g, a->value[0], safe), zero8, "");
    LLVMValueRef more =
        LLVMBuildAnd(g->b, inside, LLVMBuildICmp(g->b, LLVMIntNE, hi, zero8, ""), "");
    LLVMValueRef i_next = LLVMBuildAdd(g->b, i, gen_i64(g, 1), "");
    LLVMValueRef latch = LLVMBuildCondBr(g->b, more, head, done);
    keep_loop_rolled(g, latch);
    LLVMValueRef in_vals[2] = {gen_i64(g, 0), i_next};
    LLVMBasicBlockRef in_blocks[2] = {before, next};
    LLVMAddIncoming(i, in_vals, in_blocks, 2);

    LLVMPositionBuilderAtEnd(g->b, done);
    return gen_load_i64(g, result);
}

LLVMValueRef gen_strstr(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef at = find_substring(g, call, a);
    if (strcmp(call->name, "strstr") == 0)
        return at;
    return LLVMBuildZExt(g->b, LLVMBuildICmp(g->b, LLVMIntNE, at, gen_i64(g, -1), ""), g->i64, "");
}

/* memcmp(l, r, n): the difference of the first differing bytes (unsigned),
 * 0 when the first n agree. */
LLVMValueRef gen_memcmp(struct codegen *g, struct node *call, const struct gen_args *a)
{
    uint32_t n = (uint32_t)call->ival;
    uint32_t skip[2];
    for (int i = 0; i < 2; i++) /* a buffer's first byte is its length */
        skip[i] = call->args[i]->type.kind == TY_BUFFER ? 1 : 0;
    LLVMValueRef result = gen_i64(g, 0);
    for (uint32_t j = n; j-- > 0;) {
        LLVMValueRef l =
            LLVMBuildZExt(g->b, gen_string_byte(g, a->value[0], j + 1 + skip[0], j + skip[0]), g->i64, "");
        LLVMValueRef r =
            LLVMBuildZExt(g->b, gen_string_byte(g, a->value[1], j + 1 + skip[1], j + skip[1]), g->i64, "");
        LLVMValueRef differ = LLVMBuildICmp(g->b, LLVMIntNE, l, r, "");
        result = LLVMBuildSelect(g->b, differ, LLVMBuildSub(g->b, l, r, ""), result, "");
    }
    return result;
}

/* {u8 length, bytes}: the length is the smaller of the buffer and a length
 * known only at run time. */
LLVMValueRef gen_buf(struct codegen *g, struct node *call, const struct gen_args *a)
{
    uint32_t size = call->type.size - 1;
    const struct type *t = &call->args[0]->type;
    LLVMValueRef out = gen_alloca(g, call->type.size, "buf");
    gen_memset0(g, out, call->type.size);
    LLVMValueRef len = gen_i64(g, size);
    int64_t literal;
    if (call->nargs == 2 && !sem_literal_int(call->args[1], &literal)) {
        LLVMValueRef want = a->value[1];
        LLVMValueRef big = LLVMBuildICmp(g->b, LLVMIntUGT, want, gen_i64(g, size), "");
        len = LLVMBuildSelect(g->b, big, gen_i64(g, size), want, "");
    }
    LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, len, g->i8, ""), out);
    if (t->kind == TY_STRING) {
        gen_memcpy(g, gen_byte_ptr(g, out, 1), a->value[0], size < t->size ? size : t->size);
    } else if (size > 0) {
        gen_probe_read(g, gen_byte_ptr(g, out, 1), size, a->value[0], t->is_user);
    }
    return out;
}

LLVMValueRef gen_macaddr(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_STRING) {
        LLVMValueRef out = gen_alloca(g, 6, "macaddr");
        gen_memcpy(g, out, a->value[0], 6);
        return out;
    }
    LLVMValueRef out = gen_alloca(g, 8, "macaddr");
    gen_memset0(g, out, 8);
    gen_probe_read(g, out, 6, a->value[0], t->is_user);
    return out;
}

LLVMValueRef gen_pton(struct codegen *g, struct node *call, const struct gen_args *a)
{
    unsigned char bytes[16];
    struct node *arg = call->args[0];
    inet_pton(call->type.size == 16 ? AF_INET6 : AF_INET, arg->str, bytes);
    /* its address may be kept in a variable: the buffer lives as long as the probe */
    LLVMValueRef buf = gen_alloca_for_probe(g, call->type.size, "pton");
    gen_fill_bytes(g, buf, bytes, call->type.size, call->type.size);
    return LLVMBuildPtrToInt(g->b, buf, g->i64, "");
}

LLVMValueRef gen_value_of_arg(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return a->value[0];
}
