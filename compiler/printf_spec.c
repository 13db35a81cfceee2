/* Parsing and checking printf format strings; see printf_spec.h. */
#include "printf_spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_error(struct printf_error *err, size_t offset, int arg_index, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set_error(struct printf_error *err, size_t offset, int arg_index, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    err->offset = offset;
    err->arg_index = arg_index;
}

static int push_piece(struct printf_format *f, const struct printf_piece *p)
{
    struct printf_piece *grown = realloc(f->pieces, (size_t)(f->npieces + 1) * sizeof(*grown));
    if (!grown)
        return -1;
    f->pieces = grown;
    f->pieces[f->npieces++] = *p;
    return 0;
}

/* Literal text accumulates until the next conversion, so "a%%b" is one piece "a%b". */
struct literal_buf {
    char *text;
    size_t len, cap;
};

static int literal_append(struct literal_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->text, cap);
        if (!grown)
            return -1;
        b->text = grown;
        b->cap = cap;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
    return 0;
}

static int literal_flush(struct literal_buf *b, struct printf_format *f)
{
    if (b->len == 0)
        return 0;
    struct printf_piece p = {.is_conversion = false, .text = b->text, .text_len = b->len};
    if (push_piece(f, &p) < 0)
        return -1;
    *b = (struct literal_buf){0};
    return 0;
}

