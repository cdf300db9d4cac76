/* Schools side by side: intake and headline indicators, ranked only where
 * the group's policy allows league tables. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/access.h"
#include "collab/stats.h"
#include "collab/util.h"
#include "model_internal.h"

/* Context columns shared with the similar-schools view: id, label, decimals. */
static const struct { const char *id, *label; int decimals; } context_cols[] = {
    { "cohort", "Cohort", 0 },
    { "fsm6_pct", "FSM6 %", 1 },
    { "eal_pct", "EAL %", 1 },
    { "sen_pct", "SEN %", 1 },
};
#define NCONTEXT (sizeof context_cols / sizeof context_cols[0])

/* Headline indicators, except one whose id would repeat a fixed column. */
static int is_headline(const struct mdl_ind *ind, int ks)
{
    static const char *const fixed[] = { "rank", "school", "urn", "cohort", "fsm6_pct",
                                         "eal_pct", "sen_pct" };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(ind->id, fixed[i]) == 0)
            return 0;
    return mdl_is_headline(ind, ks);
}

/* A percentile column follows an indicator that maps to a DfE measure with
 * a national distribution, for all pupils (a group's figure for FSM6 pupils
 * is not comparable with schools' all-pupil figures). */
static int has_pctl(struct model *m, const struct mdl_view_ctx *v, const struct mdl_ind *ind)
{
    const char *dm = mdl_dfe_measure(m, ind);
    double p = dm && v->fkey == 0 ? mdl_percentile(m, v->year, dm, 0.0) : NAN;
    return !isnan(p);
}

/* The percentile of the figure in column fc, against England's schools,
 * into column c. */
static void pctl_cell(struct model *m, struct model_row *r, int fc, int c, int year,
                      const struct mdl_ind *ind)
{
    const struct model_cell *fig = &r->cells[fc];
    if (fig->flags & CELL_SUPPRESSED) {
        mdl_set_suppressed(r, c);
        return;
    }
    if (fig->flags & (CELL_MISSING | CELL_NA))
        return;
    double p = mdl_percentile(m, year, mdl_dfe_measure(m, ind), fig->value);
    mdl_set_num(r, c, p);
    const char *q = stats_quintile_words(p);
    if (!q)
        return;
    /* lowest / highest 20%: marked as the figure's own direction, good or
     * bad by its polarity (the lowest 20% of absence is good) */
    int low = strcmp(q, "lowest 20%") == 0;
    r->cells[c].flags |= low ? CELL_SIG_BELOW : CELL_SIG_ABOVE;
    if (ind->polarity != CFG_NEUTRAL)
        r->cells[c].flags |= low == (ind->polarity == CFG_LOWER_BETTER) ? CELL_BETTER
                                                                          : CELL_WORSE;
}

/* A DfE P8 is significant when its published interval excludes 0, the
 * average the DfE bands against (STATS_P8_BENCHMARK), so that the mark
 * always agrees with the published band beside it. */
static void dfe_sig(struct model *m, struct model_cell *cell, long urn, int year,
                    const char *measure)
{
    double lo, hi;
    if (strcmp(measure, "p8") != 0 || !mdl_dfe_value(m, urn, year, "p8_cilow", &lo) ||
        !mdl_dfe_value(m, urn, year, "p8_ciupp", &hi))
        return;
    cell->lo = lo;
    cell->hi = hi;
    int side = stats_compare(lo, hi, STATS_P8_BENCHMARK);
    cell->flags |= side > 0 ? CELL_SIG_ABOVE : side < 0 ? CELL_SIG_BELOW : 0;
}

/* The band the DfE published for a school (P8_BANDING), or the words for
 * one it withheld (SUPP: UTCs, studio schools ...), over the band collab
 * worked out from the interval. */
static void dfe_band(struct model *m, struct model_row *r, int c, long urn, int year)
{
    double band;
    char marker[16];
    if (mdl_dfe_value(m, urn, year, "p8_band", &band) && band >= 1 && band <= 5)
        mdl_set_text(r, c, stats_p8_band_label((enum stats_p8_band)((int)band - 1)));
    else if (mdl_dfe_marker(m, urn, year, "p8_band", marker, sizeof marker)) {
        char words[48];
        snprintf(words, sizeof words, "withheld (%s)", marker);
        mdl_set_text(r, c, words);
    }
}

/* Progress 8 is followed by its 95% interval and the DfE's band: the
 * published interval for a DfE-only school, collab's for pupil data. */
static const struct { const char *suffix, *label; } p8_cols[] = {
    { "_lo", "95% lo" }, { "_hi", "95% hi" }, { "_band", "Band" },
};
#define NP8 (sizeof p8_cols / sizeof p8_cols[0])

static int extra_cols(const struct model *m, const struct mdl_ind *ind)
{
    return mdl_is_p8(m, ind) ? (int)NP8 : 0;
}

