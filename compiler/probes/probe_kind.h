/* A probe kind on the compiler side: everything the compiler knows about one
 * kind of attach point (its names, how its attach points are parsed and
 * expanded, how -l lists it, what its programs' context offers the
 * built-ins) is one `struct probe_kind`, defined in that kind's own file
 * (kind_*.c) and listed once in probe_kinds.c. The runtime side of a kind is
 * its provider (runtime/providers/). compiler/probes/README.md says how to
 * add one. */
#ifndef SOBT_PROBE_KIND_H
#define SOBT_PROBE_KIND_H

#include <errno.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "probes/probes.h"
#include "target/btf_funcs.h"
#include "program.h"

/* What a kind's context offers the built-ins that read it. */
enum probe_offer {
    OFFERS_ARGS = 1 << 0,   /* args: the tracepoint record's fields */
    OFFERS_ARGN = 1 << 1,   /* arg0..arg5: the function's arguments */
    OFFERS_RETVAL = 1 << 2, /* retval: the function's return value */
    OFFERS_FUNC = 1 << 3,   /* func: the probed function */
    /* The kinds below are what further built-ins need; a new kind sets each
     * its context gives (bpftrace's kinds are named in probe_kinds.c). */
    OFFERS_REGS = 1 << 4,   /* ctx is the registers (struct pt_regs, or a perf event's
                               regs at offset 0): reg(), usermode */
    OFFERS_SIGNAL = 1 << 5, /* runs in the traced task: signal(), signal_thread() */
    OFFERS_OVERRIDE = 1 << 6, /* a kprobe at a function's entry: override() */
    OFFERS_BTF_FUNC = 1 << 7, /* fentry/fexit: BTF-typed arguments, helpers for
                                 tracing programs: path(), skboutput(), socket_cookie() */
    OFFERS_USER_BINARY = 1 << 8, /* a uprobe, uretprobe or usdt probe into one binary:
                                    uaddr() */
};

/* Returned by a kind's list() when the pattern does not have its shape;
 * distinct from the -errno of a failed listing. */
#define PROBE_LIST_WRONG_SHAPE (-EDOM)

/* expand's answer for a target that does not exist on this system */
#define PROBE_MISSING 2

struct probe_kind {
    const char *name;       /* "tracepoint": what `probe` prints, the -l name */
    const char *aliases[3]; /* other spellings ("t"), NULL-terminated */
    enum probe_provider provider;
    uint32_t bpf_prog_type;
    const char *shape;      /* "2 arguments": for "... probe type requires 2 arguments" */
    unsigned offers;        /* enum probe_offer bits */
    /* A user-space function: argN and retval are user addresses when they
     * are addresses, func is a user symbol. */
    bool user_space;
    /* argN is where each site's own argument specification says (usdt), not
     * in the calling convention's registers. */
    bool args_per_site;
    /* A provider wildcard in -l ("*:...") lists this kind; false for return
     * probes, which bpftrace leaves out as duplicates of the entries. */
    bool listed_by_wildcard;
    /* Its program is loaded for one target (fentry/fexit: a function's BTF
     * id; rawtracepoint: one per event, as the kernel gives them no cookie):
     * each match is a program of its own. */
    bool one_program_per_match;
    /* The context is the target's arguments as u64 slots (raw tracepoints,
     * fentry/fexit), typed from BTF (`args.NAME`; fexit's retval after them),
     * not registers or a tracepoint record. */
    bool args_from_btf;
    uint32_t expected_attach_type; /* BPF_TRACE_FENTRY/FEXIT; 0 for the others */
    /* The target's parameters (args_from_btf kinds). Returns 0 or -errno. */
    int (*btf_params)(const struct probe_match *m, struct btf_func_params *out);
    /* Parse the attach point's parts after the kind name (split at ':') and
     * add its matches to ap (probe_add_match). Returns 0; 1 when a match is
     * kept with a warning in err; PROBE_MISSING when what it names does not
     * exist here (no such tracepoint, function, binary, usdt probe: the
     * reason in err; bpftrace's missing_probes decides); -1 with the error
     * in err. */
    int (*expand)(const struct probe_kind *kind, char **parts, int nparts,
                  struct attach_point *ap, char *err, size_t errlen);
    /* -l: print the probes matching parts (the pattern after the kind name),
     * one per line, with their fields when verbose. Returns how many, or
     * PROBE_LIST_WRONG_SHAPE, or -errno after printing why. NULL: a kind
     * with nothing to enumerate (BEGIN, interval). */
    int (*list)(const struct probe_kind *kind, FILE *out, char **parts, int nparts, bool verbose);
};

/* probe_kinds.c: the table */
const struct probe_kind *probe_kind_find(const char *name); /* by name or alias */
const struct probe_kind *probe_kind_of(enum probe_provider provider);
/* "'kprobe' and 'kretprobe'": the kinds that offer `offer` (enum
 * probe_offer), quoted, for messages. */
void probe_kinds_offering(unsigned offer, char *buf, size_t size);
/* bpftrace's kinds that offer `offer` ("'fentry' and 'fexit'"), for the
 * message when no kind sobt has yet does. */
const char *probe_offer_wanted(unsigned offer);
/* The kinds in -l order (by name, as bpftrace lists providers); NULL ends it. */
extern const struct probe_kind *const probe_kinds[];

/* Helpers for the kinds (attach_point.c). */
#define PROBE_MAX_PARTS 8
/* "a:b:c" -> parts, in place; empty parts are kept ("tracepoint::x" has
 * three). Returns the number of parts, or -1 when there are too many. */
int probe_split_parts(char *text, char *parts[PROBE_MAX_PARTS]);
void probe_set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool probe_has_wildcard(const char *s);
/* Adds a match; takes ownership of both strings (NULL: out of memory).
 * Returns 0 or -ENOMEM. */
int probe_add_match(struct attach_point *ap, char *target, char *full_name);
/* The match added last, to set its other fields. */
struct probe_match *probe_last_match(struct attach_point *ap);
/* A deep copy of m into out. Returns 0 or -ENOMEM. */
int probe_match_copy(const struct probe_match *m, struct probe_match *out);
void probe_match_free(struct probe_match *m);
/* The traced process (attach_points_set_process): its pid (0 if none) and
 * the -c command's binary (NULL if none). */
int probe_target_pid(void);
const char *probe_target_command(void);
char *probe_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Timed kinds (time_spec.c): "UNIT:COUNT" or "COUNT[SUFFIX]". */
struct probe_rate {
    const char *kind;    /* set by the caller: its name, for messages */
    const char *unit;    /* "s", "ms", "us", "hz" ("us" for the one-part form) */
    uint64_t count;      /* in unit (hz: per second), as `probe` names it */
    uint64_t period_ns;  /* hz: 1e9 / count, 0 when that is under 1 ns */
    bool is_frequency;   /* hz */
};
#define PROBE_RATE_ZERO (-2) /* a count of 0 (the kind says why that is wrong) */
/* Returns 0, PROBE_RATE_ZERO, or -1 with the error in err. */
int probe_parse_rate(char **parts, int nparts, struct probe_rate *out, char *err, size_t errlen);
/* -l 'profile:*': the units, "profile:hz:" ..., as current bpftrace lists them. */
int probe_list_time_units(const struct probe_kind *kind, FILE *out, char **parts, int nparts,
                          bool verbose);
/* A count as bpftrace takes it: decimal digits, '_' between them ("1_000"),
 * an exponent ("1e3"). 0 with *rest after it, or -1 with the error in err. */
int probe_parse_count(const char *text, uint64_t *out, const char **rest, char *err,
                      size_t errlen);

#endif
