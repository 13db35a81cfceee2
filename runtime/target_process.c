/* The process a run traces: -p PID or -c 'CMD ARGS' (see target_process.h).
 * The -c child waits on a pipe before its exec, so nothing of the command
 * runs before the probes are in place; a second, close-on-exec pipe tells
 * whether the exec worked (end of file) or not (its errno). No ptrace. */
#include "target_process.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>

#include "diag.h"

/* How long a -c command still running at the end has to exit after SIGTERM. */
#define TERMINATE_GRACE_MS 500

static int pidfd_open_cloexec(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void reset(struct target_process *tp)
{
    memset(tp, 0, sizeof(*tp));
    tp->pidfd = tp->go_fd = tp->exec_error_fd = -1;
}

int target_process_find(struct target_process *tp, const char *pid_text)
{
    reset(tp);
    char *end;
    errno = 0;
    long pid = strtol(pid_text, &end, 10);
    if (!*pid_text || *end || errno || pid <= 0 || pid > INT_MAX) {
        diag_plain_error("pid '%s' is not a valid decimal number", pid_text);
        return -1;
    }
    tp->pidfd = pidfd_open_cloexec((pid_t)pid);
    if (tp->pidfd < 0) {
        diag_plain_error("no process with pid %ld: %s", pid, strerror(errno));
        return -1;
    }
    tp->pid = (pid_t)pid;
    return 0;
}

static bool is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* What the tracer writes to let the command exec: START, or START_HELD to
 * have it stop after the exec (usdt semaphores to raise in the new image). */
enum { START = 1, START_HELD = 2 };

/* argv[0] as execvp would find it; NULL when there is none. */
static char *find_executable(const char *name)
{
    if (strchr(name, '/'))
        return is_executable_file(name) ? strdup(name) : NULL;
    const char *path = getenv("PATH");
    for (const char *p = path ? path : ""; *p;) {
        size_t n = strcspn(p, ":");
        char candidate[PATH_MAX];
        snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)n, p, name);
        if (n > 0 && is_executable_file(candidate))
            return strdup(candidate);
        p += n + (p[n] == ':');
    }
    return NULL;
}

/* The child until its exec: only async-signal-safe calls. It keeps only
 * its ends of the pipes, so that the tracer closing its end of `go` is an
 * end of file here. */
static void __attribute__((noreturn))
run_child(const int go[2], const int exec_error[2], const char *binary, char **argv)
{
    close(go[1]);
    close(exec_error[0]);
    char byte;
    ssize_t r;
    do
        r = read(go[0], &byte, 1);
    while (r < 0 && errno == EINTR);
    if (r != 1)
        _exit(0); /* the tracer gave up before starting us */
    /* held after the exec: the kernel stops a tracee with SIGTRAP once its
     * new image is in place */
    if (byte == START_HELD && ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
        _exit(126);
    execv(binary, argv);
    int err = errno;
    if (write(exec_error[1], &err, sizeof(err)) < 0)
        _exit(126);
    _exit(127);
}

int target_process_spawn(struct target_process *tp, const char *command)
{
    reset(tp);
    wordexp_t words;
    if (wordexp(command, &words, WRDE_NOCMD) != 0 || words.we_wordc == 0) {
        if (words.we_wordv)
            wordfree(&words);
        diag_plain_error("Failed to fork child: cannot parse the command '%s'", command);
        return -1;
    }
    tp->binary = find_executable(words.we_wordv[0]);
    if (!tp->binary) {
        diag_plain_error("Failed to fork child: path '%s' does not exist or is not executable",
                         words.we_wordv[0]);
        wordfree(&words);
        return -1;
    }
    int go[2], exec_error[2];
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(exec_error, O_CLOEXEC) < 0) {
        diag_plain_error("Failed to fork child: %s", strerror(errno));
        wordfree(&words);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        run_child(go, exec_error, tp->binary, words.we_wordv);
    int err = errno;
    wordfree(&words);
    close(go[0]);
    close(exec_error[1]);
    if (pid < 0) {
        close(go[1]);
        close(exec_error[0]);
        diag_plain_error("Failed to fork child: %s", strerror(err));
        return -1;
    }
    tp->pid = pid;
    tp->is_child = true;
    tp->go_fd = go[1];
    tp->exec_error_fd = exec_error[0];
    tp->pidfd = pidfd_open_cloexec(pid);
    return 0;
}

/* After a held start: waits for the stop at the exec, runs after_exec on
 * the new image, and lets the command go on (untraced). */
static int release_after_exec(struct target_process *tp, void (*after_exec)(void *arg, pid_t pid),
                              void *arg)
{
    int status;
    pid_t r;
    do
        r = waitpid(tp->pid, &status, 0);
    while (r < 0 && errno == EINTR);
    if (r != tp->pid || !WIFSTOPPED(status)) {
        if (r == tp->pid)
            tp->exited = true;
        diag_plain_error("Failed to start child '%s': it did not stop after its exec", tp->binary);
        return -1;
    }
    after_exec(arg, tp->pid);
    if (ptrace(PTRACE_DETACH, tp->pid, NULL, NULL) < 0) {
        diag_plain_error("Failed to start child '%s': %s", tp->binary, strerror(errno));
        return -1;
    }
    return 0;
}

int target_process_start(struct target_process *tp, void (*after_exec)(void *arg, pid_t pid),
                         void *arg)
{
    if (!tp->is_child || tp->started)
        return 0;
    tp->started = true;
    char byte = after_exec ? START_HELD : START;
    ssize_t w = write(tp->go_fd, &byte, 1);
    close(tp->go_fd);
    tp->go_fd = -1;
    int err = 0;
    ssize_t r;
    do
        r = read(tp->exec_error_fd, &err, sizeof(err));
    while (r < 0 && errno == EINTR);
    close(tp->exec_error_fd);
    tp->exec_error_fd = -1;
    if (w == 1 && r == 0)
        return after_exec ? release_after_exec(tp, after_exec, arg) : 0;
    diag_plain_error("Failed to start child '%s': %s", tp->binary,
                     strerror(r == (ssize_t)sizeof(err) ? err : EPIPE));
    return -1;
}

int target_process_fd(const struct target_process *tp)
{
    return tp->pid > 0 ? tp->pidfd : -1;
}

static bool wait_exit(struct target_process *tp, int timeout_ms)
{
    if (tp->exited)
        return true;
    if (tp->pidfd >= 0) {
        struct pollfd p = {.fd = tp->pidfd, .events = POLLIN};
        if (poll(&p, 1, timeout_ms) > 0)
            tp->exited = true;
    } else if (tp->is_child) {
        tp->exited = waitpid(tp->pid, NULL, WNOHANG) == tp->pid;
    }
    return tp->exited;
}

bool target_process_has_exited(struct target_process *tp)
{
    return tp->pid > 0 && wait_exit(tp, 0);
}

void target_process_release(struct target_process *tp)
{
    if (tp->pid <= 0)
        return;
    if (tp->is_child) {
        if (tp->go_fd >= 0)
            close(tp->go_fd); /* never started: it exits on its own */
        else if (!wait_exit(tp, 0)) {
            kill(tp->pid, SIGTERM);
            if (!wait_exit(tp, TERMINATE_GRACE_MS))
                kill(tp->pid, SIGKILL);
        }
        while (waitpid(tp->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        if (tp->exec_error_fd >= 0)
            close(tp->exec_error_fd);
    }
    if (tp->pidfd >= 0)
        close(tp->pidfd);
    free(tp->binary);
    reset(tp);
}
