/* Similar schools: member schools nearest one school in intake, or (with
 * the query's `national`, and always for a school with no pupil data) the
 * schools of England nearest it by the DfE's published intake.
 *
 * Each intake measure (FSM6 %, EAL %, SEN %, cohort, prior attainment mean)
 * is standardised across the group's schools that publish it for the year
 * (z = (x - mean) / sd, population sd; a measure with sd 0 counts for
 * nothing) and schools are ordered by weighted Euclidean distance over the
 * z-scores, sqrt(W / Wshared * sum of w * dz^2) over the measures both
 * schools publish, with the weights of indicators.yaml's `similarity:` (1
 * each by default; W all of them, Wshared those of the shared measures). The chosen school comes first, at
 * distance 0. Nationally the same over FSM6 %, EAL %, SEN % and KS4 cohort
 * of the group store's dfe_intake (no prior attainment: the DfE's
 * school-level files do not publish it), the nearest NATIONAL_NEAREST.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/store.h"
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
    unsigned have;          /* bit f: measure f is published (not x) */
    double distance;
};

/* The school's measures for the year into x, and which of them are
 * published (hidden ones are x, DESIGN.md section 5); 0 without a row. */
static unsigned read_intake(struct model *m, long urn, int year, int ks, double *x)
{
    static const int order[NFEAT] = { 1, 2, 3, 0, 4 };   /* mdl_context columns */
    const struct mdl_context *c = mdl_context(m, urn, year, ks);
    unsigned have = 0;
    for (int f = 0; c && f < NFEAT; f++) {
        x[f] = c->v[order[f]];
        if (!(c->nulls & (1u << order[f])))
            have |= 1u << f;
    }
    return have;
}

/* Each measure over the schools that publish it. */
static void standardise(struct intake *in, size_t n)
{
    for (int f = 0; f < NFEAT; f++) {
        double mean = 0, var = 0;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (in[i].have & (1u << f)) {
                mean += in[i].x[f];
                k++;
            }
        if (k == 0)
            continue;
        mean /= (double)k;
        for (size_t i = 0; i < n; i++)
            if (in[i].have & (1u << f))
                var += (in[i].x[f] - mean) * (in[i].x[f] - mean);
        double sd = sqrt(var / (double)k);
        for (size_t i = 0; i < n; i++)
            in[i].x[f] = sd > 0 && (in[i].have & (1u << f)) ? (in[i].x[f] - mean) / sd : 0;
    }
}

/* Weighted distance between z-scores a and b over the n measures in
 * `shared` (bit f) only, scaled up to the whole weight, so that a hidden
 * figure neither counts (it must not leak through the distance) nor makes
 * a school look nearer; -1 when no shared measure has a weight. */
static double distance(const double *a, const double *b, unsigned shared, const double *w,
                       int n)
{
    double d2 = 0, used = 0, all = 0;
    for (int f = 0; f < n; f++) {
        all += w[f];
        if (!(shared & (1u << f)) || w[f] <= 0)
            continue;
        d2 += w[f] * (a[f] - b[f]) * (a[f] - b[f]);
        used += w[f];
    }
    return used > 0 ? sqrt(d2 * all / used) : -1;
}

