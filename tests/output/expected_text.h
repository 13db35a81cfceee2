/* Expected output, copied from bpftrace 0.17 runs (the command above each).
 * Generated once from those runs; hand edits are marked "sobt:". */
#ifndef SOBT_TEST_EXPECTED_TEXT_H
#define SOBT_TEST_EXPECTED_TEXT_H

/* bpftrace -e 'BEGIN { @ = 4; @M = 3; @a = 1; @b = count(); @c[1] = 2; @c[2] = 1; @c[-3] = 5; @e[1] = 1; delete(@e[1]); @s = stats(5); @v = avg(3); @h = hist(3); @z = -7; exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_AT_EXIT \
    "\n" \
    "\n" \
    "@: 4\n" \
    "@M: 3\n" \
    "@a: 1\n" \
    "@b: 1\n" \
    "@c[2]: 1\n" \
    "@c[1]: 2\n" \
    "@c[-3]: 5\n" \
    "\n" \
    "@h: \n" \
    "[2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@s: count 1, average 5, total 5\n" \
    "\n" \
    "@v: 3\n" \
    "\n" \
    "@z: -7\n"

/* bpftrace -e 'BEGIN { @[1] = count(); @[1] = count(); @[2] = count(); @[3] = count(); @[3] = count(); @[3] = count(); @[4] = count(); @[4] = count(); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_COUNT \
    "\n" \
    "\n" \
    "@[2]: 1\n" \
    "@[1]: 2\n" \
    "@[4]: 2\n" \
    "@[3]: 3\n"

/* bpftrace -e 'BEGIN { @s["a"] = sum(-5); @s["b"] = sum(10); @s["c"] = sum(3); @s["c"] = sum(-10); @s["dd"] = sum(0); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_SUM \
    "\n" \
    "\n" \
    "@s[c]: -7\n" \
    "@s[a]: -5\n" \
    "@s[dd]: 0\n" \
    "@s[b]: 10\n"

/* bpftrace -e 'BEGIN { @f = sum((uint64)-5); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_SUM_UNSIGNED \
    "\n" \
    "\n" \
    "@f: 18446744073709551611\n"

/* bpftrace -e 'BEGIN { @m[1] = min(4); @m[2] = min(-5); @m[3] = min(7); @m[3] = min(3); @m[4] = min(-1); @m[4] = min(9); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_MIN \
    "\n" \
    "\n" \
    "@m[2]: -5\n" \
    "@m[4]: -1\n" \
    "@m[3]: 3\n" \
    "@m[1]: 4\n"

/* bpftrace -e 'BEGIN { @x[1] = max(5); @x[2] = max(7); @x[2] = max(2); @x[3] = max(0); @x[4] = max(1000000); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_MAX \
    "\n" \
    "\n" \
    "@x[3]: 0\n" \
    "@x[1]: 5\n" \
    "@x[2]: 7\n" \
    "@x[4]: 1000000\n"

/* bpftrace -e 'BEGIN { @a[1] = avg(-7); @a[1] = avg(2); @a[2] = avg(10); @a[3] = avg(-9); @a[3] = avg(-9); @a[4] = avg(7); @a[4] = avg(8); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_AVG \
    "\n" \
    "\n" \
    "@a[3]: -9\n" \
    "@a[1]: -2\n" \
    "@a[4]: 7\n" \
    "@a[2]: 10\n" \
    "\n"

/* bpftrace -e 'BEGIN { @t[1] = stats(10); @t[2] = stats(2); @t[2] = stats(2); @t[2] = stats(2); @t[3] = stats(-4); @t[3] = stats(-3); @t[4] = stats(7); @t[4] = stats(8); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_STATS \
    "\n" \
    "\n" \
    "@t[3]: count 2, average -3, total -7\n" \
    "@t[2]: count 3, average 2, total 6\n" \
    "@t[4]: count 2, average 7, total 15\n" \
    "@t[1]: count 1, average 10, total 10\n" \
    "\n"

/* bpftrace -e 'BEGIN { @u["bb"] = count(); @u["a"] = count(); @u["a"] = count(); @u["ab"] = count(); @u["a b c"] = count(); @u["a b c"] = count(); @u["a b c"] = count(); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
/* sobt: @u[ab] and @u[bb] tie at 1; bpftrace prints ties in hash order, sobt by key. */
#define EXPECT_STRING_KEYS \
    "\n" \
    "\n" \
    "@u[ab]: 1\n" \
    "@u[bb]: 1\n" \
    "@u[a]: 2\n" \
    "@u[a b c]: 3\n"

