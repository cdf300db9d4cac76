/* The DfE importers (include/collab/import_dfe.h) over the real 2019 KS4
 * file and excerpts of the census and absence files, and collab's Progress 8
 * interval and band (include/collab/stats.h) proved against the DfE's own
 * P8CILOW, P8CIUPP and P8_BANDING for every row that has them. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collab/csv_reader.h"
#include "collab/import.h"
#include "collab/import_dfe.h"
#include "collab/stats.h"
#include "collab/store.h"
#include "collab/util.h"
#include "tap.h"

#define DATA COLLAB_SRCDIR "/tests/data/dfe/"
#define KS4_FULL DATA "england_ks4provisional.csv"
#define SD_2019 1.2825

static char dir[] = "/tmp/collab-test-dfe.XXXXXX";

static sqlite3 *open_store(const char *name)
{
    struct collab_err err;
    collab_err_clear(&err);
    char *path = util_path_join(dir, name);
    sqlite3 *db = store_open(path, STORE_SOURCE, STORE_CREATE, &err);
    if (!db)
        printf("# %s\n", err.msg);
    free(path);
    return db;
}

static char *write_file(const char *name, const char *text)
{
    char *path = util_path_join(dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* Import; the status, with the problems kept in *kept when not NULL. */
static int import(sqlite3 *db, enum imp_kind kind, const char *path, long year,
                  struct imp_report *kept, long *rows)
{
    struct imp_report rep;
    struct collab_err err;
    struct imp_opts opts = { .year = year };
    collab_err_clear(&err);
    int rc = imp_import_file_opts(db, kind, path, NULL, &opts, &rep, &err);
    if (rc != 0 && rep.total == 0)
        printf("# %s\n", err.msg);
    for (size_t i = 0; rc != 0 && !kept && i < rep.shown; i++)
        printf("# %s\n", rep.problems[i]);
    if (rows)
        *rows = rep.rows;
    if (kept)
        *kept = rep;
    else
        imp_report_free(&rep);
    return rc;
}

static int import_text(sqlite3 *db, enum imp_kind kind, const char *text,
                       struct imp_report *kept)
{
    char *path = write_file("in.csv", text);
    int rc = import(db, kind, path, 0, kept, NULL);
    unlink(path);
    free(path);
    return rc;
}

static double num(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    double v = -999;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The first column of the first row as text (caller frees), or NULL. */
static char *text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        s = util_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return s;
}

static void is_text(sqlite3 *db, const char *sql, const char *want, const char *name)
{
    char *got = text(db, sql);
    is_str(got, want, "%s", name);
    free(got);
}

/* FNV-1a over every cell of both DfE tables, in key order: equal digests
 * mean the stores hold the same DfE data. */
static uint64_t digest(sqlite3 *db)
{
    static const char *const sql[] = {
        "SELECT year, urn, measure, quote(value), marker FROM dfe_school "
        "ORDER BY year, urn, measure",
        "SELECT urn, dfe_number, name, la_code, nftype FROM dfe_school_info ORDER BY urn",
    };
    uint64_t h = 1469598103934665603ULL;
    for (size_t q = 0; q < 2; q++) {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(db, sql[q], -1, &st, NULL);
        while (st && sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                const unsigned char *s = sqlite3_column_text(st, i);
                for (; s && *s; s++)
                    h = (h ^ *s) * 1099511628211ULL;
                h = (h ^ 0x1f) * 1099511628211ULL;
            }
        }
        sqlite3_finalize(st);
    }
    return h;
}

static int has_problem(const struct imp_report *rep, const char *needle)
{
    for (size_t i = 0; i < rep->shown; i++)
        if (strstr(rep->problems[i], needle))
            return 1;
    return 0;
}

