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

/* map_ops.c: delete */
void check_delete(struct semantic *sem, struct node *call);
LLVMValueRef gen_delete(struct codegen *g, struct node *call, const struct gen_args *a);

/* process.c: pid, tid, uid, gid, cpu, nsecs, elapsed, comm, curtask, rand, cpid */
void check_var_u64(struct semantic *sem, struct node *n);
void check_var_cpid(struct semantic *sem, struct node *n);
LLVMValueRef gen_var_cpid(struct codegen *g, struct node *n);
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

/* stacks.c: kstack, ustack, ksym, usym, kaddr */
void check_kstack_call(struct semantic *sem, struct node *call);
void check_ustack_call(struct semantic *sem, struct node *call);
void check_var_kstack(struct semantic *sem, struct node *n);
void check_var_ustack(struct semantic *sem, struct node *n);
void check_ksym(struct semantic *sem, struct node *call);
void check_usym(struct semantic *sem, struct node *call);
void check_kaddr(struct semantic *sem, struct node *call);
LLVMValueRef gen_stack_call(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_var_stack(struct codegen *g, struct node *n);
LLVMValueRef gen_sym(struct codegen *g, struct node *call, const struct gen_args *a);
LLVMValueRef gen_kaddr(struct codegen *g, struct node *call, const struct gen_args *a);
/* A user address as usym values hold it: {u64 value, u64 the current
 * process (tgid)}, whose memory map names it. */
LLVMValueRef gen_user_address(struct codegen *g, LLVMValueRef value, const char *name);

#endif
