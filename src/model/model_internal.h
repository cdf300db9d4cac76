/*
 * Shared between the files of the model: the open model, the figures read
 * from a group store's aggregates and a small builder for struct model_table.
 * Not part of the model's public contract (model.h).
 */
#ifndef COLLAB_MODEL_INTERNAL_H
#define COLLAB_MODEL_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>

#include "collab/config.h"
#include "collab/model.h"

#define MDL_MAX_YEARS 64

/* An indicator as the group store describes it (its `indicator` table), with
 * where its (n, s1, s2) triple sits in the aggregate row of its level. */
struct mdl_ind {
    char *id, *label, *short_label;
    enum cfg_level level;
    int key_stage;
    enum cfg_aggregate agg;
    int decimals, show_sign;
    enum cfg_polarity polarity;
    enum cfg_signif signif;
    int headline;
    int col;                /* column of <id>_n in its table's row, -1 if none */
    int col_v;              /* of a rate's <id>_v (its variance), -1 if none */
};

struct mdl_school {
    long urn;
    char *name;
    int has_pupil_data;     /* 0: a school known only by its DfE figures */
};

struct model {
    const struct cfg *cfg;
    char *data_dir;
    const struct cfg_user *real;    /* the process's own user */
    const struct cfg_user *user;    /* the user acted as */
    char login[256];
    const struct cfg_group *group;
    sqlite3 *db;
    char *warning;
    char *group_name;
    char *years_without_estimates;  /* meta: "2019,2020", or NULL */
    int min_cohort, league_tables;
    long strides[MODEL_MAX_DIMS];   /* per cfg filter; 0 when not published */
    struct mdl_ind *inds;
    size_t ninds;
    struct mdl_school *schools;
    size_t nschools;
    int years[MDL_MAX_YEARS];
    int nyears;
    sqlite3_stmt *st_pupil, *st_subject, *st_subject_any, *st_national,
                 *st_context, *st_subject_name, *st_context_all;
    sqlite3_stmt *st_dfe, *st_dist;     /* dfe.c; st_dist NULL without dfe_dist */
    /* Per session (the group store does not change under an open
     * connection): the default key stage of each year, national figures
     * and school_context as read so far (figures.c). */
    int year_ks[MDL_MAX_YEARS];
    struct mdl_nat_slot *nat;
    unsigned long nat_clock;
    struct mdl_context *ctx;
    size_t nctx;
    int ctx_loaded;
    /* The pupils view's school store, kept open between queries. */
    sqlite3 *pupil_db;
    long pupil_urn;
    sqlite3_stmt *st_pupils, *st_grades;
    struct audit_sink *audit;   /* audit.db, opened on the first event */
    /* The first error of a read that the code around it takes for "no row"
     * (mdl_step): the open or query under way fails with it, so that a read
     * cut off by a full memory or a failing disk never shows as a figure
     * that is not there. */
    int read_failed;
    char read_err[COLLAB_ERR_MAX];
};

/* sqlite3_step for a read whose caller treats anything but SQLITE_ROW as
 * "no row": records an error in m->read_failed. */
int mdl_step(struct model *m, sqlite3_stmt *st);
/* Record db's last error as such a failed read. */
void mdl_read_failed(struct model *m, sqlite3 *db);

/* A school_context row: cohort, FSM6 %, EAL %, SEN %, prior mean (the
 * columns of st_context, in its order); bit i of nulls set when v[i] is
 * NULL (suppressed). */
struct mdl_context {
    long urn;
    int year, ks;
    double v[5];
    unsigned nulls;
};

/* Prepare a statement the model keeps for the session (freed by close). */
sqlite3_stmt *mdl_prepare(struct model *m, const char *sql, struct collab_err *err);
/* Forget the per-session memos of figures.c (on closing a group). */
void mdl_forget(struct model *m);
/* The (up to) want latest years of m->years (ascending) up to year, oldest
 * first, into out; the count found. */
