/* The partnership self-evaluation: terms, who may enter and see what, and
 * the entries in the group's evaluation store; see eval.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collab/access.h"
#include "collab/audit.h"
#include "collab/eval.h"
#include "collab/store.h"
#include "collab/util.h"
#include "eval_internal.h"
#include "model_internal.h"

/* A writer waits this long for the lock on each attempt (the TUI saves on a
 * keypress, so a short wait, then a retry, beats one long stall). */
#define EVAL_BUSY_MS 1000

void eval_ctx_from_model(struct model *m, struct eval_ctx *ctx)
{
    ctx->cfg = m->cfg;
    ctx->group = m->group;
    ctx->user = m->user;
    ctx->data_dir = m->data_dir;
    ctx->login = m->login;
}

/* ---- terms ---- */

static const char *const season_names[] = { "spring", "summer", "autumn" };

/* Season index (0 spring, 1 summer, 2 autumn) and year of a term, or -1. */
static int term_parse(const char *term, int *year)
{
    if (!term || strlen(term) < 6 || term[4] != '-')
        return -1;
    for (int i = 0; i < 4; i++)
        if (term[i] < '0' || term[i] > '9')
            return -1;
    *year = atoi(term);
    if (*year < 2000 || *year > 2100)
        return -1;
    for (int s = 0; s < 3; s++)
        if (strcmp(term + 5, season_names[s]) == 0)
            return s;
    return -1;
}

int eval_term_valid(const char *term)
{
    int y;
    return term_parse(term, &y) >= 0;
}

int eval_term_check(const char *term, struct collab_err *err)
{
    if (eval_term_valid(term))
        return 0;
    return collab_err_set(err, "term must look like 2026-autumn (YYYY-autumn, "
                          "YYYY-spring or YYYY-summer), not '%s'", term ? term : "");
}

void eval_term_of(int year, int month, char *buf, size_t size)
{
    int season = month >= 9 ? 2 : month >= 5 ? 1 : 0;
    snprintf(buf, size, "%04d-%s", year, season_names[season]);
}

void eval_term_current(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    eval_term_of(tm.tm_year + 1900, tm.tm_mon + 1, buf, size);
}

void eval_term_before(const char *term, char *buf, size_t size)
{
    int year = 0, season = term_parse(term, &year);
    if (season == 0)
        snprintf(buf, size, "%04d-%s", year - 1, season_names[2]);
    else
        snprintf(buf, size, "%04d-%s", year, season_names[season > 0 ? season - 1 : 0]);
}

int eval_term_compare(const char *a, const char *b)
{
    int ya = 0, yb = 0;
    int sa = term_parse(a, &ya), sb = term_parse(b, &yb);
    if (ya != yb)
        return ya < yb ? -1 : 1;
    return (sa > sb) - (sa < sb);
}

/* ---- access ---- */

static void refuse_audit(const struct eval_ctx *ctx, long urn, const char *msg)
{
    char target[160];
    snprintf(target, sizeof target, "eval:%s:%ld", ctx->group ? ctx->group->id : "", urn);
    audit_log(ctx->data_dir, ctx->login, ctx->user ? ctx->user->id : NULL, "refused",
              target, msg);
}

int eval_may_view(const struct eval_ctx *ctx, struct collab_err *why)
{
    char today[16];
    access_today(today, sizeof today);
    return access_group(ctx->cfg, ctx->group, ctx->user, today, why);
}

int eval_withdrawn(const struct eval_ctx *ctx, size_t i, const char *today)
{
    return cfg_school_withdrawn(ctx->cfg, ctx->group, ctx->group->schools[i], today);
}

static int is_member(const struct cfg_group *g, long urn)
{
    for (size_t i = 0; i < g->nschools; i++)
        if (g->schools[i] == urn)
            return 1;
    return 0;
}

