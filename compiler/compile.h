/* The compiler's single entry point: source text in, compiled program out. */
#ifndef SOBT_COMPILE_H
#define SOBT_COMPILE_H

#include <stdbool.h>
#include <stdio.h>

#include "program.h"
#include "settings.h"

enum dump_stage {
    DUMP_NONE = 0,
    DUMP_AST = 1 << 0,  /* -d ast */
    DUMP_IR = 1 << 1,   /* -d ir: LLVM IR after optimisation */
    DUMP_BPF = 1 << 2,  /* -d bpf: BPF instructions of every program */
};

struct compile_options {
    const char *filename; /* for diagnostics: "stdin" for -e */
    const char *text;
    bool unsafe;          /* --unsafe: allow system() */
    unsigned dump;        /* enum dump_stage bits */
    FILE *dump_out;
    uint32_t strlen;      /* BPFTRACE_STRLEN, default 64 */
    const char *const *include_dirs;  /* -I DIR */
    int ninclude_dirs;
    const char *const *include_files; /* --include FILE */
    int ninclude_files;
    bool missing_probes_set; /* --missing-probes given: it overrides the script's config */
    enum missing_probes_policy missing_probes;
    bool verify_only;     /* --verify: probes this kernel lacks are still compiled */
    const char *const *params; /* positional parameters: params[0] is $1 */
    int nparams;
    const char *const *named_params; /* "--name" or "--name=value": what getopt() reads */
    int nnamed_params;
    int helper_check_level; /* -k: 1, report failing helpers except reads and
                               lookups; -kk: 2, all of them; 0: none */
    uint32_t max_map_keys;  /* BPFTRACE_MAP_KEYS_MAX; 0 when unset (then the script's
                               config = { max_map_keys = N }, else 4096) */
    int target_pid;         /* -p PID: the process whose files uprobe and usdt attach
                               points may name; 0: none */
    int child_pid;          /* -c: the command's pid (cpid); 0 without -c */
    const char *command_binary; /* -c: the command's executable (the libraries it needs
                                   are those `uprobe:libNAME:...` names); NULL without -c */
    const struct settings *settings; /* the BPFTRACE_* environment; NULL: defaults */
};

/* NULL after printing diagnostics when the program is wrong. */
struct compiled_program *compile_program(const struct compile_options *opts);

/* -l with a program: each attach point of the program, in order, listed as
 * -l PATTERN lists it (bpftrace's -l -e PROG / -l FILE). 0, or -1 after an
 * error. */
int compile_list_probes(const struct compile_options *opts, FILE *out, bool verbose);

#endif
