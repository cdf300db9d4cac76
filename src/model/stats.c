/* Intervals and bands; see stats.h for the definitions. */
#include "config.h"

#include <math.h>

#include "collab/stats.h"

static int no_interval(double *lo, double *hi)
{
    *lo = NAN;
    *hi = NAN;
    return -1;
}

int stats_mean_ci(double mean, double sd, long n, double z, double *lo, double *hi)
{
    if (n <= 0 || !isfinite(sd) || !isfinite(mean))
        return no_interval(lo, hi);
    double half = z * sd / sqrt((double)n);
    *lo = mean - half;
    *hi = mean + half;
    return 0;
}

int stats_wilson(double successes, long n, double z, double *lo, double *hi)
{
    if (n <= 0 || !isfinite(successes) || successes < 0 || successes > (double)n)
        return no_interval(lo, hi);
    double nn = (double)n, p = successes / nn, z2 = z * z;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    *lo = centre - half;
    *hi = centre + half;
    if (*lo < 0)
        *lo = 0;
    if (*hi > 1)
        *hi = 1;
    return 0;
}

int stats_compare(double lo, double hi, double comparator)
{
    if (isnan(lo) || isnan(hi) || isnan(comparator))
        return 0;
    if (lo > comparator)
        return 1;
    if (hi < comparator)
        return -1;
    return 0;
}

enum stats_p8_band stats_p8_band(double p8, double lo, double hi)
{
    if (isnan(p8) || isnan(lo) || isnan(hi))
        return STATS_P8_UNKNOWN;
    if (lo > 0)
        return p8 >= 0.5 ? STATS_P8_WELL_ABOVE : STATS_P8_ABOVE;
    if (hi < 0)
        return p8 < -0.5 ? STATS_P8_WELL_BELOW : STATS_P8_BELOW;
    return STATS_P8_AVERAGE;
}

static const char *const band_labels[] = {
    [STATS_P8_WELL_ABOVE] = "Well above average",
    [STATS_P8_ABOVE] = "Above average",
    [STATS_P8_AVERAGE] = "Average",
    [STATS_P8_BELOW] = "Below average",
    [STATS_P8_WELL_BELOW] = "Well below average",
    [STATS_P8_UNKNOWN] = "Unknown",
};

const char *stats_p8_band_label(enum stats_p8_band band)
{
    return band_labels[band];
}

double stats_percentile_rank(const double *sorted, size_t n, double v)
{
    if (n == 0)
        return NAN;
    size_t below = 0, equal = 0;
    for (size_t i = 0; i < n; i++) {
        if (sorted[i] < v)
            below++;
        else if (sorted[i] == v)
            equal++;
        else
            break;
    }
    return 100.0 * ((double)below + 0.5 * (double)equal) / (double)n;
}

double stats_percentile_counts(long below, long equal, long n)
{
    if (n <= 0 || below < 0 || equal < 0 || below + equal > n)
        return NAN;
    return 100.0 * ((double)below + 0.5 * (double)equal) / (double)n;
}

const char *stats_quintile_words(double percentile)
{
    if (isnan(percentile))
        return NULL;
    if (percentile < 20)
        return "lowest 20%";
    if (percentile >= 80)
        return "highest 20%";
    return NULL;
}

int stats_change_test(double a, double var_a, double b, double var_b, double z_crit,
                      double *z)
{
    *z = NAN;
    if (!isfinite(a) || !isfinite(b) || !isfinite(var_a) || !isfinite(var_b) ||
        var_a < 0 || var_b < 0 || var_a + var_b <= 0)
        return 0;
    *z = (b - a) / sqrt(var_a + var_b);
    return *z > z_crit ? 1 : *z < -z_crit ? -1 : 0;
}

double stats_mean_var(long n, double s1, double s2)
{
    if (n < 2)
        return NAN;
    double nn = (double)n;
    double var = (s2 - s1 * s1 / nn) / (nn - 1);
    return (var < 0 ? 0 : var) / nn;
}

double stats_prop_var(double k, long n)
{
    if (n <= 0 || k < 0 || k > (double)n)
        return NAN;
    double p = k / (double)n;
    return p * (1 - p) / (double)n;
}