/* The interval and band cells after the P8 figure in column c - 1. */
static void p8_cells(struct model_row *r, int c, const struct mdl_ind *ind)
{
    const struct model_cell *fig = &r->cells[c - 1];
    if (fig->flags & (CELL_SUPPRESSED | CELL_NA)) {
        for (int i = 0; i < (int)NP8; i++)
            r->cells[c + i].flags = fig->flags & (CELL_SUPPRESSED | CELL_NA);
        return;
    }
    if ((fig->flags & CELL_MISSING) || isnan(fig->lo) || isnan(fig->hi))
        return;
    for (int i = 0; i < 2; i++) {
        mdl_set_num(r, c + i, i ? fig->hi : fig->lo);
        r->cells[c + i].own_format = 1;
        r->cells[c + i].decimals = ind->decimals;
        r->cells[c + i].show_sign = ind->show_sign;
    }
    mdl_set_text(r, c + 2, stats_p8_band_label(stats_p8_band(fig->value, fig->lo, fig->hi)));
}

/* Fill the context cells starting at column c from school_context. */
static void context_cells(struct model_row *r, int c, const struct mdl_context *ctx)
{
    for (size_t i = 0; ctx && i < NCONTEXT; i++) {
        if (ctx->nulls & (1u << i))
            mdl_set_suppressed(r, c + (int)i);
        else
            mdl_set_num(r, c + (int)i, ctx->v[i]);
    }
}

struct ranked { double key; size_t row; };

static int by_key(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Competition ranking ("1224") by the rank column's figure, best first: a
 * sort, so that 3,500 schools cost n log n, not n^2 comparisons. */
static void rank_rows(struct model_table *t, int rank_col, int by, int polarity)
{
    struct ranked *order = util_xcalloc(t->nrows ? t->nrows : 1, sizeof *order);
    size_t n = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        const struct model_cell *ci = &t->rows[i].cells[by];
        if (ci->flags & (CELL_SUPPRESSED | CELL_MISSING | CELL_NA) || isnan(ci->value))
            continue;
        order[n].key = polarity == CFG_LOWER_BETTER ? ci->value : -ci->value;
        order[n++].row = i;
    }
    qsort(order, n, sizeof *order, by_key);
    for (size_t i = 0, first = 0; i < n; i++) {
        if (order[i].key != order[first].key)
            first = i;      /* ties share the rank of the first of them */
        mdl_set_num(&t->rows[order[i].row], rank_col, (double)(first + 1));
    }
    free(order);
}

/* The indicator behind column c of this table, or NULL. */
static const struct mdl_ind *column_indicator(struct model *m, const struct model_table *t,
                                              int c)
{
    for (size_t i = 0; c >= 0 && (size_t)c < t->ncols && i < m->ninds; i++)
        if (strcmp(m->inds[i].id, t->cols[c].id) == 0)
            return &m->inds[i];
    return NULL;
}

/* The indicator a derived column (<id>_pctl, <id>_lo, <id>_hi, <id>_band)
 * belongs to, or NULL. */
static const struct mdl_ind *derived_indicator(struct model *m, const struct model_table *t,
                                               int c)
{
    static const char *const suffixes[] = { "_pctl", "_lo", "_hi", "_band" };
    for (size_t i = 0; c >= 0 && (size_t)c < t->ncols && i < m->ninds; i++) {
        size_t len = strlen(m->inds[i].id);
        if (strncmp(t->cols[c].id, m->inds[i].id, len) != 0)
            continue;
        for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++)
            if (strcmp(t->cols[c].id + len, suffixes[k]) == 0)
                return &m->inds[i];
    }
    return NULL;
}

/* What each indicator brings to this query's table, worked out once rather
 * than per school: shown (a headline of the key stage), P8's extra columns,
 * a percentile column. */
struct col_plan {
    int shown, extra, pctl;
};

static struct col_plan *plan_columns(struct model *m, const struct mdl_view_ctx *v)
{
    struct col_plan *plan = util_xcalloc(m->ninds ? m->ninds : 1, sizeof *plan);
    for (size_t i = 0; i < m->ninds; i++) {
        plan[i].shown = is_headline(&m->inds[i], v->ks);
        if (!plan[i].shown)
            continue;
        plan[i].extra = extra_cols(m, &m->inds[i]);
        plan[i].pctl = has_pctl(m, v, &m->inds[i]);
    }
    return plan;
}

