/*
 * config: the YAML configuration as typed structs (DESIGN.md section 4).
 *
 * A config directory holds indicators.yaml, filters.yaml, groups.yaml and
 * evaluation.yaml. Themes are loaded separately (cfg_load_theme) from a
 * themes/ directory. The file formats are documented in docs/FORMATS.md.
 *
 * Loading is all-or-nothing: on any problem the loader fills err with
 * "FILE:LINE:COL: what is wrong" (the first problem), frees what it built and
 * returns -1. Unknown keys, wrong types, duplicate ids and references to
 * unknown ids (schools, users, organisations, indicator columns) are errors.
 *
 * Ownership: every string and array inside a struct cfg belongs to it and is
 * released by cfg_free(). Arrays are (pointer, count) pairs.
 */
#ifndef COLLAB_CONFIG_H
#define COLLAB_CONFIG_H

#include <stddef.h>

#include "collab/err.h"
#include "collab/expr.h"

/* ---- indicators.yaml ---- */

enum cfg_level { CFG_LEVEL_PUPIL, CFG_LEVEL_RESULT, CFG_LEVEL_ATTENDANCE };

/* How pupils' values combine. Every aggregate is carried as three
 * accumulators (n, s1, s2) so that published cells have one shape:
 *   MEAN:    n = values, s1 = sum, s2 = sum of squares;  figure = s1/n
 *   PERCENT: n = values, s1 = count where expr is true;  figure = 100*s1/n
 *   RATE:    n = values, s1 = sum of expr, s2 = sum of `per`; figure = 100*s1/s2
 *   SUM:     n = values, s1 = sum;                       figure = s1
 *   COUNT:   n = values;                                 figure = n       */
enum cfg_aggregate { CFG_AGG_MEAN, CFG_AGG_PERCENT, CFG_AGG_RATE,
                     CFG_AGG_SUM, CFG_AGG_COUNT };

enum cfg_polarity { CFG_HIGHER_BETTER, CFG_LOWER_BETTER, CFG_NEUTRAL };

enum cfg_signif {
    CFG_SIG_NONE,
    CFG_SIG_NATIONAL_SD,  /* 95% CI: value +/- 1.96 * national SD / sqrt(n) */
    CFG_SIG_BINOMIAL,     /* 95% binomial interval for a percentage */
    CFG_SIG_PUPIL_SD,     /* 95% CI: value +/- 1.96 * the pupils' own SD / sqrt(n) */
};

struct cfg_indicator {
    char *id;             /* [a-z][a-z0-9_]*, unique; also a column name */
    char *label;          /* "Attainment 8" */
    char *short_label;    /* "A8" (table headers) */
    enum cfg_level level;
    int key_stage;        /* 2 or 4: which pupils it applies to */
    struct expr *expr;    /* checked against the level's columns */
    struct expr *per;     /* RATE only: the denominator expression, else NULL */
    enum cfg_aggregate aggregate;
    int decimals;         /* digits after the point when displayed */
    int show_sign;        /* print a leading + on positive values (P8) */
    enum cfg_polarity polarity;
    enum cfg_signif significance;
    int headline;         /* shown on the Overview and Schools panes */
    char *dfe_measure;    /* optional: the DfE school-level measure it matches
                           * (docs/DFE.md, e.g. "p8"), for national
                           * percentiles and DfE-only schools; else NULL */
    int yaml_line;        /* where it was defined, for messages */
};

/* Intake measures of the similar-schools view, in the order of the
 * optional `similarity:` mapping of indicators.yaml (weights per measure). */
enum cfg_sim_measure { CFG_SIM_FSM6, CFG_SIM_EAL, CFG_SIM_SEN, CFG_SIM_COHORT,
                       CFG_SIM_PRIOR, CFG_SIM_COUNT };
/* The YAML key of a measure ("fsm6_pct", "eal_pct", "sen_pct", "cohort",
 * "prior_mean"). */
const char *cfg_sim_measure_name(enum cfg_sim_measure m);

/* ---- filters.yaml ---- */

struct cfg_filter_value {
    char *code;           /* "yes", "support" - matched case-insensitively */
    char *label;          /* "FSM6", "SEN support" */
    char *match;          /* the value in the pupil column ("1", "K") */
};

struct cfg_filter {
    char *id;             /* "fsm6" */
    char *key;            /* one-character key in the TUI, "f" */
    char *label;          /* "Disadvantaged (FSM6)" */
    char *column;         /* pupil column: fsm6, eal, sen, gender, prior_band, cla */
    struct cfg_filter_value *values;
    size_t nvalues;
};

/* ---- groups.yaml ---- */

