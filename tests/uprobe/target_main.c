/* uprobe_target: the program the uprobe and usdt tests trace (run_uprobe.py).
 * Functions with known arguments and return values, a call chain for user
 * stacks, a C++ part (target_cpp.cc), a shared library (target_lib.c) and
 * USDT probes: with memory operands here (built with -O0), with registers
 * and constants (target_opt.c, -O2), with a semaphore (target_sem.c).
 *
 *     uprobe_target [--wait] [ROUNDS]
 *
 * runs ROUNDS rounds (default 5), then prints what it did, one line per
 * function, for the tests to compare with what a tracer saw. With --wait it
 * first prints "ready PID" and waits for a line on stdin (a tracer attaches
 * meanwhile), and at the end waits for stdin to close, so that it is still
 * alive when the tracer prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <unistd.h>

#include "target.h"

__attribute__((noinline)) int add_numbers(int a, int b)
{
    return a + b;
}

__attribute__((noinline)) long mix_args(long a, long b, long c, long d, long e, long f)
{
    return a + b + c + d + e + f;
}

__attribute__((noinline)) const char *greet(const char *name)
{
    return strlen(name) > 0 ? "hello" : "nobody";
}

__attribute__((noinline)) int inner_frame(int x)
{
    return x * 2;
}

__attribute__((noinline)) int middle_frame(int x)
{
    return inner_frame(x) + 1;
}

__attribute__((noinline)) int outer_frame(int x)
{
    return middle_frame(x) + 1;
}

/* Called once, after the rounds: scripts end with it. */
__attribute__((noinline)) void work_done(int rounds)
{
    DTRACE_PROBE1(sobt_test, done, rounds);
}

static void wait_for_line(void)
{
    char line[64];
    if (!fgets(line, sizeof(line), stdin))
        exit(1);
}

static void wait_for_eof(void)
{
    char c;
    while (read(0, &c, 1) > 0)
        ;
}

int main(int argc, char **argv)
{
    bool wait = argc > 1 && strcmp(argv[1], "--wait") == 0;
    int rounds = argc > 1 + wait ? atoi(argv[1 + wait]) : 5;
    if (wait) {
        printf("ready %d\n", getpid());
        fflush(stdout);
        wait_for_line();
    }
    long add_args = 0, add_ret = 0, mix_ret = 0, frames = 0, squares = 0, cpp = 0;
    long iter_sum = 0;
    for (int i = 1; i <= rounds; i++) {
        add_args += i + 2 * i;
        add_ret += add_numbers(i, 2 * i);
        mix_ret += mix_args(i, 2 * i, 3 * i, 4 * i, 5 * i, 6 * i);
        char name[16];
        snprintf(name, sizeof(name), "sobt-%d", i);
        greet(name);
        frames += outer_frame(i);
        squares += lib_square(i);
        cpp += run_cpp(i);
        DTRACE_PROBE2(sobt_test, iteration, i, (long)i * 3);
        iter_sum += i;
        opt_probes(i);
        guarded_probe(i);
    }
    work_done(rounds);
    printf("rounds %d\n", rounds);
    printf("add_numbers calls=%d args=%ld ret=%ld\n", rounds, add_args, add_ret);
    printf("mix_args calls=%d ret=%ld\n", rounds, mix_ret);
    printf("outer_frame calls=%d ret=%ld\n", rounds, frames);
    printf("lib_square calls=%d ret=%ld\n", rounds, squares);
    printf("run_cpp calls=%d ret=%ld\n", rounds, cpp);
    printf("iteration fires=%d arg0=%ld arg1=%ld\n", rounds, iter_sum, iter_sum * 3);
    printf("guarded enabled=%d\n", guarded_enabled_count());
    fflush(stdout);
    if (wait)
        wait_for_eof();
    return 0;
}