long eval_entry_school(const struct eval_ctx *ctx, struct collab_err *why)
{
    const struct cfg_user *u = ctx->user;
    if (!eval_may_view(ctx, why))
        return 0;
    if (u->role != CFG_ROLE_LEADER && u->role != CFG_ROLE_PARTNERSHIP_LEAD) {
        collab_err_set(why, "only school leaders enter evaluation scores; '%s' is not "
                       "a leader or partnership lead", u->id);
        return 0;
    }
    if (!u->collaborate) {
        collab_err_set(why, "user '%s' does not hold collaborate access", u->id);
        return 0;
    }
    long own = access_user_school(ctx->cfg, u);
    if (!own || !is_member(ctx->group, own)) {
        collab_err_set(why, "only leaders of the member schools of '%s' enter scores; "
                       "'%s' belongs to no member school", ctx->group->id, u->id);
        return 0;
    }
    return own;
}

int eval_may_enter(const struct eval_ctx *ctx, long urn, struct collab_err *why)
{
    long own = eval_entry_school(ctx, why);
    if (!own)
        return 0;
    if (own != urn) {
        const struct cfg_org *o = cfg_school_org(ctx->cfg, own);
        collab_err_set(why, "leaders enter scores for their own school only: '%s' "
                       "(%s, %ld) may not enter for %ld", ctx->user->id,
                       o ? o->name : "school", own, urn);
        return 0;
    }
    return 1;
}

/* ---- the store ---- */

static sqlite3 *open_store(const struct eval_ctx *ctx, int write, struct collab_err *err)
{
    if (ctx->group->own_school) {
        collab_err_set(err, "'%s' is %s on its own: the self-evaluation is a partnership's, "
                       "so choose a group of schools (:group)", ctx->group->id,
                       ctx->group->name);
        return NULL;
    }
    char *path = store_eval_path(ctx->data_dir, ctx->group->id);
    sqlite3 *db = store_open(path, STORE_EVAL, 0, err);
    if (!db && !write) {
        struct collab_err again = { .set = 0 };
        db = store_open(path, STORE_EVAL, STORE_READONLY, &again);
    }
    if (!db && strstr(err->msg, "no such"))
        collab_err_set(err, "%s: no evaluation store for group '%s': ask your "
                       "administrator to run collab publish", path, ctx->group->id);
    free(path);
    if (db)
        sqlite3_busy_timeout(db, EVAL_BUSY_MS);
    return db;
}

/* BEGIN IMMEDIATE, retried while another member holds the write lock. */
static int begin_write(sqlite3 *db, struct collab_err *err)
{
    for (int i = 0; i < EVAL_BUSY_TRIES; i++) {
        int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
            return collab_err_set(err, "cannot write the evaluation store: %s",
                                  sqlite3_errmsg(db));
        struct timespec ts = { 0, 100000000L * (i + 1) };
        nanosleep(&ts, NULL);
    }
    return collab_err_set(err, "the evaluation store is busy (another member is "
                          "saving): nothing was saved, try again");
}

