/*
 * Deriving pupil_ks4 and pupil_ks2 for one year: one pass over the year's
 * KS4 pupils joined to their results in pupil order, the arithmetic in C
 * (ks4.c), one prepared upsert per pupil.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "collab/ks4.h"
#include "collab/store.h"
#include "collab/util.h"
#include "import_internal.h"

struct ks4_pass {
    sqlite3 *db;
    struct collab_err *err;
    struct ks4_estimate *est;
    size_t nest;
    sqlite3_stmt *write;
    struct ks4_entry *entries;
    size_t n, cap;
    struct imp_keyset pillars; /* subject code -> enum ks4_pillar */
    char **moved_ids;          /* pupils whose prior_group changes */
    int *moved_groups;         /* -1: NULL */
    size_t nmoved, capmoved;
};

static int load_estimates(struct ks4_pass *p, long year)
{
    sqlite3_stmt *st = store_prepare(p->db,
        "SELECT prior_group, ks2_from, ks2_to, att8, eng, mat, ebacc, open "
        "FROM estimate WHERE year = ? ORDER BY prior_group", p->err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, year);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        p->est = util_xrealloc(p->est, (p->nest + 1) * sizeof *p->est);
        struct ks4_estimate *e = &p->est[p->nest++];
        e->group = sqlite3_column_int(st, 0);
        e->ks2_from = sqlite3_column_double(st, 1);
        e->ks2_to = sqlite3_column_double(st, 2);
        e->att8 = sqlite3_column_double(st, 3);
        e->eng = sqlite3_column_double(st, 4);
        e->mat = sqlite3_column_double(st, 5);
        e->ebacc = sqlite3_column_double(st, 6);
        e->open = sqlite3_column_double(st, 7);
    }
    sqlite3_finalize(st);
    /* A read error is not "no estimates": it would store P8 as missing. */
    if (step != SQLITE_DONE)
        return collab_err_set(p->err, "cannot read estimates: %s", sqlite3_errmsg(p->db));
    return 0;
}

/* The few subjects are read once rather than joined to every result. */
static int load_pillars(struct ks4_pass *p)
{
    sqlite3_stmt *st = store_prepare(p->db, "SELECT code, ebacc_pillar FROM subject",
                                     p->err);
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        enum ks4_pillar pillar = KS4_NONE;
        if (code && name && ks4_pillar_parse(name, &pillar) == 0)
            imp_keyset_put(&p->pillars, code, strlen(code), (long)pillar, NULL);
    }
    sqlite3_finalize(st);
    return 0;
}

static void add_entry(struct ks4_pass *p, const char *grade, const char *subject)
{
    struct ks4_entry e = { KS4_NONE, 0, -1 };
    long pillar;
    if (subject && imp_keyset_get(&p->pillars, subject, strlen(subject), &pillar))
        e.pillar = (enum ks4_pillar)pillar;
    if (ks4_grade_parse(grade, strchr(grade, '-') != NULL, &e.g1, &e.g2) != 0) {
        e.g1 = 0;
        e.g2 = -1;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 32;
        p->entries = util_xrealloc(p->entries, p->cap * sizeof *p->entries);
    }
    p->entries[p->n++] = e;
}

static void bind_est(sqlite3_stmt *st, int idx, int have, double v)
{
    if (have)
        sqlite3_bind_double(st, idx, v);
    else
        sqlite3_bind_null(st, idx);
}

static int write_ks4(struct ks4_pass *p, const char *id, const struct ks4_measures *m)
{
    sqlite3_stmt *st = p->write;
    const double est[] = { m->est_att8, m->est_eng, m->est_mat, m->est_ebacc,
                           m->est_open, m->p8, m->p8_eng, m->p8_mat, m->p8_ebacc,
                           m->p8_open };
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, m->att8);
    sqlite3_bind_double(st, 3, m->att8_eng);
    sqlite3_bind_double(st, 4, m->att8_mat);
    sqlite3_bind_double(st, 5, m->att8_ebacc);
    sqlite3_bind_double(st, 6, m->att8_open);
    for (int i = 0; i < 10; i++)
        bind_est(st, 7 + i, m->has_est, est[i]);
    sqlite3_bind_int(st, 17, m->basics4);
    sqlite3_bind_int(st, 18, m->basics5);
    sqlite3_bind_int(st, 19, m->ebacc_entry);
    sqlite3_bind_double(st, 20, m->ebacc_aps);
    sqlite3_bind_int(st, 21, m->ebacc4);
    sqlite3_bind_int(st, 22, m->ebacc5);
    sqlite3_bind_int(st, 23, m->entries);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return collab_err_set(p->err, "cannot write KS4 measures: %s",
                              sqlite3_errmsg(p->db));
    return 0;
}