static int fill_school(struct model *m, struct model_table *t, const struct mdl_view_ctx *v,
                       size_t s, int first, const struct col_plan *plan,
                       struct mdl_fig *figs, struct collab_err *err)
{
    long n;
    const struct mdl_school *sc = &m->schools[s];
    if (mdl_fetch_pupil(m, sc->urn, v->year, v->ks, v->fkey, figs, &n, err) < 0)
        return -1;
    char key[32];
    snprintf(key, sizeof key, "%ld", sc->urn);
    struct model_row *r = mdl_row(t, key, 0);
    mdl_set_text(r, first, sc->name);
    mdl_set_num(r, first + 1, (double)sc->urn);
    context_cells(r, first + 2, mdl_context(m, sc->urn, v->year, v->ks));
    int c = first + 2 + (int)NCONTEXT;
    for (size_t i = 0; i < m->ninds; i++) {
        if (!plan[i].shown)
            continue;
        double nat, sd;
        mdl_national(m, v->year, m->inds[i].id, v->fkey + v->nat_shift, &nat, &sd);
        int fc = c++;
        mdl_cell_figure(&r->cells[fc], &m->inds[i], &figs[i],
                        mdl_sig_against(m, &m->inds[i], v->fkey + v->nat_shift, nat), sd);
        if (plan[i].extra) {
            p8_cells(r, c, &m->inds[i]);
            c += plan[i].extra;
        }
        if (plan[i].pctl)
            pctl_cell(m, r, fc, c++, v->year, &m->inds[i]);
    }
    return 0;
}

/* A school with no pupil data: the DfE's published figures for indicators
 * that map to a DfE measure (all pupils only: a pupil-group filter does not
 * apply, CELL_NA), intake from the census. */
static void fill_dfe_school(struct model *m, struct model_table *t,
                            const struct mdl_view_ctx *v, size_t s, int first,
                            const struct col_plan *plan)
{
    const struct mdl_school *sc = &m->schools[s];
    char key[32];
    double x, y;
    snprintf(key, sizeof key, "%ld", sc->urn);
    struct model_row *r = mdl_row(t, key, 0);
    mdl_set_text(r, first, sc->name);
    mdl_set_num(r, first + 1, (double)sc->urn);
    static const char *const ctx[NCONTEXT] = { "ks4_pupils", "fsm6_pct", "eal_pct", NULL };
    for (size_t i = 0; i < NCONTEXT; i++)
        if (ctx[i] && mdl_dfe_value(m, sc->urn, v->year, ctx[i], &x))
            mdl_set_num(r, first + 2 + (int)i, x);
    if (mdl_dfe_value(m, sc->urn, v->year, "sen_support_pct", &x) &&
        mdl_dfe_value(m, sc->urn, v->year, "sen_ehc_pct", &y))
        mdl_set_num(r, first + 5, x + y);
    int c = first + 2 + (int)NCONTEXT;
    for (size_t i = 0; i < m->ninds; i++) {
        const struct mdl_ind *ind = &m->inds[i];
        if (!plan[i].shown)
            continue;
        const char *dm = mdl_dfe_measure(m, ind);
        int pc = plan[i].pctl, ex = plan[i].extra;
        if (v->fkey != 0)
            r->cells[c].flags = CELL_NA;
        else if (dm && mdl_dfe_value(m, sc->urn, v->year, dm, &x)) {
            mdl_set_num(r, c, x);
            r->cells[c].own_format = 1;
            r->cells[c].decimals = ind->decimals;
            r->cells[c].show_sign = ind->show_sign;
            dfe_sig(m, &r->cells[c], sc->urn, v->year, dm);
            if (pc)
                pctl_cell(m, r, c, c + 1 + ex, v->year, ind);
        }
        if (ex) {
            p8_cells(r, c + 1, ind);
            if (v->fkey == 0)
                dfe_band(m, r, c + 1 + 2, sc->urn, v->year);
        }
        c += 1 + ex + pc;
    }
}

static int first_ranked(struct model *m, const struct model_table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const struct mdl_ind *ind = column_indicator(m, t, (int)c);
        if (ind && ind->polarity != CFG_NEUTRAL)
            return (int)c;
    }
    return -1;
}

