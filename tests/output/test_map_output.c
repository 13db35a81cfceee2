/* Map printing at exit (runtime/output/) on real kernel maps: one case per
 * bpftrace program in expected_text.h (map_fixture.h says how). */
#include "common/check.h"
#include "expected_text.h"
#include "map_fixture.h"

/* ---- Cases: one per bpftrace program in expected_text.h --------------------------- */

static void test_at_exit(void)
{
    struct tmap any, M, a, b, c, e, s, v, h, z, internal;
    struct record k;
    tmap_create(&any, "@", AGG_NONE, NULL, signed_int);
    put_int(&any, NULL, 4);
    tmap_create(&M, "@M", AGG_NONE, NULL, signed_int);
    put_int(&M, NULL, 3);
    tmap_create(&a, "@a", AGG_NONE, NULL, signed_int);
    put_int(&a, NULL, 1);
    tmap_create(&b, "@b", AGG_COUNT, NULL, unsigned_int);
    agg(&b, NULL, 1, 0);
    k = key_int(1);
    tmap_create(&c, "@c", AGG_NONE, &k, signed_int);
    put_int(&c, &k, 2);
    k = key_int(2);
    put_int(&c, &k, 1);
    k = key_int(-3);
    put_int(&c, &k, 5);
    tmap_create(&e, "@e", AGG_NONE, &k, signed_int); /* stays empty: prints "\n" */
    tmap_create(&s, "@s", AGG_STATS, NULL, signed_int);
    agg(&s, NULL, 0, 5);
    tmap_create(&v, "@v", AGG_AVG, NULL, signed_int);
    agg(&v, NULL, 1, 3);
    tmap_create(&h, "@h", AGG_HIST, NULL, signed_int);
    hist_add(&h, NULL, 0, 3);
    tmap_create(&z, "@z", AGG_NONE, NULL, signed_int);
    put_int(&z, NULL, -7);
    tmap_create(&internal, "@_internal", AGG_NONE, NULL, signed_int);
    internal.desc.is_internal = true;
    put_int(&internal, NULL, 99);
    /* Given out of name order on purpose: the dump sorts by name. */
    struct tmap *maps[] = {&z, &internal, &h, &v, &s, &e, &c, &b, &a, &M, &any};
    check_exit("dump at exit: order, blank lines, internal map hidden", maps, 11, EXPECT_AT_EXIT);
}

static void test_count_sum(void)
{
    struct tmap m;
    struct record k = key_int(1);
    tmap_create(&m, "@", AGG_COUNT, &k, unsigned_int);
    int64_t keys[] = {1, 1, 2, 3, 3, 3, 4, 4};
    for (int i = 0; i < 8; i++) {
        k = key_int(keys[i]);
        agg(&m, &k, i, 0);
    }
    struct tmap *maps[] = {&m};
    check_exit("count", maps, 1, EXPECT_COUNT);

    k = key_str("a");
    tmap_create(&m, "@s", AGG_SUM, &k, signed_int);
    agg(&m, &k, 0, -5);
    k = key_str("b");
    agg(&m, &k, 1, 10);
    k = key_str("c");
    agg(&m, &k, 0, 3);
    agg(&m, &k, 1, -10);
    k = key_str("dd");
    agg(&m, &k, 0, 0);
    check_exit("sum with negative values and string keys", maps, 1, EXPECT_SUM);

    tmap_create(&m, "@f", AGG_SUM, NULL, unsigned_int);
    agg(&m, NULL, 0, -5);
    check_exit("unsigned sum", maps, 1, EXPECT_SUM_UNSIGNED);
}

