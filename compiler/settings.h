/* bpftrace's settings: each one an environment variable (BPFTRACE_*) and a
 * key of the script's config block; the environment wins over the config
 * block, as in bpftrace. The compiler applies some itself (stack mode, BTF,
 * kernel headers, colours) and hands the rest to the runtime in the compiled
 * program (program.h struct program_settings). */
#ifndef SOBT_SETTINGS_H
#define SOBT_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "program.h"

enum color_mode {
    COLOR_AUTO, /* colours when stderr is a terminal */
    COLOR_ALWAYS,
    COLOR_NEVER,
};

/* The settings a config key can change; a bit each in settings.from_env. */
enum setting_id {
    SET_CAT_BYTES_MAX,
    SET_PERF_RB_PAGES,
    SET_LOG_SIZE,
    SET_MAX_PROBES,
    SET_MAX_BPF_PROGS,
    SET_CPP_DEMANGLE,
    SET_USER_SYMBOLS,
    SET_CACHE_USER_SYMBOLS,
    SET_STACK_MODE,
    /* config keys of current bpftrace (no environment variable here) */
    SET_PRINT_MAPS_ON_EXIT,
    SET_LICENSE,
    SET_LAZY_SYMBOLICATION,
    SET_SHOW_DEBUG_INFO,
    SET_ON_STACK_LIMIT,
    SET_STR_TRUNC_TRAILER,
    SET_UNSTABLE_MAP_DECL,
    SET_UNSTABLE_TSERIES,
    SET_UNSTABLE_ADDR,
    SET_UNSTABLE_MACRO,
    SET_COUNT,
};

/* unstable_* settings: what using the feature does */
enum unstable_mode {
    UNSTABLE_ENABLE,
    UNSTABLE_WARN,
    UNSTABLE_ERROR,
};

struct settings {
    struct program_settings program;
    enum stack_mode stack_mode;
    const char *btf_path;      /* BPFTRACE_BTF: BTF file instead of the kernel's; NULL */
    const char *vmlinux_path;  /* BPFTRACE_VMLINUX: kernel ELF for kernel symbols; NULL */
    const char *kernel_source; /* BPFTRACE_KERNEL_SOURCE: kernel headers' tree; NULL */
    enum color_mode color;     /* BPFTRACE_COLOR */
    uint32_t max_strlen;       /* BPFTRACE_STRLEN (64 when unset) */
    uint32_t max_map_keys;     /* BPFTRACE_MAP_KEYS_MAX; 0 when unset (the script's config
                                  or the default decides) */
    /* accepted and kept; nothing in sobt depends on them: symbols are read
     * when printed (lazily), there is no debug info in stacks, objects too
     * large for the stack already live in maps, strings cut short carry no
     * trailer (as in bpftrace 0.17) */
    bool lazy_symbolication, show_debug_info;
    uint64_t on_stack_limit;
    const char *str_trunc_trailer;
    enum unstable_mode unstable_map_decl, unstable_tseries, unstable_addr, unstable_macro;
    unsigned from_env;         /* 1 << enum setting_id: set by the environment */
};

void settings_init(struct settings *s);
/* Reads every BPFTRACE_* variable that is set. Returns 0, or -1 after
 * printing one "ERROR: ..." line for a value bpftrace would refuse. */
int settings_read_env(struct settings *s);

/* Config keys: the setting `key` names (SET_COUNT when it names none of
 * these; `key` as settings_normal_key leaves it), and setting it from an integer or a string literal (the other
 * NULL). Returns 0, 1 when the environment already set it (kept), or -1
 * with a message in err. */
enum setting_id settings_config_key(const char *key);
/* A config key as bpftrace reads it: BPFTRACE_STACK_MODE, STACK_MODE and
 * stack_mode are the same key, and 0.17's names (cat_bytes_max, strlen,
 * map_keys_max) are today's. Writes into buf (cap bytes). */
const char *settings_normal_key(const char *key, char *buf, size_t cap);
int settings_apply(struct settings *s, enum setting_id id, const long long *number,
                   const char *text, char *err, size_t errlen);

/* "bpftrace", "perf", "raw": 0 and *mode set, or -1. */
int settings_stack_mode(const char *name, enum stack_mode *mode);

#endif
