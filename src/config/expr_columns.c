/* The columns each indicator level may use and the SQL they compile to.
 * Aliases follow the publish query: p = pupil, k = pupil_ks4, q = pupil_ks2,
 * r = result, s = subject, a = attendance (docs/FORMATS.md). */
#include "config.h"

#include "collab/expr.h"

#define PUPIL_COLUMNS \
    { "fsm6", "p.fsm6", "disadvantaged (FSM6): 1 or 0" }, \
    { "eal", "p.eal", "English as an additional language: 1 or 0" }, \
    { "cla", "p.cla", "looked after: 1 or 0" }, \
    { "prior_score", "p.prior_score", "KS2 prior attainment score" }, \
    { "prior_group", "p.prior_group", "prior attainment group of the estimates" }, \
    { "ks2_reading", "p.ks2_reading", "KS2 reading scaled score" }, \
    { "ks2_maths", "p.ks2_maths", "KS2 maths scaled score" }, \
    { "att8", "k.att8", "Attainment 8" }, \
    { "att8_eng", "k.att8_eng", "Attainment 8 English element" }, \
    { "att8_mat", "k.att8_mat", "Attainment 8 maths element" }, \
    { "att8_ebacc", "k.att8_ebacc", "Attainment 8 EBacc element" }, \
    { "att8_open", "k.att8_open", "Attainment 8 open element" }, \
    { "est_att8", "k.est_att8", "estimated Attainment 8" }, \
    { "p8", "k.p8", "Progress 8" }, \
    { "p8_eng", "k.p8_eng", "Progress 8 English element" }, \
    { "p8_mat", "k.p8_mat", "Progress 8 maths element" }, \
    { "p8_ebacc", "k.p8_ebacc", "Progress 8 EBacc element" }, \
    { "p8_open", "k.p8_open", "Progress 8 open element" }, \
    { "basics4", "k.basics4", "grade 4+ in English and maths: 1 or 0" }, \
    { "basics5", "k.basics5", "grade 5+ in English and maths: 1 or 0" }, \
    { "ebacc_entry", "k.ebacc_entry", "entered for the EBacc: 1 or 0" }, \
    { "ebacc_aps", "k.ebacc_aps", "EBacc average point score" }, \
    { "ebacc4", "k.ebacc4", "EBacc achieved at grade 4+: 1 or 0" }, \
    { "ebacc5", "k.ebacc5", "EBacc achieved at grade 5+: 1 or 0" }, \
    { "entries", "k.entries", "number of qualifications entered" }, \
    { "rwm_expected", "q.rwm_expected", "KS2 expected standard in RWM: 1 or 0" }, \
    { "rwm_higher", "q.rwm_higher", "KS2 higher standard in RWM: 1 or 0" }, \
    { "reading_expected", "q.reading_expected", "KS2 reading expected: 1 or 0" }, \
    { "maths_expected", "q.maths_expected", "KS2 maths expected: 1 or 0" }, \
    { "writing_expected", "q.writing_expected", "KS2 writing expected: 1 or 0" }, \
    { "avg_scaled", "q.avg_scaled", "KS2 average scaled score" }, \
    { "sessions_possible", "a.sessions_possible", "attendance sessions possible" }, \
    { "sessions_missed", "a.sessions_missed", "attendance sessions missed" }

static const struct expr_column pupil_columns[] = { PUPIL_COLUMNS };

static const struct expr_column result_columns[] = {
    { "points", "r.points", "grade points (double award: the mean of the pair)" },
    { "double_award", "s.double_award", "the subject is a double award: 1 or 0" },
    PUPIL_COLUMNS
};

/* Attendance columns are already part of the pupil columns. */
static const struct expr_column attendance_columns[] = { PUPIL_COLUMNS };

struct level_table {
    const struct expr_column *cols;
    size_t n;
};

static const struct level_table levels[] = {
    { pupil_columns, sizeof pupil_columns / sizeof pupil_columns[0] },
    { result_columns, sizeof result_columns / sizeof result_columns[0] },
    { attendance_columns, sizeof attendance_columns / sizeof attendance_columns[0] },
};

const struct expr_column *expr_level_columns(int level, size_t *n)
{
    if (level < 0 || (size_t)level >= sizeof levels / sizeof levels[0]) {
        *n = 0;
        return NULL;
    }
    *n = levels[level].n;
    return levels[level].cols;
}
