/* The machine's CPUs as BPF sees them. */
#ifndef SOBT_TARGET_CPUS_H
#define SOBT_TARGET_CPUS_H

#include <stdint.h>

/* The CPUs the kernel may bring up (/sys/devices/system/cpu/possible, "0-3"
 * or "0,2-5"), as bpftrace counts ncpus and as per-CPU maps hold values;
 * 1 when it cannot be read. */
int64_t possible_cpu_count(void);

#endif