static void cells(void)
{
    double v = 0;
    const char *m = NULL;
    ok(imp_dfe_parse_cell("66.2%", &v, &m) == 1 && v == 66.2, "'66.2%%' is 66.2");
    ok(imp_dfe_parse_cell("-0.08", &v, &m) == 1 && v == -0.08, "'-0.08' is -0.08");
    ok(imp_dfe_parse_cell("100%", &v, &m) == 1 && v == 100, "'100%%' is 100");
    ok(imp_dfe_parse_cell("SUPP", &v, &m) == 0 && strcmp(m, "SUPP") == 0, "SUPP is a marker");
    ok(imp_dfe_parse_cell("LOWCOV", &v, &m) == 0 && strcmp(m, "LOWCOV") == 0,
       "LOWCOV is a marker");
    static const char *const bad[] = { "", "supp", "x", "inf", "nan", "1e3", "0x10",
                                       " 5", "5 ", "5%%", "%", "-", ".", "66.2 %" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ok(imp_dfe_parse_cell(bad[i], &v, &m) == -1, "'%s' is refused", bad[i]);
}

/* The DfE's band numbers, in the order of enum stats_p8_band. */
static const int dfe_band[] = {
    [STATS_P8_WELL_ABOVE] = 1, [STATS_P8_ABOVE] = 2, [STATS_P8_AVERAGE] = 3,
    [STATS_P8_BELOW] = 4, [STATS_P8_WELL_BELOW] = 5, [STATS_P8_UNKNOWN] = 0,
};

/* Every row with a numeric P8, its pupils and its published interval:
 * collab's interval from P8 and P8PUP lies within 0.01 of the DfE's. */
static void p8_intervals(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
        "SELECT p.urn, p.value, n.value, l.value, u.value FROM dfe_school p "
        "JOIN dfe_school n ON n.year = p.year AND n.urn = p.urn AND n.measure = 'p8_pupils' "
        "JOIN dfe_school l ON l.year = p.year AND l.urn = p.urn AND l.measure = 'p8_cilow' "
        "JOIN dfe_school u ON u.year = p.year AND u.urn = p.urn AND u.measure = 'p8_ciupp' "
        "WHERE p.year = 2019 AND p.measure = 'p8' AND p.value IS NOT NULL "
        "AND n.value IS NOT NULL AND l.value IS NOT NULL AND u.value IS NOT NULL",
        -1, &st, NULL);
    long rows = 0, schools = 0, close = 0, first_bad = 0;
    double worst = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        long urn = sqlite3_column_int64(st, 0);
        double p8 = sqlite3_column_double(st, 1), lo, hi;
        long n = sqlite3_column_int64(st, 2);
        rows++;
        schools += urn > 0;
        if (stats_mean_ci(p8, SD_2019, n, STATS_Z95, &lo, &hi) != 0)
            continue;
        double d = fmax(fabs(lo - sqlite3_column_double(st, 3)),
                        fabs(hi - sqlite3_column_double(st, 4)));
        worst = fmax(worst, d);
        if (d <= 0.01 + 1e-9)
            close++;
        else if (!first_bad)
            first_bad = urn;
    }
    sqlite3_finalize(st);
    is_int(rows, 3675, "rows with a P8 and a published interval (schools and LAs)");
    is_int(schools, 3525, "of which schools (RECTYPE 1, 2)");
    is_int(rows - schools, 150, "of which local authorities");
    is_int(close, 3675, "collab's 95%% interval within 0.01 of P8CILOW/P8CIUPP for all");
    if (first_bad)
        printf("#   first row off: urn %ld\n", first_bad);
    printf("#   largest difference %.5f\n", worst);
}

/* Every row with a published band: the band collab gives from P8 and the
 * published bounds is P8_BANDING. */
