/*
 * publish: derive the published stores from the source store and the config
 * (DESIGN.md section 3, docs/FORMATS.md "Group store" / "School store").
 *
 * A group store holds aggregates only: for every member school and for the
 * group as a whole (scope 0), per year and key stage (agg_pupil) or subject
 * (agg_subject) and per cell of the filter cube, the pupil or entry count and
 * one (n, s1, s2) triple per indicator, already suppressed (DESIGN.md
 * section 5 rule 4). A school store holds one school's pupils and nothing
 * about any other school. Every file is built at a temporary name in the data
 * directory, filled in one transaction, fsync'd, and only when every file of
 * the run is ready are they renamed over the previous ones, so a failed or
 * killed publish leaves every previous store as it was.
 *
 * Ownership: publish_run fills a caller-provided struct publish_result whose
 * contents the caller releases with publish_result_free (also after a
 * failure). Errors: -1 with err filled; nothing prints.
 */
#ifndef COLLAB_PUBLISH_H
#define COLLAB_PUBLISH_H

#include <stddef.h>

#include "collab/config.h"
#include "collab/err.h"
#include "collab/job.h"

struct publish_opts {
    const char *db_path;    /* source store */
    const char *data_dir;   /* where published stores go; made 0700/0711 */
    const char *group_id;   /* NULL: every group (and every school store) */
    const char *today;      /* YYYY-MM-DD; NULL: today's local date */
    /* Progress (rows of a group store, school stores done of all) and a
     * stop flag (collab/job.h); NULL: none. A stopped publish replaces no
     * store, removes its temporary files and fails with "interrupted". */
    const struct collab_job *job;
};

enum publish_file_kind { PUBLISH_GROUP, PUBLISH_SCHOOL, PUBLISH_EVAL };

/* One file written (or, for PUBLISH_EVAL, created). */
struct publish_file {
    enum publish_file_kind kind;
    char *name;             /* file name inside the data directory */
    long schools;           /* group: member schools published */
    long cells;             /* group: rows in agg_pupil + agg_subject */
    long pupils;            /* school: pupils copied */
};

struct publish_result {
    struct publish_file *files;
    size_t nfiles;
    char **warnings;        /* one line each, e.g. an unknown unix group */
    size_t nwarnings;
};

/* In the data directory while a publish replaces the stores, and after one
 * stopped among the renames: the set is then mixed (docs/FORMATS.md). It
 * holds the stopped run's generation, which every store it wrote has as
 * meta publish_generation. */
#define PUBLISH_RENAMING ".publish-renaming"

/* Publish the stores of one group (opts->group_id) or of every group. On
 * failure no previous store is replaced and the temporary files are removed;
 * res may still hold warnings. 0 or -1 with err. */
int publish_run(const struct cfg *cfg, const struct publish_opts *opts,
                struct publish_result *res, struct collab_err *err);

void publish_result_free(struct publish_result *res);

/* ---- the filter cube (docs/FORMATS.md, fkey) ---- */

#define PUBLISH_MAX_DIMS 8

/* Shape of the cube: dimension d has radix[d] choices, stride[d] its place
 * value; fkey = sum of choice[d] * stride[d]. Choice 0 is "all", 1 ..
 * nvalues[d] the values; when unknown[d] is set there is one more choice,
 * nvalues[d] + 1 = radix[d] - 1, for the pupils with no value of d (a
 * missing KS2 prior band): without it they would be in a total and in none
 * of its parts, and total minus parts would give them away. */
struct publish_cube {
    int ndims;
    int radix[PUBLISH_MAX_DIMS];
    long stride[PUBLISH_MAX_DIMS];
    unsigned char unknown[PUBLISH_MAX_DIMS];
    long ncells;
};

/* Fill c for ndims dimensions with nvalues[d] values each (mixed radix, first
 * dimension stride 1), plus the unknown choice where unknown[d] is non-zero
 * (unknown may be NULL: none). 0, or -1 with err when there are too many
 * dimensions. */
int publish_cube_init(struct publish_cube *c, const int *nvalues,
                      const unsigned char *unknown, int ndims, struct collab_err *err);

