/* Overview: the group's headline indicators against national, with a trend
 * over the latest years and plain-English findings. */
#include "config.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/stats.h"
#include "collab/util.h"
#include "model_internal.h"

#define TREND_YEARS 3

enum { OV_ID, OV_LABEL, OV_VALUE, OV_NATIONAL, OV_DIFF, OV_SIG, OV_TREND, OV_CHANGE,
       OV_N, OV_LO, OV_HI, OV_BAND };

static const char *sig_word(int side)
{
    return side > 0 ? "above" : side < 0 ? "below" : "similar";
}

static void add_columns(struct model_table *t)
{
    mdl_col(t, "indicator", "Id", MODEL_COL_TEXT, 0, 0);
    t->cols[t->ncols - 1].script_only = 1;
    mdl_col(t, "label", "Indicator", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "value", "Group", MODEL_COL_NUMBER, 1, 0);
    mdl_col(t, "national", "National", MODEL_COL_NUMBER, 1, 0);
    mdl_col(t, "diff", "Diff", MODEL_COL_NUMBER, 1, 1);
    mdl_col(t, "sig", "Sig", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "trend", "Trend", MODEL_COL_TREND, 1, 0);
    mdl_col(t, "change", "Change", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "n", "n", MODEL_COL_NUMBER, 0, 0);
    mdl_col(t, "lo", "95% lo", MODEL_COL_NUMBER, 1, 0);
    mdl_col(t, "hi", "95% hi", MODEL_COL_NUMBER, 1, 0);
    mdl_col(t, "band", "P8 band", MODEL_COL_TEXT, 0, 0);
}

/* "rise" / "fall" when the latest year differs significantly from the one
 * before (stats_change_test over the stored accumulators), flagged so the
 * TUI marks it; "" otherwise. */
static void change_cell(struct model_row *r, const struct mdl_ind *ind,
                        struct mdl_fig **trend, int ntrend, size_t i)
{
    if (ntrend < 2)
        return;
    int side = mdl_change(ind, &trend[ntrend - 2][i], &trend[ntrend - 1][i]);
    mdl_set_text(r, OV_CHANGE, side > 0 ? "rise" : side < 0 ? "fall" : "");
    r->cells[OV_CHANGE].flags |= side > 0 ? CELL_SIG_ABOVE : side < 0 ? CELL_SIG_BELOW : 0;
}

/* The interval as numbers, and for Progress 8 the DfE band. */
static void interval_cells(struct model *m, struct model_row *r, const struct mdl_ind *ind)
{
    const struct model_cell *val = &r->cells[OV_VALUE];
    if (isnan(val->lo))
        return;
    for (int c = OV_LO; c <= OV_HI; c++) {
        mdl_set_num(r, c, c == OV_LO ? val->lo : val->hi);
        r->cells[c].own_format = 1;
        r->cells[c].decimals = ind->decimals + (ind->agg == CFG_AGG_MEAN);
        r->cells[c].show_sign = ind->show_sign;
    }
    if (mdl_is_p8(m, ind))
        mdl_set_text(r, OV_BAND, stats_p8_band_label(stats_p8_band(val->value, val->lo,
                                                                   val->hi)));
}

static void fill_row(struct model *m, struct model_table *t, size_t i,
                     const struct mdl_view_ctx *v, const struct mdl_fig *fig,
                     struct mdl_fig **trend, int ntrend)
{
    const struct mdl_ind *ind = &m->inds[i];
    struct model_row *r = mdl_row(t, ind->id, 0);
    double nat, sd;
    if (!mdl_national(m, v->year, ind->id, v->fkey + v->nat_shift, &nat, &sd) &&
        v->fkey == 0)
        mdl_dfe_national(m, v->year, mdl_dfe_measure(m, ind), &nat);
    mdl_set_text(r, OV_ID, ind->id);
    mdl_set_text(r, OV_LABEL, ind->label);
    double against = mdl_sig_against(m, ind, v->fkey + v->nat_shift, nat);
    int side = mdl_cell_figure(&r->cells[OV_VALUE], ind, fig, against, sd);
    struct mdl_fig nf = { .status = isnan(nat) ? FIG_MISSING : FIG_OK, .value = nat };
    mdl_cell_figure(&r->cells[OV_NATIONAL], ind, &nf, NAN, NAN);
    struct model_cell *diff = &r->cells[OV_DIFF];
    diff->own_format = 1;
    diff->decimals = ind->decimals;
    diff->show_sign = 1;
    if (fig->status == FIG_SUPPRESSED) {
        diff->flags = CELL_SUPPRESSED;
        r->cells[OV_N].flags = CELL_SUPPRESSED;
    } else if (fig->status == FIG_OK) {
        mdl_set_num(r, OV_N, (double)fig->n);
        if (!isnan(nat)) {
            mdl_set_num(r, OV_DIFF, fig->value - nat);
            diff->flags |= r->cells[OV_VALUE].flags & (CELL_BETTER | CELL_WORSE);
        }
    }
    if (fig->status == FIG_OK && !isnan(nat) && !isnan(r->cells[OV_VALUE].lo))
        mdl_set_text(r, OV_SIG, sig_word(side));
    struct model_cell *tc = &r->cells[OV_TREND];
    tc->flags = 0;
    tc->own_format = 1;
    tc->decimals = ind->decimals;
    tc->show_sign = ind->show_sign;
    tc->ntrend = ntrend;
    for (int y = 0; y < ntrend; y++)
        tc->trend[y] = trend[y][i].status == FIG_OK ? trend[y][i].value : NAN;
    change_cell(r, ind, trend, ntrend, i);
    interval_cells(m, r, ind);
}

