/*
 * One importer per kind of CSV file (docs/FORMATS.md): the columns, the
 * checks a row must pass and the upsert that writes it. Lookups a row needs
 * (schools, subjects) are loaded once; a pupil is looked up only when the
 * pupil id differs from the previous row's, since files list a pupil's rows
 * together.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "collab/ks4.h"
#include "collab/store.h"
#include "collab/util.h"
#include "import_internal.h"

#define COUNT(a) (sizeof (a) / sizeof (a)[0])
#define MAX_STMTS 3

/* At most this many pupils' measures are read back from the store, one by
 * one, after a results file; with more, their years are derived whole. */
#define REDO_MAX 65536

/* Rows of results written by one statement: a statement's start and end
 * (cursors, journal bookkeeping) cost as much as the row itself. Only the
 * rows of pupils with no stored results are batched: they cannot conflict
 * (duplicates in the file are refused before), so the batch is a plain
 * INSERT OR FAIL, which needs no statement journal; an upsert of many rows
 * would copy every page it touches into one. */
#define BATCH 64

/* Result rows waiting for the batch statement; their text copied out of the
 * reader's buffer, which the next record reuses. */
struct pending {
    struct strbuf text;             /* pupil, subject, grade; NUL after each */
    size_t off[BATCH][3];
    double points[BATCH];
    long line[BATCH];
    size_t n;
};

/* Pupil rows waiting for the batch statement (PUPIL_BATCH rows of
 * PUPIL_PARAMS values): each row's statement rebuilds the IN-list CHECKs of
 * the pupil table (three temporary b-trees), a batch builds them once. */
#define PUPIL_BATCH 48
#define PUPIL_PARAMS 17
#define NO_TEXT ((size_t)-1)

struct pupil_row {
    long urn, year, ks, fsm6, eal, cla, reading, maths;
    int gender, sen, writing;
    int have_cla, have_reading, have_maths, have_writing;
    int have_prior, group;          /* group -1: none */
    double prior;
    size_t id, name, ethnicity;     /* offsets into the text, or NO_TEXT */
    long line;
};

struct pupil_pending {
    struct strbuf text;
    struct pupil_row rows[PUPIL_BATCH];
    size_t n;
};

/* The results of the pupil being read, when the file holds all of them:
 * it had none stored and its rows are the first run of its id. Its
 * measures are then worked out from these rows, not read back. */
struct stream {
    int on;
    struct imp_ks4_pupil p;         /* p.id is last_pupil */
    struct ks4_entry *e;
    size_t n, cap;
};

/* The state every kind keeps between rows. */
struct kind_state {
    sqlite3_stmt *st[MAX_STMTS];
    struct pending *pending;        /* results */
    struct pupil_pending *pupils;   /* pupils */
    struct imp_ks4 *ks4;            /* results and pupils */
    struct stream stream;           /* results */
    struct imp_keyset redo;         /* results: pupils to work out again */
    int redo_over;                  /* more than REDO_MAX: derive the years */
    unsigned char redo_years[IMP_YEAR_MAX - IMP_YEAR_MIN + 1];
    struct imp_keyset known;        /* schools (urn) or subjects (code) */
    char **codes;                   /* subject codes, for "did you mean" */
    size_t ncodes;
    char *last_pupil;               /* the previous row's pupil id */
    int last_found, last_ks;
    int last_stored;                /* results: the pupil had results before */
    long last_year;
};

static struct kind_state *state(struct imp_ctx *c)
{
    if (!c->state)
        c->state = util_xcalloc(1, sizeof(struct kind_state));
    return c->state;
}

static void end_state(struct imp_ctx *c)
{
    struct kind_state *s = c->state;
    if (!s)
        return;
    for (int i = 0; i < MAX_STMTS; i++)
        sqlite3_finalize(s->st[i]);
    imp_keyset_free(&s->known);
    for (size_t i = 0; i < s->ncodes; i++)
        free(s->codes[i]);
    free(s->codes);
    free(s->last_pupil);
    if (s->pending)
        sb_free(&s->pending->text);
    free(s->pending);
    if (s->pupils)
        sb_free(&s->pupils->text);
    free(s->pupils);
    imp_ks4_free(s->ks4);
    free(s->stream.e);
    imp_keyset_free(&s->redo);
    free(s);
    c->state = NULL;
}

static int prepare(struct imp_ctx *c, int i, const char *sql)
{
    struct kind_state *s = state(c);
    s->st[i] = store_prepare(c->db, sql, c->err);
    return s->st[i] ? 0 : -1;
}

/* Writes stop at the first problem: the file is rolled back anyway. */
static int writing(const struct imp_ctx *c)
{
    return c->rep->total == 0;
}

static void bind_opt_long(sqlite3_stmt *st, int idx, int have, long v)
{
    if (have > 0)
        sqlite3_bind_int64(st, idx, v);
    else
        sqlite3_bind_null(st, idx);
}

static void bind_opt_double(sqlite3_stmt *st, int idx, int have, double v)
{
    if (have > 0)
        sqlite3_bind_double(st, idx, v);
    else
        sqlite3_bind_null(st, idx);
}

/* ---- schools ---- */

enum { SC_URN, SC_NAME, SC_PHASE, SC_DFE, SC_LA_CODE, SC_LA_NAME, SC_TYPE };
static const struct imp_col school_cols[] = {
    { "urn", 1 }, { "name", 1 }, { "phase", 1 }, { "dfe_number", 0 },
    { "la_code", 0 }, { "la_name", 0 }, { "type", 0 },
};
static const char *const phases[] = { "primary", "secondary", "all-through", "special" };

