/* Opening the model: who the user is, which group, the group store's
 * description of itself; and the query dispatcher. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collab/access.h"
#include "collab/audit.h"
#include "collab/model.h"
#include "collab/publish.h"
#include "collab/store.h"
#include "collab/util.h"
#include "model_internal.h"

int mdl_audit(struct model *m, const char *action, const char *target,
              const char *detail)
{
    /* One connection and prepared insert for the session, not an open,
     * schema check and journal sync per event. */
    if (!m->audit)
        m->audit = audit_sink_open(m->data_dir);
    int got = audit_sink_log(m->audit, m->login, m->user ? m->user->id : NULL, action,
                             target, detail);
    if (!(got & AUDIT_TABLE)) {
        audit_sink_close(m->audit);     /* retried on the next event */
        m->audit = NULL;
    }
    return got ? 0 : -1;
}

int mdl_audit_or_refuse(struct model *m, const char *action, const char *target,
                        const char *detail, struct collab_err *err)
{
    if (mdl_audit(m, action, target, detail) == 0)
        return 0;
    return collab_err_set(err, "pupil-level data is shown only where the view is "
                          "recorded, and it cannot be: %s/audit.db cannot be written "
                          "and no syslog daemon takes messages on this machine (ask "
                          "the administrator)", m->data_dir ? m->data_dir : ".");
}

sqlite3_stmt *mdl_prepare(struct model *m, const char *sql, struct collab_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(m->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        collab_err_set(err, "SQL error: %s", sqlite3_errmsg(m->db));
        return NULL;
    }
    return st;
}

int mdl_refuse(struct model *m, const char *target, struct collab_err *err)
{
    mdl_audit(m, "refused", target, err->msg);
    return -1;
}

int model_audit(struct model *m, const char *action, const char *target,
                const char *detail)
{
    return mdl_audit(m, action, target, detail);
}

/* ---- the group store ---- */

void mdl_read_failed(struct model *m, sqlite3 *db)
{
    if (m->read_failed)
        return;
    m->read_failed = 1;
    const char *file = sqlite3_db_filename(db, "main");
    snprintf(m->read_err, sizeof m->read_err, "%s: cannot read: %s",
             file && *file ? file : "store", sqlite3_errmsg(db));
}

int mdl_step(struct model *m, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        mdl_read_failed(m, sqlite3_db_handle(st));
    return rc;
}

/* After an open or a query: fail it if a read failed on the way, and drop
 * what the caches may have kept of that read. */
static int read_check(struct model *m, int rc, struct collab_err *err)
{
    if (!m->read_failed)
        return rc;
    m->read_failed = 0;
    mdl_forget(m);
    if (rc == 0)
        collab_err_set(err, "%s", m->read_err);
    return -1;
}

static void close_group(struct model *m)
{
    sqlite3_stmt **sts[] = { &m->st_pupil, &m->st_subject, &m->st_subject_any,
                             &m->st_national, &m->st_context, &m->st_subject_name,
                             &m->st_context_all, &m->st_dfe, &m->st_dist };
    for (size_t i = 0; i < sizeof sts / sizeof sts[0]; i++) {
        sqlite3_finalize(*sts[i]);
        *sts[i] = NULL;
    }
    for (size_t i = 0; i < m->ninds; i++) {
        free(m->inds[i].id);
        free(m->inds[i].label);
        free(m->inds[i].short_label);
    }
    free(m->inds);
    m->inds = NULL;
    m->ninds = 0;
    mdl_forget(m);
    for (size_t i = 0; i < m->nschools; i++)
        free(m->schools[i].name);
    free(m->schools);
    m->schools = NULL;
    m->nschools = 0;
    store_close(m->db);
    m->db = NULL;
    free(m->warning);
    m->warning = NULL;
    free(m->group_name);
    free(m->years_without_estimates);
    m->group_name = NULL;
    m->nyears = 0;
    memset(m->strides, 0, sizeof m->strides);
    m->group = NULL;
}

struct name_value { const char *name; int value; };

