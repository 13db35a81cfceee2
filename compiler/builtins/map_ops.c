/* Map maintenance and questions answered in BPF: delete(@m, k) (or
 * delete(@m[k])), has_key(@m, k), find(@m, k, $v), len(@m); len()'s stack
 * form (len(kstack)) is in stacks.c. */
#include "builtins/entries.h"
#include "codegen/ir.h"
#include "codegen/maps.h"
#include "sema/sema.h"

/* The map element of delete() and has_key(): the walker has turned
 * `@m, key` into `@m[key]`. */
static bool check_element(struct semantic *sem, struct node *call)
{
    call->type = type_bool(); /* delete, has_key and find answer true or false */
    struct node *arg = call->args[0];
    if (arg->kind != N_MAP) {
        sem_error(sem, arg->loc, "%s() expects a map argument", call->name);
        return false;
    }
    return true;
}

void check_delete(struct semantic *sem, struct node *call)
{
    check_element(sem, call);
}

/* has_key(@scalar, k) is refused by the walker, before the key is added */
void check_has_key(struct semantic *sem, struct node *call)
{
    check_element(sem, call);
}

/* delete() is true when the element was there to delete. */
LLVMValueRef gen_delete(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const struct map_info *m = call->args[0]->map;
    LLVMValueRef ret = map_slot_count(m) ? gen_map_slots_delete(g, m, a->value[0])
                                         : gen_map_delete(g, m->id, a->value[0]);
    return gen_from_bool(g, LLVMBuildICmp(g->b, LLVMIntEQ, ret, gen_i64(g, 0), ""));
}

LLVMValueRef gen_has_key(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const struct map_info *m = call->args[0]->map;
    if (map_slot_count(m))
        return gen_from_bool(g, gen_map_slots_present(g, m, a->value[0]));
    LLVMValueRef p = gen_map_lookup(g, m->id, a->value[0]);
    return gen_from_bool(g, LLVMBuildICmp(g->b, LLVMIntNE, p, LLVMConstNull(g->i8p), ""));
}

/* find(@m, k, $v): has_key() and `$v = @m[k]` in one lookup. The walker
 * has made it find(@m[k], $v); $v takes the map's value type as an
 * assignment would give it (a variable typed otherwise is a mismatch). */
void check_find(struct semantic *sem, struct node *call)
{
    if (!check_element(sem, call))
        return;
    struct node *mapnode = call->args[0], *result = call->args[1];
    if (result->kind != N_VAR) {
        sem_error(sem, result->loc, "find() expects a scratch variable as its third argument");
        return;
    }
    sem_map_read_type(sem, mapnode);
    if (mapnode->type.kind == TY_NONE)
        return;
    struct node assign = {.kind = N_ASSIGN, .loc = result->loc, .lhs = result, .rhs = mapnode};
    sem_assign_var(sem, &assign);
}

/* The variable is written only when the key is there. */
LLVMValueRef gen_find(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const struct map_info *m = call->args[0]->map;
    LLVMValueRef p = gen_map_lookup(g, m->id, a->value[0]);
    LLVMValueRef found = LLVMBuildICmp(g->b, LLVMIntNE, p, LLVMConstNull(g->i8p), "");
    LLVMBasicBlockRef copy = gen_block(g, "find_copy");
    LLVMBasicBlockRef done = gen_block(g, "find_done");
    LLVMBuildCondBr(g->b, found, copy, done);
    LLVMPositionBuilderAtEnd(g->b, copy);
    const struct var_info *v = unit_var(g->unit, call->args[1]->name);
    LLVMValueRef slot = g->var_slots[v - g->unit->vars];
    if (v->type.kind == TY_INT)
        gen_store_i64(g, slot, gen_int_convert(g, gen_load_i64(g, p), &v->type));
    else
        gen_store_as(g, slot, &v->type, &m->value, p);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
    return gen_from_bool(g, found);
}

void check_len(struct semantic *sem, struct node *call)
{
    if (call->args[0]->kind == N_MAP && !builtin_arg_is_whole_map(call->args[0])) {
        call->type.kind = TY_NONE;
        sem_error(sem, call->args[0]->loc, "len() expects a map argument");
        return;
    }
    if (!builtin_arg_is_whole_map(call->args[0])) {
        check_stack_len(sem, call);
        return;
    }
    call->type = type_int(8, true);
}

LLVMValueRef gen_len(struct codegen *g, struct node *call, const struct gen_args *a)
{
    if (!builtin_arg_is_whole_map(call->args[0]))
        return gen_stack_len(g, call, a);
    const struct map_info *m = call->args[0]->map;
    return map_slot_count(m) ? gen_map_count_keys(g, m) : gen_map_count(g, m->id);
}
