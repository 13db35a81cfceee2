/* The running kernel's BTF (/sys/kernel/btf/vmlinux), loaded once. */
#ifndef SOBT_BTF_H
#define SOBT_BTF_H

struct btf;

/* NULL when the kernel has no BTF (then kernel types cannot be used). */
const struct btf *kernel_btf(void);

#endif