static void now_text(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int evl_theme_find(const struct cfg_eval *ev, const char *theme, size_t *area,
                   size_t *index)
{
    for (size_t a = 0; theme && a < ev->nareas; a++)
        for (size_t t = 0; t < ev->areas[a].nthemes; t++)
            if (strcmp(ev->areas[a].themes[t].id, theme) == 0) {
                if (area)
                    *area = a;
                if (index)
                    *index = t;
                return 0;
            }
    return -1;
}

static int check_theme(const struct cfg_eval *ev, const char *theme, struct collab_err *err)
{
    if (evl_theme_find(ev, theme, NULL, NULL) == 0)
        return 0;
    struct strbuf sb = STRBUF_INIT;
    for (size_t a = 0; a < ev->nareas; a++)
        for (size_t t = 0; t < ev->areas[a].nthemes; t++)
            sb_addf(&sb, "%s%s", sb.len ? ", " : "", ev->areas[a].themes[t].id);
    collab_err_set(err, "no sub-theme '%s' in evaluation.yaml (sub-themes: %s)",
                   theme ? theme : "", sb_str(&sb));
    sb_free(&sb);
    return -1;
}

static int check_score(const struct cfg_eval *ev, int score, struct collab_err *err)
{
    if (score == 0 || (score >= ev->scale_min && score <= ev->scale_max))
        return 0;
    return collab_err_set(err, "score must be %d-%d", ev->scale_min, ev->scale_max);
}

static const char *const target_names[] = { "school", "partnership" };

static int put_score(sqlite3 *db, const struct eval_ctx *ctx, const char *term, long urn,
                     const char *theme, enum eval_target target, int score,
                     struct collab_err *err)
{
    char now[32];
    now_text(now, sizeof now);
    sqlite3_stmt *st = store_prepare(db, score ?
        "INSERT INTO eval_score(term, urn, theme, target, score, author, saved_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(term, urn, theme, target) "
        "DO UPDATE SET "
        "score = excluded.score, author = excluded.author, saved_at = excluded.saved_at"
        : "DELETE FROM eval_score WHERE term = ?1 AND urn = ?2 AND theme = ?3 AND "
          "target = ?4", err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, urn);
    sqlite3_bind_text(st, 3, theme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, target_names[target], -1, SQLITE_STATIC);
    if (score) {
        sqlite3_bind_int(st, 5, score);
        sqlite3_bind_text(st, 6, ctx->user->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return collab_err_set(err, "cannot save the score: %s", sqlite3_errmsg(db));
    return 0;
}

/* Which parts of eval_text a write sets. */
enum text_part { TEXT_WORDS = 1, TEXT_SHARED = 2 };

static const char *blank_null(const char *s)
{
    return s && *s ? s : NULL;
}

static int put_text(sqlite3 *db, const struct eval_ctx *ctx, const char *term, long urn,
                    const char *theme, unsigned parts, const char *strengths,
                    const char *development, int shared, struct collab_err *err)
{
    static const char *const updates[] = {
        [TEXT_WORDS] = "strengths = excluded.strengths, development = excluded.development",
        [TEXT_SHARED] = "shared = excluded.shared",
        [TEXT_WORDS | TEXT_SHARED] = "strengths = excluded.strengths, "
            "development = excluded.development, shared = excluded.shared",
    };
    char now[32];
    now_text(now, sizeof now);
    struct strbuf sql = STRBUF_INIT;
    sb_addf(&sql, "INSERT INTO eval_text(term, urn, theme, strengths, development, shared,"
            " author, saved_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT"
            "(term, urn, theme) DO UPDATE SET %s, author = excluded.author, saved_at = excluded.saved_at",
            updates[parts]);
    sqlite3_stmt *st = store_prepare(db, sb_str(&sql), err);
    sb_free(&sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, urn);
    sqlite3_bind_text(st, 3, theme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, blank_null(strengths), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, blank_null(development), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, shared ? 1 : 0);
    sqlite3_bind_text(st, 7, ctx->user->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return collab_err_set(err, "cannot save the text: %s", sqlite3_errmsg(db));
    return 0;
}

/* What one interactive save writes. */
struct one_save {
    enum { SAVE_SCORE, SAVE_TEXT } kind;
    enum eval_target target;
    int score;
    unsigned parts;
    const char *strengths, *development;
    int shared;
};

/* Check, then write one change of the user's own school in its own
 * transaction. */
static int save_one(const struct eval_ctx *ctx, const char *term, const char *theme,
                    const struct one_save *s, struct collab_err *err)
{
    long urn = eval_entry_school(ctx, err);
    if (!urn) {
        refuse_audit(ctx, access_user_school(ctx->cfg, ctx->user), err->msg);
        return -1;
    }
    if (eval_term_check(term, err) != 0 || check_theme(&ctx->cfg->eval, theme, err) != 0)
        return -1;
    if (s->kind == SAVE_SCORE && check_score(&ctx->cfg->eval, s->score, err) != 0)
        return -1;
    sqlite3 *db = open_store(ctx, 1, err);
    if (!db)
        return -1;
    int rc = begin_write(db, err);
    if (rc == 0)
        rc = s->kind == SAVE_SCORE
           ? put_score(db, ctx, term, urn, theme, s->target, s->score, err)
           : put_text(db, ctx, term, urn, theme, s->parts, s->strengths, s->development,
                      s->shared, err);
    if (rc == 0)
        rc = store_commit(db, err);
    else
        store_rollback(db);
    store_close(db);
    return rc;
}

int eval_save_score(const struct eval_ctx *ctx, const char *term, const char *theme,
                    enum eval_target target, int score, struct collab_err *err)
{
    struct one_save s = { .kind = SAVE_SCORE, .target = target, .score = score };
    return save_one(ctx, term, theme, &s, err);
}

int eval_save_text(const struct eval_ctx *ctx, const char *term, const char *theme,
                   const char *strengths, const char *development,
                   struct collab_err *err)
{
    struct one_save s = { .kind = SAVE_TEXT, .parts = TEXT_WORDS, .strengths = strengths,
                          .development = development };
    return save_one(ctx, term, theme, &s, err);
}

int eval_save_shared(const struct eval_ctx *ctx, const char *term, const char *theme,
                     int shared, struct collab_err *err)
{
    struct one_save s = { .kind = SAVE_TEXT, .parts = TEXT_SHARED, .shared = shared };
    return save_one(ctx, term, theme, &s, err);
}

/* "SOURCE:LINE: column X: " before the message already in err. */
static int entry_fail(const char *source, long line, const char *column,
                      struct collab_err *err)
{
    char msg[COLLAB_ERR_MAX];
    snprintf(msg, sizeof msg, "%s", err->msg);
    if (source)
        return collab_err_at(err, source, line, 0, "column %s: %s", column, msg);
    return collab_err_set(err, "line %ld: column %s: %s", line, column, msg);
}

static int check_entry(const struct eval_ctx *ctx, const char *source,
                       const struct eval_entry *e, struct collab_err *err)
{
    const struct cfg_eval *ev = &ctx->cfg->eval;
    if (eval_term_check(e->term, err) != 0)
        return entry_fail(source, e->line, "term", err);
    if (!eval_may_enter(ctx, e->urn, err)) {
        refuse_audit(ctx, e->urn, err->msg);
        return entry_fail(source, e->line, "urn", err);
    }
    if (check_theme(ev, e->theme, err) != 0)
        return entry_fail(source, e->line, "theme", err);
    if (check_score(ev, e->school_score, err) != 0)
        return entry_fail(source, e->line, "school_score", err);
    if (check_score(ev, e->partnership_score, err) != 0)
        return entry_fail(source, e->line, "partnership_score", err);
    return 0;
}

/* Write whole entries inside the caller's transaction. */
static int put_entries(sqlite3 *db, const struct eval_ctx *ctx,
                       const struct eval_entry *entries, size_t n, struct collab_err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct eval_entry *e = &entries[i];
        rc = put_score(db, ctx, e->term, e->urn, e->theme, EVAL_TARGET_SCHOOL,
                       e->school_score, err);
        if (rc == 0)
            rc = put_score(db, ctx, e->term, e->urn, e->theme, EVAL_TARGET_PARTNERSHIP,
                           e->partnership_score, err);
        if (rc == 0)
            rc = put_text(db, ctx, e->term, e->urn, e->theme, TEXT_WORDS | TEXT_SHARED,
                          e->strengths, e->development, e->shared, err);
    }
    return rc;
}

/* 1 when the store holds any score or text. */
static int has_entries(sqlite3 *db, struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(db, "SELECT EXISTS (SELECT 1 FROM eval_score) OR "
                                     "EXISTS (SELECT 1 FROM eval_text)", err);
    if (!st)
        return -1;
    int rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return rc < 0 ? collab_err_set(err, "cannot read the evaluation store: %s",
                                   sqlite3_errmsg(db)) : rc;
}

/* One transaction of entries; with only_when_empty, nothing when the store
 * has entries already. */
static int write_entries(const struct eval_ctx *ctx, const struct eval_entry *entries,
                         size_t n, int only_when_empty, struct collab_err *err)
{
    sqlite3 *db = open_store(ctx, 1, err);
    if (!db)
        return -1;
    int rc = begin_write(db, err), full = 0;
    if (rc == 0 && only_when_empty && (full = has_entries(db, err)) < 0)
        rc = -1;
    if (rc == 0 && !full)
        rc = put_entries(db, ctx, entries, n, err);
    if (rc == 0)
        rc = store_commit(db, err);
    else
        store_rollback(db);
    store_close(db);
    return rc;
}

int eval_save_entries(const struct eval_ctx *ctx, const char *source,
                      const struct eval_entry *entries, size_t n,
                      struct collab_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (check_entry(ctx, source, &entries[i], err) != 0)
            return -1;
    return write_entries(ctx, entries, n, 0, err);
}

int eval_save_sample(const struct eval_ctx *ctx, const struct eval_entry *entries, size_t n,
                     struct collab_err *err)
{
    return write_entries(ctx, entries, n, 1, err);
}

/* ---- reading ---- */

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? util_xstrdup((const char *)s) : NULL;
}

/* Read one (school, theme) pair into e; 1 when there is anything, 0 when
 * not, -1 when the read failed (e left empty): a failed read must not look
 * like a school that has not scored yet. */
static int read_pair(sqlite3_stmt *sc, sqlite3_stmt *tx, const char *term, long urn,
                     const char *theme, struct eval_entry *e)
{
    int found = 0, rc, rt;
    memset(e, 0, sizeof *e);
    sqlite3_stmt *sts[] = { sc, tx };
    for (int i = 0; i < 2; i++) {
        sqlite3_reset(sts[i]);
        sqlite3_bind_text(sts[i], 1, term, -1, SQLITE_STATIC);
        sqlite3_bind_int64(sts[i], 2, urn);
        sqlite3_bind_text(sts[i], 3, theme, -1, SQLITE_STATIC);
    }
    while ((rc = sqlite3_step(sc)) == SQLITE_ROW) {
        const char *target = (const char *)sqlite3_column_text(sc, 0);
        int score = sqlite3_column_int(sc, 1);
        if (target && strcmp(target, "school") == 0)
            e->school_score = score;
        else
            e->partnership_score = score;
        if (!e->author) {
            e->author = col_text(sc, 2);
            e->saved_at = col_text(sc, 3);
        }
        found = 1;
    }
    if ((rt = sqlite3_step(tx)) == SQLITE_ROW) {
        e->strengths = col_text(tx, 0);
        e->development = col_text(tx, 1);
        e->shared = sqlite3_column_int(tx, 2);
        free(e->author);
        free(e->saved_at);
        e->author = col_text(tx, 3);
        e->saved_at = col_text(tx, 4);
        found = 1;
    }
    if (rc != SQLITE_DONE || (rt != SQLITE_ROW && rt != SQLITE_DONE)) {
        free(e->strengths);
        free(e->development);
        found = -1;
    }
    if (found > 0) {
        e->term = util_xstrdup(term);
        e->urn = urn;
        e->theme = util_xstrdup(theme);
    } else {
        free(e->author);
        free(e->saved_at);
    }
    return found;
}

static void hide(const struct eval_ctx *ctx, struct eval_entry *e)
{
    long own = access_user_school(ctx->cfg, ctx->user);
    if (own == e->urn)
        return;
    if (own) {
        e->school_score = e->partnership_score = 0;
        e->scores_hidden = 1;
    }
    if (!e->shared && (e->strengths || e->development)) {
        free(e->strengths);
        free(e->development);
        e->strengths = e->development = NULL;
        e->text_hidden = 1;
    }
}

/* Every (school, theme) pair of the term with anything entered, in
 * framework order, appended to *out; -1 when a read failed. */
static int read_pairs(const struct eval_ctx *ctx, sqlite3_stmt *sc, sqlite3_stmt *tx,
                      const char *term, int visible, struct eval_entry **out, size_t *n)
{
    const struct cfg_eval *ev = &ctx->cfg->eval;
    size_t cap = 0;
    char today[16];
    access_today(today, sizeof today);
    for (size_t s = 0; s < ctx->group->nschools; s++)
        for (size_t a = 0; a < ev->nareas && !eval_withdrawn(ctx, s, today); a++)
            for (size_t t = 0; t < ev->areas[a].nthemes; t++) {
                struct eval_entry e;
                int got = read_pair(sc, tx, term, ctx->group->schools[s],
                                    ev->areas[a].themes[t].id, &e);
                if (got < 0)
                    return -1;
                if (!got)
                    continue;
                if (visible)
                    hide(ctx, &e);
                if (*n == cap) {
                    cap = cap ? 2 * cap : 32;
                    *out = util_xrealloc(*out, cap * sizeof **out);
                }
                (*out)[(*n)++] = e;
            }
    return 0;
}

int evl_read(const struct eval_ctx *ctx, const char *term, int visible,
             struct eval_entry **out, size_t *n, struct collab_err *err)
{
    *out = NULL;
    *n = 0;
    if (!eval_may_view(ctx, err)) {
        refuse_audit(ctx, 0, err->msg);
        return -1;
    }
    if (eval_term_check(term, err) != 0)
        return -1;
    sqlite3 *db = open_store(ctx, 0, err);
    if (!db)
        return -1;
    sqlite3_stmt *sc = store_prepare(db, "SELECT target, score, author, saved_at FROM "
        "eval_score WHERE term = ?1 AND urn = ?2 AND theme = ?3 AND score IS NOT NULL", err);
    sqlite3_stmt *tx = sc ? store_prepare(db, "SELECT strengths, development, shared, "
        "author, saved_at FROM eval_text WHERE term = ?1 AND urn = ?2 AND theme = ?3", err)
        : NULL;
    if (!sc || !tx) {
        sqlite3_finalize(sc);
        store_close(db);
        return -1;
    }
    int rc = read_pairs(ctx, sc, tx, term, visible, out, n);
    if (rc != 0) {
        collab_err_set(err, "cannot read the evaluation store: %s", sqlite3_errmsg(db));
        eval_entries_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    sqlite3_finalize(sc);
    sqlite3_finalize(tx);
    store_close(db);
    return rc;
}

int eval_list(const struct eval_ctx *ctx, const char *term, struct eval_entry **out,
              size_t *n, struct collab_err *err)
{
    return evl_read(ctx, term, 1, out, n, err);
}

void eval_entries_free(struct eval_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].term);
        free(e[i].theme);
        free(e[i].strengths);
        free(e[i].development);
        free(e[i].author);
        free(e[i].saved_at);
    }
    free(e);
}

static int term_cmp(const void *a, const void *b)
{
    return eval_term_compare(*(char *const *)a, *(char *const *)b);
}

int eval_terms(const struct eval_ctx *ctx, char ***out, size_t *n, struct collab_err *err)
{
    *out = NULL;
    *n = 0;
    if (!eval_may_view(ctx, err)) {
        refuse_audit(ctx, 0, err->msg);
        return -1;
    }
    sqlite3 *db = open_store(ctx, 0, err);
    if (!db)
        return -1;
    sqlite3_stmt *st = store_prepare(db, "SELECT term FROM eval_score UNION "
                                     "SELECT term FROM eval_text", err);
    if (!st) {
        store_close(db);
        return -1;
    }
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!eval_term_valid(t))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            *out = util_xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] = util_xstrdup(t);
    }
    rc = store_rows_done(st, rc, err);
    store_close(db);
    if (rc != 0)
        return -1;
    if (*n > 1)
        qsort(*out, *n, sizeof **out, term_cmp);
    return 0;
}

void eval_terms_free(char **terms, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(terms[i]);
    free(terms);
}
