/* For loops' callbacks: see callbacks.h. The code generator makes one
 * relocation, an ld_imm64 of a callback function in the same section
 * (LLVM leaves it to the loader); anything else means the object is not
 * what the loader understands, and it is refused rather than guessed at. */
#include "callbacks.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "diag.h"

/* Subprogram starts, in instructions: 0 and each callback, ascending. */
static int add_start(struct callbacks *cb, uint32_t insn)
{
    for (unsigned i = 0; i < cb->nfuncs; i++)
        if (cb->funcs[i].insn_off == insn)
            return 0;
    struct bpf_func_info *f = realloc(cb->funcs, (cb->nfuncs + 1) * sizeof(*f));
    if (!f)
        return -1;
    cb->funcs = f;
    unsigned at = cb->nfuncs++;
    while (at > 0 && cb->funcs[at - 1].insn_off > insn) {
        cb->funcs[at] = cb->funcs[at - 1];
        at--;
    }
    cb->funcs[at] = (struct bpf_func_info){.insn_off = insn};
    return 0;
}

/* One relocation: the callback reference it is, or false. */
static bool resolve_one(Elf_Data *data, Elf_Data *syms, int i, size_t section,
                        struct bpf_insn *insns, size_t count, struct callbacks *cb)
{
    GElf_Rel rel;
    GElf_Sym sym;
    if (!gelf_getrel(data, i, &rel) || !gelf_getsym(syms, (int)GELF_R_SYM(rel.r_info), &sym))
        return false;
    size_t at = rel.r_offset / sizeof(struct bpf_insn);
    int type = GELF_ST_TYPE(sym.st_info);
    if (sym.st_shndx != section || at + 1 >= count ||
        insns[at].code != (BPF_LD | BPF_IMM | BPF_DW) || (type != STT_FUNC && type != STT_SECTION))
        return false;
    /* REL keeps the addend in the instruction */
    uint64_t target = (sym.st_value + (uint32_t)insns[at].imm) / sizeof(struct bpf_insn);
    if (target >= count)
        return false;
    insns[at].src_reg = BPF_PSEUDO_FUNC;
    insns[at].imm = (int32_t)(target - at - 1);
    insns[at + 1].imm = 0;
    return add_start(cb, (uint32_t)target) == 0;
}

/* BTF giving every subprogram the same prototype, long f(void): the
 * verifier checks only that each has a function type (they are static,
 * so their arguments are not matched against it). */
static int load_btf(struct callbacks *cb)
{
    struct btf *btf = btf__new_empty();
    if (!btf)
        return -1;
    int ret = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
    int proto = ret > 0 ? btf__add_func_proto(btf, ret) : -1;
    for (unsigned i = 0; proto > 0 && i < cb->nfuncs; i++) {
        char name[32];
        snprintf(name, sizeof(name), "f%u", i);
        int id = btf__add_func(btf, name, BTF_FUNC_STATIC, proto);
        if (id < 0)
            proto = -1;
        cb->funcs[i].type_id = (uint32_t)id;
    }
    int rc = proto > 0 ? btf__load_into_kernel(btf) : -1;
    if (rc == 0)
        cb->btf_fd = dup(btf__fd(btf));
    btf__free(btf);
    return cb->btf_fd >= 0 ? 0 : -1;
}

int callbacks_resolve(Elf *elf, size_t shstrndx, size_t section, struct bpf_insn *insns,
                      size_t count, const char *section_name, struct callbacks *out)
{
    *out = (struct callbacks){.btf_fd = -1};
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn)) != NULL) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_info != section ||
            (sh.sh_type != SHT_REL && sh.sh_type != SHT_RELA))
            continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        Elf_Data *syms = elf_getdata(elf_getscn(elf, sh.sh_link), NULL);
        size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
        bool ok = sh.sh_type == SHT_REL && data && syms && add_start(out, 0) == 0;
        for (size_t i = 0; ok && i < n; i++)
            ok = resolve_one(data, syms, (int)i, section, insns, count, out);
        if (!ok) {
            const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
            diag_plain_error("BPF object: unexpected relocation section %s against %s",
                             name ? name : "?", section_name);
            return -1;
        }
    }
    if (out->nfuncs > 1 && load_btf(out) != 0) {
        diag_plain_error("BPF object: cannot load the BTF of %s's loop callbacks", section_name);
        return -1;
    }
    return 0;
}

void callbacks_set_opts(const struct callbacks *cb, struct bpf_prog_load_opts *opts)
{
    if (cb->btf_fd < 0)
        return;
    opts->prog_btf_fd = (uint32_t)cb->btf_fd;
    opts->func_info = cb->funcs;
    opts->func_info_cnt = cb->nfuncs;
    opts->func_info_rec_size = sizeof(struct bpf_func_info);
}

void callbacks_free(struct callbacks *cb)
{
    if (cb->btf_fd >= 0)
        close(cb->btf_fd);
    free(cb->funcs);
    *cb = (struct callbacks){.btf_fd = -1};
}
