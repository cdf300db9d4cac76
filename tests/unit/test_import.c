/* The import module through its API (include/collab/import.h): the good
 * fixture set, the problem cap, and measures derived again when subjects,
 * pupils or estimates change. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collab/import.h"
#include "collab/store.h"
#include "collab/util.h"
#include "tap.h"

static char dir[] = "/tmp/collab-test-import.XXXXXX";
static sqlite3 *db;

static char *write_file(const char *name, const char *text)
{
    char *path = util_path_join(dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

/* Import and return the status; *rep is freed unless kept is non-NULL. */
static int import(enum imp_kind kind, const char *path, struct imp_report *kept)
{
    struct imp_report rep;
    struct collab_err err;
    collab_err_clear(&err);
    int rc = imp_import_file(db, kind, path, NULL, &rep, &err);
    if (rc != 0 && rep.total == 0)
        printf("# %s\n", err.msg);
    if (kept)
        *kept = rep;
    else
        imp_report_free(&rep);
    return rc;
}

static int import_text(enum imp_kind kind, const char *name, const char *text,
                       struct imp_report *kept)
{
    char *path = write_file(name, text);
    int rc = import(kind, path, kept);
    unlink(path);
    free(path);
    return rc;
}

static double num(const char *sql)
{
    sqlite3_stmt *st = NULL;
    double v = -999;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void kinds(void)
{
    enum imp_kind k;
    ok(imp_kind_parse("results", &k) == 0 && k == IMP_RESULTS, "kind results");
    ok(imp_kind_parse("result", &k) != 0, "kind 'result' unknown");
    is_str(imp_kind_name(IMP_NATIONAL), "national", "kind name");
}

static void good_set(void)
{
    static const struct { enum imp_kind kind; const char *file; long rows; } set[] = {
        { IMP_SCHOOLS, "schools.csv", 2 }, { IMP_PUPILS, "pupils.csv", 7 },
        { IMP_ESTIMATES, "estimates.csv", 34 }, { IMP_RESULTS, "results.csv", 13 },
        { IMP_ATTENDANCE, "attendance.csv", 3 }, { IMP_NATIONAL, "national.csv", 4 },
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        char *path = util_path_join(COLLAB_SRCDIR "/tests/data/import/good", set[i].file);
        struct imp_report rep;
        is_int(import(set[i].kind, path, &rep), 0, "import %s", set[i].file);
        is_int(rep.rows, set[i].rows, "%s rows", set[i].file);
        imp_report_free(&rep);
        free(path);
    }
    is_double(num("SELECT att8 FROM pupil_ks4 WHERE pupil = 'P001'"), 57, 1e-9, "P001 A8 57");
}

static void problem_cap(void)
{
    struct strbuf sb = STRBUF_INIT;
    sb_add(&sb, "pupil_id,subject,grade\nP001,MATHS,9\n");
    for (int i = 0; i < 25; i++)
        sb_add(&sb, "P001,ART,Z\n");
    struct imp_report rep;
    is_int(import_text(IMP_RESULTS, "cap.csv", sb_str(&sb), &rep), -1, "25 bad rows refused");
    is_int(rep.shown, IMP_MAX_PROBLEMS, "20 problems kept");
    is_int(rep.total, 49, "every problem counted (25 bad grades, 24 duplicates)");
    like(rep.problems[0], "cap.csv:3: column grade: 'Z' is not a grade", "first problem on line 3");
    imp_report_free(&rep);
    sb_free(&sb);
    is_double(num("SELECT points FROM result WHERE pupil = 'P001' AND subject = 'MATHS'"),
              7, 1e-9, "the good row of a refused file is not written");
}

static void subjects_change_measures(void)
{
    /* Art as a humanity: P001's EBacc pool is 6,5 (combined), 6 (art), 5
     * (history), 4 (French): 6+6+5 = 17; open: literature 5, the leftover
     * 5 and 4 (music 3 misses out) = 14. A8 = 12 + 14 + 17 + 14 = 57. */
    is_int(import_text(IMP_SUBJECTS, "art.csv",
                       "code,name,ebacc_pillar\nART,Art,humanities\n", NULL), 0,
           "ART made a humanity");
    is_double(num("SELECT att8_ebacc FROM pupil_ks4 WHERE pupil = 'P001'"), 17, 1e-9,
              "subjects import re-derives the EBacc element");
    is_double(num("SELECT att8_open FROM pupil_ks4 WHERE pupil = 'P001'"), 14, 1e-9,
              "and the open element");
    import_text(IMP_SUBJECTS, "art.csv", "code,name,ebacc_pillar\nART,Art and design,none\n", NULL);
    is_double(num("SELECT att8_ebacc FROM pupil_ks4 WHERE pupil = 'P001'"), 16, 1e-9,
              "restored: EBacc 6+5+5");

    struct imp_report rep;
    is_int(import_text(IMP_SUBJECTS, "comb.csv",
                       "code,name,ebacc_pillar,double_award\nCOMB_SCI,Combined,science,0\n",
                       &rep), -1, "double award cannot go while double grades exist");
    is_int(rep.total, 1, "one problem");
    like(rep.problems[0], ":2: column double_award: COMB_SCI would be no double award, "
         "but pupil P001 has grade 6-5", "double award conflict names line and pupil");
    imp_report_free(&rep);
}

static void pupils_and_estimates_change_measures(void)
{
    /* A new estimate table for group 21 changes P001's estimate and P8. */
    is_int(import_text(IMP_ESTIMATES, "est.csv",
                       "year,prior_group,ks2_from,ks2_to,att8,english,maths,ebacc,open\n"
                       "2024,21,106.5,107,47,10,9,14,14\n", NULL), 0, "estimate replaced");
    is_double(num("SELECT p8 FROM pupil_ks4 WHERE pupil = 'P001'"), 1.0, 1e-9,
              "P8 (57 - 47)/10 after the estimate changed");
    /* P003 moves to key stage 2: its KS4 measures and prior group go. */
    is_int(import_text(IMP_PUPILS, "p3.csv",
                       "pupil_id,urn,year,key_stage,gender,fsm6,eal,sen,ks2_reading,ks2_maths\n"
                       "P003,100002,2024,2,F,0,0,E,99,100\n", NULL), 0, "P003 now KS2");
    is_double(num("SELECT count(*) FROM pupil_ks4 WHERE pupil = 'P003'"), 0, 1e-9,
              "no KS4 measures for a KS2 pupil");
    is_double(num("SELECT rwm_expected FROM pupil_ks2 WHERE pupil = 'P003'"), 0, 1e-9,
              "KS2 measures derived");
    is_double(num("SELECT prior_group FROM pupil WHERE id = 'P003'"), -1, 1e-9,
              "prior group cleared");
}

/* pupil_ks4 as text, in key order: to compare two ways of deriving it. */
static char *dump_ks4(void)
{
    struct strbuf sb = STRBUF_INIT;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT * FROM pupil_ks4 ORDER BY pupil", -1, &st, NULL);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            sb_addf(&sb, "%s%s", i ? "|" : "", v ? v : "NULL");
        }
        sb_addc(&sb, '\n');
    }
    sqlite3_finalize(st);
    return sb_detach(&sb);
}

