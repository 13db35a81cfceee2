/* The files a uprobe or usdt target names, by bpftrace's rules: a library
 * short name ("libc": see shared_libs.h), a path, or a bare name searched
 * in $PATH; globs expand; only ELF executables (with execute permission)
 * and shared objects count; a bare name found in several $PATH directories
 * that are one (/bin and /usr/bin) is one file. */
#ifndef SOBT_BINARY_PATH_H
#define SOBT_BINARY_PATH_H

/* The matching files, in order (malloc'd array of malloc'd paths); *count
 * may be 0. pid and needed_by are the traced process and command binary
 * (0 and NULL when none) for library names. Returns 0 or -ENOMEM. */
int binary_paths(const char *target, int pid, const char *needed_by, char ***paths, int *count);

void binary_paths_free(char **paths, int count);

/* The executable of process pid (/proc/PID/exe), malloc'd, or NULL. */
char *process_exe_path(int pid);

/* The ELF files pid has mapped executable (from /proc/PID/maps), in map
 * order without repeats, seen through the process's root as bpftrace names
 * them ("/proc/PID/root/usr/lib/..."). Returns 0 or -errno (-ESRCH: no
 * such process). */
int process_mapped_binaries(int pid, char ***paths, int *count);

/* The ELF files every running process (but this one) maps executable,
 * without repeats, sorted: what a target "*" names without -p, as in
 * bpftrace. A process in another mount namespace is seen through
 * /proc/PID/root. Returns 0 or -errno. */
int host_mapped_binaries(char ***paths, int *count);

#endif
