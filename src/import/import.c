/*
 * The import framework: one transaction per file, the header mapped onto
 * the kind's columns, each row checked for its field count, required cells
 * and duplicate keys before the kind's importer sees it, problems collected
 * (the first IMP_MAX_PROBLEMS kept) and the whole file rolled back on any.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collab/csv_reader.h"
#include "collab/import.h"
#include "collab/store.h"
#include "collab/util.h"
#include "import_internal.h"

static const char *const kind_names[] = {
    [IMP_SCHOOLS] = "schools", [IMP_SUBJECTS] = "subjects", [IMP_PUPILS] = "pupils",
    [IMP_RESULTS] = "results", [IMP_ATTENDANCE] = "attendance",
    [IMP_ESTIMATES] = "estimates", [IMP_NATIONAL] = "national",
    [IMP_DFE_KS4] = "dfe-ks4", [IMP_DFE_CENSUS] = "dfe-census",
    [IMP_DFE_ABSENCE] = "dfe-absence", [IMP_DFE_KS2] = "dfe-ks2",
    [IMP_DFE_ESTIMATES] = "dfe-estimates",
};

#define N_KINDS (sizeof kind_names / sizeof kind_names[0])

int imp_kind_parse(const char *name, enum imp_kind *out)
{
    for (size_t i = 0; i < N_KINDS; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            *out = (enum imp_kind)i;
            return 0;
        }
    }
    return -1;
}

const char *imp_kind_name(enum imp_kind kind)
{
    return kind_names[kind];
}

const char *imp_kind_list(void)
{
    return "schools, subjects, pupils, results, attendance, estimates, national, "
           "dfe-ks4, dfe-census, dfe-absence, dfe-ks2";
}

static void add_problem(struct imp_ctx *c, long line, int col, const char *fmt,
                        va_list ap)
{
    struct imp_report *r = c->rep;
    r->total++;
    if (r->shown >= IMP_MAX_PROBLEMS)
        return;
    struct strbuf sb = STRBUF_INIT;
    sb_add(&sb, c->name);
    if (line > 0)
        sb_addf(&sb, ":%ld", line);
    sb_add(&sb, ": ");
    if (col >= 0)
        sb_addf(&sb, "column %s: ", c->def->cols[col].name);
    sb_vaddf(&sb, fmt, ap);
    r->problems[r->shown++] = sb_detach(&sb);
}

void imp_problem(struct imp_ctx *c, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_problem(c, c->line, col, fmt, ap);
    va_end(ap);
}

void imp_problem_at(struct imp_ctx *c, long line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_problem(c, line, col, fmt, ap);
    va_end(ap);
}

int imp_long(struct imp_ctx *c, int col, long lo, long hi, long *out)
{
    const char *s = c->vals[col];
    if (!s)
        return 0;
    if (util_parse_long(s, out) != 0) {
        imp_problem(c, col, "'%s' is not a whole number", s);
        return -1;
    }
    if (*out < lo || *out > hi) {
        imp_problem(c, col, "%ld is out of range (%ld to %ld)", *out, lo, hi);
        return -1;
    }
    return 1;
}

int imp_double(struct imp_ctx *c, int col, double lo, double hi, double *out)
{
    const char *s = c->vals[col];
    if (!s)
        return 0;
    if (util_parse_double(s, out) != 0 || !isfinite(*out)) {
        imp_problem(c, col, "'%s' is not a number", s);
        return -1;
    }
    if (*out < lo || *out > hi) {
        imp_problem(c, col, "%s is out of range (%g to %g)", s, lo, hi);
        return -1;
    }
    return 1;
}

int imp_flag(struct imp_ctx *c, int col, long *out)
{
    const char *s = c->vals[col];
    if (!s)
        return 0;
    if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0) {
        imp_problem(c, col, "'%s' is not 0 or 1", s);
        return -1;
    }
    *out = s[0] - '0';
    return 1;
}

int imp_choice(struct imp_ctx *c, int col, const char *const *choices, size_t n,
               int *out)
{
    const char *s = c->vals[col];
    if (!s)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *out = (int)i;
            return 1;
        }
    }
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        sb_addf(&sb, "%s%s", i ? (i + 1 == n ? " or " : ", ") : "", choices[i]);
    imp_problem(c, col, "'%s' is not one of %s", s, sb_str(&sb));
    sb_free(&sb);
    return -1;
}

void imp_touch_year(struct imp_ctx *c, long year)
{
    if (year >= IMP_YEAR_MIN && year <= IMP_YEAR_MAX)
        c->years[year - IMP_YEAR_MIN] = 1;
}

int imp_step(struct imp_ctx *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return 0;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        imp_problem(c, -1, "rejected by the store: %s", sqlite3_errmsg(c->db));
        return 0;
    }
    return collab_err_set(c->err, "%s:%ld: store error: %s", c->name, c->line,
                          sqlite3_errmsg(c->db));
}

void imp_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s)
        sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, idx);
}

/* The closest column name within edit distance 2, or NULL. */
static const char *did_you_mean(const struct imp_kind_def *def, const char *name)
{
    const char *best = NULL;
    int bestd = 3;
    char lower[72];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)name[n]);
    lower[n] = '\0';
    for (size_t i = 0; i < def->ncols; i++) {
        int d = util_edit_distance(lower, def->cols[i].name);
        if (d < bestd) {
            bestd = d;
            best = def->cols[i].name;
        }
    }
    return best;
}

