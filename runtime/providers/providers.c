/* The table of providers, indexed by probe kind: adding a kind is its
 * provider file and one line here (compiler/probes/README.md). */
#include "providers/provider.h"

extern const struct provider provider_begin, provider_end, provider_interval, provider_kprobe,
    provider_kretprobe, provider_tracepoint, provider_uprobe, provider_uretprobe, provider_usdt,
    provider_profile, provider_software, provider_hardware, provider_rawtracepoint,
    provider_fentry, provider_fexit;

static const struct provider *const providers[] = {
    [PROV_BEGIN] = &provider_begin,
    [PROV_END] = &provider_end,
    [PROV_TRACEPOINT] = &provider_tracepoint,
    [PROV_INTERVAL] = &provider_interval,
    [PROV_KPROBE] = &provider_kprobe,
    [PROV_KRETPROBE] = &provider_kretprobe,
    [PROV_UPROBE] = &provider_uprobe,
    [PROV_URETPROBE] = &provider_uretprobe,
    [PROV_USDT] = &provider_usdt,
    [PROV_PROFILE] = &provider_profile,
    [PROV_SOFTWARE] = &provider_software,
    [PROV_HARDWARE] = &provider_hardware,
    [PROV_RAWTRACEPOINT] = &provider_rawtracepoint,
    [PROV_FENTRY] = &provider_fentry,
    [PROV_FEXIT] = &provider_fexit,
};

const struct provider *provider_for(enum probe_provider provider)
{
    if ((unsigned)provider >= sizeof(providers) / sizeof(providers[0]))
        return NULL;
    return providers[provider];
}
