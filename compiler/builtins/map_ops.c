/* Map maintenance done in BPF: delete(@m[k]). */
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
