/* The compiled program: everything the runtime needs and nothing it must
 * re-derive from the AST. This is the only header the runtime takes from the
 * compiler; it describes BPF objects (an ELF image, maps, programs, attach
 * points) and how to decode and print the bytes that come back from the kernel. */
#ifndef SOBT_PROGRAM_H
#define SOBT_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a value stored in a map key, map value or event record is printed. */
enum value_kind {
    VK_INT,      /* integer of size 1/2/4/8, is_signed */
    VK_STRING,   /* NUL-padded char[size] */
    VK_PROBE,    /* u64 index into program->probe_names */
    VK_KSTACK,   /* size 8: u64 stack id in maps[program->kstack_map_id] (a
                    BPF_MAP_TYPE_STACK_TRACE); frames printed: value_desc.frames */
    VK_USTACK,   /* size 16: u64 stack id in maps[program->ustack_map_id], u64 pid
                    (tgid) whose memory map symbolizes it; frames: value_desc.frames */
    VK_KSYM,     /* size 8: u64 kernel address printed as a symbol */
    VK_USYM,     /* size 16: u64 user address, u64 pid (tgid) */
    VK_INET,     /* size 24: u64 family (AF_INET/AF_INET6), then 16 address bytes:
                    printed like ntop() */
    VK_TUPLE,    /* `inner` holds the elements: "(1, a)" */
    VK_RECORD,   /* a struct or union: `inner` holds its named members (those of
                    anonymous members among them): "{ .a = 1, .b = 2 }" */
    VK_ARRAY,    /* `count` elements, each laid out as inner->fields[0] (offset 0)
                    and `size / count` bytes apart: "[1,2]" */
    VK_BUFFER,   /* buf(): u8 length, then size - 1 bytes; printed as %r prints it */
    VK_MACADDR,  /* size 6: printed "AA:BB:CC:DD:EE:FF" */
    VK_CGROUP_PATH, /* size 16: u64 cgroup id, u64 index of its filter in value_strings:
                       printed "unified:/a/b,memory:/..." */
    VK_STRERROR, /* size 8: an error number printed as strerror() says it */
    VK_USERNAME, /* size 8: a uid printed as its user name */
    VK_SYSCALL_NAME, /* size 8: a syscall number printed as its name ("read") */
    VK_TIMESTAMP, /* size 16: u64 ns since boot, u64 index of its strftime format in
                     value_strings: printed as that wall-clock time */
    VK_NONE,     /* padding / unused */
};

/* How a stack is printed: kstack(mode), ustack(mode), BPFTRACE_STACK_MODE. */
enum stack_mode {
    STACK_MODE_BPFTRACE, /* "func+off" */
    STACK_MODE_PERF,     /* "addr func+off (module)" */
    STACK_MODE_RAW,      /* "addr" */
};

struct record_desc;

struct value_desc {
    enum value_kind kind;
    uint32_t size;   /* bytes occupied */
    uint32_t offset; /* from the start of the enclosing record */
    bool is_signed;
    bool is_pointer; /* VK_INT: an address (printed in hex inside map keys, as bpftrace) */
    bool is_bool;    /* VK_INT: printed true or false */
    uint32_t frames; /* VK_KSTACK/VK_USTACK: most frames to print (kstack(N)); 127 default */
    char *name;      /* a VK_RECORD member's name; NULL elsewhere */
    uint32_t bit_offset, bit_size; /* a bitfield member: bits past `offset`, its width
                                      (bit_size 0: not a bitfield) */
    struct record_desc *inner;     /* VK_TUPLE, VK_RECORD, VK_ARRAY (see above); owned */
    uint32_t count;                /* VK_ARRAY */
    enum stack_mode stack_mode; /* VK_KSTACK/VK_USTACK */
};

/* A sequence of values at fixed offsets: a map key tuple, printf arguments,
 * a tuple's elements, a struct's members. */
struct record_desc {
    struct value_desc *fields;
    int nfields;
    uint32_t size; /* total size including padding */
};

/* Frees what a description owns (names, nested records), not the struct itself. */
void value_desc_free(struct value_desc *v);
void record_desc_free(struct record_desc *r);

/* What a map's value is; decides its BPF layout and how it is printed. */
#define HIST_MAX_BITS 5 /* hist(n, k): 0 <= k <= 5 */

