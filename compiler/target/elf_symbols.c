/* ELF symbol lookup; see elf_symbols.h. */
#include "target/elf_symbols.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <unistd.h>

/* Look in the symbol table section of type `kind` (SHT_SYMTAB, SHT_DYNSYM). */
static int lookup_in(Elf *elf, Elf64_Word kind, const char *name, uint64_t *value, uint64_t *size)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != kind || sh.sh_entsize == 0)
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        size_t count = sh.sh_size / sh.sh_entsize;
        for (size_t i = 0; data && i < count; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym))
                continue;
            int type = GELF_ST_TYPE(sym.st_info);
            if (type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC &&
                type != STT_NOTYPE)
                continue;
            const char *n = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (n && strcmp(n, name) == 0 && sym.st_shndx != SHN_UNDEF) {
                *value = sym.st_value;
                *size = sym.st_size;
                return 0;
            }
        }
    }
    return -1;
}

int elf_symbol_lookup(const char *path, const char *name, uint64_t *value, uint64_t *size)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
    int rc = -1;
    if (elf && elf_kind(elf) == ELF_K_ELF)
        rc = lookup_in(elf, SHT_SYMTAB, name, value, size) == 0
                 ? 0
                 : lookup_in(elf, SHT_DYNSYM, name, value, size);
    if (elf)
        elf_end(elf);
    close(fd);
    return rc;
}
