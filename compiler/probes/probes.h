/* Attach points: from the text a user wrote ("t:syscalls:sys_enter_accept*",
 * "interval:s:1", "BEGIN") to the provider and the concrete targets. */
#ifndef SOBT_PROBES_H
#define SOBT_PROBES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "program.h"
#include "target/usdt_notes.h"

struct probe_match {
    char *target;    /* "syscalls:sys_enter_accept4"; kprobe function; uprobe and usdt: the
                        binary's path; "" for BEGIN/END/interval */
    char *full_name; /* what `probe` prints: "tracepoint:syscalls:sys_enter_accept4" */
    uint64_t offset;         /* uprobe, usdt: file offset of the probed instruction */
    uint64_t ref_ctr_offset; /* usdt: file offset of the semaphore, 0: none */
    struct usdt_arg *args;   /* usdt: where each argument is, at this site (owned) */
    int nargs;
    char *args_text;         /* usdt: the specification as written (owned) */
    uint32_t btf_id;         /* fentry/fexit: the function's BTF id */
    char *btf_module;        /* the kernel module whose BTF holds the target and types its
                                arguments (btf_id is in it); NULL: the kernel's own */
};

struct attach_point {
    enum probe_provider provider;
    uint64_t period_ns;          /* interval, profile (0 with sample_freq) */
    uint64_t sample_freq;        /* profile:hz */
    uint64_t sample_period;      /* software, hardware: events per sample */
    uint64_t event_config;       /* software, hardware: PERF_COUNT_* */
    bool has_wildcard;
    struct probe_match *matches; /* expanded targets, sorted */
    int nmatches;
};

/* Parse and expand one attach point. On error returns -1 and writes a
 * one-line message (no position; the caller adds it) into err. An attach
 * point whose wildcard matches nothing is an error, as in bpftrace.
 * ATTACH_POINT_MISSING (out empty, the reason in err): what it names does
 * not exist on this system (tracepoint, function, binary, usdt probe),
 * which bpftrace's missing_probes setting may let the program run without;
 * 1: expanded, with a warning in err. */
#define ATTACH_POINT_MISSING 2
int attach_point_parse(const char *text, struct attach_point *out, char *err, size_t errlen);

/* The process the program traces (-p PID, or the command of -c once it
 * runs), for attach points that name what it has mapped: a uprobe or usdt
 * whose binary is omitted, library names ("libc"). pid 0 and command NULL
 * when there is none; command is the -c command's binary (its libraries are
 * the ones it needs). */
void attach_points_set_process(int pid, const char *command);

/* When set, a kprobe on a function this kernel lacks is kept as a match and
 * attach_point_parse returns 1 with the reason in err (a warning): --verify
 * still checks the program, and missing_probes=warn|ignore runs the rest. */
void attach_points_keep_missing_functions(bool keep);
void attach_point_free(struct attach_point *ap);

/* -l [PATTERN] and -lv: list probes matching PATTERN (all tracepoints when
 * NULL) one per line as bpftrace prints them; with verbose, each tracepoint's
 * fields indented below it. Returns the number listed. */
int probes_list(FILE *out, const char *pattern, bool verbose);

#endif
