/* Probe functions: one per probe unit, each in the ELF section the loader
 * looks for, with its variables zeroed, the stop-flag check of wide probe
 * sets, the predicate, then the body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/expr.h"

/* if (stop[0]) return 0; -- read from the array's value directly */
static void gen_stop_check(struct codegen *g)
{
    LLVMBasicBlockRef stop = gen_block(g, "stop");
    LLVMBasicBlockRef run = gen_block(g, "run");
    LLVMValueRef flag = gen_load_i64(g, gen_map_value_ptr(g, g->stop_map_id));
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, flag, gen_i64(g, 0), ""), stop, run);
    LLVMPositionBuilderAtEnd(g->b, stop);
    LLVMBuildRet(g->b, gen_i64(g, 0));
    LLVMPositionBuilderAtEnd(g->b, run);
    gen_end_temps(g, 0);
}

/* Whether the program uses its context argument only to ask for the attach
 * cookie: then the runtime may attach it as a raw tracepoint, whose context
 * is another (program.h, raw_tracepoint_ok). */
static bool reads_only_cookie(struct codegen *g)
{
    for (LLVMUseRef use = LLVMGetFirstUse(g->ctxarg); use; use = LLVMGetNextUse(use)) {
        LLVMValueRef user = LLVMGetUser(use);
        if (!LLVMIsACallInst(user) || !gen_is_helper_call(user, HELPER_GET_ATTACH_COOKIE))
            return false;
    }
    return true;
}

static void gen_unit(struct codegen *g, struct probe_unit *u)
{
    LLVMTypeRef fty = LLVMFunctionType(g->i64, &g->i8p, 1, false);
    char name[40];
    snprintf(name, sizeof(name), "probe_%d", (int)(u - g->sem->units));
    g->fn = LLVMAddFunction(g->mod, name, fty);
    LLVMSetSection(g->fn, u->section);
    g->unit = u;
    g->ctxarg = LLVMGetParam(g->fn, 0);
    g->entry = gen_block(g, "entry");
    g->nonce = 0;
    g->nreads = 0;
    LLVMPositionBuilderAtEnd(g->b, g->entry);
    debug_info_function(g, g->fn, name, u->probe->loc);

    /* variables start zeroed, as bpftrace's do */
    g->var_slots = calloc(u->nvars ? u->nvars : 1, sizeof(LLVMValueRef));
    g->cur_node = NULL;
    g->var_bytes = 0;
    for (int i = 0; i < u->nvars; i++) {
        uint32_t size = type_storage_size(&u->vars[i].type);
        g->var_slots[i] = gen_alloca(g, size, u->vars[i].name);
        gen_memset0(g, g->var_slots[i], size);
    }
    for (int i = 0; i < g->ntemps; i++)
        g->var_bytes += g->temps[i].size;
    g->ntemps = 0; /* variables live for the whole probe */
    if (u->checks_stop_flag)
        gen_stop_check(g);
    if (u->probe->pred) {
        LLVMValueRef c = gen_to_bool(g, gen_expr(g, u->probe->pred));
        gen_end_temps(g, 0);
        LLVMBasicBlockRef body = gen_block(g, "body");
        LLVMBasicBlockRef skip = gen_block(g, "skip");
        LLVMBuildCondBr(g->b, c, body, skip);
        LLVMPositionBuilderAtEnd(g->b, skip);
        LLVMBuildRet(g->b, gen_i64(g, 0));
        LLVMPositionBuilderAtEnd(g->b, body);
    }
    gen_block_stmts(g, u->probe->then);
    LLVMBuildRet(g->b, gen_i64(g, 0));
    u->context_free = reads_only_cookie(g);
    free(g->var_slots);
    g->var_slots = NULL;
    g->ntemps = 0;
}

int codegen_module(struct semantic *sem, LLVMContextRef ctx, LLVMModuleRef mod,
                   const struct internal_maps *maps, int helper_check_level,
                   struct codegen_result *result)
{
    struct codegen g = {
        .ctx = ctx,
        .mod = mod,
        .sem = sem,
        .ringbuf_map_id = maps->ringbuf,
        .start_time_map_id = maps->start_time,
        .kstack_map_id = maps->kstack,
        .ustack_map_id = maps->ustack,
        .stop_map_id = maps->stop,
        .losses_map_id = maps->losses,
        .helper_check_level = helper_check_level,
        .gen_stmts = gen_block_stmts,
    };
    g.b = LLVMCreateBuilderInContext(ctx);
    g.i1 = LLVMInt1TypeInContext(ctx);
    g.i8 = LLVMInt8TypeInContext(ctx);
    g.i32 = LLVMInt32TypeInContext(ctx);
    g.i64 = LLVMInt64TypeInContext(ctx);
    g.i8p = LLVMPointerType(g.i8, 0);
    g.i64p = LLVMPointerType(g.i64, 0);

    /* BPF's own layout: without it LLVM takes i64 to be 4-aligned and
     * splits every 64-bit load and store in two */
    LLVMSetTarget(mod, "bpfel");
    LLVMSetDataLayout(mod, "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128");

    /* the kernel only lets GPL programs use most tracing helpers */
    const char *license = sem->settings.program.license[0] ? sem->settings.program.license : "GPL";
    unsigned len = (unsigned)strlen(license);
    LLVMValueRef lic = LLVMAddGlobal(mod, LLVMArrayType(g.i8, len + 1), "_license");
    LLVMSetInitializer(lic, LLVMConstStringInContext(ctx, license, len, false));
    LLVMSetSection(lic, "license");

    debug_info_begin(&g);
    for (int i = 0; i < sem->nunits; i++) {
        g.stack = &result->stack[i];
        gen_unit(&g, &sem->units[i]);
    }
    debug_info_end(&g);
    result->helper_errors = g.helper_errors;
    result->nhelper_errors = g.nhelper_errors;
    free(g.temps);
    free(g.free_bufs);
    LLVMDisposeBuilder(g.b);
    return 0;
}
