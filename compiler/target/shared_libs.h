/* Shared libraries by short name, as bpftrace (through bcc) finds them for
 * `uprobe:libc:malloc`: "c" is the libc.so.N that a traced process has
 * mapped, or that the traced command's binary needs (through its
 * RUNPATH/RPATH, /etc/ld.so.cache and the default directories, as the
 * dynamic linker looks), or else the first libc.so* in /etc/ld.so.cache. */
#ifndef SOBT_SHARED_LIBS_H
#define SOBT_SHARED_LIBS_H

/* The path of library lib`name` (malloc'd), or NULL. pid > 0: look in that
 * process's mappings first; needed_by (a binary path, or NULL): then in that
 * binary's DT_NEEDED libraries. */
char *shared_lib_find(const char *name, int pid, const char *needed_by);

#endif
