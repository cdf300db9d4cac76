/* Areas of interest: plain-English sentences for the overview, one per
 * finding that passes its test, each naming its figures. A finding that
 * does not pass is not written. The tests:
 *
 *  - a school significantly above (below) national on a headline indicator
 *    in each of the three latest years (its 95% interval against that year's
 *    national figure for the same pupils);
 *  - a subject whose group figure is significantly above (below) national in
 *    each of the two latest years;
 *  - the gap between disadvantaged pupils (the filter on column fsm6, value
 *    "1") and the others on a headline indicator narrowed or widened between
 *    the two latest years: a two-sample z test on the change in the gap,
 *    whose variance is the sum of the four figures' variances (mdl_fig_var);
 *  - a school whose figure is in the lowest (highest) 20% of England's
 *    schools for the indicator's DfE measure and significantly below (above)
 *    national, all pupils only.
 *
 * Figures over fewer than min_cohort pupils never take part. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/stats.h"
#include "collab/util.h"
#include "model_internal.h"

#define RUN_SCHOOL 3
#define RUN_SUBJECT 2

static int usable(const struct model *m, const struct mdl_fig *f)
{
    return f->status == FIG_OK && f->n >= m->min_cohort;
}

int mdl_side_of(struct model *m, const struct mdl_ind *ind, const struct mdl_fig *f,
                int year, long fkey, double *nat)
{
    double sd;
    *nat = NAN;
    if (ind->signif == CFG_SIG_NONE || !usable(m, f) ||
        !mdl_national(m, year, ind->id, fkey, nat, &sd))
        return 0;
    *nat = mdl_sig_against(m, ind, fkey, *nat);
    struct model_cell cell = { .text = NULL };
    return mdl_cell_figure(&cell, ind, f, *nat, sd);
}

/* "2017: +0.40 vs 0.00; 2018 ..." into sb; without "vs" against the P8
 * benchmark, which is 0 every year. */
static void add_run(struct strbuf *sb, const struct mdl_ind *ind, const int *years,
                    const double *vals, const double *nats, int n, int benchmark)
{
    char a[32], b[32];
    for (int y = 0; y < n; y++) {
        mdl_format_value(ind, vals[y], a, sizeof a);
        mdl_format_value(ind, nats[y], b, sizeof b);
        sb_addf(sb, "%s%d: %s%s%s", y ? "; " : "", years[y], a, benchmark ? "" : " vs ",
                benchmark ? "" : b);
    }
}

typedef int (*fetch_fn)(struct model *m, const void *who, int year, int ks, long fkey,
                        struct mdl_fig *figs, struct collab_err *err);

struct run_args {
    const char *name;           /* school or subject name */
    const void *who;            /* passed to fetch */
    fetch_fn fetch;
    int want;                   /* years in the run */
    const char *words;          /* "three years running" */
    int result_level;
};

/* Same significant side for every one of the latest `want` years. */
static int find_runs(struct model *m, const struct mdl_view_ctx *v, struct model_table *t,
                     const struct run_args *a, struct collab_err *err)
{
    int years[RUN_SCHOOL];
    if (mdl_latest_years(m, v->year, a->want, years) < a->want)
        return 0;
    struct mdl_fig *figs[RUN_SCHOOL];
    int rc = 0;
    for (int y = 0; y < a->want; y++)
        figs[y] = util_xcalloc(m->ninds ? m->ninds : 1, sizeof *figs[y]);
    for (int y = 0; rc == 0 && y < a->want; y++)
        rc = a->fetch(m, a->who, years[y], v->ks, v->fkey, figs[y], err) < 0 ? -1 : 0;
    for (size_t i = 0; rc == 0 && i < m->ninds; i++) {
        const struct mdl_ind *ind = &m->inds[i];
        if (ind->key_stage != v->ks || (ind->level == CFG_LEVEL_RESULT) != a->result_level ||
            (!a->result_level && !ind->headline))
            continue;
        double vals[RUN_SCHOOL], nats[RUN_SCHOOL];
        int side = 0, y;
        for (y = 0; y < a->want; y++) {
            int s = mdl_side_of(m, ind, &figs[y][i], years[y], v->fkey + v->nat_shift,
                                &nats[y]);
            if (s == 0 || (y > 0 && s != side))
                break;
            side = s;
            vals[y] = figs[y][i].value;
        }
        if (y < a->want)
            continue;
        int benchmark = mdl_p8_benchmarked(m, ind, v->fkey + v->nat_shift);
        struct strbuf sb = STRBUF_INIT;
        sb_addf(&sb, "%s: %s significantly %s %s %s (", a->name, ind->label,
                side > 0 ? "above" : "below",
                benchmark ? MDL_P8_BENCHMARK_WORDS : v->nat_name, a->words);
        add_run(&sb, ind, years, vals, nats, a->want, benchmark);
        sb_addf(&sb, ")");
        mdl_add_finding(t, "%s", sb_str(&sb));
        sb_free(&sb);
    }
    for (int y = 0; y < a->want; y++)
        free(figs[y]);
    return rc;
}

