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
    SET_COUNT,
};

struct settings {
    struct program_settings program;
    enum stack_mode stack_mode;
    const char *btf_path;      /* BPFTRACE_BTF: BTF file instead of the kernel's; NULL */
    const char *vmlinux_path;  /* BPFTRACE_VMLINUX: kernel ELF for kernel symbols; NULL */
    const char *kernel_source; /* BPFTRACE_KERNEL_SOURCE: kernel headers' tree; NULL */
    enum color_mode color;     /* BPFTRACE_COLOR */
    unsigned from_env;         /* 1 << enum setting_id: set by the environment */
};

void settings_init(struct settings *s);
/* Reads every BPFTRACE_* variable that is set. Returns 0, or -1 after
 * printing one "ERROR: ..." line for a value bpftrace would refuse. */
int settings_read_env(struct settings *s);

/* Config keys: the setting `key` names (SET_COUNT when it names none of
 * these), and setting it from an integer or a string literal (the other
 * NULL). Returns 0, 1 when the environment already set it (kept), or -1
 * with a message in err. */
enum setting_id settings_config_key(const char *key);
int settings_apply(struct settings *s, enum setting_id id, const long long *number,
                   const char *text, char *err, size_t errlen);

/* "bpftrace", "perf", "raw": 0 and *mode set, or -1. */
int settings_stack_mode(const char *name, enum stack_mode *mode);

#endif
