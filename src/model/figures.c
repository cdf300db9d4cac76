/* Figures from a group store's aggregates: one primary-key lookup per cell,
 * the figure computed from (n, s1, s2) by the indicator's aggregate kind
 * (config.h), and its significance against the national comparator. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "collab/stats.h"
#include "collab/store.h"
#include "collab/util.h"
#include "model_internal.h"

static double figure_of(enum cfg_aggregate agg, long n, double s1, double s2)
{
    switch (agg) {
    case CFG_AGG_MEAN:    return n > 0 ? s1 / (double)n : NAN;
    case CFG_AGG_PERCENT: return n > 0 ? 100.0 * s1 / (double)n : NAN;
    case CFG_AGG_RATE:    return s2 > 0 ? 100.0 * s1 / s2 : NAN;
    case CFG_AGG_SUM:     return s1;
    case CFG_AGG_COUNT:   return (double)n;
    }
    return NAN;
}

static void read_figs(struct model *m, sqlite3_stmt *st, int result_level,
                      struct mdl_fig *figs)
{
    for (size_t i = 0; i < m->ninds; i++) {
        const struct mdl_ind *ind = &m->inds[i];
        struct mdl_fig *f = &figs[i];
        memset(f, 0, sizeof *f);
        f->value = NAN;
        if ((ind->level == CFG_LEVEL_RESULT) != result_level || ind->col < 0) {
            f->status = FIG_MISSING;
            continue;
        }
        if (sqlite3_column_type(st, ind->col) == SQLITE_NULL) {
            f->status = FIG_SUPPRESSED;
            continue;
        }
        f->n = (long)sqlite3_column_int64(st, ind->col);
        f->s1 = sqlite3_column_double(st, ind->col + 1);
        f->s2 = sqlite3_column_double(st, ind->col + 2);
        f->value = figure_of(ind->agg, f->n, f->s1, f->s2);
        f->status = isnan(f->value) ? FIG_MISSING : FIG_OK;
    }
}

static void all_suppressed(struct model *m, int result_level, struct mdl_fig *figs)
{
    for (size_t i = 0; i < m->ninds; i++) {
        memset(&figs[i], 0, sizeof figs[i]);
        figs[i].value = NAN;
        figs[i].status = (m->inds[i].level == CFG_LEVEL_RESULT) == result_level
                         ? FIG_SUPPRESSED : FIG_MISSING;
    }
}

static int step_agg(struct model *m, sqlite3_stmt *st, int result_level,
                    struct mdl_fig *figs, long *n, struct collab_err *err)
{
    int rc = sqlite3_step(st);
    int found = 0;
    if (rc == SQLITE_ROW) {
        *n = (long)sqlite3_column_int64(st, 4);
        read_figs(m, st, result_level, figs);
        found = 1;
    } else if (rc == SQLITE_DONE) {
        *n = 0;
        all_suppressed(m, result_level, figs);
    } else {
        found = collab_err_set(err, "group store: %s", sqlite3_errmsg(m->db));
    }
    sqlite3_reset(st);
    return found;
}

int mdl_fetch_pupil(struct model *m, long scope, int year, int ks, long fkey,
                    struct mdl_fig *figs, long *n, struct collab_err *err)
{
    sqlite3_stmt *st = m->st_pupil;
    sqlite3_bind_int64(st, 1, scope);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_int(st, 3, ks);
    sqlite3_bind_int64(st, 4, fkey);
    return step_agg(m, st, 0, figs, n, err);
}

int mdl_fetch_subject(struct model *m, long scope, int year, const char *subject,
                      long fkey, struct mdl_fig *figs, long *n, struct collab_err *err)
{
    sqlite3_stmt *st = m->st_subject;
    if (!st) {
        *n = 0;
        all_suppressed(m, 1, figs);
        return 0;
    }
    sqlite3_bind_int64(st, 1, scope);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 3, subject, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, fkey);
    return step_agg(m, st, 1, figs, n, err);
}

int mdl_subject_present(struct model *m, int year, const char *subject)
{
    sqlite3_stmt *st = m->st_subject_any;
    if (!st)
        return 0;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, subject, -1, SQLITE_TRANSIENT);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}

int mdl_national(struct model *m, int year, const char *ind, long fkey,
                 double *value, double *sd)
{
    sqlite3_stmt *st = m->st_national;
    int found = 0;
    *value = NAN;
    *sd = NAN;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, ind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, fkey);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *value = sqlite3_column_double(st, 0);
        if (sqlite3_column_type(st, 1) != SQLITE_NULL)
            *sd = sqlite3_column_double(st, 1);
        found = 1;
    }
    sqlite3_reset(st);
    return found;
}

/* The 95% interval of a figure, on the figure's own scale. */
static int interval(const struct mdl_ind *ind, const struct mdl_fig *fig,
                    double national_sd, double *lo, double *hi)
{
    if (ind->signif == CFG_SIG_NATIONAL_SD && ind->agg == CFG_AGG_MEAN)
        return stats_mean_ci(fig->value, national_sd, fig->n, STATS_Z95, lo, hi);
    if (ind->signif == CFG_SIG_BINOMIAL && ind->agg == CFG_AGG_PERCENT) {
        if (stats_wilson(fig->s1, fig->n, STATS_Z95, lo, hi) != 0)
            return -1;
        *lo *= 100.0;
        *hi *= 100.0;
        return 0;
    }
    *lo = *hi = NAN;
    return -1;
}