static int school_begin(struct imp_ctx *c)
{
    return prepare(c, 0,
        "INSERT INTO school(urn, name, phase, dfe_number, la_code, la_name, type) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(urn) DO UPDATE SET "
        "name = excluded.name, phase = excluded.phase, dfe_number = excluded.dfe_number, "
        "la_code = excluded.la_code, la_name = excluded.la_name, type = excluded.type");
}

static int school_row(struct imp_ctx *c)
{
    long urn = 0, dfe = 0, la = 0;
    int phase = 0;
    int ok = imp_long(c, SC_URN, 100000, 999999, &urn) > 0;
    ok &= imp_choice(c, SC_PHASE, phases, COUNT(phases), &phase) > 0;
    int have_dfe = imp_long(c, SC_DFE, 1000000, 9999999, &dfe);
    int have_la = imp_long(c, SC_LA_CODE, 100, 999, &la);
    if (!ok || have_dfe < 0 || have_la < 0 || !writing(c))
        return 0;
    sqlite3_stmt *st = state(c)->st[0];
    sqlite3_bind_int64(st, 1, urn);
    imp_bind_text(st, 2, c->vals[SC_NAME]);
    sqlite3_bind_text(st, 3, phases[phase], -1, SQLITE_STATIC);
    bind_opt_long(st, 4, have_dfe, dfe);
    bind_opt_long(st, 5, have_la, la);
    imp_bind_text(st, 6, c->vals[SC_LA_NAME]);
    imp_bind_text(st, 7, c->vals[SC_TYPE]);
    return imp_step(c, st);
}

/* ---- subjects ---- */

enum { SU_CODE, SU_NAME, SU_PILLAR, SU_QUAL, SU_DOUBLE };
static const struct imp_col subject_cols[] = {
    { "code", 1 }, { "name", 1 }, { "ebacc_pillar", 1 }, { "qualification", 0 },
    { "double_award", 0 },
};
static const char *const pillars[] = {
    "english_language", "english_literature", "maths", "science", "humanities",
    "language", "none",
};

static int subject_begin(struct imp_ctx *c)
{
    c->all_years = 1;    /* a pillar may change any pupil's measures */
    return prepare(c, 0,
        "INSERT INTO subject(code, name, ebacc_pillar, qualification, double_award) "
        "VALUES (?1, ?2, ?3, coalesce(?4, 'GCSE'), coalesce(?5, 0)) "
        "ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
        "ebacc_pillar = excluded.ebacc_pillar, qualification = excluded.qualification, "
        "double_award = excluded.double_award");
}

static int valid_code(const char *s)
{
    size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    return n == strlen(s) && n <= 32;
}

static int subject_row(struct imp_ctx *c)
{
    int pillar = 0;
    long dbl = 0;
    int ok = 1;
    if (!valid_code(c->vals[SU_CODE])) {
        imp_problem(c, SU_CODE, "'%s' is not a subject code (letters, digits and _, "
                    "at most 32)", c->vals[SU_CODE]);
        ok = 0;
    }
    ok &= imp_choice(c, SU_PILLAR, pillars, COUNT(pillars), &pillar) > 0;
    int have_dbl = imp_flag(c, SU_DOUBLE, &dbl);
    if (!ok || have_dbl < 0 || !writing(c))
        return 0;
    sqlite3_stmt *st = state(c)->st[0];
    imp_bind_text(st, 1, c->vals[SU_CODE]);
    imp_bind_text(st, 2, c->vals[SU_NAME]);
    sqlite3_bind_text(st, 3, pillars[pillar], -1, SQLITE_STATIC);
    imp_bind_text(st, 4, c->vals[SU_QUAL]);
    bind_opt_long(st, 5, have_dbl, dbl);
    return imp_step(c, st);
}