enum cfg_org_kind { CFG_ORG_LA, CFG_ORG_TRUST, CFG_ORG_SCHOOL, CFG_ORG_PARTNERSHIP };
enum cfg_visibility { CFG_VIS_LA_ONLY, CFG_VIS_SCHOOLS };
enum cfg_role { CFG_ROLE_ANALYST, CFG_ROLE_LEADER, CFG_ROLE_SUBJECT_LEADER,
                CFG_ROLE_PARTNERSHIP_LEAD, CFG_ROLE_ADMIN };

/* How publish bounds a hidden count (docs/DISCLOSURE.md): the equations
 * one at a time, or all at once by linear programming as well. */
enum cfg_protection_solver { CFG_SOLVER_EQUATIONS, CFG_SOLVER_LINEAR_PROGRAMME };

struct cfg_policy {
    int min_cohort;       /* default 6 */
    int league_tables;    /* default 1 */
    int protection_width; /* default 3: how far apart a hidden small count's
                           * bounds stay (docs/DISCLOSURE.md) */
    enum cfg_protection_solver protection_solver;   /* default equations */
};
#define CFG_POLICY_DEFAULTS { 6, 1, 3, CFG_SOLVER_EQUATIONS }

struct cfg_org {
    char *id;
    char *name;
    enum cfg_org_kind kind;
    long urn;             /* CFG_ORG_SCHOOL only, else 0 */
    char *unix_group;     /* optional, NULL when absent */
    char *pupil_unix_group;   /* a school's staff with pupil_level: its store's
                                 readers; optional (then the store is the
                                 publisher's only) */
    char *contact;        /* optional lead contact (agreement text) */
};

struct cfg_group {
    char *id;             /* [a-z0-9-]+; also the store file name */
    char *name;
    char *description;
    char *owner;          /* organisation id */
    enum cfg_visibility visibility;
    long *schools;        /* member URNs; each names a school organisation */
    size_t nschools;
    char **users;         /* user ids listed on the group */
    size_t nusers;
    char *unix_group;     /* optional */
    struct cfg_policy policy;   /* group's own, defaults from the global policy */
    int own_school;       /* made by collab, not groups.yaml: see below */
};

/* Every school organisation with users gets a group of its own, "own-" and
 * its id (unless groups.yaml has a group of that id): the school alone,
 * owned by it, listed for its users, with the organisation's unix group, so
 * its staff see their own school (its figures, and with pupil_level its
 * pupils) whatever their other groups, and whatever its consent to share.
 * It comes after every group of groups.yaml. */
#define CFG_OWN_SCHOOL_PREFIX "own-"

struct cfg_user {
    char *id;
    char *login;          /* unix login */
    char *name;
    char *org;            /* organisation id */
    enum cfg_role role;
    int global;           /* sees every group its organisation owns */
    int school_level;
    int pupil_level;
    int collaborate;
};

struct cfg_consent {
    long urn;
    char *signed_date;    /* YYYY-MM-DD or NULL */
    char *signatory;
    char *withdrawn_date; /* YYYY-MM-DD or NULL */
};

/* ---- evaluation.yaml ---- */

struct cfg_eval_theme {
    char *id;
    char *title;
    char *question;
};

struct cfg_eval_area {
    char *id;
    char *title;
    struct cfg_eval_theme *themes;
    size_t nthemes;
};

struct cfg_eval {
    int scale_min, scale_max;     /* e.g. 1..4 */
    char **scale_labels;          /* scale_max - scale_min + 1 labels */
    struct cfg_eval_area *areas;
    size_t nareas;
};

/* ---- the whole directory ---- */

/* One entry of a lookup index: a key (text or number) and a position. */
struct cfg_key {
    const char *text;
    long num;
    size_t pos;
};
/* Order by text (cfg_key_by_text) or number (cfg_key_by_num), then
 * position: qsort comparators. */
int cfg_key_by_text(const void *a, const void *b);
int cfg_key_by_num(const void *a, const void *b);
/* In a sorted index of n keys, the position of the first entry in file
 * order that repeats an earlier one's key, and that earlier one's in
 * *earlier; SIZE_MAX when no key repeats. */
size_t cfg_key_first_repeat(const struct cfg_key *k, size_t n, int by_text, size_t *earlier);

