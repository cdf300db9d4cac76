/*
 * stats: the few statistics the model needs to say whether a figure differs
 * from its comparator: a 95% interval for a mean from the national standard
 * deviation, the Wilson score interval for a percentage, the DfE's Progress 8
 * bands and a percentile rank.
 *
 * Pure functions over numbers: no allocation, no errors beyond a return code.
 * Intervals are written to *lo / *hi; a function that cannot form an interval
 * (n <= 0, a NaN input) returns -1 and sets both to NAN.
 */
#ifndef COLLAB_STATS_H
#define COLLAB_STATS_H

#include <stddef.h>

/* Two-sided 95% normal quantile. */
#define STATS_Z95 1.96

/* mean +/- z * sd / sqrt(n). 0, or -1 when n <= 0 or sd is not finite. */
int stats_mean_ci(double mean, double sd, long n, double z, double *lo, double *hi);

/* Wilson score interval for `successes` out of n, as proportions in [0, 1].
 * 0, or -1 when n <= 0 or successes is outside [0, n]. */
int stats_wilson(double successes, long n, double z, double *lo, double *hi);

/* Where an interval lies against a comparator: +1 wholly above, -1 wholly
 * below, 0 when it contains it (or any input is NaN). */
int stats_compare(double lo, double hi, double comparator);

/* What a Progress 8 score is significant against and banded against: 0,
 * the national average by construction (the DfE's bands; the published
 * England figure for state-funded schools, -0.03 in 2019, is not it). */
#define STATS_P8_BENCHMARK 0.0

/* The DfE's P8_BANDING 1 to 5 is enum value 0 to 4. */
enum stats_p8_band {
    STATS_P8_WELL_ABOVE, STATS_P8_ABOVE, STATS_P8_AVERAGE,
    STATS_P8_BELOW, STATS_P8_WELL_BELOW, STATS_P8_UNKNOWN
};

/* The DfE Progress 8 band of a score and its 95% interval:
 * well above: p8 >= 0.5 and lo > 0; above: lo > 0; average: lo <= 0 <= hi;
 * below: hi < 0; well below: p8 < -0.5 and hi < 0. UNKNOWN on NaN. */
enum stats_p8_band stats_p8_band(double p8, double lo, double hi);
/* "Well above average", ...; a static string. */
const char *stats_p8_band_label(enum stats_p8_band band);

/* Percentile rank (0..100) of v among n ascending values: the share of
 * values below v plus half the share equal to it. NAN when n == 0. */
double stats_percentile_rank(const double *sorted, size_t n, double v);

/* The same rank from counts: `below` values under v and `equal` values equal
 * to it, out of n. NAN when n <= 0. */
double stats_percentile_counts(long below, long equal, long n);

/* "highest 20%", "lowest 20%" or NULL (the middle 60%) for a percentile rank:
 * the quintile wording of "in the lowest 20% of schools nationally". Static. */
const char *stats_quintile_words(double percentile);

/* Two-sample z test of a change between two independent estimates, each
 * given as its value and its variance (the square of its standard error):
 * z = (b - a) / sqrt(var_a + var_b). +1 when b is significantly above a at
 * the two-sided level of z_crit, -1 below, 0 otherwise or when a variance is
 * not finite or both are 0. *z gets the statistic (NAN when not formed). */
int stats_change_test(double a, double var_a, double b, double var_b, double z_crit,
                      double *z);

/* Variance of a mean from the accumulators (n, s1 = sum, s2 = sum of squares),
 * using the sample variance (n - 1): s^2 / n. NAN when n < 2. */
double stats_mean_var(long n, double s1, double s2);

/* Variance of a proportion p = k / n (as a proportion): p (1 - p) / n.
 * NAN when n <= 0. */
double stats_prop_var(double k, long n);

#endif
