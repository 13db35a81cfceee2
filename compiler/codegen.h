/* Code generation: the resolved AST to LLVM IR, one function per probe unit,
 * each in its own ELF section. Values are i64 for integers and probe ids, and
 * pointers to stack buffers for strings and keys. */
#ifndef SOBT_CODEGEN_H
#define SOBT_CODEGEN_H

#include <llvm-c/Core.h>

#include "resolve.h"

/* BPF helper function ids (include/uapi/linux/bpf.h) */
enum {
    HELPER_MAP_LOOKUP_ELEM = 1,
    HELPER_MAP_UPDATE_ELEM = 2,
    HELPER_MAP_DELETE_ELEM = 3,
    HELPER_KTIME_GET_NS = 5,
    HELPER_GET_PRANDOM_U32 = 7,
    HELPER_GET_SMP_PROCESSOR_ID = 8,
    HELPER_GET_CURRENT_PID_TGID = 14,
    HELPER_GET_CURRENT_UID_GID = 15,
    HELPER_GET_CURRENT_COMM = 16,
    HELPER_GET_STACKID = 27,
    HELPER_GET_CURRENT_TASK = 35,
    HELPER_PROBE_READ_USER = 112,
    HELPER_PROBE_READ_KERNEL = 113,
    HELPER_PROBE_READ_USER_STR = 114,
    HELPER_PROBE_READ_KERNEL_STR = 115,
    HELPER_RINGBUF_OUTPUT = 130,
    HELPER_RINGBUF_RESERVE = 131,
    HELPER_RINGBUF_SUBMIT = 132,
    HELPER_GET_FUNC_IP = 173,
    HELPER_GET_ATTACH_COOKIE = 174,
};

struct codegen {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    LLVMTypeRef i1, i8, i32, i64, i8p, i64p;
    struct semantic *sem;
    struct probe_unit *unit;
    LLVMValueRef fn;
    LLVMValueRef ctxarg;
    LLVMBasicBlockRef entry;
    LLVMValueRef *var_slots; /* per unit variable: alloca of its storage */
    LLVMBasicBlockRef break_bb, continue_bb;
    int ringbuf_map_id;
    int start_time_map_id;
    int kstack_map_id, ustack_map_id;
    int stop_map_id;
    int losses_map_id; /* per-CPU counters of lost events and stacks (program.h) */
    /* -k/-kk (compile.h): which failing helpers send an ASYNC_HELPER_ERROR */
    int helper_check_level;
    /* where a helper that fails now is reported: the innermost expression
     * being generated, or what a statement sets (codegen_maps.c) */
    struct loc loc;
    /* the ASYNC_HELPER_ERROR descriptions made so far; their async ids
     * follow the resolver's (sem->nasyncs + index) */
    struct async_desc *helper_errors;
    int nhelper_errors;
    /* stack buffers of the statement being generated: their lifetimes end
     * with it, so LLVM can give later statements the same stack slots */
    struct temp_buffer {
        LLVMValueRef ptr;
        uint32_t size;
        const struct node *owner; /* the expression it was made for */
    } *temps;
    int ntemps, temps_cap;
    /* stack accounting (codegen_stack.c) */
    const struct node *cur_node; /* expression or statement being generated */
    uint32_t var_bytes;          /* the unit's variables, live all along */
    struct stack_use *stack;     /* the unit's record */
};

/* The most stack a unit's code holds at once, and what holds the most of it
 * then: named in the error when the BPF back end finds the stack too small. */
struct stack_use {
    uint32_t peak_bytes;     /* variables and live buffers together */
    const struct node *node; /* the expression owning most of them (NULL: variables) */
    uint32_t node_bytes;
};

/* codegen.c */
LLVMValueRef gen_expr(struct codegen *g, struct node *n);
LLVMValueRef gen_alloca(struct codegen *g, uint32_t size, const char *name);
LLVMValueRef gen_helper(struct codegen *g, int id, LLVMTypeRef ret, LLVMValueRef *args, int nargs);
LLVMValueRef gen_map_ptr(struct codegen *g, int map_id);
LLVMValueRef gen_i64(struct codegen *g, int64_t v);
void gen_memset0(struct codegen *g, LLVMValueRef ptr, uint32_t size);
void gen_memcpy(struct codegen *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size);
LLVMValueRef gen_byte_ptr(struct codegen *g, LLVMValueRef base, uint32_t offset);
void gen_store_i64(struct codegen *g, LLVMValueRef ptr, LLVMValueRef v);
LLVMValueRef gen_load_i64(struct codegen *g, LLVMValueRef ptr);
/* Store value v of type t into a buffer slot of `slot_size` bytes. */
void gen_store_value(struct codegen *g, LLVMValueRef dst, const struct type *t, LLVMValueRef v,
                     uint32_t slot_size);
