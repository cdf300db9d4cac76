/*
 * eval: the partnership self-evaluation (DESIGN.md section 6, pane 5).
 *
 * Each term the leaders of a group's member schools score, per sub-theme of
 * evaluation.yaml, their own school and the partnership on the framework's
 * scale, and write strengths and areas for development, which they may
 * share with the group. Entries live in the group's evaluation store
 * (store_eval_path), which members write and publish never replaces.
 *
 * The access rules live here, beside the model, so the TUI form and
 * `collab eval` cannot disagree:
 *  - only a user with role leader or partnership_lead, `collaborate`
 *    access and a member school as organisation enters scores, and only for
 *    that school;
 *  - everyone who may see the group sees the aggregated view; individual
 *    school scores of other schools are shown only to users who belong to no
 *    school (analysts, the partnership's own staff);
 *  - a school's free text is shown to others only when it is marked shared;
 *    the school's own users always see theirs.
 * Every refusal writes an audit row (audit.h).
 *
 * Terms are named "YYYY-autumn", "YYYY-spring" or "YYYY-summer" by the
 * calendar year they fall in: Sep-Dec autumn, Jan-Apr spring, May-Aug summer.
 *
 * Writes: each save is its own transaction (BEGIN IMMEDIATE), retried a few
 * times when another member holds the store's write lock; when it gives up
 * the error says the store is busy and nothing was saved.
 *
 * Errors: 0 / -1 with err filled (a refusal is an error whose message says
 * why). Ownership is stated per function.
 */
#ifndef COLLAB_EVAL_H
#define COLLAB_EVAL_H

#include <stddef.h>

#include "collab/config.h"
#include "collab/err.h"
#include "collab/model.h"

#define EVAL_TERM_MAX 16    /* "2026-autumn" and its NUL, with room */
#define EVAL_BUSY_TRIES 5   /* BEGIN IMMEDIATE attempts before giving up */

/* Who is acting, on which group. Every pointer is borrowed. */
struct eval_ctx {
    const struct cfg *cfg;
    const struct cfg_group *group;
    const struct cfg_user *user;
    const char *data_dir;     /* where eval-GROUP.db lives */
    const char *login;        /* the real login, for the audit log */
};

/* The context of an open model: its config, group, the user acted as and
 * its data directory. Valid until the model closes or switches group. */
void eval_ctx_from_model(struct model *m, struct eval_ctx *ctx);

/* ---- terms ---- */

/* 1 when term is "YYYY-autumn|spring|summer" (2000..2100), else 0. */
int eval_term_valid(const char *term);
/* The same with a message for the user: 0, or -1 with err. */
int eval_term_check(const char *term, struct collab_err *err);
/* The term a date falls in (month 1..12), into buf (EVAL_TERM_MAX). */
void eval_term_of(int year, int month, char *buf, size_t size);
/* The term of today's local date, into buf. */
void eval_term_current(char *buf, size_t size);
/* The term before a valid term (2026-autumn -> 2026-summer), into buf. */
void eval_term_before(const char *term, char *buf, size_t size);
/* Chronological order of two valid terms: <0, 0, >0. */
int eval_term_compare(const char *a, const char *b);

/* ---- access ---- */

/* 1 when ctx's user may see the group's evaluation, 0 with why. */
int eval_may_view(const struct eval_ctx *ctx, struct collab_err *why);
/* 1 when ctx's user may enter scores for school urn, 0 with why. */
int eval_may_enter(const struct eval_ctx *ctx, long urn, struct collab_err *why);
/* The school the user enters for (their own), or 0 when they may not enter;
 * why says why not. Does not audit. */
long eval_entry_school(const struct eval_ctx *ctx, struct collab_err *why);

/* ---- entries ---- */

enum eval_target { EVAL_TARGET_SCHOOL, EVAL_TARGET_PARTNERSHIP };

/* One school's entry on one sub-theme in one term. Scores are 0 when not
 * given. In eval_list results, hidden parts are NULL / 0 and flagged. */
struct eval_entry {
    char *term;
    long urn;
    char *theme;
    int school_score, partnership_score;
    char *strengths, *development;   /* NULL when none (or hidden) */
    int shared;
    int scores_hidden;               /* another school's scores, not shown */
    int text_hidden;                 /* unshared text of another school */
    char *author, *saved_at;
    long line;                       /* where it came from (import), or 0 */
};

/* Save one score (0 clears it) of the user's own school for theme in term.
 * A score outside the scale is refused with "score must be MIN-MAX". */
int eval_save_score(const struct eval_ctx *ctx, const char *term, const char *theme,
                    enum eval_target target, int score, struct collab_err *err);
/* Save strengths and development (either may be NULL or "" for none). */
int eval_save_text(const struct eval_ctx *ctx, const char *term, const char *theme,
                   const char *strengths, const char *development,
                   struct collab_err *err);
/* Mark the school's text on theme shared with the group (1) or not (0). */
int eval_save_shared(const struct eval_ctx *ctx, const char *term, const char *theme,
                     int shared, struct collab_err *err);
/* Save whole entries (both scores, the text and the shared flag replace
 * what was there) in one transaction: every entry is checked first, and the
 * first problem fails the lot with "SOURCE:LINE: column X: what is wrong"
 * (entries' line; SOURCE may be NULL). Nothing is written on failure. */
int eval_save_entries(const struct eval_ctx *ctx, const char *source,
                      const struct eval_entry *entries, size_t n,
                      struct collab_err *err);

/* A demo's history (gen_eval_entries): entries of any member school saved
 * in one transaction without the entering rules, by ctx's user (the demo's
 * administrator, who builds the sample), and only into a store with no
 * entries yet, so no school's own entry is ever replaced: 0 and nothing
 * written when it has some. */
int eval_save_sample(const struct eval_ctx *ctx, const struct eval_entry *entries, size_t n,
                     struct collab_err *err);
/* The entries of term the user may see, by school order of the group then
 * framework order. *out is malloc'd (free with eval_entries_free). */
int eval_list(const struct eval_ctx *ctx, const char *term, struct eval_entry **out,
              size_t *n, struct collab_err *err);
void eval_entries_free(struct eval_entry *e, size_t n);

/* Terms with any entry, oldest first; *out malloc'd strings and array
 * (free with eval_terms_free). */
int eval_terms(const struct eval_ctx *ctx, char ***out, size_t *n, struct collab_err *err);
void eval_terms_free(char **terms, size_t n);

/* ---- the view ---- */

/* Row kinds of the evaluation table. */
enum eval_row_kind { EVAL_ROW_AREA = 1, EVAL_ROW_THEME = 2 };

/* The aggregated view of term (NULL: the latest term with entries, else the
 * current term) into t (caller frees with model_table_free): per area and
 * sub-theme the partnership scores' mean, min, max and SD (population: the
 * responding schools are the whole partnership), the mean self-score, the
 * gap (self mean minus partnership mean), the change of the partnership
 * mean since the latest earlier term with entries, the number of schools
 * that scored the partnership, and the school score of each member school
 * (a school's own users: their school only). Area rows pool every score of
 * their sub-themes. Findings list the lowest-scoring sub-themes as
 * priorities. Row keys: "AREA" for areas, "AREA/THEME" for sub-themes. */
int eval_table(const struct eval_ctx *ctx, const char *term, struct model_table *t,
               struct collab_err *err);

#endif
