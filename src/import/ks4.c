/*
 * KS4 and KS2 pupil measures (include/collab/ks4.h). Attainment 8 is filled
 * greedily: the EBacc slots take the best three EBacc grades and the open
 * slots the best three of everything left, which is optimal because any
 * grade that may fill an EBacc slot may also fill an open one.
 *
 * The pools hold half points (a grade g is 2g): each grade of a double
 * award scores the mean of its pair wherever it goes (6-5 is 5.5 in each of
 * its two slots, docs/FORMATS.md), so the sums stay whole numbers.
 */
#include "config.h"

#include <string.h>

#include "collab/ks4.h"
#include "collab/util.h"

#define EBACC_KEEP 6    /* three slots, and three leftovers that may go open */
#define OPEN_SLOTS 3

static const char *const pillar_names[] = {
    [KS4_NONE] = "none", [KS4_ENG_LANG] = "english_language",
    [KS4_ENG_LIT] = "english_literature", [KS4_MATHS] = "maths",
    [KS4_SCIENCE] = "science", [KS4_HUMANITIES] = "humanities",
    [KS4_LANGUAGE] = "language",
};

int ks4_pillar_parse(const char *s, enum ks4_pillar *out)
{
    for (size_t i = 0; i < sizeof pillar_names / sizeof pillar_names[0]; i++) {
        if (strcmp(s, pillar_names[i]) == 0) {
            *out = (enum ks4_pillar)i;
            return 0;
        }
    }
    return -1;
}

static int one_grade(char c)
{
    if (c >= '1' && c <= '9')
        return c - '0';
    if (c == 'U')
        return 0;
    return -1;
}

int ks4_grade_parse(const char *s, int double_award, int *g1, int *g2)
{
    if (!double_award) {
        if (strlen(s) != 1 || (*g1 = one_grade(s[0])) < 0)
            return -1;
        *g2 = -1;
        return 0;
    }
    if (strlen(s) != 3 || s[1] != '-')
        return -1;
    *g1 = one_grade(s[0]);
    *g2 = one_grade(s[2]);
    if (*g1 < 0 || *g2 < 0 || *g1 < *g2 || *g1 - *g2 > 1)
        return -1;
    return 0;
}

double ks4_points(int g1, int g2)
{
    return g2 < 0 ? g1 : (g1 + g2) / 2.0;
}

/* Insert g into the descending list top[0..k-1] (-1 marks empty); the
 * value pushed off the end is returned (-1 if none). */
static int top_insert(int *top, int k, int g)
{
    for (int i = 0; i < k && g >= 0; i++) {
        if (g > top[i]) {
            int t = top[i];
            top[i] = g;
            g = t;
        }
    }
    return g;
}

static int sum_top(const int *top, int k)
{
    int s = 0;
    for (int i = 0; i < k; i++)
        s += top[i] > 0 ? top[i] : 0;
    return s;
}

static int max2(int a, int b)
{
    return a > b ? a : b;
}

/* Best grade per pillar, the EBacc and open pools, as one pass fills them. */
struct pools {
    int lang, lit, maths, hum, language;
    int science[2];
    int n_science;
    int ebacc[EBACC_KEEP];
    int open[OPEN_SLOTS];
};

/* Keep the best grade of a one-slot pillar; a lower or displaced grade may
 * still fill an open slot. */
static void keep_best(struct pools *p, int *best, int g)
{
    if (g > *best) {
        int t = *best;
        *best = g;
        g = t;
    }
    top_insert(p->open, OPEN_SLOTS, g);
}

static void add_grade(struct pools *p, enum ks4_pillar pillar, int g)
{
    switch (pillar) {
    case KS4_ENG_LANG: keep_best(p, &p->lang, g); return;
    case KS4_ENG_LIT: keep_best(p, &p->lit, g); return;
    case KS4_MATHS: keep_best(p, &p->maths, g); return;
    case KS4_SCIENCE:
        p->n_science++;
        top_insert(p->science, 2, g);
        break;
    case KS4_HUMANITIES: p->hum = max2(p->hum, g); break;
    case KS4_LANGUAGE: p->language = max2(p->language, g); break;
    case KS4_NONE:
        top_insert(p->open, OPEN_SLOTS, g);
        return;
    }
    top_insert(p->open, OPEN_SLOTS, top_insert(p->ebacc, EBACC_KEEP, g));
}

static void fill_pools(const struct ks4_entry *e, size_t n, struct pools *p)
{
    memset(p, 0xff, sizeof *p);    /* every grade -1: nothing sat */
    p->n_science = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].g2 < 0) {
            add_grade(p, e[i].pillar, 2 * e[i].g1);
        } else {
            add_grade(p, e[i].pillar, e[i].g1 + e[i].g2);
            add_grade(p, e[i].pillar, e[i].g1 + e[i].g2);
        }
    }
}

/* Points of a half-point sum. */
static double pts(int halves)
{
    return halves / 2.0;
}