enum map_agg {
    AGG_NONE,  /* plain value: value.kind says int or string; BPF_MAP_TYPE_HASH */
    AGG_COUNT, /* per-CPU u64 summed over CPUs */
    AGG_SUM,   /* per-CPU s64/u64 summed (value.is_signed) */
    AGG_MIN,   /* per-CPU struct { s64 value; u64 is_set; } min over set CPUs */
    AGG_MAX,   /* per-CPU struct { s64 value; u64 is_set; } */
    AGG_AVG,   /* per-CPU struct { s64 count; s64 total; } prints total/count */
    AGG_STATS, /* per-CPU struct { s64 count; s64 total; } prints count, average, total */
    AGG_HIST,  /* per-CPU u64 counts; BPF key = user key followed by u64 bucket */
    AGG_LHIST, /* per-CPU u64 counts; BPF key = user key followed by u64 bucket */
};

/* hist() bucket index as computed in BPF for value n:
 *   n < 0 -> 0;  n == 0 -> 1;  otherwise 2 + floor(log2(n))   (n == 1 -> 2, n in [2,4) -> 3 ...)
 * hist(n, k) with k > 0 (current bpftrace's layout; with N = 2^k):
 *   n < 0 -> 0;  otherwise, with p = max(0, floor(log2(n)) - k):  (p << k) + (n >> p) + 1
 *   so indexes 1 .. 2N hold the single values 0 .. 2N-1, and each later run of N
 *   indexes splits one power of two into N equal parts (k = 0 gives the line above).
 * lhist(v, min, max, step) bucket index:
 *   v < min -> 0;  v >= max -> 1 + (max - min) / step;  otherwise 1 + (v - min) / step */

struct map_desc {
    char *name;            /* "@" or "@name" as written */
    int id;                /* index in program->maps */
    uint32_t bpf_type;     /* BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERCPU_HASH, ... */
    uint32_t key_size;     /* BPF key size (user key plus bucket for hist/lhist; 8 for no key) */
    uint32_t value_size;   /* BPF value size per CPU */
    uint32_t max_entries;
    struct record_desc key; /* the user-visible key; nfields == 0 for a map without [ ] */
    char **key_names;       /* NULL, or key.nfields entries: what the script calls each
                               key field (`@m[comm, $af]`: "comm", "af"), NULL where it
                               names none (compiler/sema/key_names.c has the rule);
                               the labels of --metrics */
    enum map_agg agg;
    struct value_desc value; /* for AGG_NONE: int or string; for SUM/MIN/MAX/AVG/STATS: signedness */
    int64_t lhist_min, lhist_max, lhist_step;
    int hist_bits; /* hist(x, k): each power of two split into 2^k buckets */
    bool is_internal; /* maps sobt uses itself (ring buffer, stacks): never printed */
};

/* Events sent from BPF to userspace through the single ring buffer, in order.
 * Every record starts with a u64 async id (index into program->asyncs). */
enum async_kind {
    ASYNC_PRINTF, /* fmt; args laid out after the id */
    ASYNC_TIME,   /* fmt (strftime format; default "%H:%M:%S\n") */
    ASYNC_PRINT,  /* map_id; top, div (0 = all / no division) */
    ASYNC_CLEAR,  /* map_id */
    ASYNC_ZERO,   /* map_id */
    ASYNC_EXIT,
    ASYNC_SYSTEM, /* fmt, args: run through the shell (needs --unsafe) */
    ASYNC_CAT,    /* fmt, args: print a file */
    ASYNC_PRINT_VALUE, /* print(non-map value): args has one field */
    ASYNC_JOIN,        /* join(argv [, sep]): args are string fields, fmt the separator;
                          printed up to the first empty one, then a newline */
    ASYNC_HELPER_ERROR, /* -k/-kk: a checked BPF helper failed at `where`; fmt is the
                           helper's name as bpftrace prints it ("map_update_elem"),
                           args one s64: the helper's return value */
    ASYNC_ERRORF,  /* errorf(fmt, args): printed as an error at `where` (stderr) */
    ASYNC_WARNF,   /* warnf(fmt, args): printed as a warning at `where` (stderr) */
    ASYNC_UNWATCH, /* unwatch(addr): args one u64, the watched address */
    ASYNC_SKBOUTPUT, /* skboutput(path, skb, len, offset): fmt the pcap file's path; the
                        args are a struct skboutput_record (args.size its size) */
};