static bool is_flag(char c)
{
    return c == '-' || c == '+' || c == ' ' || c == '0' || c == '#';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads a decimal number; widths beyond any sane size are errors, not overflows. */
static int read_number(const char **s)
{
    long n = 0;
    while (is_digit(**s)) {
        n = n * 10 + (**s - '0');
        if (n > 100000)
            return -2;
        (*s)++;
    }
    return (int)n;
}

static enum printf_length read_length(const char **s)
{
    const char *p = *s;
    enum printf_length len = PLEN_NONE;
    if (p[0] == 'h' && p[1] == 'h') {
        len = PLEN_HH;
        p += 2;
    } else if (p[0] == 'h') {
        len = PLEN_H;
        p += 1;
    } else if (p[0] == 'l' && p[1] == 'l') {
        len = PLEN_LL;
        p += 2;
    } else if (p[0] == 'l') {
        len = PLEN_L;
        p += 1;
    } else if (p[0] == 'z') {
        len = PLEN_Z;
        p += 1;
    } else if (p[0] == 'j') {
        len = PLEN_J;
        p += 1;
    }
    *s = p;
    return len;
}

/* A '%' that cannot begin a conversion: at the end of the format, or before
 * a character no conversion starts with ("100%", "50%\n"). bpftrace prints
 * it as it is. */
static bool is_lone_percent(const char *p)
{
    char c = p[1];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return c == '\0' || !(letter || is_flag(c) || is_digit(c) || c == '.' || c == '*');
}

/* Parses one spec starting at the '%' at fmt + offset (not "%%"). */
static int parse_conversion(const char *fmt, size_t offset, struct printf_conversion *c,
                            struct printf_error *err)
{
    const char *p = fmt + offset + 1;
    memset(c, 0, sizeof(*c));
    c->offset = offset;
    c->width = -1;
    c->precision = -1;

    size_t nflags = 0;
    for (; is_flag(*p); p++) {
        if (!strchr(c->flags, *p) && nflags < sizeof(c->flags) - 1)
            c->flags[nflags++] = *p;
    }
    if (*p == '*') {
        set_error(err, offset, -1,
                  "printf: '*' widths are not supported; write the width in the format");
        return -1;
    }
    if (is_digit(*p)) {
        c->width = read_number(&p);
        if (c->width < 0) {
            set_error(err, offset, -1, "printf: field width too large");
            return -1;
        }
    }
    if (*p == '.') {
        p++;
        if (*p == '*') {
            set_error(
                err, offset, -1,
                "printf: '*' precisions are not supported; write the precision in the format");
            return -1;
        }
        c->precision = read_number(&p);
        if (c->precision < 0) {
            set_error(err, offset, -1, "printf: precision too large");
            return -1;
        }
    }
    c->len = read_length(&p);

    if (*p == '\0') {
        set_error(err, offset, -1, "printf: incomplete conversion '%.*s' at the end of the format",
                  (int)(p - (fmt + offset)), fmt + offset);
        return -1;
    }
    c->conv = *p;
    c->length = (size_t)(p + 1 - (fmt + offset));
    switch (c->conv) {
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        return 0;
    case 'r':
        if (p[1] == 'x' || p[1] == 'h') {
            c->buffer_style = p[1];
            c->length++;
        }
        /* fall through */
    case 'c':
    case 's':
    case 'p':
        if (c->len != PLEN_NONE) {
            set_error(err, offset, -1, "printf: length modifier not allowed in '%.*s'",
                      (int)c->length, fmt + offset);
            return -1;
        }
        return 0;
    default:
        set_error(
            err, offset, -1,
            "printf: unknown conversion '%.*s' (supported: d i u o x X c s p r rx rh, and %%%% for %%)",
            (int)c->length, fmt + offset);
        return -1;
    }
}

int printf_format_parse(const char *fmt, struct printf_format *out, struct printf_error *err)
{
    struct literal_buf lit = {0};
    *out = (struct printf_format){0};
    if (err)
        *err = (struct printf_error){.arg_index = -1};

    size_t i = 0;
    while (fmt[i]) {
        size_t start = i;
        while (fmt[i] && fmt[i] != '%')
            i++;
        if (i > start && literal_append(&lit, fmt + start, i - start) < 0)
            goto oom;
        if (!fmt[i])
            break;
        if (fmt[i + 1] == '%' || is_lone_percent(fmt + i)) {
            if (literal_append(&lit, "%", 1) < 0)
                goto oom;
            i += fmt[i + 1] == '%' ? 2 : 1;
            continue;
        }
        struct printf_piece piece = {.is_conversion = true};
        if (parse_conversion(fmt, i, &piece.conv, err) < 0)
            goto fail;
        if (literal_flush(&lit, out) < 0 || push_piece(out, &piece) < 0)
            goto oom;
        out->nconversions++;
        i += piece.conv.length;
    }
    if (literal_flush(&lit, out) < 0)
        goto oom;
    return 0;

oom:
    set_error(err, i, -1, "printf: out of memory");
fail:
    free(lit.text);
    printf_format_free(out);
    return -1;
}

void printf_format_free(struct printf_format *f)
{
    for (int i = 0; i < f->npieces; i++)
        free(f->pieces[i].text);
    free(f->pieces);
    *f = (struct printf_format){0};
}

enum printf_arg_class printf_conversion_class(const struct printf_conversion *c)
{
    switch (c->conv) {
    case 'c':
        return PARG_CHAR;
    case 's':
        return PARG_STRING;
    case 'p':
        return PARG_POINTER;
    case 'r':
        return PARG_BUFFER;
    default:
        return PARG_INT;
    }
}

int printf_check_arg_count(const struct printf_format *f, int nargs, struct printf_error *err)
{
    if (nargs == f->nconversions)
        return 0;
    /* Point at the first conversion without an argument, or the first extra one's spec. */
    size_t offset = 0;
    int seen = 0;
    for (int i = 0; i < f->npieces; i++) {
        if (!f->pieces[i].is_conversion)
            continue;
        offset = f->pieces[i].conv.offset;
        if (seen++ == nargs)
            break;
    }
    set_error(err, offset, nargs < f->nconversions ? -1 : f->nconversions,
              "printf: too %s arguments for format (%d conversion%s, %d argument%s)",
              nargs < f->nconversions ? "few" : "many", f->nconversions,
              f->nconversions == 1 ? "" : "s", nargs, nargs == 1 ? "" : "s");
    return -1;
}

static const char *type_description(const struct type *t)
{
    switch (t->kind) {
    case TY_INT:
        return "an integer";
    case TY_STRING:
        return "a string";
    case TY_PROBE:
        return "a probe name";
    case TY_TUPLE:
        return "a tuple";
    case TY_PTR:
        return "a pointer";
    case TY_ARRAY:
        return "an array";
    case TY_RECORD:
        return "a struct";
    case TY_CTX:
        return "the args pointer";
    case TY_KSTACK:
        return "a kstack";
    case TY_USTACK:
        return "a ustack";
    case TY_KSYM:
        return "a ksym";
    case TY_USYM:
        return "a usym";
    case TY_INET:
        return "an ntop() address";
    case TY_BUFFER:
        return "a buf()";
    case TY_NONE:
    case TY_VOID:
        return "nothing";
    default:
        return "an aggregation";
    }
}

static bool is_integer_like(const struct type *t)
{
    return t->kind == TY_INT || t->kind == TY_PTR;
}

/* Everything the runtime renders as text (%s): the printable values that
 * are not numbers. */
static bool is_string_like(const struct type *t)
{
    return type_is_printable(t) && !is_integer_like(t) && !type_is_composite(t) &&
           t->kind != TY_BUFFER;
}

static const struct printf_conversion *nth_conversion(const struct printf_format *f, int index)
{
    int seen = 0;
    for (int i = 0; i < f->npieces; i++) {
        if (f->pieces[i].is_conversion && seen++ == index)
            return &f->pieces[i].conv;
    }
    return NULL;
}

int printf_check_arg(const struct printf_format *f, int index, const struct type *type,
                     struct printf_error *err)
{
    const struct printf_conversion *c = nth_conversion(f, index);
    if (!c)
        return printf_check_arg_count(f, index + 1, err);

    bool ok;
    const char *wanted;
    if (printf_conversion_class(c) == PARG_STRING) {
        ok = is_string_like(type);
        wanted = "a string";
    } else if (printf_conversion_class(c) == PARG_BUFFER) {
        ok = type->kind == TY_BUFFER;
        wanted = "a buf()";
    } else {
        ok = is_integer_like(type);
        wanted = "an integer";
    }
    if (ok)
        return 0;
    set_error(err, c->offset, index, "printf: %%%c needs %s argument, argument %d is %s", c->conv,
              wanted, index + 1, type_description(type));
    return -1;
}

int printf_check_args(const struct printf_format *f, const struct type *const *arg_types, int nargs,
                      struct printf_error *err)
{
    if (printf_check_arg_count(f, nargs, err) < 0)
        return -1;
    for (int i = 0; i < nargs; i++) {
        if (printf_check_arg(f, i, arg_types[i], err) < 0)
            return -1;
    }
    return 0;
}

int printf_check(const char *fmt, const struct type *const *arg_types, int nargs,
                 struct printf_error *err)
{
    struct printf_format f;
    if (printf_format_parse(fmt, &f, err) < 0)
        return -1;
    int rc = printf_check_args(&f, arg_types, nargs, err);
    printf_format_free(&f);
    return rc;
}
