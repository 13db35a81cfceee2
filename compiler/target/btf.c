#include "target/btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSFS_BTF "/sys/kernel/btf"

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

static const struct btf *vmlinux_btf(void)
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

/* Kernel modules' BTF (/sys/kernel/btf/MODULE: split BTF whose ids follow
 * the kernel's), read when first asked for and kept. */
#define MAX_MODULES 512
static struct module_btf {
    char *name;
    struct btf *btf; /* NULL: the module has no BTF */
} modules[MAX_MODULES];
static int nmodules;
static const char *module_names[MAX_MODULES];
static int nmodule_names = -1;
static const struct module_btf *types_module; /* kernel_btf()'s, NULL: vmlinux */

static void free_modules(void)
{
    for (int i = 0; i < nmodules; i++) {
        free(modules[i].name);
        btf__free(modules[i].btf);
    }
    for (int i = 0; i < nmodule_names; i++)
        free((char *)module_names[i]);
    nmodules = 0;
    nmodule_names = -1;
    types_module = NULL;
}

/* free_modules() at exit, once. */
static void free_modules_at_exit(void)
{
    static bool registered;
    if (!registered)
        atexit(free_modules);
    registered = true;
}

static const struct module_btf *find_module(const char *name)
{
    for (int i = 0; i < nmodules; i++)
        if (strcmp(modules[i].name, name) == 0)
            return &modules[i];
    const struct btf *base = vmlinux_btf();
    if (!base || nmodules == MAX_MODULES || strchr(name, '/'))
        return NULL;
    char path[512];
    snprintf(path, sizeof(path), SYSFS_BTF "/%s", name);
    struct btf *btf = btf__parse_split(path, (struct btf *)base);
    if (libbpf_get_error(btf))
        return NULL;
    free_modules_at_exit();
    modules[nmodules] = (struct module_btf){strdup(name), btf};
    return &modules[nmodules++];
}

static bool is_kernel_name(const char *module)
{
    return !module || strcmp(module, "vmlinux") == 0;
}

const struct btf *module_btf(const char *module)
{
    if (is_kernel_name(module))
        return vmlinux_btf();
    const struct module_btf *m = find_module(module);
    return m ? m->btf : NULL;
}

int module_btf_first_id(const char *module)
{
    const struct btf *k = vmlinux_btf();
    return is_kernel_name(module) || !k ? 1 : (int)btf__type_cnt(k);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int kernel_btf_modules(const char *const **names)
{
    if (nmodule_names < 0) {
        nmodule_names = 0;
        free_modules_at_exit();
        DIR *d = opendir(SYSFS_BTF);
        struct dirent *e;
        while (d && (e = readdir(d)) && nmodule_names < MAX_MODULES)
            if (e->d_name[0] != '.' && strcmp(e->d_name, "vmlinux") != 0)
                module_names[nmodule_names++] = strdup(e->d_name);
        if (d)
            closedir(d);
        qsort(module_names, (size_t)nmodule_names, sizeof(*module_names), compare_strings);
    }
    *names = module_names;
    return nmodule_names;
}

int kernel_btf_select_module(const char *module)
{
    if (is_kernel_name(module)) {
        types_module = NULL;
        return 0;
    }
    const struct module_btf *m = find_module(module);
    if (!m)
        return -ENOENT;
    if (types_module && types_module != m)
        return -EBUSY;
    types_module = m;
    return 0;
}

const char *kernel_btf_selected_module(void)
{
    return types_module ? types_module->name : NULL;
}

const struct btf *kernel_btf(void)
{
    return types_module ? types_module->btf : vmlinux_btf();
}

/* The script's own types, over the kernel's (see btf.h). */
static struct btf *script_types;

struct btf *script_btf_new(void)
{
    btf__free(script_types);
    /* a split BTF: ids below btf__type_cnt(kernel) are the kernel's. With a
     * module's types, they are copied in first, at the ids they have in the
     * module's BTF: libbpf 1.1 cannot split a BTF over a split one (the
     * module's strings would not be found through it). */
    script_types = btf__new_empty_split((struct btf *)vmlinux_btf());
    if (libbpf_get_error(script_types)) {
        script_types = NULL;
        return NULL;
    }
    const struct btf *module = types_module ? types_module->btf : NULL;
    for (uint32_t id = (uint32_t)btf__type_cnt(script_types); module && id < btf__type_cnt(module);
         id++)
        if (btf__add_type(script_types, module, btf__type_by_id(module, id)) < 0) {
            btf__free(script_types);
            script_types = NULL;
            break;
        }
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
