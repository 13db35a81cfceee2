/* The process a run traces, as bpftrace's -p and -c make one: an existing
 * process (-p PID), or a command started for the purpose (-c 'CMD ARGS'):
 * forked before the program is compiled (its pid is `cpid`), held before
 * exec until every probe is attached, then let go. Either way tracing ends
 * when the process exits. */
#ifndef SOBT_RUNTIME_TARGET_PROCESS_H
#define SOBT_RUNTIME_TARGET_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

struct target_process {
    pid_t pid;         /* 0: none */
    bool is_child;     /* started by -c */
    char *binary;      /* -c: the command's executable, as found in $PATH */
    int pidfd;         /* readable once the process has exited; -1 */
    int go_fd;         /* -c: writing a byte lets the child exec; -1 once done */
    int exec_error_fd; /* -c: the child's exec errno, or end of file once it exec'd */
    bool started;      /* -c: the command was let go */
    bool exited;
};

/* -p: the process with this pid (from the command line, as text). Returns
 * 0, or -1 after one error line (not a number, no such process). */
int target_process_find(struct target_process *tp, const char *pid_text);

/* -c: forks the command, stopped before its exec. Returns 0, or -1 after
 * one error line (empty command, executable not found). */
int target_process_spawn(struct target_process *tp, const char *command);

/* -c: lets the command exec. With after_exec, the command stops right after
 * its exec (traced, as bpftrace's -c does when it has usdt semaphores to
 * raise), after_exec(arg, pid) sees the new image, then the command runs on,
 * no longer traced. Returns 0, or -1 after one error line when the exec
 * failed. */
int target_process_start(struct target_process *tp, void (*after_exec)(void *arg, pid_t pid),
                         void *arg);

/* An fd that becomes readable when the process exits (-1 without one), and
 * whether it has (without waiting). */
int target_process_fd(const struct target_process *tp);
bool target_process_has_exited(struct target_process *tp);

/* Ends the tracing's hold on the process: a -c command that never started
 * is dropped, one still running is terminated (SIGTERM, then SIGKILL), an
 * exited one is reaped. Safe on a zeroed struct. */
void target_process_release(struct target_process *tp);

#endif
