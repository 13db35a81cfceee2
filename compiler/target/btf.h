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

#endif
