/* Builds event records and map keys the way the compiler lays them out:
 * each field at the next offset aligned to its size (strings unaligned). */
#ifndef SOBT_TEST_RECORD_H
#define SOBT_TEST_RECORD_H

#include <stdint.h>
#include <string.h>

#include "program.h"

#define RECORD_MAX_FIELDS 16

struct record {
    uint8_t data[1024];
    struct value_desc fields[RECORD_MAX_FIELDS];
    struct record_desc desc;
};

static inline void record_init(struct record *r)
{
    memset(r, 0, sizeof(*r));
    r->desc.fields = r->fields;
}

static inline struct value_desc *record_add(struct record *r, enum value_kind kind, uint32_t size,
                                            uint32_t align, bool is_signed)
{
    uint32_t off = (r->desc.size + align - 1) / align * align;
    struct value_desc *v = &r->fields[r->desc.nfields++];
    *v = (struct value_desc){.kind = kind, .size = size, .offset = off, .is_signed = is_signed};
    r->desc.size = off + size;
    return v;
}

static inline void record_int(struct record *r, int64_t value, uint32_t size, bool is_signed)
{
    struct value_desc *v = record_add(r, VK_INT, size, size, is_signed);
    memcpy(r->data + v->offset, &value, size); /* little endian: the low bytes */
}

static inline void record_i64(struct record *r, int64_t value)
{
    record_int(r, value, 8, true);
}

static inline void record_str(struct record *r, const char *s, uint32_t size)
{
    struct value_desc *v = record_add(r, VK_STRING, size, 1, false);
    size_t n = strlen(s);
    memcpy(r->data + v->offset, s, n < size ? n : size);
}

static inline void record_u64_kind(struct record *r, enum value_kind kind, uint64_t value)
{
    struct value_desc *v = record_add(r, kind, 8, 8, false);
    memcpy(r->data + v->offset, &value, 8);
}

/* ntop(): u64 family, then 16 address bytes. */
static inline void record_inet(struct record *r, uint64_t family, const uint8_t *addr, size_t n)
{
    struct value_desc *v = record_add(r, VK_INET, 24, 8, false);
    memcpy(r->data + v->offset, &family, 8);
    memcpy(r->data + v->offset + 8, addr, n);
}

/* The size rounded up to 8, as map keys are. */
static inline uint32_t record_padded_size(const struct record *r)
{
    uint32_t size = (r->desc.size + 7) / 8 * 8;
    return size ? size : 8;
}

#endif
