/* The parts of uprobe_target (see target_main.c). */
#ifndef SOBT_UPROBE_TARGET_H
#define SOBT_UPROBE_TARGET_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

int lib_square(int x);     /* target_lib.c, in libuprobe_target_lib.so */
long run_cpp(int i);       /* target_cpp.cc */
void opt_probes(int i);    /* target_opt.c: usdt probes on registers and constants */
void guarded_probe(int i); /* target_sem.c: a usdt probe with a semaphore */
int guarded_enabled_count(void);

#ifdef __cplusplus
}
#endif

#endif
