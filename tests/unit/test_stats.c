/* Statistics behind significance flags and P8 bands, on hand-worked cases. */
#include "config.h"

#include <math.h>

#include "collab/stats.h"
#include "tap.h"

static void test_mean_ci(void)
{
    double lo, hi;
    /* 0.42 +/- 1.96 * 1.2 / sqrt(151) = 0.42 +/- 0.191403 */
    is_int(stats_mean_ci(0.42, 1.2, 151, STATS_Z95, &lo, &hi), 0, "mean CI formed");
    is_double(lo, 0.2286, 0.00005, "mean CI lower bound");
    is_double(hi, 0.6114, 0.00005, "mean CI upper bound");
    is_int(stats_compare(lo, hi, 0.0), 1, "P8 +0.42 (n=151, sd 1.2) significantly above 0");
    is_int(stats_compare(lo, hi, 0.23), 0, "not significant against 0.23 (inside)");
    is_int(stats_compare(lo, hi, 0.62), -1, "significantly below 0.62");
    /* the line itself: 1.96 * 1 / sqrt(16) = 0.49 */
    stats_mean_ci(0.50, 1.0, 16, STATS_Z95, &lo, &hi);
    is_int(stats_compare(lo, hi, 0.0), 1, "0.50 with half-width 0.49: above 0");
    stats_mean_ci(0.48, 1.0, 16, STATS_Z95, &lo, &hi);
    is_int(stats_compare(lo, hi, 0.0), 0, "0.48 with half-width 0.49: not significant");
    is_int(stats_mean_ci(1.0, NAN, 10, STATS_Z95, &lo, &hi), -1, "no interval without an SD");
    ok(isnan(lo) && isnan(hi), "bounds are NAN when no interval");
    is_int(stats_mean_ci(1.0, 1.0, 0, STATS_Z95, &lo, &hi), -1, "no interval for n = 0");
}

static void test_wilson(void)
{
    double lo, hi;
    is_int(stats_wilson(30, 50, STATS_Z95, &lo, &hi), 0, "Wilson formed");
    is_double(lo, 0.4618, 0.00005, "Wilson 30/50 lower bound");
    is_double(hi, 0.7239, 0.00005, "Wilson 30/50 upper bound");
    is_int(stats_compare(lo * 100, hi * 100, 45.0), 1, "60%% of 50 is above national 45%%");
    is_int(stats_compare(lo * 100, hi * 100, 47.0), 0, "60%% of 50 is not above national 47%%");
    is_int(stats_compare(lo * 100, hi * 100, 73.0), -1, "60%% of 50 is below national 73%%");
    stats_wilson(0, 10, STATS_Z95, &lo, &hi);
    is_double(lo, 0.0, 1e-12, "Wilson 0/10 lower bound is 0");
    is_double(hi, 0.2775, 0.00005, "Wilson 0/10 upper bound");
    stats_wilson(10, 10, STATS_Z95, &lo, &hi);
    is_double(lo, 0.7225, 0.00005, "Wilson 10/10 lower bound");
    is_double(hi, 1.0, 1e-12, "Wilson 10/10 upper bound is 1");
    is_int(stats_wilson(11, 10, STATS_Z95, &lo, &hi), -1, "more successes than trials refused");
}

static void test_bands(void)
{
    is_int(stats_p8_band(0.50, 0.01, 0.99), STATS_P8_WELL_ABOVE, "0.50, lo > 0: well above");
    is_int(stats_p8_band(0.49, 0.01, 0.97), STATS_P8_ABOVE, "0.49, lo > 0: above");
    is_int(stats_p8_band(0.60, 0.00, 1.20), STATS_P8_AVERAGE, "lo = 0: average");
    is_int(stats_p8_band(0.60, -0.01, 1.21), STATS_P8_AVERAGE, "interval holds 0: average");
    is_int(stats_p8_band(-0.30, -0.60, 0.00), STATS_P8_AVERAGE, "hi = 0: average");
    is_int(stats_p8_band(-0.30, -0.60, -0.01), STATS_P8_BELOW, "hi < 0: below");
    is_int(stats_p8_band(-0.50, -0.90, -0.10), STATS_P8_BELOW, "-0.50 exactly: below, not well below");
    is_int(stats_p8_band(-0.51, -0.90, -0.10), STATS_P8_WELL_BELOW, "-0.51, hi < 0: well below");
    is_int(stats_p8_band(-0.70, -1.40, 0.01), STATS_P8_AVERAGE, "-0.70 but hi > 0: average");
    is_int(stats_p8_band(NAN, 0, 0), STATS_P8_UNKNOWN, "NaN: unknown");
    is_str(stats_p8_band_label(STATS_P8_WELL_ABOVE), "Well above average", "band label");
}

static void test_percentile(void)
{
    const double v[] = { 1, 2, 2, 3, 5 };
    is_double(stats_percentile_rank(v, 5, 0.5), 0.0, 1e-9, "below all: 0");
    is_double(stats_percentile_rank(v, 5, 2), 40.0, 1e-9, "one below, two equal: 40");
    is_double(stats_percentile_rank(v, 5, 4), 80.0, 1e-9, "four below: 80");
    is_double(stats_percentile_rank(v, 5, 9), 100.0, 1e-9, "above all: 100");
    ok(isnan(stats_percentile_rank(v, 0, 1)), "empty: NAN");
}

int main(void)
{
    test_mean_ci();
    test_wilson();
    test_bands();
    test_percentile();
    return tap_done();
}
