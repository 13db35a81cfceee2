/* Shared by the tests of tracefs, tracepoint formats and attach points:
 * assertions that count failures, and the tracefs precondition. */
#ifndef SOBT_TESTS_PROBE_TEST_H
#define SOBT_TESTS_PROBE_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "target/tracefs.h"

static int test_failures __attribute__((unused));

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);                       \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *got_ = (got), *want_ = (want);                                                 \
        if (!got_ || strcmp(got_, want_) != 0) {                                                   \
            fprintf(stderr, "%s:%d: FAIL: %s\n    got:  \"%s\"\n    want: \"%s\"\n", __FILE__,     \
                    __LINE__, #got, got_ ? got_ : "(null)", want_);                                \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

#define CHECK_INT(got, want)                                                                       \
    do {                                                                                           \
        long long got_ = (long long)(got), want_ = (long long)(want);                              \
        if (got_ != want_) {                                                                       \
            fprintf(stderr, "%s:%d: FAIL: %s == %lld, want %lld\n", __FILE__, __LINE__, #got,      \
                    got_, want_);                                                                  \
            test_failures++;                                                                       \
        }                                                                                          \
    } while (0)

/* These tests read the live kernel's tracefs; without it they cannot say
 * anything, so they fail rather than skip. */
static inline void require_tracefs(void)
{
    if (tracefs_path())
        return;
    if (geteuid() != 0) {
        fprintf(stderr, "FAIL: tracefs is not mounted and this test is not root to mount it\n");
        exit(1);
    }
    if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) != 0 || !tracefs_path()) {
        fprintf(stderr, "FAIL: cannot mount tracefs on /sys/kernel/tracing: %s\n", strerror(errno));
        exit(1);
    }
}

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int test_finish(const char *name)
{
    if (test_failures) {
        fprintf(stderr, "%s: %d failure(s)\n", name, test_failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

#endif
