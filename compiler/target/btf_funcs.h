/* Kernel functions and raw tracepoints as BTF describes them: their
 * parameters (name and type) and return type, for fentry/fexit and
 * rawtracepoint probes, and the lists -l prints. */
#ifndef SOBT_BTF_FUNCS_H
#define SOBT_BTF_FUNCS_H

#include <stdbool.h>
#include <stdint.h>

#define BTF_FUNC_MAX_PARAMS 12

struct btf_func_params {
    int nparams;
    struct {
        const char *name; /* BTF's string ("" when unnamed), valid while BTF is loaded */
        int type_id;
    } params[BTF_FUNC_MAX_PARAMS];
    int ret_type_id;  /* 0: void */
    uint32_t func_id; /* fentry: the BTF_KIND_FUNC's id (the program's attach_btf_id) */
};

/* `module` is a kernel module whose BTF holds the function or event (type
 * ids are then in module_btf(module)); NULL or "vmlinux" is the kernel's. */

/* A kernel function's parameters (BTF_KIND_FUNC `name`). Returns 0; -ENOENT
 * when BTF (or the module) has no such function, -ENODATA when the kernel
 * has no BTF, -E2BIG when it has more parameters than a probe can read. */
int btf_function_params(const char *module, const char *name, struct btf_func_params *out);

/* A raw tracepoint's arguments: the parameters of the prototype
 * `btf_trace_<event>` points to, after its first (`void *`). Same returns. */
int btf_raw_tracepoint_params(const char *module, const char *event, struct btf_func_params *out);

/* Every function (sorted, unique) or raw tracepoint event the module's own
 * BTF names; the array and strings live as long as BTF. Returns the count,
 * or a negative errno. */
int btf_function_names(const char *module, const char *const **out);
int btf_raw_tracepoint_names(const char *module, const char *const **out);

/* "struct sock *": a type of the module's BTF as C spells it, into buf
 * (-lv prints parameters as "TYPE NAME"). */
void btf_type_decl(const char *module, int type_id, char *buf, int size);

#endif
