/* Parsing the command line. Each bad option or value is one line on stderr
 * and exit status 1, as in bpftrace. */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/format.h"
#include "sobt_config.h"

/* One -d stage name; current bpftrace's names are accepted for sobt's stages. */
static int dump_stage_bits(const char *s, size_t len)
{
    static const struct {
        const char *name;
        unsigned bits;
    } stages[] = {
        {"ast", DUMP_AST},         {"ir", DUMP_IR},   {"codegen-opt", DUMP_IR},
        {"bpf", DUMP_BPF},         {"dis", DUMP_BPF}, {"all", DUMP_AST | DUMP_IR | DUMP_BPF},
    };
    for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++)
        if (strlen(stages[i].name) == len && strncmp(stages[i].name, s, len) == 0)
            return (int)stages[i].bits;
    return -1;
}

/* "ast", "ast,ir": the stages' bits, or -1 when a name is not a stage. */
static int parse_dump_stages(const char *list)
{
    unsigned bits = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        int b = dump_stage_bits(p, len);
        if (b < 0)
            return -1;
        bits |= (unsigned)b;
        p += len;
        if (*p == ',')
            p++;
    }
    return bits ? (int)bits : -1;
}

/* bpftrace 0.17's -d: print the AST and the IR, do not run. */
static void set_bare_debug(struct cli_options *o)
{
    o->dump |= DUMP_AST | DUMP_IR;
    o->compile_only = true;
}

/* -d has two meanings. bpftrace 0.17's -d takes no value: a dry run that
 * prints the AST and the LLVM IR (-dd adds more). sobt's (and current
 * bpftrace's) -d STAGE names what to print and then runs. getopt hands -d
 * the next argument either way; when that is not a stage list it belongs to
 * the command line, and getopt is made to read it again. Returns -1 after
 * an error. */
static int parse_debug(char **argv, struct cli_options *o)
{
    int bits = parse_dump_stages(optarg);
    if (bits >= 0) {
        o->dump |= (unsigned)bits;
        return 0;
    }
    bool attached = optarg != argv[optind - 1];
    if (attached && strcmp(optarg, "d") == 0) { /* -dd */
        o->dump |= DUMP_AST | DUMP_IR | DUMP_BPF;
        o->compile_only = true;
        return 0;
    }
    if (attached) { /* -dfoo */
        fprintf(stderr, "ERROR: unknown stage for -d: '%s' (use ast, ir, bpf or all)\n", optarg);
        return -1;
    }
    optind--; /* the argument after -d is read again */
    set_bare_debug(o);
    return 0;
}

/* The position of `value` among `names` (NULL-terminated), or -1. */
static int position_of(const char *value, const char *const names[])
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], value) == 0)
            return i;
    return -1;
}

/* -B line|full|none */
static int parse_buffering(const char *s, enum buffer_mode *mode)
{
    static const char *const modes[] = {"line", "full", "none", NULL};
    static const enum buffer_mode values[] = {BUFFER_LINE, BUFFER_FULL, BUFFER_NONE};
    int i = position_of(s, modes);
    if (i < 0) {
        fprintf(stderr, "ERROR: -B must be either 'line', 'full', or 'none' (got '%s')\n", s);
        return -1;
    }
    *mode = values[i];
    return 0;
}

/* error|warn|ignore: an enum missing_probes_policy, or -1 */
static int missing_probes_policy_of(const char *s)
{
    static const char *const policies[] = {"error", "warn", "ignore", NULL};
    static const enum missing_probes_policy values[] = {
        MISSING_PROBES_ERROR, MISSING_PROBES_WARN, MISSING_PROBES_IGNORE};
    int i = position_of(s, policies);
    return i < 0 ? -1 : (int)values[i];
}

/* --missing-probes=error|warn|ignore */
static int parse_missing_probes(const char *s, int *policy)
{
    *policy = missing_probes_policy_of(s);
    if (*policy < 0) {
        fprintf(stderr, "ERROR: --missing-probes takes error, warn or ignore (got '%s')\n", s);
        return -1;
    }
    return 0;
}

