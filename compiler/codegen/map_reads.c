/* Map reads reused within a probe (see map_reads.h). */
#include <string.h>

#include "codegen/map_reads.h"

#define MAX_READS ((int)(sizeof(((struct codegen *)0)->reads) / sizeof(struct map_read)))

/* A key part whose value cannot change while the probe runs: a literal, or
 * one of the task's identities (the program runs on one CPU, for one task,
 * to the end). */
static bool is_invariant(const struct node *n)
{
    static const char *const names[] = {"pid", "tid", "cpu", "uid", "gid", "comm", "cgroup"};
    if (n->kind == N_INT)
        return true;
    if (n->kind != N_BUILTIN)
        return false;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(n->name, names[i]) == 0)
            return true;
    return false;
}

static bool same_part(const struct node *a, const struct node *b)
{
    if (a->kind != b->kind)
        return false;
    return a->kind == N_INT ? a->ival == b->ival : strcmp(a->name, b->name) == 0;
}

static bool reusable(const struct codegen *g, const struct node *mapnode)
{
    /* -kk reports each failed lookup where it happens: keep every lookup */
    if (gen_helper_is_checked(g, HELPER_MAP_LOOKUP_ELEM))
        return false;
    if (type_is_buffer(&mapnode->map->value))
        return false;
    for (int i = 0; i < mapnode->nargs; i++)
        if (!is_invariant(mapnode->args[i]))
            return false;
    return true;
}

static bool same_key(const struct node *a, const struct node *b)
{
    if (a->map != b->map || a->nargs != b->nargs)
        return false;
    for (int i = 0; i < a->nargs; i++)
        if (!same_part(a->args[i], b->args[i]))
            return false;
    return true;
}

LLVMValueRef map_reads_find(struct codegen *g, const struct node *mapnode)
{
    if (!reusable(g, mapnode))
        return NULL;
    for (int i = g->nreads - 1; i >= 0; i--)
        if (g->reads[i].valid && same_key(g->reads[i].mapnode, mapnode))
            return g->reads[i].value;
    return NULL;
}

void map_reads_remember(struct codegen *g, const struct node *mapnode, LLVMValueRef value)
{
    if (!reusable(g, mapnode) || g->nreads >= MAX_READS)
        return;
    g->reads[g->nreads++] = (struct map_read){mapnode, value, true};
}

void map_reads_forget(struct codegen *g, int map_id)
{
    for (int i = 0; i < g->nreads; i++)
        if (map_id < 0 || g->reads[i].mapnode->map->id == map_id)
            g->reads[i].valid = false;
}

int map_reads_mark(const struct codegen *g)
{
    return g->nreads;
}

void map_reads_back_to(struct codegen *g, int mark)
{
    if (mark < g->nreads)
        g->nreads = mark;
}
