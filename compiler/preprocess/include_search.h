/* Where #include finds its files, for the preprocessor: -I directories,
 * /usr/include and its multiarch directory, then (only when a header is not
 * found there) the running kernel's header trees if installed. Answers are
 * remembered, and so are include guards, so that glibc's many re-includes of
 * <features.h> cost neither a search nor a read. */
#ifndef SOBT_INCLUDE_SEARCH_H
#define SOBT_INCLUDE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

struct include_search;
struct macro_table;

/* user_dirs: the -I directories, searched first, in order. */
/* kernel_source: BPFTRACE_KERNEL_SOURCE's tree, or NULL for the running
 * kernel's headers (/lib/modules/RELEASE/{build,source}, /usr/src). */
struct include_search *include_search_new(const char *const *user_dirs, int nuser_dirs,
                                          const char *kernel_source);
void include_search_free(struct include_search *s);

/* Find name as included from a file in includer_dir (the directory where
 * "..." looks first) that was itself found in search directory
 * includer_index (-1: not found by a search; #include_next continues after
 * it). Fills path and *dir_index (-1: found beside the includer or by
 * absolute path; below nuser_dirs: in a -I directory). */
bool include_find(struct include_search *s, const char *includer_dir, int includer_index,
                  const char *name, bool angled, bool next, char *path, size_t size,
                  int *dir_index);

/* The file at path is wrapped in "#ifndef guard" (or has "#pragma once":
 * guard ""): later includes of it are skipped while guard is defined. */
void include_guard_remember(struct include_search *s, const char *path, const char *guard);
bool include_guard_skips(const struct include_search *s, const char *path,
                         const struct macro_table *macros);

/* The whole file, NUL-terminated (malloc'd), or NULL. */
char *read_whole_file(const char *path, size_t *len);

/* The directory part of path ("." when there is none); malloc'd. */
char *dir_of(const char *path);

#endif
