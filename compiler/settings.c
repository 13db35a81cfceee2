/* bpftrace's settings from the environment and the config block; see
 * settings.h. Messages for refused values are bpftrace's. */
#include "settings.h"

#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
        .license = "GPL",
    };
    s->on_stack_limit = 32;
    s->str_trunc_trailer = "..";
    s->unstable_map_decl = s->unstable_tseries = s->unstable_addr = s->unstable_macro =
        UNSTABLE_WARN;
    s->stack_mode = STACK_MODE_BPFTRACE;
    s->color = COLOR_AUTO;
    s->max_strlen = 64;
}

struct setting_names {
    const char *env;    /* BPFTRACE_..., or NULL: a config key only */
    const char *config; /* the config block's key */
};

static const struct setting_names names[SET_COUNT] = {
    [SET_CAT_BYTES_MAX] = {"BPFTRACE_CAT_BYTES_MAX", "max_cat_bytes"},
    [SET_PERF_RB_PAGES] = {"BPFTRACE_PERF_RB_PAGES", "perf_rb_pages"},
    [SET_LOG_SIZE] = {"BPFTRACE_LOG_SIZE", "log_size"},
    [SET_MAX_PROBES] = {"BPFTRACE_MAX_PROBES", "max_probes"},
    [SET_MAX_BPF_PROGS] = {"BPFTRACE_MAX_BPF_PROGS", "max_bpf_progs"},
    [SET_CPP_DEMANGLE] = {"BPFTRACE_NO_CPP_DEMANGLE", "cpp_demangle"},
    [SET_USER_SYMBOLS] = {"BPFTRACE_NO_USER_SYMBOLS", "user_symbols"},
    [SET_CACHE_USER_SYMBOLS] = {"BPFTRACE_CACHE_USER_SYMBOLS", "cache_user_symbols"},
    [SET_STACK_MODE] = {"BPFTRACE_STACK_MODE", "stack_mode"},
    [SET_PRINT_MAPS_ON_EXIT] = {NULL, "print_maps_on_exit"},
    [SET_LICENSE] = {NULL, "license"},
    [SET_LAZY_SYMBOLICATION] = {NULL, "lazy_symbolication"},
    [SET_SHOW_DEBUG_INFO] = {NULL, "show_debug_info"},
    [SET_ON_STACK_LIMIT] = {NULL, "on_stack_limit"},
    [SET_STR_TRUNC_TRAILER] = {NULL, "str_trunc_trailer"},
    [SET_UNSTABLE_MAP_DECL] = {NULL, "unstable_map_decl"},
    [SET_UNSTABLE_TSERIES] = {NULL, "unstable_tseries"},
    [SET_UNSTABLE_ADDR] = {NULL, "unstable_addr"},
    [SET_UNSTABLE_MACRO] = {NULL, "unstable_macro"},
};

/* 0.17's names of keys that have new ones */
static const char *const renamed[][2] = {
    {"cat_bytes_max", "max_cat_bytes"},
    {"strlen", "max_strlen"},
    {"map_keys_max", "max_map_keys"},
};

const char *settings_normal_key(const char *key, char *buf, size_t cap)
{
    size_t n = 0;
    if (strncasecmp(key, "bpftrace_", 9) == 0)
        key += 9;
    for (; key[n] && n + 1 < cap; n++)
        buf[n] = (char)tolower((unsigned char)key[n]);
    buf[n] = '\0';
    for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
        if (strcmp(buf, renamed[i][0]) == 0)
            return renamed[i][1];
    return buf;
}

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
    if (id == SET_PRINT_MAPS_ON_EXIT)
        return &s->program.no_print_maps_on_exit;
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

/* BPFTRACE_STRLEN: 1..200, as bpftrace 0.17 allows. */
static int read_env_strlen(struct settings *s)
{
    const char *v = getenv("BPFTRACE_STRLEN");
    if (!v || !*v)
        return 0;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 1 || n > 200) {
        fprintf(stderr, "ERROR: BPFTRACE_STRLEN must be between 1 and 200 (got '%s')\n", v);
        return -1;
    }
    s->max_strlen = (uint32_t)n;
    return 0;
}