/* bpftrace -e 'BEGIN { @t["b", 1] = 5; @t["a", 2] = 5; @t["a", 1] = 5; @t["b", 0] = 5; @t["c", -1] = 2; exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
/* sobt: the four entries tie at 5; bpftrace prints ties in hash order, sobt by key. */
#define EXPECT_TUPLE_KEYS \
    "\n" \
    "\n" \
    "@t[c, -1]: 2\n" \
    "@t[a, 1]: 5\n" \
    "@t[a, 2]: 5\n" \
    "@t[b, 0]: 5\n" \
    "@t[b, 1]: 5\n"

/* bpftrace -e 'BEGIN { @g[(uint8)255, (int8)-1, (int16)-3, (uint16)65535] = 1; @g[(uint8)1, (int8)2, (int16)3, (uint16)4] = 2; exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_INT_KEYS \
    "\n" \
    "\n" \
    "@g[255, -1, -3, 65535]: 1\n" \
    "@g[1, 2, 3, 4]: 2\n"

/* bpftrace -e 'BEGIN { @[probe] = count(); @p[probe, "x"] = sum(5); exit(); } END { @[probe] = count(); @[probe] = count(); @p[probe, "x"] = sum(2); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_PROBE_KEYS \
    "\n" \
    "\n" \
    "@[BEGIN]: 1\n" \
    "@[END]: 2\n" \
    "@p[END, x]: 2\n" \
    "@p[BEGIN, x]: 5\n"

/* bpftrace -e 'BEGIN { @s[2] = "b"; @s[1] = "c"; @s[3] = "a"; @s[-1] = "x"; @s[256] = "y"; exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_STRING_VALUES \
    "\n" \
    "\n" \
    "@s[1]: c\n" \
    "@s[2]: b\n" \
    "@s[3]: a\n" \
    "@s[256]: y\n" \
    "@s[-1]: x\n"

/* bpftrace -e 'BEGIN { @a = (uint64)-1; @b = -1; @c = (uint32)-1; @d = (int32)-1; @e = (uint8)200; exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_INT_VALUES \
    "\n" \
    "\n" \
    "@a: 18446744073709551615\n" \
    "@b: -1\n" \
    "@c: 4294967295\n" \
    "@d: -1\n" \
    "@e: 200\n"

/* bpftrace -e 'BEGIN { @h = hist(-1); @h = hist(0); @h = hist(1); @h = hist(1); @h = hist(5000); unroll(20) { @h = hist(1000000); } unroll(7) { @h = hist(1073741824); } @h = hist(3221225472); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_HIST \
    "\n" \
    "\n" \
    "@h: \n" \
    "(..., 0)               1 |@@                                                  |\n" \
    "[0]                    1 |@@                                                  |\n" \
    "[1]                    2 |@@@@@                                               |\n" \
    "[2, 4)                 0 |                                                    |\n" \
    "[4, 8)                 0 |                                                    |\n" \
    "[8, 16)                0 |                                                    |\n" \
    "[16, 32)               0 |                                                    |\n" \
    "[32, 64)               0 |                                                    |\n" \
    "[64, 128)              0 |                                                    |\n" \
    "[128, 256)             0 |                                                    |\n" \
    "[256, 512)             0 |                                                    |\n" \
    "[512, 1K)              0 |                                                    |\n" \
    "[1K, 2K)               0 |                                                    |\n" \
    "[2K, 4K)               0 |                                                    |\n" \
    "[4K, 8K)               1 |@@                                                  |\n" \
    "[8K, 16K)              0 |                                                    |\n" \
    "[16K, 32K)             0 |                                                    |\n" \
    "[32K, 64K)             0 |                                                    |\n" \
    "[64K, 128K)            0 |                                                    |\n" \
    "[128K, 256K)           0 |                                                    |\n" \
    "[256K, 512K)           0 |                                                    |\n" \
    "[512K, 1M)            20 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[1M, 2M)               0 |                                                    |\n" \
    "[2M, 4M)               0 |                                                    |\n" \
    "[4M, 8M)               0 |                                                    |\n" \
    "[8M, 16M)              0 |                                                    |\n" \
    "[16M, 32M)             0 |                                                    |\n" \
    "[32M, 64M)             0 |                                                    |\n" \
    "[64M, 128M)            0 |                                                    |\n" \
    "[128M, 256M)           0 |                                                    |\n" \
    "[256M, 512M)           0 |                                                    |\n" \
    "[512M, 1G)             0 |                                                    |\n" \
    "[1G, 2G)               7 |@@@@@@@@@@@@@@@@@@                                  |\n" \
    "[2G, 4G)               1 |@@                                                  |\n" \
    "\n"

/* bpftrace -e 'BEGIN { @h[1] = hist(1); @h[1] = hist(1); @h[1] = hist(1); @h[1] = hist(4); @h[2] = hist(100); @h[3] = hist(-5); @h[3] = hist(10); @h[4] = hist(0); @h[4] = hist(0); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_HIST_KEYS \
    "\n" \
    "\n" \
    "@h[2]: \n" \
    "[64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@h[3]: \n" \
    "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[0]                    0 |                                                    |\n" \
    "[1]                    0 |                                                    |\n" \
    "[2, 4)                 0 |                                                    |\n" \
    "[4, 8)                 0 |                                                    |\n" \
    "[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@h[4]: \n" \
    "[0]                    2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@h[1]: \n" \
    "[1]                    3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[2, 4)                 0 |                                                    |\n" \
    "[4, 8)                 1 |@@@@@@@@@@@@@@@@@                                   |\n" \
    "\n"

/* bpftrace -e 'BEGIN { @h = hist(1); } interval:s:3 { exit(); }' then bpftool map update name AT_h key <u64 42|52|64> value <u64 5|1|1> (per CPU, 2 CPUs)
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_HIST_TERA \
    "\n" \
    "\n" \
    "@h: \n" \
    "[1]                    1 |@@@@@                                               |\n" \
    "[2, 4)                 0 |                                                    |\n" \
    "[4, 8)                 0 |                                                    |\n" \
    "[8, 16)                0 |                                                    |\n" \
    "[16, 32)               0 |                                                    |\n" \
    "[32, 64)               0 |                                                    |\n" \
    "[64, 128)              0 |                                                    |\n" \
    "[128, 256)             0 |                                                    |\n" \
    "[256, 512)             0 |                                                    |\n" \
    "[512, 1K)              0 |                                                    |\n" \
    "[1K, 2K)               0 |                                                    |\n" \
    "[2K, 4K)               0 |                                                    |\n" \
    "[4K, 8K)               0 |                                                    |\n" \
    "[8K, 16K)              0 |                                                    |\n" \
    "[16K, 32K)             0 |                                                    |\n" \
    "[32K, 64K)             0 |                                                    |\n" \
    "[64K, 128K)            0 |                                                    |\n" \
    "[128K, 256K)           0 |                                                    |\n" \
    "[256K, 512K)           0 |                                                    |\n" \
    "[512K, 1M)             0 |                                                    |\n" \
    "[1M, 2M)               0 |                                                    |\n" \
    "[2M, 4M)               0 |                                                    |\n" \
    "[4M, 8M)               0 |                                                    |\n" \
    "[8M, 16M)              0 |                                                    |\n" \
    "[16M, 32M)             0 |                                                    |\n" \
    "[32M, 64M)             0 |                                                    |\n" \
    "[64M, 128M)            0 |                                                    |\n" \
    "[128M, 256M)           0 |                                                    |\n" \
    "[256M, 512M)           0 |                                                    |\n" \
    "[512M, 1G)             0 |                                                    |\n" \
    "[1G, 2G)               0 |                                                    |\n" \
    "[2G, 4G)               0 |                                                    |\n" \
    "[4G, 8G)               0 |                                                    |\n" \
    "[8G, 16G)              0 |                                                    |\n" \
    "[16G, 32G)             0 |                                                    |\n" \
    "[32G, 64G)             0 |                                                    |\n" \
    "[64G, 128G)            0 |                                                    |\n" \
    "[128G, 256G)           0 |                                                    |\n" \
    "[256G, 512G)           0 |                                                    |\n" \
    "[512G, 1T)             0 |                                                    |\n" \
    "[1T, 2T)              10 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[2T, 4T)               0 |                                                    |\n" \
    "[4T, 8T)               0 |                                                    |\n" \
    "[8T, 16T)              0 |                                                    |\n" \
    "[16T, 32T)             0 |                                                    |\n" \
    "[32T, 64T)             0 |                                                    |\n" \
    "[64T, 128T)            0 |                                                    |\n" \
    "[128T, 256T)           0 |                                                    |\n" \
    "[256T, 512T)           0 |                                                    |\n" \
    "[512T, 1024T)          0 |                                                    |\n" \
    "[1024T, 2048T)         2 |@@@@@@@@@@                                          |\n" \
    "[2048T, 4096T)         0 |                                                    |\n" \
    "[4096T, 8192T)         0 |                                                    |\n" \
    "[8192T, 16384T)        0 |                                                    |\n" \
    "[16384T, 32768T)       0 |                                                    |\n" \
    "[32768T, 65536T)       0 |                                                    |\n" \
    "[65536T, 131072T)       0 |                                                    |\n" \
    "[131072T, 262144T)       0 |                                                    |\n" \
    "[262144T, 524288T)       0 |                                                    |\n" \
    "[524288T, 1048576T)       0 |                                                    |\n" \
    "[1048576T, 2097152T)       0 |                                                    |\n" \
    "[2097152T, 4194304T)       0 |                                                    |\n" \
    "[4194304T, 8388608T)       2 |@@@@@@@@@@                                          |\n" \
    "\n"

/* bpftrace -e 'BEGIN { unroll(100) { @h = hist(1); } unroll(67) { @h = hist(2); } unroll(33) { @h = hist(8); } unroll(1) { @h = hist(16); } unroll(99) { @h = hist(32); } exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_HIST_BARS \
    "\n" \
    "\n" \
    "@h: \n" \
    "[1]                  100 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[2, 4)                67 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |\n" \
    "[4, 8)                 0 |                                                    |\n" \
    "[8, 16)               33 |@@@@@@@@@@@@@@@@@                                   |\n" \
    "[16, 32)               1 |                                                    |\n" \
    "[32, 64)              99 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ |\n" \
    "\n"

/* bpftrace -e 'BEGIN { @l = lhist(-5, 0, 100, 10); @l = lhist(0, 0, 100, 10); unroll(3) { @l = lhist(55, 0, 100, 10); } @l = lhist(100, 0, 100, 10); @l = lhist(1000, 0, 100, 10); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_LHIST \
    "\n" \
    "\n" \
    "@l: \n" \
    "(..., 0)               1 |@@@@@@@@@@@@@@@@@                                   |\n" \
    "[0, 10)                1 |@@@@@@@@@@@@@@@@@                                   |\n" \
    "[10, 20)               0 |                                                    |\n" \
    "[20, 30)               0 |                                                    |\n" \
    "[30, 40)               0 |                                                    |\n" \
    "[40, 50)               0 |                                                    |\n" \
    "[50, 60)               3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[60, 70)               0 |                                                    |\n" \
    "[70, 80)               0 |                                                    |\n" \
    "[80, 90)               0 |                                                    |\n" \
    "[90, 100)              0 |                                                    |\n" \
    "[100, ...)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |\n" \
    "\n"

/* bpftrace -e 'BEGIN { @b = lhist(5000, 0, 10240, 1024); @b = lhist(20000, 0, 10240, 1024); @b = lhist(-1, 0, 10240, 1024); @c = lhist(1536, 512, 2048, 512); @c = lhist(0, 512, 2048, 512); @c = lhist(3000, 512, 2048, 512); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_LHIST_KILO \
    "\n" \
    "\n" \
    "@b: \n" \
    "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[0, 1K)                0 |                                                    |\n" \
    "[1K, 2K)               0 |                                                    |\n" \
    "[2K, 3K)               0 |                                                    |\n" \
    "[3K, 4K)               0 |                                                    |\n" \
    "[4K, 5K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[5K, 6K)               0 |                                                    |\n" \
    "[6K, 7K)               0 |                                                    |\n" \
    "[7K, 8K)               0 |                                                    |\n" \
    "[8K, 9K)               0 |                                                    |\n" \
    "[9K, 10K)              0 |                                                    |\n" \
    "[10K, ...)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@c: \n" \
    "(..., 512)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[512, 1K)              0 |                                                    |\n" \
    "[1K, 1536)             0 |                                                    |\n" \
    "[1536, 2K)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[2K, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n"

/* bpftrace -e 'BEGIN { @a = lhist(5, 0, 25, 10); @a = lhist(22, 0, 25, 10); @a = lhist(26, 0, 25, 10); @d = lhist(2000000, 0, 4000000, 1000000); @d = lhist(-1, 0, 4000000, 1000000); @d = lhist(9000000, 0, 4000000, 1000000); @m = lhist(150, 100, 300, 50); @m = lhist(-500, 100, 300, 50); @M = lhist(1048576, 1024, 3145728, 1048576); @M = lhist(1, 1024, 3145728, 1048576); @M = lhist(4000000, 1024, 3145728, 1048576); exit(); }'
 *   -> the whole dump at exit (after "Attaching N probes...") */