static void unknown_column(struct imp_ctx *c, long line, const char *name)
{
    const char *near = did_you_mean(c->def, name);
    if (near) {
        imp_problem_at(c, line, -1, "column %s: unknown column for %s (did you mean %s?)",
                       name, c->def->name, near);
        return;
    }
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < c->def->ncols; i++)
        sb_addf(&sb, "%s%s", i ? ", " : "", c->def->cols[i].name);
    imp_problem_at(c, line, -1, "column %s: unknown column for %s (expected: %s)",
                   name, c->def->name, sb_str(&sb));
    sb_free(&sb);
}

static void missing_columns(struct imp_ctx *c, long line, const int *seen)
{
    struct strbuf sb = STRBUF_INIT;
    int n = 0;
    for (size_t i = 0; i < c->def->ncols; i++)
        if (c->def->cols[i].required && seen[i] < 0)
            sb_addf(&sb, "%s%s", n++ ? ", " : "", c->def->cols[i].name);
    if (n)
        imp_problem_at(c, line, -1, "missing required column%s: %s", n > 1 ? "s" : "",
                       sb_str(&sb));
    sb_free(&sb);
}

static int header(struct imp_ctx *c, const struct csvr_record *rec)
{
    int seen[IMP_MAX_COLS];
    size_t before = c->rep->total;
    for (size_t i = 0; i < c->def->ncols; i++)
        seen[i] = -1;
    for (size_t f = 0; f < rec->nfields; f++) {
        const char *name = rec->fields[f];
        size_t k = 0;
        while (k < c->def->ncols && !util_strieq(name, c->def->cols[k].name))
            k++;
        if (k == c->def->ncols && c->def->ignore_unknown) {
            c->map[f] = -1;
            continue;
        }
        if (!*name) {
            imp_problem_at(c, rec->line, -1, "column %zu: empty column name", f + 1);
        } else if (k == c->def->ncols) {
            unknown_column(c, rec->line, name);
        } else if (seen[k] >= 0) {
            imp_problem_at(c, rec->line, (int)k, "appears twice (columns %d and %zu)",
                           seen[k] + 1, f + 1);
        } else {
            seen[k] = (int)f;
        }
        c->map[f] = k < c->def->ncols ? (int)k : -1;
    }
    missing_columns(c, rec->line, seen);
    c->nfields = rec->nfields;
    c->header_done = 1;
    return c->rep->total > before ? -1 : 0;
}

/* The number of key text s in ks: its value, given when first seen. */
static long key_number(struct imp_keyset *ks, const char *s, size_t len)
{
    long id = (long)ks->n;
    imp_keyset_put(ks, s, len, id, &id);
    return id;
}

/* Was this row's key seen before? Then 0 and *first is its line. A key of
 * one column is the text itself; of several, a pair of numbers (see
 * imp_ctx), which spares hashing and storing a string per row. */