int mdl_latest_years(const struct model *m, int year, int want, int *out);
/* The school's context row for the year and key stage, or NULL when it has
 * no pupils there. Read with every other school's in one pass on first use;
 * owned by the model. */
const struct mdl_context *mdl_context(struct model *m, long urn, int year, int ks);

enum mdl_fig_status { FIG_OK, FIG_SUPPRESSED, FIG_MISSING };

struct mdl_fig {
    enum mdl_fig_status status;
    double value;
    long n;                 /* the indicator's own count */
    double s1, s2;
    double v;               /* a rate's variance with pupils as the unit, or NAN */
};

/* One aggregate cell of every indicator: figs has m->ninds entries; those of
 * another level are FIG_MISSING. Returns 1 found, 0 absent (suppressed),
 * -1 on an SQLite error. *n gets the cell's pupil/entry count (0 absent). */
int mdl_fetch_pupil(struct model *m, long scope, int year, int ks, long fkey,
                    struct mdl_fig *figs, long *n, struct collab_err *err);
int mdl_fetch_subject(struct model *m, long scope, int year, const char *subject,
                      long fkey, struct mdl_fig *figs, long *n, struct collab_err *err);
/* Does the group have any (unsuppressed) cell of this subject in the year? */
int mdl_subject_present(struct model *m, int year, const char *subject);
/* SELECT code, name FROM the store's subject table, by code; caller
 * finalizes. NULL with err. */
sqlite3_stmt *mdl_subjects_stmt(struct model *m, struct collab_err *err);
/* The subject's name, or NULL when the store has no such subject (caller frees). */
char *mdl_subject_name(struct model *m, const char *code);
/* Has the school any pupils at the key stage in the year (a school_context
 * row)? Schools without (a primary, at KS4) are left out of school lists. */
int mdl_school_has_pupils(struct model *m, long urn, int year, int ks);
/* National comparator: 1 found (sd NAN when absent), 0 not. */
int mdl_national(struct model *m, int year, const char *ind, long fkey,
                 double *value, double *sd);

/* dfe.c: published DfE figures and the national distribution. */
int mdl_dfe_prepare(struct model *m, struct collab_err *err);
/* The school's (or pseudo-URN's) figure: 1 found, 0 not (value NAN). */
int mdl_dfe_value(struct model *m, long urn, int year, const char *measure, double *value);
/* 1 and the DfE's marker in buf (SUPP, NE, ...) when it withheld the
 * measure for the school and year, else 0. */
int mdl_dfe_marker(struct model *m, long urn, int year, const char *measure, char *buf,
                   size_t size);
/* Percentile rank (0..100) of value among England's schools for the measure
 * and year; NAN when the store has no distribution for them. */
double mdl_percentile(struct model *m, int year, const char *measure, double value);
/* The DfE measure an indicator maps to (indicators.yaml dfe_measure), or NULL. */
const char *mdl_dfe_measure(const struct model *m, const struct mdl_ind *ind);
/* Is the indicator Progress 8 (id p8 or dfe_measure p8)? */
int mdl_is_p8(const struct model *m, const struct mdl_ind *ind);
/* A headline indicator of key stage ks (pupil or attendance level): the
 * Overview's rows. */
int mdl_is_headline(const struct mdl_ind *ind, int ks);
/* What a figure's significance is tested against, given its national
 * figure nat at filter key nat_fkey: nat, except all pupils' Progress 8,
 * which is tested against 0 as the DfE bands it (STATS_P8_BENCHMARK), so
 * that mark and band agree. */
double mdl_sig_against(const struct model *m, const struct mdl_ind *ind, long nat_fkey,
                       double nat);
