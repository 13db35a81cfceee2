#include "builtins.h"

#include <string.h>

static const struct builtin_func funcs[] = {
    /* aggregations: the map's value type is the aggregation */
    {"count", 0, 0, BC_AGGREGATION, check_count, gen_count},
    {"sum", 1, 1, BC_AGGREGATION, check_int_aggregation, gen_sum},
    {"min", 1, 1, BC_AGGREGATION, check_int_aggregation, gen_min_max},
    {"max", 1, 1, BC_AGGREGATION, check_int_aggregation, gen_min_max},
    {"avg", 1, 1, BC_AGGREGATION, check_int_aggregation, gen_avg_stats},
    {"stats", 1, 1, BC_AGGREGATION, check_int_aggregation, gen_avg_stats},
    {"hist", 1, 1, BC_AGGREGATION, check_hist, gen_hist},
    {"lhist", 4, 4, BC_AGGREGATION, check_lhist, gen_lhist},
    /* asynchronous: an event through the ring buffer, handled in userspace */
    {"printf", 1, 17, BC_STATEMENT, check_printf, gen_async_call},
    {"print", 1, 3, BC_STATEMENT, check_print, gen_async_call},
    {"clear", 1, 1, BC_STATEMENT, check_map_only, gen_async_call},
    {"zero", 1, 1, BC_STATEMENT, check_map_only, gen_async_call},
    {"time", 0, 1, BC_STATEMENT, check_time, gen_async_call},
    {"exit", 0, 0, BC_STATEMENT, check_exit, gen_exit},
    /* map maintenance done in BPF */
    {"delete", 1, 1, BC_STATEMENT, check_delete, gen_delete},
    /* memory, strings and addresses */
    {"str", 1, 2, BC_VALUE, check_str, gen_str},
    {"ntop", 1, 2, BC_VALUE, check_ntop, gen_ntop},
    {"bswap", 1, 1, BC_VALUE, check_bswap, gen_bswap},
    {"strncmp", 3, 3, BC_VALUE, check_strncmp, gen_strncmp},
    /* stacks and symbols, printed in userspace */
    {"kstack", 0, 2, BC_VALUE, check_kstack_call, gen_stack_call},
    {"ustack", 0, 2, BC_VALUE, check_ustack_call, gen_stack_call},
    {"ksym", 1, 1, BC_VALUE, check_sym, gen_sym},
    {"usym", 1, 1, BC_VALUE, check_sym, gen_sym},
    {"kaddr", 1, 1, BC_VALUE, check_kaddr, gen_kaddr},
    /* run or read something in userspace */
    {"system", 1, 17, BC_STATEMENT, check_system, gen_async_call},
    {"cat", 1, 17, BC_STATEMENT, check_cat, gen_async_call},
    {"join", 1, 2, BC_STATEMENT, check_join, gen_join},
};

static const struct builtin_var vars[] = {
    {"pid", check_var_u64, gen_var_pid},
    {"tid", check_var_u64, gen_var_tid},
    {"uid", check_var_u64, gen_var_uid},
    {"gid", check_var_u64, gen_var_gid},
    {"cpu", check_var_u64, gen_var_cpu},
    {"nsecs", check_var_u64, gen_var_nsecs},
    {"elapsed", check_var_u64, gen_var_elapsed},
    {"comm", check_var_comm, gen_var_comm},
    {"probe", check_var_probe, gen_var_probe},
    {"args", check_var_args, gen_var_args},
    {"kstack", check_var_kstack, gen_var_stack},
    {"arg0", check_var_arg, gen_var_arg},
    {"arg1", check_var_arg, gen_var_arg},
    {"arg2", check_var_arg, gen_var_arg},
    {"arg3", check_var_arg, gen_var_arg},
    {"arg4", check_var_arg, gen_var_arg},
    {"arg5", check_var_arg, gen_var_arg},
    {"retval", check_var_retval, gen_var_retval},
    {"func", check_var_func, gen_var_func},
    {"curtask", check_var_curtask, gen_var_curtask},
    {"rand", check_var_rand, gen_var_rand},
    {"ustack", check_var_ustack, gen_var_stack},
};

const struct builtin_func *builtin_func_find(const char *name)
{
    for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
        if (strcmp(funcs[i].name, name) == 0)
            return &funcs[i];
    return NULL;
}

const struct builtin_var *builtin_var_find(const char *name)
{
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        if (strcmp(vars[i].name, name) == 0)
            return &vars[i];
    return NULL;
}

bool builtin_is_variable(const char *name)
{
    return builtin_var_find(name) != NULL;
}
