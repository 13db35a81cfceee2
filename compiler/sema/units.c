/* Attach points to probe units: every attach point of a probe block is
 * expanded, and grouped by provider into units, one BPF program each; a unit
 * whose tracepoints disagree on field offsets is split, one per tracepoint. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "probes/probe_kind.h"
#include "sema/sema.h"

/* The id of a probe name, added if new: a name has one id wherever it is
 * attached, so that `probe` compares and keys maps by name, as in bpftrace. */
static int probe_name_id(struct semantic *sem, const char *name)
{
    for (int i = 0; i < sem->nprobe_names; i++)
        if (strcmp(sem->probe_names[i], name) == 0)
            return i;
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

static bool unit_repeats_a_target(const struct probe_unit *u)
{
    for (int a = 0; a < u->naps; a++)
        for (int m = 0; m < u->aps[a].nmatches; m++)
            for (int b = a + 1; b < u->naps; b++)
                for (int n = 0; n < u->aps[b].nmatches; n++)
                    if (strcmp(u->aps[a].matches[m].target, u->aps[b].matches[n].target) == 0)
                        return true;
    return false;
}

/* A block that names one target twice (`t:a:b, t:a:b`, or a wildcard and a
 * name it matches) runs once per naming, as in bpftrace. The kernel refuses
 * to attach one program twice to one tracepoint or kprobe (EEXIST), so such a
 * unit becomes one unit, one program, per attach point. Called before probe
 * ids are given out. */
static void split_repeated_targets(struct semantic *sem)
{
    for (int i = 0; i < sem->nunits; i++) {
        struct probe_unit *u = &sem->units[i];
        if (u->naps < 2 || !unit_repeats_a_target(u))
            continue;
        int extra = u->naps - 1;
        sem->units = sem_xrealloc(sem->units, sem->nunits + extra, sizeof(*sem->units));
        u = &sem->units[i];
        memmove(u + 1 + extra, u + 1, (sem->nunits - i - 1) * sizeof(*u));
        for (int a = 1; a < u->naps; a++) {
            struct probe_unit *nu = &u[a];
            memset(nu, 0, sizeof(*nu));
            nu->probe = u->probe;
            nu->provider = u->provider;
            nu->aps = calloc(1, sizeof(*nu->aps));
            nu->aps[0] = u->aps[a];
            nu->naps = 1;
        }
        u->naps = 1;
        sem->nunits += extra;
        i += extra;
    }
    for (int i = 0; i < sem->nunits; i++)
        snprintf(sem->units[i].section, sizeof(sem->units[i].section), "sobt/p%d", i);
}

/* A wide set of syscall tracepoints gets one program per tracepoint: each
 * then knows its probe without the attach cookie, so the runtime can run
 * them all from one program on raw_syscalls that dispatches on the syscall
 * number (runtime/syscall_dispatch.h), whose detach is instant where
 * hundreds of perf events take seconds each. */
#define WIDE_SYSCALL_SET 16

static bool is_wide_syscall_set(const struct probe_unit *u)
{
    if (u->provider != PROV_TRACEPOINT || u->nmatches < WIDE_SYSCALL_SET)
        return false;
    for (int a = 0; a < u->naps; a++)
        for (int m = 0; m < u->aps[a].nmatches; m++)
            if (strncmp(u->aps[a].matches[m].target, "syscalls:sys_e", 14) != 0)
                return false;
    return true;
}

/* Expand every attach point and group them into units, one per
 * (probe block, provider). A match's probe id (its index in the program's
 * probe names) is the cookie its attachment passes to the program. */
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
            char *text = sem_attach_point_text(sem, at->str);
            int rc = text ? attach_point_parse(text, &ap, err, sizeof(err)) : -1;
            if (!text)
                snprintf(err, sizeof(err), "out of memory");
            free(text);
            if (rc < 0 ||
                (rc == ATTACH_POINT_MISSING && sem->missing_probes == MISSING_PROBES_ERROR)) {
                diag_error(sem->src, at->loc, "%s", err);
                return -1;
            }
            if (rc == ATTACH_POINT_MISSING) {
                /* missing_probes = warn|ignore: the probe runs without it;
                 * warned in current bpftrace's words ("Tracepoint not found") */
                if (strcspn(err, " ") < strcspn(err, ":")) /* not "hardware:cycles: ..." */
                    err[0] = (char)toupper((unsigned char)err[0]);
                if (sem->missing_probes == MISSING_PROBES_WARN)
                    diag_warning(sem->src, at->loc, "%s", err);
                continue;
            }
            if (rc > 0 && sem->missing_probes != MISSING_PROBES_IGNORE)
                diag_warning(sem->src, at->loc, "%s", err);
            struct probe_unit *u = unit_for(sem, probe, ap.provider);
            u->aps = sem_xrealloc(u->aps, u->naps + 1, sizeof(*u->aps));
            u->aps[u->naps++] = ap;
        }
    }
    split_repeated_targets(sem);
    for (int i = 0; i < sem->nunits; i++) {
        struct probe_unit *u = &sem->units[i];
        for (int a = 0; a < u->naps; a++)
            u->nmatches += u->aps[a].nmatches;
        u->probe_ids = calloc(u->nmatches ? u->nmatches : 1, sizeof(*u->probe_ids));
        int k = 0;
        for (int a = 0; a < u->naps; a++)
            for (int m = 0; m < u->aps[a].nmatches; m++)
                u->probe_ids[k++] = probe_name_id(sem, u->aps[a].matches[m].full_name);
        /* fentry, fexit, rawtracepoint: a program per function or event */
        u->needs_split = probe_kind_of(u->provider)->one_program_per_match && u->nmatches > 1;
    }
    sem_split_units(sem);
    /* split after resolution (resolve.c), once it is known to be needed */
    for (int i = 0; i < sem->nunits; i++)
        sem->units[i].needs_split |= is_wide_syscall_set(&sem->units[i]);
    return 0;
}

static struct attach_point single_match(const struct attach_point *ap, int m)
{
    struct attach_point one = *ap;
    one.matches = calloc(1, sizeof(*one.matches));
    if (!one.matches || probe_match_copy(&ap->matches[m], &one.matches[0]) < 0) {
        perror("sobt");
        exit(1);
    }
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
    free(u->btf_params);
    free(u->probe_ids);
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
        int k_match = 0;
        for (int a = 0; a < u->naps; a++)
            for (int m = 0; m < u->aps[a].nmatches; m++, k++) {
                struct probe_unit *nu = &units[k];
                nu->probe = u->probe;
                nu->provider = u->provider;
                nu->aps = calloc(1, sizeof(*nu->aps));
                nu->aps[0] = single_match(&u->aps[a], m);
                nu->naps = 1;
                nu->nmatches = 1;
                nu->probe_ids = malloc(sizeof(*nu->probe_ids));
                nu->probe_ids[0] = u->probe_ids[k_match++];
            }
        sem_free_unit(u);
    }
    free(sem->units);
    sem->units = units;
    sem->nunits = total;
    for (int i = 0; i < total; i++)
        snprintf(units[i].section, sizeof(units[i].section), "sobt/p%d", i);
}
