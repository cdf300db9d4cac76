/* Pupils: one school's own pupils, read from its school store, for that
 * school's users with pupil_level access only; every view is audited. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/access.h"
#include "collab/store.h"
#include "collab/util.h"
#include "model_internal.h"

enum { PU_ID, PU_NAME, PU_FLAGS, PU_PRIOR, PU_EST, PU_A8, PU_P8, PU_GRADES };

/* Pupil columns a filter may name (filters.yaml `column`); nothing else is
 * written into the SQL. */
static const char *const filter_columns[] = { "fsm6", "eal", "sen", "gender",
                                              "prior_band", "cla" };

static int known_column(const char *c)
{
    for (size_t i = 0; i < sizeof filter_columns / sizeof filter_columns[0]; i++)
        if (strcmp(filter_columns[i], c) == 0)
            return 1;
    return 0;
}

/* One statement for every filter state, prepared once per school store:
 * each filter dimension d is the parameter ?(3 + d), NULL for "all". The
 * pupil_year index finds the year's pupils; the filters test those rows. */
static sqlite3_stmt *pupil_stmt(sqlite3 *db, const struct model *m, struct collab_err *err)
{
    struct strbuf sql = STRBUF_INIT;
    sb_add(&sql, "SELECT p.id, p.display_name, p.gender, p.fsm6, p.eal, p.sen, p.cla,"
           " p.prior_band, k.est_att8, k.att8, k.p8 FROM pupil p"
           " LEFT JOIN pupil_ks4 k ON k.pupil = p.id"
           " WHERE p.year = ?1 AND p.key_stage = ?2");
    for (size_t d = 0; d < m->cfg->nfilters && d < MODEL_MAX_DIMS; d++) {
        const char *col = m->cfg->filters[d].column;
        if (!known_column(col)) {
            sb_free(&sql);
            collab_err_set(err, "filter %s names an unknown pupil column '%s'",
                           m->cfg->filters[d].id, col);
            return NULL;
        }
        sb_addf(&sql, " AND (?%zu IS NULL OR p.%s = ?%zu)", d + 3, col, d + 3);
    }
    sb_add(&sql, " ORDER BY p.id");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, sb_str(&sql), -1, SQLITE_PREPARE_PERSISTENT, &st,
                           NULL) != SQLITE_OK)
        collab_err_set(err, "SQL error: %s", sqlite3_errmsg(db));
    sb_free(&sql);
    return st;
}

static void bind_filter(sqlite3_stmt *st, const struct model *m, const struct model_filter *f)
{
    for (size_t d = 0; d < m->cfg->nfilters && d < MODEL_MAX_DIMS; d++) {
        if (f->choice[d] == 0)
            sqlite3_bind_null(st, (int)d + 3);
        else
            sqlite3_bind_text(st, (int)d + 3, m->cfg->filters[d].values[f->choice[d] - 1].match,
                              -1, SQLITE_STATIC);
    }
}

static void flags_text(sqlite3_stmt *st, struct strbuf *sb)
{
    const unsigned char *gender = sqlite3_column_text(st, 2);
    const unsigned char *sen = sqlite3_column_text(st, 5);
    sb_add(sb, gender ? (const char *)gender : "?");
    if (sqlite3_column_int(st, 3))
        sb_add(sb, " FSM6");
    if (sqlite3_column_int(st, 4))
        sb_add(sb, " EAL");
    if (sen && strcmp((const char *)sen, "N") != 0)
        sb_addf(sb, " SEN-%s", sen);
    if (sqlite3_column_int(st, 6))
        sb_add(sb, " CLA");
}

static void grades_text(struct model *m, sqlite3_stmt *gr, const char *pupil, struct strbuf *sb)
{
    sqlite3_bind_text(gr, 1, pupil, -1, SQLITE_STATIC);
    while (mdl_step(m, gr) == SQLITE_ROW)
        sb_addf(sb, "%s%s %s", sb->len ? ", " : "", sqlite3_column_text(gr, 0),
                sqlite3_column_text(gr, 1));
    sqlite3_reset(gr);
    sqlite3_clear_bindings(gr);   /* the text was bound SQLITE_STATIC */
}

