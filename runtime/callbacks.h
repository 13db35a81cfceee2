/* For loops' callbacks (compiler/codegen/loops.c) in a program section:
 * their references resolved for the kernel, and the BTF function
 * information the verifier requires of a program with callbacks. */
#ifndef SOBT_RUNTIME_CALLBACKS_H
#define SOBT_RUNTIME_CALLBACKS_H

#include <bpf/bpf.h>
#include <gelf.h>
#include <linux/bpf.h>
#include <stddef.h>

struct callbacks {
    int btf_fd; /* -1: the section has no callbacks */
    struct bpf_func_info *funcs;
    unsigned nfuncs;
};

/* The relocations against the section (index `section`): each an ld_imm64
 * of a callback in the same section, made a BPF_PSEUDO_FUNC reference in
 * insns. Returns 0 (out filled, free with callbacks_free), or -1 after one
 * error line for anything else. */
int callbacks_resolve(Elf *elf, size_t shstrndx, size_t section, struct bpf_insn *insns,
                      size_t count, const char *section_name, struct callbacks *out);
/* The load options for a section with callbacks: its BTF and function info. */
void callbacks_set_opts(const struct callbacks *cb, struct bpf_prog_load_opts *opts);
void callbacks_free(struct callbacks *cb);

#endif
