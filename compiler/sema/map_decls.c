/* Map declarations before the probes, as current bpftrace has them:
 *   let @name = hash(N);   (lruhash, percpuhash, percpulruhash)
 * N is the map's size; the kind must suit what the map holds: plain values
 * in hash or lruhash, aggregations in the per-CPU kinds. */
#include <linux/bpf.h>
#include <string.h>

#include "diag.h"
#include "sema/walk.h"

static const struct {
    const char *name;
    uint32_t bpf_type;
} kinds[] = {
    {"hash", BPF_MAP_TYPE_HASH},
    {"lruhash", BPF_MAP_TYPE_LRU_HASH},
    {"percpuhash", BPF_MAP_TYPE_PERCPU_HASH},
    {"percpulruhash", BPF_MAP_TYPE_LRU_PERCPU_HASH},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static const char *kind_name(uint32_t bpf_type)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (kinds[i].bpf_type == bpf_type)
            return kinds[i].name;
    return "?";
}

static void declare(struct semantic *sem, struct node *d)
{
    size_t k = 0;
    while (k < NKINDS && strcmp(kinds[k].name, d->str) != 0)
        k++;
    if (k == NKINDS) {
        sem_error(sem, d->loc,
                  "Invalid bpf map type: %s (known: hash, lruhash, percpuhash, percpulruhash)",
                  d->str);
        return;
    }
    if (d->lhs->kind != N_INT || d->lhs->ival < 1 || d->lhs->ival > UINT32_MAX) {
        sem_error(sem, d->lhs->loc, "The number of entries of %s must be a positive integer",
                  d->name);
        return;
    }
    if (sem->settings.unstable_map_decl == UNSTABLE_ERROR) {
        sem_error(sem, d->loc,
                  "Map declarations are an unstable feature that the config block turned off "
                  "(unstable_map_decl = error)");
        return;
    }
    struct map_info *m = semantic_map(sem, d->name);
    if (m) {
        sem_error(sem, d->loc, "Map %s is already declared", d->name);
        return;
    }
    m = sem_map_of(sem, d);
    m->declared = true;
    m->bpf_type = kinds[k].bpf_type;
    m->max_entries = (uint32_t)d->lhs->ival;
}

void sem_declare_maps(struct semantic *sem)
{
    struct node *prog = sem->ast->root;
    for (int i = 0; i < prog->nargs; i++)
        if (prog->args[i]->kind == N_MAP_DECL)
            declare(sem, prog->args[i]);
}

/* The kind a map holding this value has without a declaration. */
static uint32_t kind_for_value(const struct map_info *m)
{
    return type_is_aggregation(&m->value) ? BPF_MAP_TYPE_PERCPU_HASH : BPF_MAP_TYPE_HASH;
}

static bool compatible(uint32_t declared, uint32_t wanted)
{
    if (wanted == BPF_MAP_TYPE_HASH)
        return declared == BPF_MAP_TYPE_HASH || declared == BPF_MAP_TYPE_LRU_HASH;
    return declared == BPF_MAP_TYPE_PERCPU_HASH || declared == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

void sem_check_declared_map(struct semantic *sem, struct map_info *m)
{
    if (!m->value_known) {
        /* an empty map of integers, as the program never touches it */
        diag_warning(sem->src, m->first_loc, "Unused map: %s", m->name);
        m->value = type_int(8, true);
        m->value_known = m->key_known = true;
        return;
    }
    uint32_t wanted = kind_for_value(m);
    if (!compatible(m->bpf_type, wanted)) {
        diag_error(sem->src, m->first_loc,
                   "Incompatible map types. Type from declaration: %s. Type from value/key "
                   "type: %s",
                   kind_name(m->bpf_type), kind_name(wanted));
        sem->errors++;
    }
}
