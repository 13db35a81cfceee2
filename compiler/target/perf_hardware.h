/* Whether this machine has hardware performance counters. */
#ifndef SOBT_PERF_HARDWARE_H
#define SOBT_PERF_HARDWARE_H

#include <stdint.h>

/* Whether hardware event `config` (PERF_COUNT_HW_*) can be counted here: a
 * counting (not sampling) event of this process, opened and closed at once.
 * Without a PMU the kernel answers ENOENT (no PMU takes PERF_TYPE_HARDWARE
 * events); a PMU without that event, ENOENT or EOPNOTSUPP. 0, or the errno. */
int perf_hardware_event_error(uint64_t config);

#endif
