/* Kernel functions and raw tracepoints from the kernel's BTF: a function is
 * a BTF_KIND_FUNC whose type is its prototype; a raw tracepoint `EVENT` is
 * the typedef `btf_trace_EVENT`, a pointer to the prototype of its probe
 * functions, whose first parameter is the tracepoint's private `void *`. */
#include "target/btf_funcs.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target/btf.h"

#define RAW_TP_PREFIX "btf_trace_"

static int fill_params(const struct btf *btf, const struct btf_type *proto, int skip,
                       struct btf_func_params *out)
{
    if (!proto || !btf_is_func_proto(proto))
        return -ENOENT;
    int n = btf_vlen(proto) - skip;
    const struct btf_param *p = btf_params(proto);
    /* a variadic prototype ends with an unnamed void parameter */
    if (n > 0 && p[skip + n - 1].type == 0)
        n--;
    if (n < 0)
        return -ENOENT;
    if (n > BTF_FUNC_MAX_PARAMS)
        return -E2BIG;
    out->nparams = n;
    for (int i = 0; i < n; i++) {
        out->params[i].name = btf__name_by_offset(btf, p[skip + i].name_off);
        out->params[i].type_id = (int)p[skip + i].type;
    }
    out->ret_type_id = (int)proto->type;
    return 0;
}

int btf_function_params(const char *name, struct btf_func_params *out)
{
    const struct btf *btf = kernel_btf();
    memset(out, 0, sizeof(*out));
    if (!btf)
        return -ENODATA;
    int id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
    if (id <= 0)
        return -ENOENT;
    out->func_id = (uint32_t)id;
    const struct btf_type *func = btf__type_by_id(btf, (uint32_t)id);
    return fill_params(btf, btf__type_by_id(btf, func->type), 0, out);
}

int btf_raw_tracepoint_params(const char *event, struct btf_func_params *out)
{
    const struct btf *btf = kernel_btf();
    memset(out, 0, sizeof(*out));
    if (!btf)
        return -ENODATA;
    char name[256];
    snprintf(name, sizeof(name), RAW_TP_PREFIX "%s", event);
    int id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
    if (id <= 0)
        return -ENOENT;
    const struct btf_type *t = btf__type_by_id(btf, btf__type_by_id(btf, (uint32_t)id)->type);
    if (!t || !btf_is_ptr(t))
        return -ENOENT;
    int rc = fill_params(btf, btf__type_by_id(btf, t->type), 1, out);
    out->ret_type_id = 0;
    if (rc < 0)
        return rc;
    /* The prototype's parameters have no names; the event's own probe
     * function __bpf_trace_EVENT, where the event is not one of a class's
     * many, has the same parameters named. */
    snprintf(name, sizeof(name), "__bpf_trace_%s", event);
    id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
    struct btf_func_params named;
    if (id > 0 &&
        fill_params(btf, btf__type_by_id(btf, btf__type_by_id(btf, (uint32_t)id)->type), 1,
                    &named) == 0 &&
        named.nparams == out->nparams)
        for (int i = 0; i < out->nparams; i++)
            out->params[i].name = named.params[i].name;
    return 0;
}

struct name_list {
    const char **names;
    int count;
    int error; /* 0 until listed */
    bool listed;
};

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names of every type of `kind` whose name starts with prefix, the prefix
 * cut off, sorted and unique. */
static int list_names(struct name_list *l, int kind, const char *prefix, const char *const **out)
{
    if (!l->listed) {
        l->listed = true;
        const struct btf *btf = kernel_btf();
        if (!btf) {
            l->error = -ENODATA;
        } else {
            size_t plen = strlen(prefix);
            uint32_t n = btf__type_cnt(btf);
            l->names = calloc(n, sizeof(*l->names));
            if (!l->names)
                l->error = -ENOMEM;
            for (uint32_t id = 1; l->names && id < n; id++) {
                const struct btf_type *t = btf__type_by_id(btf, id);
                const char *name = btf__name_by_offset(btf, t->name_off);
                if (btf_kind(t) == kind && name && strncmp(name, prefix, plen) == 0 && name[plen])
                    l->names[l->count++] = name + plen;
            }
            if (l->names)
                qsort(l->names, (size_t)l->count, sizeof(*l->names), compare_names);
            int unique = 0;
            for (int i = 0; i < l->count; i++)
                if (unique == 0 || strcmp(l->names[i], l->names[unique - 1]) != 0)
                    l->names[unique++] = l->names[i];
            l->count = unique;
        }
    }
    *out = l->names;
    return l->error ? l->error : l->count;
}

int btf_function_names(const char *const **out)
{
    static struct name_list functions;
    return list_names(&functions, BTF_KIND_FUNC, "", out);
}

int btf_raw_tracepoint_names(const char *const **out)
{
    static struct name_list events;
    return list_names(&events, BTF_KIND_TYPEDEF, RAW_TP_PREFIX, out);
}

struct decl_buf {
    char *buf;
    int size, len;
};

static void append_decl(void *ctx, const char *fmt, va_list args)
{
    struct decl_buf *d = ctx;
    if (d->len < d->size)
        d->len += vsnprintf(d->buf + d->len, (size_t)(d->size - d->len), fmt, args);
}

void btf_type_decl(int type_id, char *buf, int size)
{
    const struct btf *btf = kernel_btf();
    struct decl_buf d = {buf, size, 0};
    buf[0] = '\0';
    struct btf_dump *dump = btf ? btf_dump__new(btf, append_decl, &d, NULL) : NULL;
    if (!dump || libbpf_get_error(dump)) {
        snprintf(buf, (size_t)size, "?");
        return;
    }
    LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts, .field_name = "");
    btf_dump__emit_type_decl(dump, (uint32_t)type_id, &opts);
    btf_dump__free(dump);
}