/* What skboutput() sends after the async id: a packet's first bytes, at
 * most SKBOUTPUT_CAPTURE_BYTES of them, for the pcap file (runtime/output/
 * pcap.c). */
#define SKBOUTPUT_CAPTURE_BYTES 2048
struct skboutput_record {
    uint64_t boot_ns; /* when, in ns since boot (CLOCK_BOOTTIME) */
    uint32_t len;     /* the bytes asked for: the packet's length in the file */
    uint32_t caplen;  /* the bytes in data */
    uint8_t data[SKBOUTPUT_CAPTURE_BYTES];
};

/* A span of the script: 1-based line, first column and the column one past
 * the last, as bpftrace 0.17 reports it ("stdin:1:25-30"). */
struct source_span {
    int line, col, end_col;
};

struct async_desc {
    enum async_kind kind;
    char *fmt;
    struct record_desc args; /* offsets relative to the byte after the u64 id */
    int map_id;
    uint64_t top, div;
    struct source_span where; /* ASYNC_HELPER_ERROR, ASYNC_ERRORF, ASYNC_WARNF */
};

enum probe_provider {
    PROV_BEGIN,
    PROV_END,
    PROV_TRACEPOINT,
    PROV_INTERVAL,
    PROV_KPROBE,
    PROV_KRETPROBE,
    PROV_UPROBE,
    PROV_URETPROBE,
    PROV_USDT,
    PROV_PROFILE,
    PROV_SOFTWARE,
    PROV_HARDWARE,
    PROV_RAWTRACEPOINT,
    PROV_FENTRY,
    PROV_FEXIT,
};

/* One place a program is attached: a probe block with a wildcard has many. */
struct attach_desc {
    char *target;      /* tracepoint "category:name", kprobe function, uprobe and usdt:
                          the binary's path; "" for BEGIN/END */
    int probe_id;      /* index in program->probe_names; passed as the BPF cookie */
    uint64_t period_ns; /* PROV_INTERVAL */
    uint64_t offset;    /* PROV_UPROBE, PROV_URETPROBE, PROV_USDT: file offset of the
                           probed instruction in target */
    uint64_t ref_ctr_offset; /* PROV_USDT: file offset of the probe's semaphore, 0: none */
    /* PROV_PROFILE, PROV_SOFTWARE, PROV_HARDWARE: a perf event on every CPU */
    uint64_t event_config;  /* SOFTWARE, HARDWARE: PERF_COUNT_SW_* / PERF_COUNT_HW_* */
    uint64_t sample_period; /* events per sample (PROFILE: ns), 0 when sample_freq is set */
    uint64_t sample_freq;   /* PROFILE hz: samples per second */
};

/* One BPF program per probe block (BEGIN and END are blocks of their own). */
struct prog_desc {
    char *section;          /* ELF section holding its instructions */
    bool checks_stop_flag;  /* returns at once when maps[stop_map_id][0] != 0: stopping it
                               needs no detach (many attach points: detaching each waits
                               for RCU in the kernel) */
    enum probe_provider provider;
    uint32_t bpf_prog_type; /* BPF_PROG_TYPE_TRACEPOINT, ... */
    /* A wide tracepoint set whose program reads nothing of the tracepoint's
     * record (its context serves only bpf_get_attach_cookie): the runtime
     * may load it as BPF_PROG_TYPE_RAW_TRACEPOINT and attach it with raw
     * tracepoint links, which detach at once where closing a tracepoint's
     * perf event waits for RCU grace periods (~75 ms each, one after the
     * other). */
    bool raw_tracepoint_ok;
    /* PROV_FENTRY, PROV_FEXIT: BPF_TRACE_FENTRY/FEXIT and the BTF id of the
     * one function the program is loaded for (in attach_btf_module's BTF:
     * NULL or "vmlinux" for the kernel's own); 0 for other programs. */
    uint32_t expected_attach_type;
    uint32_t attach_btf_id;
    char *attach_btf_module;
    struct attach_desc *attach;
    int nattach;
};

/* bpftrace's missing_probes setting: what a probe that cannot attach does. */
enum missing_probes_policy {
    MISSING_PROBES_ERROR,  /* stop with an error (the default) */
    MISSING_PROBES_WARN,   /* print a warning and run the probes that attached */
    MISSING_PROBES_IGNORE, /* run the probes that attached, silently */
};