/* Compute and write one pupil; note a prior_group that must change. */
static int flush_pupil(struct ks4_pass *p, const char *id, int has_prior,
                       double prior, int old_group)
{
    const struct ks4_estimate *e = has_prior ? ks4_find_group(p->est, p->nest, prior)
                                             : NULL;
    int group = e ? e->group : -1;
    struct ks4_measures m;
    ks4_compute(p->entries, p->n, e, &m);
    p->n = 0;
    if (group != old_group) {
        if (p->nmoved == p->capmoved) {
            p->capmoved = p->capmoved ? p->capmoved * 2 : 64;
            p->moved_ids = util_xrealloc(p->moved_ids, p->capmoved * sizeof *p->moved_ids);
            p->moved_groups = util_xrealloc(p->moved_groups,
                                            p->capmoved * sizeof *p->moved_groups);
        }
        p->moved_ids[p->nmoved] = util_xstrdup(id);
        p->moved_groups[p->nmoved++] = group;
    }
    return write_ks4(p, id, &m);
}

static int scan_ks4(struct ks4_pass *p, long year)
{
    sqlite3_stmt *st = store_prepare(p->db,
        "SELECT p.id, p.prior_score, coalesce(p.prior_group, -1), r.grade, "
        "r.subject FROM pupil p LEFT JOIN result r ON r.pupil = p.id "
        "WHERE p.year = ?1 AND p.key_stage = 4 ORDER BY p.rowid", p->err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, year);
    char *cur = NULL;
    int has_prior = 0, old_group = -1, rc = 0, step;
    double prior = 0;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (!cur || strcmp(cur, id) != 0) {
            if (cur)
                rc = flush_pupil(p, cur, has_prior, prior, old_group);
            free(cur);
            cur = util_xstrdup(id);
            has_prior = sqlite3_column_type(st, 1) != SQLITE_NULL;
            prior = sqlite3_column_double(st, 1);
            old_group = sqlite3_column_int(st, 2);
        }
        if (sqlite3_column_type(st, 3) != SQLITE_NULL)
            add_entry(p, (const char *)sqlite3_column_text(st, 3),
                      (const char *)sqlite3_column_text(st, 4));
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = collab_err_set(p->err, "cannot read pupils: %s", sqlite3_errmsg(p->db));
    if (rc == 0 && cur)
        rc = flush_pupil(p, cur, has_prior, prior, old_group);
    free(cur);
    sqlite3_finalize(st);
    return rc;
}

