/* Function symbols and loadable segments of user-space ELF files, read with
 * libelf (see elf_symbols.h). */
#include "target/elf_symbols.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "target/debug_file.h"

/* The C++ runtime's demangler: sobt links libstdc++ (for LLVM). */
extern char *__cxa_demangle(const char *mangled, char *out, size_t *len, int *status);

struct function_list {
    struct elf_function *items;
    int count, cap;
};

static int add_function(struct function_list *l, const char *name, uint64_t addr, uint64_t size)
{
    if (l->count == l->cap) {
        int cap = l->cap ? l->cap * 2 : 256;
        struct elf_function *items = realloc(l->items, (size_t)cap * sizeof(*items));
        if (!items)
            return -ENOMEM;
        l->items = items;
        l->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return -ENOMEM;
    l->items[l->count++] = (struct elf_function){copy, addr, size};
    return 0;
}

/* bcc's rule, which bpftrace lists by: named function symbols with an
 * address, from .symtab and .dynsym alike. */
static int read_symbol_table(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct function_list *l)
{
    Elf_Data *data = NULL;
    while ((data = elf_getdata(scn, data))) {
        size_t n = sh->sh_entsize ? data->d_size / sh->sh_entsize : 0;
        for (size_t i = 0; i < n; i++) {
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym))
                continue;
            int type = GELF_ST_TYPE(sym.st_info);
            if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym.st_value == 0)
                continue;
            const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
            if (!name || !*name)
                continue;
            int rc = add_function(l, name, sym.st_value, sym.st_size);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int read_functions(Elf *elf, struct function_list *l)
{
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
            continue;
        int rc = read_symbol_table(elf, scn, &sh, l);
        if (rc)
            return rc;
    }
    return 0;
}

static int open_elf(const char *path, int *fd, Elf **elf)
{
    if (elf_version(EV_CURRENT) == EV_NONE)
        return -EINVAL;
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return -errno;
    *elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
    if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
        if (*elf)
            elf_end(*elf);
        close(*fd);
        return -ENOEXEC;
    }
    return 0;
}

static int functions_of_file(const char *path, struct function_list *l)
{
    int fd;
    Elf *elf;
    int rc = open_elf(path, &fd, &elf);
    if (rc == 0) {
        rc = read_functions(elf, l);
        elf_end(elf);
        close(fd);
    }
    return rc;
}

static int compare_functions(const void *a, const void *b)
{
    const struct elf_function *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x < y ? -1 : x > y; /* stable: the first one read wins */
}

/* Sorted by name, one per name: the first read (the debug file's, then the
 * file's own tables in section order) is kept, as bcc finds it first. */
static void sort_unique(struct function_list *l)
{
    if (l->count == 0)
        return;
    qsort(l->items, (size_t)l->count, sizeof(*l->items), compare_functions);
    int out = 0;
    for (int i = 0; i < l->count; i++) {
        if (out > 0 && strcmp(l->items[out - 1].name, l->items[i].name) == 0) {
            free(l->items[i].name);
            continue;
        }
        l->items[out++] = l->items[i];
    }
    l->count = out;
}

static int read_segments(Elf *elf, struct elf_binary *b)
{
    size_t n;
    if (elf_getphdrnum(elf, &n) != 0)
        return -ENOEXEC;
    b->segs = calloc(n ? n : 1, sizeof(*b->segs));
    if (!b->segs)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
            continue;
        b->segs[b->nsegs++] =
            (struct elf_segment){ph.p_vaddr, ph.p_memsz, ph.p_offset, (ph.p_flags & PF_X) != 0};
    }
    return 0;
}

static void binary_free(struct elf_binary *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->nfuncs; i++)
        free(b->funcs[i].name);
    free(b->funcs);
    free(b->segs);
    free(b->path);
    free(b);
}