/* How user symbols are cached (BPFTRACE_CACHE_USER_SYMBOLS,
 * config cache_user_symbols). */
enum user_symbol_cache {
    USYM_CACHE_PER_PID, /* the default */     /* each process's map read once and kept */
    USYM_CACHE_PER_PROGRAM, /* one map per executable, whatever the process */
    USYM_CACHE_NONE,        /* the process's map read again for every address */
};

/* bpftrace's settings (its environment variables and config block keys)
 * that reach the runtime; settings.c fills them. A zero (a program built
 * by hand, as the runtime's tests do) means bpftrace's default. */
struct program_settings {
    uint64_t cat_bytes_max;    /* cat() prints at most this many bytes (10240) */
    uint64_t perf_rb_pages;    /* pages per CPU of the event ring buffer (64) */
    uint64_t log_size;         /* bytes of verifier log kept for errors and -v (1000000) */
    uint64_t max_probes;       /* attach points allowed (512) */
    uint64_t max_bpf_progs;    /* BPF programs allowed (512) */
    bool no_cpp_demangle;      /* C++ user symbols printed mangled */
    bool no_user_symbols;      /* user addresses printed as addresses */
    enum user_symbol_cache cache_user_symbols;
    bool no_print_maps_on_exit; /* config print_maps_on_exit = false: no map dump */
    char license[32];           /* the programs' license ("GPL") */
    /* BPFTRACE_VMLINUX: kernel symbols from this ELF file, not /proc/kallsyms;
     * NULL. Points into the environment, which outlives the program. */
    const char *vmlinux_path;
};

struct compiled_program {
    void *elf;      /* BPF ELF object produced by LLVM */
    size_t elf_size;
    struct prog_desc *progs;
    int nprogs;
    struct map_desc *maps; /* printed maps first, internal maps after */
    int nmaps;
    int ringbuf_map_id; /* the event channel (an internal map), -1 if unused */
    int kstack_map_id; /* BPF_MAP_TYPE_STACK_TRACE for kstack, -1 if unused */
    int ustack_map_id; /* BPF_MAP_TYPE_STACK_TRACE for ustack, -1 if unused */
    int stop_map_id;   /* 1-entry array: set to 1 to stop the programs that check it; -1 */
    int start_time_map_id; /* internal 1-entry array the runtime fills with its start
                              time (CLOCK_MONOTONIC ns) before attaching, for `elapsed`;
                              -1 if unused */
    int losses_map_id; /* internal 1-entry array whose value is LOSS_COUNTERS u64
                          counters the programs bump atomically (enum
                          loss_counter); -1 if unused */
    uint32_t stack_map_entries; /* how many stacks each stack map holds, for messages */
    struct async_desc *asyncs;
    int nasyncs;
    char **probe_names; /* full probe names, e.g. "tracepoint:syscalls:sys_enter_connect" */
    int nprobe_names;
    uint32_t strlen; /* BPFTRACE_STRLEN */
    struct program_settings settings;
    /* Texts values refer to by index: cgroup_path() filters, strftime()
     * formats (VK_CGROUP_PATH, VK_TIMESTAMP). */
    char **value_strings;
    int nvalue_strings;
    /* The named parameters the program's getopt() calls read, for
     * `-- --help`: one line each ("--name=INT  description (default: 10)"). */
    char **option_help;
    int noption_help;
    enum missing_probes_policy missing_probes; /* from `config = { ... }`; the command
                                                  line may override it */
    char *source_name; /* "stdin" for -e, else the script's path: for warnings */
    char *source_text; /* the script as diagnostics show it (spans point into it) */
};

/* What the programs count in maps[losses_map_id]'s value, one u64 each. */
enum loss_counter {
    LOSS_EVENTS,       /* a ring-buffer record could not be reserved or written:
                          the runtime prints bpftrace's "Lost N events" */
    LOSS_STACKS,       /* bpf_get_stackid could not keep a stack: the stack map
                          was full (-ENOMEM) or the stack's hash slot held another
                          stack (-EEXIST); the stack prints empty */
    LOSS_COUNTERS,     /* number of slots */
};

/* In the ELF, every map reference is an ld_imm64 with src_reg = BPF_PSEUDO_MAP_FD
 * and imm = map id (emitted through llvm.bpf.pseudo); the loader replaces the
 * id with the map's file descriptor before loading. */

void compiled_program_free(struct compiled_program *p);

#endif