static void test_min_max(void)
{
    struct tmap m;
    struct tmap *maps[] = {&m};
    struct record k = key_int(1);
    tmap_create(&m, "@m", AGG_MIN, &k, signed_int);
    agg(&m, &k, 0, 4);
    k = key_int(2);
    agg(&m, &k, 1, -5);
    k = key_int(3);
    agg(&m, &k, 0, 7);
    agg(&m, &k, 1, 3);
    k = key_int(4);
    agg(&m, &k, 1, -1);
    agg(&m, &k, 0, 9);
    check_exit("min over CPUs, negative values", maps, 1, EXPECT_MIN);

    k = key_int(1);
    tmap_create(&m, "@x", AGG_MAX, &k, signed_int);
    agg(&m, &k, 0, 5);
    k = key_int(2);
    agg(&m, &k, 0, 7);
    agg(&m, &k, 1, 2);
    k = key_int(3);
    agg(&m, &k, 1, 0);
    k = key_int(4);
    agg(&m, &k, 0, 1000000);
    check_exit("max over CPUs", maps, 1, EXPECT_MAX);
}

static void test_avg_stats(void)
{
    struct tmap m;
    struct tmap *maps[] = {&m};
    for (int stats = 0; stats < 2; stats++) {
        struct record k = key_int(1);
        tmap_create(&m, stats ? "@t" : "@a", stats ? AGG_STATS : AGG_AVG, &k, signed_int);
        if (stats) {
            agg(&m, &k, 0, 10);
            k = key_int(2);
            agg(&m, &k, 0, 2);
            agg(&m, &k, 1, 2);
            agg(&m, &k, 0, 2);
            k = key_int(3);
            agg(&m, &k, 0, -4);
            agg(&m, &k, 1, -3);
        } else {
            agg(&m, &k, 0, -7);
            agg(&m, &k, 1, 2);
            k = key_int(2);
            agg(&m, &k, 0, 10);
            k = key_int(3);
            agg(&m, &k, 0, -9);
            agg(&m, &k, 1, -9);
        }
        k = key_int(4);
        agg(&m, &k, 0, 7);
        agg(&m, &k, 1, 8);
        check_exit(stats ? "stats" : "avg (truncating signed division)", maps, 1,
                   stats ? EXPECT_STATS : EXPECT_AVG);
    }
}

static void test_keys(void)
{
    struct tmap m, p;
    struct tmap *maps[] = {&m, &p};

    struct record k = key_str("bb");
    tmap_create(&m, "@u", AGG_COUNT, &k, unsigned_int);
    const char *words[] = {"bb", "a", "a", "ab", "a b c", "a b c", "a b c"};
    for (int i = 0; i < 7; i++) {
        k = key_str(words[i]);
        agg(&m, &k, i, 0);
    }
    check_exit("string keys", maps, 1, EXPECT_STRING_KEYS);

    struct {
        const char *s;
        int64_t n, value;
    } tuples[] = {{"b", 1, 5}, {"a", 2, 5}, {"a", 1, 5}, {"b", 0, 5}, {"c", -1, 2}};
    for (int i = 0; i < 5; i++) {
        record_init(&k);
        record_str(&k, tuples[i].s, 16);
        record_i64(&k, tuples[i].n);
        if (i == 0)
            tmap_create(&m, "@t", AGG_NONE, &k, signed_int);
        put_int(&m, &k, tuples[i].value);
    }
    check_exit("tuple keys", maps, 1, EXPECT_TUPLE_KEYS);

    for (int i = 0; i < 2; i++) {
        record_init(&k);
        record_int(&k, i ? 1 : 255, 1, false);
        record_int(&k, i ? 2 : -1, 1, true);
        record_int(&k, i ? 3 : -3, 2, true);
        record_int(&k, i ? 4 : 65535, 2, false);
        if (i == 0)
            tmap_create(&m, "@g", AGG_NONE, &k, signed_int);
        put_int(&m, &k, i + 1);
    }
    check_exit("integer keys of every width", maps, 1, EXPECT_INT_KEYS);

    record_init(&k);
    record_u64_kind(&k, VK_PROBE, 0);
    tmap_create(&m, "@", AGG_COUNT, &k, unsigned_int);
    agg(&m, &k, 0, 0);
    struct record end;
    record_init(&end);
    record_u64_kind(&end, VK_PROBE, 1);
    agg(&m, &end, 0, 0);
    agg(&m, &end, 1, 0);
    record_init(&k);
    record_u64_kind(&k, VK_PROBE, 0);
    record_str(&k, "x", 16);
    tmap_create(&p, "@p", AGG_SUM, &k, signed_int);
    agg(&p, &k, 0, 5);
    record_init(&end);
    record_u64_kind(&end, VK_PROBE, 1);
    record_str(&end, "x", 16);
    agg(&p, &end, 1, 2);
    check_exit("probe keys", maps, 2, EXPECT_PROBE_KEYS);
}