static void p8_bands(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
        "SELECT b.urn, b.value, p.value, l.value, u.value FROM dfe_school b "
        "JOIN dfe_school p ON p.year = b.year AND p.urn = b.urn AND p.measure = 'p8' "
        "JOIN dfe_school l ON l.year = b.year AND l.urn = b.urn AND l.measure = 'p8_cilow' "
        "JOIN dfe_school u ON u.year = b.year AND u.urn = b.urn AND u.measure = 'p8_ciupp' "
        "WHERE b.year = 2019 AND b.measure = 'p8_band' AND b.value IS NOT NULL",
        -1, &st, NULL);
    long rows = 0, schools = 0, same = 0, first_bad = 0, mark_agrees = 0, england_off = 0;
    long per_band[6] = { 0 };
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        long urn = sqlite3_column_int64(st, 0);
        int published = sqlite3_column_int(st, 1);
        double lo = sqlite3_column_double(st, 3), hi = sqlite3_column_double(st, 4);
        enum stats_p8_band b = stats_p8_band(sqlite3_column_double(st, 2), lo, hi);
        rows++;
        schools += urn > 0;
        /* the mark's side (interval against 0) and the band's */
        int side = published <= 2 ? 1 : published == 3 ? 0 : -1;
        mark_agrees += stats_compare(lo, hi, STATS_P8_BENCHMARK) == side;
        england_off += stats_compare(lo, hi, -0.03) != side;
        if (published >= 1 && published <= 5)
            per_band[published]++;
        if (dfe_band[b] == published)
            same++;
        else if (!first_bad)
            first_bad = urn;
    }
    sqlite3_finalize(st);
    is_int(rows, 3551, "rows with a published P8 band (schools and LAs)");
    is_int(schools, 3401, "of which schools");
    is_int(same, 3551, "collab's band equals P8_BANDING for all");
    is_int(mark_agrees, 3551, "the mark (interval against 0) agrees with P8_BANDING for all");
    is_int(england_off, 162,
           "against England's -0.03 instead it would not for 162 (schools and LAs)");
    is_int(num(db, "SELECT count(*) FROM dfe_school b JOIN dfe_school p ON p.year = b.year "
               "AND p.urn = b.urn AND p.measure = 'p8' AND p.value IS NOT NULL WHERE "
               "b.year = 2019 AND b.measure = 'p8_band' AND b.marker = 'SUPP' AND b.urn > 0"),
           124, "124 schools with a P8 whose band the DfE withheld (SUPP), kept as SUPP");
    if (first_bad)
        printf("#   first row off: urn %ld\n", first_bad);
    printf("#   bands 1-5: %ld %ld %ld %ld %ld\n", per_band[1], per_band[2], per_band[3],
           per_band[4], per_band[5]);
    ok(per_band[1] && per_band[2] && per_band[3] && per_band[4] && per_band[5],
       "every band occurs in the file");
    /* P8 of exactly -0.5 is below, not well below; exactly 0.5 is well above. */
    double p8 = num(db, "SELECT value FROM dfe_school WHERE urn = 101345 AND measure = 'p8'");
    double lo = num(db, "SELECT value FROM dfe_school WHERE urn = 101345 AND measure = 'p8_cilow'");
    double hi = num(db, "SELECT value FROM dfe_school WHERE urn = 101345 AND measure = 'p8_ciupp'");
    is_double(p8, -0.5, 1e-12, "Friern Barnet School: P8 -0.5");
    is_int(stats_p8_band(p8, lo, hi), STATS_P8_BELOW, "P8 -0.5 is below, not well below");
    is_int(num(db, "SELECT value FROM dfe_school WHERE urn = 101345 AND measure = 'p8_band'"),
           4, "and the DfE says 4");
    is_int(stats_p8_band(0.5, 0.3, 0.69), STATS_P8_WELL_ABOVE, "P8 0.5 is well above");
    is_int(num(db, "SELECT value FROM dfe_school WHERE urn = 102857 AND measure = 'p8_band'"),
           1, "Valentines High School (P8 0.5): the DfE says 1");
}

