/* bpftrace's settings from the environment and the config block; see
 * settings.h. Messages for refused values are bpftrace's. */
#include "settings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void settings_init(struct settings *s)
{
    memset(s, 0, sizeof(*s));
    s->program = (struct program_settings){
        .cat_bytes_max = 10240,
        .perf_rb_pages = 64,
        .log_size = 1000000,
        .max_probes = 512,
        .max_bpf_progs = 512,
        .cache_user_symbols = USYM_CACHE_PER_PID,
    };
    s->stack_mode = STACK_MODE_BPFTRACE;
    s->color = COLOR_AUTO;
}

struct setting_names {
    const char *env;    /* BPFTRACE_... */
    const char *config; /* the config block's key */
};

static const struct setting_names names[SET_COUNT] = {
    [SET_CAT_BYTES_MAX] = {"BPFTRACE_CAT_BYTES_MAX", "cat_bytes_max"},
    [SET_PERF_RB_PAGES] = {"BPFTRACE_PERF_RB_PAGES", "perf_rb_pages"},
    [SET_LOG_SIZE] = {"BPFTRACE_LOG_SIZE", "log_size"},
    [SET_MAX_PROBES] = {"BPFTRACE_MAX_PROBES", "max_probes"},
    [SET_MAX_BPF_PROGS] = {"BPFTRACE_MAX_BPF_PROGS", "max_bpf_progs"},
    [SET_CPP_DEMANGLE] = {"BPFTRACE_NO_CPP_DEMANGLE", "cpp_demangle"},
    [SET_USER_SYMBOLS] = {"BPFTRACE_NO_USER_SYMBOLS", "user_symbols"},
    [SET_CACHE_USER_SYMBOLS] = {"BPFTRACE_CACHE_USER_SYMBOLS", "cache_user_symbols"},
    [SET_STACK_MODE] = {"BPFTRACE_STACK_MODE", "stack_mode"},
};

int settings_stack_mode(const char *name, enum stack_mode *mode)
{
    static const char *const modes[] = {
        [STACK_MODE_BPFTRACE] = "bpftrace", [STACK_MODE_PERF] = "perf", [STACK_MODE_RAW] = "raw"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, modes[i]) == 0) {
            *mode = (enum stack_mode)i;
            return 0;
        }
    return -1;
}

static int cache_mode(const char *name, enum user_symbol_cache *out)
{
    /* bpftrace 0.17 took 0 and 1 (1: cache by executable) */
    if (strcmp(name, "PER_PID") == 0 || strcmp(name, "0") == 0)
        *out = USYM_CACHE_PER_PID;
    else if (strcmp(name, "PER_PROGRAM") == 0 || strcmp(name, "1") == 0)
        *out = USYM_CACHE_PER_PROGRAM;
    else if (strcmp(name, "NONE") == 0)
        *out = USYM_CACHE_NONE;
    else
        return -1;
    return 0;
}

static uint64_t *number_of(struct settings *s, enum setting_id id)
{
    switch (id) {
    case SET_CAT_BYTES_MAX:
        return &s->program.cat_bytes_max;
    case SET_PERF_RB_PAGES:
        return &s->program.perf_rb_pages;
    case SET_LOG_SIZE:
        return &s->program.log_size;
    case SET_MAX_PROBES:
        return &s->program.max_probes;
    case SET_MAX_BPF_PROGS:
        return &s->program.max_bpf_progs;
    default:
        return NULL;
    }
}

static bool *flag_of(struct settings *s, enum setting_id id)
{
    if (id == SET_CPP_DEMANGLE)
        return &s->program.no_cpp_demangle;
    if (id == SET_USER_SYMBOLS)
        return &s->program.no_user_symbols;
    return NULL;
}

