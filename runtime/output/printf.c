/* printf() formatting; see printf.h. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/printf.h"
#include "output/resolved_values.h"
#include "output/values.h"
#include "printf_spec.h"

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
    case PARG_CHAR: {
        /* bpftrace formats each conversion into a C string, so the text a
         * `%c` of 0 makes ends at that NUL: `[%-3c]` of 0 prints `[]`. */
        int ch = (uint8_t)(v->kind == VK_STRING ? 0 : output_read_int(v, data));
        char *text = NULL;
        build_c_spec(spec, sizeof(spec), c, 'c');
        if (ch != 0) {
            fprintf(out, spec, ch);
        } else if (asprintf(&text, spec, ch) >= 0) {
            fputs(text, out);
            free(text);
        }
        return;
    }
    case PARG_POINTER:
        build_c_spec(spec, sizeof(spec), c, 'p');
        fprintf(out, spec,
                (void *)(uintptr_t)(v->kind == VK_STRING ? 0 : output_read_int(v, data)));
        return;
    case PARG_BUFFER:
        if (v->kind == VK_BUFFER)
            output_print_buffer(out, (const uint8_t *)data + v->offset, v->size,
                                c->buffer_style);
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