static const struct name_value level_names[] = {
    { "pupil", CFG_LEVEL_PUPIL }, { "result", CFG_LEVEL_RESULT },
    { "attendance", CFG_LEVEL_ATTENDANCE }, { NULL, 0 } };
static const struct name_value agg_names[] = {
    { "mean", CFG_AGG_MEAN }, { "percent", CFG_AGG_PERCENT }, { "rate", CFG_AGG_RATE },
    { "sum", CFG_AGG_SUM }, { "count", CFG_AGG_COUNT }, { NULL, 0 } };
static const struct name_value polarity_names[] = {
    { "higher", CFG_HIGHER_BETTER }, { "lower", CFG_LOWER_BETTER },
    { "neutral", CFG_NEUTRAL }, { NULL, 0 } };
static const struct name_value signif_names[] = {
    { "none", CFG_SIG_NONE }, { "national_sd", CFG_SIG_NATIONAL_SD },
    { "binomial", CFG_SIG_BINOMIAL }, { "pupil_sd", CFG_SIG_PUPIL_SD }, { NULL, 0 } };

static int lookup_name(const struct name_value *t, const unsigned char *name, int dflt)
{
    for (; name && t->name; t++)
        if (strcmp(t->name, (const char *)name) == 0)
            return t->value;
    return dflt;
}

static char *col_strdup(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return util_xstrdup(s ? (const char *)s : "");
}

static int load_indicators(struct model *m, struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(m->db,
        "SELECT id, label, short_label, level, key_stage, aggregate, decimals,"
        " show_sign, polarity, significance, headline FROM indicator ORDER BY ord", err);
    if (!st)
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (m->ninds == cap) {
            cap = cap ? 2 * cap : 16;
            m->inds = util_xrealloc(m->inds, cap * sizeof *m->inds);
        }
        struct mdl_ind *ind = &m->inds[m->ninds++];
        ind->id = col_strdup(st, 0);
        ind->label = col_strdup(st, 1);
        ind->short_label = col_strdup(st, 2);
        ind->level = lookup_name(level_names, sqlite3_column_text(st, 3), CFG_LEVEL_PUPIL);
        ind->key_stage = sqlite3_column_int(st, 4);
        ind->agg = lookup_name(agg_names, sqlite3_column_text(st, 5), CFG_AGG_MEAN);
        ind->decimals = sqlite3_column_int(st, 6);
        ind->show_sign = sqlite3_column_int(st, 7);
        ind->polarity = lookup_name(polarity_names, sqlite3_column_text(st, 8), CFG_NEUTRAL);
        ind->signif = lookup_name(signif_names, sqlite3_column_text(st, 9), CFG_SIG_NONE);
        ind->headline = sqlite3_column_int(st, 10);
        ind->col = ind->col_v = -1;
    }
    return store_rows_done(st, rc, err);
}

static int load_schools(struct model *m, struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(m->db, "SELECT urn, name, has_pupil_data FROM school "
                                     "ORDER BY ord", err);
    if (!st)
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (m->nschools == cap) {
            cap = cap ? 2 * cap : 16;
            m->schools = util_xrealloc(m->schools, cap * sizeof *m->schools);
        }
        m->schools[m->nschools].urn = (long)sqlite3_column_int64(st, 0);
        m->schools[m->nschools].name = col_strdup(st, 1);
        m->schools[m->nschools].has_pupil_data = sqlite3_column_int(st, 2);
        m->nschools++;
    }
    return store_rows_done(st, rc, err);
}

/* Strides of the published dimensions, matched to filters.yaml by id. */
static int load_dimensions(struct model *m, struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(m->db, "SELECT id, stride FROM dimension", err);
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        for (size_t d = 0; id && d < m->cfg->nfilters && d < MODEL_MAX_DIMS; d++)
            if (strcmp(m->cfg->filters[d].id, id) == 0)
                m->strides[d] = (long)sqlite3_column_int64(st, 1);
    }
    return store_rows_done(st, rc, err);
}

static int table_exists(struct model *m, const char *name);

