/* Map maintenance done in BPF: delete(@m[k]); len(), whose stack form
 * (len(kstack)) is in stacks.c. */
#include "builtins/entries.h"
#include "codegen/maps.h"
#include "sema/sema.h"

void check_delete(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    struct node *arg = call->args[0];
    if (arg->kind != N_MAP) {
        sem_error(sem, arg->loc, "delete() expects a map element, e.g. delete(@name[key])");
        return;
    }
}

LLVMValueRef gen_delete(struct codegen *g, struct node *call, const struct gen_args *a)
{
    gen_map_delete(g, call->args[0]->map->id, a->value[0]);
    return NULL;
}

/* len(@m) is map statements' (issue 10B): until it lands, only stacks. */
void check_len(struct semantic *sem, struct node *call)
{
    if (builtin_arg_is_whole_map(call->args[0])) {
        call->type.kind = TY_NONE;
        sem_error(sem, call->args[0]->loc, "len() of a map is not supported yet");
        return;
    }
    check_stack_len(sem, call);
}

LLVMValueRef gen_len(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_stack_len(g, call, a);
}
