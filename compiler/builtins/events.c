/* Events: printf, print, clear, zero, time, exit, system, cat, join. Each
 * sends one record through the ring buffer, in program order; the runtime
 * handles it (runtime/events.c, by the entry's event kind). The check
 * describes the record, the code builds and sends it. */
#include <stdlib.h>
#include <string.h>

#include "builtins/entries.h"
#include "codegen/memory.h"
#include "printf_spec.h"
#include "sema/sema.h"

/* ---- checks ---- */

/* printf, system and cat: a format literal and printf-style arguments,
 * checked against each other and carried to userspace in an event. */
static void check_formatted_event(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    struct node *fmt = call->args[0];
    if (fmt->kind != N_STRING) {
        sem_error(sem, fmt->loc, "%s() needs a string literal as its format", call->name);
        return;
    }
    int nargs = call->nargs - 1;
    const struct type *types[32];
    for (int i = 0; i < nargs; i++) {
        types[i] = &call->args[i + 1]->type;
        if (types[i]->kind == TY_NONE)
            return; /* reported where it was resolved */
        if (!type_is_printable(types[i])) {
            sem_error(sem, call->args[i + 1]->loc, "%s() cannot print a value of type '%s'",
                      call->name, type_name_of(types[i]));
            return;
        }
    }
    struct printf_error err;
    if (printf_check(fmt->str, types, nargs, &err) < 0) {
        struct loc at = err.arg_index >= 0 ? call->args[err.arg_index + 1]->loc : call->loc;
        sem_error(sem, at, "%s", err.message);
        return;
    }
    if (sem_add_async(sem, call, call->builtin->event) < 0)
        return;
    struct async_desc *a = &sem->asyncs[call->async_id];
    a->fmt = strdup(fmt->str);
    sem_async_args(sem, call, 1, a);
}

void check_printf(struct semantic *sem, struct node *call)
{
    check_formatted_event(sem, call);
}

void check_system(struct semantic *sem, struct node *call)
{
    check_formatted_event(sem, call);
}

void check_cat(struct semantic *sem, struct node *call)
{
    check_formatted_event(sem, call);
}

/* errorf() and warnf(): printf's text, reported at the call. */
void check_errorf(struct semantic *sem, struct node *call)
{
    int before = sem->nasyncs;
    check_formatted_event(sem, call);
    if (sem->nasyncs > before)
        sem->asyncs[before].where =
            (struct source_span){call->loc.line, call->loc.col, call->loc.end_col};
}

/* assert(cond, msg): bpftrace's stdlib macro, `if (!cond) { errorf("assert
 * failed: %s", msg); exit(1); }`: two events, the error (call->async_id)
 * and the exit (its id in call->ival), whose record carries the exit code
 * as exit(code)'s does (one integer argument). */
#define ASSERT_EXIT_CODE 1

void check_assert(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    const struct type *cond = &call->args[0]->type, *msg = &call->args[1]->type;
    if (cond->kind == TY_NONE || msg->kind == TY_NONE)
        return;
    if (cond->kind != TY_INT && cond->kind != TY_PTR) {
        sem_error(sem, call->args[0]->loc, "assert() condition must be an integer, got '%s'",
                  type_name_of(cond));
        return;
    }
    if (msg->kind != TY_STRING) {
        sem_error(sem, call->args[1]->loc, "assert() message must be a string, got '%s'",
                  type_name_of(msg));
        return;
    }
    if (sem_add_async(sem, call, ASYNC_EXIT) < 0)
        return;
    call->ival = call->async_id;
    struct record_desc *code = &sem->asyncs[call->async_id].args;
    code->fields = calloc(1, sizeof(*code->fields));
    if (!code->fields) {
        sem_error(sem, call->loc, "out of memory");
        return;
    }
    code->nfields = 1;
    code->fields[0] = (struct value_desc){.kind = VK_INT, .size = 8, .is_signed = true};
    code->size = 8;
    if (sem_add_async(sem, call, ASYNC_ERRORF) < 0)
        return;
    struct async_desc *a = &sem->asyncs[call->async_id];
    a->fmt = strdup("assert failed: %s");
    a->where = (struct source_span){call->loc.line, call->loc.col, call->loc.end_col};
    sem_async_args(sem, call, 1, a);
}

void check_unwatch(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_NONE)
        return;
    if (t->kind != TY_INT && t->kind != TY_PTR) {
        sem_error(sem, call->args[0]->loc, "unwatch() expects an address, got '%s'",
                  type_name_of(t));
        return;
    }
    if (sem_add_async(sem, call, call->builtin->event) < 0)
        return;
    sem_async_args(sem, call, 0, &sem->asyncs[call->async_id]);
}

/* strftime(fmt, ns): a value, formatted in userspace when printed. */
void check_strftime(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    if (call->args[0]->kind != N_STRING) {
        sem_error(sem, call->args[0]->loc, "strftime() format must be a string literal");
        return;
    }
    const struct type *t = &call->args[1]->type;
    if (t->kind == TY_NONE)
        return;
    if (t->kind != TY_INT) {
        sem_error(sem, call->args[1]->loc, "strftime() expects an integer timestamp (ns), got '%s'",
                  type_name_of(t));
        return;
    }
    call->ival = sem_value_string(sem, call->args[0]->str);
    call->type = (struct type){.kind = TY_TIMESTAMP, .size = 16};
}

