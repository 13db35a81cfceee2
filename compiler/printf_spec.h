/* printf format strings as bpftrace understands them: literal text and
 * conversion specs (%[flags][width][.precision][length]conversion).
 *
 * The resolver parses each printf()/system()/cat() format once to check the
 * arguments against it; the runtime parses it (once, cached) to format events.
 * `%%` is one literal `%`, as in current bpftrace (0.17 printed `%%`), and
 * so is a lone `%` that no conversion can follow ("100%", "50%\n"), as in
 * bpftrace. */
#ifndef SOBT_PRINTF_SPEC_H
#define SOBT_PRINTF_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "types.h"

enum printf_length {
    PLEN_NONE, /* int: the low 32 bits of the 64-bit argument, as C printf reads them */
    PLEN_HH,   /* char */
    PLEN_H,    /* short */
    PLEN_L,    /* long: all 64 bits */
    PLEN_LL,   /* long long */
    PLEN_Z,    /* size_t */
    PLEN_J,    /* intmax_t */
};

/* What kind of argument a conversion consumes. */
enum printf_arg_class {
    PARG_INT,     /* d i u o x X */
    PARG_CHAR,    /* c */
    PARG_STRING,  /* s */
    PARG_POINTER, /* p */
    PARG_BUFFER,  /* r, rx, rh: a buf() */
};

struct printf_conversion {
    size_t offset; /* byte offset of the '%' in the format string */
    size_t length; /* bytes from '%' through the conversion character */
    char flags[6]; /* the distinct flags of "-+ 0#" in source order, NUL-terminated */
    int width;     /* -1 when absent */
    int precision; /* -1 when absent */
    enum printf_length len;
    char conv; /* one of d i u o x X c s p r */
    /* %r: printable bytes as they are, others as \xNN; %rx: every byte as
     * \xNN; %rh: every byte as two hex digits, separated by spaces */
    char buffer_style; /* '\0', 'x' or 'h' */
};

struct printf_piece {
    bool is_conversion;
    char *text;                    /* literal text with "%%" collapsed to "%" (NUL-terminated) */
    size_t text_len;               /* literal only */
    struct printf_conversion conv; /* conversion only */
};

struct printf_format {
    struct printf_piece *pieces;
    int npieces;
    int nconversions;
};

struct printf_error {
    char message[192];
    size_t offset; /* byte offset in the format string of the offending spec */
    int arg_index; /* 0-based index of the offending argument, -1 if none */
};

/* Split fmt into pieces. Returns 0, or -1 with err filled (unknown conversion,
 * a conversion cut short by the end, '*' widths, a length modifier on
 * %c/%s/%p). On failure
 * out holds nothing that needs freeing. */
int printf_format_parse(const char *fmt, struct printf_format *out, struct printf_error *err);
void printf_format_free(struct printf_format *f);

enum printf_arg_class printf_conversion_class(const struct printf_conversion *c);

/* The argument count must equal the number of conversions. */
int printf_check_arg_count(const struct printf_format *f, int nargs, struct printf_error *err);
/* Argument `index` (0-based, after the format) must suit its conversion:
 * integers (and pointers) for d i u o x X c p; strings, probe names, symbols,
 * stacks and ntop() results for s. */
int printf_check_arg(const struct printf_format *f, int index, const struct type *type,
                     struct printf_error *err);
/* Both checks over all arguments; arg_types[i] is the type of argument i. */
int printf_check_args(const struct printf_format *f, const struct type *const *arg_types, int nargs,
                      struct printf_error *err);

/* Parse and check in one call, for callers that do not keep the pieces. */
int printf_check(const char *fmt, const struct type *const *arg_types, int nargs,
                 struct printf_error *err);

#endif