#define EXPECT_LHIST_ODD \
    "\n" \
    "\n" \
    "@M: \n" \
    "(..., 1K)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[1K, 1025K)            1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[1025K, 2049K)         0 |                                                    |\n" \
    "[3M, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@a: \n" \
    "[0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n" \
    "[10, 20)               0 |                                                    |\n" \
    "[25, ...)              2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@d: \n" \
    "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[0, 1000000)           0 |                                                    |\n" \
    "[1000000, 2000000)       0 |                                                    |\n" \
    "[2000000, 3000000)       1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[3000000, 4000000)       0 |                                                    |\n" \
    "[4000000, ...)         1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@m: \n" \
    "(..., 100)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[100, 150)             0 |                                                    |\n" \
    "[150, 200)             1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n"

/* bpftrace -e 'BEGIN { @d[1] = 1; @d[2] = 2; @d[3] = 3; @d[4] = -4; print(@d, 2); clear(@d); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_TOP_INT \
    "@d[2]: 2\n" \
    "@d[3]: 3\n"

/* bpftrace -e 'BEGIN { @d[1] = 1; @d[2] = 2; @d[3] = 3; print(@d, 5); clear(@d); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_TOP_ALL \
    "@d[1]: 1\n" \
    "@d[2]: 2\n" \
    "@d[3]: 3\n"

/* bpftrace -e 'BEGIN { @d[1] = 1; @d[2] = 2; @d[3] = 3; @d[4] = -7; print(@d, 0, 2); clear(@d); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_DIV_INT \
    "@d[4]: -3\n" \
    "@d[1]: 0\n" \
    "@d[2]: 1\n" \
    "@d[3]: 1\n"

/* bpftrace -e 'BEGIN { @c[1] = count(); @c[2] = count(); @c[2] = count(); @c[3] = count(); @c[3] = count(); @c[3] = count(); print(@c, 2, 2); clear(@c); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_TOPDIV_COUNT \
    "@c[2]: 1\n" \
    "@c[3]: 1\n"

/* bpftrace -e 'BEGIN { @h[1] = hist(1); @h[1] = hist(1); @h[1] = hist(1); @h[1] = hist(4); @h[2] = hist(100); @h[3] = hist(-5); @h[3] = hist(10); print(@h, 2); clear(@h); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_TOP_HIST \
    "@h[3]: \n" \
    "(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[0]                    0 |                                                    |\n" \
    "[1]                    0 |                                                    |\n" \
    "[2, 4)                 0 |                                                    |\n" \
    "[4, 8)                 0 |                                                    |\n" \
    "[8, 16)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@h[1]: \n" \
    "[1]                    3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[2, 4)                 0 |                                                    |\n" \
    "[4, 8)                 1 |@@@@@@@@@@@@@@@@@                                   |\n" \
    "\n"

/* bpftrace -e 'BEGIN { @h[1] = hist(1); @h[1] = hist(1); @h[1] = hist(1); @h[1] = hist(4); @h[2] = hist(100); @h[3] = hist(-5); @h[3] = hist(10); print(@h, 0, 2); clear(@h); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_DIV_HIST \
    "@h[2]: \n" \
    "[64, 128)              0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@h[3]: \n" \
    "(..., 0)               0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[0]                    0 |                                                    |\n" \
    "[1]                    0 |                                                    |\n" \
    "[2, 4)                 0 |                                                    |\n" \
    "[4, 8)                 0 |                                                    |\n" \
    "[8, 16)                0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "\n" \
    "@h[1]: \n" \
    "[1]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n" \
    "[2, 4)                 0 |                                                    |\n" \
    "[4, 8)                 0 |@@@@@@@@@@@@@@@@@                                   |\n" \
    "\n"

/* bpftrace -e 'BEGIN { @a[1] = avg(10); @a[2] = avg(20); @a[3] = avg(30); @a[4] = avg(-30); print(@a, 3, 3); clear(@a); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_TOPDIV_AVG \
    "@a[1]: 3\n" \
    "@a[2]: 6\n" \
    "@a[3]: 10\n" \
    "\n"

/* bpftrace -e 'BEGIN { @s[1] = stats(10); @s[2] = stats(20); @s[2] = stats(20); @s[3] = stats(5); print(@s, 1, 3); clear(@s); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_TOPDIV_STATS \
    "@s[3]: count 1, average 5, total 5\n" \
    "@s[1]: count 1, average 10, total 10\n" \
    "@s[2]: count 2, average 20, total 40\n" \
    "\n"

/* bpftrace -e 'BEGIN { @m[1] = min(10); @m[2] = min(-20); print(@m, 0, 3); clear(@m); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_DIV_MIN \
    "@m[2]: -6\n" \
    "@m[1]: 3\n"

/* bpftrace -e 'BEGIN { @t[1] = sum(-10); @t[2] = sum(7); print(@t, 0, 3); clear(@t); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_DIV_SUM \
    "@t[1]: -3\n" \
    "@t[2]: 2\n"

/* bpftrace -e 'BEGIN { @str[1] = "ab"; print(@str, 0, 2); clear(@str); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_DIV_STRING \
    "@str[1]: ab\n"

/* bpftrace -e 'BEGIN { @c[1] = 1; delete(@c[1]); print(@c); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_EMPTY \
    "\n"

/* bpftrace -e 'BEGIN { @a[1] = avg(1); clear(@a); print(@a); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_EMPTY_AVG \
    "\n" \
    "\n"

/* bpftrace -e 'BEGIN { @a[1] = stats(1); clear(@a); print(@a); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_EMPTY_STATS \
    "\n" \
    "\n"

/* bpftrace -e 'BEGIN { @a[1] = hist(1); clear(@a); print(@a); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_EMPTY_HIST \
    "\n"

/* bpftrace -e 'BEGIN { @h[1] = hist(5); @h[2] = hist(7); zero(@h); print(@h); clear(@h); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_ZERO_HIST \
    "@h[1]: \n" \
    "\n" \
    "@h[2]: \n" \
    "\n"

/* bpftrace -e 'BEGIN { @c[1] = count(); @c[2] = count(); @c[2] = count(); zero(@c); print(@c); clear(@c); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
/* sobt: both entries tie at 0; bpftrace prints ties in hash order, sobt by key. */
#define EXPECT_PRINT_ZERO_COUNT \
    "@c[1]: 0\n" \
    "@c[2]: 0\n"