/* A results file's measures are worked out from its rows as they stream in
 * (pupils with no stored results) or read back (others): either way they
 * must equal what deriving every pupil again from the store gives. */
static void streamed_measures(void)
{
    static const char *const subjects[] = { "EN_LANG", "EN_LIT", "MATHS", "COMB_SCI",
                                            "HISTORY", "FRENCH", "ART" };
    static const char *const grades[] = { "7", "U", "9", "3", "6", "1" };
    struct strbuf pupils = STRBUF_INIT, results = STRBUF_INIT;
    sb_add(&pupils, "pupil_id,urn,year,key_stage,gender,fsm6,eal,sen,ks2_reading,ks2_maths\n");
    sb_add(&results, "pupil_id,subject,grade\n");
    /* More pupils than any batch of rows or measures holds. */
    for (int i = 0; i < 150; i++) {
        sb_addf(&pupils, "S%03d,100001,2024,4,%s,0,0,N,%d,%d\n", i, i % 2 ? "F" : "M",
                90 + i % 25, 95 + i % 21);
        for (int k = 0; k < 2 + i % 6; k++)
            sb_addf(&results, "S%03d,%s,%s\n", i, subjects[(i + k) % 7],
                    (i + k) % 7 == 3 ? "5-4" : grades[(i * 3 + k) % 6]);
        /* S003 again after S004, its first rows not yet written: they were
         * not all its results. */
        if (i == 4)
            sb_add(&results, "S003,MATHS,9\n");
    }
    is_int(import_text(IMP_PUPILS, "sp.csv", sb_str(&pupils), NULL), 0, "150 pupils");
    is_int(import_text(IMP_RESULTS, "sr.csv", sb_str(&results), NULL), 0, "their results");
    is_double(num("SELECT entries FROM pupil_ks4 WHERE pupil = 'S003'"), 6, 1e-9,
              "a pupil whose rows came apart: every result counted");
    is_double(num("SELECT att8_mat FROM pupil_ks4 WHERE pupil = 'S003'"), 18, 1e-9,
              "and its late maths grade used");
    char *streamed = dump_ks4();
    /* A subjects import derives every year again from the store. */
    is_int(import_text(IMP_SUBJECTS, "same.csv", "code,name,ebacc_pillar\n"
                       "ART,Art and design,none\n", NULL), 0, "every year derived again");
    char *derived = dump_ks4();
    ok(strcmp(streamed, derived) == 0, "streamed measures equal derived ones");
    free(streamed);
    free(derived);

    /* Grades changed over stored ones are read back after the file. */
    is_int(import_text(IMP_RESULTS, "up.csv", "pupil_id,subject,grade\n"
                       "S010,MATHS,2\nS011,HISTORY,9\nS010,ART,9\n", NULL), 0,
           "results changed");
    is_double(num("SELECT att8_mat FROM pupil_ks4 WHERE pupil = 'S010'"), 4, 1e-9,
              "a changed grade's measures");
    is_double(num("SELECT entries FROM pupil_ks4 WHERE pupil = 'S010'"),
              num("SELECT count(*) FROM result WHERE pupil = 'S010'"), 1e-9,
              "counted from the store");
    streamed = dump_ks4();
    import_text(IMP_SUBJECTS, "same.csv", "code,name,ebacc_pillar\nART,Art and design,none\n",
                NULL);
    derived = dump_ks4();
    ok(strcmp(streamed, derived) == 0, "and equal derived ones");
    free(streamed);
    free(derived);
    sb_free(&pupils);
    sb_free(&results);
}

