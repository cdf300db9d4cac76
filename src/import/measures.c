/*
 * Deriving pupil_ks4 and pupil_ks2 for one year: one pass over the year's
 * KS4 pupils joined to their results in pupil order, the arithmetic in C
 * (ks4.c), one prepared upsert per pupil. The writer (imp_ks4) is shared
 * with the results importer, which works out the measures of pupils new to
 * results from the rows as they stream in rather than reading them back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "collab/ks4.h"
#include "collab/store.h"
#include "collab/util.h"
#include "import_internal.h"

/* The estimates of one year, read when first needed. */
struct est_year {
    long year;
    struct ks4_estimate *est;
    size_t n;
};

/* Pupils' measures written by one statement, as the results are. */
#define KS4_BATCH 32
#define KS4_PARAMS 23

struct imp_ks4 {
    sqlite3 *db;
    struct collab_err *err;
    sqlite3_stmt *write;       /* pupil_ks4, one row */
    sqlite3_stmt *write_many;  /* KS4_BATCH rows */
    struct strbuf ids;         /* the pending rows' ids, NUL after each */
    size_t id_off[KS4_BATCH];
    struct ks4_measures pending[KS4_BATCH];
    size_t npending;
    sqlite3_stmt *set_group;   /* pupil.prior_group, by rowid */
    sqlite3_stmt *one;         /* one pupil and its results, by id */
    struct est_year *years;
    size_t nyears;
    struct imp_keyset pillars; /* subject code -> enum ks4_pillar */
    struct ks4_entry *entries; /* one pupil's, read back from the store */
    size_t n, cap;
    /* Group changes noted during a scan of pupil, applied after it:
     * changing rows while reading them is undefined. */
    sqlite3_int64 *moved_rowids;
    int *moved_groups;         /* -1: NULL */
    size_t nmoved, capmoved;
};

static int load_estimates(struct imp_ks4 *k, struct est_year *y)
{
    sqlite3_stmt *st = store_prepare(k->db,
        "SELECT prior_group, ks2_from, ks2_to, att8, eng, mat, ebacc, open "
        "FROM estimate WHERE year = ? ORDER BY prior_group", k->err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, y->year);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        y->est = util_xrealloc(y->est, (y->n + 1) * sizeof *y->est);
        struct ks4_estimate *e = &y->est[y->n++];
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
        return collab_err_set(k->err, "cannot read estimates: %s", sqlite3_errmsg(k->db));
    return 0;
}

/* The few subjects are read once rather than joined to every result. */
static int load_pillars(struct imp_ks4 *k)
{
    sqlite3_stmt *st = store_prepare(k->db, "SELECT code, ebacc_pillar FROM subject",
                                     k->err);
    if (!st)
        return -1;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        enum ks4_pillar pillar = KS4_NONE;
        if (code && name && ks4_pillar_parse(name, &pillar) == 0)
            imp_keyset_put(&k->pillars, code, strlen(code), (long)pillar, NULL);
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return collab_err_set(k->err, "cannot read subjects: %s", sqlite3_errmsg(k->db));
    return 0;
}

struct imp_ks4 *imp_ks4_new(sqlite3 *db, struct collab_err *err)
{
    struct imp_ks4 *k = util_xcalloc(1, sizeof *k);
    struct strbuf sql = STRBUF_INIT;
    k->db = db;
    k->err = err;
    sb_add(&sql, "INSERT OR REPLACE INTO pupil_ks4 VALUES ");
    for (int i = 0; i < KS4_BATCH; i++) {
        sb_add(&sql, i ? ", (?" : "(?");
        for (int j = 1; j < KS4_PARAMS; j++)
            sb_add(&sql, ", ?");
        sb_addc(&sql, ')');
        if (i == 0)
            k->write = store_prepare(db, sb_str(&sql), err);
    }
    if (k->write)
        k->write_many = store_prepare(db, sb_str(&sql), err);
    sb_free(&sql);
    if (k->write_many)
        k->set_group = store_prepare(db, "UPDATE pupil SET prior_group = ?2 "
                                     "WHERE rowid = ?1", err);
    if (!k->set_group || load_pillars(k) != 0) {
        imp_ks4_free(k);
        return NULL;
    }
    return k;
}

void imp_ks4_free(struct imp_ks4 *k)
{
    if (!k)
        return;
    sqlite3_finalize(k->write);
    sqlite3_finalize(k->write_many);
    sb_free(&k->ids);
    sqlite3_finalize(k->set_group);
    sqlite3_finalize(k->one);
    for (size_t i = 0; i < k->nyears; i++)
        free(k->years[i].est);
    free(k->years);
    imp_keyset_free(&k->pillars);
    free(k->entries);
    free(k->moved_rowids);
    free(k->moved_groups);
    free(k);
}

enum ks4_pillar imp_ks4_pillar(const struct imp_ks4 *k, const char *code)
{
    long pillar;
    if (code && imp_keyset_get(&k->pillars, code, strlen(code), &pillar))
        return (enum ks4_pillar)pillar;
    return KS4_NONE;
}

