/* The checks and code of every built-in, by theme: what the table in
 * builtins.c refers to. Private to compiler/builtins/. */
#ifndef SOBT_BUILTINS_ENTRIES_H
#define SOBT_BUILTINS_ENTRIES_H

#include "builtins/builtins.h"

/* aggregations.c: count, sum, min, max, avg, stats, hist, lhist */
void check_count(struct semantic *sem, struct node *call);
void check_sum(struct semantic *sem, struct node *call);
void check_min(struct semantic *sem, struct node *call);
void check_max(struct semantic *sem, struct node *call);
void check_avg(struct semantic *sem, struct node *call);
void check_stats(struct semantic *sem, struct node *call);
void check_hist(struct semantic *sem, struct node *call);
void check_lhist(struct semantic *sem, struct node *call);
LLVMValueRef gen_count(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_sum(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_min(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_max(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_avg_stats(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_hist(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_lhist(struct codegen *g, struct node *call, const struct gen_args *a);

/* time_series.c: tseries */
void check_tseries(struct semantic *sem, struct node *call);
LLVMValueRef gen_tseries(struct codegen *g, struct node *call, const struct gen_args *a);

/* events.c: printf, print, clear, zero, time, exit, system, cat, join */
void check_printf(struct semantic *sem, struct node *call);
void check_system(struct semantic *sem, struct node *call);
void check_cat(struct semantic *sem, struct node *call);
void check_print(struct semantic *sem, struct node *call);
void check_map_only(struct semantic *sem, struct node *call);
void check_time(struct semantic *sem, struct node *call);
void check_exit(struct semantic *sem, struct node *call);
void check_join(struct semantic *sem, struct node *call);
LLVMValueRef gen_async_call(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_exit(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_join(struct codegen *g, struct node *call, const struct gen_args *a);

/* map_ops.c: delete, has_key, find, len (a stack's: stacks.c) */
void check_delete(struct semantic *sem, struct node *call);
LLVMValueRef gen_delete(struct codegen *g, struct node *call, const struct gen_args *a);
void check_has_key(struct semantic *sem, struct node *call);
LLVMValueRef gen_has_key(struct codegen *g, struct node *call, const struct gen_args *a);
void check_find(struct semantic *sem, struct node *call);
LLVMValueRef gen_find(struct codegen *g, struct node *call, const struct gen_args *a);
void check_len(struct semantic *sem, struct node *call);
LLVMValueRef gen_len(struct codegen *g, struct node *call, const struct gen_args *a);

/* process.c: pid, tid, uid, gid, cpu, nsecs, elapsed, comm, curtask, rand, cpid,
 * has_cpid */
void check_var_u64(struct semantic *sem, struct node *n);
void check_var_cpid(struct semantic *sem, struct node *n);
LLVMValueRef gen_var_cpid(struct codegen *g, struct node *n);
void check_var_has_cpid(struct semantic *sem, struct node *n);
LLVMValueRef gen_var_has_cpid(struct codegen *g, struct node *n);
void check_var_comm(struct semantic *sem, struct node *n);
void check_var_curtask(struct semantic *sem, struct node *n);
void check_var_rand(struct semantic *sem, struct node *n);
LLVMValueRef gen_var_pid(struct codegen *g, struct node *n);
LLVMValueRef gen_var_tid(struct codegen *g, struct node *n);
LLVMValueRef gen_var_uid(struct codegen *g, struct node *n);
LLVMValueRef gen_var_gid(struct codegen *g, struct node *n);
LLVMValueRef gen_var_cpu(struct codegen *g, struct node *n);
LLVMValueRef gen_var_nsecs(struct codegen *g, struct node *n);
LLVMValueRef gen_var_elapsed(struct codegen *g, struct node *n);
LLVMValueRef gen_var_comm(struct codegen *g, struct node *n);
void gen_var_comm_into(struct codegen *g, struct node *n, LLVMValueRef dst);
LLVMValueRef gen_var_curtask(struct codegen *g, struct node *n);
LLVMValueRef gen_var_rand(struct codegen *g, struct node *n);

/* context.c: probe, args, retval, func */
void check_var_probe(struct semantic *sem, struct node *n);
void check_var_args(struct semantic *sem, struct node *n);
void check_var_retval(struct semantic *sem, struct node *n);
void check_var_func(struct semantic *sem, struct node *n);
LLVMValueRef gen_var_probe(struct codegen *g, struct node *n);
LLVMValueRef gen_var_args(struct codegen *g, struct node *n);
LLVMValueRef gen_var_retval(struct codegen *g, struct node *n);
LLVMValueRef gen_var_func(struct codegen *g, struct node *n);

/* function_args.c: arg0, arg1, ... (builtin_is_arg_name) */
bool builtin_is_arg_name(const char *name);
void check_var_arg(struct semantic *sem, struct node *n);
LLVMValueRef gen_var_arg(struct codegen *g, struct node *n);

/* memory.c: str, ntop, bswap, strncmp */
void check_str(struct semantic *sem, struct node *call);
void check_ntop(struct semantic *sem, struct node *call);
void check_bswap(struct semantic *sem, struct node *call);
void check_strncmp(struct semantic *sem, struct node *call);
LLVMValueRef gen_str(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_ntop(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_bswap(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_strncmp(struct codegen *g, struct node *call, const struct gen_args *a);

/* stacks.c: kstack, ustack, len(stack), ksym, usym, kaddr, percpu_kaddr (its code: gen_constant) */
void check_kstack_call(struct semantic *sem, struct node *call);
void check_ustack_call(struct semantic *sem, struct node *call);
void check_var_kstack(struct semantic *sem, struct node *n);
void check_var_ustack(struct semantic *sem, struct node *n);
void check_ksym(struct semantic *sem, struct node *call);
void check_usym(struct semantic *sem, struct node *call);
void check_kaddr(struct semantic *sem, struct node *call);
void check_stack_len(struct semantic *sem, struct node *call);
LLVMValueRef gen_stack_len(struct codegen *g, struct node *call, const struct gen_args *a);
void check_percpu_kaddr(struct semantic *sem, struct node *call);
LLVMValueRef gen_percpu_kaddr(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_stack_call(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_var_stack(struct codegen *g, struct node *n);
LLVMValueRef gen_sym(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_kaddr(struct codegen *g, struct node *call, const struct gen_args *a);
/* A user address as usym values hold it: {u64 value, u64 the current
 * process (tgid)}, whose memory map names it. */
LLVMValueRef gen_user_address(struct codegen *g, LLVMValueRef value, const char *name);

/* task.c: the offset of `member` in struct task_struct, from BTF; -1 without it */
int64_t builtin_task_member(struct semantic *sem, const char *member);

/* compile_time.c: the BTF id of the kernel function `name` (a kfunc's, for
 * gen_kfunc), <= 0 when the kernel's BTF lacks it */
int builtin_kernel_func_id(const char *name);

/* task_by_pid.c: comm(pid) */
void check_comm_of_pid(struct semantic *sem, struct node *call);
LLVMValueRef gen_comm_of_pid(struct codegen *g, struct node *call, const struct gen_args *a);

/* events.c (continued): errorf, warnf, assert, unwatch, strftime */
void check_errorf(struct semantic *sem, struct node *call);
void check_assert(struct semantic *sem, struct node *call);
LLVMValueRef gen_assert(struct codegen *g, struct node *call, const struct gen_args *a);
void check_unwatch(struct semantic *sem, struct node *call);
void check_strftime(struct semantic *sem, struct node *call);
LLVMValueRef gen_strftime(struct codegen *g, struct node *call, const struct gen_args *a);

/* task.c: cgroup, numaid, jiffies, ncpus, username, probetype, ppid, pcomm,
 * nsecs(mode), pid(mode), tid(mode), cgroupid, cgroup_path */
void check_var_u32(struct semantic *sem, struct node *n);
void check_var_username(struct semantic *sem, struct node *n);
void check_var_probetype(struct semantic *sem, struct node *n);
void check_ppid(struct semantic *sem, struct node *n);
void check_pcomm(struct semantic *sem, struct node *n);
void check_nsecs(struct semantic *sem, struct node *call);
void check_pid_tid(struct semantic *sem, struct node *call);
void check_cgroupid(struct semantic *sem, struct node *call);
void check_cgroup_path(struct semantic *sem, struct node *call);
LLVMValueRef gen_var_cgroup(struct codegen *g, struct node *n);
LLVMValueRef gen_var_numaid(struct codegen *g, struct node *n);
LLVMValueRef gen_var_jiffies(struct codegen *g, struct node *n);
LLVMValueRef gen_var_ncpus(struct codegen *g, struct node *n);
LLVMValueRef gen_var_username(struct codegen *g, struct node *n);
LLVMValueRef gen_var_probetype(struct codegen *g, struct node *n);
LLVMValueRef gen_var_ppid(struct codegen *g, struct node *n);
LLVMValueRef gen_var_pcomm(struct codegen *g, struct node *n);
LLVMValueRef gen_ppid(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_pcomm(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_nsecs(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_pid_tid(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_cgroup_path(struct codegen *g, struct node *call, const struct gen_args *a);

/* strings.c: strlen, strstr, strcontains, memcmp, strcap, buf, macaddr, pton,
 * strerror, syscall_name, kptr, uptr */
void check_strlen(struct semantic *sem, struct node *call);
void check_strstr(struct semantic *sem, struct node *call);
void check_strcap(struct semantic *sem, struct node *call);
void check_memcmp(struct semantic *sem, struct node *call);
void check_buf(struct semantic *sem, struct node *call);
void check_macaddr(struct semantic *sem, struct node *call);
void check_pton(struct semantic *sem, struct node *call);
void check_strerror(struct semantic *sem, struct node *call);
void check_syscall_name(struct semantic *sem, struct node *call);
void check_address_space(struct semantic *sem, struct node *call);
LLVMValueRef gen_strlen(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_strcap(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_strstr(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_memcmp(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_buf(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_macaddr(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_pton(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_value_of_arg(struct codegen *g, struct node *call, const struct gen_args *a);
/* Byte i of a stack buffer of `size` bytes, as an i8 (0 past its end). */
LLVMValueRef gen_string_byte(struct codegen *g, LLVMValueRef s, uint32_t size, uint32_t i);

/* glob.c: globmatch */
void check_globmatch(struct semantic *sem, struct node *call);
LLVMValueRef gen_globmatch(struct codegen *g, struct node *call, const struct gen_args *a);

/* registers.c: ctx, reg, usermode, uaddr, path, socket_cookie, skboutput */
void check_var_ctx(struct semantic *sem, struct node *n);
void check_var_usermode(struct semantic *sem, struct node *n);
void check_reg(struct semantic *sem, struct node *call);
void check_uaddr(struct semantic *sem, struct node *call);
void check_path(struct semantic *sem, struct node *call);
void check_socket_cookie(struct semantic *sem, struct node *call);
void check_skboutput(struct semantic *sem, struct node *call);
LLVMValueRef gen_var_ctx(struct codegen *g, struct node *n);
LLVMValueRef gen_var_usermode(struct codegen *g, struct node *n);
LLVMValueRef gen_reg(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_uaddr(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_path(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_socket_cookie(struct codegen *g, struct node *call, const struct gen_args *a);

/* packets.c: skboutput's code (its check is in registers.c) */
LLVMValueRef gen_skboutput(struct codegen *g, struct node *call, const struct gen_args *a);

/* actions.c: signal, signal_thread, override */
void check_signal(struct semantic *sem, struct node *call);
void check_override(struct semantic *sem, struct node *call);
LLVMValueRef gen_signal(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_override(struct codegen *g, struct node *call, const struct gen_args *a);

/* compile_time.c: is_*, default_str_length, kfunc_exist, kfunc_allowed,
 * static_assert, assert_str, fail; the code of every built-in known at compile time */
void check_type_predicate(struct semantic *sem, struct node *call);
void check_default_str_length(struct semantic *sem, struct node *call);
void check_kfunc(struct semantic *sem, struct node *call);
void check_static_assert(struct semantic *sem, struct node *call);
void check_assert_str(struct semantic *sem, struct node *call);
void check_getopt(struct semantic *sem, struct node *call);
LLVMValueRef gen_getopt(struct codegen *g, struct node *call, const struct gen_args *a);
void check_fail(struct semantic *sem, struct node *call);
/* call->ival as a constant */
LLVMValueRef gen_constant(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_nothing(struct codegen *g, struct node *call, const struct gen_args *a);

#endif
