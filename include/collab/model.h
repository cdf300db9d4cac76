/*
 * model: every view of DESIGN.md section 6 as plain tables, computed from
 * published stores only (a group store, and for pupils the user's own school
 * store). The TUI and `collab report` both call model_query, so they cannot
 * disagree about figures or about who may see what: access rules are
 * applied here (see access.h) before any store is read.
 *
 * A view is a lookup in the group store's precomputed aggregates: never a
 * scan of pupils. Figures arrive as cells carrying flags (suppressed,
 * significantly above / below) so panes only lay them out.
 *
 * Ownership: model_open returns a struct model the caller frees with
 * model_close; it borrows cfg, which must outlive it. model_query fills a
 * caller-provided struct model_table whose contents the caller releases with
 * model_table_free. Errors: -1 / NULL with err filled; a refusal by the
 * access rules is an error whose message says why (and is audited).
 */
#ifndef COLLAB_MODEL_H
#define COLLAB_MODEL_H

#include <stddef.h>
#include <stdio.h>

#include "collab/config.h"
#include "collab/err.h"

#define MODEL_MAX_DIMS 8

/* A filter state: choice[d] is 0 for "all" or 1 + the index of a value of
 * filter d (in filters.yaml order). */
struct model_filter {
    int choice[MODEL_MAX_DIMS];
};

enum model_view {
    MODEL_VIEW_OVERVIEW,    /* headline indicators: group vs national, trend */
    MODEL_VIEW_SUBJECTS,    /* every subject with entries, subject indicators */
    MODEL_VIEW_SUBJECT,     /* one subject across every school */
    MODEL_VIEW_SCHOOLS,     /* schools side by side: intake + headlines */
    MODEL_VIEW_SIMILAR,     /* schools nearest one school in intake */
    MODEL_VIEW_PUPILS,      /* own school's pupils (pupil_level only) */
    MODEL_VIEW_EVALUATION,  /* partnership self-evaluation */
    MODEL_VIEW_PUPIL,       /* one pupil of the own school (pupil_level only) */
    MODEL_VIEW_COUNT
};

struct model_query {
    enum model_view view;
    int year;               /* 0: the latest year in the store */
    int key_stage;          /* 0: 4 when the group has KS4 data, else 2 */
    const char *subject;    /* MODEL_VIEW_SUBJECT: subject code */
    long urn;               /* MODEL_VIEW_SIMILAR / PUPILS / PUPIL: the school */
    const char *pupil;      /* MODEL_VIEW_PUPIL: the pupil's id */
    int national;           /* MODEL_VIEW_SIMILAR: among all England's schools
                             * (the DfE intake table) rather than the group's;
                             * always so for a school with no pupil data */
    const char *term;       /* MODEL_VIEW_EVALUATION: NULL = latest */
    int against_others;     /* the DfE's gap: disadvantaged pupils (the filter
                             * on column fsm6 at its "1" value, which the
                             * query must fix) against the other pupils
                             * nationally instead of the same pupils */
    const char *where;      /* MODEL_VIEW_PUPILS: "COL OP VALUE", the rows kept
                             * (model_internal.h, mdl_where); NULL: all */
    int sort_col;           /* -1: the view's natural order */
    int sort_desc;
    struct model_filter filter;
};

enum model_cell_flag {
    CELL_SUPPRESSED = 1 << 0,  /* fewer than min_cohort: print "x" */
    CELL_MISSING    = 1 << 1,  /* no figure (no pupils, not loaded): print "" */
    CELL_SIG_ABOVE  = 1 << 2,  /* significantly above the comparator */
    CELL_SIG_BELOW  = 1 << 3,  /* significantly below the comparator */
    CELL_NA         = 1 << 4,  /* does not apply (e.g. filter on DfE-only school) */
    CELL_BETTER     = 1 << 5,  /* difference in the good direction (polarity) */
    CELL_WORSE      = 1 << 6,
};

enum model_col_kind { MODEL_COL_TEXT, MODEL_COL_NUMBER, MODEL_COL_TREND };

struct model_column {
    char *id;               /* stable id used in CSV/JSON headers */
    char *label;            /* header text (short) */
    enum model_col_kind kind;
    int decimals;
    int show_sign;
    int sortable;           /* 0 where league_tables forbids ordering */
    int script_only;        /* an identifier for scripts (CSV/JSON); the
                               screen leaves it out to keep room for figures */
};

#define MODEL_TREND_MAX 5

struct model_cell {
    char *text;             /* MODEL_COL_TEXT, else NULL */
    double value;           /* MODEL_COL_NUMBER */
    double lo, hi;          /* confidence interval when known, else NAN */
    long n;                 /* cohort behind the figure, 0 if unknown */
    unsigned flags;
    /* MODEL_COL_TREND: oldest first; NAN where missing or suppressed */
    double trend[MODEL_TREND_MAX];
    int ntrend;
    /* Rows of different indicators in one column (the overview) carry their
     * own format: when own_format is set, decimals / show_sign below replace
     * the column's. Zero-initialised cells use the column's. */
    int own_format;
    int decimals;
    int show_sign;
};

struct model_row {
    struct model_cell *cells;   /* ncols cells */
    char *key;              /* what the row is: URN, subject code, pupil id, indicator id */
    int kind;               /* view-specific (e.g. the overview's section) */
};