/* A subject's double_award must still fit the grades already stored. */
static int subject_finish(struct imp_ctx *c)
{
    sqlite3_stmt *st = store_prepare(c->db,
        "SELECT r.subject, r.pupil, r.grade, s.double_award FROM result r "
        "JOIN subject s ON s.code = r.subject "
        "WHERE s.double_award <> (r.grade LIKE '_-_') LIMIT 1", c->err);
    if (!st)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        long line = 0;
        imp_keyset_get(&c->keys, code, strlen(code), &line);
        imp_problem_at(c, line, SU_DOUBLE, "%s would be %s double award, but pupil %s "
                       "has grade %s in it", code,
                       sqlite3_column_int(st, 3) ? "a" : "no",
                       (const char *)sqlite3_column_text(st, 1),
                       (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return 0;
}

/* ---- pupils ---- */

enum { PU_ID, PU_URN, PU_YEAR, PU_KS, PU_GENDER, PU_FSM6, PU_EAL, PU_SEN,
       PU_NAME, PU_CLA, PU_ETHNICITY, PU_READING, PU_MATHS, PU_WRITING };
static const struct imp_col pupil_cols[] = {
    { "pupil_id", 1 }, { "urn", 1 }, { "year", 1 }, { "key_stage", 1 },
    { "gender", 1 }, { "fsm6", 1 }, { "eal", 1 }, { "sen", 1 },
    { "display_name", 0 }, { "cla", 0 }, { "ethnicity", 0 }, { "ks2_reading", 0 },
    { "ks2_maths", 0 }, { "ks2_writing", 0 },
};
static const char *const genders[] = { "F", "M" };
static const char *const sens[] = { "N", "K", "E" };
static const char *const writing_codes[] = { "PKF", "WTS", "EXS", "GDS" };

static int load_keys(struct imp_ctx *c, const char *sql)
{
    struct kind_state *s = state(c);
    sqlite3_stmt *st = store_prepare(c->db, sql, c->err);
    if (!st)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        long value = sqlite3_column_int(st, 1);
        enum ks4_pillar pillar = KS4_NONE;
        /* A fourth column, a subject's pillar: value is double_award, and
         * the pillar times two. */
        const char *name = sqlite3_column_count(st) > 3
                           ? (const char *)sqlite3_column_text(st, 3) : NULL;
        if (name && ks4_pillar_parse(name, &pillar) == 0)
            value += 2 * (long)pillar;
        imp_keyset_put(&s->known, k, strlen(k), value, NULL);
        if (sqlite3_column_int(st, 2)) {
            s->codes = util_xrealloc(s->codes, (s->ncodes + 1) * sizeof *s->codes);
            s->codes[s->ncodes++] = util_xstrdup(k);
        }
    }
    sqlite3_finalize(st);
    return 0;
}

#define PUPIL_INSERT "INSERT INTO pupil(id, school, year, key_stage, gender, fsm6, " \
    "eal, sen, display_name, cla, ethnicity, ks2_reading, ks2_maths, ks2_writing, " \
    "prior_score, prior_band, prior_group) VALUES "
#define PUPIL_VALUES "(?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, 0), ?, ?, ?, ?, ?, ?, ?)"
#define PUPIL_UPSERT " ON CONFLICT(id) DO UPDATE SET " \
    "school = excluded.school, year = excluded.year, key_stage = excluded.key_stage, " \
    "gender = excluded.gender, fsm6 = excluded.fsm6, eal = excluded.eal, " \
    "sen = excluded.sen, display_name = excluded.display_name, cla = excluded.cla, " \
    "ethnicity = excluded.ethnicity, ks2_reading = excluded.ks2_reading, " \
    "ks2_maths = excluded.ks2_maths, ks2_writing = excluded.ks2_writing, " \
    "prior_score = excluded.prior_score, prior_band = excluded.prior_band, " \
    "prior_group = excluded.prior_group"

static int pupil_begin(struct imp_ctx *c)
{
    struct kind_state *s = state(c);
    struct strbuf sql = STRBUF_INIT;
    if (load_keys(c, "SELECT urn, 0, 0 FROM school") != 0
        || !(s->ks4 = imp_ks4_new(c->db, c->err)))
        return -1;
    s->pupils = util_xcalloc(1, sizeof *s->pupils);
    sb_add(&sql, PUPIL_INSERT);
    for (int i = 0; i < PUPIL_BATCH; i++)
        sb_add(&sql, i ? ", " PUPIL_VALUES : PUPIL_VALUES);
    sb_add(&sql, PUPIL_UPSERT);
    int rc = prepare(c, 1, sb_str(&sql));
    sb_free(&sql);
    if (rc != 0)
        return -1;
    return prepare(c, 0, PUPIL_INSERT PUPIL_VALUES PUPIL_UPSERT);
}

static int pupil_parse(struct imp_ctx *c, struct pupil_row *p)
{
    int ok = imp_long(c, PU_URN, 100000, 999999, &p->urn) > 0;
    ok &= imp_long(c, PU_YEAR, IMP_YEAR_MIN, IMP_YEAR_MAX, &p->year) > 0;
    if (ok && !imp_keyset_get(&state(c)->known, c->vals[PU_URN],
                              strlen(c->vals[PU_URN]), NULL)) {
        imp_problem(c, PU_URN, "no school with URN %ld (import schools first)", p->urn);
        ok = 0;
    }
    if (imp_long(c, PU_KS, 2, 4, &p->ks) > 0 && p->ks == 3) {
        imp_problem(c, PU_KS, "3 is not a key stage collab uses (2 or 4)");
        ok = 0;
    }
    ok &= imp_choice(c, PU_GENDER, genders, COUNT(genders), &p->gender) > 0;
    ok &= imp_flag(c, PU_FSM6, &p->fsm6) > 0;
    ok &= imp_flag(c, PU_EAL, &p->eal) > 0;
    ok &= imp_choice(c, PU_SEN, sens, COUNT(sens), &p->sen) > 0;
    ok &= (p->have_cla = imp_flag(c, PU_CLA, &p->cla)) >= 0;
    ok &= (p->have_reading = imp_long(c, PU_READING, 80, 120, &p->reading)) >= 0;
    ok &= (p->have_maths = imp_long(c, PU_MATHS, 80, 120, &p->maths)) >= 0;
    ok &= (p->have_writing = imp_choice(c, PU_WRITING, writing_codes,
                                        COUNT(writing_codes), &p->writing)) >= 0;
    return ok && c->rep->total == 0;
}

static size_t pupil_text(struct pupil_pending *pp, const char *v)
{
    if (!v)
        return NO_TEXT;
    size_t off = pp->text.len;
    sb_addn(&pp->text, v, strlen(v) + 1);
    return off;
}

static void bind_pupil_text(sqlite3_stmt *st, int idx, const struct pupil_pending *pp,
                            size_t off)
{
    if (off == NO_TEXT)
        sqlite3_bind_null(st, idx);
    else
        sqlite3_bind_text(st, idx, pp->text.buf + off, -1, SQLITE_STATIC);
}

/* Bind one row's PUPIL_PARAMS values from parameter base on. */
static void bind_pupil(sqlite3_stmt *st, int base, const struct pupil_pending *pp,
                       const struct pupil_row *p)
{
    bind_pupil_text(st, base, pp, p->id);
    sqlite3_bind_int64(st, base + 1, p->urn);
    sqlite3_bind_int64(st, base + 2, p->year);
    sqlite3_bind_int64(st, base + 3, p->ks);
    sqlite3_bind_text(st, base + 4, genders[p->gender], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, base + 5, p->fsm6);
    sqlite3_bind_int64(st, base + 6, p->eal);
    sqlite3_bind_text(st, base + 7, sens[p->sen], -1, SQLITE_STATIC);
    bind_pupil_text(st, base + 8, pp, p->name);
    bind_opt_long(st, base + 9, p->have_cla, p->cla);
    bind_pupil_text(st, base + 10, pp, p->ethnicity);
    bind_opt_long(st, base + 11, p->have_reading, p->reading);
    bind_opt_long(st, base + 12, p->have_maths, p->maths);
    imp_bind_text(st, base + 13, p->have_writing > 0 ? writing_codes[p->writing] : NULL);
    bind_opt_double(st, base + 14, p->have_prior, p->prior);
    imp_bind_text(st, base + 15, p->have_prior ? ks4_prior_band(p->prior) : NULL);
    bind_opt_long(st, base + 16, p->group >= 0, p->group);
}

/* Write the pending pupils: all at once when there are PUPIL_BATCH, else
 * (at the end, or to find the row the store refused) one at a time. */
static int flush_pupils(struct imp_ctx *c)
{
    struct kind_state *s = state(c);
    struct pupil_pending *pp = s->pupils;
    long line = c->line;
    int rc = 0;
    if (pp->n == PUPIL_BATCH) {
        for (size_t i = 0; i < PUPIL_BATCH; i++)
            bind_pupil(s->st[1], 1 + PUPIL_PARAMS * (int)i, pp, &pp->rows[i]);
        rc = sqlite3_step(s->st[1]);
        sqlite3_reset(s->st[1]);
        if (rc == SQLITE_DONE) {
            pp->n = 0;
            sb_reset(&pp->text);
            return 0;
        }
        /* Anything but a refused row may have rolled the transaction back. */
        if ((rc & 0xff) != SQLITE_CONSTRAINT)
            return collab_err_set(c->err, "%s:%ld: store error: %s", c->name,
                                  pp->rows[0].line, sqlite3_errmsg(c->db));
        /* The statement's rows were undone: redo them one by one, so that a
         * refusal names its own line. */
    }
    rc = 0;
    for (size_t i = 0; i < pp->n && rc == 0; i++) {
        c->line = pp->rows[i].line;
        bind_pupil(s->st[0], 1, pp, &pp->rows[i]);
        rc = imp_step(c, s->st[0]);
    }
    c->line = line;
    pp->n = 0;
    sb_reset(&pp->text);
    return rc;
}

static int pupil_row(struct imp_ctx *c)
{
    struct kind_state *s = state(c);
    struct pupil_pending *pp = s->pupils;
    struct pupil_row *p = &pp->rows[pp->n];
    memset(p, 0, sizeof *p);
    if (!pupil_parse(c, p) || !writing(c))
        return 0;
    imp_touch_year(c, p->year);
    p->have_prior = p->ks == 4
                    && ks4_prior_score(p->have_reading > 0 ? (int)p->reading : -1,
                                       p->have_maths > 0 ? (int)p->maths : -1, &p->prior) == 0;
    /* The prior group the derive would give, so that it has none to change. */
    p->group = -1;
    if (p->ks == 4 && imp_ks4_group(s->ks4, p->year, p->have_prior, p->prior,
                                    &p->group) != 0)
        return -1;
    p->id = pupil_text(pp, c->vals[PU_ID]);
    p->name = pupil_text(pp, c->vals[PU_NAME]);
    p->ethnicity = pupil_text(pp, c->vals[PU_ETHNICITY]);
    p->line = c->line;
    return ++pp->n == PUPIL_BATCH ? flush_pupils(c) : 0;
}

static int pupil_finish(struct imp_ctx *c)
{
    return flush_pupils(c);
}

/* ---- the pupil a results or attendance row is about ---- */

/* 1 if the row's pupil exists (and is of key stage ks when ks > 0), else a
 * problem and 0; -1 on a store failure. */
static int find_pupil(struct imp_ctx *c, int col, long ks)
{
    struct kind_state *s = state(c);
    const char *id = c->vals[col];
    if (!s->last_pupil || strcmp(s->last_pupil, id) != 0) {
        sqlite3_stmt *st = s->st[1];
        free(s->last_pupil);
        s->last_pupil = util_xstrdup(id);
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        s->last_found = rc == SQLITE_ROW;
        if (s->last_found) {
            s->last_year = sqlite3_column_int(st, 0);
            s->last_ks = sqlite3_column_int(st, 1);
            s->last_stored = sqlite3_column_count(st) > 2 && sqlite3_column_int(st, 2);
        }
        if (s->last_found && sqlite3_column_count(st) > 5) {
            struct imp_ks4_pupil *p = &s->stream.p;
            p->id = s->last_pupil;
            p->year = s->last_year;
            p->rowid = sqlite3_column_int64(st, 3);
            p->has_prior = sqlite3_column_type(st, 4) != SQLITE_NULL;
            p->prior = sqlite3_column_double(st, 4);
            p->old_group = sqlite3_column_int(st, 5);
        }
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return collab_err_set(c->err, "%s:%ld: store error: %s", c->name, c->line,
                                  sqlite3_errmsg(c->db));
    }
    if (!s->last_found) {
        imp_problem(c, col, "no pupil %s (import pupils first)", id);
        return 0;
    }
    if (ks > 0 && s->last_ks != ks) {
        imp_problem(c, col, "pupil %s is a key stage %d pupil; results are for key "
                    "stage %ld", id, s->last_ks, ks);
        return 0;
    }
    return 1;
}

static int prepare_pupil_lookup(struct imp_ctx *c)
{
    return prepare(c, 1, "SELECT year, key_stage FROM pupil WHERE id = ?");
}

/* ---- results ---- */

enum { RE_PUPIL, RE_SUBJECT, RE_GRADE };
static const struct imp_col result_cols[] = {
    { "pupil_id", 1 }, { "subject", 1 }, { "grade", 1 },
};

#define RESULT_UPSERT " ON CONFLICT(pupil, subject) DO UPDATE SET " \
    "grade = excluded.grade, points = excluded.points"

/* 1 when the store holds any result, 0 when none, -1 on a read error. */
static int any_results(struct imp_ctx *c)
{
    sqlite3_stmt *st = store_prepare(c->db, "SELECT EXISTS (SELECT 1 FROM result)",
                                     c->err);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    int any = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (any < 0)
        collab_err_set(c->err, "cannot read results: %s", sqlite3_errmsg(c->db));
    return any;
}

static int result_begin(struct imp_ctx *c)
{
    struct strbuf sql = STRBUF_INIT;
    int any = any_results(c);
    if (any < 0 || load_keys(c, "SELECT code, double_award, 1, ebacc_pillar FROM subject "
                             "ORDER BY code") != 0)
        return -1;
    /* With no result stored before, a pupil's are all in this file. */
    sb_addf(&sql, "SELECT year, key_stage, %s, rowid, prior_score, "
            "coalesce(prior_group, -1) FROM pupil WHERE id = ?1",
            any ? "EXISTS (SELECT 1 FROM result WHERE pupil = ?1)" : "0");
    int rc = prepare(c, 1, sb_str(&sql));
    sb_reset(&sql);
    if (rc != 0 || !(state(c)->ks4 = imp_ks4_new(c->db, c->err))) {
        sb_free(&sql);
        return -1;
    }
    sb_add(&sql, "INSERT OR FAIL INTO result(pupil, subject, grade, points) VALUES ");
    for (int i = 0; i < BATCH; i++)
        sb_add(&sql, i ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
    rc = prepare(c, 2, sb_str(&sql));
    sb_free(&sql);
    state(c)->pending = util_xcalloc(1, sizeof(struct pending));
    if (rc != 0)
        return -1;
    return prepare(c, 0, "INSERT INTO result(pupil, subject, grade, points) "
                   "VALUES (?1, ?2, ?3, ?4)" RESULT_UPSERT);
}

static void bind_result(sqlite3_stmt *st, int col, const struct pending *p, size_t i)
{
    for (int k = 0; k < 3; k++)
        sqlite3_bind_text(st, col + k, p->text.buf + p->off[i][k], -1, SQLITE_STATIC);
    sqlite3_bind_double(st, col + 3, p->points[i]);
}

/* Write the pending rows: all at once when there are BATCH, else (at the
 * end, or to find which row the store refused) one at a time. */
static int flush_results(struct imp_ctx *c)
{
    struct kind_state *s = state(c);
    struct pending *p = s->pending;
    long line = c->line;
    int rc = 0;
    if (p->n == BATCH) {
        for (size_t i = 0; i < BATCH; i++)
            bind_result(s->st[2], 1 + 4 * (int)i, p, i);
        rc = sqlite3_step(s->st[2]);
        sqlite3_reset(s->st[2]);
        if (rc == SQLITE_DONE) {
            p->n = 0;
            sb_reset(&p->text);
            return 0;
        }
        /* Anything but a refused row (an interrupt, a full disk) may have
         * rolled the transaction back: nothing more may be written. */
        if ((rc & 0xff) != SQLITE_CONSTRAINT)
            return collab_err_set(c->err, "%s:%ld: store error: %s", c->name,
                                  p->line[0], sqlite3_errmsg(c->db));
        /* Redo the batch row by row (upserts, so the rows it wrote before
         * failing are no conflict): each refusal then names its own line. */
    }
    rc = 0;
    for (size_t i = 0; i < p->n && rc == 0; i++) {
        c->line = p->line[i];
        bind_result(s->st[0], 1, p, i);
        rc = imp_step(c, s->st[0]);
    }
    c->line = line;
    p->n = 0;
    sb_reset(&p->text);
    return rc;
}

static void add_text(struct pending *p, int k, const char *s)
{
    p->off[p->n][k] = p->text.len;
    sb_addn(&p->text, s, strlen(s) + 1);
}

static int queue_result(struct imp_ctx *c, double points)
{
    struct pending *p = state(c)->pending;
    add_text(p, 0, c->vals[RE_PUPIL]);
    add_text(p, 1, c->vals[RE_SUBJECT]);
    add_text(p, 2, c->vals[RE_GRADE]);
    p->points[p->n] = points;
    p->line[p->n++] = c->line;
    return p->n == BATCH ? flush_results(c) : 0;
}

/* Write the measures of the pupil whose rows were streamed. */
static int end_stream(struct imp_ctx *c)
{
    struct kind_state *s = state(c);
    struct stream *m = &s->stream;
    int rc = 0;
    if (m->on && writing(c))
        rc = imp_ks4_write(s->ks4, &m->p, m->e, m->n, 0);
    m->on = 0;
    m->n = 0;
    return rc;
}

/* The current pupil's measures must be read back from the store at the end
 * (a few pupils) or its year derived again whole (many). */
static void redo_pupil(struct imp_ctx *c)
{
    struct kind_state *s = state(c);
    const char *id = s->last_pupil;
    if (s->last_year >= IMP_YEAR_MIN && s->last_year <= IMP_YEAR_MAX)
        s->redo_years[s->last_year - IMP_YEAR_MIN] = 1;
    if (s->redo_over)
        return;
    imp_keyset_put(&s->redo, id, strlen(id), 0, NULL);
    if (s->redo.n > REDO_MAX) {
        s->redo_over = 1;
        imp_keyset_free(&s->redo);
    }
}

static int redo_one(const char *id, size_t len, long value, void *arg)
{
    (void)value;
    return imp_ks4_redo(arg, id, len);
}

static int result_finish(struct imp_ctx *c)
{
    struct kind_state *s = state(c);
    if (flush_results(c) != 0 || end_stream(c) != 0)
        return -1;
    if (s->redo_over) {
        for (long y = IMP_YEAR_MIN; y <= IMP_YEAR_MAX; y++)
            if (s->redo_years[y - IMP_YEAR_MIN])
                imp_touch_year(c, y);
    } else if (imp_keyset_each(&s->redo, redo_one, s->ks4) != 0) {
        return -1;
    }
    return imp_ks4_flush(s->ks4);
}

/* The row's pupil, as find_pupil; on a new pupil the previous one's
 * streamed measures are written and the new one's way decided. */
static int result_pupil(struct imp_ctx *c)
{
    struct kind_state *s = state(c);
    const char *id = c->vals[RE_PUPIL];
    int change = !s->last_pupil || strcmp(s->last_pupil, id) != 0;
    if (change && end_stream(c) != 0)
        return -1;
    int found = find_pupil(c, RE_PUPIL, 4);
    if (found > 0 && change) {
        /* Stored results, or rows of this pupil earlier in the file (maybe
         * still pending): the file's rows are not all its results. */
        s->stream.on = !s->last_stored && !c->first_repeat;
        if (!s->stream.on)
            redo_pupil(c);
    }
    return found;
}

static void stream_entry(struct stream *m, long subject, int g1, int g2)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->e = util_xrealloc(m->e, m->cap * sizeof *m->e);
    }
    m->e[m->n].pillar = (enum ks4_pillar)(subject >> 1);
    m->e[m->n].g1 = g1;
    m->e[m->n++].g2 = g2;
}

