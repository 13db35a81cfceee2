/* What a probe does to the traced task, behind --unsafe: signal(),
 * signal_thread() (bpf_send_signal{,_thread}), override()
 * (bpf_override_return). The table keeps each to the probe kinds whose
 * context allows it. */
#include <signal.h>
#include <string.h>

#include "builtins/entries.h"
#include "codegen/ir.h"
#include "sema/sema.h"

/* "SIGKILL" or "KILL": its number, or -1. */
static int signal_number(const char *name)
{
    const char *bare = strncmp(name, "SIG", 3) == 0 ? name + 3 : name;
    for (int sig = 1; sig < NSIG; sig++) {
        const char *abbrev = sigabbrev_np(sig);
        if (abbrev && strcmp(abbrev, bare) == 0)
            return sig;
    }
    if (strcmp(bare, "RTMIN") == 0)
        return SIGRTMIN;
    if (strcmp(bare, "RTMAX") == 0)
        return SIGRTMAX;
    return -1;
}

void check_signal(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    struct node *arg = call->args[0];
    call->ival = -1; /* the signal is arg's value at run time */
    if (arg->kind == N_STRING) {
        int sig = signal_number(arg->str);
        if (sig < 1)
            sem_error(sem, call->loc, "%s is not a valid signal", arg->str);
        call->ival = sig;
    } else if (arg->kind == N_INT) {
        if (arg->ival < 1 || arg->ival > 64)
            sem_error(sem, call->loc, "%lld is not a valid signal, allowed range: [1,64]",
                      (long long)arg->ival);
        call->ival = arg->ival;
    } else if (arg->type.kind != TY_INT && arg->type.kind != TY_NONE) {
        sem_error(sem, call->loc, "%s only accepts string literals or integers", call->name);
    }
}

LLVMValueRef gen_signal(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef sig = call->ival > 0 ? gen_i64(g, call->ival) : a->value[0];
    int helper =
        strcmp(call->name, "signal_thread") == 0 ? HELPER_SEND_SIGNAL_THREAD : HELPER_SEND_SIGNAL;
    LLVMValueRef args[1] = {LLVMBuildTrunc(g->b, sig, g->i32, "")};
    gen_helper(g, helper, g->i64, args, 1);
    return NULL;
}

void check_override(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    const struct type *t = &call->args[0]->type;
    if (t->kind != TY_INT && t->kind != TY_NONE)
        sem_error(sem, call->args[0]->loc, "override() expects an integer return value, got '%s'",
                  type_name_of(t));
}

LLVMValueRef gen_override(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef args[2] = {g->ctxarg, a->value[0]};
    gen_helper(g, HELPER_OVERRIDE_RETURN, g->i64, args, 2);
    return NULL;
}
