/* printf format parsing and argument checking (compiler/printf_spec.c). No BPF needed. */
#include <stdio.h>
#include <string.h>

#include "common/check.h"
#include "printf_spec.h"

static void test_pieces(void)
{
    struct printf_format f;
    struct printf_error err;
    int rc = printf_format_parse("a%%b%-10s|%08llx%c", &f, &err);
    expect_true("parse a%%b%-10s|%08llx%c", rc == 0);
    if (rc)
        return;
    expect_true("piece count", f.npieces == 5 && f.nconversions == 3);
    if (f.npieces != 5)
        goto out;
    expect_text("literal with %% collapsed", f.pieces[0].text, "a%b");
    const struct printf_conversion *s = &f.pieces[1].conv;
    expect_true("%-10s", f.pieces[1].is_conversion && s->conv == 's' && !strcmp(s->flags, "-") &&
                             s->width == 10 && s->precision == -1 && s->offset == 4 &&
                             s->length == 5);
    expect_text("literal |", f.pieces[2].text, "|");
    const struct printf_conversion *x = &f.pieces[3].conv;
    expect_true("%08llx", x->conv == 'x' && !strcmp(x->flags, "0") && x->width == 8 &&
                              x->len == PLEN_LL && x->offset == 10);
    expect_true("%c", f.pieces[4].conv.conv == 'c' &&
                          printf_conversion_class(&f.pieces[4].conv) == PARG_CHAR);
out:
    printf_format_free(&f);
}

/* A '%' no conversion can follow is printed as it is, as bpftrace does. */
static void test_lone_percent(void)
{
    const char *formats[][2] = {{"abc %", "abc %"}, {"50%\n", "50%\n"}, {"(100%)", "(100%)"}};
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        struct printf_format f;
        struct printf_error err;
        char what[64];
        snprintf(what, sizeof(what), "lone %% in \"%s\"", formats[i][0]);
        int rc = printf_format_parse(formats[i][0], &f, &err);
        expect_true(what, rc == 0 && f.npieces == 1 && f.nconversions == 0);
        if (rc == 0 && f.npieces == 1)
            expect_text(what, f.pieces[0].text, formats[i][1]);
        if (rc == 0)
            printf_format_free(&f);
    }
}

static void test_accepted(void)
{
    const char *ok[] = {
        "%d %i %u %o %x %X %c %s %p",
        "%+d % d %#x %#o %-+5d %0-5d",
        "%5.2d %.3s %10.4s %hhd %hd %ld %lld %zd %jd %lu %llx %hx",
        "no conversions at all",
        "",
        "100%% sure",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct printf_format f;
        struct printf_error err;
        char what[128];
        snprintf(what, sizeof(what), "accepts \"%s\"", ok[i]);
        int rc = printf_format_parse(ok[i], &f, &err);
        expect_true(what, rc == 0);
        if (rc)
            fprintf(stderr, "  error: %s\n", err.message);
        else
            printf_format_free(&f);
    }
}

static void expect_parse_error(const char *fmt, const char *message, size_t offset)
{
    struct printf_format f;
    struct printf_error err;
    char what[160];
    snprintf(what, sizeof(what), "rejects \"%s\"", fmt);
    int rc = printf_format_parse(fmt, &f, &err);
    expect_true(what, rc == -1);
    if (rc == 0) {
        printf_format_free(&f);
        return;
    }
    expect_text(what, err.message, message);
    snprintf(what, sizeof(what), "error offset for \"%s\"", fmt);
    expect_true(what, err.offset == offset);
}

static void test_rejected(void)
{
    expect_parse_error(
        "x %y", "printf: unknown conversion '%y' (supported: d i u o x X c s p r rx rh, and %% for %)", 2);
    expect_parse_error("%-5.3", "printf: incomplete conversion '%-5.3' at the end of the format",
                       0);
    expect_parse_error("%d %*d",
                       "printf: '*' widths are not supported; write the width in the format", 3);
    expect_parse_error("%ls", "printf: length modifier not allowed in '%ls'", 0);
    expect_parse_error(
        "%f", "printf: unknown conversion '%f' (supported: d i u o x X c s p r rx rh, and %% for %)", 0);
}

static void expect_check(const char *fmt, const struct type *const *types, int n,
                         const char *message, size_t offset, int arg_index)
{
    struct printf_error err;
    char what[200];
    int rc = printf_check(fmt, types, n, &err);
    snprintf(what, sizeof(what), "check \"%s\" with %d args", fmt, n);
    if (!message) {
        expect_true(what, rc == 0);
        if (rc)
            fprintf(stderr, "  error: %s\n", err.message);
        return;
    }
    expect_true(what, rc == -1);
    if (rc == 0)
        return;
    expect_text(what, err.message, message);
    expect_true(what, err.offset == offset && err.arg_index == arg_index);
    if (err.offset != offset || err.arg_index != arg_index)
        fprintf(stderr, "  offset %zu arg %d\n", err.offset, err.arg_index);
}

static void test_arguments(void)
{
    struct type i64 = type_int(8, true), u32 = type_int(4, false);
    struct type str = {.kind = TY_STRING, .size = 64};
    struct type probe = {.kind = TY_PROBE, .size = 8};
    struct type ptr = {.kind = TY_PTR, .size = 8};
    struct type kstack = {.kind = TY_KSTACK, .size = 8};
    struct type inet = {.kind = TY_INET, .size = 24};
    struct type tuple = {.kind = TY_TUPLE, .size = 16};

    const struct type *good[] = {&i64, &u32, &str, &probe, &ptr, &kstack, &inet, &i64};
    expect_check("%d %x %s %s %p %s %s %c\n", good, 8, NULL, 0, -1);

    const struct type *two[] = {&i64, &i64};
    expect_check("%d %d %d\n", two, 2,
                 "printf: too few arguments for format (3 conversions, 2 arguments)", 6, -1);
    expect_check("%d\n", two, 2,
                 "printf: too many arguments for format (1 conversion, 2 arguments)", 0, 1);
    expect_check("none\n", two, 1,
                 "printf: too many arguments for format (0 conversions, 1 argument)", 0, 0);

    const struct type *int_for_s[] = {&i64, &i64};
    expect_check("%d %-5s\n", int_for_s, 2,
                 "printf: %s needs a string argument, argument 2 is an integer", 3, 1);
    const struct type *str_for_d[] = {&str};
    expect_check("%d\n", str_for_d, 1,
                 "printf: %d needs an integer argument, argument 1 is a string", 0, 0);
    const struct type *probe_for_x[] = {&probe};
    expect_check("%lx\n", probe_for_x, 1,
                 "printf: %x needs an integer argument, argument 1 is a probe name", 0, 0);
    const struct type *tuple_for_s[] = {&tuple};
    expect_check("%s\n", tuple_for_s, 1,
                 "printf: %s needs a string argument, argument 1 is a tuple", 0, 0);
}

int main(void)
{
    test_pieces();
    test_lone_percent();
    test_accepted();
    test_rejected();
    test_arguments();
    return test_finish("test_printf_spec");
}
