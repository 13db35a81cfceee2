/* print(@m, top, div), zero() and clear() (runtime/output/) on real kernel
 * maps, against bpftrace 0.17's text in expected_text.h (map_fixture.h). */
#include <bpf/bpf.h>
#include <errno.h>

#include "common/check.h"
#include "expected_text.h"
#include "map_fixture.h"

static void fill_ints(struct tmap *m, const char *name, const int64_t *keys, const int64_t *values,
                      int n)
{
    struct record k = key_int(keys[0]);
    tmap_create(m, name, AGG_NONE, &k, signed_int);
    for (int i = 0; i < n; i++) {
        k = key_int(keys[i]);
        put_int(m, &k, values[i]);
    }
}

static void fill_hist_keys(struct tmap *m)
{
    struct record k = key_int(1);
    tmap_create(m, "@h", AGG_HIST, &k, signed_int);
    hist_add_n(m, &k, 1, 3);
    hist_add_n(m, &k, 4, 1);
    k = key_int(2);
    hist_add_n(m, &k, 100, 1);
    k = key_int(3);
    hist_add_n(m, &k, -5, 1);
    hist_add_n(m, &k, 10, 1);
}

static void test_print_top_div(void)
{
    struct tmap m;
    struct record k;
    int64_t keys[] = {1, 2, 3, 4};

    fill_ints(&m, "@d", keys, (int64_t[]){1, 2, 3, -4}, 4);
    check_print("print(@d, 2)", &m, 2, 0, EXPECT_PRINT_TOP_INT);
    tmap_close(&m);
    fill_ints(&m, "@d", keys, (int64_t[]){1, 2, 3}, 3);
    check_print("print(@d, 5) with 3 entries", &m, 5, 0, EXPECT_PRINT_TOP_ALL);
    tmap_close(&m);
    fill_ints(&m, "@d", keys, (int64_t[]){1, 2, 3, -7}, 4);
    check_print("print(@d, 0, 2)", &m, 0, 2, EXPECT_PRINT_DIV_INT);
    tmap_close(&m);

    k = key_int(1);
    tmap_create(&m, "@c", AGG_COUNT, &k, unsigned_int);
    for (int i = 1; i <= 3; i++) {
        k = key_int(i);
        for (int j = 0; j < i; j++)
            agg(&m, &k, j, 0);
    }
    check_print("print(@c, 2, 2)", &m, 2, 2, EXPECT_PRINT_TOPDIV_COUNT);
    tmap_close(&m);

    fill_hist_keys(&m);
    check_print("print(@h, 2)", &m, 2, 0, EXPECT_PRINT_TOP_HIST);
    check_print("print(@h, 0, 2)", &m, 0, 2, EXPECT_PRINT_DIV_HIST);
    tmap_close(&m);

    k = key_int(1);
    tmap_create(&m, "@a", AGG_AVG, &k, signed_int);
    int64_t avgs[] = {10, 20, 30, -30};
    for (int i = 0; i < 4; i++) {
        k = key_int(i + 1);
        agg(&m, &k, i, avgs[i]);
    }
    check_print("print(@a, 3, 3)", &m, 3, 3, EXPECT_PRINT_TOPDIV_AVG);
    tmap_close(&m);

    k = key_int(1);
    tmap_create(&m, "@s", AGG_STATS, &k, signed_int);
    agg(&m, &k, 0, 10);
    k = key_int(2);
    agg(&m, &k, 0, 20);
    agg(&m, &k, 1, 20);
    k = key_int(3);
    agg(&m, &k, 1, 5);
    check_print("print(@s, 1, 3): stats ignore top and div, as in 0.17", &m, 1, 3,
                EXPECT_PRINT_TOPDIV_STATS);
    tmap_close(&m);

    k = key_int(1);
    tmap_create(&m, "@m", AGG_MIN, &k, signed_int);
    agg(&m, &k, 0, 10);
    k = key_int(2);
    agg(&m, &k, 1, -20);
    check_print("print(@m, 0, 3)", &m, 0, 3, EXPECT_PRINT_DIV_MIN);
    tmap_close(&m);

    k = key_int(1);
    tmap_create(&m, "@t", AGG_SUM, &k, signed_int);
    agg(&m, &k, 0, -10);
    k = key_int(2);
    agg(&m, &k, 1, 7);
    check_print("print(@t, 0, 3)", &m, 0, 3, EXPECT_PRINT_DIV_SUM);
    tmap_close(&m);

    k = key_int(1);
    tmap_create(&m, "@str", AGG_NONE, &k, (struct value_desc){.kind = VK_STRING, .size = 16});
    char ab[16] = "ab";
    put_plain(&m, &k, ab);
    check_print("print(@str, 0, 2): strings are not divided", &m, 0, 2, EXPECT_PRINT_DIV_STRING);
    tmap_close(&m);
}

static void test_empty_zero_clear(void)
{
    struct tmap m;
    struct record k = key_int(1);

    tmap_create(&m, "@c", AGG_NONE, &k, signed_int);
    check_print("print of an empty map", &m, 0, 0, EXPECT_PRINT_EMPTY);
    tmap_close(&m);
    tmap_create(&m, "@a", AGG_AVG, &k, signed_int);
    check_print("print of an empty avg map", &m, 0, 0, EXPECT_PRINT_EMPTY_AVG);
    tmap_close(&m);
    tmap_create(&m, "@a", AGG_STATS, &k, signed_int);
    check_print("print of an empty stats map", &m, 0, 0, EXPECT_PRINT_EMPTY_STATS);
    tmap_close(&m);
    tmap_create(&m, "@a", AGG_HIST, &k, signed_int);
    check_print("print of an empty hist map", &m, 0, 0, EXPECT_PRINT_EMPTY_HIST);
    tmap_close(&m);

    tmap_create(&m, "@h", AGG_HIST, &k, signed_int);
    hist_add_n(&m, &k, 5, 1);
    k = key_int(2);
    hist_add_n(&m, &k, 7, 1);
    expect_true("zero(@h) succeeds", output_zero_map(m.fd, &m.desc) == 0);
    check_print("print(@h) after zero(@h)", &m, 0, 0, EXPECT_PRINT_ZERO_HIST);
    tmap_close(&m);

    k = key_int(1);
    tmap_create(&m, "@c", AGG_COUNT, &k, unsigned_int);
    agg(&m, &k, 0, 0);
    k = key_int(2);
    agg(&m, &k, 0, 0);
    agg(&m, &k, 1, 0);
    expect_true("zero(@c) succeeds", output_zero_map(m.fd, &m.desc) == 0);
    check_print("print(@c) after zero(@c)", &m, 0, 0, EXPECT_PRINT_ZERO_COUNT);

    expect_true("clear(@c) succeeds", output_clear_map(m.fd, &m.desc) == 0);
    uint8_t next[8];
    expect_true("clear(@c) leaves no key", bpf_map_get_next_key(m.fd, NULL, next) == -ENOENT);
    check_print("print(@c) after clear(@c)", &m, 0, 0, EXPECT_PRINT_EMPTY);
    tmap_close(&m);

    k = key_int(1);
    tmap_create(&m, "@s", AGG_STATS, &k, signed_int);
    agg(&m, &k, 0, 4);
    expect_true("zero(@s) succeeds", output_zero_map(m.fd, &m.desc) == 0);
    check_print("print(@s) after zero(@s)", &m, 0, 0, EXPECT_PRINT_ZERO_STATS);
    tmap_close(&m);
}

int main(void)
{
    map_fixture_init();
    test_print_top_div();
    test_empty_zero_clear();
    return test_finish("test_map_print");
}