LLVMValueRef gen_strftime(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_pair(g, a->value[1], call->ival, "timestamp");
}

void check_print(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    struct node *arg = call->args[0];
    if (builtin_arg_is_whole_map(arg)) {
        int64_t top = 0, div = 0;
        if (call->nargs > 1 && !sem_literal_int(call->args[1], &top))
            sem_error(sem, call->args[1]->loc, "print() top must be an integer literal");
        if (call->nargs > 2 && !sem_literal_int(call->args[2], &div))
            sem_error(sem, call->args[2]->loc, "print() div must be an integer literal");
        if (top < 0 || div < 0)
            sem_error(sem, call->loc, "print() top and div must not be negative");
        if (sem_add_async(sem, call, call->builtin->event) < 0)
            return;
        struct async_desc *a = &sem->asyncs[call->async_id];
        a->map_id = arg->map->id;
        a->top = (uint64_t)top;
        a->div = (uint64_t)div;
        return;
    }
    if (call->nargs > 1) {
        sem_error(sem, call->loc, "print() takes top and div only for a whole map");
        return;
    }
    if (arg->type.kind == TY_NONE)
        return;
    if (!type_is_printable(&arg->type)) {
        sem_error(sem, arg->loc, "print() cannot print a value of type '%s'",
                  type_name_of(&arg->type));
        return;
    }
    /* print(value): an event of its own kind, printed like a map value */
    if (sem_add_async(sem, call, ASYNC_PRINT_VALUE) < 0)
        return;
    sem_async_args(sem, call, 0, &sem->asyncs[call->async_id]);
}

/* clear(@m), zero(@m) */
void check_map_only(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    struct node *arg = call->args[0];
    if (arg->kind != N_MAP || arg->nargs != 0) {
        sem_error(sem, arg->loc, "%s() expects a map without a key, e.g. %s(@name)", call->name,
                  call->name);
        return;
    }
    if (sem_add_async(sem, call, call->builtin->event) < 0)
        return;
    sem->asyncs[call->async_id].map_id = arg->map->id;
}

void check_time(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    if (call->nargs == 1 && call->args[0]->kind != N_STRING) {
        sem_error(sem, call->args[0]->loc, "time() format must be a string literal");
        return;
    }
    if (sem_add_async(sem, call, call->builtin->event) < 0)
        return;
    sem->asyncs[call->async_id].fmt = strdup(call->nargs ? call->args[0]->str : "%H:%M:%S\n");
}

/* exit([code]): the code is sobt's exit status. */
void check_exit(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    if (call->nargs && call->args[0]->type.kind != TY_NONE && call->args[0]->type.kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "exit() takes an integer exit code, not '%s'",
                  type_name_of(&call->args[0]->type));
        return;
    }
    if (sem_add_async(sem, call, call->builtin->event) < 0)
        return;
    sem_async_args(sem, call, 0, &sem->asyncs[call->async_id]);
}

/* join(argv [, sep]): argv is an array of string pointers in user memory
 * (execve's argv); up to JOIN_MAX_ARGS strings are sent to be printed. */
#define JOIN_MAX_ARGS 16

void check_join(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_NONE)
        return;
    if (t->kind != TY_PTR && t->kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "join() expects an array of string pointers");
        return;
    }
    if (call->nargs == 2 && call->args[1]->kind != N_STRING) {
        sem_error(sem, call->args[1]->loc, "join() separator must be a string literal");
        return;
    }
    if (sem_add_async(sem, call, call->builtin->event) < 0)
        return;
    struct async_desc *a = &sem->asyncs[call->async_id];
    a->fmt = strdup(call->nargs == 2 ? call->args[1]->str : " ");
    a->args.nfields = JOIN_MAX_ARGS;
    a->args.fields = calloc(JOIN_MAX_ARGS, sizeof(*a->args.fields));
    for (int i = 0; i < JOIN_MAX_ARGS; i++) {
        a->args.fields[i].kind = VK_STRING;
        a->args.fields[i].size = sem->strlen;
        a->args.fields[i].offset = (uint32_t)i * sem->strlen;
    }
    a->args.size = (JOIN_MAX_ARGS * sem->strlen + 7) / 8 * 8;
}

/* ---- code ---- */

/* comm and its kind, left unevaluated by args_into_record: written in place
 * when the record keeps it at its own size (no buffer apart, no copy) */
static void gen_var_into_record(struct codegen *g, struct node *var, LLVMValueRef dst,
                                uint32_t field_size)
{
    const struct builtin_var *bv = builtin_var_find(var->name);
    const struct node *outer = g->cur_node;
    struct loc outer_loc = g->loc;
    g->cur_node = var;
    g->loc = var->loc;
    if (field_size == type_storage_size(&var->type))
        bv->gen_into(g, var, dst);
    else
        gen_store_value(g, dst, &var->type, bv->gen(g, var), field_size);
    g->cur_node = outer;
    g->loc = outer_loc;
}