static void markers_kept(sqlite3 *db)
{
    is_text(db, "SELECT coalesce(value, 'NULL') || ' ' || marker FROM dfe_school "
            "WHERE urn = 100381 AND measure = 'att8'", "NULL SUPP",
            "Jack Tizard School: Attainment 8 NULL, marker SUPP");
    is_text(db, "SELECT coalesce(value, 'NULL') || ' ' || marker FROM dfe_school "
            "WHERE urn = 100096 AND measure = 'p8'", "NULL NE",
            "Swiss Cottage School: P8 NULL, marker NE");
    is_text(db, "SELECT marker FROM dfe_school WHERE urn = 140966 AND measure = 'p8'",
            "LOWCOV", "Trinity Academy: P8 LOWCOV");
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE marker IS NOT NULL "
               "AND value IS NOT NULL"), 0, "no marker has a value");
    /* Only two schools in the file have an Attainment 8 of 0 (special
     * schools 135015 and 123345); a marker read as 0 would add to them. */
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE value = 0 AND measure = 'att8'"),
           2, "Attainment 8 of 0 only where the file says 0");
    /* Counted in the file: ATT8SCR has 1,376 NA, 301 NE, 108 SUPP. */
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE measure = 'att8' AND marker = 'NA'"),
           1376, "ATT8SCR NA cells: 1,376");
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE measure = 'att8' AND marker = 'NE'"),
           301, "ATT8SCR NE cells: 301");
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE measure = 'att8' AND marker = 'SUPP'"),
           108, "ATT8SCR SUPP cells: 108");
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE measure = 'p8_band' AND marker = 'SUPP'"),
           132, "P8_BANDING SUPP cells: 132");
}

static void identities(sqlite3 *db)
{
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'basics4'"),
              66.2, 1e-12, "Acland Burghley: '66.2%%' stored as 66.2");
    is_text(db, "SELECT dfe_number || ' ' || la_code || ' ' || nftype || ' ' || name "
            "FROM dfe_school_info WHERE urn = 100053",
            "2024285 202 CY Acland Burghley School", "DfE number is LEA*10000+ESTAB");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 0 AND measure = 'p8'"),
              -0.03, 1e-12, "England state-funded (urn 0): P8 -0.03");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 0 AND measure = 'att8'"),
              46.5, 1e-12, "England state-funded: A8 46.5");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = -1 AND measure = 'att8'"),
              44.5, 1e-12, "England all schools (urn -1): A8 44.5");
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE urn = -1 AND measure = 'p8'"), 0,
           "England all schools: empty P8 cell stores nothing");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = -202 AND measure = 'p8'"),
              0.09, 1e-12, "LA 202 (urn -202): P8 0.09");
    is_text(db, "SELECT name FROM dfe_school_info WHERE urn = -202", "Local authority 202",
            "LA row named");
    is_int(num(db, "SELECT count(*) FROM dfe_school_info WHERE urn <= -100"), 155, "155 LA rows");
}

static void full_ks4(void)
{
    sqlite3 *db = open_store("full.db");
    long rows = 0;
    ok(import(db, IMP_DFE_KS4, KS4_FULL, 0, NULL, &rows) == 0, "real KS4 file imports");
    is_int(rows, 5652, "5,652 rows");
    is_int(num(db, "SELECT count(*) FROM dfe_school_info"), 5652, "one dfe_school_info row each");
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE year <> 2019"), 0,
           "stored under 2019 by default");
    /* 170 rows have every measure cell empty, so 5,482 urns have figures. */
    is_int(num(db, "SELECT count(DISTINCT urn) FROM dfe_school"), 5482,
           "rows with at least one figure or marker");
    p8_intervals(db);
    p8_bands(db);
    markers_kept(db);
    identities(db);

    uint64_t before = digest(db);
    ok(import(db, IMP_DFE_KS4, KS4_FULL, 0, NULL, &rows) == 0, "re-import");
    ok(digest(db) == before, "re-import leaves the store as it was");

    /* A file that changes a school and then breaks changes nothing. */
    struct imp_report rep;
    ok(import_text(db, IMP_DFE_KS4,
        "RECTYPE,LEA,ESTAB,URN,SCHNAME,ATT8SCR,P8MEA\n"
        "1,202,4285,100053,Acland Burghley School,10.0,0.5\n"
        "1,202,4286,100054,Somewhere,50,abc\n", &rep) != 0, "broken file refused");
    ok(has_problem(&rep, "in.csv:3: column P8MEA: 'abc' is neither a number nor a DfE "
                   "marker"), "names FILE:LINE and the column");
    imp_report_free(&rep);
    ok(digest(db) == before, "the broken file left the store unchanged");
    store_close(db);
}