int mdl_cell_figure(struct model_cell *cell, const struct mdl_ind *ind,
                    const struct mdl_fig *fig, double national, double national_sd)
{
    cell->own_format = 1;
    cell->decimals = ind->decimals;
    cell->show_sign = ind->show_sign;
    cell->lo = cell->hi = NAN;
    if (fig->status == FIG_SUPPRESSED) {
        cell->flags = CELL_SUPPRESSED;
        return 0;
    }
    if (fig->status == FIG_MISSING) {
        cell->flags = CELL_MISSING;
        return 0;
    }
    cell->flags = 0;
    cell->value = fig->value;
    cell->n = fig->n;
    if (isnan(national))
        return 0;
    double diff = fig->value - national;
    if (ind->polarity != CFG_NEUTRAL && diff != 0) {
        int good = (diff > 0) == (ind->polarity == CFG_HIGHER_BETTER);
        cell->flags |= good ? CELL_BETTER : CELL_WORSE;
    }
    if (interval(ind, fig, national_sd, &cell->lo, &cell->hi) != 0)
        return 0;
    int side = stats_compare(cell->lo, cell->hi, national);
    cell->flags |= side > 0 ? CELL_SIG_ABOVE : side < 0 ? CELL_SIG_BELOW : 0;
    return side;
}

double mdl_fig_var(const struct mdl_ind *ind, const struct mdl_fig *fig)
{
    if (fig->status != FIG_OK)
        return NAN;
    switch (ind->agg) {
    case CFG_AGG_MEAN:    return stats_mean_var(fig->n, fig->s1, fig->s2);
    case CFG_AGG_PERCENT: return 1e4 * stats_prop_var(fig->s1, fig->n);
    case CFG_AGG_RATE:
        return fig->s2 >= 1 && fig->s1 <= fig->s2
               ? 1e4 * stats_prop_var(fig->s1, (long)fig->s2) : NAN;
    case CFG_AGG_SUM:
    case CFG_AGG_COUNT:   return NAN;
    }
    return NAN;
}

int mdl_change(const struct mdl_ind *ind, const struct mdl_fig *a, const struct mdl_fig *b)
{
    double z;
    if (a->status != FIG_OK || b->status != FIG_OK)
        return 0;
    return stats_change_test(a->value, mdl_fig_var(ind, a), b->value, mdl_fig_var(ind, b),
                             STATS_Z95, &z);
}

sqlite3_stmt *mdl_subjects_stmt(struct model *m, struct collab_err *err)
{
    return store_prepare(m->db, "SELECT code, name FROM subject ORDER BY code", err);
}

char *mdl_subject_name(struct model *m, const char *code)
{
    sqlite3_stmt *st = m->st_subject_name;
    char *name = NULL;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        name = util_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    return name;
}

int mdl_school_has_pupils(struct model *m, long urn, int year, int ks)
{
    sqlite3_stmt *st = m->st_context;
    sqlite3_bind_int64(st, 1, urn);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_int(st, 3, ks);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}