static void unknown_subject(struct imp_ctx *c, const char *code)
{
    struct kind_state *s = state(c);
    const char *best = NULL;
    int bestd = 3;
    for (size_t i = 0; i < s->ncodes; i++) {
        int d = util_edit_distance(code, s->codes[i]);
        if (d < bestd) {
            bestd = d;
            best = s->codes[i];
        }
    }
    if (best)
        imp_problem(c, RE_SUBJECT, "unknown subject %s (did you mean %s?)", code, best);
    else
        imp_problem(c, RE_SUBJECT, "unknown subject %s (import subjects first)", code);
}

static void bad_grade(struct imp_ctx *c, const char *subject, int dbl)
{
    const char *g = c->vals[RE_GRADE];
    int g1, g2;
    if (!dbl && ks4_grade_parse(g, 1, &g1, &g2) == 0)
        imp_problem(c, RE_GRADE, "'%s' is a double-award grade, but %s is a single "
                    "award", g, subject);
    else if (dbl && ks4_grade_parse(g, 0, &g1, &g2) == 0)
        imp_problem(c, RE_GRADE, "%s is a double award: give two grades such as 6-5 "
                    "(got '%s')", subject, g);
    else if (dbl)
        imp_problem(c, RE_GRADE, "'%s' is not a double-award grade (two grades 9 to 1 "
                    "or U, the higher first and at most one apart, such as 6-5)", g);
    else
        imp_problem(c, RE_GRADE, "'%s' is not a grade (9 to 1 or U)", g);
}