static int add_include(struct cli_options *o, bool dir, const char *path)
{
    int *n = dir ? &o->ninclude_dirs : &o->ninclude_files;
    if (*n == MAX_INCLUDES) {
        fprintf(stderr, "ERROR: at most %d %s options\n", MAX_INCLUDES, dir ? "-I" : "--include");
        return -1;
    }
    (dir ? o->include_dirs : o->include_files)[(*n)++] = path;
    return 0;
}

/* After the options: the program (-e or a file) and its arguments, or -l's
 * pattern. */
static int parse_operands(int argc, char **argv, struct cli_options *o)
{
    int rest = argc - optind;
    if (o->list) {
        if (rest > 0 && o->program_text) {
            fprintf(stderr, "ERROR: -l with -e lists the program's probes: no search pattern "
                            "as well\n");
            return -1;
        }
        o->list_patterns = argv + optind;
        o->nlist_patterns = rest;
        return 0;
    }
    if (o->info)
        return 0;
    /* as in bpftrace: whatever follows the program are its $1, $2, ... */
    if (!o->program_text) {
        if (argc == 1) { /* a bare `sobt`, as a bare `bpftrace`: the usage */
            print_usage(stderr);
            return -1;
        }
        if (rest < 1) {
            fprintf(stderr, "ERROR: no program given: use -e 'program' or a file\n");
            return -1;
        }
        o->filename = argv[optind++];
    }
    /* After `--` (which option parsing either took, or left among the
     * operands when they began before it), "--name[=value]" is a named
     * parameter (getopt()); the rest are positional. The positional ones
     * are moved first, keeping their order, the `--` dropped. */
    bool after_dashes = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
    int nparams = 0;
    for (int i = optind; i < argc; i++) {
        if (!after_dashes && strcmp(argv[i], "--") == 0) {
            after_dashes = true;
            memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof(*argv));
            argc--;
            i--;
            continue;
        }
        if (after_dashes && strncmp(argv[i], "--", 2) == 0 && argv[i][2] != '\0')
            continue;
        char *positional = argv[i];
        memmove(&argv[optind + nparams + 1], &argv[optind + nparams],
                (size_t)(i - optind - nparams) * sizeof(*argv));
        argv[optind + nparams++] = positional;
    }
    o->params = argv + optind;
    o->nparams = nparams;
    o->named_params = argv + optind + nparams;
    o->nnamed_params = argc - optind - nparams;
    return 0;
}

enum {
    OPT_DRY_RUN = 256,
    OPT_VERIFY,
    OPT_UNSAFE,
    OPT_MISSING_PROBES,
    OPT_INCLUDE,
    OPT_INFO,
    OPT_NO_WARNINGS,
    OPT_EMIT_ELF,
    OPT_EMIT_LLVM,
    OPT_USDT_FILE_ACTIVATION,
    OPT_METRICS,
};

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"verify", no_argument, NULL, OPT_VERIFY},
    {"unsafe", no_argument, NULL, OPT_UNSAFE},
    {"missing-probes", required_argument, NULL, OPT_MISSING_PROBES},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"info", no_argument, NULL, OPT_INFO},
    {"no-warnings", no_argument, NULL, OPT_NO_WARNINGS},
    {"emit-elf", required_argument, NULL, OPT_EMIT_ELF},
    {"emit-llvm", required_argument, NULL, OPT_EMIT_LLVM},
    {"usdt-file-activation", no_argument, NULL, OPT_USDT_FILE_ACTIVATION},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {NULL, 0, NULL, 0},
};

/* The options that take a value, for the "needs an argument" message. */
static const char *const options_with_values = "eodIfBpc";

