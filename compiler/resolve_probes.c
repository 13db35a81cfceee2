/* Attach points to probe units: every attach point of a probe block is
 * expanded, and grouped by provider into units, one BPF program each; a unit
 * whose tracepoints disagree on field offsets is split, one per tracepoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sem_util.h"

static int add_probe_name(struct semantic *sem, const char *name)
{
    sem->probe_names =
        sem_xrealloc(sem->probe_names, sem->nprobe_names + 1, sizeof(*sem->probe_names));
    sem->probe_names[sem->nprobe_names] = strdup(name);
    return sem->nprobe_names++;
}

static struct probe_unit *unit_for(struct semantic *sem, struct node *probe,
                                   enum probe_provider prov)
{
    for (int i = 0; i < sem->nunits; i++)
        if (sem->units[i].probe == probe && sem->units[i].provider == prov)
            return &sem->units[i];
    sem->units = sem_xrealloc(sem->units, sem->nunits + 1, sizeof(*sem->units));
    struct probe_unit *u = &sem->units[sem->nunits];
    memset(u, 0, sizeof(*u));
    u->probe = probe;
    u->provider = prov;
    snprintf(u->section, sizeof(u->section), "sobt/p%d", sem->nunits);
    sem->nunits++;
    return u;
}

/* Expand every attach point and group them into units, one per
 * (probe block, provider). Probe ids are numbered per unit consecutively so
 * that a unit's cookie is an index into the program's probe names. */
int sem_expand_probes(struct semantic *sem)
{
    struct node *prog = sem->ast->root;
    for (int p = 0; p < prog->nprobes; p++) {
        struct node *probe = prog->probes[p];
        probe->probe_index = p;
        for (int a = 0; a < probe->nattach; a++) {
            struct node *at = probe->attach[a];
            struct attach_point ap;
            char err[256] = "";
            int rc = attach_point_parse(at->str, &ap, err, sizeof(err));
            if (rc < 0) {
                diag_error(sem->src, at->loc, "%s", err);
                return -1;
            }
            if (rc > 0 && sem->missing_probes != MISSING_PROBES_IGNORE)
                diag_warning(sem->src, at->loc, "%s", err);
            struct probe_unit *u = unit_for(sem, probe, ap.provider);
            u->aps = sem_xrealloc(u->aps, u->naps + 1, sizeof(*u->aps));
            u->aps[u->naps++] = ap;
        }
    }
    for (int i = 0; i < sem->nunits; i++) {
        struct probe_unit *u = &sem->units[i];
        u->first_probe_id = sem->nprobe_names;
        for (int a = 0; a < u->naps; a++)
            for (int m = 0; m < u->aps[a].nmatches; m++) {
                add_probe_name(sem, u->aps[a].matches[m].full_name);
                u->nmatches++;
            }
    }
    return 0;
}

static struct attach_point single_match(const struct attach_point *ap, int m)
{
    struct attach_point one = *ap;
    one.matches = calloc(1, sizeof(*one.matches));
    one.matches[0].target = strdup(ap->matches[m].target);
    one.matches[0].full_name = strdup(ap->matches[m].full_name);
    one.nmatches = 1;
    return one;
}

void sem_free_unit(struct probe_unit *u)
{
    for (int a = 0; a < u->naps; a++)
        attach_point_free(&u->aps[a]);
    free(u->aps);
    for (int v = 0; v < u->nvars; v++)
        free(u->vars[v].name);
    free(u->vars);
    for (int f = 0; f < u->nmatches && u->formats; f++)
        tp_format_free(&u->formats[f]);
    free(u->formats);
}

/* Replace every unit marked needs_split by one unit per match, in place, so
 * that the order of matches (and so the probe ids) stays the same. Each new
 * unit is one BPF program that reads its tracepoint's own field offsets. */
void sem_split_units(struct semantic *sem)
{
    int total = 0;
    for (int i = 0; i < sem->nunits; i++)
        total += sem->units[i].needs_split ? sem->units[i].nmatches : 1;
    struct probe_unit *units = calloc(total, sizeof(*units));
    int k = 0;
    for (int i = 0; i < sem->nunits; i++) {
        struct probe_unit *u = &sem->units[i];
        if (!u->needs_split) {
            units[k++] = *u;
            continue;
        }
        int id = u->first_probe_id;
        for (int a = 0; a < u->naps; a++)
            for (int m = 0; m < u->aps[a].nmatches; m++, k++) {
                struct probe_unit *nu = &units[k];
                nu->probe = u->probe;
                nu->provider = u->provider;
                nu->aps = calloc(1, sizeof(*nu->aps));
                nu->aps[0] = single_match(&u->aps[a], m);
                nu->naps = 1;
                nu->nmatches = 1;
                nu->first_probe_id = id++;
            }
        sem_free_unit(u);
    }
    free(sem->units);
    sem->units = units;
    sem->nunits = total;
    for (int i = 0; i < total; i++)
        snprintf(units[i].section, sizeof(units[i].section), "sobt/p%d", i);
}