static void attainment8(struct pools *p, struct ks4_measures *m)
{
    m->att8_mat = p->maths > 0 ? 2 * pts(p->maths) : 0;
    if (p->lang >= 0 && p->lit >= 0) {
        m->att8_eng = 2 * pts(max2(p->lang, p->lit));
        top_insert(p->open, OPEN_SLOTS, p->lang < p->lit ? p->lang : p->lit);
    } else {
        m->att8_eng = pts(max2(max2(p->lang, p->lit), 0));
    }
    m->att8_ebacc = pts(sum_top(p->ebacc, 3));
    for (int i = 3; i < EBACC_KEEP; i++)
        top_insert(p->open, OPEN_SLOTS, p->ebacc[i]);
    m->att8_open = pts(sum_top(p->open, OPEN_SLOTS));
    m->att8 = m->att8_eng + m->att8_mat + m->att8_ebacc + m->att8_open;
}

/* Thresholds on half points: a double award passes 4+ from 5-4 (4.5) and
 * 5+ from 6-5, as the DfE counts them (docs/FORMATS.md). The EBacc's
 * English pillar needs both English language and literature entered, and a
 * grade in either. */
static void ebacc(const struct pools *p, struct ks4_measures *m)
{
    int eng = max2(p->lang, p->lit);
    m->basics4 = p->maths >= 8 && eng >= 8;
    m->basics5 = p->maths >= 10 && eng >= 10;
    m->ebacc_entry = p->lang >= 0 && p->lit >= 0 && p->maths >= 0 && p->n_science >= 2
                     && p->hum >= 0 && p->language >= 0;
    int worst = eng;
    const int pillars[] = { p->maths, p->science[1], p->hum, p->language };
    for (size_t i = 0; i < sizeof pillars / sizeof pillars[0]; i++)
        if (pillars[i] < worst)
            worst = pillars[i];
    m->ebacc4 = m->ebacc_entry && worst >= 8;
    m->ebacc5 = m->ebacc_entry && worst >= 10;
    m->ebacc_aps = pts(max2(eng, 0) + max2(p->maths, 0) + max2(p->science[0], 0)
                       + max2(p->science[1], 0) + max2(p->hum, 0)
                       + max2(p->language, 0)) / 6.0;
}

static void progress8(const struct ks4_estimate *est, struct ks4_measures *m)
{
    m->has_est = est != NULL;
    if (!est)
        return;
    m->est_att8 = est->att8;
    m->est_eng = est->eng;
    m->est_mat = est->mat;
    m->est_ebacc = est->ebacc;
    m->est_open = est->open;
    m->p8 = (m->att8 - est->att8) / 10.0;
    m->p8_eng = (m->att8_eng - est->eng) / 2.0;
    m->p8_mat = (m->att8_mat - est->mat) / 2.0;
    m->p8_ebacc = (m->att8_ebacc - est->ebacc) / 3.0;
    m->p8_open = (m->att8_open - est->open) / 3.0;
}

void ks4_compute(const struct ks4_entry *e, size_t n,
                 const struct ks4_estimate *est, struct ks4_measures *out)
{
    struct pools p;
    memset(out, 0, sizeof *out);
    fill_pools(e, n, &p);
    attainment8(&p, out);
    ebacc(&p, out);
    progress8(est, out);
    out->entries = (int)n;
}

int ks4_prior_score(int ks2_reading, int ks2_maths, double *score)
{
    if (ks2_reading < 0 && ks2_maths < 0)
        return -1;
    if (ks2_reading < 0 || ks2_maths < 0)
        *score = ks2_reading < 0 ? ks2_maths : ks2_reading;
    else
        *score = (ks2_reading + ks2_maths) / 2.0;
    return 0;
}

const char *ks4_prior_band(double score)
{
    return score < 100 ? "L" : score >= 110 ? "H" : "M";
}

const struct ks4_estimate *ks4_find_group(const struct ks4_estimate *table,
                                          size_t n, double score)
{
    for (size_t i = 0; i < n; i++)
        if (score >= table[i].ks2_from && score <= table[i].ks2_to)
            return &table[i];
    return NULL;
}

static const char *const writing_codes[] = {
    [KS2_W_PKF] = "PKF", [KS2_W_WTS] = "WTS", [KS2_W_EXS] = "EXS", [KS2_W_GDS] = "GDS",
};

int ks2_writing_parse(const char *s, enum ks2_writing *out)
{
    for (size_t i = 0; i < sizeof writing_codes / sizeof writing_codes[0]; i++) {
        if (strcmp(s, writing_codes[i]) == 0) {
            *out = (enum ks2_writing)i;
            return 0;
        }
    }
    return -1;
}

void ks2_compute(int reading, int maths, enum ks2_writing writing,
                 struct ks2_measures *out)
{
    memset(out, 0, sizeof *out);
    out->reading_expected = reading >= 100;
    out->maths_expected = maths >= 100;
    out->writing_expected = writing == KS2_W_EXS || writing == KS2_W_GDS;
    out->rwm_expected = out->reading_expected && out->maths_expected
                        && out->writing_expected;
    out->rwm_higher = reading >= 110 && maths >= 110 && writing == KS2_W_GDS;
    out->has_avg = reading >= 0 && maths >= 0;
    if (out->has_avg)
        out->avg_scaled = (reading + maths) / 2.0;
}