static int result_row(struct imp_ctx *c)
{
    struct kind_state *s = state(c);
    const char *code = c->vals[RE_SUBJECT];
    long subject = 0;       /* double_award, and the pillar times two */
    int g1 = 0, g2 = 0, ok = 1;
    if (!imp_keyset_get(&s->known, code, strlen(code), &subject)) {
        unknown_subject(c, code);
        ok = 0;
    } else if (ks4_grade_parse(c->vals[RE_GRADE], (int)(subject & 1), &g1, &g2) != 0) {
        bad_grade(c, code, (int)(subject & 1));
        ok = 0;
    }
    int found = result_pupil(c);
    if (found < 0)
        return -1;
    if (!ok || !found || !writing(c))
        return 0;
    if (s->stream.on)
        stream_entry(&s->stream, subject, g1, g2);
    if (!s->last_stored)
        return queue_result(c, ks4_points(g1, g2));
    sqlite3_stmt *st = s->st[0];
    imp_bind_text(st, 1, c->vals[RE_PUPIL]);
    imp_bind_text(st, 2, code);
    imp_bind_text(st, 3, c->vals[RE_GRADE]);
    sqlite3_bind_double(st, 4, ks4_points(g1, g2));
    return imp_step(c, st);
}

/* ---- attendance ---- */

