/* Type checks of the built-ins that read memory, walk stacks and name
 * symbols: str, ntop, kstack, ustack, ksym, usym, kaddr, bswap, strncmp,
 * and the unsafe or file-reading events system and cat. */
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "target/kallsyms.h"
#include "printf_spec.h"
#include "sem_util.h"

#define MAX_STACK_FRAMES 127 /* the kernel's PERF_MAX_STACK_DEPTH */

static bool is_address(const struct type *t)
{
    return t->kind == TY_INT || t->kind == TY_PTR || t->kind == TY_ARRAY;
}

static void resolve_args(struct semantic *sem, struct node *call)
{
    for (int i = 0; i < call->nargs; i++)
        sem_resolve_expr(sem, call->args[i]);
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
    if (sem_positional_in_str(sem, call) && call->args[0]->kind != N_STRING)
        return; /* reported */
    resolve_args(sem, call);
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
    resolve_args(sem, call);
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

static void check_stack(struct semantic *sem, struct node *n, bool user, int nargs,
                        struct node **args)
{
    n->type = (struct type){.kind = user ? TY_USTACK : TY_KSTACK, .size = user ? 16 : 8,
                            .count = MAX_STACK_FRAMES};
    for (int i = 0; i < nargs; i++) {
        struct node *a = args[i];
        if (a->kind == N_INT) {
            if (a->ival < 1 || a->ival > MAX_STACK_FRAMES) {
                sem_error(sem, a->loc, "the number of stack frames must be between 1 and %d",
                          MAX_STACK_FRAMES);
                return;
            }
            n->type.count = (uint32_t)a->ival;
        } else if (a->kind == N_BUILTIN &&
                   (strcmp(a->name, "bpftrace") == 0 || strcmp(a->name, "perf") == 0 ||
                    strcmp(a->name, "raw") == 0)) {
            if (strcmp(a->name, "bpftrace") != 0) {
                sem_error(sem, a->loc, "only the bpftrace stack mode is supported");
                return;
            }
        } else {
            sem_error(sem, a->loc, "%s() takes a stack mode and/or a frame count literal",
                      user ? "ustack" : "kstack");
            return;
        }
    }
    if (user)
        sem->uses_ustack = true;
    else
        sem->uses_kstack = true;
}

void check_kstack_call(struct semantic *sem, struct node *call)
{
    check_stack(sem, call, false, call->nargs, call->args);
}

void check_ustack_call(struct semantic *sem, struct node *call)
{
    check_stack(sem, call, true, call->nargs, call->args);
}

void check_var_kstack(struct semantic *sem, struct node *n)
{
    check_stack(sem, n, false, 0, NULL);
}

void check_var_ustack(struct semantic *sem, struct node *n)
{
    check_stack(sem, n, true, 0, NULL);
}

void check_sym(struct semantic *sem, struct node *call)
{
    resolve_args(sem, call);
    call->type.kind = TY_NONE;
    if (!args_known(call))
        return;
    if (call->args[0]->type.kind != TY_INT && call->args[0]->type.kind != TY_PTR) {
        sem_error(sem, call->args[0]->loc, "%s() expects an address", call->name);
        return;
    }
    bool user = strcmp(call->name, "usym") == 0;
    call->type = (struct type){.kind = user ? TY_USYM : TY_KSYM, .size = user ? 16 : 8};
}

void check_kaddr(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind != N_STRING) {
        sem_error(sem, arg->loc, "kaddr() expects a symbol name as a string literal");
        return;
    }
    uint64_t addr;
    if (kallsyms_lookup(arg->str, &addr) < 0) {
        sem_error(sem, arg->loc, "Failed to resolve kernel symbol: %s", arg->str);
        return;
    }
    call->ival = (int64_t)addr;
    call->type = type_int(8, false);
}

void check_bswap(struct semantic *sem, struct node *call)
{
    resolve_args(sem, call);
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
    resolve_args(sem, call);
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

void check_system(struct semantic *sem, struct node *call)
{
    if (!sem->unsafe) {
        call->type.kind = TY_VOID;
        sem_error(sem, call->loc, "system() is an unsafe function being used in safe mode");
        return;
    }
    sem_check_formatted_event(sem, call, ASYNC_SYSTEM);
}

void check_cat(struct semantic *sem, struct node *call)
{
    sem_check_formatted_event(sem, call, ASYNC_CAT);
}

/* join(argv [, sep]): argv is an array of string pointers in user memory
 * (execve's argv); up to JOIN_MAX_ARGS strings are sent to be printed. */
#define JOIN_MAX_ARGS 16

void check_join(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    sem_resolve_expr(sem, call->args[0]);
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
    if (sem_add_async(sem, call, ASYNC_JOIN) < 0)
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
