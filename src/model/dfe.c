/* The DfE's published school-level figures in a group store: a school's own
 * figure for a measure, and where a figure sits in the national distribution
 * of schools (dfe_dist, written by publish; docs/FORMATS.md). A store
 * published before dfe_dist existed, or without DfE files, has no
 * distribution: every rank is then NAN and views leave percentiles out. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "collab/stats.h"
#include "collab/store.h"
#include "model_internal.h"

int mdl_dfe_prepare(struct model *m, struct collab_err *err)
{
    m->st_dfe = mdl_prepare(m, "SELECT value, marker FROM dfe_school WHERE urn = ?1 AND "
                            "year = ?2 AND measure = ?3", err);
    if (!m->st_dfe)
        return -1;
    sqlite3_stmt *probe = NULL;
    if (sqlite3_prepare_v2(m->db, "SELECT 1 FROM dfe_dist LIMIT 1", -1, &probe,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(probe);
        if (sqlite3_errcode(m->db) != SQLITE_ERROR)     /* not "no such table" */
            return collab_err_set(err, "%s", sqlite3_errmsg(m->db));
        return 0;       /* published before dfe_dist: no percentiles */
    }
    sqlite3_finalize(probe);
    /* cum is the running count in value order, so the largest cum below a
     * value is the cum of the nearest value below it: each part is one
     * primary-key seek, not an aggregate over every value (a percentile is
     * asked per school per indicator). */
    m->st_dist = mdl_prepare(m,
        "SELECT coalesce((SELECT cum FROM dfe_dist WHERE year = ?1 AND measure = ?2"
        "  AND value < ?3 ORDER BY value DESC LIMIT 1), 0),"
        " coalesce((SELECT n FROM dfe_dist WHERE year = ?1 AND measure = ?2"
        "  AND value = ?3), 0),"
        " (SELECT cum FROM dfe_dist WHERE year = ?1 AND measure = ?2"
        "  ORDER BY value DESC LIMIT 1)", err);
    return m->st_dist ? 0 : -1;
}

/* A DfE cell: 1 with *value for a number, 2 with the marker in buf (SUPP,
 * NE ...) for a withheld figure, 0 when there is no cell. */
static int dfe_cell(struct model *m, long urn, int year, const char *measure,
                    double *value, char *buf, size_t size)
{
    sqlite3_stmt *st = m->st_dfe;
    int found = 0;
    *value = NAN;
    if (buf && size)
        buf[0] = '\0';
    if (!st || !measure)
        return 0;
    sqlite3_bind_int64(st, 1, urn);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 3, measure, -1, SQLITE_STATIC);
    if (mdl_step(m, st) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
            *value = sqlite3_column_double(st, 0);
            found = 1;
        } else if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            if (buf && size)
                snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 1));
            found = 2;
        }
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);   /* the text was bound SQLITE_STATIC */
    return found;
}

int mdl_dfe_value(struct model *m, long urn, int year, const char *measure, double *value)
{
    return dfe_cell(m, urn, year, measure, value, NULL, 0) == 1;
}

int mdl_dfe_marker(struct model *m, long urn, int year, const char *measure, char *buf,
                   size_t size)
{
    double v;
    return dfe_cell(m, urn, year, measure, &v, buf, size) == 2;
}

double mdl_percentile(struct model *m, int year, const char *measure, double value)
{
    sqlite3_stmt *st = m->st_dist;
    double p = NAN;
    if (!st || !measure || isnan(value))
        return NAN;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, measure, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 3, value);
    if (mdl_step(m, st) == SQLITE_ROW && sqlite3_column_type(st, 2) != SQLITE_NULL)
        p = stats_percentile_counts((long)sqlite3_column_int64(st, 0),
                                    (long)sqlite3_column_int64(st, 1),
                                    (long)sqlite3_column_int64(st, 2));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);   /* the text was bound SQLITE_STATIC */
    return p;
}

const char *mdl_dfe_measure(const struct model *m, const struct mdl_ind *ind)
{
    const struct cfg_indicator *ci = cfg_indicator(m->cfg, ind->id);
    return ci ? ci->dfe_measure : NULL;
}

int mdl_is_p8(const struct model *m, const struct mdl_ind *ind)
{
    const char *dm = mdl_dfe_measure(m, ind);
    return strcmp(ind->id, "p8") == 0 || (dm && strcmp(dm, "p8") == 0);
}

int mdl_p8_benchmarked(const struct model *m, const struct mdl_ind *ind, long nat_fkey)
{
    return mdl_is_p8(m, ind) && nat_fkey == 0;
}

double mdl_sig_against(const struct model *m, const struct mdl_ind *ind, long nat_fkey,
                       double nat)
{
    return mdl_p8_benchmarked(m, ind, nat_fkey) ? STATS_P8_BENCHMARK : nat;
}

