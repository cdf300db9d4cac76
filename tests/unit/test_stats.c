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

static void test_percentile_counts(void)
{
    /* 1,000 schools: 150 below 40.0, 10 at it -> (150 + 5) / 1000 = 15.5 */
    is_double(stats_percentile_counts(150, 10, 1000), 15.5, 1e-9, "150 below, 10 equal of 1000");
    is_str(stats_quintile_words(15.5), "lowest 20%", "15.5th percentile: lowest 20%%");
    ok(stats_quintile_words(20.0) == NULL, "20th percentile: not in the lowest 20%%");
    is_str(stats_quintile_words(80.0), "highest 20%", "80th percentile: highest 20%%");
    ok(stats_quintile_words(79.9) == NULL, "79.9: middle");
    ok(isnan(stats_percentile_counts(1, 0, 0)), "no distribution: NAN");
    ok(isnan(stats_percentile_counts(8, 3, 10)), "counts beyond n: NAN");
}

static void test_change(void)
{
    double z;
    /* Means from accumulators: values 1,2,3,4 -> s1 10, s2 30, sample var
     * 5/3, variance of the mean 5/12. */
    is_double(stats_mean_var(4, 10, 30), 5.0 / 12.0, 1e-12, "variance of a mean from n, s1, s2");
    ok(isnan(stats_mean_var(1, 3, 9)), "one value: no variance");
    /* 30 of 50 -> 0.6 * 0.4 / 50 = 0.0048 */
    is_double(stats_prop_var(30, 50), 0.0048, 1e-12, "variance of a proportion");
    /* 0.60 (var 0.0048) to 0.45 (120 pupils: 0.45*0.55/120 = 0.0020625):
     * z = -0.15 / sqrt(0.0068625) = -1.8107: not significant at 1.96 */
    is_int(stats_change_test(0.60, 0.0048, 0.45, stats_prop_var(54, 120), STATS_Z95, &z), 0,
           "60%% of 50 to 45%% of 120: not a significant fall");
    is_double(z, -1.8107, 0.0001, "z of that change");
    /* 0.60 to 0.40 of 120 (var 0.002): z = -0.2 / sqrt(0.0068) = -2.4254 */
    is_int(stats_change_test(0.60, 0.0048, 0.40, stats_prop_var(48, 120), STATS_Z95, &z), -1,
           "60%% of 50 to 40%% of 120: a significant fall");
    is_double(z, -2.4254, 0.0001, "z of the fall");
    /* the line: a change of exactly 1.96 standard errors is not beyond it */
    is_int(stats_change_test(0, 0.5, 1.96, 0.5, STATS_Z95, &z), 0, "z = 1.96 exactly: not significant");
    is_int(stats_change_test(0, 0.5, 1.97, 0.5, STATS_Z95, &z), 1, "z = 1.97: a significant rise");
    is_int(stats_change_test(0, NAN, 1, 0.1, STATS_Z95, &z), 0, "unknown variance: no test");
    ok(isnan(z), "z is NAN when not formed");
}

int main(void)
{
    test_mean_ci();
    test_wilson();
    test_bands();
    test_percentile();
    test_percentile_counts();
    test_change();
    return tap_done();
}