static int step_found(struct model *m, sqlite3_stmt *st, int a, int b)
{
    sqlite3_bind_int(st, 1, a);
    sqlite3_bind_int(st, 2, b);
    int found = mdl_step(m, st) == SQLITE_ROW;
    sqlite3_reset(st);
    return found;
}

static int year_index(const struct model *m, int year)
{
    for (int i = 0; i < m->nyears; i++)
        if (m->years[i] == year)
            return i;
    return -1;
}

/* Insert year into the ascending m->years (once); its index, -1 when full. */
static int note_year(struct model *m, int year)
{
    int i = 0;
    while (i < m->nyears && m->years[i] < year)
        i++;
    if (i < m->nyears && m->years[i] == year)
        return i;
    if (m->nyears == MDL_MAX_YEARS)
        return -1;
    memmove(&m->years[i + 1], &m->years[i], (size_t)(m->nyears - i) * sizeof *m->years);
    memmove(&m->year_ks[i + 1], &m->year_ks[i], (size_t)(m->nyears - i) * sizeof *m->year_ks);
    m->years[i] = year;
    m->year_ks[i] = 0;
    m->nyears++;
    return i;
}

/* The years with pupil aggregates or in which a member school known only by
 * its DfE figures has a published KS4 cohort, and each year's default key
 * stage: KS4 when the group has KS4 figures for it (its pupils' or such a
 * member's), else KS2. Never a scan of agg_pupil: the group's years (scope
 * 0) come from primary-key seeks, one per year; a year whose group cells
 * are all suppressed still has school_context rows (every member pupil's
 * school has one), so those years are candidates, confirmed by a seek for
 * any school's aggregates. */
static int load_years(struct model *m, struct collab_err *err)
{
    sqlite3_stmt *next = store_prepare(m->db, "SELECT year FROM agg_pupil WHERE scope = 0"
                                       " AND year > ?1 ORDER BY year LIMIT 1", err);
    int dfe_only = 0;
    for (size_t s = 0; s < m->nschools; s++)
        dfe_only |= !m->schools[s].has_pupil_data;
    /* (dfe_school is searched by year first: read it only when it matters) */
    sqlite3_stmt *cand = store_prepare(m->db, dfe_only && table_exists(m, "dfe_school")
        ? "SELECT year, max(dfe) FROM (SELECT year, 0 AS dfe FROM school_context"
          " UNION ALL SELECT d.year, 1 FROM dfe_school d JOIN school s ON s.urn = d.urn"
          " WHERE s.has_pupil_data = 0 AND d.measure = 'ks4_pupils'"
          " AND d.value IS NOT NULL) GROUP BY year"
        : "SELECT DISTINCT year, 0 FROM school_context", err);
    sqlite3_stmt *group = store_prepare(m->db, "SELECT 1 FROM agg_pupil WHERE scope = 0"
                                        " AND year = ?1 AND key_stage = ?2", err);
    sqlite3_stmt *any = store_prepare(m->db, "SELECT 1 FROM school_context c WHERE"
                                      " c.year = ?1 AND EXISTS (SELECT 1 FROM agg_pupil a"
                                      " WHERE a.scope = c.urn AND a.year = ?1"
                                      " AND a.key_stage = ?2)", err);
    int rc = next && cand && group && any ? 0 : -1;
    for (int year = INT_MIN, i; rc == 0; ) {
        sqlite3_bind_int(next, 1, year);
        int found = mdl_step(m, next) == SQLITE_ROW;
        year = found ? sqlite3_column_int(next, 0) : 0;
        sqlite3_reset(next);
        if (!found || (i = note_year(m, year)) < 0)
            break;
        m->year_ks[i] = step_found(m, group, year, 4) ? 4 : 2;
    }
    while (rc == 0 && mdl_step(m, cand) == SQLITE_ROW) {
        int year = sqlite3_column_int(cand, 0), dfe = sqlite3_column_int(cand, 1);
        int i = year_index(m, year);
        if (i < 0) {
            int ks4 = step_found(m, any, year, 4);
            if (!dfe && !ks4 && !step_found(m, any, year, 2))
                continue;   /* pupils, but every cell of theirs suppressed */
            if ((i = note_year(m, year)) < 0)
                continue;
            m->year_ks[i] = ks4 ? 4 : 2;
        }
        if (dfe)
            m->year_ks[i] = 4;
    }
    sqlite3_finalize(next);
    sqlite3_finalize(cand);
    sqlite3_finalize(group);
    sqlite3_finalize(any);
    return rc;
}

