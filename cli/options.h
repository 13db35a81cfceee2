/* Command-line options, spelled as bpftrace spells them. */
#ifndef SOBT_OPTIONS_H
#define SOBT_OPTIONS_H

#include <stdbool.h>

#include "compile.h"
#include "metrics_server.h"
#include "output_file.h"
#include "run.h"

struct cli_options {
    const char *program_text; /* -e */
    const char *filename;     /* FILE */
    const char *output_path;  /* -o */
    char **list_patterns;     /* -l [PATTERN|FILE]...: into argv */
    int nlist_patterns;
    bool list;
    bool info;                /* --info */
    bool verbose;             /* -v */
    bool quiet;               /* -q */
    bool unsafe;
    bool no_warnings;         /* --no-warnings */
    enum run_mode mode;       /* --dry-run, --verify */
    bool compile_only;        /* -d, -dd, --emit-elf: compile, print, stop */
    unsigned dump;            /* -d, -dd, -d STAGE */
    const char *emit_elf;     /* --emit-elf FILE */
    const char *emit_llvm;    /* --emit-llvm FILE */
    const struct output_format *format; /* -f */
    enum buffer_mode buffering;         /* -B */
    int missing_probes;       /* --missing-probes: enum missing_probes_policy, -1 unset */
    int helper_check_level;   /* -k: 1, -kk: 2 */
    const char *pid_text;     /* -p PID, as given */
    const char *command;      /* -c 'CMD ARGS' */
    bool usdt_file_activation; /* --usdt-file-activation */
    bool metrics;             /* --metrics ADDR:PORT given */
    struct metrics_address metrics_address;
#define MAX_INCLUDES 64
    const char *include_dirs[MAX_INCLUDES]; /* -I DIR */
    int ninclude_dirs;
    const char *include_files[MAX_INCLUDES]; /* --include FILE */
    int ninclude_files;
    char **params; /* positional parameters $1, $2, ...: the arguments after the program */
    int nparams;
    /* named parameters getopt() reads: "--name" or "--name=value" arguments, which
       only come after `--` (before it they are options) */
    char **named_params;
    int nnamed_params;
};

/* Returns -1 on bad usage (message printed), 1 when the program should exit
 * 0 right away (--help, --version), 0 to continue. */
int parse_options(int argc, char **argv, struct cli_options *o);
void print_usage(FILE *out);

#endif
