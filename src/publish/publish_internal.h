/* Internal interfaces of the publish module: the accumulation of one block
 * of the filter cube (cube.c), the group and school writers and the change
 * history. Nothing outside src/publish/ includes this. */
#ifndef COLLAB_PUBLISH_INTERNAL_H
#define COLLAB_PUBLISH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "collab/config.h"
#include "collab/publish.h"

/* Whether cell idx (scope * ncells + fkey) holds every pupil of a coarser
 * cell of its scope: hiding it would leave that margin with it as the only
 * part, and the coarser cell (up to the school's total) would follow. */
int pub_whole_of_total(const struct publish_cube *c, const long *n, size_t idx);

/* Another group of the same publish whose schools are all this group's: a
 * reader of both stores knows this group's cells less the subgroup's, the
 * cells of the other schools. */
struct pub_subgroup {
    long key;                   /* its key in pub_shared */
    size_t *scopes;             /* its schools' scopes in this group */
    size_t nscopes;
};

struct pub_bounds;
struct pub_memo;

/* The accumulators of one indicator in a cell: its count n, s1 and s2
 * (config.h), then the sums of s1's and s2's values squared and of their
 * product over its pupils, which a rate's variance needs (pupils are its
 * unit, not sessions: write_group.c). */
enum { PUB_N, PUB_S1, PUB_S2, PUB_Q11, PUB_Q22, PUB_Q12, PUB_IND_WIDTH };

/* Accumulators of one block (a year and key stage, or a year and subject)
 * for every scope. A cell is `width` doubles: the count n, then
 * PUB_IND_WIDTH per indicator. The current school is accumulated densely; when it ends its
 * counts go to `n`, its cells into the group's, and the cells that could be
 * published (n >= min_cohort) are kept sparsely until the block is written. */
struct pub_block {
    const struct publish_cube *cube;
    size_t nscopes;             /* 1 + member schools */
    size_t nind;
    size_t width;               /* 1 + PUB_IND_WIDTH * nind */
    long min_cohort;
    int protect_width;          /* policy.protection_width (bounds.c) */
    struct pub_bounds *bounds;  /* bounds.c's equations of this block shape */
    struct pub_memo *memo;      /* intervals.c's results, or NULL: not run */
    /* nscopes * ncells, or NULL: small hidden counts intervals.c has seen
     * protect_width apart since the last reset. Suppression only hides
     * more until then, which only widens bounds, so they stay settled. */
    unsigned char *lp_settled;
    double *school;             /* ncells * width, the current school */
    double *group;              /* ncells * width, scope 0 */
    long *n;                    /* nscopes * ncells */
    unsigned char *sup;         /* nscopes * ncells, after pub_block_finish */
    /* per cell (scope * ncells + fkey) under min_cohort and indicator: a bit
     * set when the indicator's count is above 0 */
    unsigned char *small_has;
    long *cnt;                  /* nscopes * ncells: one indicator's counts */
    unsigned char *ind_sup;     /* nscopes * ncells: its suppression */
    size_t cur_scope;           /* 0 when no school is open */
    int touched;                /* any row since the last reset */
    /* kept cells of schools, in scope then fkey order */
    size_t *kept_scope;
    long *kept_fkey;
    double *kept_vals;          /* nkept * width */
    size_t nkept, capkept;
    /* the group's subgroups (pub_subgroup): their cells, and which are
     * hidden in their stores (sub_new: hidden there by this block) */
    size_t nsubs;
    const struct pub_subgroup *subs;
    unsigned char *sub_sup, *sub_new;   /* nsubs * ncells */
    /* the subgroups' counts, n then each indicator's: (k * ncells + fkey)
     * * (1 + nind); and which indicators are hidden in their stores */
    double *sub_acc;
    unsigned char *sub_ind, *sub_ind_new;   /* (k * ncells + fkey) * nind + i */
    size_t *holder_start, *holder;  /* subgroups holding scope s: holder[start[s] ..] */
    /* the families of subgroups a reader subtracts together (each subgroup
     * alone first, in order): fam_sub[j * nsubs + k] when subgroup k is in
     * family j, fam_scope[j * nscopes + s] when school s is */
    size_t nfam;
    unsigned char *fam_sub, *fam_scope;
    /* hidden in another store that holds the school (pub_block_force) */
    unsigned char *force;       /* nscopes * ncells: cells */
    unsigned char *ind_force;   /* nscopes * ncells: one indicator's, in turn */
    size_t *force_ind;          /* (scope * ncells + fkey) * nind + indicator */
    size_t nforce_ind, capforce_ind;
};