struct model_table {
    char *title;            /* "Overview: Northmoor Secondary, 2019, KS4" */
    char *note;             /* optional line under the table (why something is absent) */
    /* What x means, set by model_query when a cell of the table is x (else
     * NULL): "x: fewer than 6 pupils, or hidden so that ..." */
    char *legend;
    struct model_column *cols;
    size_t ncols;
    struct model_row *rows;
    size_t nrows;
    /* Overview extras: plain-English findings, one per line (may be 0). */
    char **findings;
    size_t nfindings;
};

struct model;

struct model_open_args {
    const char *data_dir;      /* where published stores live */
    const struct cfg *cfg;     /* borrowed */
    const char *user_id;       /* NULL: the real uid's login from groups.yaml */
    const char *group_id;      /* NULL: the first group the user may see */
};

/* Open the model for a user and group. Refuses (NULL, err) an unknown login,
 * a user who may not act as user_id, or a group the user may not see. */
struct model *model_open(const struct model_open_args *args, struct collab_err *err);
void model_close(struct model *m);

/* Switch group (same checks as model_open). */
int model_set_group(struct model *m, const char *group_id, struct collab_err *err);
/* Act as another user (the real user must be an administrator), keeping the
 * group where they may see it, else their first: 0, or -1 with err and the
 * user as it was. */
int model_set_user(struct model *m, const char *user_id, struct collab_err *err);

/* What the header shows. Strings are owned by the model. */
const char *model_group_id(const struct model *m);
const char *model_group_name(const struct model *m);
const char *model_user_id(const struct model *m);
/* Years present in the group store, ascending; returns count (<= max). */
int model_years(const struct model *m, int *years, int max);
/* The groups the user may see (ids owned by cfg); returns count (<= max). */
int model_visible_groups(const struct model *m, const char **ids, int max);
/* The user's own school URN, or 0. */
long model_user_school(const struct model *m);
/* A warning for the user about the open group (e.g. its store is readable by
 * every local user), or NULL. Owned by the model. */
const char *model_warning(const struct model *m);
/* The open group's policy as published (meta min_cohort, league_tables). */
int model_min_cohort(const struct model *m);
/* What x means in the open group, in a sentence (brief 0, for help and
 * reports) or in a few words (brief 1, for a title line), into buf. */
void model_x_legend(const struct model *m, int brief, char *buf, size_t size);
int model_league_tables(const struct model *m);
/* Index of the column whose id (or label, any case) is `name` in the view q
 * would produce, for sorting by name; -1 when there is none. */
int model_column_index(struct model *m, const struct model_query *q, const char *name);
/* Record an event for the model's user in the audit log (audit.h), e.g. the
 * TUI's export of pupil-level data ("export", URN, file name). 0, or -1
 * when it could be recorded nowhere (then do not export: fail closed). */
int model_audit(struct model *m, const char *action, const char *target,
                const char *detail);

/* Group changes (schools added or removed, consent given or withdrawn, users
 * added) of the open group, as a table of date, kind and detail: with since
 * (YYYY-MM-DD) those dated on or after it, else those newer than the user's
 * last visit to the group (every change on a first visit). The last visit is
 * kept under $XDG_STATE_HOME/collab/visits/, never in a shared store;
 * model_mark_visited records now as the last visit. 0 or -1 with err. */
int model_changes(struct model *m, const char *since, struct model_table *out,
                  struct collab_err *err);
int model_mark_visited(struct model *m, struct collab_err *err);
/* Non-zero when the user has a recorded visit to the open group. */
int model_visited(const struct model *m);

/* Compute a view. 0 or -1 with err. */
int model_query(struct model *m, const struct model_query *q,
                struct model_table *out, struct collab_err *err);
void model_table_free(struct model_table *t);

/* Parse "DIM=VALUE" (dimension id; value by code or label, any case) into f.
 * 0 or -1 with err naming the allowed dimensions or values. */
int model_filter_parse(const struct cfg *cfg, const char *spec,
                       struct model_filter *f, struct collab_err *err);
/* Human chip text for dimension d under f ("FSM6", "SEN support"), or NULL
 * when d is "all". Owned by cfg. */
const char *model_filter_chip(const struct cfg *cfg, const struct model_filter *f, size_t d);
/* The disadvantaged filter (on pupil column fsm6) and the indices of its
 * values matching "1" and "0": the dimension, or -1 when cfg has none. */
int model_disadvantaged_filter(const struct cfg *cfg, int *yes, int *no);

/* Output formats shared by report, the TUI's export and copy. */
enum model_format { MODEL_FMT_TABLE, MODEL_FMT_CSV, MODEL_FMT_TSV, MODEL_FMT_JSON };
/* Pick a format from a file name's extension (.csv .tsv .json, else table). */
enum model_format model_format_for_path(const char *path);
/* The format called name (table, csv, tsv, json: exact) into *fmt: 0, or -1
 * when there is none (*fmt unchanged). */
int model_format_by_name(const char *name, enum model_format *fmt);
/* Write t to fp. Suppressed cells print as "x" in every format; CSV/TSV
 * cells that a spreadsheet would run as formulas are made inert. */
int model_table_write(const struct model_table *t, enum model_format fmt, FILE *fp);
/* Format one cell as the table would show it (into buf). */
void model_cell_format(const struct model_column *col, const struct model_cell *cell,
                       char *buf, size_t size);

#endif
