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

const char *type_name_of(const struct type *t)
{
    static char buf[8][48];
    static int slot;
    char *b = buf[slot++ % 8];
    switch (t->kind) {
    case TY_INT:
        snprintf(b, 48, "%sint%u", t->is_signed ? "" : "u", t->size * 8);
        return b;
    case TY_STRING:
        snprintf(b, 48, "string[%u]", t->size);
        return b;
    case TY_PROBE: return "probe";
    case TY_TUPLE: return "tuple";
    case TY_PTR: /* "int32 *", "struct sock **", as bpftrace names them */
        snprintf(b, 48, "%s%s*", t->elem ? type_name_of(t->elem) : "void",
                 t->elem && t->elem->kind == TY_PTR ? "" : " ");
        return b;
    case TY_ARRAY: return "array";
    case TY_RECORD: return record_name(t);
    case TY_CTX: return "args";
    case TY_COUNT: return "count";
    case TY_SUM: return "sum";
    case TY_MIN: return "min";
    case TY_MAX: return "max";
    case TY_AVG: return "avg";
    case TY_STATS: return "stats";
    case TY_HIST: return "hist";
    case TY_LHIST: return "lhist";
    case TY_VOID: return "void";
    case TY_KSTACK: return "kstack";
    case TY_USTACK: return "ustack";
    case TY_KSYM: return "ksym";
    case TY_USYM: return "usym";
    case TY_INET: return "inet";
    case TY_BUFFER: return "buffer";
    case TY_MACADDR: return "macaddr";
    case TY_CGROUP_PATH: return "cgroup_path";
    case TY_STRERROR: return "strerror";
    case TY_USERNAME: return "username";
    case TY_TIMESTAMP: return "timestamp";
    default: return "unknown";
    }
}

/* Types as stored in maps: integers widen to 64 bits, keeping their
 * signedness, as bpftrace does. (Variables keep their width: vars.c.) */
struct type sem_storage_type(const struct type *t)
{
    if (t->kind == TY_INT)
        return type_int(8, t->is_signed);
    return *t;
}

/* Can a value of type `from` be stored where `to` was established? Strings
 * of different lengths unify to the longer one. Returns false on mismatch. */
bool sem_unify(struct type *to, const struct type *from, bool *grew)
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
         * the first signedness; bpftrace does the same */
        return true;
    case TY_TUPLE:
        if (to->nfields != from->nfields)
            return false;
        for (int i = 0; i < to->nfields; i++)
            if (!sem_unify(&to->fields[i], &from->fields[i], grew))
                return false;
        if (*grew)
            type_layout_tuple(to);
        return true;
    default:
        return true;
    }
}

void sem_free_type(struct type *t)
{
    if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->nfields; i++)
            sem_free_type(&t->fields[i]);
        free(t->fields);
        free(t->offsets);
        t->fields = NULL;
        t->offsets = NULL;
    }
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