static int key_is_new(struct imp_ctx *c, long *first)
{
    const char *v = c->vals[0] ? c->vals[0] : "";
    size_t len = strlen(v);
    if (c->def->nkey == 1)
        return imp_keyset_put(&c->keys, v, len, c->line, first);
    if (c->keys.n == 0 || c->first.len != len || memcmp(sb_str(&c->first), v, len) != 0) {
        sb_reset(&c->first);
        sb_add(&c->first, v);
        size_t before = c->keys.n;
        c->first_id = key_number(&c->keys, v, len);
        c->first_repeat = c->keys.n == before;
    }
    sb_reset(&c->restbuf);
    for (size_t k = 1; k < c->def->nkey; k++) {
        if (k > 1)
            sb_addc(&c->restbuf, '\x1f');
        sb_add(&c->restbuf, c->vals[k] ? c->vals[k] : "");
    }
    long rest = key_number(&c->rest, sb_str(&c->restbuf), c->restbuf.len);
    return imp_pairset_put(&c->pairs, (uint64_t)c->first_id << 32 | (uint64_t)rest,
                           c->line, first);
}

/* A row's key columns must not repeat a row earlier in the same file. */
static void check_key(struct imp_ctx *c)
{
    long first;
    if (c->def->nkey == 0)
        return;
    if (!key_is_new(c, &first)) {
        struct strbuf keys = STRBUF_INIT;
        for (size_t k = 0; k < c->def->nkey; k++)
            sb_addf(&keys, "%s%s %s", k ? ", " : "", c->def->cols[k].name,
                    c->vals[k] ? c->vals[k] : "(empty)");
        imp_problem(c, -1, "duplicate of line %ld (same %s)", first, sb_str(&keys));
        sb_free(&keys);
    }
}

static int data_row(struct imp_ctx *c, const struct csvr_record *rec)
{
    size_t before = c->rep->total;
    c->line = rec->line;
    if (rec->nfields != c->nfields) {
        imp_problem(c, -1, "%zu fields, but the header has %zu", rec->nfields, c->nfields);
        return 0;
    }
    for (size_t i = 0; i < c->def->ncols; i++)
        c->vals[i] = NULL;
    for (size_t f = 0; f < rec->nfields; f++)
        if (c->map[f] >= 0 && rec->fields[f][0])
            c->vals[c->map[f]] = rec->fields[f];
    for (size_t i = 0; i < c->def->ncols; i++)
        if (c->def->cols[i].required == IMP_REQUIRED && !c->vals[i])
            imp_problem(c, (int)i, "empty; a value is required");
    if (c->rep->total > before)
        return 0;
    check_key(c);
    c->rows++;
    return c->def->row(c);
}

static int on_record(const struct csvr_record *rec, void *ctx)
{
    struct imp_ctx *c = ctx;
    if (!c->header_done)
        return header(c, rec);
    if ((++c->records & (COLLAB_JOB_TICK - 1)) == 0) {
        if (collab_job_stopped(c->job))
            return collab_err_set(c->err, "interrupted");
        collab_job_progress(c->job, c->what, c->rows, 0, "rows");
    }
    return data_row(c, rec);
}

/* SQLite's progress handler: a non-zero return interrupts the statement,
 * which is how a stop request reaches a long statement (a derive, an index). */
static int stop_requested(void *job)
{
    return collab_job_stopped(job);
}

