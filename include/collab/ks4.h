/*
 * ks4: the pupil-level Key Stage 4 and Key Stage 2 measures, as pure
 * calculations with no database, so that the DfE rules can be unit-tested on
 * hand-worked pupils (rules: /work/shared/data/README.md, docs/FORMATS.md).
 *
 * Attainment 8 fills ten weighted slots: maths (double), English (double only
 * when both English language and literature were sat: the better doubles and
 * the other may fill an open slot; a single English grade counts once), three
 * EBacc slots (sciences incl. computer science, history/geography,
 * languages; each grade of a double award such as combined science may fill
 * a slot, scoring the mean of the pair: 6-5 is 5.5 in each) and three open
 * slots (anything left, incl. leftover EBacc grades and the undoubled
 * English). U scores 0; empty slots score 0; maximum 90. EBacc entry needs
 * English language and literature both entered.
 *
 * No function here allocates; none can fail except the parsers, which
 * return 0 or -1.
 */
#ifndef COLLAB_KS4_H
#define COLLAB_KS4_H

#include <stddef.h>

enum ks4_pillar {
    KS4_NONE, KS4_ENG_LANG, KS4_ENG_LIT, KS4_MATHS, KS4_SCIENCE,
    KS4_HUMANITIES, KS4_LANGUAGE,
};

/* One result of a pupil. A double award has two grades (g1 >= g2); a single
 * award has g2 = -1. Grades are 0 (U) to 9. */
struct ks4_entry {
    enum ks4_pillar pillar;
    int g1, g2;
};

/* One row of the estimate table of a year: the national average A8 and its
 * elements for pupils whose KS2 prior score lies in [ks2_from, ks2_to]. */
struct ks4_estimate {
    int group;
    double ks2_from, ks2_to;
    double att8, eng, mat, ebacc, open;
};

struct ks4_measures {
    double att8, att8_eng, att8_mat, att8_ebacc, att8_open;
    int has_est;                 /* 0: the est_ and p8 fields are meaningless */
    double est_att8, est_eng, est_mat, est_ebacc, est_open;
    double p8, p8_eng, p8_mat, p8_ebacc, p8_open;
    int basics4, basics5;
    int ebacc_entry, ebacc4, ebacc5;
    double ebacc_aps;
    int entries;                 /* number of results (a double award is one) */
};

/* Pillar from the subject table's ebacc_pillar text; -1 if unknown. */
int ks4_pillar_parse(const char *s, enum ks4_pillar *out);

/* Parse a grade: "9".."1" or "U"; when double_award, two such grades joined
 * by '-' with the first not lower and at most one apart ("6-5", "U-U").
 * Fills g1 and g2 (g2 = -1 for a single award) and returns 0, or -1. */
int ks4_grade_parse(const char *s, int double_award, int *g1, int *g2);

/* Points of a result: the grade, or the mean of a double award's pair. */
double ks4_points(int g1, int g2);

/* All KS4 measures of one pupil from n results; est is the estimate row of
 * the pupil's prior group, or NULL (no prior score or no table). */
void ks4_compute(const struct ks4_entry *e, size_t n,
                 const struct ks4_estimate *est, struct ks4_measures *out);

/* KS2 prior score: the mean of reading and maths, or the one of them a
 * pupil has (the DfE bases the prior on the subject there is). Returns 0
 * and fills *score, or -1 when both are missing (< 0). */
int ks4_prior_score(int ks2_reading, int ks2_maths, double *score);

/* Prior band of a score: "L" (< 100), "M" (100 to under 110), "H" (110 and
 * above), as the DfE bands scaled-score priors. */
const char *ks4_prior_band(double score);

/* The row of table (n rows) whose [ks2_from, ks2_to] holds score, or NULL. */
const struct ks4_estimate *ks4_find_group(const struct ks4_estimate *table,
                                          size_t n, double score);

/* KS2 teacher assessment in writing. */
enum ks2_writing { KS2_W_NONE = -1, KS2_W_PKF, KS2_W_WTS, KS2_W_EXS, KS2_W_GDS };

/* "PKF", "WTS", "EXS" or "GDS" to the enum; -1 if anything else. */
int ks2_writing_parse(const char *s, enum ks2_writing *out);

struct ks2_measures {
    int reading_expected, maths_expected, writing_expected;
    int rwm_expected, rwm_higher;
    int has_avg;
    double avg_scaled;
};

/* KS2 measures; reading or maths < 0 means no score (not met, no average). */
void ks2_compute(int reading, int maths, enum ks2_writing writing,
                 struct ks2_measures *out);

#endif
