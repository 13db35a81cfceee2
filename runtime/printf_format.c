/* printf() and print(value) formatting; see printf_format.h. */
#include "printf_format.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "output.h"
#include "printf_spec.h"
#include "symbols.h"
#include "usymbols.h"

uint64_t output_read_int(const struct value_desc *v, const void *record)
{
    const uint8_t *p = (const uint8_t *)record + v->offset;
    switch (v->size) {
    case 1: {
        uint8_t x;
        memcpy(&x, p, 1);
        return v->is_signed ? (uint64_t)(int64_t)(int8_t)x : x;
    }
    case 2: {
        uint16_t x;
        memcpy(&x, p, 2);
        return v->is_signed ? (uint64_t)(int64_t)(int16_t)x : x;
    }
    case 4: {
        uint32_t x;
        memcpy(&x, p, 4);
        return v->is_signed ? (uint64_t)(int64_t)(int32_t)x : x;
    }
    default: {
        uint64_t x = 0;
        memcpy(&x, p, v->size < 8 ? v->size : 8);
        return x;
    }
    }
}

/* ntop(): the family word decides how many of the 16 address bytes count. */
static void print_inet(FILE *out, const uint8_t *p)
{
    uint64_t family;
    char text[INET6_ADDRSTRLEN];
    memcpy(&family, p, 8);
    int af = family == AF_INET6 ? AF_INET6 : AF_INET;
    if (inet_ntop(af, p + 8, text, sizeof(text)))
        fputs(text, out);
}

/* bpftrace indents stack frames by 8 spaces, and by 4 inside map keys. */
#define STACK_INDENT 8
#define STACK_KEY_INDENT 4
#define SYMBOL_TEXT_MAX 1024

/* ksym: a u64 address; usym: a u64 address then a u64 pid. The bare name,
 * without offset, as bpftrace's ksym()/usym() print. */
static void print_symbol(FILE *out, const struct value_desc *v, const uint8_t *p)
{
    char text[SYMBOL_TEXT_MAX];
    uint64_t addr, pid = 0;
    memcpy(&addr, p, 8);
    if (v->kind == VK_KSYM) {
        ksym_format(addr, false, text, sizeof(text));
    } else {
        if (v->size >= 16)
            memcpy(&pid, p + 8, 8);
        usym_format((int)pid, addr, false, text, sizeof(text));
    }
    fputs(text, out);
}

/* kstack: a u64 stack id; ustack: a u64 stack id then a u64 pid. The frames
 * are read from the program's stack map (output_use_maps): "\n", then for
 * each frame up to the first 0 (at most v->frames) the indent, "name+offset"
 * and "\n". A stack that cannot be read (bpf_get_stackid failed, so the id is
 * a negative errno, or the map is not known) prints as nothing, as bpftrace
 * prints it. */
static void print_stack(FILE *out, const struct value_desc *v, const uint8_t *p, int indent)
{
    uint64_t id, pid = 0;
    memcpy(&id, p, 8);
    if (v->kind == VK_USTACK && v->size >= 16)
        memcpy(&pid, p + 8, 8);
    uint32_t max_frames = 0;
    int fd = output_stack_map_fd(v->kind, &max_frames);
    if (fd < 0 || max_frames == 0 || id > UINT32_MAX)
        return;
    uint64_t *frames = calloc(max_frames, sizeof(*frames));
    if (!frames)
        return;
    uint32_t key = (uint32_t)id;
    if (bpf_map_lookup_elem(fd, &key, frames) == 0) {
        uint32_t shown = v->frames && v->frames < max_frames ? v->frames : max_frames;
        char text[SYMBOL_TEXT_MAX];
        fputc('\n', out);
        for (uint32_t i = 0; i < shown && frames[i]; i++) {
            if (v->kind == VK_KSTACK)
                ksym_format(frames[i], true, text, sizeof(text));
            else
                usym_format((int)pid, frames[i], true, text, sizeof(text));
            fprintf(out, "%*s%s\n", indent, "", text);
        }
    }
    free(frames);
}

void output_print_key_field(FILE *out, const struct compiled_program *prog,
                            const struct value_desc *v, const void *record)
{
    if (v->kind == VK_KSTACK || v->kind == VK_USTACK)
        print_stack(out, v, (const uint8_t *)record + v->offset, STACK_KEY_INDENT);
    else
        output_print_field(out, prog, v, record);
}

void output_print_field(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                        const void *record)
{
    const uint8_t *p = (const uint8_t *)record + v->offset;
    switch (v->kind) {
    case VK_INT: {
        uint64_t x = output_read_int(v, record);
        if (v->is_signed)
            fprintf(out, "%" PRId64, (int64_t)x);
        else
            fprintf(out, "%" PRIu64, x);
        return;
    }
    case VK_STRING:
        fprintf(out, "%.*s", (int)strnlen((const char *)p, v->size), (const char *)p);
        return;
    case VK_PROBE: {
        uint64_t idx;
        memcpy(&idx, p, 8);
        if (prog && idx < (uint64_t)prog->nprobe_names)
            fputs(prog->probe_names[idx], out);
        else
            fprintf(out, "<probe %" PRIu64 ">", idx);
        return;
    }
    case VK_INET:
        print_inet(out, p);
        return;
    case VK_KSYM:
    case VK_USYM:
        print_symbol(out, v, p);
        return;
    case VK_KSTACK:
    case VK_USTACK:
        print_stack(out, v, p, STACK_INDENT);
        return;
    case VK_NONE:
        return;
    }
}

