/* Built-in functions and variables: one table entry each (builtins.c), which
 * says everything about it — its name, how many arguments it takes and how
 * each is taken, where it is allowed (what the probe must offer, whether it
 * needs --unsafe), the event kind the runtime handles for it
 * (runtime/events.c), its type check and its code generation. The checks
 * and code live by theme in this folder (entries.h lists them: aggregations,
 * events, map_ops, process, task, context, registers, actions, memory,
 * strings, stacks, compile_time, task_by_pid, time_series); they see
 * their arguments already resolved and evaluated, so they never walk the
 * tree themselves.
 *
 * May include: sema/sema.h (the resolver's core: errors, types, maps,
 * events), codegen/ir.h, codegen/maps.h, codegen/memory.h (the code
 * generator's primitives), probes/probe_kind.h, target/. Used by the
 * resolver's and code generator's walkers (sema/expr.c, codegen/expr.c). */
#ifndef SOBT_BUILTINS_H
#define SOBT_BUILTINS_H

#include <llvm-c/Core.h>
#include <stdbool.h>
#include <stdint.h>

#include "frontend/ast.h"
#include "program.h"

struct semantic;
struct codegen;

enum builtin_class {
    BC_VALUE,       /* an expression with a value */
    BC_AGGREGATION, /* only as `@map[...] = f(...)` */
    BC_STATEMENT,   /* no value: printf, exit, ... */
};

/* How a call takes an argument: what the walkers do with it before the
 * built-in's check and code see it. */
enum builtin_arg {
    ARG_VALUE = 0,    /* an expression: resolved, then evaluated */
    ARG_LITERAL,      /* resolved (a positional parameter or a named constant becomes a
                         literal), not evaluated: the built-in reads it from the tree */
    ARG_RAW,          /* left alone: a word the built-in reads (kstack's `perf`) */
    ARG_MAP,          /* a whole map, @m */
    ARG_MAP_OR_VALUE, /* print(): a whole map (@m without a key), or a value (a struct
                         or array in memory: its address, the node an N_COPY) */
    ARG_MAP_ELEMENT,  /* @m[k]: its key resolved, then built */
};

#define BUILTIN_MAX_ARGS 17
#define BUILTIN_ARG_KINDS 4 /* arguments past these are values */

/* What code generation hands a built-in: its arguments, evaluated. */
struct gen_args {
    /* By position: an ARG_VALUE's value (an i64, or a stack buffer for
     * strings), an ARG_MAP_ELEMENT's key buffer, a value of ARG_MAP_OR_VALUE
     * when it is one; NULL otherwise. */
    LLVMValueRef value[BUILTIN_MAX_ARGS];
    struct node *target; /* aggregations: the map element assigned to */
    LLVMValueRef key;    /* aggregations: its key, key_extra bytes longer */
};

struct builtin_func {
    const char *name;
    int min_args, max_args;
    enum builtin_class cls;
    enum builtin_arg args[BUILTIN_ARG_KINDS];
    unsigned requires;  /* what the probe must offer (probes/probe_kind.h OFFERS_*) */
    bool unsafe;        /* allowed only with --unsafe */
    bool is_event;      /* sends `event` records to the runtime */
    enum async_kind event;
    uint32_t key_extra; /* aggregations: bytes after the key (a histogram's bucket) */
    /* a positional parameter as the first argument is its text, not a
     * number (str($1)) */
    bool param_text;
    /* delete(@m, key) and has_key(@m, key) are delete(@m[key]) and
     * has_key(@m[key]): a tuple key gives the map's several keys */
    bool map_then_key;
    /* the value arguments go into the event record: a built-in variable
     * that can write itself in place (comm) is left for the record's code
     * (args->value NULL) rather than made apart and copied */
    bool args_into_record;
    /* Checks the arguments (already resolved) and sets call->type. For an
     * aggregation, sem->agg_target is the map element assigned to. */
    void (*check)(struct semantic *sem, struct node *call);
    /* Emits the call. Returns its value (NULL for statements). */
    LLVMValueRef (*gen)(struct codegen *g, struct node *call, const struct gen_args *args);
};

struct builtin_var {
    const char *name;
    unsigned requires; /* what the probe must offer (OFFERS_*) */
    void (*check)(struct semantic *sem, struct node *var);
    LLVMValueRef (*gen)(struct codegen *g, struct node *var);
    /* optional: the value written straight into dst, a buffer of its own
     * size (a map key, a record), rather than made apart and copied */
    void (*gen_into)(struct codegen *g, struct node *var, LLVMValueRef dst);
};

const struct builtin_func *builtin_func_find(const char *name);
const struct builtin_var *builtin_var_find(const char *name);
/* Is name a built-in variable (pid, comm, ...)? */
bool builtin_is_variable(const char *name);
bool builtin_is_aggregation(const char *name);

static inline enum builtin_arg builtin_arg_kind(const struct builtin_func *bf, int index)
{
    return index < BUILTIN_ARG_KINDS ? bf->args[index] : ARG_VALUE;
}

/* print(@m): a map named without a key is the whole map. */
static inline bool builtin_arg_is_whole_map(const struct node *arg)
{
    return arg->kind == N_MAP && arg->nargs == 0;
}

#endif
