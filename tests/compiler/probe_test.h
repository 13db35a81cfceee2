/* Shared by the tests of tracefs, tracepoint formats and attach points: the
 * tracefs precondition and a clock (assertions: common/check.h). */
#ifndef SOBT_TESTS_PROBE_TEST_H
#define SOBT_TESTS_PROBE_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "common/check.h"
#include "target/tracefs.h"

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

#endif
