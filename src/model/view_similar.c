/* Similar schools: member schools nearest one school in intake.
 *
 * Each intake measure (FSM6 %, EAL %, SEN %, cohort, prior attainment mean)
 * is standardised across the group's schools that have all five for the
 * year (z = (x - mean) / sd, population sd; a measure with sd 0 counts for
 * nothing) and schools are ordered by weighted Euclidean distance over the
 * z-scores, sqrt(sum of w * dz^2), with the weights of indicators.yaml's
 * `similarity:` (1 each by default). The chosen school comes first, at
 * distance 0.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "model_internal.h"

#define NFEAT 5

static const struct { const char *id, *label; int decimals; } feat_cols[NFEAT] = {
    { "fsm6_pct", "FSM6 %", 1 },
    { "eal_pct", "EAL %", 1 },
    { "sen_pct", "SEN %", 1 },
    { "cohort", "Cohort", 0 },
    { "prior_mean", "Prior", 1 },
};

struct intake {
    size_t school;          /* index in m->schools */
    double x[NFEAT];
    double distance;
};

/* 1 when the school has every measure for the year. */
static int read_intake(struct model *m, long urn, int year, int ks, double *x)
{
    static const int order[NFEAT] = { 1, 2, 3, 0, 4 };   /* st_context columns */
    sqlite3_stmt *st = m->st_context;
    int complete = 0;
    sqlite3_bind_int64(st, 1, urn);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_int(st, 3, ks);
    if (sqlite3_step(st) == SQLITE_ROW) {
        complete = 1;
        for (int f = 0; f < NFEAT; f++) {
            if (sqlite3_column_type(st, order[f]) == SQLITE_NULL)
                complete = 0;
            x[f] = sqlite3_column_double(st, order[f]);
        }
    }
    sqlite3_reset(st);
    return complete;
}

static void standardise(struct intake *in, size_t n)
{
    for (int f = 0; f < NFEAT; f++) {
        double mean = 0, var = 0;
        for (size_t i = 0; i < n; i++)
            mean += in[i].x[f];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++)
            var += (in[i].x[f] - mean) * (in[i].x[f] - mean);
        double sd = sqrt(var / (double)n);
        for (size_t i = 0; i < n; i++)
            in[i].x[f] = sd > 0 ? (in[i].x[f] - mean) / sd : 0;
    }
}

/* feat_cols order; a cfg not filled by the loader (all 0) weighs 1 each. */
static void weights(const struct cfg *cfg, double *w)
{
    static const enum cfg_sim_measure order[NFEAT] = { CFG_SIM_FSM6, CFG_SIM_EAL,
                                                       CFG_SIM_SEN, CFG_SIM_COHORT,
                                                       CFG_SIM_PRIOR };
    double total = 0;
    for (int f = 0; f < NFEAT; f++)
        total += w[f] = cfg->similarity[order[f]];
    for (int f = 0; total <= 0 && f < NFEAT; f++)
        w[f] = 1;
}

/* "FSM6 % x2, EAL % x1, ..." of the measures that count. */
static void describe_weights(const double *w, struct strbuf *sb)
{
    for (int f = 0; f < NFEAT; f++)
        if (w[f] > 0)
            sb_addf(sb, "%s%s x%g", sb->len ? ", " : "", feat_cols[f].label, w[f]);
}

static int by_distance(const void *a, const void *b)
{
    const struct intake *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return x->school < y->school ? -1 : x->school > y->school;
}

static void add_row(struct model *m, struct model_table *t, const struct intake *in,
                    int year, int ks, int is_target)
{
    const struct mdl_school *s = &m->schools[in->school];
    char key[32];
    double raw[NFEAT];
    snprintf(key, sizeof key, "%ld", s->urn);
    read_intake(m, s->urn, year, ks, raw);
    struct model_row *r = mdl_row(t, key, is_target);
    mdl_set_text(r, 0, s->name);
    mdl_set_num(r, 1, (double)s->urn);
    mdl_set_num(r, 2, in->distance);
    for (int f = 0; f < NFEAT; f++)
        mdl_set_num(r, 3 + f, raw[f]);
}

int mdl_view_similar(struct model *m, const struct mdl_view_ctx *v,
                     struct model_table *t, struct collab_err *err)
{
    long urn = v->q->urn;
    size_t target = m->nschools;
    for (size_t s = 0; s < m->nschools; s++)
        if (m->schools[s].urn == urn)
            target = s;
    if (target == m->nschools)
        return collab_err_set(err, "school %ld is not a member of group '%s'", urn,
                              m->group->id);
    struct intake *in = util_xcalloc(m->nschools, sizeof *in);
    size_t n = 0, ti = m->nschools;
    struct strbuf left_out = STRBUF_INIT;
    for (size_t s = 0; s < m->nschools; s++) {
        if (!mdl_school_has_pupils(m, m->schools[s].urn, v->year, v->ks))
            continue;
        if (!read_intake(m, m->schools[s].urn, v->year, v->ks, in[n].x)) {
            sb_addf(&left_out, "%s%s", left_out.len ? ", " : "", m->schools[s].name);
            continue;
        }
        if (s == target)
            ti = n;
        in[n++].school = s;
    }
    if (ti == m->nschools) {
        free(in);
        sb_free(&left_out);
        return collab_err_set(err, "no intake figures for %s in %d at KS%d (cohort under "
                              "the minimum, or not published)", m->schools[target].name,
                              v->year, v->ks);
    }
    standardise(in, n);
    double w[NFEAT];
    weights(m->cfg, w);
    for (size_t i = 0; i < n; i++) {
        double d2 = 0;
        for (int f = 0; f < NFEAT; f++)
            d2 += w[f] * (in[i].x[f] - in[ti].x[f]) * (in[i].x[f] - in[ti].x[f]);
        in[i].distance = sqrt(d2);
    }
    in[ti].distance = -1;   /* the school itself sorts first */
    qsort(in, n, sizeof *in, by_distance);
    in[0].distance = 0;
    mdl_table_title(t, "Schools similar to %s: %s, %d, KS%d", m->schools[target].name,
                    m->group_name, v->year, v->ks);
    mdl_col(t, "school", "School", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "urn", "URN", MODEL_COL_NUMBER, 0, 0);
    mdl_col(t, "distance", "Distance", MODEL_COL_NUMBER, 2, 0);
    for (int f = 0; f < NFEAT; f++)
        mdl_col(t, feat_cols[f].id, feat_cols[f].label, MODEL_COL_NUMBER,
                feat_cols[f].decimals, 0);
    for (size_t i = 0; i < n; i++)
        add_row(m, t, &in[i], v->year, v->ks, i == 0);
    struct strbuf wt = STRBUF_INIT;
    describe_weights(w, &wt);
    if (left_out.len)
        mdl_set_note(t, "Distance over z-scores across the group, weighted: %s. Left out "
                     "(intake suppressed): %s.", sb_str(&wt), sb_str(&left_out));
    else
        mdl_set_note(t, "Distance over z-scores across the group, weighted: %s.", sb_str(&wt));
    sb_free(&wt);
    sb_free(&left_out);
    free(in);
    return 0;
}
