/* sobt: compile a bpftrace program and run it. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compile.h"
#include "diag.h"
#include "emit_files.h"
#include "file_read.h"
#include "info.h"
#include "options.h"
#include "output_file.h"
#include "probes/probes.h"
#include "run.h"

/* The program text of FILE, or of standard input when FILE is "-" (as
 * bpftrace reads it: `echo 'BEGIN { ... }' | sobt -`). */
static char *read_program(const char *path)
{
    size_t len;
    int err = 0;
    char *text = strcmp(path, "-") == 0 ? fd_read_all(STDIN_FILENO, &len, &err)
                                        : file_read_all(path, &len, &err);
    if (!text) {
        fprintf(stderr, "ERROR: failed to open file '%s': %s\n", path, strerror(-err));
        return NULL;
    }
    if (strlen(text) != len) {
        fprintf(stderr, "ERROR: %s contains a NUL byte; it is not a bpftrace program\n", path);
        free(text);
        return NULL;
    }
    return text;
}

/* Compile as the options say; --emit-llvm sends the IR dump to its file.
 * target: the -p process or -c command (pid 0: none). */
static struct compiled_program *compile(const struct cli_options *o, const char *text,
                                        const struct target_process *target)
{
    FILE *llvm_out = NULL;
    if (o->emit_llvm && !(llvm_out = emit_llvm_open(o->emit_llvm)))
        return NULL;
    struct settings settings;
    settings_init(&settings);
    if (settings_read_env(&settings) < 0) {
        if (llvm_out)
            fclose(llvm_out);
        return NULL;
    }
    diag_color = settings.color == COLOR_ALWAYS ||
                 (settings.color == COLOR_AUTO && isatty(STDERR_FILENO));
    struct compile_options copts = {
        .settings = &settings,
        .filename = o->program_text || strcmp(o->filename, "-") == 0 ? "stdin" : o->filename,
        .text = text,
        .unsafe = o->unsafe,
        .dump = llvm_out ? DUMP_IR : o->dump,
        .dump_out = llvm_out ? llvm_out : stdout,
        .strlen = settings.max_strlen,
        .include_dirs = o->include_dirs,
        .ninclude_dirs = o->ninclude_dirs,
        .include_files = o->include_files,
        .ninclude_files = o->ninclude_files,
        .missing_probes_set = o->missing_probes >= 0,
        .missing_probes = o->missing_probes >= 0 ? (enum missing_probes_policy)o->missing_probes
                                                 : MISSING_PROBES_ERROR,
        .verify_only = o->mode == RUN_VERIFY,
        .params = (const char *const *)o->params,
        .nparams = o->nparams,
        .named_params = (const char *const *)o->named_params,
        .nnamed_params = o->nnamed_params,
        .helper_check_level = o->helper_check_level,
        .max_map_keys = settings.max_map_keys,
        /* a -c command has not exec'd yet: its files are named, not its maps */
        .target_pid = target->is_child ? 0 : target->pid,
        .child_pid = target->is_child ? target->pid : 0,
        .command_binary = target->binary,
    };
    struct compiled_program *prog = compile_program(&copts);
    /* the dumps (-d) before anything the program prints */
    fflush(stdout);
    if (llvm_out && emit_llvm_close(llvm_out, o->emit_llvm) != 0) {
        compiled_program_free(prog);
        return NULL;
    }
    return prog;
}

/* Load, attach and trace, with the output where -o, -f and -B say. */
static int run(const struct cli_options *o, const struct compiled_program *prog,
               struct target_process *target)
{
    struct output_file out;
    if (output_file_open(&out, o->output_path, o->buffering) != 0)
        return 1;
    struct run_options ropts = {
        .mode = o->mode,
        .out = out.stream,
        .console = o->output_path ? stdout : out.stream,
        .format = o->format,
        .quiet = o->quiet,
        .verbose = o->verbose,
        .hold_output = o->buffering == BUFFER_FULL,
        .target = target->pid > 0 ? target : NULL,
        .usdt_file_activation = o->usdt_file_activation,
        .metrics = o->metrics ? &o->metrics_address : NULL,
    };
    int rc = runtime_run(prog, &ropts);
    if (output_file_close(&out) != 0)
        rc = 1;
    return rc;
}

