/* USDT probes built with -O2: their arguments are registers and constants
 * ("-4@%edi", "-4@$5"); `twice` sits at two places with different
 * registers, `negative` passes negative values. */
#include <sys/sdt.h>

#include "target.h"

static volatile int sink;

__attribute__((noinline)) void opt_probes(int i)
{
    long scaled = (long)i * 7;
    DTRACE_PROBE3(sobt_test, opt_args, i, 5, scaled);
    if (i & 1)
        DTRACE_PROBE1(sobt_test, twice, i);
    else
        DTRACE_PROBE1(sobt_test, twice, i + 1000);
    DTRACE_PROBE1(sobt_test, negative, -i);
    sink = i;
}