/* Whether mdl_sig_against takes the P8 benchmark for ind at nat_fkey. */
int mdl_p8_benchmarked(const struct model *m, const struct mdl_ind *ind, long nat_fkey);
/* The words findings use for that benchmark. */
#define MDL_P8_BENCHMARK_WORDS "average (0, as the DfE bands P8)"
/* A group whose members have no pupils at the year and key stage, at
 * least one known by its DfE figures: 1, else 0. */
int mdl_dfe_only_group(struct model *m, int year, int ks);
/* The group's figure from its DfE-only members' published figures, each
 * weighted by what it is per (P8 pupils, KS4 cohort, pupils on roll);
 * FIG_MISSING when the indicator has no DfE measure or no member has it. */
void mdl_dfe_group_fig(struct model *m, int year, const struct mdl_ind *ind,
                       struct mdl_fig *fig);
/* England's figure for a DfE measure (state-funded, then the secondary
 * census/absence row): 1 found, 0 not. */
int mdl_dfe_national(struct model *m, int year, const char *measure, double *value);
/* Findings for DfE-only members: P8 significance by the published interval
 * and the lowest / highest 20% of schools nationally. */
void mdl_dfe_findings(struct model *m, int year, int ks, struct model_table *t);

/* findings.c: areas of interest, appended to the overview's findings. */
struct mdl_view_ctx;
int mdl_areas_of_interest(struct model *m, const struct mdl_view_ctx *v,
                          struct model_table *t, struct collab_err *err);
/* Significance of figure f against national for its year and filter key:
 * +1 above, -1 below, 0 similar or not tested (no significance test for the
 * indicator, f not FIG_OK or under min_cohort, no national figure). *nat is
 * the national figure, NAN when there is none. */
int mdl_side_of(struct model *m, const struct mdl_ind *ind, const struct mdl_fig *f,
                int year, long fkey, double *nat);

/* Fill cell with a figure and, when a comparator is given (not NAN), its
 * interval and significance / better-worse flags. Returns +1 / -1 when
 * significantly above / below, else 0. */
int mdl_cell_figure(struct model_cell *cell, const struct mdl_ind *ind,
                    const struct mdl_fig *fig, double national, double national_sd);

/* Variance of a figure on its own scale, from its accumulators: a mean's
 * s^2/n, a percentage's p(1-p)/n (x 100^2), a rate's the same over the
 * sessions (s2); NAN for sums, counts and figures that are not FIG_OK. */
double mdl_fig_var(const struct mdl_ind *ind, const struct mdl_fig *fig);
/* Significant change from a to b (two-sample z test at 95% on
 * mdl_fig_var): +1 rise, -1 fall, 0 none or not testable. */
int mdl_change(const struct mdl_ind *ind, const struct mdl_fig *a, const struct mdl_fig *b);

/* Describe the filter ("FSM6, SEN support"), "" for all pupils; caller frees. */
char *mdl_filter_text(const struct model *m, const struct model_filter *f);
/* The fkey of a filter state; -1 with err when a dimension is not published. */
long mdl_fkey(const struct model *m, const struct model_filter *f, struct collab_err *err);
/* The filter on pupil column fsm6 (disadvantaged) and the indices of its
 * values matching "1" and "0", or -1 when the config has none. */
int mdl_disadvantaged_dim(const struct model *m, int *yes, int *no);
/* v's comparator (nat_shift, nat_name, others_label) from its query's
 * against_others; -1 with err when the filter does not fix disadvantaged
 * pupils. */
int mdl_comparator(const struct model *m, struct mdl_view_ctx *v, struct collab_err *err);
/* Under a filter, what National is (England's pupils of the same group, or
 * with --gap the others) and the headline indicators with no national
 * figure for them, so that an empty cell reads "not compared": "National:
 * England, same pupils (FSM6). Not compared, none published: Absence, PA."
 * Allocated. */
char *mdl_comparator_text(struct model *m, const struct mdl_view_ctx *v);