/* Applied after the scan: changing pupil rows while reading them is undefined. */
static int apply_groups(struct ks4_pass *p)
{
    sqlite3_stmt *st = store_prepare(p->db,
        "UPDATE pupil SET prior_group = ?2 WHERE id = ?1", p->err);
    if (!st)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < p->nmoved && rc == 0; i++) {
        sqlite3_bind_text(st, 1, p->moved_ids[i], -1, SQLITE_STATIC);
        if (p->moved_groups[i] < 0)
            sqlite3_bind_null(st, 2);
        else
            sqlite3_bind_int(st, 2, p->moved_groups[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = collab_err_set(p->err, "cannot write prior groups: %s",
                                sqlite3_errmsg(p->db));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int derive_ks4(sqlite3 *db, long year, struct collab_err *err)
{
    struct ks4_pass p;
    memset(&p, 0, sizeof p);
    p.db = db;
    p.err = err;
    int rc = load_estimates(&p, year);
    if (rc == 0)
        rc = load_pillars(&p);
    if (rc == 0) {
        p.write = store_prepare(db, "INSERT OR REPLACE INTO pupil_ks4 VALUES (?1, ?2, "
            "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
            "?19, ?20, ?21, ?22, ?23)", err);
        rc = p.write ? scan_ks4(&p, year) : -1;
    }
    if (rc == 0)
        rc = apply_groups(&p);
    sqlite3_finalize(p.write);
    for (size_t i = 0; i < p.nmoved; i++)
        free(p.moved_ids[i]);
    free(p.moved_ids);
    free(p.moved_groups);
    free(p.entries);
    free(p.est);
    imp_keyset_free(&p.pillars);
    return rc;
}

static int derive_ks2(sqlite3 *db, long year, struct collab_err *err)
{
    sqlite3_stmt *rd = store_prepare(db, "SELECT id, coalesce(ks2_reading, -1), "
        "coalesce(ks2_maths, -1), ks2_writing FROM pupil "
        "WHERE year = ? AND key_stage = 2", err);
    sqlite3_stmt *wr = rd ? store_prepare(db, "INSERT OR REPLACE INTO pupil_ks2(pupil, "
        "rwm_expected, rwm_higher, reading_expected, maths_expected, writing_expected, "
        "avg_scaled) VALUES (?, ?, ?, ?, ?, ?, ?)", err) : NULL;
    int rc = wr ? 0 : -1, step = SQLITE_DONE;
    if (rd)
        sqlite3_bind_int64(rd, 1, year);
    while (rc == 0 && (step = sqlite3_step(rd)) == SQLITE_ROW) {
        enum ks2_writing w = KS2_W_NONE;
        const char *wt = (const char *)sqlite3_column_text(rd, 3);
        if (wt)
            ks2_writing_parse(wt, &w);
        struct ks2_measures m;
        ks2_compute(sqlite3_column_int(rd, 1), sqlite3_column_int(rd, 2), w, &m);
        sqlite3_bind_value(wr, 1, sqlite3_column_value(rd, 0));
        sqlite3_bind_int(wr, 2, m.rwm_expected);
        sqlite3_bind_int(wr, 3, m.rwm_higher);
        sqlite3_bind_int(wr, 4, m.reading_expected);
        sqlite3_bind_int(wr, 5, m.maths_expected);
        sqlite3_bind_int(wr, 6, m.writing_expected);
        if (m.has_avg)
            sqlite3_bind_double(wr, 7, m.avg_scaled);
        else
            sqlite3_bind_null(wr, 7);
        if (sqlite3_step(wr) != SQLITE_DONE)
            rc = collab_err_set(err, "cannot write KS2 measures: %s", sqlite3_errmsg(db));
        sqlite3_reset(wr);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = collab_err_set(err, "cannot read pupils: %s", sqlite3_errmsg(db));
    sqlite3_finalize(rd);
    sqlite3_finalize(wr);
    return rc;
}

/* Measures of pupils that are no longer of that key stage go. */
static int drop_stale(sqlite3 *db, long year, struct collab_err *err)
{
    static const char *const sql[] = {
        "DELETE FROM pupil_ks4 WHERE pupil IN "
        "(SELECT id FROM pupil WHERE year = ?1 AND key_stage <> 4)",
        "DELETE FROM pupil_ks2 WHERE pupil IN "
        "(SELECT id FROM pupil WHERE year = ?1 AND key_stage <> 2)",
        "UPDATE pupil SET prior_group = NULL "
        "WHERE year = ?1 AND key_stage <> 4 AND prior_group IS NOT NULL",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st = store_prepare(db, sql[i], err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, year);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return collab_err_set(err, "cannot update measures: %s", sqlite3_errmsg(db));
    }
    return 0;
}

int imp_measures_year(sqlite3 *db, long year, struct collab_err *err)
{
    if (drop_stale(db, year, err) != 0 || derive_ks4(db, year, err) != 0)
        return -1;
    return derive_ks2(db, year, err);
}

int imp_recompute_all(sqlite3 *db, struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(db, "SELECT DISTINCT year FROM pupil", err);
    if (!st)
        return -1;
    long years[IMP_YEAR_MAX - IMP_YEAR_MIN + 1];
    size_t n = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && n < sizeof years / sizeof years[0])
        years[n++] = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return collab_err_set(err, "cannot read years: %s", sqlite3_errmsg(db));
    for (size_t i = 0; i < n; i++)
        if (imp_measures_year(db, years[i], err) != 0)
            return -1;
    return 0;
}