/* Where each indicator's <id>_n column sits in a prepared aggregate row. */
static void map_columns(struct model *m, sqlite3_stmt *st, int result_level)
{
    int ncols = sqlite3_column_count(st);
    for (size_t i = 0; i < m->ninds; i++) {
        struct mdl_ind *ind = &m->inds[i];
        if ((ind->level == CFG_LEVEL_RESULT) != result_level)
            continue;
        char name[80], vname[80];
        snprintf(name, sizeof name, "%s_n", ind->id);
        snprintf(vname, sizeof vname, "%s_v", ind->id);
        for (int c = 0; c < ncols; c++) {
            if (c + 2 < ncols && strcmp(sqlite3_column_name(st, c), name) == 0)
                ind->col = c;
            if (strcmp(sqlite3_column_name(st, c), vname) == 0)
                ind->col_v = c;
        }
    }
}

static int table_exists(struct model *m, const char *name)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(m->db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        found = mdl_step(m, st) == SQLITE_ROW;
    } else {
        mdl_read_failed(m, m->db);   /* not "no such table": the open fails */
    }
    sqlite3_finalize(st);
    return found;
}

static int prepare_statements(struct model *m, struct collab_err *err)
{
    if (!table_exists(m, "agg_pupil"))
        return collab_err_set(err, "group store of '%s' has no aggregates: publish it "
                              "again", m->group->id);
    m->st_pupil = mdl_prepare(m, "SELECT * FROM agg_pupil WHERE scope = ?1 AND "
                              "year = ?2 AND key_stage = ?3 AND fkey = ?4", err);
    m->st_national = mdl_prepare(m, "SELECT value, sd FROM national WHERE "
                                 "year = ?1 AND indicator = ?2 AND fkey = ?3", err);
    m->st_context = mdl_prepare(m, "SELECT cohort, fsm6_pct, eal_pct, sen_pct, "
                                "prior_mean FROM school_context WHERE urn = ?1 AND "
                                "year = ?2 AND key_stage = ?3", err);
    m->st_context_all = mdl_prepare(m, "SELECT urn, year, key_stage, cohort, fsm6_pct, "
                                    "eal_pct, sen_pct, prior_mean FROM school_context "
                                    "ORDER BY urn, year, key_stage", err);
    m->st_subject_name = mdl_prepare(m, "SELECT name FROM subject WHERE code = ?1", err);
    if (!m->st_pupil || !m->st_national || !m->st_context || !m->st_subject_name ||
        !m->st_context_all)
        return -1;
    map_columns(m, m->st_pupil, 0);
    if (table_exists(m, "agg_subject")) {
        m->st_subject = mdl_prepare(m, "SELECT * FROM agg_subject WHERE scope = ?1 "
                                    "AND year = ?2 AND subject = ?3 AND fkey = ?4", err);
        m->st_subject_any = mdl_prepare(m, "SELECT 1 FROM agg_subject WHERE "
                                        "scope = 0 AND year = ?1 AND subject = ?2 LIMIT 1",
                                        err);
        if (!m->st_subject || !m->st_subject_any)
            return -1;
        map_columns(m, m->st_subject, 1);
    }
    return mdl_dfe_prepare(m, err);
}

