/* The code generator's state and its primitives: constants, blocks, stack
 * buffers (allocated in the entry block, their lifetimes ended with the
 * statement that made them), helper calls, map references, memory copies;
 * and the checks every helper call may carry (checks.c) and the stack
 * accounting (stack.c). Everything in codegen/ and builtins/ builds on
 * this; nothing here walks the AST. */
#ifndef SOBT_CODEGEN_IR_H
#define SOBT_CODEGEN_IR_H

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <stdbool.h>
#include <stdint.h>

#include "codegen/codegen.h"

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
    HELPER_PERF_EVENT_OUTPUT = 25,
    HELPER_GET_NUMA_NODE_ID = 42,
    HELPER_GET_SOCKET_COOKIE = 46,
    HELPER_OVERRIDE_RETURN = 58,
    HELPER_GET_CURRENT_CGROUP_ID = 80,
    HELPER_SEND_SIGNAL = 109,
    HELPER_SKB_OUTPUT = 111,
    HELPER_SEND_SIGNAL_THREAD = 117,
    HELPER_JIFFIES64 = 118,
    HELPER_GET_NS_CURRENT_PID_TGID = 120,
    HELPER_KTIME_GET_BOOT_NS = 125,
    HELPER_D_PATH = 147,
    HELPER_KTIME_GET_TAI_NS = 208,
    HELPER_GET_CURRENT_TASK = 35,
    HELPER_GET_CURRENT_TASK_BTF = 158,
    HELPER_PROBE_READ_USER = 112,
    HELPER_PROBE_READ_KERNEL = 113,
    HELPER_PROBE_READ_USER_STR = 114,
    HELPER_PROBE_READ_KERNEL_STR = 115,
    HELPER_RINGBUF_OUTPUT = 130,
    HELPER_RINGBUF_RESERVE = 131,
    HELPER_RINGBUF_SUBMIT = 132,
    HELPER_GET_FUNC_IP = 173,
    HELPER_FOR_EACH_MAP_ELEM = 164,
    HELPER_GET_ATTACH_COOKIE = 174,
    HELPER_FIND_VMA = 180,
    HELPER_LOOP = 181,
    HELPER_MAP_LOOKUP_PERCPU_ELEM = 195,
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
    /* the statement walker (stmt.c), for the statements of block
     * expressions: expr.c reaches it through this pointer so that it never
     * calls back into the file that calls it */
    void (*gen_stmts)(struct codegen *g, struct node *block);
    int ringbuf_map_id;
    int start_time_map_id;
    int kstack_map_id, ustack_map_id;
    int stop_map_id;
    int losses_map_id; /* per-CPU counters of lost events and stacks (program.h) */
    /* -k/-kk (compile.h): which failing helpers send an ASYNC_HELPER_ERROR */
    int helper_check_level;
    /* where a helper that fails now is reported: the innermost expression
     * being generated, or what a statement sets (stmt.c) */
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
        int uses;                 /* statements that have had it so far */
    } *temps;
    int ntemps, temps_cap;
    /* buffers whose statement has ended, given again to later statements of
     * the same function once it has made BUFFERS_BEFORE_REUSE of them (a
     * probe of thousands of statements), a few dozen times each: LLVM's
     * passes and stack slot colouring cost per alloca, some of them per user
     * of each. Smaller functions keep one per buffer, which LLVM optimises
     * better (each is promoted or split on its own) and packs tighter. */
    struct free_buffer {
        LLVMValueRef ptr;
        uint32_t size;
        int uses;
        LLVMBasicBlockRef entry; /* of the function it belongs to */
    } *free_bufs;
    int nfree_bufs, free_bufs_cap;
    int buffers_made;                /* in the function of buffers_entry */
    LLVMBasicBlockRef buffers_entry;
    /* the invariant helpers called so far in this unit (gen_helper_once) */
    struct helper_once {
        int id;
        LLVMValueRef value;
    } once[8];
    int nonce;
    /* map reads that later reads of the same map and key may reuse
     * (map_reads.c) */
    struct map_read {
        const struct node *mapnode;
        LLVMValueRef value;
        bool valid; /* false once the map may have changed */
    } reads[16];
    int nreads;
    /* line tables (debug_info.c) */
    LLVMDIBuilderRef di;
    LLVMMetadataRef di_file, di_fn_type, di_scope;
    /* stack accounting (stack.c) */
    const struct node *cur_node; /* expression or statement being generated */
    uint32_t var_bytes;          /* the unit's variables, live all along */
    struct stack_use *stack;     /* the unit's record */
};

/* ir.c */
LLVMValueRef gen_i64(struct codegen *g, int64_t v);
/* v in a register of the current block, shared by the branches after it */
LLVMValueRef gen_i64_in_register(struct codegen *g, int32_t v);
LLVMBasicBlockRef gen_block(struct codegen *g, const char *name);
/* A zero-initialised-by-caller stack buffer of `size` bytes (8-byte
 * aligned), owned by g->cur_node, live until the statement ends. */
LLVMValueRef gen_alloca(struct codegen *g, uint32_t size, const char *name);
/* End the lifetime of every buffer allocated since `mark` (g->ntemps then). */
void gen_end_temps(struct codegen *g, int mark);
LLVMValueRef gen_helper(struct codegen *g, int id, LLVMTypeRef ret, LLVMValueRef *args, int nargs);
/* A call of the kernel function (kfunc) whose vmlinux BTF id is btf_id
 * (program.h: KFUNC_CALL_MARK). */
