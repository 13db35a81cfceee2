/* The table of providers, indexed by probe kind: adding a kind is its
 * provider file and one line here (compiler/probes/README.md). */
#include "providers/provider.h"

extern const struct provider provider_begin, provider_end, provider_interval, provider_kprobe,
    provider_kretprobe, provider_tracepoint, provider_uprobe, provider_uretprobe, provider_usdt;

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
};

const struct provider *provider_for(enum probe_provider provider)
{
    if ((unsigned)provider >= sizeof(providers) / sizeof(providers[0]))
        return NULL;
    return providers[provider];
}