enum { AT_PUPIL, AT_POSSIBLE, AT_MISSED };
static const struct imp_col attendance_cols[] = {
    { "pupil_id", 1 }, { "sessions_possible", 1 }, { "sessions_missed", 1 },
};

static int attendance_begin(struct imp_ctx *c)
{
    if (prepare_pupil_lookup(c) != 0)
        return -1;
    return prepare(c, 0,
        "INSERT INTO attendance(pupil, sessions_possible, sessions_missed) "
        "VALUES (?1, ?2, ?3) ON CONFLICT(pupil) DO UPDATE SET "
        "sessions_possible = excluded.sessions_possible, "
        "sessions_missed = excluded.sessions_missed");
}

static int attendance_row(struct imp_ctx *c)
{
    long possible = 0, missed = 0;
    int ok = imp_long(c, AT_POSSIBLE, 1, 1000, &possible) > 0;
    ok &= imp_long(c, AT_MISSED, 0, 1000, &missed) > 0;
    if (ok && missed > possible) {
        imp_problem(c, AT_MISSED, "%ld is more than sessions_possible (%ld)", missed,
                    possible);
        ok = 0;
    }
    int found = find_pupil(c, AT_PUPIL, 0);
    if (found < 0)
        return -1;
    if (!ok || !found || !writing(c))
        return 0;
    sqlite3_stmt *st = state(c)->st[0];
    imp_bind_text(st, 1, c->vals[AT_PUPIL]);
    sqlite3_bind_int64(st, 2, possible);
    sqlite3_bind_int64(st, 3, missed);
    return imp_step(c, st);
}

