#include "target/btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdlib.h>

static struct btf *vmlinux;
static int tried;

static void free_kernel_btf(void)
{
    btf__free(vmlinux);
    vmlinux = NULL;
}

int kernel_btf_use_file(const char *path)
{
    struct btf *btf = btf__parse(path, NULL);
    long err = libbpf_get_error(btf);
    if (err)
        return (int)err;
    if (!tried)
        atexit(free_kernel_btf);
    btf__free(vmlinux);
    vmlinux = btf;
    tried = 1;
    return 0;
}

const struct btf *kernel_btf(void)
{
    if (!tried) {
        tried = 1;
        vmlinux = btf__load_vmlinux_btf();
        if (libbpf_get_error(vmlinux))
            vmlinux = NULL;
        else
            atexit(free_kernel_btf);
    }
    return vmlinux;
}

/* The script's own types, over the kernel's (see btf.h). */
static struct btf *script_types;

struct btf *script_btf_new(void)
{
    btf__free(script_types);
    /* a split BTF: ids below btf__type_cnt(kernel) are the kernel's */
    script_types = btf__new_empty_split((struct btf *)kernel_btf());
    if (libbpf_get_error(script_types))
        script_types = NULL;
    return script_types;
}

void script_btf_free(void)
{
    btf__free(script_types);
    script_types = NULL;
}

const struct btf *types_btf(void)
{
    return script_types ? script_types : kernel_btf();
}

int script_btf_first_id(void)
{
    const struct btf *k = kernel_btf();
    return script_types && k ? (int)btf__type_cnt(k) : 1;
}
