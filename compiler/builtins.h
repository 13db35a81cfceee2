/* Built-in variables and functions: one table entry each, holding the name,
 * the type check and the code generation, so adding a built-in touches one
 * place. Asynchronous functions (printf, time, print, clear, zero, exit, ...)
 * name the async kind their userspace handler dispatches on. */
#ifndef SOBT_BUILTINS_H
#define SOBT_BUILTINS_H

#include <llvm-c/Core.h>

#include "frontend/ast.h"

struct semantic;
struct codegen;

enum builtin_class {
    BC_VALUE,       /* an expression with a value */
    BC_AGGREGATION, /* only as `@map[...] = f(...)` */
    BC_STATEMENT,   /* no value: printf, exit, ... */
};

struct builtin_func {
    const char *name;
    int min_args, max_args;
    enum builtin_class cls;
    /* Checks the arguments (already resolved) and sets call->type. */
    void (*check)(struct semantic *sem, struct node *call);
    /* Emits the call. For aggregations, `map` is the N_MAP being assigned to. */
    LLVMValueRef (*gen)(struct codegen *g, struct node *call, struct node *map);
};

struct builtin_var {
    const char *name;
    void (*check)(struct semantic *sem, struct node *var);
    LLVMValueRef (*gen)(struct codegen *g, struct node *var);
};

const struct builtin_func *builtin_func_find(const char *name);
const struct builtin_var *builtin_var_find(const char *name);
/* Is name a built-in variable (pid, comm, ...)? */
bool builtin_is_variable(const char *name);

/* Type checks (compiler/resolve_calls.c) */
void check_count(struct semantic *, struct node *);
void check_int_aggregation(struct semantic *, struct node *);
void check_hist(struct semantic *, struct node *);
void check_lhist(struct semantic *, struct node *);
void check_printf(struct semantic *, struct node *);
void check_print(struct semantic *, struct node *);
void check_map_only(struct semantic *, struct node *);
void check_delete(struct semantic *, struct node *);
void check_time(struct semantic *, struct node *);
void check_exit(struct semantic *, struct node *);
void check_var_u64(struct semantic *, struct node *);
void check_var_comm(struct semantic *, struct node *);
void check_var_probe(struct semantic *, struct node *);
void check_var_args(struct semantic *, struct node *);
void check_var_arg(struct semantic *, struct node *);
void check_var_retval(struct semantic *, struct node *);
void check_var_func(struct semantic *, struct node *);
void check_var_curtask(struct semantic *, struct node *);
void check_var_rand(struct semantic *, struct node *);
/* (compiler/resolve_kernel_calls.c) */
void check_str(struct semantic *, struct node *);
void check_ntop(struct semantic *, struct node *);
void check_kstack_call(struct semantic *, struct node *);
void check_ustack_call(struct semantic *, struct node *);
void check_var_kstack(struct semantic *, struct node *);
void check_var_ustack(struct semantic *, struct node *);
void check_sym(struct semantic *, struct node *);
void check_kaddr(struct semantic *, struct node *);
void check_bswap(struct semantic *, struct node *);
void check_strncmp(struct semantic *, struct node *);
void check_system(struct semantic *, struct node *);
void check_cat(struct semantic *, struct node *);
void check_join(struct semantic *, struct node *);

/* Code generation (compiler/codegen_calls.c) */
LLVMValueRef gen_count(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_sum(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_min_max(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_avg_stats(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_hist(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_lhist(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_async_call(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_exit(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_delete(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_var_pid(struct codegen *, struct node *);
LLVMValueRef gen_var_tid(struct codegen *, struct node *);
LLVMValueRef gen_var_uid(struct codegen *, struct node *);
LLVMValueRef gen_var_gid(struct codegen *, struct node *);
LLVMValueRef gen_var_cpu(struct codegen *, struct node *);
LLVMValueRef gen_var_nsecs(struct codegen *, struct node *);
LLVMValueRef gen_var_elapsed(struct codegen *, struct node *);
LLVMValueRef gen_var_comm(struct codegen *, struct node *);
LLVMValueRef gen_var_probe(struct codegen *, struct node *);
LLVMValueRef gen_var_args(struct codegen *, struct node *);
LLVMValueRef gen_var_arg(struct codegen *, struct node *);
LLVMValueRef gen_var_retval(struct codegen *, struct node *);
LLVMValueRef gen_var_func(struct codegen *, struct node *);
LLVMValueRef gen_var_curtask(struct codegen *, struct node *);
LLVMValueRef gen_var_rand(struct codegen *, struct node *);
/* (compiler/codegen_kernel_calls.c) */
LLVMValueRef gen_str(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_ntop(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_bswap(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_strncmp(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_stack_call(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_var_stack(struct codegen *, struct node *);
LLVMValueRef gen_sym(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_kaddr(struct codegen *, struct node *, struct node *);
LLVMValueRef gen_join(struct codegen *, struct node *, struct node *);

#endif