/* One environment variable's text applied; -1 after printing bpftrace's error. */
static int apply_env(struct settings *s, enum setting_id id, const char *v)
{
    const char *env = names[id].env;
    uint64_t *number = number_of(s, id);
    bool *flag = flag_of(s, id);
    if (number) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (!*v || *end || errno || n == 0 || v[0] == '-') {
            fprintf(stderr,
                    "ERROR: Env var '%s' did not contain a valid uint64_t, or was "
                    "zero-valued.\n",
                    env);
            return -1;
        }
        *number = n;
    } else if (flag) {
        /* BPFTRACE_NO_*=1 turns the feature off */
        if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
            fprintf(stderr, "ERROR: Env var '%s' did not contain a valid value (0 or 1).\n", env);
            return -1;
        }
        *flag = v[0] == '1';
    } else if (id == SET_CACHE_USER_SYMBOLS) {
        if (cache_mode(v, &s->program.cache_user_symbols) < 0) {
            fprintf(stderr,
                    "ERROR: Env var '%s' did not contain a valid value (PER_PID, "
                    "PER_PROGRAM or NONE).\n",
                    env);
            return -1;
        }
    } else if (id == SET_STACK_MODE) {
        if (settings_stack_mode(v, &s->stack_mode) < 0) {
            fprintf(stderr,
                    "ERROR: Env var '%s' did not contain a valid stack mode "
                    "(bpftrace, perf or raw): %s\n",
                    env, v);
            return -1;
        }
    }
    s->from_env |= 1u << id;
    return 0;
}

int settings_read_env(struct settings *s)
{
    for (int id = 0; id < SET_COUNT; id++) {
        const char *v = getenv(names[id].env);
        if (v && apply_env(s, (enum setting_id)id, v) < 0)
            return -1;
    }
    const char *v;
    if ((v = getenv("BPFTRACE_BTF")) && *v)
        s->btf_path = v;
    if ((v = getenv("BPFTRACE_VMLINUX")) && *v)
        s->vmlinux_path = s->program.vmlinux_path = v;
    if ((v = getenv("BPFTRACE_KERNEL_SOURCE")) && *v)
        s->kernel_source = v;
    if ((v = getenv("BPFTRACE_COLOR"))) {
        if (strcmp(v, "auto") == 0)
            s->color = COLOR_AUTO;
        else if (strcmp(v, "always") == 0)
            s->color = COLOR_ALWAYS;
        else if (strcmp(v, "never") == 0)
            s->color = COLOR_NEVER;
        else {
            fprintf(stderr, "ERROR: Env var 'BPFTRACE_COLOR' did not contain a valid value "
                            "(auto, always or never).\n");
            return -1;
        }
    }
    return 0;
}

enum setting_id settings_config_key(const char *key)
{
    for (int id = 0; id < SET_COUNT; id++)
        if (strcmp(names[id].config, key) == 0)
            return (enum setting_id)id;
    return SET_COUNT;
}

int settings_apply(struct settings *s, enum setting_id id, const long long *number,
                   const char *text, char *err, size_t errlen)
{
    const char *key = names[id].config;
    if (s->from_env & (1u << id))
        return 1;
    uint64_t *n = number_of(s, id);
    bool *flag = flag_of(s, id);
    if (n) {
        if (!number || *number <= 0) {
            snprintf(err, errlen, "%s must be a positive integer", key);
            return -1;
        }
        *n = (uint64_t)*number;
    } else if (flag) {
        bool value;
        if (number && (*number == 0 || *number == 1))
            value = *number == 1;
        else if (text && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0))
            value = text[0] == 't';
        else {
            snprintf(err, errlen, "%s must be true or false (or 1 or 0)", key);
            return -1;
        }
        *flag = !value; /* the config keys say what is on */
    } else if (id == SET_CACHE_USER_SYMBOLS) {
        if (!text || cache_mode(text, &s->program.cache_user_symbols) < 0) {
            snprintf(err, errlen, "%s must be \"PER_PID\", \"PER_PROGRAM\" or \"NONE\"", key);
            return -1;
        }
    } else if (id == SET_STACK_MODE) {
        if (!text || settings_stack_mode(text, &s->stack_mode) < 0) {
            snprintf(err, errlen, "%s must be bpftrace, perf or raw", key);
            return -1;
        }
    }
    return 0;
}