/* bpftrace -e 'BEGIN { @s[1] = stats(4); zero(@s); print(@s); clear(@s); exit(); }'
 *   -> what print() wrote (the dump of the emptied map at exit removed) */
#define EXPECT_PRINT_ZERO_STATS \
    "@s[1]: count 0, average 0, total 0\n" \
    "\n"

/* bpftrace -e 'BEGIN { printf("%d|%u|%x|%X|%o|%c|%s|%p|\n", -5, -5, -5, -5, 8, 65, "str", 4096); exit(); }'
 *   -> what printf wrote (the two newlines of the exit dump removed) */
#define EXPECT_PRINTF_BASIC \
    "-5|4294967291|fffffffb|FFFFFFFB|10|A|str|0x1000|\n"

/* bpftrace -e 'BEGIN { printf("[%5d][%-5d][%05d][%-10s][%10s][%08x][%.2s][%5.1s][%5c][%-3c][%5.2d][%-08x]\n", 42, 42, -42, "ab", "ab", 255, "abc", "abc", 66, 67, 7, 255); exit(); }'
 *   -> what printf wrote (the two newlines of the exit dump removed) */
#define EXPECT_PRINTF_WIDTH \
    "[   42][42   ][-0042][ab        ][        ab][000000ff][ab][    a][    B][C  ][   07][ff      ]\n"

