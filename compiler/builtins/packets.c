/* skboutput(file, skb, length, offset): the packet's bytes from offset on,
 * in a ring-buffer record (program.h struct skboutput_record) that the
 * runtime writes to a pcap file (runtime/output/pcap.c). bpftrace sends
 * them with bpf_skb_output through a perf buffer; here they are read from
 * skb->data, so a packet's paged fragments are not captured, and at most
 * SKBOUTPUT_CAPTURE_BYTES bytes of it are (the file records its length). */
#include <bpf/btf.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "builtins/entries.h"
#include "codegen/memory.h"
#include "sema/sema.h"
#include "target/btf.h"

#define HELPER_RINGBUF_DISCARD 133

/* Where struct sk_buff keeps its data pointer. The argument's type came
 * from the kernel's BTF (check_skboutput), so the struct is there. */
static uint32_t skb_data_offset(void)
{
    const struct btf *btf = kernel_btf();
    int id = btf ? btf__find_by_name_kind(btf, "sk_buff", BTF_KIND_STRUCT) : -1;
    if (id > 0) {
        const struct btf_type *t = btf__type_by_id(btf, (uint32_t)id);
        const struct btf_member *m = btf_members(t);
        for (int i = 0; i < btf_vlen(t); i++, m++)
            if (strcmp(btf__name_by_offset(btf, m->name_off), "data") == 0)
                return btf_member_bit_offset(t, (uint32_t)i) / 8;
    }
    return 0;
}

static void set_result(struct codegen *g, LLVMValueRef slot, LLVMValueRef v, LLVMBasicBlockRef to)
{
    gen_store_i64(g, slot, v);
    LLVMBuildBr(g->b, to);
}

/* Returns 0 when the packet was sent, else a negative error: -ENOSPC when
 * the ring buffer is full (counted as a lost event), or the read's. */
LLVMValueRef gen_skboutput(struct codegen *g, struct node *call, const struct gen_args *a)
{
    const uint32_t head = offsetof(struct skboutput_record, data);
    uint32_t size = 8 + (uint32_t)sizeof(struct skboutput_record);
    LLVMValueRef result = gen_alloca(g, 8, "skboutput");
    LLVMBasicBlockRef fill = gen_block(g, "skb_fill");
    LLVMBasicBlockRef lost = gen_block(g, "skb_lost");
    LLVMBasicBlockRef failed = gen_block(g, "skb_failed");
    LLVMBasicBlockRef sent = gen_block(g, "skb_sent");
    LLVMBasicBlockRef done = gen_block(g, "skb_done");

    LLVMValueRef rargs[3] = {gen_map_ptr(g, g->ringbuf_map_id), gen_i64(g, size), gen_i64(g, 0)};
    LLVMValueRef rec = gen_helper(g, HELPER_RINGBUF_RESERVE, g->i8p, rargs, 3);
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, rec, LLVMConstNull(g->i8p), ""), lost,
                    fill);
    LLVMPositionBuilderAtEnd(g->b, lost);
    gen_count_loss(g, LOSS_EVENTS);
    set_result(g, result, gen_i64(g, -ENOSPC), done);

    LLVMPositionBuilderAtEnd(g->b, fill);
    gen_store_i64(g, rec, gen_i64(g, call->async_id));
    LLVMValueRef rec_args = gen_byte_ptr(g, rec, 8);
    gen_store_i64(g, rec_args, gen_helper(g, HELPER_KTIME_GET_BOOT_NS, g->i64, NULL, 0));
    LLVMValueRef len = a->value[2];
    LLVMValueRef big =
        LLVMBuildICmp(g->b, LLVMIntUGT, len, gen_i64(g, SKBOUTPUT_CAPTURE_BYTES), "");
    LLVMValueRef caplen = LLVMBuildSelect(g->b, big, gen_i64(g, SKBOUTPUT_CAPTURE_BYTES), len, "");
    LLVMValueRef lens = LLVMBuildOr(g->b, LLVMBuildAnd(g->b, len, gen_i64(g, 0xffffffff), ""),
                                    LLVMBuildShl(g->b, caplen, gen_i64(g, 32), ""), "");
    gen_store_i64(g, gen_byte_ptr(g, rec_args, offsetof(struct skboutput_record, len)), lens);
    /* skb->data + offset */
    LLVMValueRef slot = gen_alloca(g, 8, "skb_data");
    gen_memset0(g, slot, 8);
    LLVMValueRef field = LLVMBuildAdd(g->b, a->value[1], gen_i64(g, skb_data_offset()), "");
    gen_probe_read(g, slot, 8, field, false);
    LLVMValueRef from = LLVMBuildAdd(g->b, gen_load_i64(g, slot), a->value[3], "");
    LLVMValueRef read_args[3] = {gen_byte_ptr(g, rec_args, head),
                                 LLVMBuildTrunc(g->b, caplen, g->i32, ""),
                                 LLVMBuildIntToPtr(g->b, from, g->i8p, "")};
    LLVMValueRef rc = gen_helper(g, HELPER_PROBE_READ_KERNEL, g->i64, read_args, 3);
    rc = LLVMBuildSExt(g->b, LLVMBuildTrunc(g->b, rc, g->i32, ""), g->i64, "");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, rc, gen_i64(g, 0), ""), failed, sent);

    LLVMPositionBuilderAtEnd(g->b, failed);
    LLVMValueRef dargs[2] = {rec, gen_i64(g, 0)};
    gen_helper(g, HELPER_RINGBUF_DISCARD, LLVMVoidTypeInContext(g->ctx), dargs, 2);
    set_result(g, result, rc, done);

    LLVMPositionBuilderAtEnd(g->b, sent);
    LLVMValueRef sargs[2] = {rec, gen_i64(g, 0)};
    gen_helper(g, HELPER_RINGBUF_SUBMIT, LLVMVoidTypeInContext(g->ctx), sargs, 2);
    set_result(g, result, gen_i64(g, 0), done);

    LLVMPositionBuilderAtEnd(g->b, done);
    return gen_load_i64(g, result);
}