static int fetch_school(struct model *m, const void *who, int year, int ks, long fkey,
                        struct mdl_fig *figs, struct collab_err *err)
{
    long n;
    const struct mdl_school *s = who;
    return mdl_fetch_pupil(m, s->urn, year, ks, fkey, figs, &n, err) < 0 ? -1 : 0;
}

/* Subjects are KS4 results: ks is always 4 here (subject_runs). */
static int fetch_subject(struct model *m, const void *who, int year, int ks, long fkey,
                         struct mdl_fig *figs, struct collab_err *err)
{
    long n;
    (void)ks;
    return mdl_fetch_subject(m, 0, year, who, fkey, figs, &n, err) < 0 ? -1 : 0;
}

static int school_runs(struct model *m, const struct mdl_view_ctx *v, struct model_table *t,
                       struct collab_err *err)
{
    for (size_t s = 0; s < m->nschools; s++) {
        struct run_args a = { m->schools[s].name, &m->schools[s],
                              fetch_school, RUN_SCHOOL, "three years running", 0 };
        if (find_runs(m, v, t, &a, err) < 0)
            return -1;
    }
    return 0;
}

static int subject_runs(struct model *m, const struct mdl_view_ctx *v, struct model_table *t,
                        struct collab_err *err)
{
    if (v->ks != 4 || !m->st_subject)
        return 0;
    sqlite3_stmt *st = mdl_subjects_stmt(m, err);
    if (!st)
        return -1;
    int rc = 0;
    while (rc == 0 && mdl_step(m, st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (!code || !mdl_subject_present(m, v->year, code))
            continue;
        struct run_args a = { name ? name : code, code, fetch_subject, RUN_SUBJECT,
                              "two years running", 1 };
        rc = find_runs(m, v, t, &a, err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The dimension on pupil column fsm6 and the indices of its "1" and "0"
 * values; -1 when there is none or the query already fixes it. */
static int fsm6_dimension(const struct model *m, const struct mdl_view_ctx *v,
                          int *yes, int *no)
{
    int d = mdl_disadvantaged_dim(m, yes, no);
    return d >= 0 && v->q->filter.choice[d] == 0 ? d : -1;
}

struct gap_figs { struct mdl_fig *yes, *no; };

static int fetch_gap(struct model *m, const struct mdl_view_ctx *v, int year, long fk_yes,
                     long fk_no, struct gap_figs *g, struct collab_err *err)
{
    long n;
    if (mdl_fetch_pupil(m, 0, year, v->ks, fk_yes, g->yes, &n, err) < 0 ||
        mdl_fetch_pupil(m, 0, year, v->ks, fk_no, g->no, &n, err) < 0)
        return -1;
    return 0;
}

static void gap_sentence(struct model *m, struct model_table *t, const struct mdl_ind *ind,
                         const int *years, const struct gap_figs *g, size_t i,
                         const char *yes_label)
{
    const struct mdl_fig *y0 = &g[0].yes[i], *n0 = &g[0].no[i];
    const struct mdl_fig *y1 = &g[1].yes[i], *n1 = &g[1].no[i];
    if (!usable(m, y0) || !usable(m, n0) || !usable(m, y1) || !usable(m, n1))
        return;
    double gap0 = n0->value - y0->value, gap1 = n1->value - y1->value;
    double var0 = mdl_fig_var(ind, y0) + mdl_fig_var(ind, n0);
    double var1 = mdl_fig_var(ind, y1) + mdl_fig_var(ind, n1);
    double z;
    if (stats_change_test(gap0, var0, gap1, var1, STATS_Z95, &z) == 0)
        return;
    char a[32], b[32];
    struct mdl_ind plain = *ind;
    plain.show_sign = 1;
    mdl_format_value(&plain, gap0, a, sizeof a);
    mdl_format_value(&plain, gap1, b, sizeof b);
    mdl_add_finding(t, "The gap in %s between %s pupils and others %s significantly, from "
                    "%s in %d to %s in %d (others minus %s; z = %.2f)", ind->label,
                    yes_label, fabs(gap1) < fabs(gap0) ? "narrowed" : "widened", a,
                    years[0], b, years[1], yes_label, z);
}

static int gap_changes(struct model *m, const struct mdl_view_ctx *v, struct model_table *t,
                       struct collab_err *err)
{
    int yes, no, years[2];
    int d = fsm6_dimension(m, v, &yes, &no);
    if (d < 0 || mdl_latest_years(m, v->year, 2, years) < 2)
        return 0;
    long fk_yes = v->fkey + (long)(yes + 1) * m->strides[d];
    long fk_no = v->fkey + (long)(no + 1) * m->strides[d];
    size_t ni = m->ninds ? m->ninds : 1;
    struct gap_figs g[2];
    for (int y = 0; y < 2; y++) {
        g[y].yes = util_xcalloc(ni, sizeof *g[y].yes);
        g[y].no = util_xcalloc(ni, sizeof *g[y].no);
    }
    int rc = 0;
    for (int y = 0; rc == 0 && y < 2; y++)
        rc = fetch_gap(m, v, years[y], fk_yes, fk_no, &g[y], err);
    const struct cfg_filter *f = &m->cfg->filters[d];
    for (size_t i = 0; rc == 0 && i < m->ninds; i++) {
        const struct mdl_ind *ind = &m->inds[i];
        if (ind->headline && ind->key_stage == v->ks && ind->level != CFG_LEVEL_RESULT)
            gap_sentence(m, t, ind, years, g, i, f->values[yes].label);
    }
    for (int y = 0; y < 2; y++) {
        free(g[y].yes);
        free(g[y].no);
    }
    return rc;
}

/* Lowest / highest 20% nationally and significantly below / above. */
static int national_quintiles(struct model *m, const struct mdl_view_ctx *v,
                              struct model_table *t, struct collab_err *err)
{
    if (v->fkey != 0 || !m->st_dist)
        return 0;
    struct mdl_fig *figs = util_xcalloc(m->ninds ? m->ninds : 1, sizeof *figs);
    int rc = 0;
    for (size_t s = 0; rc == 0 && s < m->nschools; s++) {
        long n;
        if (mdl_fetch_pupil(m, m->schools[s].urn, v->year, v->ks, 0, figs, &n, err) < 0) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < m->ninds; i++) {
            const struct mdl_ind *ind = &m->inds[i];
            const char *dm = mdl_dfe_measure(m, ind);
            double nat;
            if (!dm || !ind->headline || ind->key_stage != v->ks)
                continue;
            int side = mdl_side_of(m, ind, &figs[i], v->year, 0, &nat);
            double p = mdl_percentile(m, v->year, dm, figs[i].value);
            const char *q = stats_quintile_words(p);
            int low = q && strcmp(q, "lowest 20%") == 0;
            int good = ind->polarity == CFG_LOWER_BETTER ? -side : side;
            if (!q || side == 0 || (low ? side > 0 : side < 0) || good == 0)
                continue;
            char val[32], natv[32], against[64];
            mdl_format_value(ind, figs[i].value, val, sizeof val);
            mdl_format_value(ind, nat, natv, sizeof natv);
            snprintf(against, sizeof against, "national (%s)", natv);
            mdl_add_finding(t, "%s: %s %s (n=%ld) is in the %s of schools nationally "
                            "(percentile %.0f) and significantly %s %s",
                            m->schools[s].name, ind->label, val, figs[i].n, q, p,
                            side > 0 ? "above" : "below",
                            mdl_p8_benchmarked(m, ind, 0) ? MDL_P8_BENCHMARK_WORDS : against);
        }
    }
    free(figs);
    return rc;
}

int mdl_areas_of_interest(struct model *m, const struct mdl_view_ctx *v,
                          struct model_table *t, struct collab_err *err)
{
    /* Without school_level no finding may name a school (access.h). */
    int by_school = m->user->school_level;
    if ((by_school && school_runs(m, v, t, err) < 0) || subject_runs(m, v, t, err) < 0 ||
        gap_changes(m, v, t, err) < 0 || (by_school && national_quintiles(m, v, t, err) < 0))
        return -1;
    return 0;
}