/* bpftrace -e 'BEGIN { printf("%lu %llu %ld %lld %hd %hhd %hu %hhu %zd %jd %lx %hx\n", -1, -1, -1, -1, 70000, 300, -1, -1, -1, -1, -1, -1); exit(); }'
 *   -> what printf wrote (the two newlines of the exit dump removed) */
#define EXPECT_PRINTF_LENGTH \
    "18446744073709551615 18446744073709551615 -1 -1 4464 44 65535 255 -1 -1 ffffffffffffffff ffff\n"

/* bpftrace -e 'BEGIN { printf("%d %u %x %ld %lu %lX\n", 5000000000, 5000000000, 5000000000, 5000000000, 5000000000, 5000000000); exit(); }'
 *   -> what printf wrote (the two newlines of the exit dump removed) */
#define EXPECT_PRINTF_BIG \
    "705032704 705032704 2a05f200 5000000000 5000000000 12A05F200\n"

/* bpftrace -e 'BEGIN { printf("%d %u %x %ld %lu %d\n", (int32)-5, (int8)-1, (uint8)255, (int32)-1, (int16)-2, (uint32)4294967295); exit(); }'
 *   -> what printf wrote (the two newlines of the exit dump removed) */
#define EXPECT_PRINTF_TYPED \
    "-5 4294967295 ff -1 18446744073709551614 -1\n"