/* ---- estimates ---- */

enum { ES_YEAR, ES_GROUP, ES_FROM, ES_TO, ES_ATT8, ES_ENG, ES_MAT, ES_EBACC, ES_OPEN };
static const struct imp_col estimate_cols[] = {
    { "year", 1 }, { "prior_group", 1 }, { "ks2_from", 1 }, { "ks2_to", 1 },
    { "att8", 1 }, { "english", 1 }, { "maths", 1 }, { "ebacc", 1 }, { "open", 1 },
};
/* The most each Attainment 8 element can score. */
static const double estimate_max[] = { 90, 18, 18, 27, 27 };

static int estimate_begin(struct imp_ctx *c)
{
    return prepare(c, 0,
        "INSERT INTO estimate(year, prior_group, ks2_from, ks2_to, att8, eng, mat, "
        "ebacc, open) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT(year, prior_group) DO UPDATE SET ks2_from = excluded.ks2_from, "
        "ks2_to = excluded.ks2_to, att8 = excluded.att8, eng = excluded.eng, "
        "mat = excluded.mat, ebacc = excluded.ebacc, open = excluded.open");
}

/* The five estimates (Attainment 8 and its elements) from column `first`
 * on into v[2 .. 6], after ks2_from and ks2_to, each checked against its
 * most; 1 when they are all good. */
static int estimate_values(struct imp_ctx *c, int first, double *v)
{
    int ok = 1;
    for (int i = 0; i < 5; i++)
        ok &= imp_double(c, first + i, 0, estimate_max[i], &v[2 + i]) > 0;
    return ok;
}

static int write_estimate(struct imp_ctx *c, long year, long group, const double *v)
{
    imp_touch_year(c, year);
    sqlite3_stmt *st = state(c)->st[0];
    sqlite3_bind_int64(st, 1, year);
    sqlite3_bind_int64(st, 2, group);
    for (int i = 0; i < 7; i++)
        sqlite3_bind_double(st, 3 + i, v[i]);
    return imp_step(c, st);
}

static int estimate_row(struct imp_ctx *c)
{
    long year = 0, group = 0;
    double v[7];
    int ok = imp_long(c, ES_YEAR, IMP_YEAR_MIN, IMP_YEAR_MAX, &year) > 0;
    ok &= imp_long(c, ES_GROUP, 1, 99, &group) > 0;
    ok &= imp_double(c, ES_FROM, 0, 200, &v[0]) > 0;
    ok &= imp_double(c, ES_TO, 0, 200, &v[1]) > 0;
    ok &= estimate_values(c, ES_ATT8, v);
    if (ok && v[0] > v[1]) {
        imp_problem(c, ES_TO, "%g is below ks2_from (%g)", v[1], v[0]);
        ok = 0;
    }
    if (!ok || !writing(c))
        return 0;
    return write_estimate(c, year, group, v);
}

/* ---- national ---- */

enum { NA_YEAR, NA_INDICATOR, NA_FILTER, NA_VALUE, NA_SD };
static const struct imp_col national_cols[] = {
    { "year", 1 }, { "indicator", 1 }, { "filter", 0 }, { "value", 1 }, { "sd", 0 },
};

static int national_begin(struct imp_ctx *c)
{
    return prepare(c, 0,
        "INSERT INTO national(year, indicator, filter, value, sd) "
        "VALUES (?1, ?2, coalesce(?3, ''), ?4, ?5) "
        "ON CONFLICT(year, indicator, filter) DO UPDATE SET value = excluded.value, "
        "sd = excluded.sd");
}