static struct est_year *estimates(struct imp_ks4 *k, long year)
{
    for (size_t i = 0; i < k->nyears; i++)
        if (k->years[i].year == year)
            return &k->years[i];
    k->years = util_xrealloc(k->years, (k->nyears + 1) * sizeof *k->years);
    struct est_year *y = &k->years[k->nyears++];
    memset(y, 0, sizeof *y);
    y->year = year;
    if (load_estimates(k, y) != 0) {
        k->nyears--;
        free(y->est);
        return NULL;
    }
    return y;
}

int imp_ks4_group(struct imp_ks4 *k, long year, int has_prior, double prior, int *group)
{
    struct est_year *y = estimates(k, year);
    if (!y)
        return -1;
    const struct ks4_estimate *e = has_prior ? ks4_find_group(y->est, y->n, prior) : NULL;
    *group = e ? e->group : -1;
    return 0;
}

static void bind_est(sqlite3_stmt *st, int idx, int have, double v)
{
    if (have)
        sqlite3_bind_double(st, idx, v);
    else
        sqlite3_bind_null(st, idx);
}

/* Bind one pupil's KS4_PARAMS values from parameter base on. */
static void bind_measures(sqlite3_stmt *st, int base, const char *id,
                          const struct ks4_measures *m)
{
    const double est[] = { m->est_att8, m->est_eng, m->est_mat, m->est_ebacc,
                           m->est_open, m->p8, m->p8_eng, m->p8_mat, m->p8_ebacc,
                           m->p8_open };
    sqlite3_bind_text(st, base, id, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, base + 1, m->att8);
    sqlite3_bind_double(st, base + 2, m->att8_eng);
    sqlite3_bind_double(st, base + 3, m->att8_mat);
    sqlite3_bind_double(st, base + 4, m->att8_ebacc);
    sqlite3_bind_double(st, base + 5, m->att8_open);
    for (int i = 0; i < 10; i++)
        bind_est(st, base + 6 + i, m->has_est, est[i]);
    sqlite3_bind_int(st, base + 16, m->basics4);
    sqlite3_bind_int(st, base + 17, m->basics5);
    sqlite3_bind_int(st, base + 18, m->ebacc_entry);
    sqlite3_bind_double(st, base + 19, m->ebacc_aps);
    sqlite3_bind_int(st, base + 20, m->ebacc4);
    sqlite3_bind_int(st, base + 21, m->ebacc5);
    sqlite3_bind_int(st, base + 22, m->entries);
}

static int step_write(struct imp_ks4 *k, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return collab_err_set(k->err, "cannot write KS4 measures: %s",
                              sqlite3_errmsg(k->db));
    return 0;
}

int imp_ks4_flush(struct imp_ks4 *k)
{
    int rc = 0;
    if (k->npending == KS4_BATCH) {
        for (size_t i = 0; i < KS4_BATCH; i++)
            bind_measures(k->write_many, 1 + KS4_PARAMS * (int)i,
                          k->ids.buf + k->id_off[i], &k->pending[i]);
        rc = step_write(k, k->write_many);
    } else {
        for (size_t i = 0; i < k->npending && rc == 0; i++) {
            bind_measures(k->write, 1, k->ids.buf + k->id_off[i], &k->pending[i]);
            rc = step_write(k, k->write);
        }
    }
    k->npending = 0;
    sb_reset(&k->ids);
    return rc;
}

static int write_ks4(struct imp_ks4 *k, const char *id, const struct ks4_measures *m)
{
    k->id_off[k->npending] = k->ids.len;
    sb_addn(&k->ids, id, strlen(id) + 1);
    k->pending[k->npending++] = *m;
    return k->npending == KS4_BATCH ? imp_ks4_flush(k) : 0;
}

static int set_group(struct imp_ks4 *k, sqlite3_int64 rowid, int group)
{
    sqlite3_stmt *st = k->set_group;
    sqlite3_bind_int64(st, 1, rowid);
    if (group < 0)
        sqlite3_bind_null(st, 2);
    else
        sqlite3_bind_int(st, 2, group);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return collab_err_set(k->err, "cannot write prior groups: %s",
                              sqlite3_errmsg(k->db));
    return 0;
}

static void note_group(struct imp_ks4 *k, sqlite3_int64 rowid, int group)
{
    if (k->nmoved == k->capmoved) {
        k->capmoved = k->capmoved ? k->capmoved * 2 : 64;
        k->moved_rowids = util_xrealloc(k->moved_rowids,
                                        k->capmoved * sizeof *k->moved_rowids);
        k->moved_groups = util_xrealloc(k->moved_groups,
                                        k->capmoved * sizeof *k->moved_groups);
    }
    k->moved_rowids[k->nmoved] = rowid;
    k->moved_groups[k->nmoved++] = group;
}