/* Refuse: fill err and write an audit row. Always -1. */
int mdl_refuse(struct model *m, const char *target, struct collab_err *err);
/* Write an audit row for the model's user: 0, or -1 when neither syslog
 * nor audit.db took it. */
int mdl_audit(struct model *m, const char *action, const char *target,
              const char *detail);
/* mdl_audit for pupil-level data, which is shown only when recorded: 0, or
 * -1 with err saying why it cannot be (fail closed). */
int mdl_audit_or_refuse(struct model *m, const char *action, const char *target,
                        const char *detail, struct collab_err *err);

/* Table building. Columns first, then rows; a new cell is CELL_MISSING. */
void mdl_table_title(struct model_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int mdl_col(struct model_table *t, const char *id, const char *label,
            enum model_col_kind kind, int decimals, int show_sign);
/* The new row; valid until the next mdl_row. */
struct model_row *mdl_row(struct model_table *t, const char *key, int kind);
void mdl_set_text(struct model_row *r, int c, const char *text);
void mdl_set_num(struct model_row *r, int c, double value);
void mdl_set_suppressed(struct model_row *r, int c);
void mdl_add_finding(struct model_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The note, or a space and more after the note already set. */
void mdl_append_note(struct model_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* When the group's pupils have no Progress 8 in year because no estimates
 * for it were imported (meta years_without_estimates), say so in t's note:
 * otherwise its x reads as suppression. */
void mdl_note_estimates(const struct model *m, int year, struct model_table *t);
void mdl_set_note(struct model_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Keep the rows whose column meets "COL OP VALUE" (COL an id or label; OP
 * < <= > >= = != on numbers or text, `has` on text: a part of it, case
 * aside); a row without the figure is never kept. 0, or -1 with err naming
 * the columns, the operators or the value expected. */
int mdl_where(struct model_table *t, const char *spec, struct collab_err *err);
/* Sort rows by a number or text column, missing and suppressed last, stable. */
void mdl_sort_rows(struct model_table *t, int col, int desc);
/* Format a value as indicator ind shows it (into buf). */
void mdl_format_value(const struct mdl_ind *ind, double v, char *buf, size_t size);

/* The views (resolved year, key stage and fkey in q / fkey). */
struct mdl_view_ctx {
    const struct model_query *q;
    int year, ks;
    long fkey;
    char *filter_text;      /* "" for all pupils */
    /* The comparator of a figure at filter key k is national at k +
     * nat_shift: 0 for the same pupils, else (q->against_others) the step
     * from the disadvantaged value to the other one. nat_name names it in
     * findings: "national", or "England's Not FSM6 pupils". */
    long nat_shift;
    char nat_name[96];
    const char *others_label;   /* the other value's label, or NULL */
};

int mdl_view_overview(struct model *m, const struct mdl_view_ctx *v,
                      struct model_table *t, struct collab_err *err);
int mdl_view_subjects(struct model *m, const struct mdl_view_ctx *v,
                      struct model_table *t, struct collab_err *err);
int mdl_view_subject(struct model *m, const struct mdl_view_ctx *v,
                     struct model_table *t, struct collab_err *err);
int mdl_view_schools(struct model *m, const struct mdl_view_ctx *v,
                     struct model_table *t, struct collab_err *err);
int mdl_view_similar(struct model *m, const struct mdl_view_ctx *v,
                     struct model_table *t, struct collab_err *err);
int mdl_view_pupils(struct model *m, const struct mdl_view_ctx *v,
                    struct model_table *t, struct collab_err *err);
int mdl_view_pupil(struct model *m, const struct mdl_view_ctx *v,
                   struct model_table *t, struct collab_err *err);
/* Close the pupils view's school store (model_close). */
void mdl_pupils_close(struct model *m);
/* view_evaluation.c (eval.h): the partnership self-evaluation. */
int mdl_view_evaluation(struct model *m, const struct mdl_view_ctx *v,
                        struct model_table *t, struct collab_err *err);

#endif
