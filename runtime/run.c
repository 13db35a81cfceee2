/* runtime_run: load, attach, run BEGIN, read events until exit() or a
 * signal, run END, print the maps, detach. The order and what is dropped
 * after exit() follow bpftrace 0.17: records queued behind an exit() (or
 * arriving after SIGINT) are not printed, END still runs and its output is
 * printed, and the maps are printed once at the end. Records the programs
 * could not queue are reported as "Lost N events" as they are found, and
 * once more before END. With --metrics the endpoint's port is taken before
 * anything is loaded, served from BEGIN on, and closed when tracing stops,
 * before END (metrics_server.h). */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "attach.h"
#include "diag.h"
#include "events.h"
#include "loader.h"
#include "losses.h"
#include "metrics_server.h"
#include "output/output.h"
#include "output/stack_maps.h"
#include "providers/provider.h"
#include "run.h"
#include "symbols/ksyms.h"
#include "symbols/usyms.h"
#include "tracefs_mount.h"
#include "usdt_semaphores.h"

/* How long one wait for events lasts; a signal also ends it early. */
#define POLL_TIMEOUT_MS 100

static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

struct saved_signals {
    struct sigaction intr, term;
};

static void catch_stop_signals(struct saved_signals *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = request_stop;
    sigemptyset(&sa.sa_mask);
    /* The wait for events (epoll_wait, poll) ends with EINTR even so;
     * SA_RESTART keeps a write to a slow reader, or the read of a system()
     * command's output, from being cut short and losing output. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &saved->intr);
    sigaction(SIGTERM, &sa, &saved->term);
}

static void restore_signals(const struct saved_signals *saved)
{
    sigaction(SIGINT, &saved->intr, NULL);
    sigaction(SIGTERM, &saved->term, NULL);
}

static bool uses_tracefs(const struct compiled_program *prog)
{
    for (int i = 0; i < prog->nprogs; i++) {
        const struct provider *p = provider_for(prog->progs[i].provider);
        if (p && p->needs_tracefs)
            return true;
    }
    return false;
}

static void print_attaching(const struct output *out, int nprobes)
{
    out->format->attached_probes(out, nprobes);
    fflush(out->file);
}

/* Run every BEGIN (or END) block, in the order of the script. */
static int run_special(const struct compiled_program *prog, const struct loaded_program *lp,
                       enum probe_provider which)
{
    const struct provider *p = provider_for(which);
    for (int i = 0; i < prog->nprogs; i++) {
        if (prog->progs[i].provider != which)
            continue;
        if (p->run(lp->prog_fds[i], loader_probe_name(prog, i)) != 0)
            return -1;
    }
    return 0;
}

/* Read events until exit() or a signal. Returns 0, or -1 after an error.
 * The record handlers stop at the first record after a stop request, so a
 * signal ends this within one record's work, however long the queue. */
static int trace_until_stopped(struct events *ev, struct losses *losses, const struct output *out,
                               struct target_process *target)
{
    ev->stop = &stop_requested;
    int rc = 0;
    while (!stop_requested && !ev->exit_seen) {
        int n = events_poll(ev, POLL_TIMEOUT_MS, target ? target_process_fd(target) : -1);
        losses_report_events(losses, out);
        if (n < 0 && n != -EINTR && n != EVENTS_STOPPED) {
            diag_plain_error("reading events failed: %s", strerror(-n));
            rc = -1;
            break;
        }
        /* The traced process is gone (-p, -c): what it sent is printed,
         * then tracing ends as after exit(). */
        if (target && target_process_has_exited(target)) {
            events_drain(ev);
            break;
        }
    }
    ev->stop = NULL;
    return rc;
}

struct exec_semaphores {
    struct usdt_semaphores *semaphores;
    const struct compiled_program *prog;
};

/* -c on a kernel that does not count usdt semaphores: the command's are
 * raised in its new image, before it runs a single instruction. */
static void raise_after_exec(void *arg, pid_t pid)
{
    struct exec_semaphores *e = arg;
    usdt_semaphores_raise_in(e->semaphores, e->prog, pid);
}

static int trace(const struct compiled_program *prog, const struct loaded_program *lp,
                 struct attach_set *attached, struct events *ev, struct losses *losses,
                 const struct output *out, struct metrics_server **metrics,
                 struct target_process *target, struct usdt_semaphores *semaphores)
{
    struct exec_semaphores after_exec = {semaphores, prog};
    int rc = 0;
    if (*metrics && metrics_serve(*metrics, prog, lp->map_fds) != 0)
        rc = -1;
    if (rc == 0)
        rc = run_special(prog, lp, PROV_BEGIN);
    /* -c: the command runs once everything is attached and BEGIN is done */
    if (rc == 0 && target)
        rc = target_process_start(target, usdt_semaphores_needed(prog) ? raise_after_exec : NULL,
                                  &after_exec);
    if (rc == 0)
        rc = trace_until_stopped(ev, losses, out, target);
    /* Tracing is over: the endpoint closes before END changes the maps. */
    metrics_close(*metrics);
    *metrics = NULL;

    /* Whatever is still queued after exit() or a signal is dropped, as
     * bpftrace does; stopping the programs first keeps maps still while END
     * runs and while they are printed. Closing the links is enough for that
     * and fast; the perf events are closed (slowly) after the output. */
    ev->discard = true;
    loader_set_stop_flag(prog, lp);
    attach_stop_all(attached);
    events_drain(ev);
    ev->discard = false;
    ev->exit_seen = false;
    losses_report_events(losses, out); /* the programs are stopped: the last word */
    if (rc == 0)
        rc = run_special(prog, lp, PROV_END);
    if (rc == 0) {
        events_drain(ev); /* END's own output, up to its exit() */
        losses_report_events(losses, out);
        fflush(out->file);
        losses_report_stacks(losses, prog);
        if (!prog->settings.no_print_maps_on_exit)
            output_print_maps_at_exit(out, prog, lp->map_fds);
        fflush(out->file);
        if (out->console != out->file)
            fflush(out->console);
    }
    if (rc == 0 && ev->error)
        rc = -1;
    return rc;
}

static int run_loaded(const struct compiled_program *prog, const struct run_options *opts,
                      const struct output *out, FILE *err, struct metrics_server **metrics);

int runtime_run(const struct compiled_program *prog, const struct run_options *opts)
{
    FILE *file = opts->out ? opts->out : stdout;
    struct output out = {
        .file = file,
        .console = opts->console ? opts->console : file,
        .format = opts->format ? opts->format : &output_format_text,
    };
    FILE *err = diag_stream ? diag_stream : stderr;
    usym_configure(!prog->settings.no_user_symbols, !prog->settings.no_cpp_demangle,
                   prog->settings.cache_user_symbols != USYM_CACHE_NONE,
                   prog->settings.cache_user_symbols == USYM_CACHE_PER_PROGRAM);
    if (prog->settings.vmlinux_path) {
        int n = ksym_load_vmlinux(prog->settings.vmlinux_path);
        if (n < 0) {
            diag_plain_error("could not read kernel symbols from %s (BPFTRACE_VMLINUX): %s",
                             prog->settings.vmlinux_path, strerror(-n));
            return 1;
        }
    }
    runtime_raise_memlock();
    if (!runtime_has_bpf_permission()) {
        diag_plain_error("%s", runtime_permission_message);
        return 1;
    }
    if (opts->mode != RUN_VERIFY && uses_tracefs(prog) && tracefs_ensure_mounted() != 0) {
        diag_plain_error("tracefs is not mounted and could not be mounted at /sys/kernel/tracing");
        return 1;
    }
    /* Catch SIGINT/SIGTERM before saying "Attaching": a user (or a script)
     * may press Ctrl-C as soon as they see it, and that must stop tracing
     * cleanly with END and the map dump, not kill us mid-attach. */
    /* The endpoint's port is taken before anything is loaded or attached,
     * so that a taken port is one error and nothing else. */
    struct metrics_server *metrics = NULL;
    if (opts->metrics && opts->mode == RUN_NORMAL && !(metrics = metrics_listen(opts->metrics)))
        return 1;
    struct saved_signals saved;
    stop_requested = 0;
    catch_stop_signals(&saved);
    int rc = run_loaded(prog, opts, &out, err, &metrics);
    restore_signals(&saved);
    metrics_close(metrics); /* when tracing never started */
    return rc;
}

static int run_loaded(const struct compiled_program *prog, const struct run_options *opts,
                      const struct output *out, FILE *err, struct metrics_server **metrics)
{
    int nprobes = attach_count_probes(prog);
    if (opts->mode != RUN_VERIFY && nprobes == 0) {
        /* every probe left out by missing_probes = warn|ignore: bpftrace's
         * words, on stdout, and exit status 1 */
        if (!opts->quiet) {
            fputs("No probes to attach\n", out->file);
            fflush(out->file);
        }
        return 1;
    }
    if (opts->mode != RUN_VERIFY && !opts->quiet)
        print_attaching(out, nprobes);

    struct loaded_program lp;
    if (loader_load(prog, opts->verbose, err, &lp) != 0)
        return 1;
    if (opts->mode == RUN_VERIFY) {
        loader_unload(&lp);
        return 0;
    }

    struct events ev;
    struct losses losses = {.fd = -1};
    struct attach_set attached = {.dispatch = SYSCALL_DISPATCH_INIT};
    /* The printers read stack maps; a failure here only costs the symbols of
     * processes that exit before the maps are printed. */
    output_use_maps(prog, lp.map_fds);
    int rc = events_open(&ev, prog, &lp, out, !opts->hold_output);
    if (rc == 0)
        rc = losses_open(&losses, prog, &lp);
    if (rc == 0)
        rc = loader_set_start_time(prog, &lp);
    if (rc == 0 && opts->verbose)
        attach_list_probes(prog, err);
    providers_set_target(opts->target ? opts->target->pid : 0, opts->target && opts->target->is_child);
    if (rc == 0)
        rc = attach_all(prog, &lp, &attached);
    struct usdt_semaphores semaphores = {0};
    if (rc == 0)
        usdt_semaphores_raise(&semaphores, prog,
                              opts->target && !opts->target->is_child ? opts->target->pid : 0,
                              opts->usdt_file_activation);
    /* --dry-run (as in current bpftrace): attach, then stop at once; no
     * BEGIN, no events, no map dump. */
    if (rc == 0 && opts->mode == RUN_NORMAL)
        rc = trace(prog, &lp, &attached, &ev, &losses, out, metrics, opts->target, &semaphores);
    usdt_semaphores_lower(&semaphores);
    attach_release_all(&attached);
    losses_close(&losses);
    events_close(&ev);
    output_use_maps(NULL, NULL);
    loader_unload(&lp);
    return rc == 0 ? ev.exit_code : 1;
}