static void opt_num(struct model_row *r, int c, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) != SQLITE_NULL)
        mdl_set_num(r, c, sqlite3_column_double(st, i));
}

static void add_pupil(struct model *m, struct model_table *t, sqlite3_stmt *st,
                      sqlite3_stmt *gr)
{
    const char *id = (const char *)sqlite3_column_text(st, 0);
    struct model_row *r = mdl_row(t, id, 0);
    struct strbuf sb = STRBUF_INIT;
    mdl_set_text(r, PU_ID, id);
    if (sqlite3_column_type(st, 1) != SQLITE_NULL)
        mdl_set_text(r, PU_NAME, (const char *)sqlite3_column_text(st, 1));
    flags_text(st, &sb);
    mdl_set_text(r, PU_FLAGS, sb_str(&sb));
    if (sqlite3_column_type(st, 7) != SQLITE_NULL)
        mdl_set_text(r, PU_PRIOR, (const char *)sqlite3_column_text(st, 7));
    opt_num(r, PU_EST, st, 8);
    opt_num(r, PU_A8, st, 9);
    opt_num(r, PU_P8, st, 10);
    sb_reset(&sb);
    grades_text(m, gr, id, &sb);
    mdl_set_text(r, PU_GRADES, sb_str(&sb));
    sb_free(&sb);
}

static void add_columns(struct model_table *t)
{
    mdl_col(t, "pupil", "Pupil", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "name", "Name", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "flags", "Flags", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "prior", "Prior", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "est_att8", "Est A8", MODEL_COL_NUMBER, 1, 0);
    mdl_col(t, "att8", "A8", MODEL_COL_NUMBER, 1, 0);
    mdl_col(t, "p8", "P8", MODEL_COL_NUMBER, 2, 1);
    mdl_col(t, "grades", "Grades", MODEL_COL_TEXT, 0, 0);
}

static int read_pupils(struct model *m, const struct mdl_view_ctx *v,
                       struct model_table *t, struct collab_err *err)
{
    sqlite3_stmt *st = m->st_pupils, *gr = m->st_grades;
    sqlite3_bind_int(st, 1, v->year);
    sqlite3_bind_int(st, 2, v->ks);
    bind_filter(st, m, &v->q->filter);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        add_pupil(m, t, st, gr);
    int status = rc == SQLITE_DONE ? 0
               : collab_err_set(err, "school store: %s", sqlite3_errmsg(m->pupil_db));
    sqlite3_reset(st);
    return status;
}

static char *school_name(sqlite3 *db, long urn)
{
    sqlite3_stmt *st = NULL;
    char *name = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name FROM school WHERE urn = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, urn);
        if (sqlite3_step(st) == SQLITE_ROW)
            name = util_xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return name;
}

void mdl_pupils_close(struct model *m)
{
    sqlite3_finalize(m->st_pupils);
    sqlite3_finalize(m->st_grades);
    store_close(m->pupil_db);
    m->st_pupils = m->st_grades = NULL;
    m->pupil_db = NULL;
    m->pupil_urn = 0;
}

/* The school's store, opened (and checked) once for the session rather than
 * per query; another school's replaces it. */
static int pupils_open(struct model *m, long urn, struct collab_err *err)
{
    if (m->pupil_db && m->pupil_urn == urn)
        return 0;
    mdl_pupils_close(m);
    char *path = store_school_path(m->data_dir, urn);
    m->pupil_db = store_open(path, STORE_SCHOOL, STORE_READONLY, err);
    free(path);
    if (!m->pupil_db)
        return -1;
    m->pupil_urn = urn;
    m->st_pupils = pupil_stmt(m->pupil_db, m, err);
    if (m->st_pupils && sqlite3_prepare_v3(m->pupil_db, "SELECT subject, grade FROM result "
                                           "WHERE pupil = ?1 ORDER BY subject", -1,
                                           SQLITE_PREPARE_PERSISTENT, &m->st_grades,
                                           NULL) != SQLITE_OK)
        collab_err_set(err, "SQL error: %s", sqlite3_errmsg(m->pupil_db));
    if (!m->st_pupils || !m->st_grades) {
        mdl_pupils_close(m);
        return -1;
    }
    return 0;
}