/* "Harbour High: Progress 8 +0.42 (n=151), significantly above national
 * (0.00) by 0.42" */
static void finding(struct model_table *t, const char *who, const struct mdl_ind *ind,
                    const struct mdl_fig *fig, int side, double nat, const char *nat_name,
                    int benchmark)
{
    char val[32], natv[32], gap[32];
    mdl_format_value(ind, fig->value, val, sizeof val);
    mdl_format_value(ind, nat, natv, sizeof natv);
    struct mdl_ind plain = *ind;
    plain.show_sign = 0;
    mdl_format_value(&plain, fabs(fig->value - nat), gap, sizeof gap);
    if (benchmark) {
        mdl_add_finding(t, "%s: %s %s (n=%ld), significantly %s " MDL_P8_BENCHMARK_WORDS
                        " by %s", who, ind->label, val, fig->n,
                        side > 0 ? "above" : "below", gap);
        return;
    }
    mdl_add_finding(t, "%s: %s %s (n=%ld), significantly %s %s (%s) by %s%s", who,
                    ind->label, val, fig->n, side > 0 ? "above" : "below", nat_name, natv, gap,
                    ind->agg == CFG_AGG_PERCENT || ind->agg == CFG_AGG_RATE
                    ? " percentage points" : "");
}

/* Compare each figure with national; report the significant ones. Small
 * cells never reach here as FIG_OK with n under min_cohort. */
static void find_in(struct model *m, struct model_table *t, const char *who,
                    const struct mdl_fig *figs, const struct mdl_view_ctx *v, long fkey,
                    int result)
{
    for (size_t i = 0; i < m->ninds; i++) {
        const struct mdl_ind *ind = &m->inds[i];
        if (ind->key_stage != v->ks ||
            (result ? ind->level != CFG_LEVEL_RESULT : !mdl_is_headline(ind, v->ks)))
            continue;
        double nat;
        long nat_fkey = fkey + v->nat_shift;
        int side = mdl_side_of(m, ind, &figs[i], v->year, nat_fkey, &nat);
        if (side != 0)
            finding(t, who, ind, &figs[i], side, nat, v->nat_name,
                    mdl_p8_benchmarked(m, ind, nat_fkey));
    }
}

static int find_schools(struct model *m, struct model_table *t,
                        const struct mdl_view_ctx *v, struct mdl_fig *figs,
                        struct collab_err *err)
{
    long n;
    for (size_t s = 0; s < m->nschools; s++) {
        if (mdl_fetch_pupil(m, m->schools[s].urn, v->year, v->ks, v->fkey, figs, &n, err) < 0)
            return -1;
        find_in(m, t, m->schools[s].name, figs, v, v->fkey, 0);
    }
    return 0;
}

