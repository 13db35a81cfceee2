/* floor: loads the hand-written bench programs of floor.bpf.c (one bench
 * program: the BPF programs whose names start with NAME), attaches them,
 * says "Attaching N probes..." as the tracers do, and runs until SIGINT. The
 * printf program's records are printed as "PID COMM" lines, as the script's
 * printf does. Built by bench/bpf.sh; not part of sobt.
 *
 *     floor OBJECT NAME
 *     floor --enable-stats    keeps kernel.bpf_stats on (BPF_ENABLE_STATS)
 *                             until SIGINT, whatever the sysctl says */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

struct print_record {
    unsigned long long pid;
    char comm[16];
};

static int print_record(void *ctx, void *data, size_t size)
{
    (void)ctx;
    const struct print_record *r = data;
    if (size >= sizeof(*r))
        printf("%llu %.16s\n", r->pid, r->comm);
    return 0;
}

static int hold_stats(void)
{
    int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
    if (fd < 0) {
        perror("floor: BPF_ENABLE_STATS");
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("Attaching 0 probes...\n");
    fflush(stdout);
    while (!stopping)
        pause();
    close(fd);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--enable-stats") == 0)
        return hold_stats();
    if (argc != 3) {
        fprintf(stderr, "usage: floor OBJECT NAME\n");
        return 2;
    }
    const char *name = argv[2];
    struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
    if (!obj) {
        perror("floor: open");
        return 1;
    }
    struct bpf_program *prog;
    int wanted = 0;
    bpf_object__for_each_program(prog, obj)
    {
        bool mine = strncmp(bpf_program__name(prog), name, strlen(name)) == 0;
        bpf_program__set_autoload(prog, mine);
        wanted += mine;
    }
    if (wanted == 0 || bpf_object__load(obj)) {
        fprintf(stderr, "floor: no program %s, or it did not load\n", name);
        return 1;
    }
    bpf_object__for_each_program(prog, obj)
    {
        if (!bpf_program__autoload(prog))
            continue;
        if (!bpf_program__attach(prog)) {
            fprintf(stderr, "floor: cannot attach %s\n", bpf_program__name(prog));
            return 1;
        }
    }
    struct ring_buffer *rb = NULL;
    if (strcmp(name, "print") == 0)
        rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "events")),
                              print_record, NULL, NULL);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("Attaching %d probe%s...\n", wanted, wanted == 1 ? "" : "s");
    fflush(stdout);
    while (!stopping) {
        if (rb)
            ring_buffer__poll(rb, 100);
        else
            pause();
    }
    ring_buffer__free(rb);
    bpf_object__close(obj);
    return 0;
}
