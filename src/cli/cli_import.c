/* `collab import [--db FILE] [--year Y] KIND FILE.csv` */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collab/cli.h"
#include "collab/import.h"
#include "collab/job.h"
#include "collab/store.h"
#include "collab/util.h"

static const char usage[] = "collab import [--db FILE] [--year Y] KIND FILE.csv\n"
    "  KIND: schools, subjects, pupils, results, attendance, estimates, national,\n"
    "        dfe-ks4, dfe-census, dfe-absence, dfe-ks2, dfe-estimates\n"
    "  --year Y: the year a dfe-* file is stored under (default 2019; dfe-estimates\n"
    "        needs it)";

static void print_problems(const struct imp_report *rep, const char *file)
{
    for (size_t i = 0; i < rep->shown; i++)
        fprintf(stderr, "%s\n", rep->problems[i]);
    if (rep->total > rep->shown)
        fprintf(stderr, "... and %zu more problem%s\n", rep->total - rep->shown,
                rep->total - rep->shown == 1 ? "" : "s");
    cli_error("%s: nothing imported (%zu problem%s)", file, rep->total,
              rep->total == 1 ? "" : "s");
}

static void no_estimates(void *arg, int year, long pupils)
{
    (void)arg;
    cli_error("note: no Progress 8 estimates for %d: its %ld KS4 pupil%s no Progress 8 "
              "(import that year's: collab import --db DB estimates FILE)", year, pupils,
              pupils == 1 ? " has" : "s have");
}

static int import_into(const char *db_path, enum imp_kind kind, const char *file,
                       const struct imp_opts *opts)
{
    struct collab_err err;
    struct imp_report rep;
    struct stat sb;
    collab_err_clear(&err);
    int created = stat(db_path, &sb) != 0;
    if (created && cli_make_parent(db_path, &err) != 0)
        return cli_fail(&err);
    sqlite3 *db = store_open(db_path, STORE_SOURCE, STORE_CREATE, &err);
    if (!db)
        return cli_fail(&err);
    struct collab_job job;
    struct imp_opts with_job = *opts;
    cli_job_start(&job);
    with_job.job = &job;
    int rc = imp_import_file_opts(db, kind, file, file, &with_job, &rep, &err);
    /* a P8 left out for want of estimates is said here, not found later
     * as an x that reads as suppression */
    if (rc == 0 && (kind == IMP_PUPILS || kind == IMP_RESULTS || kind == IMP_ESTIMATES ||
                    kind == IMP_DFE_ESTIMATES))
        imp_years_without_estimates(db, no_estimates, NULL, &err);
    store_close(db);
    if (rc != 0 && created)
        cli_remove_store(db_path);
    if (cli_job_finish(&job) && rc != 0) {
        imp_report_free(&rep);
        return cli_job_interrupted();
    }
    if (rc != 0 && rep.total == 0) {
        imp_report_free(&rep);
        return cli_fail(&err);
    }
    if (rc != 0)
        print_problems(&rep, file);
    else
        printf("imported %ld %s from %s\n", rep.rows, imp_kind_name(kind), file);
    imp_report_free(&rep);
    return rc == 0 ? COLLAB_EXIT_OK : COLLAB_EXIT_USER;
}

static int parse_year(const char *s, struct imp_opts *opts)
{
    if (util_parse_long(s, &opts->year) != 0 || opts->year == 0) {
        cli_error("--year: '%s' is not a year such as 2019", s);
        return -1;
    }
    return 0;
}

/* Parse [--db FILE] [--year Y] and the positional arguments; NULL db means
 * default. */
static int parse_args(int argc, char **argv, const char **db, struct imp_opts *opts,
                      char **pos, int max_pos, int *npos)
{
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            *db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            *db = argv[i] + 5;
        } else if (strcmp(argv[i], "--year") == 0 && i + 1 < argc) {
            if (parse_year(argv[++i], opts) != 0)
                return -1;
        } else if (strncmp(argv[i], "--year=", 7) == 0) {
            if (parse_year(argv[i] + 7, opts) != 0)
                return -1;
        } else if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
            cli_error("unknown option %s", argv[i]);
            return -1;
        } else {
            if (strcmp(argv[i], "--") == 0 && ++i >= argc)
                break;
            if (*npos >= max_pos)
                return -1;
            pos[(*npos)++] = argv[i];
        }
    }
    return 0;
}

int cli_import(int argc, char **argv)
{
    const char *db = NULL;
    struct imp_opts opts = { 0 };
    char *pos[2];
    int npos;
    enum imp_kind kind;
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n", usage);
        return COLLAB_EXIT_OK;
    }
    if (parse_args(argc, argv, &db, &opts, pos, 2, &npos) != 0 || npos != 2)
        return cli_usage(usage);
    if (imp_kind_parse(pos[0], &kind) != 0) {
        cli_error("unknown kind '%s' (one of %s)", pos[0], imp_kind_list());
        return COLLAB_EXIT_USAGE;
    }
    char *def = db ? NULL : cli_default_db();
    int rc = import_into(db ? db : def, kind, pos[1], &opts);
    free(def);
    return rc;
}
