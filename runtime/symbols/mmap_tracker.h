/* Address spaces of processes as the kernel recorded them while they
 * changed (mmap_records.h): every process that starts (fork or exec) while
 * the tracker runs has all its file mappings recorded, and kept after it
 * exits, so that its user addresses can be symbolized however short its
 * life was. A process that was already running is read from /proc/PID/maps
 * the first time it forks or maps a file, and followed from then on. */
#ifndef SOBT_RUNTIME_MMAP_TRACKER_H
#define SOBT_RUNTIME_MMAP_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

/* Starts recording (again a no-op while running). Returns 0 or -errno. */
int mmap_tracker_start(void);
/* Stops recording and forgets everything. */
void mmap_tracker_stop(void);

/* Reads the records written so far, then: a number that changes whenever
 * pid's recorded mappings do, 0 when pid is not known. Thread-safe. */
uint64_t mmap_tracker_generation(int pid);

/* Reads the records written since the last read. Called often (the map
 * watcher's tick), so the kernel's ring never fills between two reads on a
 * busy machine. Thread-safe. */
void mmap_tracker_poll(void);

/* pid's recorded mappings as /proc/PID/maps lines (malloc'd) and their
 * generation; NULL when pid is not known. Thread-safe. */
char *mmap_tracker_maps(int pid, uint64_t *generation);

#endif
