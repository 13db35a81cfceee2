/* connect_loop: the per-event cost probe of bench/run.sh. Calls connect(2) on
 * fd -1 N times (each call fails at once with EBADF, so the syscall itself is
 * as cheap as a syscall gets and a tracer's work on sys_enter_connect stands
 * out) and prints the mean cost in ns per call. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

int main(int argc, char **argv)
{
    long calls = argc > 1 ? atol(argv[1]) : 1000000;
    if (calls <= 0) {
        fprintf(stderr, "usage: connect_loop [CALLS]\n");
        return 2;
    }
    struct sockaddr addr = {0};
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < calls; i++)
        connect(-1, &addr, sizeof(addr));
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ns = (double)(end.tv_sec - start.tv_sec) * 1e9 + (double)(end.tv_nsec - start.tv_nsec);
    printf("%.1f\n", ns / (double)calls);
    return 0;
}
