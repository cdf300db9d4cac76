/*
 * import: CSV files into the source store (docs/FORMATS.md "CSV files"),
 * one importer per kind, and the derived KS4 (pupil_ks4) and KS2
 * (pupil_ks2) measures.
 *
 * An import is one transaction. Every row is validated (types, ranges,
 * references to schools, pupils and subjects, duplicate keys within the
 * file); any problem rejects the whole file and leaves the store as it was.
 * Problems read "FILE:LINE: column X: what is wrong". Rows are upserted by
 * the kind's key, so importing the same file twice changes nothing. After
 * pupils, results, estimates or subjects the measures of the affected years
 * are derived again in the same transaction; each success adds an
 * import_log row and checkpoints the WAL into the store file.
 */
#ifndef COLLAB_IMPORT_H
#define COLLAB_IMPORT_H

#include <sqlite3.h>
#include <stddef.h>

#include "collab/err.h"
#include "collab/job.h"

/* At most this many problems are kept; the rest are only counted. */
#define IMP_MAX_PROBLEMS 20

enum imp_kind {
    IMP_SCHOOLS, IMP_SUBJECTS, IMP_PUPILS, IMP_RESULTS, IMP_ATTENDANCE,
    IMP_ESTIMATES, IMP_NATIONAL,
    /* The DfE's school-level files, read by their own column names
     * (include/collab/import_dfe.h, docs/DFE.md). */
    IMP_DFE_KS4, IMP_DFE_CENSUS, IMP_DFE_ABSENCE, IMP_DFE_KS2,
    /* The DfE's KS4 ready-reckoner estimates (p8_att8_splits.csv) of the
     * year given. */
    IMP_DFE_ESTIMATES,
};

/* Parse a kind name ("results"); 0 or -1. */
int imp_kind_parse(const char *name, enum imp_kind *out);
const char *imp_kind_name(enum imp_kind kind);
/* "schools, subjects, pupils, ..." for usage messages (static string). */
const char *imp_kind_list(void);

struct imp_report {
    long rows;                          /* rows imported (on success) */
    char *problems[IMP_MAX_PROBLEMS];   /* owned; first `shown` are set */
    size_t shown;
    size_t total;                       /* all problems found */
};

/* Import one CSV file into an open source store. `name` is how the file is
 * named in messages and the import log (path when NULL). Returns 0 with
 * report->rows set, or -1: then report lists the problems (total > 0) or,
 * for a failure that is not about the file's rows (the store, I/O), err is
 * set and report is empty. Free the report with imp_report_free. */
int imp_import_file(sqlite3 *db, enum imp_kind kind, const char *path,
                    const char *name, struct imp_report *report,
                    struct collab_err *err);

/* What an import may be told besides the file. */
struct imp_opts {
    long year;      /* the DfE kinds' year (0: IMP_DFE_DEFAULT_YEAR); must be 0
                     * for the other kinds, whose rows carry their own year */
    /* Progress ("importing KIND", rows read so far) and a stop flag
     * (collab/job.h); NULL: none. A stopped import rolls back and fails
     * with err "interrupted". */
    const struct collab_job *job;
};

/* imp_import_file with options (NULL: none). A year given to a kind that
 * does not take one, or outside 2000..2100, fails with err. */
int imp_import_file_opts(sqlite3 *db, enum imp_kind kind, const char *path,
                         const char *name, const struct imp_opts *opts,
                         struct imp_report *report, struct collab_err *err);

void imp_report_free(struct imp_report *report);

/* The years whose KS4 pupils have no Progress 8 because the store holds no
 * estimates for that year: fn(arg, year, pupils) for each, in year order.
 * 0, or -1 with err. */
int imp_years_without_estimates(sqlite3 *db, void (*fn)(void *arg, int year, long pupils),
                                void *arg, struct collab_err *err);

/* Derive pupil_ks4 and pupil_ks2 again for every year in the store, inside
 * the caller's transaction. 0 or -1 with err. */
int imp_recompute_all(sqlite3 *db, struct collab_err *err);

#endif