/* The choice of dimension d for a pupil whose value index is `value` (0 ..
 * nvalues - 1) or -1 for no value: value + 1, or the unknown choice, or 0
 * (the pupil is only in "all") when d has no unknown choice. */
int publish_cube_value(const struct publish_cube *c, int d, int value);

/* The choice of dimension d in cell fkey (0 = all). */
int publish_cube_choice(const struct publish_cube *c, long fkey, int d);

/* The variance, in percentage points squared, of a rate 100 * s1 / s2 over
 * n pupils (absence: sessions missed over sessions possible) with pupils as
 * the unit, since a pupil's sessions are not independent trials: the
 * linearised (Taylor) variance of a ratio of totals (Woodruff 1971;
 * Sarndal, Swensson and Wretman 1992, section 5.6; docs/REPORT.md),
 *     V = 100^2 * n / (n - 1) * sum (m_i - R p_i)^2 / (sum p_i)^2,
 * R = s1 / s2, from q11, q22, q12: the sums over the pupils of m_i^2,
 * p_i^2 and m_i p_i. 0 for fewer than 2 pupils. Group stores hold it as
 * <id>_v. */
double publish_rate_variance(double n, double s1, double s2, double q11, double q22,
                             double q12);

/* ---- suppression (DESIGN.md section 5 rule 4) ---- */

enum publish_sup {
    PUBLISH_SUP_NONE = 0,       /* published (when n > 0) */
    PUBLISH_SUP_PRIMARY = 1,    /* 0 < n < min_cohort */
    PUBLISH_SUP_SECONDARY = 2,  /* suppressed to protect another cell */
    PUBLISH_SUP_CELL = 3,       /* an indicator of a suppressed cell */
};

/* Suppress one block of cells: nscopes scopes (scope 0 the group, the others
 * its schools) times c->ncells cells, n[scope * ncells + fkey] the count of
 * each. Fills sup (same layout) with enum publish_sup.
 *
 * Margins are the places where a total and its parts are published together:
 * for each scope and dimension d, a cell with choice d = "all" and the cells
 * with each other choice of d, the unknown one included (other dimensions
 * fixed); and for each fkey, the group's cell and its schools' cells. In a
 * margin whose total and parts (those with n > 0) include exactly one
 * suppressed cell, or whose total is published and whose suppressed parts
 * hold 1 to min_cohort - 1 pupils together (the total less the published
 * parts is a count too), the smallest published part (ties: lowest scope, then
 * fkey) is suppressed too, one that holds every pupil of a coarser cell of
 * its scope only when no other part is left, or the total when no part is
 * left; this repeats
 * until nothing changes. Cells with n = 0 are never suppressed and never
 * chosen. A cell where force (same layout; NULL: none) is non-zero is
 * hidden from the start, as SECONDARY unless it is PRIMARY: publish hides
 * so a school's cell hidden in another store that holds the school.
 * Returns the number of secondary suppressions, the forced ones included. */
long publish_suppress(const struct publish_cube *c, size_t nscopes,
                      const long *n, const unsigned char *force, unsigned char *sup,
                      long min_cohort);

/* The same for one indicator, whose own count in each cell is cnt (same
 * layout; cnt <= n): its (n, s1, s2) are published only in a published cell
 * (cell_sup, publish_suppress's result for n) where 0 < cnt and cnt >=
 * min_cohort, and then margin by margin as above on cnt, so that no margin
 * holds exactly one hidden indicator with cnt > 0. Fills sup with
 * PUBLISH_SUP_CELL (the cell is suppressed), PRIMARY (0 < cnt < min_cohort),
 * SECONDARY or NONE. Where cnt and n agree in every cell of a margin the
 * margin is already safe, so only the scopes and fkeys holding a cell where
 * they differ are examined: cheap for the usual indicator every pupil has.
 * force (NULL: none) hides an indicator from the start as for
 * publish_suppress. Returns the number of secondary suppressions. */
long publish_suppress_indicator(const struct publish_cube *c, size_t nscopes,
                                const long *n, const unsigned char *cell_sup,
                                const long *cnt, const unsigned char *force,
                                unsigned char *sup, long min_cohort);

#endif