/* "dim=value;dim=value": every part names a dimension and a value. */
static int valid_filter(const char *f)
{
    const char *p = f;
    while (*p) {
        size_t n = strcspn(p, ";");
        const char *eq = memchr(p, '=', n);
        if (!eq || eq == p || eq == p + n - 1)
            return 0;
        p += n;
        if (*p == ';' && *++p == '\0')
            return 0;
    }
    return 1;
}

static int national_row(struct imp_ctx *c)
{
    long year = 0;
    double value = 0, sd = 0;
    int ok = imp_long(c, NA_YEAR, IMP_YEAR_MIN, IMP_YEAR_MAX, &year) > 0;
    ok &= imp_double(c, NA_VALUE, -1e9, 1e9, &value) > 0;
    int have_sd = imp_double(c, NA_SD, 0, 1e9, &sd);
    const char *filter = c->vals[NA_FILTER];
    if (filter && !valid_filter(filter)) {
        imp_problem(c, NA_FILTER, "'%s' is not a filter such as fsm6=yes;sen=none", filter);
        ok = 0;
    }
    if (!ok || have_sd < 0 || !writing(c))
        return 0;
    sqlite3_stmt *st = state(c)->st[0];
    sqlite3_bind_int64(st, 1, year);
    imp_bind_text(st, 2, c->vals[NA_INDICATOR]);
    imp_bind_text(st, 3, filter);
    sqlite3_bind_double(st, 4, value);
    bind_opt_double(st, 5, have_sd, sd);
    return imp_step(c, st);
}

/* ---- the DfE's ready-reckoner estimates ----
 *
 * p8_att8_splits.csv of the DfE's KS4 ready-reckoner: a row per KS2 prior
 * attainment group with its scaled-score range as text ("82.5 to 86") and
 * the national average Attainment 8 and elements, for the year --year
 * names (the file does not say); other columns (slots filled) skipped. */

enum { DE_GROUP, DE_RANGE, DE_ATT8 };
static const struct imp_col dfe_estimate_cols[] = {
    { "KS2 prior attainment group", 1 }, { "KS2 average scaled score range", 1 },
    { "Attainment 8 average", 1 }, { "English average", 1 }, { "Maths average", 1 },
    { "EBacc average", 1 }, { "Open average", 1 },
};

static int dfe_estimate_begin(struct imp_ctx *c)
{
    if (!c->year)
        return collab_err_set(c->err, "dfe-estimates needs --year, the summer of the "
                              "exams the estimates are for (2024 for 2023/24): the file "
                              "does not say");
    return estimate_begin(c);
}

/* "59 to 82" -> 59, 82. */
static int score_range(struct imp_ctx *c, double *from, double *to)
{
    const char *s = c->vals[DE_RANGE], *sep = s ? strstr(s, " to ") : NULL;
    char lo[32];
    int ok = sep && (size_t)(sep - s) < sizeof lo;
    if (ok) {
        memcpy(lo, s, (size_t)(sep - s));
        lo[sep - s] = '\0';
        ok = util_parse_double(lo, from) == 0 && util_parse_double(sep + 4, to) == 0 &&
             *from >= 0 && *to <= 200 && *from <= *to;
    }
    if (!ok) {
        imp_problem(c, DE_RANGE, "expected a range of KS2 scaled scores such as "
                    "'82.5 to 86', found '%s'", s ? s : "");
        return 0;
    }
    return 1;
}

static int dfe_estimate_row(struct imp_ctx *c)
{
    long group = 0;
    double v[7];
    int ok = imp_long(c, DE_GROUP, 1, 99, &group) > 0;
    ok &= score_range(c, &v[0], &v[1]);
    ok &= estimate_values(c, DE_ATT8, v);
    if (!ok || !writing(c))
        return 0;
    return write_estimate(c, c->year, group, v);
}

static const struct imp_kind_def dfe_estimates_kind = {
    "dfe-estimates", dfe_estimate_cols, COUNT(dfe_estimate_cols), 1, dfe_estimate_begin,
    dfe_estimate_row, NULL, end_state, 1
};

/* ---- the table of kinds ---- */

#define COLS(a) a, COUNT(a)

static const struct imp_kind_def kinds[] = {
    [IMP_SCHOOLS] = { "schools", COLS(school_cols), 1, school_begin, school_row,
                      NULL, end_state },
    [IMP_SUBJECTS] = { "subjects", COLS(subject_cols), 1, subject_begin, subject_row,
                       subject_finish, end_state },
    [IMP_PUPILS] = { "pupils", COLS(pupil_cols), 1, pupil_begin, pupil_row,
                     pupil_finish, end_state },
    [IMP_RESULTS] = { "results", COLS(result_cols), 2, result_begin, result_row,
                      result_finish, end_state },
    [IMP_ATTENDANCE] = { "attendance", COLS(attendance_cols), 1, attendance_begin,
                         attendance_row, NULL, end_state },
    [IMP_ESTIMATES] = { "estimates", COLS(estimate_cols), 2, estimate_begin,
                        estimate_row, NULL, end_state },
    [IMP_NATIONAL] = { "national", COLS(national_cols), 3, national_begin,
                       national_row, NULL, end_state },
};

const struct imp_kind_def *imp_kind_def(enum imp_kind kind)
{
    if (kind == IMP_DFE_ESTIMATES)
        return &dfe_estimates_kind;
    if (kind >= IMP_DFE_KS4)
        return imp_dfe_kind_def(kind);
    return &kinds[kind];
}
