/* Figures from a group store's aggregates: one primary-key lookup per cell,
 * the figure computed from (n, s1, s2) by the indicator's aggregate kind
 * (config.h), and its significance against the national comparator. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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
        f->v = ind->col_v >= 0 && sqlite3_column_type(st, ind->col_v) != SQLITE_NULL
               ? sqlite3_column_double(st, ind->col_v) : NAN;
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
    sqlite3_bind_text(st, 3, subject, -1, SQLITE_STATIC);   /* lives past the step */
    sqlite3_bind_int64(st, 4, fkey);
    return step_agg(m, st, 1, figs, n, err);
}

int mdl_subject_present(struct model *m, int year, const char *subject)
{
    sqlite3_stmt *st = m->st_subject_any;
    if (!st)
        return 0;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
    int found = mdl_step(m, st) == SQLITE_ROW;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);   /* the text was bound SQLITE_STATIC */
    return found;
}

/* National figures depend on year, indicator and filter only, yet views
 * ask for them per school and per row: each (year, fkey) seen recently has a
 * slot remembering what the store said for each indicator. */
#define NAT_SLOTS 16

enum { NAT_UNKNOWN, NAT_ABSENT, NAT_FOUND };

struct mdl_nat_slot {
    int year;
    long fkey;
    unsigned long used;         /* m->nat_clock when last hit; 0 never */
    unsigned char *state;       /* per indicator: NAT_* */
    double *value, *sd;
};

static int nat_lookup(struct model *m, int year, const char *ind, long fkey,
                      double *value, double *sd)
{
    sqlite3_stmt *st = m->st_national;
    int found = 0;
    *value = NAN;
    *sd = NAN;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, ind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, fkey);
    if (mdl_step(m, st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *value = sqlite3_column_double(st, 0);
        if (sqlite3_column_type(st, 1) != SQLITE_NULL)
            *sd = sqlite3_column_double(st, 1);
        found = 1;
    }
    sqlite3_reset(st);
    return found;
}

static long ind_index(const struct model *m, const char *id)
{
    for (size_t i = 0; i < m->ninds; i++)
        if (m->inds[i].id == id)
            return (long)i;
    for (size_t i = 0; i < m->ninds; i++)
        if (strcmp(m->inds[i].id, id) == 0)
            return (long)i;
    return -1;
}

static struct mdl_nat_slot *nat_slot(struct model *m, int year, long fkey)
{
    if (!m->nat)
        m->nat = util_xcalloc(NAT_SLOTS, sizeof *m->nat);
    struct mdl_nat_slot *victim = &m->nat[0];
    m->nat_clock++;
    for (int i = 0; i < NAT_SLOTS; i++) {
        struct mdl_nat_slot *s = &m->nat[i];
        if (s->state && s->year == year && s->fkey == fkey) {
            s->used = m->nat_clock;
            return s;
        }
        if (s->used < victim->used)
            victim = s;     /* never used (0) first, else least recently */
    }
    size_t n = m->ninds ? m->ninds : 1;
    if (!victim->state) {
        victim->state = util_xmalloc(n);
        victim->value = util_xmalloc(n * sizeof *victim->value);
        victim->sd = util_xmalloc(n * sizeof *victim->sd);
    }
    memset(victim->state, NAT_UNKNOWN, n);
    victim->year = year;
    victim->fkey = fkey;
    victim->used = m->nat_clock;
    return victim;
}

static int national_of(struct model *m, int year, const char *ind, long fkey,
                       double *value, double *sd)
{
    long i = ind_index(m, ind);
    if (i < 0)
        return nat_lookup(m, year, ind, fkey, value, sd);
    struct mdl_nat_slot *s = nat_slot(m, year, fkey);
    if (s->state[i] == NAT_UNKNOWN)
        s->state[i] = nat_lookup(m, year, ind, fkey, &s->value[i], &s->sd[i])
                      ? NAT_FOUND : NAT_ABSENT;
    *value = s->value[i];
    *sd = s->sd[i];
    return s->state[i] == NAT_FOUND;
}

