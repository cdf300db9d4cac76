/*
 * What the import framework (import.c) shares with the importers of each
 * kind (importers.c), the key sets (keyset.c) and the derived measures
 * (measures.c). Not part of the module's interface.
 */
#ifndef COLLAB_IMPORT_INTERNAL_H
#define COLLAB_IMPORT_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "collab/err.h"
#include "collab/import.h"
#include "collab/ks4.h"
#include "collab/util.h"

#define IMP_MAX_COLS 80
#define IMP_YEAR_MIN 2000
#define IMP_YEAR_MAX 2100

/* A hash set of byte strings, each with a long value (a line, a payload). */
struct imp_keyset {
    struct imp_key *slots;
    size_t cap, n;
    char *arena;
    size_t alen, acap;
};

/* Insert key with value; returns 1 if it was new, 0 if present (then
 * *old, when not NULL, gets the stored value and nothing changes). */
int imp_keyset_put(struct imp_keyset *ks, const char *key, size_t len, long value,
                   long *old);
/* 1 and *value when present, else 0. */
int imp_keyset_get(const struct imp_keyset *ks, const char *key, size_t len,
                   long *value);
/* Call fn on every key (len bytes, not NUL-terminated) in no particular
 * order until it returns non-zero; returns that, or 0. */
int imp_keyset_each(const struct imp_keyset *ks,
                    int (*fn)(const char *key, size_t len, long value, void *arg),
                    void *arg);
void imp_keyset_free(struct imp_keyset *ks);

/* A hash set of pairs of 32-bit numbers (the high and low halves of a key),
 * each with a long value. Pairs with the same high half are placed close
 * together, so the rows of one pupil touch one or two cache lines. */
struct imp_pair {
    uint64_t key;       /* key + 1; 0 marks an empty slot */
    long value;
};
struct imp_pairset {
    struct imp_pair *slots;     /* wide slots, or NULL */
    uint64_t *narrow;           /* or a pair and its value packed in a word */
    size_t cap, n;
};

/* As imp_keyset_put, for an integer key. */
int imp_pairset_put(struct imp_pairset *ps, uint64_t key, long value, long *old);
void imp_pairset_free(struct imp_pairset *ps);

/* required: IMP_REQUIRED needs the column and a value in every row;
 * IMP_COLUMN_ONLY needs the column, but a row may leave it empty (a DfE
 * file's URN is empty on its LA and England rows). */
enum { IMP_OPTIONAL, IMP_REQUIRED, IMP_COLUMN_ONLY };

struct imp_col {
    const char *name;
    int required;
};

struct imp_ctx;

/* One kind of file: its columns (the key columns first) and its steps.
 * begin prepares statements and loads lookups; row validates and writes the
 * current row (vals); finish derives measures; end frees the kind's state.
 * begin, row and finish return -1 only on a store failure (err set); a bad
 * row is reported with imp_problem and returns 0. */
struct imp_kind_def {
    const char *name;
    const struct imp_col *cols;
    size_t ncols;
    size_t nkey;
    int (*begin)(struct imp_ctx *c);
    int (*row)(struct imp_ctx *c);
    int (*finish)(struct imp_ctx *c);
    void (*end)(struct imp_ctx *c);
    /* Columns the kind does not know are skipped rather than refused (the
     * DfE's files carry hundreds collab does not use). With nkey 0 the
     * kind checks duplicate keys itself. */
    int ignore_unknown;
};

