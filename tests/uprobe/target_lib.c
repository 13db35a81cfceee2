/* libuprobe_target_lib.so: a shared library function for uprobes, and a
 * USDT probe in a library. */
#include <sys/sdt.h>

__attribute__((noinline)) int lib_square(int x)
{
    DTRACE_PROBE1(sobt_lib, squared, x * x);
    return x * x;
}
