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