static void test_values(void)
{
    struct tmap m;
    struct tmap *maps[] = {&m};
    struct record k = key_int(2);
    tmap_create(&m, "@s", AGG_NONE, &k, (struct value_desc){.kind = VK_STRING, .size = 16});
    struct {
        int64_t key;
        const char *value;
    } entries[] = {{2, "b"}, {1, "c"}, {3, "a"}, {-1, "x"}, {256, "y"}};
    for (int i = 0; i < 5; i++) {
        char value[16] = {0};
        strcpy(value, entries[i].value);
        k = key_int(entries[i].key);
        put_plain(&m, &k, value);
    }
    check_exit("string values sort by key", maps, 1, EXPECT_STRING_VALUES);

    struct tmap a, b, c, d, e;
    tmap_create(&a, "@a", AGG_NONE, NULL, unsigned_int);
    put_int(&a, NULL, -1);
    tmap_create(&b, "@b", AGG_NONE, NULL, signed_int);
    put_int(&b, NULL, -1);
    tmap_create(&c, "@c", AGG_NONE, NULL, (struct value_desc){.kind = VK_INT, .size = 4});
    put_int(&c, NULL, 0xffffffff);
    tmap_create(&d, "@d", AGG_NONE, NULL,
                (struct value_desc){.kind = VK_INT, .size = 4, .is_signed = true});
    put_int(&d, NULL, 0xffffffff);
    tmap_create(&e, "@e", AGG_NONE, NULL, (struct value_desc){.kind = VK_INT, .size = 1});
    put_int(&e, NULL, 200);
    struct tmap *ints[] = {&a, &b, &c, &d, &e};
    check_exit("integer values of every width and signedness", ints, 5, EXPECT_INT_VALUES);
}

static void test_hist(void)
{
    struct tmap m;
    struct tmap *maps[] = {&m};
    tmap_create(&m, "@h", AGG_HIST, NULL, signed_int);
    hist_add_n(&m, NULL, -1, 1);
    hist_add_n(&m, NULL, 0, 1);
    hist_add_n(&m, NULL, 1, 2);
    hist_add_n(&m, NULL, 5000, 1);
    hist_add_n(&m, NULL, 1000000, 20);
    hist_add_n(&m, NULL, 1073741824, 7);
    hist_add_n(&m, NULL, 3221225472, 1);
    check_exit("hist from negative to the G range", maps, 1, EXPECT_HIST);

    struct record k = key_int(1);
    tmap_create(&m, "@h", AGG_HIST, &k, signed_int);
    hist_add_n(&m, &k, 1, 3);
    hist_add_n(&m, &k, 4, 1);
    k = key_int(2);
    hist_add_n(&m, &k, 100, 1);
    k = key_int(3);
    hist_add_n(&m, &k, -5, 1);
    hist_add_n(&m, &k, 10, 1);
    k = key_int(4);
    hist_add_n(&m, &k, 0, 2);
    check_exit("hist with keys sorted by total count", maps, 1, EXPECT_HIST_KEYS);

    /* bpftrace 0.17's own BPF never fills buckets past [2G, 4G), so the expected
     * text came from injecting these buckets into its map with bpftool. */
    tmap_create(&m, "@h", AGG_HIST, NULL, signed_int);
    hist_bucket_add(&m, NULL, 2, 0, 1);
    for (int cpu = 0; cpu < 2; cpu++) {
        hist_bucket_add(&m, NULL, 42, cpu, 5);
        hist_bucket_add(&m, NULL, 52, cpu, 1);
        hist_bucket_add(&m, NULL, 64, cpu, 1);
    }
    check_exit("hist in the T range and beyond", maps, 1, EXPECT_HIST_TERA);

    tmap_create(&m, "@h", AGG_HIST, NULL, signed_int);
    hist_add_n(&m, NULL, 1, 100);
    hist_add_n(&m, NULL, 2, 67);
    hist_add_n(&m, NULL, 8, 33);
    hist_add_n(&m, NULL, 16, 1);
    hist_add_n(&m, NULL, 32, 99);
    check_exit("hist bar rounding", maps, 1, EXPECT_HIST_BARS);
}

