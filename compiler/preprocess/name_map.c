/* A string-keyed hash map (see macros.h): open addressing, FNV-1a. */
#include <stdlib.h>
#include <string.h>

#include "preprocess/macros.h"

static uint64_t hash_name(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static bool key_equals(const char *key, const char *s, size_t len)
{
    return strncmp(key, s, len) == 0 && key[len] == '\0';
}

void *name_map_get(const struct name_map *m, const char *key, size_t keylen)
{
    if (!m->cap)
        return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = hash_name(key, keylen) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i])
            return NULL;
        if (key_equals(m->keys[i], key, keylen))
            return m->values[i];
    }
}

static void name_map_grow(struct name_map *m)
{
    size_t old_cap = m->cap;
    const char **old_keys = m->keys;
    void **old_values = m->values;
    m->cap = old_cap ? old_cap * 2 : 64;
    m->keys = calloc(m->cap, sizeof(*m->keys));
    m->values = calloc(m->cap, sizeof(*m->values));
    m->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old_keys[i])
            name_map_put(m, old_keys[i], old_values[i]);
    free(old_keys);
    free(old_values);
}

void name_map_put(struct name_map *m, const char *key, void *value)
{
    if ((m->count + 1) * 2 > m->cap)
        name_map_grow(m);
    size_t len = strlen(key), mask = m->cap - 1;
    for (size_t i = hash_name(key, len) & mask;; i = (i + 1) & mask) {
        if (!m->keys[i]) {
            m->keys[i] = key;
            m->values[i] = value;
            m->count++;
            return;
        }
        if (strcmp(m->keys[i], key) == 0) {
            m->values[i] = value;
            return;
        }
    }
}

void name_map_free(struct name_map *m)
{
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof(*m));
}