/* printf, print, clear, zero, time, system, cat, exit: the record is the event's
 * id, then its arguments laid out as the check described them. */
LLVMValueRef gen_async_call(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const struct async_desc *ev = &g->sem->asyncs[call->async_id];
    bool formatted = ev->kind == ASYNC_PRINTF || ev->kind == ASYNC_SYSTEM ||
                     ev->kind == ASYNC_CAT || ev->kind == ASYNC_ERRORF || ev->kind == ASYNC_WARNF;
    int from = formatted ? 1 : 0;
    uint32_t size = 8 + ev->args.size;
    LLVMValueRef rec = gen_alloca(g, size, "event");
    gen_memset0(g, rec, size);
    gen_store_i64(g, rec, gen_i64(g, call->async_id));
    if (formatted || ev->kind == ASYNC_PRINT_VALUE || ev->kind == ASYNC_UNWATCH ||
        ev->kind == ASYNC_EXIT) {
        for (int i = 0; i < ev->args.nfields; i++) {
            struct node *arg = call->args[from + i];
            LLVMValueRef v = a->value[from + i];
            const struct value_desc *f = &ev->args.fields[i];
            LLVMValueRef dst = gen_byte_ptr(g, rec, 8 + f->offset);
            if (!v) { /* args_into_record: a variable that writes itself */
                gen_var_into_record(g, arg, dst, f->size);
                continue;
            }
            if (arg->kind == N_COPY) /* print(struct): v is its address */
                gen_probe_read(g, dst, arg->type.size, v, arg->type.is_user);
            else
                gen_store_value(g, dst, &arg->type, v, f->size);
        }
    }
    gen_ringbuf_output(g, rec, size);
    return NULL;
}

/* exit(): the event asks userspace to stop, and the probe itself ends here,
 * as in bpftrace: nothing after exit() runs, on any path (inside if, while,
 * unroll or a loop body alike). */
LLVMValueRef gen_exit(struct codegen *g, struct node *call, const struct gen_args *a)
{
    gen_async_call(g, call, a);
    gen_probe_return(g);
    return NULL;
}

LLVMValueRef gen_assert(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMBasicBlockRef failed = gen_block(g, "assert_failed");
    LLVMBasicBlockRef held = gen_block(g, "assert_held");
    LLVMBuildCondBr(g->b, gen_to_bool(g, a->value[0]), held, failed);
    LLVMPositionBuilderAtEnd(g->b, failed);
    gen_async_call(g, call, a);
    LLVMValueRef rec = gen_alloca(g, 16, "exit");
    gen_store_i64(g, rec, gen_i64(g, call->ival));
    gen_store_i64(g, gen_byte_ptr(g, rec, 8), gen_i64(g, ASSERT_EXIT_CODE));
    gen_ringbuf_output(g, rec, 16);
    gen_probe_return(g);
    LLVMBuildBr(g->b, held);
    LLVMPositionBuilderAtEnd(g->b, held);
    return NULL;
}

/* join(): the record is built in ring buffer memory (16 strings do not fit
 * on the BPF stack). Reading stops at argv's NULL; later slots stay empty. */
LLVMValueRef gen_join(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const struct async_desc *ev = &g->sem->asyncs[call->async_id];
    uint32_t size = 8 + ev->args.size;
    bool user = call->args[0]->type.is_user;
    LLVMValueRef argv = a->value[0];
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
    for (int i = 0; i < ev->args.nfields; i++)
        LLVMBuildStore(g->b, LLVMConstInt(g->i8, 0, false),
                       gen_byte_ptr(g, rec, 8 + ev->args.fields[i].offset));
    LLVMValueRef slot = gen_alloca(g, 8, "argp");
    LLVMBasicBlockRef submit = gen_block(g, "join_submit");
    for (int i = 0; i < ev->args.nfields; i++) {
        gen_memset0(g, slot, 8);
        gen_probe_read(g, slot, 8, LLVMBuildAdd(g->b, argv, gen_i64(g, i * 8), ""), user);
        LLVMValueRef p = gen_load_i64(g, slot);
        LLVMBasicBlockRef read = gen_block(g, "join_read");
        LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, p, gen_i64(g, 0), ""), submit, read);
        LLVMPositionBuilderAtEnd(g->b, read);
        gen_probe_read_str(g, gen_byte_ptr(g, rec, 8 + ev->args.fields[i].offset),
                           LLVMConstInt(g->i32, ev->args.fields[i].size, false), p, user);
    }
    LLVMBuildBr(g->b, submit);
    LLVMPositionBuilderAtEnd(g->b, submit);
    LLVMValueRef sargs[2] = {rec, gen_i64(g, 0)};
    gen_helper(g, HELPER_RINGBUF_SUBMIT, LLVMVoidTypeInContext(g->ctx), sargs, 2);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
    return NULL;
}