static void read_meta(struct model *m)
{
    char *v = store_meta_get(m->db, "min_cohort");
    long n;
    m->min_cohort = v && util_parse_long(v, &n) == 0 && n > 0 ? (int)n
                                                               : m->group->policy.min_cohort;
    free(v);
    v = store_meta_get(m->db, "league_tables");
    m->league_tables = v ? (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
                         : m->group->policy.league_tables;
    free(v);
    m->group_name = store_meta_get(m->db, "group_name");
    if (!m->group_name)
        m->group_name = util_xstrdup(m->group->name);
    m->years_without_estimates = store_meta_get(m->db, "years_without_estimates");
}

void mdl_note_estimates(const struct model *m, int year, struct model_table *t)
{
    char want[16];
    snprintf(want, sizeof want, "%d", year);
    size_t len = strlen(want);
    const char *p = m->years_without_estimates;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, want, len) == 0) {
            mdl_append_note(t, "No Progress 8 in %d: no estimates for that year were "
                            "imported, so no pupil has a P8 score (its x is not a "
                            "suppression).", year);
            return;
        }
        p += n;
        p += *p == ',';
    }
}

static void add_warning(struct model *m, struct strbuf *w)
{
    if (m->warning) {
        struct strbuf all = STRBUF_INIT;
        sb_addf(&all, "%s; %s", m->warning, sb_str(w));
        free(m->warning);
        sb_free(w);
        *w = all;
    }
    m->warning = sb_detach(w);
}

/* A publish stopped while it replaced the stores one by one leaves new and
 * old together, and its mark (publish.h): figures of two runs side by
 * side, which the reader is told. */
static void mixed_notice(struct model *m)
{
    char *path = util_path_join(m->data_dir, PUBLISH_RENAMING);
    char *text = util_read_file(path);
    free(path);
    if (!text)
        return;
    struct strbuf w = STRBUF_INIT;
    text[strcspn(text, "\n")] = '\0';
    sb_addf(&w, "the stores in %s are a mixed set: a publish (%s) stopped while replacing "
            "them, so some are from it and some older; run collab publish again",
            m->data_dir, text);
    free(text);
    add_warning(m, &w);
}

static void check_mode(struct model *m, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && (sb.st_mode & 0004)) {
        struct strbuf w = STRBUF_INIT;
        sb_addf(&w, "%s is readable by every local user (mode %03o): ask your "
                "administrator to publish it with a unix group", path,
                (unsigned)(sb.st_mode & 0777));
        m->warning = sb_detach(&w);
    }
}

/* The owner of a schools group still awaiting consent is told which
 * schools have not signed (DESIGN.md section 5, rule 1). */
static void consent_notice(struct model *m, const struct cfg_group *g)
{
    char *missing = g->visibility == CFG_VIS_SCHOOLS ? access_missing_consent(m->cfg, g)
                                                     : NULL;
    if (!missing)
        return;
    struct strbuf w = STRBUF_INIT;
    if (m->warning)
        sb_addf(&w, "%s; ", m->warning);
    sb_addf(&w, "group '%s' is not yet shared with its schools: consent is missing "
            "for %s", g->id, missing);
    free(missing);
    free(m->warning);
    m->warning = sb_detach(&w);
}

/* A read transaction around many lookups: without it each statement takes
 * and drops the shared lock and checks the file for changes on its own.
 * Returns whether one was begun (not when one is already open). */
