/* The current process and CPU: pid, tid, uid, gid, cpu, comm, curtask; the
 * clock: nsecs, elapsed; rand; and cpid, the -c command's pid. */
#include "builtins/entries.h"
#include "codegen/ir.h"
#include "sema/sema.h"

/* ---- checks ---- */

void check_var_u64(struct semantic *sem, struct node *n)
{
    n->type = type_int(8, false);
    (void)sem;
}

void check_var_comm(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_STRING;
    n->type.size = 16;
    (void)sem;
}

/* curtask: the current task_struct, a kernel pointer. */
void check_var_curtask(struct semantic *sem, struct node *n)
{
    if (type_from_name(&sem->types, "struct task_struct", 1, false, &n->type) < 0)
        n->type = type_int(8, false); /* no BTF: still the address */
}

/* rand: 32 random bits, typed uint64 as in bpftrace 0.17 (sizeof(rand) is 8). */
void check_var_rand(struct semantic *sem, struct node *n)
{
    n->type = type_int(8, false);
    (void)sem;
}

/* cpid: the pid of the -c command, known before the program is compiled. */
void check_var_cpid(struct semantic *sem, struct node *n)
{
    n->type = type_int(8, false);
    if (sem->child_pid <= 0)
        sem_error(sem, n->loc, "cpid cannot be used without child command");
}

/* ---- code ---- */

LLVMValueRef gen_var_cpid(struct codegen *g, struct node *n)
{
    return gen_i64(g, g->sem->child_pid);
}

static LLVMValueRef call0(struct codegen *g, int id)
{
    return gen_helper(g, id, g->i64, NULL, 0);
}

LLVMValueRef gen_var_pid(struct codegen *g, struct node *n)
{
    return LLVMBuildLShr(g->b, gen_helper_once(g, HELPER_GET_CURRENT_PID_TGID), gen_i64(g, 32), "");
}

LLVMValueRef gen_var_tid(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, gen_helper_once(g, HELPER_GET_CURRENT_PID_TGID), gen_i64(g, 0xffffffff), "");
}

LLVMValueRef gen_var_uid(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, gen_helper_once(g, HELPER_GET_CURRENT_UID_GID), gen_i64(g, 0xffffffff), "");
}

LLVMValueRef gen_var_gid(struct codegen *g, struct node *n)
{
    return LLVMBuildLShr(g->b, gen_helper_once(g, HELPER_GET_CURRENT_UID_GID), gen_i64(g, 32), "");
}

LLVMValueRef gen_var_cpu(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, gen_helper_once(g, HELPER_GET_SMP_PROCESSOR_ID), gen_i64(g, 0xffffffff), "");
}

LLVMValueRef gen_var_nsecs(struct codegen *g, struct node *n)
{
    return call0(g, HELPER_KTIME_GET_NS);
}

/* nsecs minus the runtime's start time, kept in a one-entry array map. */
LLVMValueRef gen_var_elapsed(struct codegen *g, struct node *n)
{
    LLVMValueRef start = gen_load_i64(g, gen_map_value_ptr(g, g->start_time_map_id));
    return LLVMBuildSub(g->b, call0(g, HELPER_KTIME_GET_NS), start, "");
}

LLVMValueRef gen_var_comm(struct codegen *g, struct node *n)
{
    /* zeroed first: Linux 6.1's helper (strscpy, not strscpy_pad) leaves the
     * bytes after the name's NUL as they were, and a map key must be the same
     * bytes for the same name (in the guest, @[comm] split one comm in many) */
    LLVMValueRef buf = gen_alloca(g, 16, "comm");
    gen_memset0(g, buf, 16);
    LLVMValueRef args[2] = {buf, LLVMConstInt(g->i32, 16, false)};
    LLVMValueRef ret = gen_helper(g, HELPER_GET_CURRENT_COMM, g->i64, args, 2);
    gen_helper_fills(g, ret, 0);
    gen_check_helper(g, HELPER_GET_CURRENT_COMM, ret);
    return buf;
}

LLVMValueRef gen_var_curtask(struct codegen *g, struct node *n)
{
    return gen_helper(g, HELPER_GET_CURRENT_TASK, g->i64, NULL, 0);
}

LLVMValueRef gen_var_rand(struct codegen *g, struct node *n)
{
    return LLVMBuildAnd(g->b, gen_helper(g, HELPER_GET_PRANDOM_U32, g->i64, NULL, 0),
                        gen_i64(g, 0xffffffff), "");
}
