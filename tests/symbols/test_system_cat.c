/* system() and cat() end to end: compiled from source, run by runtime_run on
 * this kernel, stdout and stderr compared with what bpftrace 0.17 printed for
 * the same program (the file names aside):
 *
 *   bpftrace --unsafe -e 'BEGIN { cat("/nonexist"); cat("F"); printf("|\n");
 *       cat("%s", "F"); system("echo out; echo err >&2; exit 3");
 *       printf("after\n"); system("printf %d-%s", 42, "xy"); exit(); }'
 *
 * stdout: "Attaching 1 probe...\nabc|\nabcout\nafter\n42-xy\n\n" (exit status 0)
 * stderr: "ERROR: failed to open file '/nonexist': No such file or directory\nerr\n"
 *
 * and cat() of a 20000-byte file prints its first 10240 bytes (bpftrace's
 * cat_bytes_max). Needs root; fails loudly without. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/check.h"
#include "compile.h"
#include "diag.h"
#include "run.h"

static char *read_all(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    char *text = calloc(1, (size_t)n + 1);
    rewind(f);
    if (!text || fread(text, 1, (size_t)n, f) != (size_t)n)
        die("cannot read back the output");
    return text;
}

/* Runs `source` with --unsafe; stdout and stderr (ours and the shell's) captured. */
static int run_source(const char *source, char **out_text, char **err_text)
{
    struct compile_options copts = {
        .filename = "stdin", .text = source, .unsafe = true, .strlen = 64};
    struct compiled_program *prog = compile_program(&copts);
    if (!prog)
        die("the program did not compile:\n%s", source);
    FILE *out = tmpfile(), *err = tmpfile();
    if (!out || !err)
        die("tmpfile failed");
    fflush(stderr);
    int saved_stderr = dup(2);
    dup2(fileno(err), 2); /* the shell run by system() writes to our fd 2 */
    struct run_options ropts = {.mode = RUN_NORMAL, .out = out};
    int status = runtime_run(prog, &ropts);
    fflush(stderr);
    dup2(saved_stderr, 2);
    close(saved_stderr);
    compiled_program_free(prog);
    *out_text = read_all(out);
    *err_text = read_all(err);
    fclose(out);
    fclose(err);
    return status;
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0)
        die("cannot write %s", path);
}

static void check_against_bpftrace_text(void)
{
    char path[] = "/tmp/sobt-cat-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        die("mkstemp failed");
    close(fd);
    write_file(path, "abc", 3);

    char source[1024];
    snprintf(source, sizeof(source),
             "BEGIN { cat(\"/nonexist\"); cat(\"%s\"); printf(\"|\\n\"); cat(\"%%s\", \"%s\");"
             " system(\"echo out; echo err >&2; exit 3\"); printf(\"after\\n\");"
             " system(\"printf %%d-%%s\", 42, \"xy\"); exit(); }",
             path, path);
    char *out, *err;
    int status = run_source(source, &out, &err);
    unlink(path);
    expect_true("exit status 0 (system's status and cat's error do not fail the run)", status == 0);
    expect_text("stdout of system() and cat()", out,
                "Attaching 1 probe...\nabc|\nabcout\nafter\n42-xy\n\n");
    expect_text("stderr of system() and cat()", err,
                "ERROR: failed to open file '/nonexist': No such file or directory\nerr\n");
    free(out);
    free(err);
}

static void check_cat_limit(void)
{
    char path[] = "/tmp/sobt-cat-big-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        die("mkstemp failed");
    close(fd);
    char *big = malloc(20000), *want = malloc(20000 + 64);
    if (!big || !want)
        die("out of memory");
    memset(big, 'x', 20000);
    write_file(path, big, 20000);
    char source[512];
    snprintf(source, sizeof(source), "BEGIN { cat(\"%s\"); printf(\"|\\n\"); exit(); }", path);
    char *out, *err;
    int status = run_source(source, &out, &err);
    unlink(path);
    int n = sprintf(want, "Attaching 1 probe...\n");
    memset(want + n, 'x', 10240);
    strcpy(want + n + 10240, "|\n\n\n");
    expect_true("cat() of a big file: exit status 0", status == 0);
    expect_text("cat() stops after 10240 bytes", out, want);
    free(big);
    free(want);
    free(out);
    free(err);
}

int main(void)
{
    if (geteuid() != 0)
        die("this test loads BPF programs and needs root");
    check_against_bpftrace_text();
    check_cat_limit();
    return test_finish("test_system_cat");
}
