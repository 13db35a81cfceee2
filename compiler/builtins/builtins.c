/* The table of built-ins: adding one is an entry here and its check and
 * code in the theme file it belongs to (see builtins.h for the columns).
 * Events name the kind the runtime's handler dispatches on
 * (runtime/events.c). */
#include "builtins/builtins.h"

#include <string.h>

#include "builtins/entries.h"
#include "probes/probe_kind.h"
#include "sema/sema.h"

#define LITERAL_THEN_VALUES {ARG_LITERAL}

static const struct builtin_func funcs[] = {
    /* aggregations: the value of a map element, updated in place */
    {"count", 0, 0, BC_AGGREGATION, .check = check_count, .gen = gen_count},
    {"sum", 1, 1, BC_AGGREGATION, .check = check_sum, .gen = gen_sum},
    {"min", 1, 1, BC_AGGREGATION, .check = check_min, .gen = gen_min},
    {"max", 1, 1, BC_AGGREGATION, .check = check_max, .gen = gen_max},
    {"avg", 1, 1, BC_AGGREGATION, .check = check_avg, .gen = gen_avg_stats},
    {"stats", 1, 1, BC_AGGREGATION, .check = check_stats, .gen = gen_avg_stats},
    {"hist", 1, 2, BC_AGGREGATION, {ARG_VALUE, ARG_LITERAL}, .key_extra = 8, .check = check_hist,
     .gen = gen_hist},
    {"lhist", 4, 4, BC_AGGREGATION, {ARG_VALUE, ARG_LITERAL, ARG_LITERAL, ARG_LITERAL},
     .key_extra = 8, .check = check_lhist, .gen = gen_lhist},
    {"tseries", 3, 4, BC_AGGREGATION, {ARG_VALUE, ARG_LITERAL, ARG_LITERAL, ARG_LITERAL},
     .key_extra = 8, .check = check_tseries, .gen = gen_tseries},

    /* events: a record through the ring buffer, handled in userspace */
    {"printf", 1, BUILTIN_MAX_ARGS, BC_STATEMENT, LITERAL_THEN_VALUES, .is_event = true,
     .args_into_record = true, .event = ASYNC_PRINTF, .check = check_printf,
     .gen = gen_async_call},
    /* print(@m [, top [, div]]): ASYNC_PRINT; print(value): ASYNC_PRINT_VALUE */
    {"print", 1, 3, BC_STATEMENT, {ARG_MAP_OR_VALUE, ARG_LITERAL, ARG_LITERAL},
     .is_event = true, .event = ASYNC_PRINT, .check = check_print, .gen = gen_async_call},
    {"clear", 1, 1, BC_STATEMENT, {ARG_MAP}, .is_event = true, .event = ASYNC_CLEAR,
     .check = check_map_only, .gen = gen_async_call},
    {"zero", 1, 1, BC_STATEMENT, {ARG_MAP}, .is_event = true, .event = ASYNC_ZERO,
     .check = check_map_only, .gen = gen_async_call},
    {"time", 0, 1, BC_STATEMENT, {ARG_LITERAL}, .is_event = true, .event = ASYNC_TIME,
     .check = check_time, .gen = gen_async_call},
    {"exit", 0, 1, BC_STATEMENT, .is_event = true, .event = ASYNC_EXIT, .check = check_exit,
     .gen = gen_exit},
    {"system", 1, BUILTIN_MAX_ARGS, BC_STATEMENT, LITERAL_THEN_VALUES, .unsafe = true,
     .is_event = true, .args_into_record = true, .event = ASYNC_SYSTEM, .check = check_system,
     .gen = gen_async_call},
    {"cat", 1, BUILTIN_MAX_ARGS, BC_STATEMENT, LITERAL_THEN_VALUES, .is_event = true,
     .args_into_record = true, .event = ASYNC_CAT, .check = check_cat, .gen = gen_async_call},
    {"join", 1, 2, BC_STATEMENT, {ARG_VALUE, ARG_LITERAL}, .is_event = true,
     .event = ASYNC_JOIN, .check = check_join, .gen = gen_join},
    {"errorf", 1, BUILTIN_MAX_ARGS, BC_STATEMENT, LITERAL_THEN_VALUES, .is_event = true,
     .args_into_record = true, .event = ASYNC_ERRORF, .check = check_errorf,
     .gen = gen_async_call},
    {"warnf", 1, BUILTIN_MAX_ARGS, BC_STATEMENT, LITERAL_THEN_VALUES, .is_event = true,
     .args_into_record = true, .event = ASYNC_WARNF, .check = check_errorf,
     .gen = gen_async_call},
    {"assert", 2, 2, BC_STATEMENT, .is_event = true, .event = ASYNC_ERRORF,
     .check = check_assert, .gen = gen_assert},
    {"unwatch", 1, 1, BC_STATEMENT, .is_event = true, .event = ASYNC_UNWATCH,
     .check = check_unwatch, .gen = gen_async_call},
    /* values printed in userspace */
    {"strftime", 2, 2, BC_VALUE, {ARG_LITERAL, ARG_VALUE}, .check = check_strftime,
     .gen = gen_strftime},
    {"strerror", 1, 1, BC_VALUE, .check = check_strerror, .gen = gen_value_of_arg},
    {"syscall_name", 1, 1, BC_VALUE, .check = check_syscall_name, .gen = gen_value_of_arg},
    {"cgroup_path", 1, 2, BC_VALUE, {ARG_VALUE, ARG_LITERAL}, .check = check_cgroup_path,
     .gen = gen_cgroup_path},

    /* the task, its clocks and namespaces */
    {"nsecs", 0, 1, BC_VALUE, {ARG_RAW}, .check = check_nsecs, .gen = gen_nsecs},
    {"pid", 0, 1, BC_VALUE, {ARG_RAW}, .check = check_pid_tid, .gen = gen_pid_tid},
    {"tid", 0, 1, BC_VALUE, {ARG_RAW}, .check = check_pid_tid, .gen = gen_pid_tid},
    /* comm() is the variable; comm(pid) another process's */
    {"comm", 1, 1, BC_VALUE, .requires = OFFERS_TASK_KFUNCS, .check = check_comm_of_pid,
     .gen = gen_comm_of_pid},
    {"ppid", 0, 1, BC_VALUE, .check = check_ppid, .gen = gen_ppid},
    {"pcomm", 0, 1, BC_VALUE, .check = check_pcomm, .gen = gen_pcomm},
    {"cgroupid", 1, 1, BC_VALUE, {ARG_LITERAL}, .check = check_cgroupid, .gen = gen_constant},

    /* actions on the traced task (--unsafe) */
    {"signal", 1, 1, BC_STATEMENT, {ARG_LITERAL}, .requires = OFFERS_SIGNAL, .unsafe = true,
     .check = check_signal, .gen = gen_signal},
    {"signal_thread", 1, 1, BC_STATEMENT, {ARG_LITERAL}, .requires = OFFERS_SIGNAL,
     .unsafe = true, .check = check_signal, .gen = gen_signal},
    {"override", 1, 1, BC_STATEMENT, .requires = OFFERS_OVERRIDE, .unsafe = true,
     .check = check_override, .gen = gen_override},

    /* registers, the probed binary, fentry helpers */
    {"reg", 1, 1, BC_VALUE, {ARG_LITERAL}, .requires = OFFERS_REGS, .check = check_reg,
     .gen = gen_reg},
    {"uaddr", 1, 1, BC_VALUE, {ARG_LITERAL}, .requires = OFFERS_USER_BINARY,
     .check = check_uaddr, .gen = gen_uaddr},
    {"path", 1, 2, BC_VALUE, {ARG_VALUE, ARG_LITERAL}, .requires = OFFERS_BTF_FUNC,
     .check = check_path, .gen = gen_path},
    {"socket_cookie", 1, 1, BC_VALUE, .requires = OFFERS_BTF_FUNC, .check = check_socket_cookie,
     .gen = gen_socket_cookie},
    {"skboutput", 4, 4, BC_VALUE, {ARG_LITERAL}, .requires = OFFERS_BTF_FUNC, .is_event = true,
     .event = ASYNC_SKBOUTPUT, .check = check_skboutput, .gen = gen_skboutput},

    /* known at compile time */
    {"is_str", 1, 1, BC_VALUE, .check = check_type_predicate, .gen = gen_constant},
    {"is_integer", 1, 1, BC_VALUE, .check = check_type_predicate, .gen = gen_constant},
    {"is_unsigned_integer", 1, 1, BC_VALUE, .check = check_type_predicate, .gen = gen_constant},
    {"is_ptr", 1, 1, BC_VALUE, .check = check_type_predicate, .gen = gen_constant},
    {"is_array", 1, 1, BC_VALUE, .check = check_type_predicate, .gen = gen_constant},
    {"is_literal", 1, 1, BC_VALUE, {ARG_LITERAL}, .check = check_type_predicate,
     .gen = gen_constant},
    {"default_str_length", 0, 0, BC_VALUE, .check = check_default_str_length,
     .gen = gen_constant},
    {"kfunc_exist", 1, 1, BC_VALUE, {ARG_LITERAL}, .check = check_kfunc, .gen = gen_constant},
    {"kfunc_allowed", 1, 1, BC_VALUE, {ARG_LITERAL}, .check = check_kfunc, .gen = gen_constant},
    {"static_assert", 2, 2, BC_STATEMENT, {ARG_VALUE, ARG_LITERAL}, .check = check_static_assert,
     .gen = gen_nothing},
    {"getopt", 1, 3, BC_VALUE, {ARG_LITERAL, ARG_RAW, ARG_LITERAL}, .check = check_getopt,
     .gen = gen_getopt},
    {"assert_str", 1, 1, BC_STATEMENT, .check = check_assert_str, .gen = gen_nothing},
    {"fail", 1, BUILTIN_MAX_ARGS, BC_STATEMENT, {ARG_LITERAL, ARG_LITERAL, ARG_LITERAL,
     ARG_LITERAL}, .check = check_fail, .gen = gen_nothing},

    /* map maintenance done in BPF */
    {"delete", 1, 2, BC_VALUE, {ARG_MAP_ELEMENT}, .map_then_key = true, .check = check_delete,
     .gen = gen_delete},
    {"has_key", 2, 2, BC_VALUE, {ARG_MAP_ELEMENT}, .map_then_key = true, .check = check_has_key,
     .gen = gen_has_key},
    {"find", 3, 3, BC_VALUE, {ARG_MAP_ELEMENT, ARG_RAW}, .map_then_key = true,
     .check = check_find, .gen = gen_find},
    /* len(@m); len(ustack)/len(kstack) take the value form */
    {"len", 1, 1, BC_VALUE, {ARG_MAP_OR_VALUE}, .check = check_len, .gen = gen_len},

    /* memory, strings and addresses */
    {"str", 1, 2, BC_VALUE, .param_text = true, .check = check_str, .gen = gen_str},
    {"ntop", 1, 2, BC_VALUE, .check = check_ntop, .gen = gen_ntop},
    {"bswap", 1, 1, BC_VALUE, .check = check_bswap, .gen = gen_bswap},
    {"strncmp", 3, 3, BC_VALUE, {ARG_VALUE, ARG_VALUE, ARG_LITERAL}, .check = check_strncmp,
     .gen = gen_strncmp},
    {"strlen", 1, 1, BC_VALUE, .check = check_strlen, .gen = gen_strlen},
    {"strstr", 2, 2, BC_VALUE, {ARG_VALUE, ARG_LITERAL}, .check = check_strstr, .gen = gen_strstr},
    {"strcontains", 2, 2, BC_VALUE, {ARG_VALUE, ARG_LITERAL}, .check = check_strstr,
     .gen = gen_strstr},
    {"globmatch", 2, 2, BC_VALUE, {ARG_VALUE, ARG_LITERAL}, .check = check_globmatch,
     .gen = gen_globmatch},
    {"strcap", 1, 1, BC_VALUE, .check = check_strcap, .gen = gen_strcap},
    {"memcmp", 3, 3, BC_VALUE, {ARG_VALUE, ARG_VALUE, ARG_LITERAL}, .check = check_memcmp,
     .gen = gen_memcmp},
    {"buf", 1, 2, BC_VALUE, .param_text = true, .check = check_buf,
     .gen = gen_buf},
    {"macaddr", 1, 1, BC_VALUE, .check = check_macaddr, .gen = gen_macaddr},
    {"pton", 1, 1, BC_VALUE, {ARG_LITERAL}, .check = check_pton, .gen = gen_pton},
    {"kptr", 1, 1, BC_VALUE, .check = check_address_space, .gen = gen_value_of_arg},
    {"uptr", 1, 1, BC_VALUE, .check = check_address_space, .gen = gen_value_of_arg},

    /* stacks and symbols, printed in userspace */
    {"kstack", 0, 2, BC_VALUE, {ARG_RAW, ARG_RAW}, .check = check_kstack_call,
     .gen = gen_stack_call},
    {"ustack", 0, 2, BC_VALUE, {ARG_RAW, ARG_RAW}, .check = check_ustack_call,
     .gen = gen_stack_call},
    {"ksym", 1, 1, BC_VALUE, .check = check_ksym, .gen = gen_sym},
    {"usym", 1, 1, BC_VALUE, .check = check_usym, .gen = gen_sym},
    {"kaddr", 1, 1, BC_VALUE, {ARG_LITERAL}, .check = check_kaddr, .gen = gen_constant},
    {"percpu_kaddr", 1, 2, BC_VALUE, {ARG_LITERAL, ARG_VALUE}, .check = check_percpu_kaddr,
     .gen = gen_percpu_kaddr},
};