static int begin_read(struct model *m)
{
    return sqlite3_get_autocommit(m->db) &&
           sqlite3_exec(m->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

static void end_read(struct model *m, int began)
{
    if (began && !sqlite3_get_autocommit(m->db))
        sqlite3_exec(m->db, "COMMIT", NULL, NULL, NULL);
}

static int open_group_store(struct model *m, const struct cfg_group *g,
                            struct collab_err *err)
{
    char *path = store_group_path(m->data_dir, g->id);
    m->group = g;
    m->db = store_open(path, STORE_GROUP, STORE_READONLY, err);
    if (!m->db) {
        free(path);
        m->group = NULL;
        return -1;
    }
    check_mode(m, path);
    consent_notice(m, g);
    mixed_notice(m);
    free(path);
    /* One read transaction: the schema is read and the file locked once. */
    int began = begin_read(m);
    m->read_failed = 0;
    if (read_check(m, load_indicators(m, err) != 0 || load_schools(m, err) != 0 ||
                   load_dimensions(m, err) != 0 || prepare_statements(m, err) != 0 ||
                   load_years(m, err) != 0 ? -1 : 0, err) != 0) {
        end_read(m, began);
        close_group(m);
        return -1;
    }
    read_meta(m);
    end_read(m, began);
    return 0;
}

static int group_visible(const struct model *m, const struct cfg_group *g,
                         struct collab_err *why)
{
    char today[16];
    access_today(today, sizeof today);
    return access_group(m->cfg, g, m->user, today, why);
}

static char *visible_list(const struct model *m)
{
    struct strbuf sb = STRBUF_INIT;
    struct collab_err why = { .set = 0 };
    for (size_t i = 0; i < m->cfg->ngroups; i++)
        if (group_visible(m, &m->cfg->groups[i], &why))
            sb_addf(&sb, "%s%s", sb.len ? ", " : "", m->cfg->groups[i].id);
    if (!sb.len)
        sb_add(&sb, "none");
    return sb_detach(&sb);
}

/* Why each group the user is on is closed to them now ("ID: why; ..."),
 * or that they are on none: a reason about their own groups, not others'. */
static char *unseen_reasons(const struct model *m)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < m->cfg->ngroups; i++) {
        const struct cfg_group *g = &m->cfg->groups[i];
        struct collab_err why = { .set = 0 };
        if (!access_group_listed(g, m->user, &why) || group_visible(m, g, &why))
            continue;
        sb_addf(&sb, "%s%s: %s", sb.len ? "; " : "", g->id, why.msg);
    }
    return sb.len ? sb_detach(&sb) : NULL;
}

/* A user who lands on their own school because no group of theirs is open
 * to them is told why each is closed. */
static void own_school_notice(struct model *m)
{
    char *reasons = unseen_reasons(m);
    if (reasons) {
        struct strbuf w = STRBUF_INIT;
        sb_addf(&w, "your own school only: %s", reasons);
        add_warning(m, &w);
    }
    free(reasons);
}

int model_set_group(struct model *m, const char *group_id, struct collab_err *err)
{
    const struct cfg_group *g = NULL;
    if (group_id) {
        g = cfg_group(m->cfg, group_id);
        if (!g) {
            char *list = visible_list(m);
            collab_err_set(err, "no group '%s' in groups.yaml (groups you may see: %s)",
                           group_id, list);
            free(list);
            return -1;
        }
        if (!group_visible(m, g, err))
            return mdl_refuse(m, group_id, err);
    } else {
        struct collab_err why = { .set = 0 };
        for (size_t i = 0; i < m->cfg->ngroups && !g; i++)
            if (group_visible(m, &m->cfg->groups[i], &why))
                g = &m->cfg->groups[i];
        if (!g) {
            char *reasons = unseen_reasons(m);
            collab_err_set(err, "user '%s' may see no group now: %s", m->user->id,
                           reasons ? reasons : "not listed on any group, nor a global "
                                               "user of a group's owner");
            free(reasons);
            return mdl_refuse(m, "", err);
        }
    }
    /* A TUI switching group keeps the one it had when the new one fails. */
    const struct cfg_group *previous = m->group;
    close_group(m);
    if (open_group_store(m, g, err) == 0) {
        if (!group_id && g->own_school)
            own_school_notice(m);
        return 0;
    }
    struct collab_err ignored = { .set = 0 };
    if (previous)
        open_group_store(m, previous, &ignored);
    return -1;
}

/* The user the real one may act as, user_id; NULL with err (naming the
 * users when there is none of that name; a refusal audited). */
static const struct cfg_user *act_as_target(struct model *m, const char *user_id,
                                            struct collab_err *err)
{
    const struct cfg_user *target = cfg_user(m->cfg, user_id);
    if (!target) {
        char *ids = cfg_user_ids(m->cfg);
        collab_err_set(err, "no user '%s' in groups.yaml (users: %s)", user_id, ids);
        free(ids);
        return NULL;
    }
    if (!access_act_as(m->real, target, err)) {
        mdl_refuse(m, user_id, err);
        return NULL;
    }
    return target;
}

/* The user acted as becomes user_id (an administrator's right, audited),
 * with their own view of the group: the same one where they may see it,
 * else the first they may. The old user stays on any refusal. */
