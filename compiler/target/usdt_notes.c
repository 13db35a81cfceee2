/* The SystemTap notes of an ELF file (see usdt_notes.h). Each note of type
 * NT_STAPSDT in a .note.stapsdt section describes one probe site: its
 * address, the link-time address of the .stapsdt.base section (a probe's
 * addresses move with that section when a file is prelinked), its semaphore,
 * then provider, name and argument specification as strings. */
#include "target/usdt_notes.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NT_STAPSDT 3

struct probe_list {
    struct usdt_probe *items;
    int count;
};

/* A virtual address of the file as a file offset (through PT_LOAD). */
static bool vaddr_to_offset(Elf *elf, uint64_t addr, uint64_t *offset)
{
    size_t n;
    if (elf_getphdrnum(elf, &n) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
            addr - ph.p_vaddr < ph.p_memsz) {
            *offset = addr - ph.p_vaddr + ph.p_offset;
            return true;
        }
    }
    return false;
}

static void parse_args(struct usdt_probe *p)
{
    char *copy = strdup(p->args_text);
    char *save = NULL;
    for (char *tok = copy ? strtok_r(copy, " ", &save) : NULL; tok && p->nargs < USDT_MAX_ARGS;
         tok = strtok_r(NULL, " ", &save)) {
        struct usdt_arg *a = &p->args[p->nargs++];
        if (usdt_arg_parse(tok, a) < 0)
            a->kind = USDT_ARG_UNSUPPORTED;
    }
    free(copy);
}

/* One note's description: three addresses, then three strings. */
static int add_probe(Elf *elf, const char *desc, size_t len, uint64_t base_actual, bool have_base,
                     struct probe_list *l)
{
    if (len < 3 * 8 + 3)
        return 0;
    uint64_t pc, base, sem;
    memcpy(&pc, desc, 8);
    memcpy(&base, desc + 8, 8);
    memcpy(&sem, desc + 16, 8);
    const char *provider = desc + 24, *end = desc + len;
    const char *name = memchr(provider, '\0', (size_t)(end - provider));
    const char *args = name ? memchr(name + 1, '\0', (size_t)(end - name - 1)) : NULL;
    if (!args || !memchr(args + 1, '\0', (size_t)(end - args - 1)))
        return 0;
    name++;
    args++;
    if (have_base) { /* prelinked: everything moved with .stapsdt.base */
        pc += base_actual - base;
        if (sem)
            sem += base_actual - base;
    }
    struct usdt_probe p = {0};
    if (!vaddr_to_offset(elf, pc, &p.pc_offset) ||
        (sem && !vaddr_to_offset(elf, sem, &p.semaphore_offset)))
        return 0;
    p.provider = strdup(provider);
    p.name = strdup(name);
    p.args_text = strdup(args);
    struct usdt_probe *items = realloc(l->items, (size_t)(l->count + 1) * sizeof(*items));
    if (!items || !p.provider || !p.name || !p.args_text) {
        free(p.provider);
        free(p.name);
        free(p.args_text);
        if (items)
            l->items = items;
        return -ENOMEM;
    }
    parse_args(&p);
    l->items = items;
    l->items[l->count++] = p;
    return 0;
}

static int read_notes(Elf *elf, Elf_Scn *scn, uint64_t base_actual, bool have_base,
                      struct probe_list *l)
{
    Elf_Data *data = elf_getdata(scn, NULL);
    size_t off = 0, name_off, desc_off;
    GElf_Nhdr nh;
    while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
        if (nh.n_type != NT_STAPSDT || nh.n_namesz != sizeof("stapsdt") ||
            memcmp((const char *)data->d_buf + name_off, "stapsdt", sizeof("stapsdt")) != 0)
            continue;
        int rc = add_probe(elf, (const char *)data->d_buf + desc_off, nh.n_descsz, base_actual,
                           have_base, l);
        if (rc)
            return rc;
    }
    return 0;
}

static int read_probes(Elf *elf, struct probe_list *l)
{
    size_t stridx;
    if (elf_getshdrstrndx(elf, &stridx) != 0)
        return -ENOEXEC;
    uint64_t base = 0;
    bool have_base = false;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        const char *name;
        if (gelf_getshdr(scn, &sh) && (name = elf_strptr(elf, stridx, sh.sh_name)) &&
            strcmp(name, ".stapsdt.base") == 0) {
            base = sh.sh_addr;
            have_base = true;
        }
    }
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        const char *name;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
            !(name = elf_strptr(elf, stridx, sh.sh_name)) || strcmp(name, ".note.stapsdt") != 0)
            continue;
        int rc = read_notes(elf, scn, base, have_base, l);
        if (rc)
            return rc;
    }
    return 0;
}

int usdt_probes_read(const char *path, struct usdt_probe **probes, int *count)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return -EINVAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    int rc = elf && elf_kind(elf) == ELF_K_ELF ? 0 : -ENOEXEC;
    struct probe_list l = {0};
    if (rc == 0)
        rc = read_probes(elf, &l);
    if (elf)
        elf_end(elf);
    close(fd);
    if (rc) {
        usdt_probes_free(l.items, l.count);
        return rc;
    }
    *probes = l.items;
    *count = l.count;
    return 0;
}

void usdt_probes_free(struct usdt_probe *probes, int count)
{
    for (int i = 0; i < count; i++) {
        free(probes[i].provider);
        free(probes[i].name);
        free(probes[i].args_text);
    }
    free(probes);
}