void pub_block_init(struct pub_block *b, const struct publish_cube *cube,
                    size_t nscopes, size_t nind, long min_cohort);
/* The group's subgroups (they outlive the block), before the first row. */
void pub_block_subgroups(struct pub_block *b, const struct pub_subgroup *subs, size_t n);
/* A cell of subgroup k hidden in its own store: hidden in this block's
 * relations too. Until the next reset. */
void pub_block_sub_hidden(struct pub_block *b, size_t k, long fkey);
/* The same for indicator ind of subgroup k's cell. */
void pub_block_sub_ind_hidden(struct pub_block *b, size_t k, long fkey, int ind);
/* Start a new block: every accumulator back to zero. */
void pub_block_reset(struct pub_block *b);
/* Add one pupil or entry of school `scope` (>= 1; rows of a school must be
 * contiguous). choice[d] is publish_cube_value's: 0 when the row is only in
 * "all" of dimension d.
 * has[i] says whether indicator i has a value; v1 and v2 are what its s1 and
 * s2 accumulate. */
void pub_block_add(struct pub_block *b, size_t scope, const int *choice,
                   const unsigned char *has, const double *v1, const double *v2);
/* Hide a cell of school `scope` (ind -1) or one indicator of it from the
 * start of suppression, whatever its count: another store that holds the
 * school hides it. Until the next reset. */
void pub_block_force(struct pub_block *b, size_t scope, long fkey, int ind);
/* Close the last school and run suppression, of the cells and then of each
 * indicator (an indicator hidden in a published cell gets the count -1);
 * then rows can be written. */
void pub_block_finish(struct pub_block *b);
void pub_block_free(struct pub_block *b);

/* Bound propagation over the block's equations (bounds.c): where a hidden
 * count of 1 to min_cohort - 1 pupils is bounded less than protect_width
 * apart, hide a published member of the equation that bounded it. Returns
 * the number hidden; the caller suppresses the block again around them. */
long pub_bounds_repair(struct pub_block *b);
/* Cell idx's bounds (scope * ncells + fkey) as the last pub_bounds_repair
 * left them: [0, infinity) before any. */
void pub_bounds_of(const struct pub_block *b, size_t idx, double *lo, double *hi);
/* The same by linear programming over every figure of the block at once
 * (intervals.c), for what bound propagation misses; run when nothing else
 * hides more. Returns the number hidden, as pub_bounds_repair. */
long pub_intervals_repair(struct pub_block *b);
/* What pub_intervals_repair hid for each state of a block it has seen:
 * the same block is decided again in later rounds and when written. */
struct pub_memo *pub_memo_new(void);
void pub_memo_free(struct pub_memo *m);
/* A member of a relation or margin, for the cells (ind -1) or indicator
 * ind: m below nscopes is that scope's cell f, nscopes + k subgroup k's.
 * Its count, and in *hid whether a reader cannot see it. */
long pub_block_member(const struct pub_block *b, int ind, size_t m, size_t f, int *hid);
/* Hide that member (a cell or indicator SECONDARY; a subgroup's noted for
 * its store). */
void pub_block_hide(struct pub_block *b, int ind, size_t m, size_t f);
void pub_bounds_free(struct pub_bounds *bd);

