/* Tracepoint fields (`args.name`): their types from the format files of
 * every tracepoint the probe attaches to, which must agree. */
#include <stdlib.h>
#include <string.h>

#include "sema/sema.h"

static int load_formats(struct semantic *sem, struct probe_unit *u, struct loc loc)
{
    if (u->formats)
        return 0;
    u->formats = calloc(u->nmatches ? u->nmatches : 1, sizeof(*u->formats));
    int k = 0;
    for (int a = 0; a < u->naps; a++)
        for (int m = 0; m < u->aps[a].nmatches; m++, k++) {
            char *target = strdup(u->aps[a].matches[m].target);
            char *colon = strchr(target, ':');
            int rc = colon ? (*colon = 0, tp_format_load(target, colon + 1, &u->formats[k])) : -1;
            free(target);
            if (rc < 0) {
                sem_error(sem, loc, "cannot read the format of tracepoint %s",
                          u->aps[a].matches[m].full_name);
                return -1;
            }
        }
    return 0;
}

/* Can one program read the field of both tracepoints as the same type?
 * Integers of one size are (`int fd` and `unsigned int fd`: the first
 * tracepoint's signedness wins, as in bpftrace), and so are any two pointers. */
static bool same_layout(const struct tp_field *a, const struct tp_field *b)
{
    if (a->size != b->size || a->is_data_loc != b->is_data_loc || a->array_len != b->array_len ||
        a->is_pointer != b->is_pointer)
        return false;
    return a->array_len == 0 || strcmp(a->c_type, b->c_type) == 0;
}

static bool is_char_decl(const char *c_type)
{
    return strncmp(c_type, "char", 4) == 0 || strncmp(c_type, "const char", 10) == 0 ||
           strncmp(c_type, "__data_loc char", 15) == 0 ||
           strncmp(c_type, "unsigned char", 13) == 0 || strncmp(c_type, "signed char", 11) == 0;
}

void sem_type_tracepoint_field(struct semantic *sem, struct node *n)
{
    struct probe_unit *u = sem->cur;
    n->type.kind = TY_NONE;
    if (load_formats(sem, u, n->loc) < 0)
        return;
    const struct tp_field *first = NULL;
    for (int i = 0; i < u->nmatches; i++) {
        const struct tp_field *f = tp_format_field(&u->formats[i], n->name);
        if (!f) {
            sem_error(sem, n->loc,
                      "Struct/union of type 'struct %s_%s' does not contain a field named '%s'",
                      u->formats[i].category, u->formats[i].name, n->name);
            return;
        }
        if (first && !same_layout(f, first)) {
            sem_error(sem, n->loc,
                      "field '%s' has a different type in %s:%s than in %s:%s; attach these "
                      "tracepoints in separate probes",
                      n->name, u->formats[i].category, u->formats[i].name, u->formats[0].category,
                      u->formats[0].name);
            return;
        }
        if (first && f->offset != first->offset)
            u->needs_split = true;
        if (!first)
            first = f;
    }
    if (!first)
        return;
    /* pointers in syscall arguments point into the calling process */
    bool user = strcmp(u->formats[0].category, "syscalls") == 0;
    bool chars = is_char_decl(first->c_type);
    if (first->is_data_loc) {
        if (!chars) {
            sem_error(sem, n->loc, "tracepoint field '%s' (%s) cannot be read as a value", n->name,
                      first->c_type);
            return;
        }
        n->field_flavor = FIELD_TP_DATA_LOC;
        n->type = (struct type){.kind = TY_STRING, .size = sem->strlen};
        return;
    }
    if (first->array_len > 0 && !first->is_pointer) {
        if (chars) {
            n->field_flavor = FIELD_TP_CHARS;
            n->type = (struct type){.kind = TY_STRING, .size = first->size};
            return;
        }
        struct type t;
        if (type_from_c_decl(&sem->types, first->c_type, false, &t) < 0 || t.kind != TY_ARRAY) {
            /* element type unknown to BTF: an array of bytes of the right size */
            struct type byte = type_int(1, false);
            t = (struct type){.kind = TY_ARRAY, .count = first->size, .size = first->size};
            t.elem = type_arena_new(&sem->types, byte);
        }
        n->field_flavor = FIELD_TP_ARRAY;
        n->type = t; /* the array lives in the record, which is kernel memory */
        return;
    }
    n->field_flavor = FIELD_TP_SCALAR;
    if (first->is_pointer) {
        if (type_from_c_decl(&sem->types, first->c_type, user, &n->type) < 0 ||
            n->type.kind != TY_PTR)
            type_from_name(&sem->types, "void", 1, user, &n->type);
        return;
    }
    if (first->size > 8 || (first->size & (first->size - 1))) {
        sem_error(sem, n->loc, "tracepoint field '%s' (%s) cannot be read as a value", n->name,
                  first->c_type);
        return;
    }
    n->type = type_int(first->size, first->is_signed);
}
