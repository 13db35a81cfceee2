/* The resolver's core: errors (reported on the final pass only), type
 * names for messages, and how types combine. Every file of sema/ and
 * builtins/ builds on it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sema/sema.h"

void sem_error(struct semantic *sem, struct loc loc, const char *fmt, ...)
{
    if (!sem->final_pass)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag_error(sem->src, loc, "%s", msg);
    sem->errors++;
}

void *sem_xrealloc(void *p, size_t n, size_t size)
{
    void *r = realloc(p, n * size);
    if (!r) {
        perror("sobt");
        exit(1);
    }
    return r;
}

/* Appends t's name to buf (cap bytes, NUL-terminated, cut short if needed). */
static void append_type_name(char *buf, size_t cap, const struct type *t)
{
    size_t used = strlen(buf);
    char *b = buf + used;
    size_t room = cap - used;
    switch (t->kind) {
    case TY_INT:
        snprintf(b, room, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
        return;
    case TY_STRING:
        snprintf(b, room, "string[%u]", t->size);
        return;
    case TY_TUPLE: /* "(int64,string[2])", as bpftrace names tuples */
        snprintf(b, room, "(");
        for (int i = 0; i < t->nfields; i++) {
            if (i)
                strncat(buf, ",", cap - strlen(buf) - 1);
            append_type_name(buf, cap, &t->fields[i]);
        }
        strncat(buf, ")", cap - strlen(buf) - 1);
        return;
    case TY_PTR: /* "int32 *", "struct sock **", as bpftrace names them */
        if (t->elem)
            append_type_name(buf, cap, t->elem);
        else
            strncat(buf, "void", cap - strlen(buf) - 1);
        strncat(buf, t->elem && t->elem->kind == TY_PTR ? "*" : " *", cap - strlen(buf) - 1);
        return;
    case TY_ARRAY: /* "uint8[8]" */
        if (t->elem)
            append_type_name(buf, cap, t->elem);
        snprintf(buf + strlen(buf), cap - strlen(buf), "[%u]", t->count);
        return;
    case TY_RECORD:
        snprintf(b, room, "%s", record_name(t));
        return;
    case TY_VOID:
        snprintf(b, room, "void");
        return;
    default:
        break;
    }
    static const char *const names[] = {
        [TY_PROBE] = "probe", [TY_CTX] = "args",    [TY_COUNT] = "count",   [TY_SUM] = "sum",
        [TY_MIN] = "min",     [TY_MAX] = "max",     [TY_AVG] = "avg",       [TY_STATS] = "stats",
        [TY_HIST] = "hist",   [TY_LHIST] = "lhist", [TY_KSTACK] = "kstack", [TY_USTACK] = "ustack",
        [TY_KSYM] = "ksym",   [TY_USYM] = "usym",   [TY_INET] = "inet",
        [TY_BUFFER] = "buffer", [TY_MACADDR] = "macaddr", [TY_CGROUP_PATH] = "cgroup_path",
        [TY_STRERROR] = "strerror",  [TY_USERNAME] = "username", [TY_TIMESTAMP] = "timestamp",
        [TY_SYSCALL_NAME] = "syscall_name", [TY_TSERIES] = "tseries",
    };
    const char *name = (size_t)t->kind < sizeof(names) / sizeof(names[0]) ? names[t->kind] : NULL;
    snprintf(b, room, "%s", name ? name : "unknown");
}

const char *type_name_of(const struct type *t)
{
    static char buf[8][256];
    static int slot;
    char *b = buf[slot++ % 8];
    b[0] = '\0';
    append_type_name(b, sizeof(buf[0]), t);
    return b;
}

/* Types as stored in maps: integers widen to 64 bits, keeping their
 * signedness (and a bool stays one), as bpftrace does. (Variables keep
 * their width: vars.c.) */
struct type sem_storage_type(const struct type *t)
{
    if (t->kind == TY_INT) {
        struct type wide = type_int(8, t->is_signed);
        wide.is_bool = t->is_bool;
        return wide;
    }
    return *t;
}

/* Do two records or arrays have the same layout? */
static bool same_shape(const struct type *a, const struct type *b)
{
    if (a->kind == TY_RECORD)
        return a->btf_id == b->btf_id && a->size == b->size;
    if (a->kind == TY_ARRAY)
        return a->count == b->count && a->elem && b->elem && a->elem->kind == b->elem->kind &&
               a->elem->size == b->elem->size;
    return true;
}

/* exact_ints: integers must be of the same type (inside a value's tuple) */
static bool unify(struct type_arena *a, struct type *to, const struct type *from, bool values,
                  bool exact_ints, bool *grew)
{
    if (to->kind != from->kind)
        return false;
    switch (to->kind) {
    case TY_STRING:
        if (from->size > to->size) {
            to->size = from->size;
            *grew = true;
        }
        return true;
    case TY_INT:
        /* a signed value stored in an unsigned slot (or the reverse) keeps
         * the first signedness, as bpftrace does; a tuple's elements keep
         * their exact integer types */
        return !exact_ints || (to->size == from->size && to->is_signed == from->is_signed);
    case TY_TUPLE: {
        if (to->nfields != from->nfields)
            return false;
        bool grown = false;
        for (int i = 0; i < to->nfields; i++)
            if (!unify(a, &to->fields[i], &from->fields[i], values, values, &grown))
                return false;
        if (grown) {
            type_layout_tuple(a, to);
            *grew = true;
        }
        return true;
    }
    case TY_RECORD:
    case TY_ARRAY:
        return same_shape(to, from);
    default:
        return true;
    }
}

bool sem_unify(struct semantic *sem, struct type *to, const struct type *from, bool *grew)
{
    return unify(&sem->types, to, from, true, false, grew);
}

bool sem_unify_key(struct semantic *sem, struct type *to, const struct type *from, bool *grew)
{
    return unify(&sem->types, to, from, false, false, grew);
}

/* A compile-time integer: a literal, possibly negated. */
bool sem_literal_int(const struct node *n, int64_t *out)
{
    if (n->kind == N_INT) {
        *out = n->ival;
        return true;
    }
    if (n->kind == N_UNARY && n->op == '-' && n->lhs->kind == N_INT) {
        *out = -n->lhs->ival;
        return true;
    }
    return false;
}

/* An integer expression of literals, folded: `1 - 1` in `$t[1 - 1]`. */
bool sem_const_int(const struct node *n, int64_t *out)
{
    int64_t l, r;
    switch (n->kind) {
    case N_INT:
        *out = n->ival;
        return true;
    case N_UNARY:
        if ((n->op != '-' && n->op != '~') || !sem_const_int(n->lhs, &l))
            return false;
        *out = n->op == '-' ? (int64_t)(0 - (uint64_t)l) : ~l;
        return true;
    case N_BINARY:
        if (!sem_const_int(n->lhs, &l) || !sem_const_int(n->rhs, &r))
            return false;
        switch (n->op) {
        case '+':
            *out = (int64_t)((uint64_t)l + (uint64_t)r);
            return true;
        case '-':
            *out = (int64_t)((uint64_t)l - (uint64_t)r);
            return true;
        case '*':
            *out = (int64_t)((uint64_t)l * (uint64_t)r);
            return true;
        case '/':
        case '%':
            if (r == -1 && l == INT64_MIN)
                return false;
            *out = n->op == '/' ? (r ? l / r : 0) : (r ? l % r : l);
            return true;
        default:
            return false;
        }
    default:
        return false;
    }
}

int sem_value_string(struct semantic *sem, const char *text)
{
    for (int i = 0; i < sem->nvalue_strings; i++)
        if (strcmp(sem->value_strings[i], text) == 0)
            return i;
    sem->value_strings =
        sem_xrealloc(sem->value_strings, (size_t)sem->nvalue_strings + 1, sizeof(char *));
    sem->value_strings[sem->nvalue_strings] = strdup(text);
    if (!sem->value_strings[sem->nvalue_strings]) {
        fprintf(stderr, "ERROR: out of memory\n");
        exit(1);
    }
    return sem->nvalue_strings++;
}
