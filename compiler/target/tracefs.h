/* Read-only access to tracefs: where it is, which tracepoints exist.
 * (Mounting it is the runtime's job: runtime/tracefs_mount.c.) */
#ifndef SOBT_TRACEFS_H
#define SOBT_TRACEFS_H

#include <stdbool.h>

/* "/sys/kernel/tracing" or "/sys/kernel/debug/tracing", whichever has events/;
 * NULL when neither is mounted. */
const char *tracefs_path(void);

/* Every "category:name" under events/ whose category and name match the
 * shell-style patterns (fnmatch), sorted by strcmp of the whole
 * "category:name" string, as bpftrace orders them ("fib6:..." before
 * "fib:..."). Returns the count (negative errno on failure); *out is a
 * malloc'ed array of malloc'ed strings (free with tracefs_free_list). */
int tracefs_match_tracepoints(const char *category_glob, const char *name_glob, char ***out);
void tracefs_free_list(char **list, int n);

#endif