static const struct builtin_var vars[] = {
    /* the current process and CPU, the clock */
    {"pid", 0, check_var_u64, gen_var_pid, NULL},
    {"tid", 0, check_var_u64, gen_var_tid, NULL},
    {"uid", 0, check_var_u64, gen_var_uid, NULL},
    {"gid", 0, check_var_u64, gen_var_gid, NULL},
    {"cpu", 0, check_var_u64, gen_var_cpu, NULL},
    {"nsecs", 0, check_var_u64, gen_var_nsecs, NULL},
    {"elapsed", 0, check_var_u64, gen_var_elapsed, NULL},
    {"comm", 0, check_var_comm, gen_var_comm, gen_var_comm_into},
    {"curtask", 0, check_var_curtask, gen_var_curtask, NULL},
    {"cpid", 0, check_var_cpid, gen_var_cpid, NULL},
    {"has_cpid", 0, check_var_has_cpid, gen_var_has_cpid, NULL},
    {"rand", 0, check_var_rand, gen_var_rand, NULL},
    {"cgroup", 0, check_var_u64, gen_var_cgroup, NULL},
    {"numaid", 0, check_var_u32, gen_var_numaid, NULL},
    {"jiffies", 0, check_var_u64, gen_var_jiffies, NULL},
    {"ncpus", 0, check_var_u64, gen_var_ncpus, NULL},
    {"ppid", 0, check_ppid, gen_var_ppid, NULL},
    {"pcomm", 0, check_pcomm, gen_var_pcomm, NULL},
    {"username", 0, check_var_username, gen_var_username, NULL},
    /* the probe's context */
    {"probe", 0, check_var_probe, gen_var_probe, NULL},
    {"args", OFFERS_ARGS, check_var_args, gen_var_args, NULL},
    /* arg0, arg1, ...: every argN is this entry (builtin_var_find) */
    {"argN", OFFERS_ARGN, check_var_arg, gen_var_arg, NULL},
    {"retval", OFFERS_RETVAL, check_var_retval, gen_var_retval, NULL},
    {"func", OFFERS_FUNC, check_var_func, gen_var_func, NULL},
    {"probetype", 0, check_var_probetype, gen_var_probetype, NULL},
    {"ctx", 0, check_var_ctx, gen_var_ctx, NULL},
    {"usermode", OFFERS_REGS, check_var_usermode, gen_var_usermode, NULL},
    /* stacks */
    {"kstack", 0, check_var_kstack, gen_var_stack, NULL},
    {"ustack", 0, check_var_ustack, gen_var_stack, NULL},
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
    if (builtin_is_arg_name(name))
        name = "argN";
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        if (strcmp(vars[i].name, name) == 0)
            return &vars[i];
    return NULL;
}

bool builtin_is_variable(const char *name)
{
    return builtin_var_find(name) != NULL;
}

bool builtin_is_aggregation(const char *name)
{
    const struct builtin_func *bf = builtin_func_find(name);
    return bf && bf->cls == BC_AGGREGATION;
}
