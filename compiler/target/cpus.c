#include "target/cpus.h"

#include <bpf/libbpf.h>

int64_t possible_cpu_count(void)
{
    /* libbpf parses /sys/devices/system/cpu/possible, once */
    int count = libbpf_num_possible_cpus();
    return count > 0 ? count : 1;
}
