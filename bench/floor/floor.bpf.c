/* The floor of bench/bpf.sh: each bench program written by hand in BPF C,
 * doing the same work as the sobt script next to it (the same keys, values
 * and loss accounting), the way a careful libbpf user would write it.
 * Built by bench/bpf.sh with clang -target bpf; loaded by floor.c. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define EEXIST 17
#define ENOMEM 12

char LICENSE[] SEC("license") = "GPL";

/* the tracepoint records (/sys/kernel/tracing/events/syscalls/.../format) */
struct sys_enter_connect {
    __u64 common;
    __u64 nr;
    __u64 fd;
    __u64 uservaddr;
    __u64 addrlen;
};

struct raw_sys_enter {
    __u64 common;
    __s64 id;
    __u64 args[6];
};

struct pid_comm {
    __u64 pid;
    char comm[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 4096);
    __type(key, struct pid_comm);
    __type(value, __u64);
} pid_comm_counts SEC(".maps");

/* a count: add in place, insert 1 the first time */
static __always_inline void count_at(void *map, const void *key)
{
    __u64 *v = bpf_map_lookup_elem(map, key);
    if (v) {
        __sync_fetch_and_add(v, 1);
        return;
    }
    __u64 one = 1;
    bpf_map_update_elem(map, key, &one, BPF_ANY);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int pid_comm_count(void *ctx)
{
    struct pid_comm key = {.pid = bpf_get_current_pid_tgid() >> 32};
    bpf_get_current_comm(key.comm, sizeof(key.comm));
    count_at(&pid_comm_counts, &key);
    return 0;
}

/* hist(): bucket 0 for negative values, 1 for 0, 2 + log2 otherwise; a
 * hash keyed by bucket, as a keyed histogram needs */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 4096);
    __type(key, __u64);
    __type(value, __u64);
} hist_buckets SEC(".maps");

static __always_inline __u64 hist_bucket(__s64 v)
{
    if (v < 0)
        return 0;
    if (v == 0)
        return 1;
    __u64 x = v;
    __u64 b = 2;
    if (x >> 32) {
        x >>= 32;
        b += 32;
    }
    if (x >> 16) {
        x >>= 16;
        b += 16;
    }
    if (x >> 8) {
        x >>= 8;
        b += 8;
    }
    if (x >> 4) {
        x >>= 4;
        b += 4;
    }
    if (x >> 2) {
        x >>= 2;
        b += 2;
    }
    if (x >> 1)
        b += 1;
    return b;
}

static __always_inline void hist_add(void *map, __s64 value)
{
    __u64 b = hist_bucket(value);
    count_at(map, &b);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int hist(struct sys_enter_connect *ctx)
{
    hist_add(&hist_buckets, (int)ctx->addrlen);
    return 0;
}

/* printf("%d %s\n", pid, comm): a record to the ring buffer; losses counted */
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64[2]); /* lost events, lost stacks */
} losses SEC(".maps");

struct print_record {
    __u64 pid;
    char comm[16];
};

static __always_inline void count_loss(int which)
{
    __u32 zero = 0;
    __u64 *l = bpf_map_lookup_elem(&losses, &zero);
    if (l)
        __sync_fetch_and_add(&l[which], 1);
}

SEC("tracepoint/syscalls/sys_enter_connect")
int print(void *ctx)
{
    struct print_record r = {.pid = bpf_get_current_pid_tgid() >> 32};
    bpf_get_current_comm(r.comm, sizeof(r.comm));
    if (bpf_ringbuf_output(&events, &r, sizeof(r), 0))
        count_loss(0);
    return 0;
}

/* @[kstack] = count() */
struct {
    __uint(type, BPF_MAP_TYPE_STACK_TRACE);
    __uint(max_entries, 4096);
    __uint(key_size, 4);
    __uint(value_size, 127 * 8);
} stacks SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 4096);
    __type(key, __s64);
    __type(value, __u64);
} stack_counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_connect")
int kstack_count(void *ctx)
{
    __s64 id = bpf_get_stackid(ctx, &stacks, 0);
    if (id == -EEXIST || id == -ENOMEM)
        count_loss(1);
    count_at(&stack_counts, &id);
    return 0;
}

/* @[comm] = count() */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 4096);
    __type(key, char[16]);
    __type(value, __u64);
} comm_counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_connect")
int comm_count(void *ctx)
{
    char comm[16];
    bpf_get_current_comm(comm, sizeof(comm));
    count_at(&comm_counts, comm);
    return 0;
}

/* the latency pair: @s[tid] = nsecs on entry; on exit, if set, the
 * difference into a histogram and the start deleted */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, __u64);
    __type(value, __u64);
} starts SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 4096);
    __type(key, __u64);
    __type(value, __u64);
} latency_buckets SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_connect")
int latency_enter(void *ctx)
{
    __u64 tid = (__u32)bpf_get_current_pid_tgid();
    __u64 now = bpf_ktime_get_ns();
    bpf_map_update_elem(&starts, &tid, &now, BPF_ANY);
    return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int latency_exit(void *ctx)
{
    __u64 tid = (__u32)bpf_get_current_pid_tgid();
    __u64 *start = bpf_map_lookup_elem(&starts, &tid);
    if (!start || !*start)
        return 0;
    hist_add(&latency_buckets, bpf_ktime_get_ns() - *start);
    bpf_map_delete_elem(&starts, &tid);
    return 0;
}

/* t:syscalls:sys_enter_* { @[probe] = count(); }: one program on
 * raw_syscalls counting by syscall number */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 1024);
    __type(key, __u64);
    __type(value, __u64);
} syscall_counts SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_enter")
int wildcard(struct raw_sys_enter *ctx)
{
    __u64 nr = ctx->id;
    count_at(&syscall_counts, &nr);
    return 0;
}