/* bpftrace -e 'BEGIN { printf("%s|%10s|%-8s|\n", probe, probe, probe); exit(); }'
 *   -> what printf wrote (the two newlines of the exit dump removed) */
#define EXPECT_PRINTF_PROBE \
    "BEGIN|     BEGIN|BEGIN   |\n"

/* bpftrace -e 'BEGIN { printf("%p|%5p|%-20p|%p\n", 0, 1, 2, -1); exit(); }'
 *   -> what printf wrote (the two newlines of the exit dump removed) */
#define EXPECT_PRINTF_POINTER \
    "(nil)|  0x1|0x2                 |0xffffffffffffffff\n"

/* bpftrace -e 'BEGIN { printf("plain text\n"); printf("no newline"); exit(); }'
 *   -> what printf wrote (the two newlines of the exit dump removed) */
#define EXPECT_PRINTF_NOARGS \
    "plain text\n" \
    "no newline"

/* bpftrace -e 'BEGIN { print(5); print(-5); print("str"); $x = (uint64)-1; print($x); print(probe); print((int32)-3); print((uint8)200); print(""); exit(); }'
 *   -> what printf wrote (the two newlines of the exit dump removed) */
#define EXPECT_PRINT_VALUES \
    "5\n" \
    "-5\n" \
    "str\n" \
    "18446744073709551615\n" \
    "BEGIN\n" \
    "-3\n" \
    "200\n" \
    "\n"

/* bpftrace -e 'BEGIN { printf("100%% done %d%%\n", 5); exit(); }'
 *   -> 0.17 prints "100% done 5%%"; sobt follows current bpftrace: %% is one %. */
#define EXPECT_PRINTF_PERCENT "100% done 5%\n"

#endif