/* `sobt script.bt -- --help`: the program's named parameters, not a run. */
static bool has_help_param(const struct cli_options *o)
{
    for (int i = 0; i < o->nnamed_params; i++)
        if (strcmp(o->named_params[i], "--help") == 0)
            return true;
    return false;
}

static void print_program_options(const struct compiled_program *prog)
{
    printf("PROGRAM OPTIONS:\n");
    for (int i = 0; i < prog->noption_help; i++)
        printf("%s\n", prog->option_help[i]);
    if (prog->noption_help == 0)
        printf("    (none: the program calls no getopt())\n");
}

/* -l: a program's probes (-e PROG, or an operand that is a file), or those
 * each pattern matches (all tracepoints without one). */
static int list_program(const struct cli_options *o, const char *name, const char *text)
{
    struct compile_options copts = {
        .filename = name,
        .text = text,
        .include_dirs = o->include_dirs,
        .ninclude_dirs = o->ninclude_dirs,
        .include_files = o->include_files,
        .ninclude_files = o->ninclude_files,
    };
    return compile_list_probes(&copts, stdout, o->verbose);
}

static int list_probes(const struct cli_options *o)
{
    if (o->program_text)
        return list_program(o, "stdin", o->program_text) < 0 ? 1 : 0;
    if (o->nlist_patterns == 0)
        return probes_list(stdout, NULL, o->verbose) < 0 ? 1 : 0;
    for (int i = 0; i < o->nlist_patterns; i++) {
        const char *arg = o->list_patterns[i];
        struct stat st;
        int rc;
        if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
            char *text = read_program(arg);
            rc = text ? list_program(o, arg, text) : -1;
            free(text);
        } else {
            rc = probes_list(stdout, arg, o->verbose);
        }
        if (rc < 0)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct cli_options o;
    int rc = parse_options(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? 1 : 0;
    /* Everything past the options needs root: tracefs is root's only, and
     * loading tracing programs needs CAP_BPF and CAP_PERFMON. Say so first,
     * as bpftrace does, rather than fail later on a symptom (tracefs looks
     * unmounted to other users). */
    if (geteuid() != 0) {
        fprintf(stderr, "ERROR: sobt must run as root: it reads tracefs and loads BPF programs "
                        "(CAP_BPF, CAP_PERFMON)\n");
        return 1;
    }
    tracefs_ensure_mounted();
    diag_no_warnings = o.no_warnings;

    if (o.info) {
        print_info(stderr);
        return 0;
    }
    /* -p and -c before compiling: attach points may name what the process
     * maps, and cpid is the command's pid. */
    struct target_process target = {0};
    if ((o.pid_text && target_process_find(&target, o.pid_text) < 0) ||
        (o.command && !o.list && target_process_spawn(&target, o.command) < 0))
        return 1;
    if (o.list) {
        attach_points_set_process(target.pid, NULL);
        rc = list_probes(&o);
        target_process_release(&target);
        return rc;
    }

    char *owned_text = NULL;
    const char *text = o.program_text;
    if (!text) {
        owned_text = read_program(o.filename);
        if (!owned_text) {
            target_process_release(&target);
            return 1;
        }
        text = owned_text;
    }
    struct compiled_program *prog = compile(&o, text, &target);
    free(owned_text);
    if (!prog) {
        target_process_release(&target);
        return 1;
    }
    if (has_help_param(&o))
        print_program_options(prog);
    else if (o.emit_elf)
        rc = emit_elf_write(o.emit_elf, prog) == 0 ? 0 : 1;
    else if (!o.compile_only)
        rc = run(&o, prog, &target);
    compiled_program_free(prog);
    target_process_release(&target);
    return rc;
}