void output_print_value(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                        const void *data)
{
    output_print_field(out, prog, v, data);
    fputc('\n', out);
}

/* Parsed formats, looked up by the format's address (asyncs live as long as the
 * program) and confirmed by content, so each format is parsed once. */
#define FORMAT_CACHE_SIZE 64

struct cached_format {
    const char *key;
    char *text;
    struct printf_format parsed;
};

static struct cached_format format_cache[FORMAT_CACHE_SIZE];
static int format_cache_next;

static const struct printf_format *lookup_format(const char *fmt)
{
    for (int i = 0; i < FORMAT_CACHE_SIZE; i++) {
        struct cached_format *c = &format_cache[i];
        if (c->key == fmt && c->text && strcmp(c->text, fmt) == 0)
            return &c->parsed;
    }
    struct printf_format parsed;
    if (printf_format_parse(fmt, &parsed, NULL) < 0)
        return NULL;
    char *text = strdup(fmt);
    if (!text) {
        printf_format_free(&parsed);
        return NULL;
    }
    struct cached_format *slot = &format_cache[format_cache_next];
    format_cache_next = (format_cache_next + 1) % FORMAT_CACHE_SIZE;
    if (slot->text) {
        free(slot->text);
        printf_format_free(&slot->parsed);
    }
    *slot = (struct cached_format){.key = fmt, .text = text, .parsed = parsed};
    return &slot->parsed;
}

/* The C spec for one conversion; every 64-bit length becomes "ll" (same width here). */
static void build_c_spec(char *spec, size_t cap, const struct printf_conversion *c, char conv)
{
    static const char *const lengths[] = {
        [PLEN_NONE] = "", [PLEN_HH] = "hh", [PLEN_H] = "h",  [PLEN_L] = "ll",
        [PLEN_LL] = "ll", [PLEN_Z] = "ll",  [PLEN_J] = "ll",
    };
    int n = snprintf(spec, cap, "%%%s", c->flags);
    if (c->width >= 0)
        n += snprintf(spec + n, cap - (size_t)n, "%d", c->width);
    if (c->precision >= 0)
        n += snprintf(spec + n, cap - (size_t)n, ".%d", c->precision);
    snprintf(spec + n, cap - (size_t)n, "%s%c", lengths[c->len], conv);
}

static bool is_wide(enum printf_length len)
{
    return len == PLEN_L || len == PLEN_LL || len == PLEN_Z || len == PLEN_J;
}

static void format_integer(FILE *out, const struct printf_conversion *c, uint64_t v)
{
    char spec[64];
    build_c_spec(spec, sizeof(spec), c, c->conv);
    bool is_signed_conv = c->conv == 'd' || c->conv == 'i';
    if (is_wide(c->len)) {
        if (is_signed_conv)
            fprintf(out, spec, (long long)v);
        else
            fprintf(out, spec, (unsigned long long)v);
    } else {
        /* As C varargs do: the callee reads the low 32 bits, hh/h narrow further. */
        if (is_signed_conv)
            fprintf(out, spec, (int)(uint32_t)v);
        else
            fprintf(out, spec, (unsigned int)(uint32_t)v);
    }
}

/* The text %s shows: strings are copied out (they need not be NUL-terminated
 * in the record); everything else is rendered as in map keys. */
static char *field_text(const struct compiled_program *prog, const struct value_desc *v,
                        const void *record)
{
    if (v->kind == VK_STRING) {
        const char *p = (const char *)record + v->offset;
        return strndup(p, v->size);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return NULL;
    output_print_field(mem, prog, v, record);
    fclose(mem);
    return text;
}

static void format_conversion(FILE *out, const struct compiled_program *prog,
                              const struct printf_conversion *c, const struct value_desc *v,
                              const void *data)
{
    char spec[64];
    switch (printf_conversion_class(c)) {
    case PARG_STRING: {
        char *text = field_text(prog, v, data);
        build_c_spec(spec, sizeof(spec), c, 's');
        fprintf(out, spec, text ? text : "");
        free(text);
        return;
    }
    case PARG_CHAR:
        build_c_spec(spec, sizeof(spec), c, 'c');
        fprintf(out, spec, (int)(uint8_t)(v->kind == VK_STRING ? 0 : output_read_int(v, data)));
        return;
    case PARG_POINTER:
        build_c_spec(spec, sizeof(spec), c, 'p');
        fprintf(out, spec,
                (void *)(uintptr_t)(v->kind == VK_STRING ? 0 : output_read_int(v, data)));
        return;
    case PARG_INT:
        /* The resolver only lets integers reach here; a string prints as 0. */
        format_integer(out, c, v->kind == VK_STRING ? 0 : output_read_int(v, data));
        return;
    }
}

void output_printf(FILE *out, const struct compiled_program *prog, const char *fmt,
                   const struct record_desc *args, const void *data)
{
    const struct printf_format *f = lookup_format(fmt);
    if (!f) {
        /* The resolver rejects bad formats; print the text rather than nothing. */
        fputs(fmt, out);
        return;
    }
    int arg = 0;
    for (int i = 0; i < f->npieces; i++) {
        const struct printf_piece *p = &f->pieces[i];
        if (!p->is_conversion) {
            fwrite(p->text, 1, p->text_len, out);
            continue;
        }
        if (!args || arg >= args->nfields)
            continue; /* missing argument: the resolver prevents this */
        format_conversion(out, prog, &p->conv, &args->fields[arg++], data);
    }
}
