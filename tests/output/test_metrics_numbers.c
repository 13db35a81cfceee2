/* The `le` numbers of the metrics exposition (runtime/output/metrics_labels.c)
 * against the renderings OpenMetrics 1.0 lists under "Canonical Numbers":
 * 0.0 up to 10.0 and the powers of ten from 1e-10 to 1e+10, plus the bounds
 * sobt's histograms produce. No BPF needed. */
#include <math.h>
#include <stdio.h>

#include "common/check.h"
#include "output/metrics_labels.h"

static void expect_number(double v, const char *want)
{
    char got[64];
    metrics_canonical_number(got, sizeof(got), v);
    char what[64];
    snprintf(what, sizeof(what), "canonical %.17g", v);
    expect_text(what, got, want);
}

int main(void)
{
    /* the spec's two example lists, in its words */
    const double small[] = {0.0, 0.001, 0.002, 0.01, 0.1, 0.9, 0.95, 0.99, 0.999, 1.0, 1.7, 10.0};
    const char *small_text[] = {"0.0",  "0.001", "0.002", "0.01", "0.1", "0.9",
                                "0.95", "0.99",  "0.999", "1.0",  "1.7", "10.0"};
    for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++)
        expect_number(small[i], small_text[i]);
    const double powers[] = {1e-10, 1e-09, 1e-05, 0.0001, 0.1, 1.0, 100000.0, 1e+06, 1e+10};
    const char *powers_text[] = {"1e-10", "1e-09",    "1e-05", "0.0001", "0.1",
                                 "1.0",   "100000.0", "1e+06", "1e+10"};
    for (size_t i = 0; i < sizeof(powers) / sizeof(powers[0]); i++)
        expect_number(powers[i], powers_text[i]);
    /* positive infinity "MUST" be +Inf */
    expect_number(INFINITY, "+Inf");
    /* hist() bounds: negative values, 2^k - 1 below and beyond 2^53 */
    expect_number(-1, "-1.0");
    expect_number(1023, "1023.0");
    expect_number(524287, "524287.0");
    expect_number(1048575, "1.048575e+06");
    expect_number((double)((1ULL << 63) - 1), "9.223372036854776e+18");
    expect_number(-1000001, "-1.000001e+06");
    return test_finish("test_metrics_numbers");
}
