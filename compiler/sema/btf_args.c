/* The arguments of rawtracepoint, fentry and fexit probes: the context is
 * the target's arguments as u64 slots, typed by the target's BTF prototype
 * (`args.prev` of sched_switch is a `struct task_struct *`); fexit's return
 * value is the slot after them. A unit of these kinds has one target. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/probe_kind.h"
#include "sema/sema.h"
#include "target/btf.h"

const struct btf_func_params *sem_btf_params(struct semantic *sem, struct loc loc)
{
    struct probe_unit *u = sem->cur;
    if (u->btf_params)
        return u->btf_params;
    const struct probe_kind *kind = probe_kind_of(u->provider);
    if (!kind->btf_params || u->naps < 1 || u->aps[0].nmatches < 1)
        return NULL;
    const struct probe_match *m = &u->aps[0].matches[0];
    const char *types = kernel_btf_selected_module();
    if (m->btf_module && (!types || strcmp(types, m->btf_module) != 0)) {
        sem_error(sem, loc,
                  "cannot type the arguments of %s: the script's kernel types come from module "
                  "%s's BTF, and sobt reads one module's per script",
                  m->full_name, types ? types : "vmlinux");
        return NULL;
    }
    struct btf_func_params *p = calloc(1, sizeof(*p));
    if (!p || kind->btf_params(m, p) < 0) {
        sem_error(sem, loc, "cannot read the arguments of %s from BTF",
                  u->aps[0].matches[0].full_name);
        free(p);
        return NULL;
    }
    u->btf_params = p;
    return p;
}

bool sem_btf_value_type(struct semantic *sem, int type_id, struct loc loc, const char *what,
                        struct type *out)
{
    if (type_id == 0) {
        sem_error(sem, loc, "%s returns void: it has no return value",
                  sem->cur->aps[0].matches[0].full_name);
        out->kind = TY_NONE;
        return false;
    }
    if (btf_to_type(&sem->types, type_id, false, out) < 0 || out->kind == TY_RECORD ||
        out->kind == TY_ARRAY || out->kind == TY_VOID) {
        char decl[128];
        btf_type_decl(kernel_btf_selected_module(), type_id, decl, sizeof(decl));
        sem_error(sem, loc, "%s of %s is a '%s', which sobt cannot read", what,
                  sem->cur->aps[0].matches[0].full_name, decl);
        out->kind = TY_NONE;
        return false;
    }
    return true;
}

void sem_type_btf_arg(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    const struct btf_func_params *p = sem_btf_params(sem, n->loc);
    if (!p)
        return;
    for (int i = 0; i < p->nparams; i++) {
        if (strcmp(p->params[i].name, n->name) != 0)
            continue;
        char what[160];
        snprintf(what, sizeof(what), "argument '%s'", n->name);
        if (sem_btf_value_type(sem, p->params[i].type_id, n->loc, what, &n->type))
            n->field_flavor = FIELD_BTF_ARG;
        return;
    }
    sem_error(sem, n->loc, "%s has no argument named '%s'", sem->cur->aps[0].matches[0].full_name,
              n->name);
}
