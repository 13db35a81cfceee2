/* The running kernel's BTF (/sys/kernel/btf/vmlinux), loaded once; or the
 * file BPFTRACE_BTF names instead. */
#ifndef SOBT_BTF_H
#define SOBT_BTF_H

struct btf;

/* NULL when the kernel has no BTF (then kernel types cannot be used). */
const struct btf *kernel_btf(void);

/* Types come from `path` (a raw BTF file, or an ELF file with a .BTF
 * section) rather than the kernel's, from now on. Returns 0, or a negative
 * errno when the file cannot be parsed. */
int kernel_btf_use_file(const char *path);

/* The types the script defines (struct, union, enum, typedef) live in a
 * BTF split over the kernel's, for one compilation: a script type's id is
 * then used as a kernel type's is, and types_btf() answers for both. A
 * script type hides a kernel type of the same name (as in bpftrace, where
 * the script's definitions win). script_btf_new() starts it (freeing any
 * previous one; NULL on failure), script_btf_free() ends it. */
struct btf *script_btf_new(void);
void script_btf_free(void);
const struct btf *types_btf(void);
/* The first id of the script's types (ids from here on are the script's). */
int script_btf_first_id(void);

#endif