int imp_ks4_write(struct imp_ks4 *k, const struct imp_ks4_pupil *p,
                  const struct ks4_entry *e, size_t n, int defer)
{
    struct est_year *y = estimates(k, p->year);
    if (!y)
        return -1;
    const struct ks4_estimate *est = p->has_prior ? ks4_find_group(y->est, y->n, p->prior)
                                                  : NULL;
    int group = est ? est->group : -1;
    struct ks4_measures m;
    ks4_compute(e, n, est, &m);
    if (group != p->old_group) {
        if (defer)
            note_group(k, p->rowid, group);
        else if (set_group(k, p->rowid, group) != 0)
            return -1;
    }
    return write_ks4(k, p->id, &m);
}

int imp_ks4_apply_groups(struct imp_ks4 *k)
{
    int rc = 0;
    for (size_t i = 0; i < k->nmoved && rc == 0; i++)
        rc = set_group(k, k->moved_rowids[i], k->moved_groups[i]);
    k->nmoved = 0;
    return rc;
}

static void add_entry(struct imp_ks4 *k, const char *grade, const char *subject)
{
    struct ks4_entry e = { imp_ks4_pillar(k, subject), 0, -1 };
    if (ks4_grade_parse(grade, strchr(grade, '-') != NULL, &e.g1, &e.g2) != 0) {
        e.g1 = 0;
        e.g2 = -1;
    }
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 32;
        k->entries = util_xrealloc(k->entries, k->cap * sizeof *k->entries);
    }
    k->entries[k->n++] = e;
}

/* Read rows of (id, rowid, year, prior_score, prior group or -1, grade,
 * subject), a pupil's rows together, and write each pupil's measures. */
static int read_pupils(struct imp_ks4 *k, sqlite3_stmt *st, int defer)
{
    char *cur = NULL;
    struct imp_ks4_pupil p;
    int rc = 0, step = SQLITE_DONE;
    memset(&p, 0, sizeof p);
    k->n = 0;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (!cur || strcmp(cur, id) != 0) {
            if (cur)
                rc = imp_ks4_write(k, &p, k->entries, k->n, defer);
            k->n = 0;
            free(cur);
            p.id = cur = util_xstrdup(id);
            p.rowid = sqlite3_column_int64(st, 1);
            p.year = sqlite3_column_int(st, 2);
            p.has_prior = sqlite3_column_type(st, 3) != SQLITE_NULL;
            p.prior = sqlite3_column_double(st, 3);
            p.old_group = sqlite3_column_int(st, 4);
        }
        if (sqlite3_column_type(st, 5) != SQLITE_NULL)
            add_entry(k, (const char *)sqlite3_column_text(st, 5),
                      (const char *)sqlite3_column_text(st, 6));
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = collab_err_set(k->err, "cannot read pupils: %s", sqlite3_errmsg(k->db));
    sqlite3_reset(st);
    if (rc == 0 && cur)
        rc = imp_ks4_write(k, &p, k->entries, k->n, defer);
    free(cur);
    return rc;
}

#define PUPIL_COLS "SELECT p.id, p.rowid, p.year, p.prior_score, " \
    "coalesce(p.prior_group, -1), r.grade, r.subject FROM pupil p " \
    "LEFT JOIN result r ON r.pupil = p.id "

int imp_ks4_redo(struct imp_ks4 *k, const char *id, size_t len)
{
    if (!k->one && !(k->one = store_prepare(k->db, PUPIL_COLS
                     "WHERE p.id = ?1 AND p.key_stage = 4", k->err)))
        return -1;
    sqlite3_bind_text(k->one, 1, id, (int)len, SQLITE_STATIC);
    return read_pupils(k, k->one, 0);
}

/* Every KS4 pupil of the year in one ordered pass over pupils and results. */
static int derive_ks4(sqlite3 *db, long year, struct collab_err *err)
{
    struct imp_ks4 *k = imp_ks4_new(db, err);
    if (!k)
        return -1;
    sqlite3_stmt *st = store_prepare(db, PUPIL_COLS
        "WHERE p.year = ?1 AND p.key_stage = 4 ORDER BY p.rowid", err);
    int rc = st ? 0 : -1;
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, year);
        rc = read_pupils(k, st, 1);
    }
    sqlite3_finalize(st);
    if (rc == 0)
        rc = imp_ks4_flush(k);
    if (rc == 0)
        rc = imp_ks4_apply_groups(k);
    imp_ks4_free(k);
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

int imp_years_without_estimates(sqlite3 *db, void (*fn)(void *arg, int year, long pupils),
                                void *arg, struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(db,
        "SELECT p.year, count(*) FROM pupil p WHERE p.key_stage = 4 AND NOT EXISTS "
        "(SELECT 1 FROM estimate e WHERE e.year = p.year) GROUP BY p.year ORDER BY p.year",
        err);
    if (!st)
        return -1;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        fn(arg, sqlite3_column_int(st, 0), (long)sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return collab_err_set(err, "cannot read the estimates: %s", sqlite3_errmsg(db));
    return 0;
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
