/* comm(pid): the name of another process, as bpftrace's stdlib macro gets
 * it: the kernel functions bpf_task_from_pid() (a counted reference to the
 * task, or NULL) and bpf_task_release(), and the task's comm read in
 * between. A pid with no process gives "N/A" and the warning "No such
 * process (pid=N)", as in bpftrace.
 *
 * The kernel lets only some program types call these kfuncs (Linux 6.18:
 * tracepoint, perf event and tracing programs; not kprobe or raw tracepoint
 * ones, so not BEGIN/END either): the table's OFFERS_TASK_KFUNCS says where.
 * bpftrace warns at run time when the kernel lacks the kfuncs; sobt knows
 * it from the kernel's BTF when it compiles, and says so then. */
#include <stdlib.h>
#include <string.h>

#include "builtins/entries.h"
#include "codegen/ir.h"
#include "codegen/memory.h"
#include "sema/sema.h"

#define COMM_SIZE 16 /* TASK_COMM_LEN: the type of comm, so comm(pid) == comm compares */

void check_comm_of_pid(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_NONE)
        return;
    if (t->kind != TY_INT) {
        sem_error(sem, call->args[0]->loc, "comm() expects an integer pid, got '%s'",
                  type_name_of(t));
        return;
    }
    if (builtin_kernel_func_id("bpf_task_from_pid") <= 0 ||
        builtin_kernel_func_id("bpf_task_release") <= 0 || builtin_task_member(sem, "comm") < 0) {
        sem_error(sem, call->loc,
                  "comm(pid) needs the kernel functions bpf_task_from_pid and bpf_task_release "
                  "(kfuncs), which this kernel's BTF does not have");
        return;
    }
    call->type = (struct type){.kind = TY_STRING, .size = COMM_SIZE};
    if (sem_add_async(sem, call, ASYNC_WARNF) < 0)
        return;
    struct async_desc *a = &sem->asyncs[call->async_id];
    a->fmt = strdup("No such process (pid=%d)");
    a->where = (struct source_span){call->loc.line, call->loc.col, call->loc.end_col};
    sem_async_args(sem, call, 0, a);
}

/* No such process: "N/A", and the warning with the pid. */
static void gen_no_such_process(struct codegen *g, struct node *call, LLVMValueRef pid,
                                LLVMValueRef out)
{
    gen_fill_bytes(g, out, "N/A", 3, COMM_SIZE);
    const struct async_desc *ev = &g->sem->asyncs[call->async_id];
    const struct value_desc *f = &ev->args.fields[0];
    uint32_t size = 8 + ev->args.size;
    LLVMValueRef rec = gen_alloca(g, size, "warning");
    gen_memset0(g, rec, size);
    gen_store_i64(g, rec, gen_i64(g, call->async_id));
    gen_store_value(g, gen_byte_ptr(g, rec, 8 + f->offset), &call->args[0]->type, pid, f->size);
    gen_ringbuf_output(g, rec, size);
}

LLVMValueRef gen_comm_of_pid(struct codegen *g, struct node *call, const struct gen_args *a)
{
    LLVMValueRef out = gen_alloca(g, COMM_SIZE, "comm");
    gen_memset0(g, out, COMM_SIZE);
    struct type s32 = type_int(4, true);
    LLVMValueRef pid = gen_int_convert(g, a->value[0], &s32);
    LLVMValueRef task = gen_kfunc(g, builtin_kernel_func_id("bpf_task_from_pid"), g->i64, &pid, 1);
    LLVMBasicBlockRef found = gen_block(g, "task_found");
    LLVMBasicBlockRef missing = gen_block(g, "task_missing");
    LLVMBasicBlockRef done = gen_block(g, "task_done");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, task, gen_i64(g, 0), ""), found, missing);

    LLVMPositionBuilderAtEnd(g->b, found);
    /* the pointer only after its NULL check: the verifier refuses arithmetic
     * on a pointer that may be NULL, so LLVM must not move the add above it */
    LLVMValueRef checked = gen_opaque(g, task);
    LLVMValueRef at =
        LLVMBuildAdd(g->b, checked, gen_i64(g, builtin_task_member(g->sem, "comm")), "");
    gen_probe_read_str(g, out, LLVMConstInt(g->i32, COMM_SIZE, false), at, false);
    gen_kfunc(g, builtin_kernel_func_id("bpf_task_release"), g->i64, &task, 1);
    LLVMBuildBr(g->b, done);

    LLVMPositionBuilderAtEnd(g->b, missing);
    gen_no_such_process(g, call, a->value[0], out);
    LLVMBuildBr(g->b, done);

    LLVMPositionBuilderAtEnd(g->b, done);
    return out;
}