static void trimmed(void)
{
    sqlite3 *db = open_store("trimmed.db");
    long rows = 0;
    ok(import(db, IMP_DFE_KS4, DATA "ks4_trimmed.csv", 0, NULL, &rows) == 0,
       "trimmed copy (19 columns) imports");
    is_int(rows, 13, "13 rows");
    is_text(db, "SELECT marker FROM dfe_school WHERE urn = 100381 AND measure = 'att8'",
            "SUPP", "trimmed: SUPP kept");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'p8_cilow'"),
              -0.3, 1e-12, "trimmed: P8CILOW read");
    is_text(db, "SELECT name FROM dfe_school_info WHERE urn = 113893",
            "St Edward's Roman Catholic/Church of England School, Poole",
            "a quoted name with a comma");

    /* --year: the same file under another year sits beside 2019. */
    ok(import(db, IMP_DFE_KS4, DATA "ks4_trimmed.csv", 2018, NULL, NULL) == 0,
       "import with year 2018");
    is_int(num(db, "SELECT count(DISTINCT year) FROM dfe_school"), 2, "two years stored");
    struct imp_report rep;
    struct collab_err err;
    struct imp_opts opts = { .year = 2019 };
    collab_err_clear(&err);
    ok(imp_import_file_opts(db, IMP_SCHOOLS, DATA "ks4_trimmed.csv", NULL, &opts, &rep,
                            &err) != 0 && strstr(err.msg, "only to the dfe-* kinds"),
       "a year for a non-DfE kind is refused");
    imp_report_free(&rep);

    /* Re-importing with an empty cell removes what the earlier file said. */
    ok(import_text(db, IMP_DFE_KS4, "RECTYPE,LEA,ESTAB,URN,SCHNAME,ATT8SCR,P8MEA\n"
                   "1,202,4285,100053,Acland Burghley School,,-0.07\n", NULL) == 0,
       "partial re-import");
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE year = 2019 AND urn = 100053 "
               "AND measure = 'att8'"), 0, "empty cell removed Attainment 8");
    is_double(num(db, "SELECT value FROM dfe_school WHERE year = 2019 AND urn = 100053 "
                  "AND measure = 'p8'"), -0.07, 1e-12, "P8 replaced");
    is_double(num(db, "SELECT value FROM dfe_school WHERE year = 2019 AND urn = 100053 "
                  "AND measure = 'basics4'"), 66.2, 1e-12,
              "a column the file does not have is left alone");
    store_close(db);
}

static void refused(void)
{
    sqlite3 *db = open_store("refused.db");
    struct imp_report rep;
    ok(import_text(db, IMP_DFE_KS4, "RECTYPE,LEA,ESTAB,SCHNAME,P8MEA\n"
                   "1,202,4285,School,0.1\n", &rep) != 0, "file without URN refused");
    ok(has_problem(&rep, "in.csv:1: missing required column: URN"), "names URN");
    imp_report_free(&rep);

    ok(import_text(db, IMP_DFE_KS4, "RECTYPE,LEA,ESTAB,URN,SCHNAME\n"
                   "1,202,4285,100053,School\n", &rep) != 0, "no measure column refused");
    ok(has_problem(&rep, "none of the dfe-ks4 measure columns is present"), "says so");
    imp_report_free(&rep);

    ok(import_text(db, IMP_DFE_KS4, "RECTYPE,LEA,ESTAB,URN,SCHNAME,P8MEA,P8_BANDING\n"
                   "1,202,4285,100053,School,0.1,3\n"
                   "3,202,4286,100054,Other,0.1,3\n"
                   "1,202,4287,100053,Again,0.2,6\n"
                   "1,,4288,100055,,12,2.5\n", &rep) != 0, "bad rows refused");
    ok(has_problem(&rep, "in.csv:3: column RECTYPE: 3 is not a record type"), "RECTYPE 3");
    ok(has_problem(&rep, "in.csv:4: duplicate of line 2 (same URN 100053)"), "duplicate URN");
    ok(has_problem(&rep, "in.csv:4: column P8_BANDING: 6 is out of range"), "band 6");
    ok(has_problem(&rep, "in.csv:5: column LEA: empty; a school row"), "school needs LEA");
    ok(has_problem(&rep, "in.csv:5: column SCHNAME: empty"), "school needs a name");
    ok(has_problem(&rep, "in.csv:5: column P8MEA: 12 is out of range"), "P8 12");
    ok(has_problem(&rep, "in.csv:5: column P8_BANDING: '2.5' is not a whole number"),
       "band 2.5");
    imp_report_free(&rep);
    is_int(num(db, "SELECT count(*) FROM dfe_school"), 0, "nothing stored");
    store_close(db);
}