LLVMBasicBlockRef gen_block(struct codegen *g, const char *name);
/* `count` pointees of the pointer type ptr, in bytes. */
LLVMValueRef gen_pointer_offset(struct codegen *g, LLVMValueRef count, const struct type *ptr);
/* The value after ++ or -- (n) of `old`, of type t: a pointer moves by a pointee. */
LLVMValueRef gen_incdec_value(struct codegen *g, struct node *n, LLVMValueRef old,
                              const struct type *t);
/* Return from the probe here; what follows is generated into a dead block. */
void gen_probe_return(struct codegen *g);

/* codegen_maps.c */
LLVMValueRef gen_map_key(struct codegen *g, struct node *map, uint32_t extra);
LLVMValueRef gen_map_read(struct codegen *g, struct node *map);
void gen_map_assign(struct codegen *g, struct node *assign);
LLVMValueRef gen_map_incdec(struct codegen *g, struct node *n);
/* p = lookup(map, key); if p: update_in_place(p) else insert(initial value). */
typedef void (*gen_update_fn)(struct codegen *g, LLVMValueRef value_ptr, void *arg);
void gen_map_upsert(struct codegen *g, int map_id, LLVMValueRef key, uint32_t value_size,
                    gen_update_fn update, gen_update_fn init, void *arg);

/* codegen_memory.c */
LLVMValueRef gen_probe_read(struct codegen *g, LLVMValueRef dst, uint32_t size, LLVMValueRef addr,
                            bool user);
LLVMValueRef gen_probe_read_str(struct codegen *g, LLVMValueRef dst, LLVMValueRef size,
                                LLVMValueRef addr, bool user);
LLVMValueRef gen_read_value(struct codegen *g, LLVMValueRef addr, const struct type *t,
                            uint32_t bit_offset, uint32_t bit_size);
LLVMValueRef gen_member(struct codegen *g, struct node *n);
LLVMValueRef gen_deref(struct codegen *g, struct node *n);
LLVMValueRef gen_index(struct codegen *g, struct node *n);

/* codegen_checks.c: failing helpers, made visible. A helper's return value
 * `ret` is checked as bpftrace checks it: a negative int is a failure. */
void gen_check_helper(struct codegen *g, int helper, LLVMValueRef ret);
/* In the current block (a failure already known): report `helper` failing
 * with `ret` (an i64) at g->loc, when -k/-kk asks for it. */
void gen_report_helper_failure(struct codegen *g, int helper, LLVMValueRef ret);
bool gen_helper_is_checked(const struct codegen *g, int helper);
/* Add one to the per-CPU loss counter `which` (enum loss_counter). */
void gen_count_loss(struct codegen *g, int which);
/* bpf_ringbuf_output of `size` bytes at `rec`; a record that does not fit
 * is counted as a lost event. */
void gen_ringbuf_output(struct codegen *g, LLVMValueRef rec, uint32_t size);

/* The internal maps code refers to by id. */
struct internal_maps {
    int ringbuf, start_time, kstack, ustack, stop, losses;
};

/* What code generation makes besides the module. */
struct codegen_result {
    struct async_desc *helper_errors; /* ASYNC_HELPER_ERROR descriptions (malloc'd), */
    int nhelper_errors;               /* to append to the resolver's asyncs */
    struct stack_use *stack;          /* the caller's array: one per unit, filled in */
};

/* Emit every unit into module `mod`. 0 on success. */
int codegen_module(struct semantic *sem, LLVMContextRef ctx, LLVMModuleRef mod,
                   const struct internal_maps *maps, int helper_check_level,
                   struct codegen_result *result);

/* codegen_stack.c */
/* Account for the buffer just added to g->temps. */
void stack_note_alloc(struct codegen *g);
/* The BPF back end said `llvm_message` (its stack limit error): report it
 * at the expression that used the most stack in the function it names.
 * Returns false when the message is not about the stack. */
bool stack_report_overflow(const struct semantic *sem, const struct stack_use *stack,
                           const char *llvm_message);

#endif
