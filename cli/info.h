/* sobt --info. */
#ifndef SOBT_INFO_H
#define SOBT_INFO_H

#include <stdio.h>

/* System, build, then the kernel's BPF support (kernel_features.h). Needs root. */
void print_info(FILE *out);

#endif