LLVMValueRef gen_kfunc(struct codegen *g, int btf_id, LLVMTypeRef ret, LLVMValueRef *args,
                       int nargs);
LLVMValueRef gen_map_ptr(struct codegen *g, int map_id);
/* v, opaque to LLVM's optimiser (keeps a branch a branch). */
LLVMValueRef gen_opaque(struct codegen *g, LLVMValueRef v);
/* Zero-argument helper `id`, whose result is the same all through a probe
 * run, called once per unit (at its top) and reused. */
LLVMValueRef gen_helper_once(struct codegen *g, int id);
/* Helper call `call` touches no memory but its pointer argument `arg` (0-based). */
void gen_helper_fills(struct codegen *g, LLVMValueRef call, unsigned arg);
/* The value of one-entry array map_id, directly (BPF_PSEUDO_MAP_VALUE). */
LLVMValueRef gen_map_value_ptr(struct codegen *g, int map_id);
/* A callback function of the probe's section (bpf_loop, bpf_find_vma,
 * bpf_for_each_map_elem), built with the builder at its entry and g->fn set
 * to it; gen_end_callback() goes back to where it was. */
struct callback_state {
    LLVMValueRef fn;
    LLVMBasicBlockRef block;
    LLVMMetadataRef scope;
};
LLVMValueRef gen_begin_callback(struct codegen *g, const char *name, LLVMTypeRef *params,
                                unsigned nparams, struct callback_state *saved);
void gen_end_callback(struct codegen *g, const struct callback_state *saved);
/* Whether `call` is a call of BPF helper `id` (made by gen_helper). */
bool gen_is_helper_call(LLVMValueRef call, int id);
void gen_memset0(struct codegen *g, LLVMValueRef ptr, uint32_t size);
void gen_memcpy(struct codegen *g, LLVMValueRef dst, LLVMValueRef src, uint32_t size);
LLVMValueRef gen_byte_ptr(struct codegen *g, LLVMValueRef base, uint32_t offset);
/* A stack buffer of `size` bytes holding `len` bytes of `bytes`, the rest 0. */
LLVMValueRef gen_const_bytes(struct codegen *g, const void *bytes, uint32_t len, uint32_t size);
/* A 16-byte stack buffer holding two u64s: a value and a compile-time
 * number (a strftime() format's index, a cgroup_path() filter's). */
LLVMValueRef gen_pair(struct codegen *g, LLVMValueRef first, int64_t second, const char *name);
/* The same into an existing buffer; returns it. */
LLVMValueRef gen_fill_bytes(struct codegen *g, LLVMValueRef buf, const void *bytes, uint32_t len,
                            uint32_t size);
/* A stack buffer that lives as long as the probe (a value whose address is
 * kept, like an array pton() makes): it counts with the probe's variables. */
LLVMValueRef gen_alloca_for_probe(struct codegen *g, uint32_t size, const char *name);
void gen_store_i64(struct codegen *g, LLVMValueRef ptr, LLVMValueRef v);
LLVMValueRef gen_load_i64(struct codegen *g, LLVMValueRef ptr);
/* Store value v of type t into a buffer slot of `slot_size` bytes (an
 * integer narrower than 8 bytes in a slot of its own width: a tuple's). */
void gen_store_value(struct codegen *g, LLVMValueRef dst, const struct type *t, LLVMValueRef v,
                     uint32_t slot_size);
/* Store v (of type `from`) where values of type `to` live: the same, but a
 * tuple whose strings are shorter than the slot's is moved element by
 * element to the slot's layout. */
void gen_store_as(struct codegen *g, LLVMValueRef dst, const struct type *to,
                  const struct type *from, LLVMValueRef v);
/* The integer of `size` bytes at ptr, widened to 64 bits. */
LLVMValueRef gen_load_int(struct codegen *g, LLVMValueRef ptr, uint32_t size, bool is_signed);
LLVMValueRef gen_to_bool(struct codegen *g, LLVMValueRef v);
LLVMValueRef gen_from_bool(struct codegen *g, LLVMValueRef c);
/* Narrow to t's width, then widen back to 64 bits with its signedness. */
LLVMValueRef gen_int_convert(struct codegen *g, LLVMValueRef v, const struct type *t);
/* Slot `index` of a context that is an array of u64s (raw tracepoints,
 * fentry, fexit), as a value of type t. */
LLVMValueRef gen_ctx_slot(struct codegen *g, int index, const struct type *t);
/* `count` pointees of the pointer type ptr, in bytes. */
LLVMValueRef gen_pointer_offset(struct codegen *g, LLVMValueRef count, const struct type *ptr);
/* Code after a return or a jump is unreachable: go on in a block of its own. */
void gen_dead_block(struct codegen *g);
/* Return from the probe here; what follows is generated into a dead block. */
void gen_probe_return(struct codegen *g);

/* checks.c: failing helpers, made visible. A helper's return value `ret` is
 * checked as bpftrace checks it: a negative int is a failure. */
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

/* debug_info.c: line tables, so that every instruction has the location of
 * its statement. */
void debug_info_begin(struct codegen *g);
void debug_info_function(struct codegen *g, LLVMValueRef fn, const char *name, struct loc loc);
void debug_info_at(struct codegen *g, struct loc loc);
void debug_info_end(struct codegen *g);

/* stack.c: account for the buffer just added to g->temps. */
void stack_note_alloc(struct codegen *g);

#endif