static int find_subjects(struct model *m, struct model_table *t,
                         const struct mdl_view_ctx *v, struct mdl_fig *figs,
                         struct collab_err *err)
{
    sqlite3_stmt *st = mdl_subjects_stmt(m, err);
    if (!st)
        return -1;
    long n;
    int rc = 0;
    while (rc == 0 && mdl_step(m, st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (mdl_fetch_subject(m, 0, v->year, code, v->fkey, figs, &n, err) < 0)
            rc = -1;
        else
            find_in(m, t, name ? name : code, figs, v, v->fkey, 1);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Each value of each dimension the filter leaves open, within the filter. */
static int find_groups(struct model *m, struct model_table *t,
                       const struct mdl_view_ctx *v, struct mdl_fig *figs,
                       struct collab_err *err)
{
    long n;
    for (size_t d = 0; d < m->cfg->nfilters && d < MODEL_MAX_DIMS; d++) {
        if (v->q->filter.choice[d] != 0 || m->strides[d] == 0)
            continue;
        const struct cfg_filter *f = &m->cfg->filters[d];
        for (size_t val = 0; val < f->nvalues; val++) {
            long fkey = v->fkey + (long)(val + 1) * m->strides[d];
            if (mdl_fetch_pupil(m, 0, v->year, v->ks, fkey, figs, &n, err) < 0)
                return -1;
            struct strbuf who = STRBUF_INIT;
            sb_addf(&who, "%s pupils", f->values[val].label);
            find_in(m, t, sb_str(&who), figs, v, fkey, 0);
            sb_free(&who);
        }
    }
    return 0;
}

static int add_findings(struct model *m, struct model_table *t,
                        const struct mdl_view_ctx *v, struct collab_err *err)
{
    struct mdl_fig *figs = util_xcalloc(m->ninds ? m->ninds : 1, sizeof *figs);
    /* Without school_level no finding may name a school. */
    int rc = m->user->school_level ? find_schools(m, t, v, figs, err) : 0;
    if (rc == 0 && m->user->school_level && v->fkey == 0)
        mdl_dfe_findings(m, v->year, v->ks, t);
    if (rc == 0)
        rc = find_subjects(m, t, v, figs, err);
    if (rc == 0)
        rc = find_groups(m, t, v, figs, err);
    if (rc == 0)
        rc = mdl_areas_of_interest(m, v, t, err);
    free(figs);
    return rc;
}

/* A group with no pupil data: its figures are its schools' published ones
 * combined (mdl_dfe_group_fig); a pupil-group filter does not apply. */
static void dfe_figs(struct model *m, int year, long fkey, struct mdl_fig *figs)
{
    for (size_t i = 0; i < m->ninds; i++) {
        if (fkey == 0) {
            mdl_dfe_group_fig(m, year, &m->inds[i], &figs[i]);
            continue;
        }
        memset(&figs[i], 0, sizeof figs[i]);
        figs[i].status = FIG_MISSING;
        figs[i].value = NAN;
    }
}

static void dfe_only_note(struct model_table *t, const struct mdl_view_ctx *v)
{
    static const int na_cols[] = { OV_VALUE, OV_DIFF, OV_N };
    for (size_t r = 0; v->fkey != 0 && r < t->nrows; r++)
        for (size_t c = 0; c < sizeof na_cols / sizeof na_cols[0]; c++)
            t->rows[r].cells[na_cols[c]].flags = CELL_NA;
    if (v->fkey != 0)
        mdl_set_note(t, "This group has only the DfE's published school-level figures "
                     "(no pupil data): pupil-group filters do not apply (n/a). Clear the "
                     "filter, or see each school in the schools view.");
    else
        mdl_set_note(t, "This group has only the DfE's published school-level figures "
                     "(no pupil data): each group figure combines its schools' published "
                     "%d figures, weighted by their KS4 cohorts (P8 by pupils included, "
                     "absence by pupils on roll); n is that weight. National: England, "
                     "state-funded. See each school in the schools view.", v->year);
}

int mdl_view_overview(struct model *m, const struct mdl_view_ctx *v,
                      struct model_table *t, struct collab_err *err)
{
    int years[TREND_YEARS];
    int ny = mdl_latest_years(m, v->year, TREND_YEARS, years);
    /* query() took v->year from m->years, so it is the latest trend year and
     * its figures are the trend's last: fetched once. */
    assert(ny > 0 && years[ny - 1] == v->year);
    size_t ni = m->ninds ? m->ninds : 1;
    struct mdl_fig *trend[TREND_YEARS];
    long n;
    int rc = 0;
    int dfe_only = mdl_dfe_only_group(m, v->year, v->ks);
    for (int y = 0; y < ny; y++) {
        trend[y] = util_xcalloc(ni, sizeof *trend[y]);
        if (dfe_only)
            dfe_figs(m, years[y], v->fkey, trend[y]);
        else if (rc == 0 &&
                 mdl_fetch_pupil(m, 0, years[y], v->ks, v->fkey, trend[y], &n, err) < 0)
            rc = -1;
    }
    const struct mdl_fig *figs = trend[ny - 1];
    if (rc == 0) {
        mdl_table_title(t, "Overview: %s, %d, KS%d%s%s", m->group_name, v->year, v->ks,
                        *v->filter_text ? ", " : "", v->filter_text);
        add_columns(t);
        for (size_t i = 0; i < m->ninds; i++)
            if (mdl_is_headline(&m->inds[i], v->ks))
                fill_row(m, t, i, v, &figs[i], trend, ny);
        if (t->nrows == 0)
            mdl_set_note(t, "no headline indicators for key stage %d", v->ks);
        else if (dfe_only)
            dfe_only_note(t, v);
        else if (v->fkey != 0) {
            char *what = mdl_comparator_text(m, v);
            mdl_set_note(t, "%s", what);
            free(what);
        }
        if (t->nrows && !dfe_only && v->ks == 4)
            mdl_note_estimates(m, v->year, t);
        rc = add_findings(m, t, v, err);
    }
    for (int y = 0; y < ny; y++)
        free(trend[y]);
    return rc;
}
