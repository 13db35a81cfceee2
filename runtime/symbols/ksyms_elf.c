/* Kernel symbols from a vmlinux ELF file (BPFTRACE_VMLINUX): its function
 * symbols, fed to the kernel symbol table (ksyms.h). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include "symbols/ksyms.h"

struct elf_walk {
    Elf *elf;
    Elf_Scn *symtab;
    GElf_Shdr sh;
    Elf_Data *data;
    size_t index, count;
};

static int next_function(void *state, uint64_t *addr, const char **name)
{
    struct elf_walk *w = state;
    while (w->index < w->count) {
        GElf_Sym sym;
        if (!gelf_getsym(w->data, (int)w->index++, &sym))
            continue;
        int type = GELF_ST_TYPE(sym.st_info);
        if ((type != STT_FUNC && type != STT_NOTYPE) || sym.st_value == 0)
            continue;
        const char *n = elf_strptr(w->elf, w->sh.sh_link, sym.st_name);
        if (!n || !n[0])
            continue;
        *addr = sym.st_value;
        *name = n;
        return 1;
    }
    return 0;
}

int ksym_load_vmlinux(const char *path)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return -EINVAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct elf_walk w = {.elf = elf_begin(fd, ELF_C_READ, NULL)};
    int rc = -ENOEXEC;
    while (w.elf && (w.symtab = elf_nextscn(w.elf, w.symtab))) {
        if (gelf_getshdr(w.symtab, &w.sh) && w.sh.sh_type == SHT_SYMTAB && w.sh.sh_entsize) {
            w.data = elf_getdata(w.symtab, NULL);
            w.count = w.data ? w.sh.sh_size / w.sh.sh_entsize : 0;
            struct ksym_source src = {.next = next_function, .state = &w};
            rc = ksym_load_symbols(&src);
            break;
        }
    }
    if (w.elf)
        elf_end(w.elf);
    close(fd);
    return rc;
}
