/* The running kernel's BTF (/sys/kernel/btf/vmlinux), loaded once; or the
 * file BPFTRACE_BTF names instead. */
#ifndef SOBT_BTF_H
#define SOBT_BTF_H

struct btf;

/* NULL when the kernel has no BTF (then kernel types cannot be used). The
 * kernel's own types, and those of the module kernel_btf_select_module()
 * chose. */
const struct btf *kernel_btf(void);

/* A kernel module's BTF (/sys/kernel/btf/MODULE), split over the kernel's:
 * its ids are the kernel's followed by the module's own, as the kernel
 * numbers them. NULL or "vmlinux" is the kernel's; NULL when the module is
 * not loaded or has no BTF. Read once and kept. */
const struct btf *module_btf(const char *module);
/* The first id of the module's own types (1 for the kernel). */
int module_btf_first_id(const char *module);
/* The loaded modules with BTF (/sys/kernel/btf but vmlinux), sorted. */
int kernel_btf_modules(const char *const **names);
/* Kernel types come from the kernel's and `module`'s BTF from now on
 * (probes of that module are typed with them); call before
 * script_btf_new(). One module per compilation: -EBUSY when another was
 * chosen, -ENOENT when it has no BTF; NULL or "vmlinux" goes back to the
 * kernel's alone. */
int kernel_btf_select_module(const char *module);
/* The module kernel_btf_select_module() chose, or NULL. */
const char *kernel_btf_selected_module(void);

/* Types come from `path` (a raw BTF file, or an ELF file with a .BTF
 * section) rather than the kernel's, from now on. Returns 0, or a negative
 * errno when the file cannot be parsed. */
int kernel_btf_use_file(const char *path);

/* The types the script defines (struct, union, enum, typedef) live in a
 * BTF split over the kernel's, for one compilation: a script type's id is
 * then used as a kernel type's is, and types_btf() answers for both. A
 * script type hides a kernel type of the same name (as in bpftrace, where
 * the script's definitions win). script_btf_new() starts it (freeing any
 * previous one; NULL on failure), script_btf_free() ends it. With a
 * module's types selected, they are copied into it first, at their ids. */
struct btf *script_btf_new(void);
void script_btf_free(void);
const struct btf *types_btf(void);
/* The first id of the script's types (ids from here on are the script's). */
int script_btf_first_id(void);

#endif