/* Data rows of a file (lines after the header). */
static long data_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    long n = 0;
    int ch, last = '\n';
    while (f && (ch = getc(f)) != EOF) {
        n += ch == '\n';
        last = ch;
    }
    if (f)
        fclose(f);
    return n - 1 + (last != '\n');
}

static void census_absence(void)
{
    sqlite3 *db = open_store("census.db");
    long rows = 0, want = data_lines(DATA "census_excerpt.csv");
    ok(import(db, IMP_DFE_CENSUS, DATA "census_excerpt.csv", 0, NULL, &rows) == 0,
       "census excerpt imports");
    is_int(rows, want, "census: every row of the file");
    is_int(num(db, "SELECT count(DISTINCT urn) FROM dfe_school WHERE measure = 'pupils'"),
           want, "census: one pupils figure per row");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'fsm6_pct'"),
              47.1, 1e-12, "census: Acland Burghley FSM6 47.1%%");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'eal_pct'"),
              28.2, 1e-12, "census: EAL 28.2%%");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100053 "
                  "AND measure = 'sen_support_pct'"), 13.4, 1e-12, "census: SEN support 13.4%%");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100053 "
                  "AND measure = 'sen_ehc_pct'"), 6.2, 1e-12, "census: EHC 6.2%%");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'girls_pct'"),
              33.7, 1e-12, "census: girls 33.7%%");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'pupils'"),
              1008, 1e-12, "census: 1,008 on roll");
    is_text(db, "SELECT marker FROM dfe_school WHERE urn = 100001 AND measure = 'eal_pct'",
            "NA", "census: NA kept");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = -3 AND measure = 'fsm6_pct'"),
              27.7, 1e-12, "census: national secondary row (urn -3) FSM6 27.7%%");
    is_text(db, "SELECT name FROM dfe_school_info WHERE urn = -4",
            "England, state-funded special schools", "census: national special row named");
    uint64_t before = digest(db);
    ok(import(db, IMP_DFE_CENSUS, DATA "census_excerpt.csv", 0, NULL, NULL) == 0 &&
       digest(db) == before, "census: re-import changes nothing");

    want = data_lines(DATA "absence_excerpt.csv");
    ok(import(db, IMP_DFE_ABSENCE, DATA "absence_excerpt.csv", 0, NULL, &rows) == 0,
       "absence excerpt imports into the same store");
    is_int(rows, want, "absence: every row of the file");
    is_int(num(db, "SELECT count(*) FROM dfe_school WHERE measure = 'absence_pct'"), want,
           "absence: one overall figure per row");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100000 "
                  "AND measure = 'persistent_absence_pct'"), 3.4, 1e-12,
              "absence: persistent 3.4%%");
    is_text(db, "SELECT marker FROM dfe_school WHERE urn = 100027 "
            "AND measure = 'persistent_absence_pct'", "SUPP", "absence: SUPP kept");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = -3 AND measure = 'absence_pct'"),
              5.5, 1e-12, "absence: national secondary 5.5%%");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100053 AND measure = 'fsm6_pct'"),
              47.1, 1e-12, "census figures untouched by the absence import");

    struct imp_report rep;
    before = digest(db);
    ok(import_text(db, IMP_DFE_CENSUS, "URN,ESTAB,NOR\n100000,3614,300\nNAT,XYZ,10\n"
                   "100002,3614,-1\n", &rep) != 0,
       "census: bad national phase and negative roll refused");
    ok(has_problem(&rep, "in.csv:3: column ESTAB: 'XYZ' is not one of PRI, SEC or SPE"),
       "names the phase column");
    ok(has_problem(&rep, "in.csv:4: column NOR: -1 is out of range"), "negative roll");
    imp_report_free(&rep);
    ok(digest(db) == before, "census: the refused file changed nothing");
    is_double(num(db, "SELECT value FROM dfe_school WHERE urn = 100000 AND measure = 'pupils'"),
              285, 1e-12, "census: 285 on roll still");
    store_close(db);
}

