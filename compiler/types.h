/* Types of expressions as the resolver sees them. Integers are bpftrace's:
 * every arithmetic result is 64 bits; narrower sizes only come from
 * tracepoint fields, casts and kernel types, and are widened on load. */
#ifndef SOBT_TYPES_H
#define SOBT_TYPES_H

#include <stdbool.h>
#include <stdint.h>

enum type_kind {
    TY_NONE = 0, /* not yet resolved, or statement with no value */
    TY_VOID,     /* call with no result (printf, exit, ...) */
    TY_INT,      /* size 1, 2, 4 or 8; is_signed */
    TY_STRING,   /* NUL-padded char array of size bytes */
    TY_PROBE,    /* u64 index into the program's probe names */
    TY_TUPLE,    /* fields/nfields at offsets (sema/layout.c); the arrays live in the
                    resolver's type arena */
    TY_PTR,      /* elem points to the pointee type; is_user for user memory */
    TY_ARRAY,    /* elem, count */
    TY_RECORD,   /* struct or union from BTF: btf_id, size */
    TY_CTX,      /* the tracepoint `args` pointer */
    TY_KSTACK,
    TY_USTACK,
    TY_KSYM,
    TY_USYM,
    TY_INET,     /* result of ntop(): family + 16 address bytes */
    TY_BUFFER,   /* buf(): a length byte, then size - 1 data bytes (printed by %r) */
    TY_MACADDR,  /* macaddr(): 6 address bytes */
    TY_CGROUP_PATH, /* cgroup_path(): u64 cgroup id, u64 filter (program value_strings) */
    TY_STRERROR, /* strerror(): the error number, its text found in userspace */
    TY_USERNAME, /* username: the uid, its name found in userspace */
    TY_SYSCALL_NAME, /* syscall_name(): the syscall number, its name found in userspace */
    TY_TIMESTAMP, /* strftime(): u64 ns since boot, u64 format (program value_strings) */
    /* aggregations: only ever the value type of a map */
    TY_COUNT,
    TY_SUM,
    TY_MIN,
    TY_MAX,
    TY_AVG,
    TY_STATS,
    TY_HIST,
    TY_LHIST,
    TY_TSERIES,
};

struct type {
    enum type_kind kind;
    uint32_t size;   /* bytes as stored in a map key/value or event */
    bool is_signed;  /* TY_INT, and the integer of sum/min/max/avg/stats */
    bool is_user;    /* TY_PTR, TY_RECORD, TY_ARRAY: lives in user memory; TY_INT: an
                        address that came from user memory */
    bool is_char;    /* TY_INT: C `char`, so that char[N] reads as a string */
    bool is_bool;    /* TY_INT of size 1: a bool of current bpftrace's built-ins (is_str(),
                        has_cpid, globmatch(), ...), printed true/false; arithmetic on it
                        gives a plain integer */
    /* TY_RECORD, TY_ARRAY: the bytes themselves, copied onto the BPF stack (a
     * variable, a map value, a tuple element, an array cast), rather than
     * their address in kernel or user memory */
    bool on_stack;
    int btf_id;      /* TY_RECORD, or pointee of TY_PTR when it is a kernel type */
    uint32_t count;  /* TY_ARRAY element count, TY_KSTACK/TY_USTACK frame limit */
    uint8_t stack_mode; /* TY_KSTACK/TY_USTACK: enum stack_mode (program.h) */
    const struct type *elem;   /* TY_PTR pointee, TY_ARRAY element */
    struct type *fields;       /* TY_TUPLE elements */
    uint32_t *offsets;         /* TY_TUPLE element offsets */
    int nfields;
};

static inline bool type_is_aggregation(const struct type *t)
{
    return t->kind >= TY_COUNT;
}

/* Values code generation handles as a pointer to bytes on the stack rather
 * than as one 64-bit register. */
static inline bool type_is_buffer(const struct type *t)
{
    if (t->kind == TY_RECORD || t->kind == TY_ARRAY)
        return t->on_stack;
    return t->kind == TY_STRING || t->kind == TY_TUPLE || t->kind == TY_USTACK ||
           t->kind == TY_USYM || t->kind == TY_INET || t->kind == TY_BUFFER ||
           t->kind == TY_MACADDR || t->kind == TY_CGROUP_PATH || t->kind == TY_TIMESTAMP;
}

/* Values made of other values: tuples, structs and arrays. */
static inline bool type_is_composite(const struct type *t)
{
    return t->kind == TY_TUPLE || t->kind == TY_RECORD || t->kind == TY_ARRAY;
}

/* Values the runtime can print (and so store in a map key or an event). */
static inline bool type_is_printable(const struct type *t)
{
    switch (t->kind) {
    case TY_PTR:
    case TY_INT:
    case TY_STRING:
    case TY_PROBE:
    case TY_KSTACK:
    case TY_USTACK:
    case TY_KSYM:
    case TY_USYM:
    case TY_INET:
    case TY_TUPLE:
    case TY_RECORD:
    case TY_ARRAY:
    case TY_BUFFER:
    case TY_MACADDR:
    case TY_CGROUP_PATH:
    case TY_STRERROR:
    case TY_USERNAME:
    case TY_SYSCALL_NAME:
    case TY_TIMESTAMP:
        return true;
    default:
        return false;
    }
}

/* Bytes a value of this type takes in a map value or variable. */
static inline uint32_t type_storage_size(const struct type *t)
{
    return type_is_buffer(t) ? (t->size + 7) / 8 * 8 : 8;
}

/* Bytes one step of arithmetic on pointer type t moves: the pointee's size
 * (1 for void, as GNU C counts it). */
static inline uint32_t type_pointer_step(const struct type *t)
{
    return t->elem && t->elem->size ? t->elem->size : 1;
}

static inline struct type type_int(uint32_t size, bool is_signed)
{
    struct type t = {.kind = TY_INT, .size = size, .is_signed = is_signed};
    return t;
}

static inline struct type type_bool(void)
{
    struct type t = {.kind = TY_INT, .size = 1, .is_bool = true};
    return t;
}

#endif