/* The n measures x into the row from column `first`, x where not in have. */
static void measure_cells(struct model_row *r, int first, const double *x, unsigned have,
                          int n)
{
    for (int f = 0; f < n; f++) {
        if (have & (1u << f))
            mdl_set_num(r, first + f, x[f]);
        else
            mdl_set_suppressed(r, first + f);
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
    unsigned have = read_intake(m, s->urn, year, ks, raw);
    struct model_row *r = mdl_row(t, key, is_target);
    mdl_set_text(r, 0, s->name);
    mdl_set_num(r, 1, (double)s->urn);
    mdl_set_num(r, 2, in->distance);
    measure_cells(r, 3, raw, have, NFEAT);
}

/* ---- among all England's schools (dfe_intake, written by publish) ---- */

#define NNAT 4              /* FSM6 %, EAL %, SEN %, cohort: no prior in DfE files */
#define NATIONAL_NEAREST 20

struct nat_school {
    long urn, la_code;
    char *name;
    double x[NNAT], z[NNAT];
    double distance;
};

static int by_nat_distance(const void *a, const void *b)
{
    const struct nat_school *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    return x->urn < y->urn ? -1 : x->urn > y->urn;
}

static void free_national(struct nat_school *all, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(all[i].name);
    free(all);
}

static struct nat_school *read_national(struct model *m, int year, size_t *n,
                                        struct collab_err *err)
{
    sqlite3_stmt *st = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(m->db, "SELECT urn, name, la_code, fsm6_pct, eal_pct, sen_pct,"
                           " cohort FROM dfe_intake WHERE year = ?1 ORDER BY urn", -1, &st,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        collab_err_set(err, "group '%s' has no national intake table: import the DfE KS4 "
                       "and census files (collab import dfe-ks4, dfe-census) and publish "
                       "again", m->group->id);
        return NULL;
    }
    sqlite3_bind_int(st, 1, year);
    size_t cap = 0;
    struct nat_school *all = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 1024;
            all = util_xrealloc(all, cap * sizeof *all);
        }
        struct nat_school *s = &all[(*n)++];
        const unsigned char *name = sqlite3_column_text(st, 1);
        s->urn = (long)sqlite3_column_int64(st, 0);
        s->name = util_xstrdup(name ? (const char *)name : "");
        s->la_code = (long)sqlite3_column_int64(st, 2);
        for (int f = 0; f < NNAT; f++)
            s->x[f] = sqlite3_column_double(st, 3 + f);
    }
    if (store_rows_done(st, rc, err) != 0) {
        free_national(all, *n);
        *n = 0;
        return NULL;
    }
    if (*n == 0)
        collab_err_set(err, "no school in England has published intake figures for %d "
                       "in group '%s' (DfE KS4 and census files)", year, m->group->id);
    return all;
}

/* The target's intake: its published figures, else its pupils' (cohort,
 * FSM6 %, EAL %, SEN % of school_context), *have the bits of the measures
 * it has (a figure hidden to protect a small group is not one). Returns 1
 * published, 2 pupils, 0 none. */
static int national_target(struct model *m, const struct nat_school *all, size_t n,
                           long urn, int year, int ks, double *x, unsigned *have)
{
    *have = (1u << NNAT) - 1;
    for (size_t i = 0; i < n; i++)
        if (all[i].urn == urn) {
            memcpy(x, all[i].x, sizeof all[i].x);
            return 1;
        }
    static const int order[NNAT] = { 1, 2, 3, 0 };   /* st_context columns */
    sqlite3_stmt *st = m->st_context;
    int found = 0;
    sqlite3_bind_int64(st, 1, urn);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_int(st, 3, ks);
    if (mdl_step(m, st) == SQLITE_ROW) {
        for (int f = 0; f < NNAT; f++) {
            if (sqlite3_column_type(st, order[f]) == SQLITE_NULL)
                *have &= ~(1u << f);
            x[f] = sqlite3_column_double(st, order[f]);
        }
        found = *have ? 2 : 0;
    }
    sqlite3_reset(st);
    return found;
}

/* z-scores over England's schools; the target is placed on the same scale. */
static void standardise_national(struct nat_school *all, size_t n, const double *tx,
                                 double *tz)
{
    for (int f = 0; f < NNAT; f++) {
        double mean = 0, var = 0;
        for (size_t i = 0; i < n; i++)
            mean += all[i].x[f];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++)
            var += (all[i].x[f] - mean) * (all[i].x[f] - mean);
        double sd = sqrt(var / (double)n);
        for (size_t i = 0; i < n; i++)
            all[i].z[f] = sd > 0 ? (all[i].x[f] - mean) / sd : 0;
        tz[f] = sd > 0 ? (tx[f] - mean) / sd : 0;
    }
}

static void national_row(struct model_table *t, long urn, const char *name, long la,
                         double distance, const double *x, unsigned have, int is_target)
{
    char key[32];
    snprintf(key, sizeof key, "%ld", urn);
    struct model_row *r = mdl_row(t, key, is_target);
    mdl_set_text(r, 0, name);
    mdl_set_num(r, 1, (double)urn);
    if (la > 0)
        mdl_set_num(r, 2, (double)la);
    mdl_set_num(r, 3, distance);
    measure_cells(r, 4, x, have, NNAT);
}