/* Pupil groups: the DfE's published Progress 8 interval of every group
 * (disadvantaged or not, EAL, prior low / middle / high, girls, boys) in
 * one authority's performance tables, schools, LA and England rows, is the
 * group's P8 +/- 1.96 x the year's SD of ALL pupils nationally / sqrt(its
 * P8 pupils): the convention collab's model follows for a group without an
 * SD of its own (mdl_national). */
static const char *const group_suffix[] = { "FSM6CLA1A", "NFSM6CLA1A", "EAL", "LO", "AV",
                                            "HI", "GIRLS", "BOYS" };
struct group_check {
    double sd;
    long col[8][4];          /* per group: P8PUP, P8MEA, P8CILOW, P8CIUPP */
    long rows, close;
    double worst;
};

static int group_header(const struct csvr_record *rec, struct group_check *g)
{
    static const char *const measure[] = { "P8PUP_", "P8MEA_", "P8CILOW_", "P8CIUPP_" };
    for (size_t k = 0; k < sizeof group_suffix / sizeof *group_suffix; k++)
        for (int m = 0; m < 4; m++) {
            char name[64];
            snprintf(name, sizeof name, "%s%s", measure[m], group_suffix[k]);
            g->col[k][m] = -1;
            for (size_t i = 0; i < rec->nfields; i++)
                if (strcmp(rec->fields[i], name) == 0)
                    g->col[k][m] = (long)i;
            if (g->col[k][m] < 0)
                return -1;
        }
    return 0;
}

static int group_row(const struct csvr_record *rec, void *ctx)
{
    struct group_check *g = ctx;
    if (rec->line == 1)
        return group_header(rec, g);
    for (size_t k = 0; k < sizeof group_suffix / sizeof *group_suffix; k++) {
        double v[4];
        char *end;
        int numeric = 1;
        for (int m = 0; m < 4; m++) {
            const char *cell = rec->fields[g->col[k][m]];
            v[m] = strtod(cell, &end);
            numeric &= *cell && *end == '\0';
        }
        double lo, hi;
        if (!numeric || stats_mean_ci(v[1], g->sd, (long)v[0], STATS_Z95, &lo, &hi) != 0)
            continue;
        double d = fmax(fabs(lo - v[2]), fabs(hi - v[3]));
        g->worst = fmax(g->worst, d);
        g->rows++;
        g->close += d <= 0.01 + 1e-9;
    }
    return 0;
}

static void group_intervals(void)
{
    static const struct { const char *file; double sd; long rows; } year[] = {
        { DATA "group_intervals_2017.csv", 1.2297, 143 },
        { DATA "group_intervals_2018.csv", 1.2626, 152 },
    };
    for (size_t y = 0; y < sizeof year / sizeof *year; y++) {
        struct group_check g = { .sd = year[y].sd };
        struct collab_err err = { 0 };
        ok(csvr_read(year[y].file, NULL, group_row, &g, &err) > 0, "%s read",
           strrchr(year[y].file, '/') + 1);
        is_int(g.rows, year[y].rows, "group figures with a published interval");
        is_int(g.close, g.rows, "each within 0.01 of P8 +/- 1.96 x all pupils' SD (%.4f) / "
               "sqrt(n)", year[y].sd);
        printf("#   largest difference %.5f\n", g.worst);
    }
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    cells();
    full_ks4();
    trimmed();
    refused();
    census_absence();
    group_intervals();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return tap_done();
}