static void test_lhist(void)
{
    struct tmap l, b, c, d, M;
    struct tmap *one[] = {&l};
    tmap_create(&l, "@l", AGG_LHIST, NULL, signed_int);
    tmap_lhist(&l, 0, 100, 10);
    hist_add_n(&l, NULL, -5, 1);
    hist_add_n(&l, NULL, 0, 1);
    hist_add_n(&l, NULL, 55, 3);
    hist_add_n(&l, NULL, 100, 1);
    hist_add_n(&l, NULL, 1000, 1);
    check_exit("lhist with underflow and overflow buckets", one, 1, EXPECT_LHIST);

    tmap_create(&b, "@b", AGG_LHIST, NULL, signed_int);
    tmap_lhist(&b, 0, 10240, 1024);
    hist_add_n(&b, NULL, 5000, 1);
    hist_add_n(&b, NULL, 20000, 1);
    hist_add_n(&b, NULL, -1, 1);
    tmap_create(&c, "@c", AGG_LHIST, NULL, signed_int);
    tmap_lhist(&c, 512, 2048, 512);
    hist_add_n(&c, NULL, 1536, 1);
    hist_add_n(&c, NULL, 0, 1);
    hist_add_n(&c, NULL, 3000, 1);
    struct tmap *two[] = {&c, &b};
    check_exit("lhist labels with K suffixes", two, 2, EXPECT_LHIST_KILO);

    tmap_create(&l, "@a", AGG_LHIST, NULL, signed_int);
    tmap_lhist(&l, 0, 25, 10);
    hist_add_n(&l, NULL, 5, 1);
    hist_add_n(&l, NULL, 22, 1);
    hist_add_n(&l, NULL, 26, 1);
    tmap_create(&d, "@d", AGG_LHIST, NULL, signed_int);
    tmap_lhist(&d, 0, 4000000, 1000000);
    hist_add_n(&d, NULL, 2000000, 1);
    hist_add_n(&d, NULL, -1, 1);
    hist_add_n(&d, NULL, 9000000, 1);
    tmap_create(&c, "@m", AGG_LHIST, NULL, signed_int);
    tmap_lhist(&c, 100, 300, 50);
    hist_add_n(&c, NULL, 150, 1);
    hist_add_n(&c, NULL, -500, 1);
    tmap_create(&M, "@M", AGG_LHIST, NULL, signed_int);
    tmap_lhist(&M, 1024, 3145728, 1048576);
    hist_add_n(&M, NULL, 1048576, 1);
    hist_add_n(&M, NULL, 1, 1);
    hist_add_n(&M, NULL, 4000000, 1);
    struct tmap *four[] = {&l, &d, &c, &M};
    check_exit("lhist uneven steps, wide labels, M suffix, min above 0", four, 4, EXPECT_LHIST_ODD);
}

int main(void)
{
    map_fixture_init();
    test_at_exit();
    test_count_sum();
    test_min_max();
    test_avg_stats();
    test_keys();
    test_values();
    test_hist();
    test_lhist();
    return test_finish("test_map_output");
}
