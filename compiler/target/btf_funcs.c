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

/* `name` of `kind` among the module's own types (a module's split BTF also
 * finds the kernel's); 0 when absent. */
static int find_own(const char *module, const struct btf *btf, const char *name, int kind)
{
    int id = btf__find_by_name_kind(btf, name, kind);
    return id >= module_btf_first_id(module) ? id : 0;
}

/* The module's BTF, or why there is none: -ENODATA without the kernel's,
 * -ENOENT without the module's. */
static int btf_of(const char *module, const struct btf **out)
{
    *out = module_btf(module);
    if (*out)
        return 0;
    return module_btf(NULL) ? -ENOENT : -ENODATA;
}

int btf_function_params(const char *module, const char *name, struct btf_func_params *out)
{
    const struct btf *btf;
    memset(out, 0, sizeof(*out));
    int rc = btf_of(module, &btf);
    if (rc < 0)
        return rc;
    int id = find_own(module, btf, name, BTF_KIND_FUNC);
    if (id <= 0)
        return -ENOENT;
    out->func_id = (uint32_t)id;
    const struct btf_type *func = btf__type_by_id(btf, (uint32_t)id);
    return fill_params(btf, btf__type_by_id(btf, func->type), 0, out);
}

static bool same_types(const struct btf_func_params *a, const struct btf_func_params *b)
{
    if (a->nparams != b->nparams)
        return false;
    for (int i = 0; i < a->nparams; i++)
        if (a->params[i].type_id != b->params[i].type_id)
            return false;
    return true;
}

static void name_params(struct btf_func_params *out, const struct btf_func_params *named)
{
    for (int i = 0; i < out->nparams; i++)
        out->params[i].name = named->params[i].name;
}

static int list_names(const char *module, int kind, const char *prefix, const char *const **out);

/* The names of the one class probe function (__bpf_trace_CLASS) whose
 * parameters have out's types; none when several disagree. */
static void name_from_class(const char *module, const struct btf *btf, struct btf_func_params *out)
{
    const char *const *classes;
    int count = list_names(module, BTF_KIND_FUNC, "__bpf_trace_", &classes);
    struct btf_func_params named, found = {.nparams = -1};
    char name[256];
    for (int i = 0; i < count; i++) {
        snprintf(name, sizeof(name), "__bpf_trace_%s", classes[i]);
        int id = find_own(module, btf, name, BTF_KIND_FUNC);
        if (id <= 0 ||
            fill_params(btf, btf__type_by_id(btf, btf__type_by_id(btf, (uint32_t)id)->type), 1,
                        &named) != 0 ||
            !same_types(&named, out))
            continue;
        if (found.nparams >= 0)
            for (int p = 0; p < named.nparams; p++)
                if (strcmp(named.params[p].name, found.params[p].name) != 0)
                    return;
        found = named;
    }
    if (found.nparams >= 0)
        name_params(out, &found);
}

int btf_raw_tracepoint_params(const char *module, const char *event, struct btf_func_params *out)
{
    const struct btf *btf;
    memset(out, 0, sizeof(*out));
    int rc = btf_of(module, &btf);
    if (rc < 0)
        return rc;
    char name[256];
    snprintf(name, sizeof(name), RAW_TP_PREFIX "%s", event);
    int id = find_own(module, btf, name, BTF_KIND_TYPEDEF);
    if (id <= 0)
        return -ENOENT;
    const struct btf_type *t = btf__type_by_id(btf, btf__type_by_id(btf, (uint32_t)id)->type);
    if (!t || !btf_is_ptr(t))
        return -ENOENT;
    rc = fill_params(btf, btf__type_by_id(btf, t->type), 1, out);
    out->ret_type_id = 0;
    if (rc < 0)
        return rc;
    /* The prototype's parameters have no names; the event's own probe
     * function __bpf_trace_EVENT has the same parameters named, or, for an
     * event of a class (DEFINE_EVENT), the class's __bpf_trace_CLASS: the one
     * probe function of the same parameter types. */
    snprintf(name, sizeof(name), "__bpf_trace_%s", event);
    id = find_own(module, btf, name, BTF_KIND_FUNC);
    struct btf_func_params named;
    if (id > 0 &&
        fill_params(btf, btf__type_by_id(btf, btf__type_by_id(btf, (uint32_t)id)->type), 1,
                    &named) == 0 &&
        same_types(&named, out))
        name_params(out, &named);
    else
        name_from_class(module, btf, out);
    return 0;
}

struct name_list {
    char *module; /* NULL: the kernel's */
    int kind;
    const char **names;
    int count;
    int error;
};

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every list made, kept for the process (a module's names live in its BTF). */
#define MAX_LISTS 256
static struct name_list lists[MAX_LISTS];
static int nlists;

static void free_lists(void)
{
    for (int i = 0; i < nlists; i++) {
        free(lists[i].module);
        free(lists[i].names);
    }
    nlists = 0;
}

static struct name_list *list_of(const char *module, int kind)
{
    if (module && strcmp(module, "vmlinux") == 0)
        module = NULL;
    for (int i = 0; i < nlists; i++)
        if (lists[i].kind == kind &&
            (module ? lists[i].module && strcmp(lists[i].module, module) == 0 : !lists[i].module))
            return &lists[i];
    if (nlists == MAX_LISTS)
        return NULL;
    if (nlists == 0)
        atexit(free_lists);
    struct name_list *l = &lists[nlists++];
    *l = (struct name_list){.module = module ? strdup(module) : NULL, .kind = kind, .error = 1};
    return l;
}

/* Names of every type of `kind` of the module's own whose name starts with
 * prefix, the prefix cut off, sorted and unique. */
static int list_names(const char *module, int kind, const char *prefix, const char *const **out)
{
    struct name_list *l = list_of(module, kind);
    if (!l)
        return -ENOMEM;
    if (l->error == 1) {
        const struct btf *btf;
        l->error = btf_of(module, &btf);
        if (!l->error) {
            size_t plen = strlen(prefix);
            uint32_t n = btf__type_cnt(btf);
            l->names = calloc(n, sizeof(*l->names));
            if (!l->names)
                l->error = -ENOMEM;
            for (uint32_t id = (uint32_t)module_btf_first_id(module); l->names && id < n; id++) {
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

int btf_function_names(const char *module, const char *const **out)
{
    return list_names(module, BTF_KIND_FUNC, "", out);
}

int btf_raw_tracepoint_names(const char *module, const char *const **out)
{
    return list_names(module, BTF_KIND_TYPEDEF, RAW_TP_PREFIX, out);
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

void btf_type_decl(const char *module, int type_id, char *buf, int size)
{
    const struct btf *btf = module_btf(module);
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