int model_set_user(struct model *m, const char *user_id, struct collab_err *err)
{
    const struct cfg_user *target = act_as_target(m, user_id, err);
    if (!target)
        return -1;
    const struct cfg_user *previous = m->user;
    const struct cfg_group *group = m->group;
    struct collab_err why = { .set = 0 };
    m->user = target;
    const char *keep = group && group_visible(m, group, &why) ? group->id : NULL;
    if (model_set_group(m, keep, err) != 0) {
        m->user = previous;
        return -1;
    }
    mdl_audit(m, "act-as", user_id, NULL);
    return 0;
}

static int resolve_user(struct model *m, const char *user_id, struct collab_err *err)
{
    snprintf(m->login, sizeof m->login, "%s", audit_real_login());
    m->real = cfg_user_by_login(m->cfg, m->login);
    if (!m->real) {
        collab_err_set(err, "your login '%s' is not a user in groups.yaml: ask your "
                       "administrator", m->login);
        return mdl_refuse(m, "", err);
    }
    m->user = m->real;
    if (!user_id || strcmp(user_id, m->real->id) == 0)
        return 0;
    const struct cfg_user *target = act_as_target(m, user_id, err);
    if (!target)
        return -1;
    m->user = target;
    mdl_audit(m, "act-as", user_id, NULL);
    return 0;
}

struct model *model_open(const struct model_open_args *args, struct collab_err *err)
{
    struct model *m = util_xcalloc(1, sizeof *m);
    m->cfg = args->cfg;
    m->data_dir = util_xstrdup(args->data_dir);
    if (resolve_user(m, args->user_id, err) != 0 ||
        model_set_group(m, args->group_id, err) != 0) {
        model_close(m);
        return NULL;
    }
    return m;
}

void model_close(struct model *m)
{
    if (!m)
        return;
    close_group(m);
    mdl_pupils_close(m);
    audit_sink_close(m->audit);
    free(m->data_dir);
    free(m);
}

const char *model_group_id(const struct model *m) { return m->group->id; }
const char *model_group_name(const struct model *m) { return m->group_name; }
const char *model_user_id(const struct model *m) { return m->user->id; }
const char *model_warning(const struct model *m) { return m->warning; }
int model_min_cohort(const struct model *m) { return m->min_cohort; }
int model_league_tables(const struct model *m) { return m->league_tables; }

long model_user_school(const struct model *m)
{
    return access_user_school(m->cfg, m->user);
}

int model_years(const struct model *m, int *years, int max)
{
    int n = m->nyears < max ? m->nyears : max;
    memcpy(years, m->years, (size_t)n * sizeof *years);
    return n;
}

int mdl_latest_years(const struct model *m, int year, int want, int *out)
{
    int end = m->nyears;
    while (end > 0 && m->years[end - 1] > year)
        end--;
    int n = end < want ? end : want;
    memcpy(out, &m->years[end - n], (size_t)n * sizeof *out);
    return n;
}

int model_visible_groups(const struct model *m, const char **ids, int max)
{
    int n = 0;
    struct collab_err why = { .set = 0 };
    for (size_t i = 0; i < m->cfg->ngroups && n < max; i++)
        if (group_visible(m, &m->cfg->groups[i], &why))
            ids[n++] = m->cfg->groups[i].id;
    return n;
}

/* ---- queries ---- */

typedef int (*view_fn)(struct model *m, const struct mdl_view_ctx *v,
                       struct model_table *t, struct collab_err *err);

static const view_fn views[MODEL_VIEW_COUNT] = {
    [MODEL_VIEW_OVERVIEW] = mdl_view_overview,
    [MODEL_VIEW_SUBJECTS] = mdl_view_subjects,
    [MODEL_VIEW_SUBJECT] = mdl_view_subject,
    [MODEL_VIEW_SCHOOLS] = mdl_view_schools,
    [MODEL_VIEW_SIMILAR] = mdl_view_similar,
    [MODEL_VIEW_PUPILS] = mdl_view_pupils,
    [MODEL_VIEW_PUPIL] = mdl_view_pupil,
    [MODEL_VIEW_EVALUATION] = mdl_view_evaluation,
};

