/* Line tables for the generated code: every instruction carries the
 * location of the statement it came from. Besides tying BPF instructions to
 * the script, this keeps LLVM 14's BPF back end linear: when it lowers a
 * stack slot of an instruction without a location it searches the whole
 * basic block for one (BPFRegisterInfo::eliminateFrameIndex), which made a
 * long probe body quadratic (8,000 statements took minutes). */
#include <llvm-c/DebugInfo.h>
#include <string.h>

#include "codegen/ir.h"

void debug_info_begin(struct codegen *g)
{
    const char *name = g->sem->src && g->sem->src->filename ? g->sem->src->filename : "stdin";
    g->di = LLVMCreateDIBuilder(g->mod);
    g->di_file = LLVMDIBuilderCreateFile(g->di, name, strlen(name), ".", 1);
    LLVMDIBuilderCreateCompileUnit(g->di, LLVMDWARFSourceLanguageC, g->di_file, "sobt", 4, true,
                                   "", 0, 0, "", 0, LLVMDWARFEmissionLineTablesOnly, 0, false,
                                   false, "", 0, "", 0);
    g->di_fn_type = LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, NULL, 0, LLVMDIFlagZero);
    LLVMMetadataRef version =
        LLVMValueAsMetadata(LLVMConstInt(g->i32, LLVMDebugMetadataVersion(), false));
    LLVMAddModuleFlag(g->mod, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18, version);
}

void debug_info_function(struct codegen *g, LLVMValueRef fn, const char *name, struct loc loc)
{
    LLVMMetadataRef sp = LLVMDIBuilderCreateFunction(
        g->di, g->di_file, name, strlen(name), name, strlen(name), g->di_file,
        (unsigned)loc.line, g->di_fn_type, false, true, (unsigned)loc.line, LLVMDIFlagZero, true);
    LLVMSetSubprogram(fn, sp);
    g->di_scope = sp;
    debug_info_at(g, loc);
}

void debug_info_at(struct codegen *g, struct loc loc)
{
    if (!g->di_scope || loc.line <= 0)
        return;
    LLVMMetadataRef at = LLVMDIBuilderCreateDebugLocation(g->ctx, (unsigned)loc.line,
                                                          (unsigned)loc.col, g->di_scope, NULL);
    LLVMSetCurrentDebugLocation2(g->b, at);
}

void debug_info_end(struct codegen *g)
{
    LLVMDIBuilderFinalize(g->di);
    LLVMDisposeDIBuilder(g->di);
    g->di = NULL;
    g->di_scope = NULL;
}
