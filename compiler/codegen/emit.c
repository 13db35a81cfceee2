#include "codegen/emit.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Support.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Only the BPF back end is linked in, so the generic LLVMInitializeAll*
 * macros would not link; call the BPF ones directly. */
void LLVMInitializeBPFTargetInfo(void);
void LLVMInitializeBPFTarget(void);
void LLVMInitializeBPFTargetMC(void);
void LLVMInitializeBPFAsmPrinter(void);
void LLVMInitializeBPFAsmParser(void);

void emit_init(void)
{
    static int done;
    if (done)
        return;
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
    /* inline asm (gen_i64_in_register) is assembled by the BPF asm parser */
    LLVMInitializeBPFAsmParser();
    /* The instruction scheduler LLVM picks for BPF recomputes the depth of
     * each block's dependence chain as it goes: quadratic in the length of a
     * basic block, and a probe body of thousands of statements is one
     * block. BPF has no pipeline to schedule for, so keep the source order. */
    const char *const args[] = {"sobt", "-pre-RA-sched=source"};
    LLVMParseCommandLineOptions(2, args, NULL);
    done = 1;
}

int emit_object(LLVMModuleRef mod, FILE *ir_out, void **elf, size_t *elf_size)
{
    char *err = NULL;
    emit_init();
    LLVMSetTarget(mod, "bpfel");
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &err)) {
        diag_plain_error("internal error: invalid LLVM IR generated: %s", err);
        LLVMDisposeMessage(err);
        return -1;
    }
    LLVMDisposeMessage(err);
    err = NULL;
    LLVMTargetRef target;
    if (LLVMGetTargetFromTriple("bpfel", &target, &err)) {
        diag_plain_error("LLVM has no BPF target: %s", err);
        LLVMDisposeMessage(err);
        return -1;
    }
    /* v2 adds the conditional jumps (<, <=) every kernel since 4.14 has */
    LLVMTargetMachineRef tm = LLVMCreateTargetMachine(target, "bpfel", "v2", "",
                                                      LLVMCodeGenLevelDefault, LLVMRelocDefault,
                                                      LLVMCodeModelDefault);
    LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
    LLVMErrorRef perr = LLVMRunPasses(mod, "default<O2>", tm, opts);
    LLVMDisposePassBuilderOptions(opts);
    if (perr) {
        char *msg = LLVMGetErrorMessage(perr);
        diag_plain_error("internal error: LLVM passes failed: %s", msg);
        LLVMDisposeErrorMessage(msg);
        LLVMDisposeTargetMachine(tm);
        return -1;
    }
    if (ir_out) {
        char *ir = LLVMPrintModuleToString(mod);
        fputs(ir, ir_out);
        LLVMDisposeMessage(ir);
    }
    LLVMMemoryBufferRef buf;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &err, &buf)) {
        diag_plain_error("BPF code generation failed: %s", err);
        LLVMDisposeMessage(err);
        LLVMDisposeTargetMachine(tm);
        return -1;
    }
    *elf_size = LLVMGetBufferSize(buf);
    *elf = malloc(*elf_size);
    memcpy(*elf, LLVMGetBufferStart(buf), *elf_size);
    LLVMDisposeMemoryBuffer(buf);
    LLVMDisposeTargetMachine(tm);
    return 0;
}