static char *years_text(const struct model *m)
{
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < m->nyears; i++)
        sb_addf(&sb, "%s%d", i ? ", " : "", m->years[i]);
    if (!sb.len)
        sb_add(&sb, "none");
    return sb_detach(&sb);
}

/* Views that show schools one by one, refused without school_level. */
static const char *const school_level_views[MODEL_VIEW_COUNT] = {
    [MODEL_VIEW_SCHOOLS] = "the schools view",
    [MODEL_VIEW_SIMILAR] = "the similar-schools view",
};

static int query(struct model *m, const struct model_query *q, struct model_table *out,
                 struct collab_err *err)
{
    if ((int)q->view < 0 || q->view >= MODEL_VIEW_COUNT)
        return collab_err_set(err, "unknown view");
    const char *what = school_level_views[q->view];
    if (what && !access_school_level(m->user, what, err))
        return mdl_refuse(m, m->group->id, err);
    struct mdl_view_ctx v = { .q = q };
    v.year = q->year ? q->year : (m->nyears ? m->years[m->nyears - 1] : 0);
    int yi = year_index(m, v.year);
    if (yi < 0) {
        char *list = years_text(m);
        collab_err_set(err, "group '%s' has no figures for %d (years: %s)",
                       m->group->id, v.year, list);
        free(list);
        return -1;
    }
    v.ks = q->key_stage ? q->key_stage : m->year_ks[yi];
    if (v.ks != 2 && v.ks != 4)
        return collab_err_set(err, "key stage must be 2 or 4, not %d", v.ks);
    v.fkey = mdl_fkey(m, &q->filter, err);
    if (v.fkey < 0)
        return -1;
    if (mdl_comparator(m, &v, err) != 0)
        return -1;
    v.filter_text = mdl_filter_text(m, &q->filter);
    int rc = views[q->view](m, &v, out, err);
    free(v.filter_text);
    return rc;
}

void model_x_legend(const struct model *m, int brief, char *buf, size_t size)
{
    if (brief)
        snprintf(buf, size, "x: under %d pupils, or hiding such a group", m->min_cohort);
    else
        snprintf(buf, size, "x: fewer than %d pupils, or hidden so a group that small "
                 "cannot be worked out", m->min_cohort);
}

static int table_has_x(const struct model_table *t)
{
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++)
            if (t->rows[r].cells[c].flags & CELL_SUPPRESSED)
                return 1;
    return 0;
}

int model_query(struct model *m, const struct model_query *q,
                struct model_table *out, struct collab_err *err)
{
    memset(out, 0, sizeof *out);
    int began = begin_read(m);
    m->read_failed = 0;
    int rc = read_check(m, query(m, q, out, err), err);
    end_read(m, began);
    if (rc != 0) {
        model_table_free(out);
    } else if (table_has_x(out)) {
        char legend[256];
        model_x_legend(m, 0, legend, sizeof legend);
        out->legend = util_xstrdup(legend);
    }
    return rc;
}

int model_column_index(struct model *m, const struct model_query *q, const char *name)
{
    struct model_query probe = *q;
    struct model_table t;
    struct collab_err err = { .set = 0 };
    probe.sort_col = -1;
    if (model_query(m, &probe, &t, &err) != 0)
        return -1;
    int found = -1;
    for (size_t c = 0; c < t.ncols && found < 0; c++)
        if (util_strieq(t.cols[c].id, name) || util_strieq(t.cols[c].label, name))
            found = (int)c;
    model_table_free(&t);
    return found;
}

void model_table_free(struct model_table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++)
            free(t->rows[r].cells[c].text);
        free(t->rows[r].cells);
        free(t->rows[r].key);
    }
    for (size_t c = 0; c < t->ncols; c++) {
        free(t->cols[c].id);
        free(t->cols[c].label);
    }
    for (size_t i = 0; i < t->nfindings; i++)
        free(t->findings[i]);
    free(t->findings);
    free(t->rows);
    free(t->cols);
    free(t->title);
    free(t->note);
    free(t->legend);
    memset(t, 0, sizeof *t);
}