static int view_national(struct model *m, const struct mdl_view_ctx *v, size_t target,
                         struct model_table *t, struct collab_err *err)
{
    const struct mdl_school *sc = &m->schools[target];
    size_t n;
    struct nat_school *all = read_national(m, v->year, &n, err);
    if (!all || n == 0) {
        free_national(all, n);
        return -1;
    }
    double tx[NNAT], tz[NNAT], w[NFEAT];
    unsigned have;
    int from = national_target(m, all, n, sc->urn, v->year, v->ks, tx, &have);
    if (!from) {
        free_national(all, n);
        return collab_err_set(err, "no intake figures for %s in %d: neither published "
                              "(DfE KS4 and census) nor from pupil data", sc->name, v->year);
    }
    standardise_national(all, n, tx, tz);
    weights(m->cfg, w);     /* feat_cols order: the first NNAT are these */
    if (w[0] + w[1] + w[2] + w[3] <= 0)
        w[0] = w[1] = w[2] = w[3] = 1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (all[i].urn == sc->urn) {
            free(all[i].name);
            continue;
        }
        /* England's schools publish every measure: the target's count */
        double d = distance(all[i].z, tz, have, w, NNAT);
        all[i].distance = d < 0 ? 0 : d;
        all[k++] = all[i];
    }
    qsort(all, k, sizeof *all, by_nat_distance);
    mdl_table_title(t, "Schools in England similar to %s: %d, KS4 intake", sc->name, v->year);
    mdl_col(t, "school", "School", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "urn", "URN", MODEL_COL_NUMBER, 0, 0);
    mdl_col(t, "la_code", "LA", MODEL_COL_NUMBER, 0, 0);
    mdl_col(t, "distance", "Distance", MODEL_COL_NUMBER, 2, 0);
    for (int f = 0; f < NNAT; f++)
        mdl_col(t, feat_cols[f].id, feat_cols[f].label, MODEL_COL_NUMBER,
                feat_cols[f].decimals, 0);
    national_row(t, sc->urn, sc->name, 0, 0, tx, have, 1);
    for (size_t i = 0; i < k && i < NATIONAL_NEAREST; i++)
        national_row(t, all[i].urn, all[i].name, all[i].la_code, all[i].distance, all[i].x,
                     (1u << NNAT) - 1, 0);
    double wn[NFEAT] = { w[0], w[1], w[2], w[3], 0 };
    struct strbuf wt = STRBUF_INIT;
    describe_weights(wn, &wt);
    mdl_set_note(t, "The %d nearest of %zu schools in England with published %d intake (DfE "
                 "KS4 and census files), by distance over z-scores across England, "
                 "weighted: %s. Mean prior attainment is not in the DfE's files, so it does "
                 "not count here. Intake of %s: %s; SEN is support plus EHC plans.%s",
                 k < NATIONAL_NEAREST ? (int)k : NATIONAL_NEAREST, n, v->year, sb_str(&wt),
                 sc->name, from == 1 ? "its published figures (whole school; cohort is "
                 "KS4 pupils)" : "its KS4 pupils in collab (the DfE's are whole-school)",
                 have == (1u << NNAT) - 1 ? "" : " Its figures hidden to protect a small "
                 "group (x) count for nothing; the others are scaled to the whole weight.");
    sb_free(&wt);
    free_national(all, k);
    return 0;
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
    /* A school known only by its DfE figures has no group intake to compare. */
    if (v->q->national || !m->schools[target].has_pupil_data)
        return view_national(m, v, target, t, err);
    struct intake *in = util_xcalloc(m->nschools, sizeof *in);
    size_t n = 0, ti = m->nschools;
    struct strbuf left_out = STRBUF_INIT;
    for (size_t s = 0; s < m->nschools; s++) {
        if (!mdl_school_has_pupils(m, m->schools[s].urn, v->year, v->ks))
            continue;
        if (!(in[n].have = read_intake(m, m->schools[s].urn, v->year, v->ks, in[n].x))) {
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
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        in[i].distance = i == ti ? -1 : distance(in[i].x, in[ti].x, in[i].have & in[ti].have,
                                                  w, NFEAT);
        if (i != ti && in[i].distance < 0) {
            sb_addf(&left_out, "%s%s", left_out.len ? ", " : "", m->schools[in[i].school].name);
            continue;
        }
        in[kept++] = in[i];     /* the school itself sorts first, at -1 */
    }
    n = kept;
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
    mdl_set_note(t, "Distance over z-scores across the group, weighted: %s. A figure "
                 "hidden to protect a small group (x) counts for nothing; the others are "
                 "scaled to the whole weight.%s%s%s", sb_str(&wt),
                 left_out.len ? " Left out (intake hidden): " : "", sb_str(&left_out),
                 left_out.len ? "." : "");
    sb_free(&wt);
    sb_free(&left_out);
    free(in);
    return 0;
}