struct cfg {
    char *dir;
    struct cfg_indicator *indicators;  size_t nindicators;
    double similarity[CFG_SIM_COUNT];  /* weights, >= 0; 1 each by default */
    struct cfg_filter *filters;        size_t nfilters;
    struct cfg_org *orgs;              size_t norgs;
    struct cfg_group *groups;          size_t ngroups;
    struct cfg_user *users;            size_t nusers;
    struct cfg_consent *consents;      size_t nconsents;
    /* Lookups by id and URN in O(log n) (groups.c builds them as each list
     * loads; a national config has thousands of schools): positions in
     * orgs (by id; schools by urn) and consents (by urn), sorted. */
    struct cfg_key *org_by_id, *school_by_urn, *consent_by_urn;
    size_t nschool_by_urn;
    struct cfg_policy policy;          /* global defaults */
    struct cfg_eval eval;
    /* What loads but is unwise (a min_cohort under 6), each as "FILE:LINE:
     * COL: message"; check and publish print them. Owned by cfg. */
    char **warnings;                   size_t nwarnings;
};

/* Load and validate every file of a config directory into *cfg.
 * 0 on success; -1 with err filled and *cfg left empty. */
int cfg_load_dir(const char *dir, struct cfg *cfg, struct collab_err *err);

/* Single-file loaders (used by cfg_load_dir, tests and fuzzers). Each fills
 * its part of *cfg; on failure -1 and err. groups.yaml references are checked
 * within the file. */
int cfg_load_indicators(const char *path, struct cfg *cfg, struct collab_err *err);
int cfg_load_filters(const char *path, struct cfg *cfg, struct collab_err *err);
int cfg_load_groups(const char *path, struct cfg *cfg, struct collab_err *err);
int cfg_load_evaluation(const char *path, struct cfg *cfg, struct collab_err *err);

void cfg_free(struct cfg *cfg);

/* Add a copy of msg to cfg->warnings. */
void cfg_warn(struct cfg *cfg, const char *msg);

/* Lookups: NULL when absent. Pointers stay owned by cfg. */
const struct cfg_indicator *cfg_indicator(const struct cfg *cfg, const char *id);
const struct cfg_filter *cfg_filter(const struct cfg *cfg, const char *id);
const struct cfg_group *cfg_group(const struct cfg *cfg, const char *id);
const struct cfg_user *cfg_user(const struct cfg *cfg, const char *id);
/* "a, b, c": every user's id, for a message naming whom one may choose;
 * the caller frees it. */
char *cfg_user_ids(const struct cfg *cfg);
const struct cfg_user *cfg_user_by_login(const struct cfg *cfg, const char *login);
const struct cfg_org *cfg_org(const struct cfg *cfg, const char *id);
const struct cfg_org *cfg_school_org(const struct cfg *cfg, long urn);
const struct cfg_consent *cfg_consent(const struct cfg *cfg, long urn);
/* Whether school urn has dropped out of group g by `today` (YYYY-MM-DD): a
 * `schools` group loses a school from the date its consent is withdrawn
 * (DESIGN.md section 5, rule 2); an la_only group keeps every school. */
int cfg_school_withdrawn(const struct cfg *cfg, const struct cfg_group *g, long urn,
                         const char *today);
/* Whether school urn has signed the sharing agreement (a signed date). */
int cfg_school_signed(const struct cfg *cfg, long urn);
/* The unix group publish gives group g's store: its own, except that a
 * `schools` group a member (not withdrawn by `today`) has not signed for is
 * its owner's only (NULL without an owner: the publisher's alone). */
const char *cfg_group_store_unix_group(const struct cfg *cfg, const struct cfg_group *g,
                                       const char *today);
/* Find a filter value by code or label, case-insensitively; -1 if none. */
int cfg_filter_value_index(const struct cfg_filter *f, const char *code_or_label);

/* ---- themes/NAME.yaml ---- */

enum cfg_theme_slot {
    THEME_NORMAL, THEME_HEADER, THEME_TAB, THEME_TAB_ACTIVE, THEME_HINT,
    THEME_SELECTED, THEME_TITLE, THEME_CHIP, THEME_SIG_ABOVE, THEME_SIG_BELOW,
    THEME_SUPPRESSED, THEME_BAR, THEME_NATIONAL, THEME_ERROR, THEME_BORDER,
    THEME_SLOT_COUNT
};

/* Colours: -1 default, 0..7 basic, 8..255 extended. */
struct cfg_theme_style {
    short fg, bg;
    int bold, underline, reverse;
};

struct cfg_theme {
    char *name;
    int monochrome;       /* draw with attributes only */
    struct cfg_theme_style slots[THEME_SLOT_COUNT];
};

/* The YAML key of each slot ("header", "tab_active", ...). */
const char *cfg_theme_slot_name(enum cfg_theme_slot slot);
/* Load one theme file. 0 or -1 with err. */
int cfg_load_theme(const char *path, struct cfg_theme *theme, struct collab_err *err);
void cfg_theme_free(struct cfg_theme *theme);

#endif
