/* -d bpf: the BPF instructions of each program, as LLVM's disassembler
 * prints them. The ELF is walked with libelf (the same reader the loader uses). */
#include <gelf.h>
#include <libelf.h>
#include <llvm-c/Disassembler.h>
#include <stdint.h>
#include <string.h>

#include "codegen/emit.h"

void LLVMInitializeBPFDisassembler(void);

static void disasm_section(LLVMDisasmContextRef dc, const char *name, const uint8_t *code,
                           size_t size, FILE *out)
{
    fprintf(out, "%s:\n", name);
    size_t off = 0;
    char text[128];
    while (off < size) {
        size_t n = LLVMDisasmInstruction(dc, (uint8_t *)code + off, size - off, off, text,
                                         sizeof(text));
        if (n == 0) {
            fprintf(out, "%5zu: <unknown>\n", off / 8);
            n = 8;
        } else {
            fprintf(out, "%5zu:%s\n", off / 8, text);
        }
        off += n;
    }
    fputc('\n', out);
}

void disasm_object(const void *elf, size_t size, FILE *out)
{
    emit_init();
    LLVMInitializeBPFDisassembler();
    LLVMDisasmContextRef dc = LLVMCreateDisasm("bpfel", NULL, 0, NULL, NULL);
    if (!dc) {
        fprintf(out, "no BPF disassembler available\n");
        return;
    }
    elf_version(EV_CURRENT);
    Elf *e = elf_memory((char *)elf, size);
    size_t shstrndx;
    if (!e || elf_getshdrstrndx(e, &shstrndx) != 0) {
        fprintf(out, "cannot read the BPF object\n");
        LLVMDisasmDispose(dc);
        return;
    }
    for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_EXECINSTR) || sh.sh_size == 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (d && d->d_buf)
            disasm_section(dc, elf_strptr(e, shstrndx, sh.sh_name), d->d_buf, d->d_size, out);
    }
    elf_end(e);
    LLVMDisasmDispose(dc);
}
