/* Where tracefs is, for the runtime (the compiler has its own read-only
 * view in compiler/tracefs.h; the runtime keeps this one so that it depends
 * only on program.h). */
#ifndef SOBT_RUNTIME_TRACEFS_MOUNT_H
#define SOBT_RUNTIME_TRACEFS_MOUNT_H

#include <stdbool.h>

/* "/sys/kernel/tracing" or "/sys/kernel/debug/tracing", whichever has
 * events/; NULL when neither does. Looked up once. */
const char *runtime_tracefs_dir(void);

/* True when we may load BPF programs (effective root, or CAP_BPF and
 * CAP_PERFMON). When false the caller prints runtime_permission_message. */
bool runtime_has_bpf_permission(void);
extern const char runtime_permission_message[];

/* Raise RLIMIT_MEMLOCK to infinity; needed only on kernels before 5.11
 * (memcg accounting), harmless after, so failure is ignored. */
void runtime_raise_memlock(void);

#endif