/* BPFTRACE_MAP_KEYS_MAX: a value that is not a positive number is an
 * error, as in bpftrace. */
static int read_env_map_keys_max(struct settings *s)
{
    const char *v = getenv("BPFTRACE_MAP_KEYS_MAX");
    if (!v)
        return 0;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *end || errno || n == 0 || n > UINT32_MAX || v[0] == '-') {
        fprintf(stderr,
                "ERROR: Env var 'BPFTRACE_MAP_KEYS_MAX' did not contain a valid "
                "number of map keys, or was zero-valued (got '%s')\n",
                v);
        return -1;
    }
    s->max_map_keys = (uint32_t)n;
    return 0;
}

int settings_read_env(struct settings *s)
{
    if (read_env_strlen(s) < 0 || read_env_map_keys_max(s) < 0)
        return -1;
    for (int id = 0; id < SET_COUNT; id++) {
        const char *v = names[id].env ? getenv(names[id].env) : NULL;
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

static bool true_or_false(const long long *number, const char *text, bool *out)
{
    if (number && (*number == 0 || *number == 1))
        *out = *number == 1;
    else if (text && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0))
        *out = text[0] == 't';
    else
        return false;
    return true;
}

static enum unstable_mode *unstable_of(struct settings *s, enum setting_id id)
{
    switch (id) {
    case SET_UNSTABLE_MAP_DECL:
        return &s->unstable_map_decl;
    case SET_UNSTABLE_TSERIES:
        return &s->unstable_tseries;
    case SET_UNSTABLE_ADDR:
        return &s->unstable_addr;
    case SET_UNSTABLE_MACRO:
        return &s->unstable_macro;
    default:
        return NULL;
    }
}

/* The keys of current bpftrace that 0.17 did not have. */
static int apply_newer(struct settings *s, enum setting_id id, const long long *number,
                       const char *text, char *err, size_t errlen)
{
    static const char *const licenses[] = {"GPL", "GPL v2", "GPL and additional rights",
                                           "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};
    const char *key = names[id].config;
    enum unstable_mode *mode = unstable_of(s, id);
    bool flag;
    if (id == SET_LAZY_SYMBOLICATION || id == SET_SHOW_DEBUG_INFO) {
        if (!true_or_false(number, text, &flag)) {
            snprintf(err, errlen, "%s must be true or false (or 1 or 0)", key);
            return -1;
        }
        *(id == SET_LAZY_SYMBOLICATION ? &s->lazy_symbolication : &s->show_debug_info) = flag;
    } else if (id == SET_ON_STACK_LIMIT) {
        if (!number || *number < 0) {
            snprintf(err, errlen, "%s must be an integer of 0 or more", key);
            return -1;
        }
        s->on_stack_limit = (uint64_t)*number;
    } else if (id == SET_STR_TRUNC_TRAILER) {
        if (!text) {
            snprintf(err, errlen, "%s must be a string", key);
            return -1;
        }
        s->str_trunc_trailer = text;
    } else if (id == SET_LICENSE) {
        for (size_t i = 0; text && i < sizeof(licenses) / sizeof(licenses[0]); i++)
            if (strcmp(text, licenses[i]) == 0) {
                snprintf(s->program.license, sizeof(s->program.license), "%s", text);
                return 0;
            }
        snprintf(err, errlen, "%s must be one of \"GPL\", \"GPL v2\", \"GPL and additional "
                              "rights\", \"Dual BSD/GPL\", \"Dual MIT/GPL\", \"Dual MPL/GPL\"",
                 key);
        return -1;
    } else if (mode) {
        if (text && strcmp(text, "enable") == 0)
            *mode = UNSTABLE_ENABLE;
        else if (text && strcmp(text, "warn") == 0)
            *mode = UNSTABLE_WARN;
        else if (text && strcmp(text, "error") == 0)
            *mode = UNSTABLE_ERROR;
        else if (true_or_false(number, text, &flag))
            *mode = flag ? UNSTABLE_ENABLE : UNSTABLE_ERROR;
        else {
            snprintf(err, errlen, "%s must be error, warn or enable", key);
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
    } else {
        return apply_newer(s, id, number, text, err, errlen);
    }
    return 0;
}
