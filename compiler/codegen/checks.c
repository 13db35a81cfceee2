/* Failing helpers made visible: the per-CPU loss counters (lost ring-buffer
 * records, lost stacks) and bpftrace's -k / -kk checks, which send an
 * ASYNC_HELPER_ERROR record naming the helper, its return value and where
 * in the script it was called. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/ir.h"

/* bpftrace 0.17's -k checks every helper it checks at all except those whose
 * failure leaves a zero behind that the script can test for (memory reads
 * and map lookups); -kk checks those too. */
static bool is_read(int helper)
{
    switch (helper) {
    case HELPER_PROBE_READ_USER:
    case HELPER_PROBE_READ_KERNEL:
    case HELPER_PROBE_READ_USER_STR:
    case HELPER_PROBE_READ_KERNEL_STR:
    case HELPER_MAP_LOOKUP_ELEM:
        return true;
    default:
        return false;
    }
}

bool gen_helper_is_checked(const struct codegen *g, int helper)
{
    return g->helper_check_level >= 2 || (g->helper_check_level == 1 && !is_read(helper));
}

/* The helper's name as bpftrace prints it in "Failed to NAME: ...". */
static const char *helper_name(int helper)
{
    switch (helper) {
    case HELPER_MAP_LOOKUP_ELEM: return "map_lookup_elem";
    case HELPER_MAP_UPDATE_ELEM: return "map_update_elem";
    case HELPER_MAP_DELETE_ELEM: return "map_delete_elem";
    case HELPER_GET_CURRENT_COMM: return "get_current_comm";
    case HELPER_GET_STACKID: return "get_stackid";
    case HELPER_PROBE_READ_USER: return "probe_read_user";
    case HELPER_PROBE_READ_KERNEL: return "probe_read_kernel";
    case HELPER_PROBE_READ_USER_STR: return "probe_read_user_str";
    case HELPER_PROBE_READ_KERNEL_STR: return "probe_read_kernel_str";
    default: return "helper";
    }
}

/* bpftrace 0.17's lexer starts each token where the whitespace before it
 * ended, so a span whose first token follows other characters directly
 * reaches back to them: in "@[3]=3" the '=' is reported as 25-30 (from the
 * '@'), not 29-30. Warnings match its columns. */
static struct source_span bpftrace_span(const struct source *src, struct loc loc)
{
    int end = loc.end_col > loc.col ? loc.end_col : loc.col + 1;
    struct source_span span = {loc.line, loc.col, end};
    if (!src || !src->text || loc.line <= 0 || loc.col <= 1)
        return span;
    const char *line = src->text;
    for (int l = 1; l < loc.line && line; l++) {
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    if (!line || (size_t)(loc.col - 1) > strcspn(line, "\n"))
        return span;
    while (span.col > 1 && !isspace((unsigned char)line[span.col - 2]))
        span.col--;
    return span;
}

/* A new ASYNC_HELPER_ERROR description for `helper` at g->loc; its async id. */
static int add_helper_error(struct codegen *g, int helper)
{
    struct async_desc *a = realloc(g->helper_errors, (g->nhelper_errors + 1) * sizeof(*a));
    struct value_desc *ret = calloc(1, sizeof(*ret));
    char *name = strdup(helper_name(helper));
    if (!a || !ret || !name) {
        perror("sobt");
        exit(1);
    }
    g->helper_errors = a;
    a = &g->helper_errors[g->nhelper_errors];
    *ret = (struct value_desc){.kind = VK_INT, .size = 8, .is_signed = true};
    *a = (struct async_desc){
        .kind = ASYNC_HELPER_ERROR,
        .fmt = name,
        .args = {.fields = ret, .nfields = 1, .size = 8},
        .map_id = -1,
        .where = bpftrace_span(g->sem->src, g->loc),
    };
    return g->sem->nasyncs + g->nhelper_errors++;
}

void gen_report_helper_failure(struct codegen *g, int helper, LLVMValueRef ret)
{
    if (!gen_helper_is_checked(g, helper))
        return;
    LLVMValueRef rec = gen_alloca(g, 16, "helper_error");
    gen_store_i64(g, rec, gen_i64(g, add_helper_error(g, helper)));
    gen_store_i64(g, gen_byte_ptr(g, rec, 8), ret);
    gen_ringbuf_output(g, rec, 16);
}

/* Helpers return an int in a 64-bit register: its sign is bit 31's. */
static LLVMValueRef as_int(struct codegen *g, LLVMValueRef ret)
{
    return LLVMBuildSExt(g->b, LLVMBuildTrunc(g->b, ret, g->i32, ""), g->i64, "");
}

void gen_check_helper(struct codegen *g, int helper, LLVMValueRef ret)
{
    if (!gen_helper_is_checked(g, helper))
        return;
    LLVMValueRef value = as_int(g, ret);
    LLVMBasicBlockRef failed = gen_block(g, "helper_failed");
    LLVMBasicBlockRef done = gen_block(g, "helper_ok");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, value, gen_i64(g, 0), ""), failed, done);
    LLVMPositionBuilderAtEnd(g->b, failed);
    gen_report_helper_failure(g, helper, value);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
}

/* counters[which] += 1, atomically: programs on every CPU, or one
 * interrupting another, bump the same value. */
void gen_count_loss(struct codegen *g, int which)
{
    if (g->losses_map_id < 0)
        return;
    LLVMValueRef p = gen_byte_ptr(g, gen_map_value_ptr(g, g->losses_map_id), which * 8);
    LLVMBuildAtomicRMW(g->b, LLVMAtomicRMWBinOpAdd, LLVMBuildBitCast(g->b, p, g->i64p, ""),
                       gen_i64(g, 1), LLVMAtomicOrderingMonotonic, false);
}

void gen_ringbuf_output(struct codegen *g, LLVMValueRef rec, uint32_t size)
{
    LLVMValueRef args[4] = {gen_map_ptr(g, g->ringbuf_map_id), rec, gen_i64(g, size),
                            gen_i64(g, 0)};
    LLVMValueRef ret = gen_helper(g, HELPER_RINGBUF_OUTPUT, g->i64, args, 4);
    LLVMBasicBlockRef lost = gen_block(g, "event_lost");
    LLVMBasicBlockRef done = gen_block(g, "event_sent");
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, ret, gen_i64(g, 0), ""), lost, done);
    LLVMPositionBuilderAtEnd(g->b, lost);
    gen_count_loss(g, LOSS_EVENTS);
    LLVMBuildBr(g->b, done);
    LLVMPositionBuilderAtEnd(g->b, done);
}
