/* The events a program sends to the runtime: each call that sends one gets
 * an id (its index in the program's asyncs) and a description of its
 * record, which the runtime decodes (program.h). */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"

int sem_add_async(struct semantic *sem, struct node *call, enum async_kind kind)
{
    if (!sem->final_pass)
        return -1;
    struct async_desc *a = realloc(sem->asyncs, (sem->nasyncs + 1) * sizeof(*a));
    if (!a) {
        perror("sobt");
        exit(1);
    }
    sem->asyncs = a;
    a = &sem->asyncs[sem->nasyncs];
    memset(a, 0, sizeof(*a));
    a->kind = kind;
    a->map_id = -1;
    call->async_id = sem->nasyncs++;
    return call->async_id;
}

/* The argument record of an event: one field per argument, laid out as a
 * tuple of their storage types. */
void sem_async_args(struct semantic *sem, struct node *call, int from, struct async_desc *a)
{
    struct type tup = type_new_tuple(&sem->types, call->nargs - from);
    for (int i = from; i < call->nargs; i++) {
        tup.fields[i - from] = sem_storage_type(&call->args[i]->type);
    }
    type_layout_tuple(&sem->types, &tup);
    record_from_type(&sem->types, &tup, &a->args);
}
