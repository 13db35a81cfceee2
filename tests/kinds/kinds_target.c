/* What tests/kinds/run_kinds.py traces: each mode does a known amount of
 * one kind of work and prints how much, so the test can compare what the
 * probes counted with what happened.
 *
 *   kinds_target pages N     touch N fresh pages: "pages touched=N"
 *   kinds_target spin MS     burn CPU in spin_here() for MS ms of wall time:
 *                            "spin ms=MS cpu_ms=C", C the CPU time it got
 *   kinds_target getppid N   N getppid system calls: "getppid calls=N" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int touch_pages(long n)
{
    long page = sysconf(_SC_PAGESIZE);
    volatile char *p = mmap(NULL, (size_t)(n * page), PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    /* no transparent huge pages: one fault per page */
    madvise((void *)p, (size_t)(n * page), MADV_NOHUGEPAGE);
    for (long i = 0; i < n; i++)
        p[i * page] = 1;
    printf("pages touched=%ld\n", n);
    return 0;
}

__attribute__((noinline)) void spin_here(double ms)
{
    double end = now_ms() + ms;
    volatile unsigned long x = 0;
    while (now_ms() < end)
        for (int i = 0; i < 10000; i++)
            x += (unsigned long)i;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: kinds_target pages|spin|getppid N\n");
        return 2;
    }
    long n = atol(argv[2]);
    if (strcmp(argv[1], "pages") == 0)
        return touch_pages(n);
    if (strcmp(argv[1], "spin") == 0) {
        struct timespec cpu0, cpu1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
        spin_here((double)n);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
        long cpu_ms = (cpu1.tv_sec - cpu0.tv_sec) * 1000 + (cpu1.tv_nsec - cpu0.tv_nsec) / 1000000;
        printf("spin ms=%ld cpu_ms=%ld\n", n, cpu_ms);
        return 0;
    }
    if (strcmp(argv[1], "getppid") == 0) {
        for (long i = 0; i < n; i++)
            syscall(SYS_getppid);
        printf("getppid calls=%ld\n", n);
        return 0;
    }
    fprintf(stderr, "kinds_target: unknown mode %s\n", argv[1]);
    return 2;
}