/* Keys of several columns past what a packed slot holds (over 1,024 values
 * of the other columns): a duplicate is still found, with its first line. */
static void many_key_values(void)
{
    struct strbuf sb = STRBUF_INIT;
    sb_add(&sb, "year,indicator,value\n");
    for (int i = 0; i < 1100; i++)
        sb_addf(&sb, "2024,ind%d,%d\n", i, i);
    sb_add(&sb, "2024,ind5,1\n");
    struct imp_report rep;
    is_int(import_text(IMP_NATIONAL, "wide.csv", sb_str(&sb), &rep), -1,
           "a duplicate after 1,100 keys refused");
    is_int(rep.total, 1, "one problem");
    like(rep.total ? rep.problems[0] : "", "wide.csv:1102: duplicate of line 7",
         "names the first line");
    imp_report_free(&rep);
    sb_free(&sb);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    char *path = util_path_join(dir, "source.db");
    struct collab_err err;
    collab_err_clear(&err);
    db = store_open(path, STORE_SOURCE, STORE_CREATE, &err);
    ok(db != NULL, "store created");
    kinds();
    good_set();
    problem_cap();
    subjects_change_measures();
    pupils_and_estimates_change_measures();
    streamed_measures();
    many_key_values();
    store_close(db);
    unlink(path);
    free(path);
    rmdir(dir);
    return tap_done();
}