/* A member school of a group being published. */
struct pub_school {
    long urn;
    int ord;                    /* position in groups.yaml */
    char *name;                 /* from the source school table, else config */
    int shared;                 /* another group published with it holds it too */
};

/* The cells hidden in any group of a publish, of the schools more than one
 * group holds (shared_cells.c): each group hides what any other hides, so
 * that no reader of two stores learns a cell by comparing them. An entry is
 * a cell's key in the cube of every filter with its unknown choice (the
 * same in every group's cube) shifted left 16 bits, plus 1 + the indicator's
 * place in its table, or 0 for the cell itself. */
struct pub_shared;

/* urns: the shared schools, and the keys of the groups (negative: a
 * group's own cells, which its supergroups' relations hide), ascending. */
struct pub_shared *pub_shared_new(const long *urns, size_t n);
void pub_shared_free(struct pub_shared *s);
int pub_shared_has(const struct pub_shared *s, long urn);
/* The entries of one school's block (pass 0: agg_pupil, key the key stage;
 * 1: agg_subject, key the subject), ascending; *n = 0 when none. */
const uint64_t *pub_shared_get(const struct pub_shared *s, long urn, int pass, int year,
                               const char *key, size_t *n);
/* Add entries (e is sorted in place); the number that were not there. */
size_t pub_shared_add(struct pub_shared *s, long urn, int pass, int year, const char *key,
                      uint64_t *e, size_t n);
/* A counter that grows with every addition of a new entry, and whether the
 * entries of a school grew after a given count. */
unsigned long pub_shared_stamp(const struct pub_shared *s);
int pub_shared_changed_since(const struct pub_shared *s, long urn, unsigned long stamp);

/* Everything needed to write one group store. */
struct pub_group {
    const struct cfg *cfg;
    const struct cfg_group *group;
    const char *today;
    struct pub_school *schools; /* effective members, ascending URN */
    size_t nschools;
    long *withdrawn;            /* members dropped for withdrawn consent */
    size_t nwithdrawn;
    long *missing;              /* members with no signed consent */
    size_t nmissing;
    long cells;                 /* out: aggregate rows written */
    struct pub_shared *shared;      /* hidden cells of shared schools; may be NULL */
    long key;                       /* the group's own key in shared (< 0) */
    int sink;                       /* takes what others hide, tells them nothing */
    struct pub_subgroup *subs;      /* see pub_subgroup */
    size_t nsubs;
    int decide_only;                /* pub_decide_group's passes: no store */
    struct pub_memo *memo;          /* pub_intervals_repair's, kept across rounds */
    const struct collab_job *job;   /* progress while rows are read; may be NULL */
    const char *what;               /* "publishing GROUP", for progress */
};

/* The scope of school urn in the group (1 + its place among the schools,
 * ascending URN), or 0 when the group does not hold it. */
size_t pub_group_scope(const struct pub_group *pg, long urn);

/* Run the aggregate passes of a group for their suppression alone: what
 * it hides goes to pg->shared, nothing is written (no store is attached).
 * Publish decides every group until none hides more, then writes each once.
 * 0 or -1 with err. */
int pub_decide_group(sqlite3 *db, struct pub_group *pg, struct collab_err *err);

/* Write the aggregates, context and config mirrors into the group store
 * attached as "g" on the source connection db, inside the caller's
 * transaction. 0 or -1 with err. */
int pub_write_group(sqlite3 *db, struct pub_group *pg, struct collab_err *err);

/* Write change rows into g.change: carry forward those of the previous store
 * at prev_path (if it exists and opens) and append what changed. A previous
 * store that cannot be read is reported in *warning (malloc'd, caller frees)
 * and treated as absent. */
int pub_write_changes(sqlite3 *db, const struct pub_group *pg, const char *prev_path,
                      char **warning, struct collab_err *err);

/* Copy school urn's rows into the school store attached as "s". Fills *pupils.
 * 0 or -1 with err. */
int pub_write_school(sqlite3 *db, long urn, long *pupils, struct collab_err *err);

#endif
