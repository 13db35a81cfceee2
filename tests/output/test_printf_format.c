/* printf() and print(value) formatting (runtime/output/printf.c, values.c) against
 * bpftrace 0.17's output. No BPF needed: records are built in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "common/check.h"
#include "expected_text.h"
#include "output/printf.h"
#include "output/values.h"
#include "record.h"

static char *probe_names[] = {"BEGIN", "END"};
static struct compiled_program prog = {.probe_names = probe_names, .nprobe_names = 2, .strlen = 64};

static void check_printf(const char *what, const char *fmt, const struct record *r,
                         const char *want)
{
    struct capture c;
    output_printf(capture_start(&c), &prog, fmt, &r->desc, r->data);
    char *got = capture_end(&c);
    expect_text(what, got, want);
    free(got);
}

static void test_basic(void)
{
    struct record r;
    record_init(&r);
    for (int i = 0; i < 5; i++)
        record_i64(&r, i < 4 ? -5 : 8);
    record_i64(&r, 65);
    record_str(&r, "str", 64);
    record_i64(&r, 4096);
    check_printf("basic conversions", "%d|%u|%x|%X|%o|%c|%s|%p|\n", &r, EXPECT_PRINTF_BASIC);
}

static void test_width(void)
{
    struct record r;
    record_init(&r);
    record_i64(&r, 42);
    record_i64(&r, 42);
    record_i64(&r, -42);
    record_str(&r, "ab", 64);
    record_str(&r, "ab", 64);
    record_i64(&r, 255);
    record_str(&r, "abc", 64);
    record_str(&r, "abc", 64);
    record_i64(&r, 66);
    record_i64(&r, 67);
    record_i64(&r, 7);
    record_i64(&r, 255);
    check_printf("widths and flags",
                 "[%5d][%-5d][%05d][%-10s][%10s][%08x][%.2s][%5.1s][%5c][%-3c][%5.2d][%-08x]\n", &r,
                 EXPECT_PRINTF_WIDTH);
}

static void test_length(void)
{
    struct record r;
    record_init(&r);
    int64_t values[] = {-1, -1, -1, -1, 70000, 300, -1, -1, -1, -1, -1, -1};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
        record_i64(&r, values[i]);
    check_printf("length modifiers", "%lu %llu %ld %lld %hd %hhd %hu %hhu %zd %jd %lx %hx\n", &r,
                 EXPECT_PRINTF_LENGTH);

    record_init(&r);
    for (int i = 0; i < 6; i++)
        record_i64(&r, 5000000000);
    check_printf("64-bit values through 32-bit conversions", "%d %u %x %ld %lu %lX\n", &r,
                 EXPECT_PRINTF_BIG);
}

/* Narrow fields (tracepoint ints, casts) are widened by their signedness first. */
static void test_typed(void)
{
    struct record r;
    record_init(&r);
    record_int(&r, -5, 4, true);
    record_int(&r, -1, 1, true);
    record_int(&r, 255, 1, false);
    record_int(&r, -1, 4, true);
    record_int(&r, -2, 2, true);
    record_int(&r, 4294967295, 4, false);
    check_printf("narrow signed and unsigned fields", "%d %u %x %ld %lu %d\n", &r,
                 EXPECT_PRINTF_TYPED);
}

static void test_probe_pointer_text(void)
{
    struct record r;
    record_init(&r);
    for (int i = 0; i < 3; i++)
        record_u64_kind(&r, VK_PROBE, 0);
    check_printf("probe names through %s", "%s|%10s|%-8s|\n", &r, EXPECT_PRINTF_PROBE);

    record_init(&r);
    record_i64(&r, 0);
    record_i64(&r, 1);
    record_i64(&r, 2);
    record_i64(&r, -1);
    check_printf("pointers", "%p|%5p|%-20p|%p\n", &r, EXPECT_PRINTF_POINTER);

    record_init(&r);
    struct capture c;
    FILE *out = capture_start(&c);
    output_printf(out, &prog, "plain text\n", &r.desc, r.data);
    output_printf(out, &prog, "no newline", NULL, NULL);
    char *got = capture_end(&c);
    expect_text("formats without conversions", got, EXPECT_PRINTF_NOARGS);
    free(got);

    record_init(&r);
    record_i64(&r, 5);
    check_printf("%% is one percent sign", "100%% done %d%%\n", &r, EXPECT_PRINTF_PERCENT);
}

/* Not from bpftrace: a string that fills its field has no NUL and must still end there. */
static void test_unterminated_string(void)
{
    struct record r;
    record_init(&r);
    record_str(&r, "abcdefgh", 8);
    record_i64(&r, 7);
    check_printf("string filling its field", "[%s][%d]\n", &r, "[abcdefgh][7]\n");
}

/* bpftrace -e 'BEGIN { printf("%s|%-12s|\n", ntop(2, 0x0100007f), ntop(0x0201a8c0)); exit(); }'
 * prints "127.0.0.1|192.168.1.2 |"; the IPv6 form is inet_ntop's. */
static void test_inet(void)
{
    struct record r;
    record_init(&r);
    uint8_t lo[4] = {127, 0, 0, 1}, lan[4] = {192, 168, 1, 2};
    uint8_t six[16] = {0};
    six[15] = 1;
    record_inet(&r, AF_INET, lo, 4);
    record_inet(&r, AF_INET, lan, 4);
    record_inet(&r, AF_INET6, six, 16);
    check_printf("ntop addresses", "%s|%-12s|%s\n", &r, "127.0.0.1|192.168.1.2 |::1\n");
}

static void test_print_value(void)
{
    struct record r;
    record_init(&r);
    record_i64(&r, 5);
    record_i64(&r, -5);
    record_str(&r, "str", 64);
    record_int(&r, -1, 8, false);
    record_u64_kind(&r, VK_PROBE, 0);
    record_int(&r, -3, 4, true);
    record_int(&r, 200, 1, false);
    record_str(&r, "", 64);

    struct capture c;
    FILE *out = capture_start(&c);
    for (int i = 0; i < r.desc.nfields; i++)
        output_print_value(out, &prog, &r.fields[i], r.data);
    char *got = capture_end(&c);
    expect_text("print(value)", got, EXPECT_PRINT_VALUES);
    free(got);
}

int main(void)
{
    test_basic();
    test_width();
    test_length();
    test_typed();
    test_probe_pointer_text();
    test_unterminated_string();
    test_inet();
    test_print_value();
    return test_finish("test_printf_format");
}