/* The school, year, filter, condition and how many pupils are listed. */
static void title(struct model *m, const struct mdl_view_ctx *v, struct model_table *t,
                  long urn)
{
    char *name = school_name(m->pupil_db, urn);
    const char *where = v->q->where && *v->q->where ? v->q->where : NULL;
    mdl_table_title(t, "Pupils: %s (%ld), %d, KS%d%s%s%s%s: %zu pupil%s",
                    name ? name : "school", urn, v->year, v->ks,
                    *v->filter_text ? ", " : "", v->filter_text, where ? ", where " : "",
                    where ? where : "", t->nrows, t->nrows == 1 ? "" : "s");
    free(name);
}

int mdl_view_pupils(struct model *m, const struct mdl_view_ctx *v,
                    struct model_table *t, struct collab_err *err)
{
    long urn = v->q->urn;
    char target[32];
    snprintf(target, sizeof target, "%ld", urn);
    if (!access_pupils(m->cfg, m->user, urn, err))
        return mdl_refuse(m, target, err);
    if (pupils_open(m, urn, err) != 0)
        return -1;
    /* One read transaction for the pupils and every pupil's grades. */
    int began = sqlite3_exec(m->pupil_db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    add_columns(t);
    int rc = read_pupils(m, v, t, err);
    if (began)
        sqlite3_exec(m->pupil_db, "COMMIT", NULL, NULL, NULL);
    if (rc == 0 && v->q->where && *v->q->where)
        rc = mdl_where(t, v->q->where, err);
    if (rc == 0 && v->q->sort_col >= (int)t->ncols)
        rc = collab_err_set(err, "no column %d in the pupils view", v->q->sort_col);
    else if (rc == 0 && v->q->sort_col >= 0)
        mdl_sort_rows(t, v->q->sort_col, v->q->sort_desc);
    if (rc == 0)
        title(m, v, t, urn);
    if (rc == 0) {
        struct strbuf detail = STRBUF_INIT;
        sb_addf(&detail, "group=%s year=%d ks=%d filter=%s rows=%zu", m->group->id,
                v->year, v->ks, *v->filter_text ? v->filter_text : "all", t->nrows);
        rc = mdl_audit_or_refuse(m, "pupils", target, sb_str(&detail), err);
        sb_free(&detail);
    }
    return rc;
}

/* ---- one pupil ---- */

enum { PD_ITEM, PD_VALUE, PD_EST, PD_P8 };

static const char pupil_sql[] =
    "SELECT p.id, p.display_name, p.gender, p.fsm6, p.eal, p.sen, p.cla, p.prior_band,"
    " p.year, p.key_stage, p.prior_score, p.ks2_reading, p.ks2_maths,"
    " k.att8, k.att8_eng, k.att8_mat, k.att8_ebacc, k.att8_open,"
    " k.est_att8, k.est_eng, k.est_mat, k.est_ebacc, k.est_open,"
    " k.p8, k.p8_eng, k.p8_mat, k.p8_ebacc, k.p8_open,"
    " k.basics4, k.basics5, k.ebacc_entry, k.ebacc_aps,"
    " a.sessions_possible, a.sessions_missed"
    " FROM pupil p LEFT JOIN pupil_ks4 k ON k.pupil = p.id"
    " LEFT JOIN attendance a ON a.pupil = p.id WHERE p.id = ?1 AND p.school = ?2";
enum { PS_YEAR = 8, PS_KS, PS_PRIOR_SCORE, PS_KS2_READ, PS_KS2_MATHS, PS_ATT8,
       PS_EST = PS_ATT8 + 5, PS_P8 = PS_EST + 5, PS_BASICS4 = PS_P8 + 5, PS_BASICS5,
       PS_EBACC, PS_EBACC_APS, PS_POSSIBLE, PS_MISSED };

static void pupil_row(struct model_table *t, const char *key, const char *item,
                      const char *value)
{
    struct model_row *r = mdl_row(t, key, 0);
    mdl_set_text(r, PD_ITEM, item);
    if (value)
        mdl_set_text(r, PD_VALUE, value);
}

/* Attainment 8 and its four elements: score, estimate, progress. */
static void element_rows(struct model_table *t, sqlite3_stmt *st)
{
    static const char *const names[] = { "Attainment 8", "English element",
        "Maths element", "EBacc element", "Open element" };
    static const char *const keys[] = { "att8", "att8_eng", "att8_mat", "att8_ebacc",
                                        "att8_open" };
    if (sqlite3_column_type(st, PS_ATT8) == SQLITE_NULL)
        return;
    for (int e = 0; e < 5; e++) {
        char v[32];
        snprintf(v, sizeof v, "%.1f", sqlite3_column_double(st, PS_ATT8 + e));
        pupil_row(t, keys[e], names[e], v);
        struct model_row *r = &t->rows[t->nrows - 1];
        opt_num(r, PD_EST, st, PS_EST + e);
        opt_num(r, PD_P8, st, PS_P8 + e);
    }
    pupil_row(t, "basics4", "Grade 4+ in English and maths",
              sqlite3_column_int(st, PS_BASICS4) ? "yes" : "no");
    pupil_row(t, "basics5", "Grade 5+ in English and maths",
              sqlite3_column_int(st, PS_BASICS5) ? "yes" : "no");
    char v[48];
    if (sqlite3_column_int(st, PS_EBACC))
        snprintf(v, sizeof v, "yes (average point score %.2f)",
                 sqlite3_column_double(st, PS_EBACC_APS));
    pupil_row(t, "ebacc", "Entered for the EBacc",
              sqlite3_column_int(st, PS_EBACC) ? v : "no");
}

/* Flags, prior attainment and absence. */
static void context_rows(struct model_table *t, sqlite3_stmt *st)
{
    struct strbuf sb = STRBUF_INIT;
    flags_text(st, &sb);
    pupil_row(t, "flags", "Flags", sb_str(&sb));
    sb_reset(&sb);
    if (sqlite3_column_type(st, 7) != SQLITE_NULL)
        sb_addf(&sb, "%s", sqlite3_column_text(st, 7));
    if (sqlite3_column_type(st, PS_PRIOR_SCORE) != SQLITE_NULL)
        sb_addf(&sb, "%sKS2 %.1f", sb.len ? ", " : "",
                sqlite3_column_double(st, PS_PRIOR_SCORE));
    if (sqlite3_column_type(st, PS_KS2_READ) != SQLITE_NULL)
        sb_addf(&sb, "%sreading %d", sb.len ? ", " : "", sqlite3_column_int(st, PS_KS2_READ));
    if (sqlite3_column_type(st, PS_KS2_MATHS) != SQLITE_NULL)
        sb_addf(&sb, "%smaths %d", sb.len ? ", " : "", sqlite3_column_int(st, PS_KS2_MATHS));
    pupil_row(t, "prior", "Prior attainment", sb.len ? sb_str(&sb) : "none recorded");
    sb_reset(&sb);
    long possible = sqlite3_column_int64(st, PS_POSSIBLE);
    if (possible > 0)
        sb_addf(&sb, "%.1f%% (%ld of %ld sessions)",
                100.0 * (double)sqlite3_column_int64(st, PS_MISSED) / (double)possible,
                (long)sqlite3_column_int64(st, PS_MISSED), possible);
    pupil_row(t, "absence", "Absence", sb.len ? sb_str(&sb) : "no attendance recorded");
    sb_free(&sb);
}

/* One row per subject entered: its name and grade. */
static int grade_rows(struct model *m, struct model_table *t, const char *pupil,
                      struct collab_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(m->pupil_db, "SELECT r.subject, coalesce(s.name, r.subject),"
                           " r.grade FROM result r LEFT JOIN subject s ON s.code = r.subject"
                           " WHERE r.pupil = ?1 ORDER BY 2", -1, &st, NULL) != SQLITE_OK)
        return collab_err_set(err, "school store: %s", sqlite3_errmsg(m->pupil_db));
    sqlite3_bind_text(st, 1, pupil, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char key[64];
        snprintf(key, sizeof key, "grade:%s", sqlite3_column_text(st, 0));
        pupil_row(t, key, (const char *)sqlite3_column_text(st, 1),
                  (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0
                             : collab_err_set(err, "school store: %s", sqlite3_errmsg(m->pupil_db));
}

static int read_one_pupil(struct model *m, const struct mdl_view_ctx *v, struct model_table *t,
                          struct collab_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(m->pupil_db, pupil_sql, -1, &st, NULL) != SQLITE_OK)
        return collab_err_set(err, "school store: %s", sqlite3_errmsg(m->pupil_db));
    sqlite3_bind_text(st, 1, v->q->pupil, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, v->q->urn);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        char *name = school_name(m->pupil_db, v->q->urn);
        if (rc == SQLITE_DONE)
            collab_err_set(err, "no pupil '%s' at %s (%ld)", v->q->pupil,
                           name ? name : "the school", v->q->urn);
        else
            collab_err_set(err, "school store: %s", sqlite3_errmsg(m->pupil_db));
        free(name);
        sqlite3_finalize(st);
        return -1;
    }
    char *name = school_name(m->pupil_db, v->q->urn);
    const unsigned char *display = sqlite3_column_text(st, 1);
    mdl_table_title(t, "Pupil %s%s%s%s, %s (%ld), %d, KS%d", v->q->pupil,
                    display ? " (" : "", display ? (const char *)display : "", display ? ")" : "",
                    name ? name : "school", v->q->urn, sqlite3_column_int(st, PS_YEAR),
                    sqlite3_column_int(st, PS_KS));
    free(name);
    mdl_col(t, "item", "Item", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "value", "Value", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "estimate", "Estimate", MODEL_COL_NUMBER, 1, 0);
    mdl_col(t, "p8", "Progress", MODEL_COL_NUMBER, 2, 1);
    element_rows(t, st);
    context_rows(t, st);
    sqlite3_finalize(st);
    return grade_rows(m, t, v->q->pupil, err);
}

int mdl_view_pupil(struct model *m, const struct mdl_view_ctx *v, struct model_table *t,
                   struct collab_err *err)
{
    long urn = v->q->urn;
    char target[96];
    snprintf(target, sizeof target, "%ld:%s", urn, v->q->pupil ? v->q->pupil : "");
    if (!v->q->pupil || !*v->q->pupil)
        return collab_err_set(err, "which pupil? name one by id");
    if (!access_pupils(m->cfg, m->user, urn, err))
        return mdl_refuse(m, target, err);
    if (pupils_open(m, urn, err) != 0)
        return -1;
    int began = sqlite3_exec(m->pupil_db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    int rc = read_one_pupil(m, v, t, err);
    if (began)
        sqlite3_exec(m->pupil_db, "COMMIT", NULL, NULL, NULL);
    if (rc == 0) {
        mdl_set_note(t, "Estimate: the DfE's estimate for pupils of the same prior "
                     "attainment; Progress: the score less the estimate.");
        struct strbuf detail = STRBUF_INIT;
        sb_addf(&detail, "group=%s", m->group->id);
        rc = mdl_audit_or_refuse(m, "pupil", target, sb_str(&detail), err);
        sb_free(&detail);
    }
    return rc;
}