static void report_bad_option(char **argv)
{
    if (optopt >= OPT_DRY_RUN)
        fprintf(stderr, "ERROR: option '%s' needs an argument (see sobt --help)\n",
                argv[optind - 1]);
    else if (optopt > 0 && optopt < 128 && strchr(options_with_values, optopt))
        fprintf(stderr, "ERROR: option -%c needs an argument (see sobt --help)\n", optopt);
    else if (optopt > 0 && optopt < 128)
        fprintf(stderr, "ERROR: unknown option '-%c' (see sobt --help)\n", optopt);
    else
        fprintf(stderr, "ERROR: unknown option '%s' (see sobt --help)\n", argv[optind - 1]);
}

int parse_options(int argc, char **argv, struct cli_options *o)
{
    memset(o, 0, sizeof(*o));
    o->mode = RUN_NORMAL;
    o->missing_probes = -1;
    o->format = &output_format_text;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+e:lvqo:d:hVI:kf:B:p:c:", long_options, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'k':
            if (++o->helper_check_level > 2) {
                fprintf(stderr, "ERROR: -k can be given at most twice (-kk)\n");
                return -1;
            }
            break;
        case 'e': o->program_text = optarg; break;
        case 'l': o->list = true; break;
        case 'v': o->verbose = true; break;
        case 'q': o->quiet = true; break;
        case 'o': o->output_path = optarg; break;
        case 'd': rc = parse_debug(argv, o); break;
        case 'f':
            o->format = output_format_named(optarg);
            if (!o->format) {
                fprintf(stderr, "ERROR: Invalid output format \"%s\" (valid formats: 'text', "
                                "'json')\n",
                        optarg);
                rc = -1;
            }
            break;
        case 'B': rc = parse_buffering(optarg, &o->buffering); break;
        case 'p': o->pid_text = optarg; break;
        case 'c': o->command = optarg; break;
        case OPT_USDT_FILE_ACTIVATION: o->usdt_file_activation = true; break;
        case OPT_DRY_RUN: o->mode = RUN_DRY_RUN; break;
        case OPT_VERIFY: o->mode = RUN_VERIFY; break;
        case OPT_UNSAFE: o->unsafe = true; break;
        case OPT_INFO: o->info = true; break;
        case OPT_NO_WARNINGS: o->no_warnings = true; break;
        case OPT_EMIT_ELF:
            o->emit_elf = optarg;
            o->compile_only = true;
            break;
        case OPT_EMIT_LLVM: o->emit_llvm = optarg; break;
        case OPT_METRICS:
            o->metrics = true;
            rc = metrics_parse_address(optarg, &o->metrics_address);
            break;
        case 'I':
        case OPT_INCLUDE: rc = add_include(o, c == 'I', optarg); break;
        case OPT_MISSING_PROBES: rc = parse_missing_probes(optarg, &o->missing_probes); break;
        case 'h': print_usage(stdout); return 1;
        case 'V': printf("sobt v%s (bpftrace language)\n", SOBT_VERSION); return 1;
        case '?':
            if (optopt == 'd') { /* -d last on the line */
                set_bare_debug(o);
                break;
            }
            /* fall through */
        default:
            report_bad_option(argv);
            return -1;
        }
        if (rc < 0)
            return -1;
    }
    if (o->pid_text && o->command) {
        fprintf(stderr, "ERROR: -p and -c cannot be used together\n");
        return -1;
    }
    /* bpftrace's config variables have BPFTRACE_ environment twins, which
     * win over the script's config block (as --missing-probes does) */
    const char *env_missing = getenv("BPFTRACE_MISSING_PROBES");
    if (o->missing_probes < 0 && env_missing) {
        o->missing_probes = missing_probes_policy_of(env_missing);
        if (o->missing_probes < 0) {
            fprintf(stderr, "ERROR: Env var 'BPFTRACE_MISSING_PROBES': Invalid value for "
                            "missing_probes: valid values are ignore, warn, and error.\n");
            return -1;
        }
    }
    if (o->emit_llvm && o->dump) {
        fprintf(stderr, "ERROR: --emit-llvm cannot be combined with -d (both print the IR)\n");
        return -1;
    }
    return parse_operands(argc, argv, o);
}
