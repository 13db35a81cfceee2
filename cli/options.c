#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "sobt_config.h"

void print_usage(FILE *out)
{
    fputs("USAGE:\n"
          "    sobt [options] filename [arguments: $1, $2, ...]\n"
          "    sobt [options] - [arguments: $1, $2, ...]   (program on standard input)\n"
          "    sobt [options] -e 'program' [arguments: $1, $2, ...]\n"
          "\n"
          "OPTIONS:\n"
          "    -e 'program'     execute this program\n"
          "    -l [search]      list probes (tracepoints, kprobes)\n"
          "    -v               verbose: with -l, show tracepoint fields; otherwise\n"
          "                     print verifier instruction counts per program\n"
          "    -q               keep messages quiet (no \"Attaching N probes...\")\n"
          "    -o file          redirect program output to file\n"
          "    -d STAGE         dump a compiler stage: ast, ir, bpf or all\n"
          "    -I DIR           add a directory to the #include search path\n"
          "    --include FILE   include FILE before the program\n"
          "    --dry-run        load and attach everything, then exit\n"
          "    --verify         load every program into the kernel verifier, attach nothing\n"
          "    --unsafe         allow unsafe builtin functions (system)\n"
          "    -k               emit a warning when a bpf helper returns an error (except\n"
          "                     read functions: probe reads and map lookups)\n"
          "    -kk              check all bpf helper functions\n"
          "    --missing-probes=error|warn|ignore\n"
          "                     what a probe that cannot attach does (default: error,\n"
          "                     or the script's config = { missing_probes = ... })\n"
          "    -h, --help       show this help message\n"
          "    -V, --version    bpftrace-compatible version\n"
          "\n"
          "ENVIRONMENT:\n"
          "    BPFTRACE_STRLEN        bytes kept of each string (default 64)\n"
          "    BPFTRACE_MAP_KEYS_MAX  max keys in a map (default 4096, or the script's\n"
          "                           config = { max_map_keys = N })\n"
          "\n"
          "EXAMPLES:\n"
          "sobt -l '*sleep*'\n"
          "    list probes containing \"sleep\"\n"
          "sobt -e 't:syscalls:sys_enter_connect { @[comm] = count(); }'\n"
          "    count connect() calls by process name\n",
          out);
}

static int parse_dump_stage(const char *s, unsigned *dump)
{
    if (strcmp(s, "ast") == 0)
        *dump |= DUMP_AST;
    else if (strcmp(s, "ir") == 0)
        *dump |= DUMP_IR;
    else if (strcmp(s, "bpf") == 0)
        *dump |= DUMP_BPF;
    else if (strcmp(s, "all") == 0)
        *dump |= DUMP_AST | DUMP_IR | DUMP_BPF;
    else
        return -1;
    return 0;
}

enum { OPT_DRY_RUN = 256, OPT_VERIFY, OPT_UNSAFE, OPT_MISSING_PROBES, OPT_INCLUDE };

int parse_options(int argc, char **argv, struct cli_options *o)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"verify", no_argument, NULL, OPT_VERIFY},
        {"unsafe", no_argument, NULL, OPT_UNSAFE},
        {"missing-probes", required_argument, NULL, OPT_MISSING_PROBES},
        {"include", required_argument, NULL, OPT_INCLUDE},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof(*o));
    o->mode = RUN_NORMAL;
    o->missing_probes = -1;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+e:lvqo:d:hVI:k", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (++o->helper_check_level > 2) {
                fprintf(stderr, "ERROR: -k can be given at most twice (-kk)\n");
                print_usage(stderr);
                return -1;
            }
            break;
        case 'e': o->program_text = optarg; break;
        case 'l': o->list = true; break;
        case 'v': o->verbose = true; break;
        case 'q': o->quiet = true; break;
        case 'o': o->output_path = optarg; break;
        case 'd':
            if (parse_dump_stage(optarg, &o->dump) < 0) {
                fprintf(stderr, "ERROR: unknown stage for -d: '%s' (use ast, ir, bpf or all)\n",
                        optarg);
                return -1;
            }
            break;
        case OPT_DRY_RUN: o->mode = RUN_DRY_RUN; break;
        case OPT_VERIFY: o->mode = RUN_VERIFY; break;
        case OPT_UNSAFE: o->unsafe = true; break;
        case 'I':
        case OPT_INCLUDE: {
            bool dir = c == 'I';
            int *n = dir ? &o->ninclude_dirs : &o->ninclude_files;
            if (*n == MAX_INCLUDES) {
                fprintf(stderr, "ERROR: at most %d %s options\n", MAX_INCLUDES,
                        dir ? "-I" : "--include");
                return -1;
            }
            (dir ? o->include_dirs : o->include_files)[(*n)++] = optarg;
            break;
        }
        case OPT_MISSING_PROBES:
            if (strcmp(optarg, "error") == 0)
                o->missing_probes = MISSING_PROBES_ERROR;
            else if (strcmp(optarg, "warn") == 0)
                o->missing_probes = MISSING_PROBES_WARN;
            else if (strcmp(optarg, "ignore") == 0)
                o->missing_probes = MISSING_PROBES_IGNORE;
            else {
                fprintf(stderr, "ERROR: --missing-probes takes error, warn or ignore (got '%s')\n",
                        optarg);
                return -1;
            }
            break;
        case 'h': print_usage(stdout); return 1;
        case 'V': printf("sobt v%s (bpftrace language)\n", SOBT_VERSION); return 1;
        default:
            if (optopt && strchr("eodI", optopt))
                fprintf(stderr, "ERROR: option -%c needs an argument\n", optopt);
            else
                fprintf(stderr, "ERROR: unknown option '%s'\n", argv[optind - 1]);
            print_usage(stderr);
            return -1;
        }
    }
    int rest = argc - optind;
    if (o->list) {
        if (rest > 1 || o->program_text) {
            fprintf(stderr, "ERROR: -l takes at most one search pattern\n");
            return -1;
        }
        o->list_pattern = rest ? argv[optind] : NULL;
        return 0;
    }
    /* as in bpftrace: whatever follows the program are its $1, $2, ... */
    if (!o->program_text) {
        if (rest < 1) {
            fprintf(stderr, "ERROR: no program given: use -e 'program' or a file\n");
            print_usage(stderr);
            return -1;
        }
        o->filename = argv[optind++];
    }
    o->params = argv + optind;
    o->nparams = argc - optind;
    return 0;
}