static int read_binary(const char *path, struct elf_binary **out)
{
    int fd;
    Elf *elf;
    int rc = open_elf(path, &fd, &elf);
    if (rc)
        return rc;
    struct elf_binary *b = calloc(1, sizeof(*b));
    struct function_list l = {0};
    GElf_Ehdr eh;
    if (!b || !(b->path = strdup(path)))
        rc = -ENOMEM;
    else if (!gelf_getehdr(elf, &eh))
        rc = -ENOEXEC;
    else
        b->type = eh.e_type;
    if (rc == 0)
        rc = read_segments(elf, b);
    if (rc == 0) {
        char *debug = elf_find_debug_file(elf, path);
        if (debug)
            functions_of_file(debug, &l); /* a broken debug file only costs its symbols */
        free(debug);
        rc = read_functions(elf, &l);
    }
    elf_end(elf);
    close(fd);
    sort_unique(&l);
    if (b) {
        b->funcs = l.items;
        b->nfuncs = l.count;
    }
    if (rc) {
        if (!b)
            free(l.items);
        binary_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

static struct {
    struct elf_binary **items;
    int count;
} cache;

const struct elf_binary *elf_binary_get(const char *path, int *err)
{
    for (int i = 0; i < cache.count; i++)
        if (strcmp(cache.items[i]->path, path) == 0)
            return cache.items[i];
    struct elf_binary *b;
    int rc = read_binary(path, &b);
    if (rc == 0) {
        struct elf_binary **items =
            realloc(cache.items, (size_t)(cache.count + 1) * sizeof(*items));
        if (!items) {
            binary_free(b);
            rc = -ENOMEM;
        } else {
            cache.items = items;
            cache.items[cache.count++] = b;
        }
    }
    if (err)
        *err = rc;
    return rc ? NULL : b;
}

void elf_binaries_free(void)
{
    for (int i = 0; i < cache.count; i++)
        binary_free(cache.items[i]);
    free(cache.items);
    cache.items = NULL;
    cache.count = 0;
}

static int compare_name_to_function(const void *key, const void *item)
{
    return strcmp(key, ((const struct elf_function *)item)->name);
}

const struct elf_function *elf_binary_function(const struct elf_binary *b, const char *name)
{
    if (b->nfuncs == 0)
        return NULL;
    return bsearch(name, b->funcs, (size_t)b->nfuncs, sizeof(*b->funcs), compare_name_to_function);
}

const struct elf_function *elf_binary_function_at(const struct elf_binary *b, uint64_t addr)
{
    for (int i = 0; i < b->nfuncs; i++)
        if (addr >= b->funcs[i].addr && addr - b->funcs[i].addr < b->funcs[i].size)
            return &b->funcs[i];
    return NULL;
}

bool elf_binary_file_offset(const struct elf_binary *b, uint64_t addr, uint64_t *offset)
{
    for (int i = 0; i < b->nsegs; i++) {
        const struct elf_segment *s = &b->segs[i];
        if (addr >= s->vaddr && addr - s->vaddr < s->memsz) {
            *offset = addr - s->vaddr + s->offset;
            return true;
        }
    }
    return false;
}

int elf_file_type(const char *path)
{
    int fd;
    Elf *elf;
    if (open_elf(path, &fd, &elf) != 0)
        return -1;
    GElf_Ehdr eh;
    int type = gelf_getehdr(elf, &eh) ? eh.e_type : -1;
    elf_end(elf);
    close(fd);
    return type;
}

char *cxx_demangle(const char *name)
{
    if (strncmp(name, "_Z", 2) != 0)
        return NULL;
    int status = -1;
    char *out = __cxa_demangle(name, NULL, NULL, &status);
    if (status != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* Look in the symbol table section of type `kind` (SHT_SYMTAB, SHT_DYNSYM). */
static int lookup_symbol_in(Elf *elf, Elf64_Word kind, const char *name, uint64_t *value, uint64_t *size)
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
        rc = lookup_symbol_in(elf, SHT_SYMTAB, name, value, size) == 0
                 ? 0
                 : lookup_symbol_in(elf, SHT_DYNSYM, name, value, size);
    if (elf)
        elf_end(elf);
    close(fd);
    return rc;
}
