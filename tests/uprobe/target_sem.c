/* A USDT probe with a semaphore: the program only reaches the probe (and
 * counts it) while a tracer has raised the semaphore. */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

#include "target.h"

__extension__ unsigned short sobt_test_guarded_semaphore __attribute__((unused))
__attribute__((section(".probes")));

static int enabled;

__attribute__((noinline)) void guarded_probe(int i)
{
    if (__builtin_expect(sobt_test_guarded_semaphore, 0)) {
        enabled++;
        DTRACE_PROBE1(sobt_test, guarded, i);
    }
}

int guarded_enabled_count(void)
{
    return enabled;
}