static int log_import(struct imp_ctx *c)
{
    /* Out of transaction means SQLite rolled it back after an error someone
     * took for "no rows": the log row would be committed on its own. */
    if (sqlite3_get_autocommit(c->db))
        return collab_err_set(c->err, "the import's transaction was rolled back by SQLite");
    char at[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sqlite3_stmt *st = store_prepare(c->db,
        "INSERT INTO import_log(kind, file, rows, at) VALUES (?, ?, ?, ?)", c->err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, c->def->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, c->rows);
    sqlite3_bind_text(st, 4, at, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return collab_err_set(c->err, "cannot write the import log: %s",
                              sqlite3_errmsg(c->db));
    return 0;
}

static int derive(struct imp_ctx *c)
{
    if (c->all_years)
        return imp_recompute_all(c->db, c->err);
    for (long y = IMP_YEAR_MIN; y <= IMP_YEAR_MAX; y++)
        if (c->years[y - IMP_YEAR_MIN] && imp_measures_year(c->db, y, c->err) != 0)
            return -1;
    return 0;
}

/* Read the file into the open transaction; 0, or -1 with problems or err. */
static int run(struct imp_ctx *c, const char *path)
{
    struct collab_err rerr;
    collab_err_clear(&rerr);
    if (collab_job_stopped(c->job))
        return collab_err_set(c->err, "interrupted");
    if (c->def->begin && c->def->begin(c) != 0)
        return -1;
    long n = csvr_read(path, c->name, on_record, c, &rerr);
    if (c->err->set)
        return -1;
    if (n < 0 && rerr.set) {
        c->rep->total++;
        if (c->rep->shown < IMP_MAX_PROBLEMS)
            c->rep->problems[c->rep->shown++] = util_xstrdup(rerr.msg);
    }
    if (n == 0)
        imp_problem_at(c, 0, -1, "empty file; expected a header row naming the columns");
    if (c->rep->total > 0 || n < 0)
        return -1;
    if (c->def->finish && c->def->finish(c) != 0)
        return -1;
    if (c->rep->total > 0 || derive(c) != 0 || log_import(c) != 0)
        return -1;
    collab_job_progress(c->job, c->what, c->rows, 0, "rows");
    return 0;
}

int imp_import_file(sqlite3 *db, enum imp_kind kind, const char *path,
                    const char *name, struct imp_report *report,
                    struct collab_err *err)
{
    return imp_import_file_opts(db, kind, path, name, NULL, report, err);
}

static int check_opts(enum imp_kind kind, const struct imp_opts *opts,
                      struct collab_err *err)
{
    if (!opts || opts->year == 0)
        return 0;
    if (kind < IMP_DFE_KS4)
        return collab_err_set(err, "a year applies only to the dfe-* kinds; %s files "
                              "give their own", kind_names[kind]);
    if (opts->year < IMP_YEAR_MIN || opts->year > IMP_YEAR_MAX)
        return collab_err_set(err, "year %ld is out of range (%d to %d)", opts->year,
                              IMP_YEAR_MIN, IMP_YEAR_MAX);
    return 0;
}

int imp_import_file_opts(sqlite3 *db, enum imp_kind kind, const char *path,
                         const char *name, const struct imp_opts *opts,
                         struct imp_report *report, struct collab_err *err)
{
    memset(report, 0, sizeof *report);
    if (check_opts(kind, opts, err) != 0)
        return -1;
    struct imp_ctx *c = util_xcalloc(1, sizeof *c);
    c->year = opts ? opts->year : 0;
    c->job = opts ? opts->job : NULL;
    snprintf(c->what, sizeof c->what, "importing %s", kind_names[kind]);
    c->db = db;
    c->name = name ? name : path;
    c->def = imp_kind_def(kind);
    c->rep = report;
    c->err = err;
    /* A big import touches many pages; a larger cache keeps them from
     * spilling into the WAL mid-transaction (connection-local). */
    sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
    /* Every importer checks the rows' references itself (schools, pupils,
     * subjects, read in this transaction) to name the bad cell; the foreign
     * key checks would repeat two index lookups per row. Only settable
     * outside a transaction; set back below. */
    sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
    int rc = store_begin(db, err);
    if (rc == 0) {
        sqlite3_progress_handler(db, 10000, stop_requested, (void *)c->job);
        rc = run(c, path);
        /* Neither the rollback nor the commit may be cut short. */
        sqlite3_progress_handler(db, 0, NULL, NULL);
        if (rc == 0 && collab_job_stopped(c->job))
            rc = collab_err_set(err, "interrupted");
        /* SQLite may have rolled the transaction back by itself (out of
         * memory, a full disk): then nothing may be reported as imported. */
        if (rc == 0 && sqlite3_get_autocommit(db))
            rc = collab_err_set(err, "the import's transaction was rolled back by SQLite");
        if (rc == 0)
            rc = store_commit(db, err);
        else
            store_rollback(db);
    }
    if (c->def->end)
        c->def->end(c);
    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    imp_keyset_free(&c->keys);
    imp_keyset_free(&c->rest);
    imp_pairset_free(&c->pairs);
    sb_free(&c->first);
    sb_free(&c->restbuf);
    if (rc == 0) {
        report->rows = c->rows;
        /* Fold the WAL into the store so the file alone holds the import. */
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    }
    free(c);
    return rc;
}

void imp_report_free(struct imp_report *report)
{
    for (size_t i = 0; i < report->shown; i++)
        free(report->problems[i]);
    memset(report, 0, sizeof *report);
}
