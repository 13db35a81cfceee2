/* The table of probe kinds: adding a kind is its file (kind_*.c) and one
 * line here (see README.md). */
#include <stdio.h>
#include <string.h>

#include "probes/probe_kind.h"

extern const struct probe_kind probe_kind_begin, probe_kind_end, probe_kind_fentry,
    probe_kind_fexit, probe_kind_hardware, probe_kind_interval, probe_kind_kprobe,
    probe_kind_kretprobe, probe_kind_profile, probe_kind_rawtracepoint, probe_kind_software,
    probe_kind_tracepoint, probe_kind_uprobe, probe_kind_uretprobe, probe_kind_usdt;

/* In -l order: bpftrace lists providers by name. */
const struct probe_kind *const probe_kinds[] = {
    &probe_kind_begin,      &probe_kind_end,       &probe_kind_fentry,
    &probe_kind_fexit,      &probe_kind_hardware,  &probe_kind_interval,
    &probe_kind_kprobe,     &probe_kind_kretprobe, &probe_kind_profile,
    &probe_kind_rawtracepoint, &probe_kind_software, &probe_kind_tracepoint,
    &probe_kind_uprobe,     &probe_kind_uretprobe, &probe_kind_usdt,
    NULL,
};

const struct probe_kind *probe_kind_find(const char *name)
{
    for (int i = 0; probe_kinds[i]; i++) {
        const struct probe_kind *k = probe_kinds[i];
        if (strcmp(name, k->name) == 0)
            return k;
        for (int a = 0; a < 3 && k->aliases[a]; a++)
            if (strcmp(name, k->aliases[a]) == 0)
                return k;
    }
    return NULL;
}

const struct probe_kind *probe_kind_of(enum probe_provider provider)
{
    for (int i = 0; probe_kinds[i]; i++)
        if (probe_kinds[i]->provider == provider)
            return probe_kinds[i];
    return NULL;
}

void probe_kinds_offering(unsigned offer, char *buf, size_t size)
{
    const struct probe_kind *offering[16];
    int n = 0;
    for (int i = 0; probe_kinds[i] && n < 16; i++)
        if (probe_kinds[i]->offers & offer)
            offering[n++] = probe_kinds[i];
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && len < size; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? " and " : ", ";
        len += (size_t)snprintf(buf + len, size - len, "%s'%s'", sep, offering[i]->name);
    }
}

const char *probe_offer_wanted(unsigned offer)
{
    switch (offer) {
    case OFFERS_REGS: return "'kprobe', 'kretprobe', 'uprobe', 'uretprobe', 'usdt' and 'profile'";
    case OFFERS_SIGNAL:
        return "'kprobe', 'kretprobe', 'uprobe', 'uretprobe', 'usdt', 'tracepoint' and 'profile'";
    case OFFERS_OVERRIDE: return "'kprobe'";
    case OFFERS_BTF_FUNC: return "'fentry' and 'fexit'";
    case OFFERS_USER_BINARY: return "'uprobe', 'uretprobe' and 'usdt'";
    case OFFERS_TASK_KFUNCS:
        return "'tracepoint', 'interval', 'profile', 'software', 'fentry' and 'fexit'";
    default: return "other";
    }
}
