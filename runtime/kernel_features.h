/* Kernel BPF support, probed by loading small programs and maps: what
 * `sobt --info` reports after the system and build sections. */
#ifndef SOBT_RUNTIME_KERNEL_FEATURES_H
#define SOBT_RUNTIME_KERNEL_FEATURES_H

#include <stdio.h>

/* The sections "Kernel helpers", "Kernel features", "Map types" and "Probe
 * types" of bpftrace 0.17's --info, as this kernel answers them. Needs root. */
void features_print(FILE *out);

#endif
