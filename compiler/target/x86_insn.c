/* x86-64 instruction boundaries (see x86_insn.h). */
#include "target/x86_insn.h"

#include <fcntl.h>
#include <llvm-c/Disassembler.h>
#include <stdlib.h>
#include <unistd.h>

void LLVMInitializeX86TargetInfo(void);
void LLVMInitializeX86TargetMC(void);
void LLVMInitializeX86Disassembler(void);

static LLVMDisasmContextRef x86_disassembler(void)
{
    static LLVMDisasmContextRef dc;
    if (!dc) {
        LLVMInitializeX86TargetInfo();
        LLVMInitializeX86TargetMC();
        LLVMInitializeX86Disassembler();
        dc = LLVMCreateDisasm("x86_64-unknown-linux-gnu", NULL, 0, NULL, NULL);
    }
    return dc;
}

bool x86_is_instruction_start(const char *path, uint64_t start, uint64_t size, uint64_t offset)
{
    LLVMDisasmContextRef dc = x86_disassembler();
    if (!dc || offset >= size || size > (1u << 24))
        return false;
    uint8_t *code = malloc(size);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool ok = code && fd >= 0 && pread(fd, code, size, (off_t)start) == (ssize_t)size;
    if (fd >= 0)
        close(fd);
    uint64_t at = 0;
    char text[160];
    while (ok && at < offset) {
        size_t n = LLVMDisasmInstruction(dc, code + at, size - at, at, text, sizeof(text));
        if (n == 0)
            ok = false;
        at += n;
    }
    free(code);
    return ok && at == offset;
}