/* What a school's DfE figure is per: combining schools weights each figure
 * by it (P8 by the pupils it covers, absence by pupils on roll, the rest by
 * the KS4 cohort), which gives the group's own figure for a mean or a
 * percentage of KS4 pupils. */
static const struct { const char *measure, *weight; } dfe_weights[] = {
    { "p8", "p8_pupils" },
    { "absence_pct", "pupils" },
    { "persistent_absence_pct", "pupils" },
};

static const char *weight_of(const char *measure)
{
    for (size_t i = 0; i < sizeof dfe_weights / sizeof dfe_weights[0]; i++)
        if (strcmp(measure, dfe_weights[i].measure) == 0)
            return dfe_weights[i].weight;
    return "ks4_pupils";
}

int mdl_dfe_only_group(struct model *m, int year, int ks)
{
    int dfe = 0;
    double x;
    for (size_t s = 0; s < m->nschools; s++) {
        if (mdl_school_has_pupils(m, m->schools[s].urn, year, ks))
            return 0;
        if (!m->schools[s].has_pupil_data && ks == 4 &&
            mdl_dfe_value(m, m->schools[s].urn, year, "ks4_pupils", &x))
            dfe = 1;
    }
    return dfe;
}

void mdl_dfe_group_fig(struct model *m, int year, const struct mdl_ind *ind,
                       struct mdl_fig *fig)
{
    const char *dm = mdl_dfe_measure(m, ind);
    double sw = 0, swx = 0, x, w;
    memset(fig, 0, sizeof *fig);
    fig->status = FIG_MISSING;
    fig->value = NAN;
    for (size_t s = 0; dm && s < m->nschools; s++) {
        long urn = m->schools[s].urn;
        if (m->schools[s].has_pupil_data || !mdl_dfe_value(m, urn, year, dm, &x) ||
            !mdl_dfe_value(m, urn, year, weight_of(dm), &w) || w <= 0)
            continue;
        sw += w;
        swx += w * x;
    }
    if (sw <= 0)
        return;
    fig->status = FIG_OK;
    fig->value = swx / sw;
    fig->n = (long)sw;
    /* Accumulators as the figure's kind expects them; a mean's sum of
     * squares is unknown, so its variance (and a change test) is NAN. */
    fig->s1 = ind->agg == CFG_AGG_MEAN ? swx : fig->value / 100.0 * sw;
    fig->s2 = ind->agg == CFG_AGG_RATE ? sw : NAN;
    fig->v = NAN;
}

int mdl_dfe_national(struct model *m, int year, const char *measure, double *value)
{
    return measure && (mdl_dfe_value(m, 0, year, measure, value) ||
                       mdl_dfe_value(m, -3, year, measure, value));
}

/* "Parliament Hill School: Progress 8 +0.77 (DfE, 168 pupils) is significantly
 * above national (-0.03): published interval +0.58 to +0.96", and the
 * lowest / highest 20% of schools nationally, for members known only by
 * their DfE figures. */
void mdl_dfe_findings(struct model *m, int year, int ks, struct model_table *t)
{
    for (size_t s = 0; s < m->nschools; s++) {
        const struct mdl_school *sc = &m->schools[s];
        if (sc->has_pupil_data)
            continue;
        for (size_t i = 0; i < m->ninds; i++) {
            const struct mdl_ind *ind = &m->inds[i];
            const char *dm = mdl_dfe_measure(m, ind);
            double x, lo, hi;
            char val[32], a[32], b[32];
            if (!dm || !ind->headline || ind->key_stage != ks ||
                !mdl_dfe_value(m, sc->urn, year, dm, &x))
                continue;
            mdl_format_value(ind, x, val, sizeof val);
            /* against 0, as the DfE bands it, so the finding agrees with the band */
            int side = 0;
            if (mdl_is_p8(m, ind) && mdl_dfe_value(m, sc->urn, year, "p8_cilow", &lo) &&
                mdl_dfe_value(m, sc->urn, year, "p8_ciupp", &hi))
                side = stats_compare(lo, hi, STATS_P8_BENCHMARK);
            if (side != 0) {
                mdl_format_value(ind, lo, a, sizeof a);
                mdl_format_value(ind, hi, b, sizeof b);
                mdl_add_finding(t, "%s: %s %s (DfE) is significantly %s average (0, as the "
                                "DfE bands it): published interval %s to %s", sc->name,
                                ind->label, val, side > 0 ? "above" : "below", a, b);
            }
            double p = mdl_percentile(m, year, dm, x);
            const char *q = stats_quintile_words(p);
            if (q)
                mdl_add_finding(t, "%s: %s %s (DfE) is in the %s of schools nationally "
                                "(percentile %.0f)", sc->name, ind->label, val, q, p);
        }
    }
}
