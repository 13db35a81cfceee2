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