int mdl_view_schools(struct model *m, const struct mdl_view_ctx *v,
                     struct model_table *t, struct collab_err *err)
{
    mdl_table_title(t, "Schools: %s, %d, KS%d%s%s", m->group_name, v->year, v->ks,
                    *v->filter_text ? ", " : "", v->filter_text);
    int first = 0;
    if (m->league_tables)
        first = mdl_col(t, "rank", "Rank", MODEL_COL_NUMBER, 0, 0) + 1;
    mdl_col(t, "school", "School", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "urn", "URN", MODEL_COL_NUMBER, 0, 0);
    for (size_t i = 0; i < NCONTEXT; i++)
        mdl_col(t, context_cols[i].id, context_cols[i].label, MODEL_COL_NUMBER,
                context_cols[i].decimals, 0);
    struct col_plan *plan = plan_columns(m, v);
    for (size_t i = 0; i < m->ninds; i++) {
        if (!plan[i].shown)
            continue;
        int c = mdl_col(t, m->inds[i].id, m->inds[i].short_label, MODEL_COL_NUMBER,
                        m->inds[i].decimals, m->inds[i].show_sign);
        t->cols[c].sortable = m->league_tables;
        for (int k = 0; k < plan[i].extra; k++) {
            char id[64];
            snprintf(id, sizeof id, "%s%s", m->inds[i].id, p8_cols[k].suffix);
            mdl_col(t, id, p8_cols[k].label, k < 2 ? MODEL_COL_NUMBER : MODEL_COL_TEXT,
                    m->inds[i].decimals, k < 2 ? m->inds[i].show_sign : 0);
        }
        if (plan[i].pctl) {
            char id[64];
            snprintf(id, sizeof id, "%s_pctl", m->inds[i].id);
            c = mdl_col(t, id, "%ile", MODEL_COL_NUMBER, 0, 0);
            t->cols[c].sortable = m->league_tables;
        }
    }
    int sort = v->q->sort_col;
    if (sort >= (int)t->ncols) {
        free(plan);
        return collab_err_set(err, "no column %d in the schools view", sort);
    }
    const struct mdl_ind *sort_ind = column_indicator(m, t, sort);
    /* Ordering by a percentile or an interval orders by the indicator too. */
    const struct mdl_ind *sort_by = sort_ind ? sort_ind : derived_indicator(m, t, sort);
    if (sort_by && !access_sort(m->group, m->league_tables, sort_by->label, err)) {
        free(plan);
        return mdl_refuse(m, m->group->id, err);
    }
    struct mdl_fig *figs = util_xcalloc(m->ninds ? m->ninds : 1, sizeof *figs);
    struct strbuf absent = STRBUF_INIT, dfe_only = STRBUF_INIT;
    int rc = 0;
    double x;
    for (size_t s = 0; rc == 0 && s < m->nschools; s++) {
        const struct mdl_school *sc = &m->schools[s];
        if (mdl_school_has_pupils(m, sc->urn, v->year, v->ks))
            rc = fill_school(m, t, v, s, first, plan, figs, err);
        else if (!sc->has_pupil_data && v->ks == 4 &&
                 mdl_dfe_value(m, sc->urn, v->year, "ks4_pupils", &x)) {
            fill_dfe_school(m, t, v, s, first, plan);
            sb_addf(&dfe_only, "%s%s", dfe_only.len ? ", " : "", sc->name);
        } else
            sb_addf(&absent, "%s%s", absent.len ? ", " : "", sc->name);
    }
    if (absent.len) {
        struct strbuf pre = STRBUF_INIT;
        sb_addf(&pre, "No KS%d pupils in %d: %s.", v->ks, v->year, sb_str(&absent));
        sb_free(&absent);
        absent = pre;
    }
    if (dfe_only.len)
        sb_addf(&absent, "%sDfE published figures only (no pupil data%s): %s.",
                absent.len ? " " : "", v->fkey ? "; pupil-group filters do not apply, "
                "n/a" : "", sb_str(&dfe_only));
    sb_free(&dfe_only);
    int any_pctl = 0;
    for (size_t i = 0; i < m->ninds; i++)
        any_pctl |= plan[i].shown && plan[i].pctl;
    if (any_pctl)   /* who a percentile ranks against (write_dfe_dist) */
        sb_addf(&absent, "%s%%ile: among England's state-funded mainstream secondaries.",
                absent.len ? " " : "");
    free(figs);
    free(plan);
    if (rc != 0) {
        sb_free(&absent);
        return -1;
    }
    if (v->fkey != 0) {
        /* what the marks compare with, before the schools left out */
        char *what = mdl_comparator_text(m, v);
        struct strbuf note = STRBUF_INIT;
        sb_addf(&note, "%s%s%s", what, absent.len ? " " : "", sb_str(&absent));
        sb_free(&absent);
        absent = note;
        free(what);
    }
    if (absent.len)
        mdl_set_note(t, "%s", sb_str(&absent));
    sb_free(&absent);
    if (v->ks == 4)
        mdl_note_estimates(m, v->year, t);
    if (m->league_tables) {
        int by = sort_ind ? sort : first_ranked(m, t);
        const struct mdl_ind *ind = column_indicator(m, t, by);
        if (by >= 0 && ind)
            rank_rows(t, 0, by, ind->polarity);
    } else {
        struct strbuf note = STRBUF_INIT;
        sb_addf(&note, "League tables are off for this group: schools are listed in a "
                "fixed order, without rank.%s%s", t->note ? " " : "", t->note ? t->note : "");
        free(t->note);
        t->note = sb_detach(&note);
    }
    if (sort >= 0)
        mdl_sort_rows(t, sort, v->q->sort_desc);
    return 0;
}