int mdl_national(struct model *m, int year, const char *ind, long fkey,
                 double *value, double *sd)
{
    int found = national_of(m, year, ind, fkey, value, sd);
    /* The DfE forms a pupil group's Progress 8 interval with the year's SD
     * of all pupils nationally (docs/REPORT.md: its published intervals
     * for disadvantaged, EAL, prior bands ... imply it), so a group
     * without an SD of its own takes that one, with or without a
     * national figure of its own. */
    if (isnan(*sd) && fkey != 0) {
        double all;
        national_of(m, year, ind, 0, &all, sd);
    }
    return found;
}

int mdl_is_headline(const struct mdl_ind *ind, int ks)
{
    return ind->headline && ind->key_stage == ks && ind->level != CFG_LEVEL_RESULT;
}

/* The 95% interval of a figure, on the figure's own scale. */
static int interval(const struct mdl_ind *ind, const struct mdl_fig *fig,
                    double national_sd, double *lo, double *hi)
{
    if (ind->signif == CFG_SIG_NATIONAL_SD && ind->agg == CFG_AGG_MEAN)
        return stats_mean_ci(fig->value, national_sd, fig->n, STATS_Z95, lo, hi);
    if (ind->signif == CFG_SIG_PUPIL_SD && ind->agg == CFG_AGG_MEAN && fig->n >= 2)
        return stats_mean_ci(fig->value, sqrt(stats_mean_var(fig->n, fig->s1, fig->s2) *
                                              (double)fig->n), fig->n, STATS_Z95, lo, hi);
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
    /* the interval needs no comparator: it is shown where none exists */
    int has_interval = interval(ind, fig, national_sd, &cell->lo, &cell->hi) == 0;
    if (isnan(national))
        return 0;
    double diff = fig->value - national;
    if (ind->polarity != CFG_NEUTRAL && diff != 0) {
        int good = (diff > 0) == (ind->polarity == CFG_HIGHER_BETTER);
        cell->flags |= good ? CELL_BETTER : CELL_WORSE;
    }
    if (!has_interval)
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
        /* pupils are the unit, not sessions (publish's rate_variance) */
        return fig->n >= 2 && fig->v >= 0 ? fig->v : NAN;
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
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (mdl_step(m, st) == SQLITE_ROW)
        name = util_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);   /* the text was bound SQLITE_STATIC */
    return name;
}

/* Every school_context row, in primary-key order: one pass over a table of
 * schools x years, instead of a lookup per school per view. */
static void load_context(struct model *m)
{
    sqlite3_stmt *st = m->st_context_all;
    size_t cap = 0;
    m->ctx_loaded = 1;
    while (st && mdl_step(m, st) == SQLITE_ROW) {
        if (m->nctx == cap) {
            cap = cap ? 2 * cap : 256;
            m->ctx = util_xrealloc(m->ctx, cap * sizeof *m->ctx);
        }
        struct mdl_context *c = &m->ctx[m->nctx++];
        c->urn = (long)sqlite3_column_int64(st, 0);
        c->year = sqlite3_column_int(st, 1);
        c->ks = sqlite3_column_int(st, 2);
        c->nulls = 0;
        for (int i = 0; i < 5; i++) {
            c->v[i] = sqlite3_column_double(st, 3 + i);
            if (sqlite3_column_type(st, 3 + i) == SQLITE_NULL)
                c->nulls |= 1u << i;
        }
    }
    if (st)
        sqlite3_reset(st);
}

static int context_cmp(const struct mdl_context *c, long urn, int year, int ks)
{
    if (c->urn != urn)
        return c->urn < urn ? -1 : 1;
    if (c->year != year)
        return c->year < year ? -1 : 1;
    return c->ks < ks ? -1 : c->ks > ks;
}

const struct mdl_context *mdl_context(struct model *m, long urn, int year, int ks)
{
    if (!m->ctx_loaded)
        load_context(m);
    size_t lo = 0, hi = m->nctx;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = context_cmp(&m->ctx[mid], urn, year, ks);
        if (c == 0)
            return &m->ctx[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int mdl_school_has_pupils(struct model *m, long urn, int year, int ks)
{
    return mdl_context(m, urn, year, ks) != NULL;
}

void mdl_forget(struct model *m)
{
    for (int i = 0; m->nat && i < NAT_SLOTS; i++) {
        free(m->nat[i].state);
        free(m->nat[i].value);
        free(m->nat[i].sd);
    }
    free(m->nat);
    m->nat = NULL;
    free(m->ctx);
    m->ctx = NULL;
    m->nctx = 0;
    m->ctx_loaded = 0;
}