struct imp_ctx {
    sqlite3 *db;
    const char *name;                   /* the file, in messages */
    const struct imp_kind_def *def;
    struct imp_report *rep;
    struct collab_err *err;
    long line;                          /* the current row's line */
    const char *vals[IMP_MAX_COLS];     /* NULL: column absent or cell empty */
    long rows;
    int header_done;
    int map[1024];                      /* CSV field -> kind column */
    size_t nfields;
    struct imp_keyset keys;             /* keys seen in this file; for keys of
                                         * several columns, the first one's values */
    /* Keys of several columns are numbered pairs: the first column's value
     * (in keys) and the others' (in rest), kept as one integer. Files list a
     * pupil's rows together, so the first column is looked up once a run. */
    struct imp_keyset rest;
    struct imp_pairset pairs;
    struct strbuf first, restbuf;       /* the previous row's first column */
    long first_id;
    int first_repeat;                   /* its value had a run of rows before */
    unsigned char years[IMP_YEAR_MAX - IMP_YEAR_MIN + 1];  /* to re-derive */
    int all_years;
    void *state;                        /* the kind's own */
    long year;                          /* imp_opts.year; 0 when not given */
    const struct collab_job *job;       /* imp_opts.job; may be NULL */
    char what[32];                      /* "importing KIND", for progress */
    long records;                       /* data records read, valid or not */
};

const struct imp_kind_def *imp_kind_def(enum imp_kind kind);
/* The DfE kinds (import_dfe.c). */
const struct imp_kind_def *imp_dfe_kind_def(enum imp_kind kind);

/* Record a problem on the current row: "FILE:LINE: column X: ...", or
 * without the column when col < 0. */
void imp_problem(struct imp_ctx *c, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The same at another line (0: none). */
void imp_problem_at(struct imp_ctx *c, long line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Field parsers: 1 when a valid value was stored, 0 when the cell is empty,
 * -1 after recording a problem. */
int imp_long(struct imp_ctx *c, int col, long lo, long hi, long *out);
int imp_double(struct imp_ctx *c, int col, double lo, double hi, double *out);
int imp_flag(struct imp_ctx *c, int col, long *out);
/* Index into choices (n of them) of the cell's text. */
int imp_choice(struct imp_ctx *c, int col, const char *const *choices, size_t n,
               int *out);

/* Mark a year whose measures must be derived again. */
void imp_touch_year(struct imp_ctx *c, long year);

/* Step a prepared write. On a constraint failure records a problem on the
 * current row and returns 0; another failure sets err and returns -1.
 * Resets the statement either way. */
int imp_step(struct imp_ctx *c, sqlite3_stmt *st);

/* Bind helpers: NULL vals bind SQL NULL. */
void imp_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Derive pupil_ks4 and pupil_ks2 for one year; 0 or -1 with err. */
int imp_measures_year(sqlite3 *db, long year, struct collab_err *err);

/* Writing pupils' KS4 measures (measures.c), with the subjects' pillars
 * read once and each year's estimates when first needed. Functions return
 * 0, or -1 with the err given to imp_ks4_new. */
struct imp_ks4;
/* NULL with err set on a store failure; free with imp_ks4_free. */
struct imp_ks4 *imp_ks4_new(sqlite3 *db, struct collab_err *err);
void imp_ks4_free(struct imp_ks4 *k);
/* The EBacc pillar of a subject code (KS4_NONE when not a subject). */
enum ks4_pillar imp_ks4_pillar(const struct imp_ks4 *k, const char *code);
/* The prior group (-1: none) of a pupil of year with that prior score. */
int imp_ks4_group(struct imp_ks4 *k, long year, int has_prior, double prior,
                  int *group);

/* A KS4 pupil as stored: old_group is its prior_group, -1 for NULL. */
struct imp_ks4_pupil {
    const char *id;
    sqlite3_int64 rowid;
    long year;
    int has_prior;
    double prior;
    int old_group;
};
/* Write the measures of pupil p, whose results are e[0..n-1] (in any
 * order), and its prior group when that changed: at once, or, with defer,
 * by imp_ks4_apply_groups (while a statement reads pupil). The measures
 * are written in batches: imp_ks4_flush writes the rest, and must be called
 * before pupil_ks4 is read or the transaction ends. */
int imp_ks4_write(struct imp_ks4 *k, const struct imp_ks4_pupil *p,
                  const struct ks4_entry *e, size_t n, int defer);
int imp_ks4_flush(struct imp_ks4 *k);
int imp_ks4_apply_groups(struct imp_ks4 *k);
/* Work out again the measures of the KS4 pupil id (len bytes) from the
 * store (nothing when there is no such pupil). */
int imp_ks4_redo(struct imp_ks4 *k, const char *id, size_t len);

#endif
