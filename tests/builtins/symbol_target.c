/* A process for the user-symbol settings: its function has a C++ mangled
 * name (sobt::probe_target(int)) without needing a C++ compiler. It prints
 * that function's address (the binary is not position independent, so the
 * address is the symbol's), then calls getppid() every 20 ms for argv[1]
 * rounds so a tracepoint can catch it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int probe_target(int x) __asm__("_ZN4sobt12probe_targetEi");
__attribute__((noinline)) int probe_target(int x)
{
    return x + (int)getppid();
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 100;
    printf("%lx\n", (unsigned long)(void *)probe_target);
    fflush(stdout);
    int sum = 0;
    for (int i = 0; i < rounds; i++) {
        sum += probe_target(i);
        usleep(20000);
    }
    return sum == -1;
}
