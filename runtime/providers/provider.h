/* Probe providers: the runtime side of a probe kind (the compiler side is
 * compiler/probes/), one file each behind one small interface, listed once in
 * providers.c. A provider attaches one program at one attach point; closing
 * what it left open detaches it. BEGIN and END are attached nowhere: their
 * provider runs them once (provider_begin_end.c). */
#ifndef SOBT_RUNTIME_PROVIDER_H
#define SOBT_RUNTIME_PROVIDER_H

#include <linux/perf_event.h>
#include <stdbool.h>

#include "program.h"

/* What attaching left open: closing both detaches (a perf event that is
 * closed takes its bpf link with it, and both are O_CLOEXEC so nothing
 * outlives the process). */
struct attachment {
    int perf_fd; /* -1 when the provider needs none */
    int link_fd; /* -1 when nothing was attached */
    bool stopped_by_flag; /* its program checks the stop flag: no need to detach to stop it */
};

struct provider {
    const char *name;
    /* Attach prog_fd at `at`. `probe_name` is the full probe name for error
     * messages. Returns 0, or -1 after printing one error line. NULL for
     * programs that are run rather than attached. */
    int (*attach)(int prog_fd, const struct attach_desc *at, const char *probe_name,
                  struct attachment *out);
    /* Instead of attach, for events that count on one CPU each (profile,
     * software, hardware): attach prog_fd at `at` on `cpu`; called for every
     * online CPU. */
    int (*attach_cpu)(int prog_fd, const struct attach_desc *at, const char *probe_name, int cpu,
                      struct attachment *out);
    /* Run prog_fd once, now (BEGIN, END). Returns 0 or -1 after printing an
     * error. NULL for attached programs. */
    int (*run)(int prog_fd, const char *probe_name);
    bool needs_tracefs; /* tracefs must be mounted before it attaches */
};

/* The provider of a probe kind (providers.c); NULL for an unknown one. */
const struct provider *provider_for(enum probe_provider provider);
/* Tracepoints through raw tracepoint links, for the programs the loader
 * loaded as raw tracepoint programs (raw_tracepoint.h). */
extern const struct provider provider_raw_tracepoint;

/* Attach a program through a perf event: the bpf link carries the cookie that
 * the program reads back with bpf_get_attach_cookie. Takes ownership of
 * perf_fd (closed on failure). Shared by every perf-event-based provider. */
int attach_perf_event_link(int prog_fd, int perf_fd, uint64_t cookie, const char *probe_name,
                           struct attachment *out);

/* A dynamic perf PMU (/sys/bus/event_source/devices/PMU): its event type,
 * and the first config bit of one of its format fields ("retprobe",
 * "ref_ctr_offset"); -1 when the kernel has no such PMU or field. */
int perf_pmu_type(const char *pmu);
int perf_pmu_config_bit(const char *pmu, const char *field);

/* A probe event of the dynamic PMU `pmu` ("kprobe", "uprobe"): attr zeroed
 * but for its type and size. -1 after an error naming probe_name when the
 * kernel has no such PMU. */
int perf_pmu_event_init(struct perf_event_attr *attr, const char *pmu, const char *probe_name);
/* Sets the PMU's format field (its first bit in config) to value; -1 after
 * an error when the PMU has no such field. */
int perf_pmu_set_config_field(struct perf_event_attr *attr, const char *pmu, const char *field,
                              uint64_t value, const char *probe_name);
/* Opens a probe event whose every hit is a sample, for process pid (0: every
 * process), and attaches prog_fd to it with the cookie. 0, or -1 after an
 * error line. */
int attach_probe_event(int prog_fd, struct perf_event_attr *attr, int pid, uint64_t cookie,
                       const char *probe_name, struct attachment *out);

/* The process that probes of user space are limited to, as bpftrace limits
 * them: with -p PID every uprobe, uretprobe and usdt probe is opened for
 * that process alone; with -c only the usdt probes are (bpftrace(8): "USDT
 * probes will only be attached to the child"), uprobes fire in every process
 * (a script filters with /pid == cpid/). providers_target_pid() is that
 * process for a usdt probe (usdt true) or a uprobe, -1 for every process. */
void providers_set_target(int pid, bool is_child);
int providers_target_pid(bool usdt);

/* Whether the kernel counts usdt semaphores itself (the uprobe PMU's
 * ref_ctr_offset field; SOBT_NO_UPROBE_REFCOUNT=1 acts as if it did not):
 * otherwise the runtime raises them in the traced processes
 * (usdt_semaphores.c). */
bool uprobe_kernel_counts_semaphores(void);

/* The online CPUs (/sys/devices/system/cpu/online), read once: their
 * number, with the array in *cpus; -1 after an error line. */
int online_cpus(const int **cpus);

/* perf_event_open(2) with close-on-exec; libbpf has no wrapper for it. */
int perf_event_open_cloexec(void *attr, int pid, int cpu);

void attachment_close(struct attachment *a);

#endif
