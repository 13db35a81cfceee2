/* User-space symbols of traced processes, through elfutils' libdwfl, printed
 * as bpftrace 0.17 prints usym() and ustack frames.
 *
 * A process's address map is read from /proc/PID/maps the first time one of
 * its addresses is symbolized (or the watcher below sees its pid) and kept,
 * with its ELF files opened, so that its addresses still resolve after it
 * exits. A later lookup notices when the pid now belongs to a different
 * process (its start time changed) or the process exec'd (its /proc/PID/exe
 * changed) and reads the map again. */
#ifndef SOBT_RUNTIME_USYMBOLS_H
#define SOBT_RUNTIME_USYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "program.h"

/* Writes the symbol of `addr` in process `pid` into buf: "name" or, with
 * with_offset, "name+offset" (decimal). Like bcc, only a symbol whose
 * [start, start + size) holds addr counts; otherwise (unknown process, no
 * module, no containing symbol) writes the address as bpftrace does ("0x..."
 * or "0") and returns false. C++ names are demangled, as bpftrace demangles
 * them, unless BPFTRACE_NO_CPP_DEMANGLE=1. Thread-safe. */
bool usym_format(int pid, uint64_t addr, bool with_offset, char *buf, size_t cap);
/* The file of the module holding addr in process pid ("/usr/lib/.../libc.so.6"),
 * as perf-mode stacks show it; "[unknown]" and false when there is none. */
bool usym_module(int pid, uint64_t addr, char *buf, size_t cap);
/* What BPFTRACE_NO_USER_SYMBOLS, BPFTRACE_NO_CPP_DEMANGLE and
 * BPFTRACE_CACHE_USER_SYMBOLS say: with resolve false every address prints
 * as an address; with demangle false C++ names print mangled; with keep
 * false (cache NONE) a process's map is read for each address and
 * forgotten, so the addresses of a process that has exited stay addresses. */
void usym_configure(bool resolve, bool demangle, bool keep);
/* False when usym_configure() said not to resolve or not to keep processes:
 * then nothing is remembered for processes that exit. */
bool usym_keeps_processes(void);

/* Reads pid's address map now, if not already kept, so that it can be
 * symbolized after the process exits. Returns true when the process is (now)
 * known. Thread-safe. */
bool usym_remember_process(int pid);

/* Forgets every process. */
void usym_free(void);

/* Starts a background thread that looks, every few milliseconds, at the keys
 * (and plain values) of every map of `prog` holding ustack or usym values,
 * and remembers each new pid it finds while the process still lives: short
 * lived processes would otherwise be gone when maps are printed at exit.
 * map_fds is indexed like prog->maps and copied. Replaces a previous watcher.
 * Does nothing when no map holds user addresses. Returns 0 or a negative errno. */
int usym_watch_start(const struct compiled_program *prog, const int *map_fds);

/* Stops the watcher (if any) and waits for it. */
void usym_watch_stop(void);

#endif
