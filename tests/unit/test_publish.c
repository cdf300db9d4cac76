/* collab publish on a tiny hand-made source (tests/data/publish): cells of
 * the group store checked against the source, suppression, membership and
 * consent, school stores, change history, modes and failure. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collab/config.h"
#include "collab/publish.h"
#include "collab/store.h"
#include "collab/util.h"
#include "tap.h"

#define FIX COLLAB_SRCDIR "/tests/data/publish"

static char dir[] = "/tmp/collab-publish-XXXXXX";
static char *data_dir, *src_path;

/* One number from a query, NAN when there is no row or it is NULL. */
static double q1(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    double v = NAN;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        printf("# SQL error: %s\n#   %s\n", sqlite3_errmsg(db), sql);
        return NAN;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The text of a query's rows, for comparing two files. */
static char *dump(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    struct strbuf sb = STRBUF_INIT;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return sb_detach(&sb);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *t = (const char *)sqlite3_column_text(st, i);
            sb_addf(&sb, "%s|", t ? t : "NULL");
        }
        sb_addc(&sb, '\n');
    }
    sqlite3_finalize(st);
    return sb_detach(&sb);
}

static sqlite3 *open_group(const char *id)
{
    struct collab_err err = { 0 };
    char *p = store_group_path(data_dir, id);
    sqlite3 *db = store_open(p, STORE_GROUP, STORE_READONLY, &err);
    if (!db)
        printf("# %s\n", err.msg);
    free(p);
    return db;
}

static int run(const struct cfg *cfg, const char *today, const char *group,
               struct publish_result *res, struct collab_err *err)
{
    struct publish_opts o = { src_path, data_dir, group, today, NULL };
    collab_err_clear(err);
    return publish_run(cfg, &o, res, err);
}

static void make_source(void)
{
    struct collab_err err = { 0 };
    sqlite3 *db = store_open(src_path, STORE_SOURCE, STORE_CREATE, &err);
    char *sql = util_read_file(FIX "/source.sql");
    ok(db && sql && store_exec(db, sql, &err) == 0, "fill the source store%s%s",
       err.set ? ": " : "", err.msg);
    free(sql);
    store_close(db);
}

static void check_result(const struct publish_result *res)
{
    const char *want[] = { "group-pair.db", "group-partners.db", "school-100001.db",
                           "school-100002.db", "school-100003.db", "eval-pair.db",
                           "eval-partners.db" };
    int found = 0;
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++)
        for (size_t i = 0; i < res->nfiles; i++)
            found += strcmp(res->files[i].name, want[w]) == 0;
    is_int(found, 7, "two group stores, three school stores and two evaluation stores");
    for (size_t i = 0; i < res->nfiles; i++) {
        if (strcmp(res->files[i].name, "group-pair.db") == 0)
            is_int(res->files[i].schools, 2, "group-pair has 2 schools");
        if (strcmp(res->files[i].name, "school-100001.db") == 0)
            is_int(res->files[i].pupils, 12, "school-100001 has 12 pupils");
    }
}

static void check_cells(sqlite3 *g, sqlite3 *src)
{
    is_double(q1(g, "SELECT n FROM agg_pupil WHERE scope = 0 AND fkey = 0"), 20, 0,
              "group total: 20 pupils");
    is_double(q1(g, "SELECT att8_s1 FROM agg_pupil WHERE scope = 0 AND fkey = 0"),
              q1(src, "SELECT sum(att8) FROM pupil_ks4 k JOIN pupil p ON p.id = k.pupil "
                 "WHERE p.school IN (100001, 100002)"), 1e-9, "group att8 sum matches the source");
    is_double(q1(g, "SELECT sum(att8_s1) FROM agg_pupil WHERE scope > 0 AND fkey = 0"),
              q1(g, "SELECT att8_s1 FROM agg_pupil WHERE scope = 0 AND fkey = 0"), 1e-9,
              "group total = sum of its schools");
    is_double(q1(g, "SELECT sum(att8_s2) FROM agg_pupil WHERE scope > 0 AND fkey = 0"),
              q1(g, "SELECT att8_s2 FROM agg_pupil WHERE scope = 0 AND fkey = 0"), 1e-9,
              "sums of squares too");
    is_double(q1(g, "SELECT n FROM agg_pupil WHERE scope = 0 AND fkey = 2"), 13, 0,
              "not-FSM6 cell of the group: 13 pupils");
    is_double(q1(g, "SELECT att8_s1 / att8_n FROM agg_pupil WHERE scope = 0 AND fkey = 2"),
              q1(src, "SELECT avg(att8) FROM pupil_ks4 k JOIN pupil p ON p.id = k.pupil "
                 "WHERE p.school IN (100001, 100002) AND p.fsm6 = 0"), 1e-9,
              "and its mean Attainment 8");
    is_double(q1(g, "SELECT basics4_s1 FROM agg_pupil WHERE scope = 0 AND fkey = 0"),
              q1(src, "SELECT sum(basics4) FROM pupil_ks4 k JOIN pupil p ON p.id = k.pupil "
                 "WHERE p.school IN (100001, 100002)"), 0, "percent: s1 counts the true values");
    is_double(q1(g, "SELECT absence_s2 FROM agg_pupil WHERE scope = 0 AND fkey = 0"), 6000, 0,
              "rate: s2 sums the denominator");
    /* Every pupil has 300 sessions here, so the rate's variance with pupils
     * as the unit is that of the mean of the pupils' own rates: their
     * sample variance over n (ratio 0.333...). */
    is_double(q1(g, "SELECT absence_v FROM agg_pupil WHERE scope = 0 AND fkey = 0"),
              q1(src, "SELECT (sum(r * r) - count(*) * avg(r) * avg(r)) / (count(*) - 1) "
                 "/ count(*) FROM (SELECT 100.0 * sessions_missed / sessions_possible AS r "
                 "FROM attendance a JOIN pupil p ON p.id = a.pupil "
                 "WHERE p.school IN (100001, 100002))"), 1e-9,
              "rate: its variance has pupils as the unit, not sessions");
    /* Worked by hand (docs/REPORT.md): 10 of 300, 30 of 300 and 5 of 150
     * sessions missed; R = 6%, residuals -8, 12, -4, V = 1e4 * 3/2 * 224 /
     * 750^2. */
    is_double(publish_rate_variance(3, 45, 750, 100 + 900 + 25, 90000 + 90000 + 22500,
                                    3000 + 9000 + 750), 1e4 * 1.5 * 224 / (750.0 * 750.0),
              1e-9, "rate variance of three pupils, worked by hand: 5.97");
    is_double(publish_rate_variance(1, 5, 300, 25, 90000, 1500), 0, 0,
              "one pupil: no variance");
    ok(q1(g, "SELECT absence_v FROM agg_pupil WHERE scope = 0 AND fkey = 0") >
       q1(g, "SELECT 1e4 * absence_s1 / absence_s2 * (1 - absence_s1 / absence_s2) / absence_s2 "
          "FROM agg_pupil WHERE scope = 0 AND fkey = 0"),
       "and is wider than sessions as independent trials would make it");
    ok(isnan(q1(g, "SELECT rwm_s1 FROM agg_pupil WHERE scope = 0 AND fkey = 0")),
       "a KS2 indicator is NULL on KS4 rows");
    is_double(q1(g, "SELECT count(*) FROM agg_pupil WHERE scope = 100001 AND fkey = 1"), 0, 0,
              "Alder's FSM6 cell (5 pupils) is absent");
    is_double(q1(g, "SELECT count(*) FROM agg_pupil WHERE scope = 100002 AND fkey = 1"), 0, 0,
              "Birch's FSM6 cell (2 pupils) is absent");
    is_double(q1(g, "SELECT count(*) FROM agg_pupil WHERE scope = 100002 AND fkey = 2"), 0, 0,
              "Birch's not-FSM6 cell (6) is absent: it would give away the FSM6 cell");
    is_double(q1(g, "SELECT count(*) FROM agg_pupil WHERE scope = 100001 AND fkey = 2"), 0, 0,
              "Alder's not-FSM6 cell is absent: with the group's it would give Birch's");
    ok(q1(g, "SELECT min(n) FROM (SELECT n FROM agg_pupil UNION ALL "
          "SELECT n FROM agg_subject)") >= 6, "no published cell under min_cohort");
    is_double(q1(g, "SELECT n FROM agg_subject WHERE scope = 0 AND subject = 'MATHS' AND fkey = 0"),
              20, 0, "20 maths entries in the group");
    is_double(q1(g, "SELECT points_s1 FROM agg_subject WHERE scope = 0 AND subject = 'MATHS' "
                 "AND fkey = 0"),
              q1(src, "SELECT sum(points) FROM result r JOIN pupil p ON p.id = r.pupil "
                 "WHERE subject = 'MATHS' AND p.school IN (100001, 100002)"), 1e-9,
              "and their points");
    is_double(q1(g, "SELECT count(*) FROM subject"), 2, 0, "subject: the two with entries");
}

static void check_tables(sqlite3 *g)
{
    is_double(q1(g, "SELECT ord FROM school WHERE urn = 100002"), 0, 0,
              "school order follows groups.yaml");
    is_double(q1(g, "SELECT cohort FROM school_context WHERE urn = 100001"), 12, 0,
              "school_context cohort");
    ok(isnan(q1(g, "SELECT fsm6_pct FROM school_context WHERE urn = 100001")),
       "school_context: Alder's FSM6 %% (5 of 12 pupils) is hidden, as its cell is");
    is_double(q1(g, "SELECT count(*) FROM school_context c WHERE cohort IS NOT NULL AND NOT "
                 "EXISTS (SELECT 1 FROM agg_pupil a WHERE a.scope = c.urn AND a.year = c.year "
                 "AND a.key_stage = c.key_stage AND a.fkey = 0)"), 0, 0,
              "school_context: no cohort whose all-pupils cell is hidden");
    is_double(q1(g, "SELECT stride FROM dimension WHERE id = 'gender'"), 3, 0,
              "gender's stride is 3");
    char *unk = store_meta_get(g, "unknown_dimensions");
    is_str(unk, "", "every pupil has an FSM6 and gender value: no unknown choice");
    free(unk);
    is_double(q1(g, "SELECT count(*) FROM national"), 3, 0,
              "national: rows with unknown dimensions or values are left out");
    is_double(q1(g, "SELECT value FROM national WHERE fkey = 5"), 50.1, 1e-9,
              "'gender=female;fsm6=no' is fkey 2 + 3");
    is_double(q1(g, "SELECT count(*) FROM member_user WHERE id = 'asha'"), 1, 0, "member_user");
    is_double(q1(g, "SELECT count(*) FROM change WHERE detail = 'group created'"), 1, 0,
              "the first publish records 'group created'");
    is_double(q1(g, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%pupil%' "
                 "AND name NOT LIKE 'agg_%' AND name <> 'school'"), 0, 0,
              "no pupil table in a group store");
}

static void check_partners(void)
{
    sqlite3 *g = open_group("partners");
    ok(g != NULL, "open group-partners.db");
    is_double(q1(g, "SELECT count(*) FROM school"), 1, 0,
              "a school that withdrew consent is dropped from a schools group");
    is_double(q1(g, "SELECT count(*) FROM agg_pupil WHERE scope = 100002"), 0, 0,
              "and has no aggregates in it");
    char *w = g ? store_meta_get(g, "withdrawn") : NULL;
    is_str(w, "100002", "meta records the withdrawal");
    free(w);
    store_close(g);
}

static void check_school(void)
{
    struct collab_err err = { 0 };
    char *p = store_school_path(data_dir, 100001);
    sqlite3 *s = store_open(p, STORE_SCHOOL, STORE_READONLY, &err);
    ok(s != NULL, "open school-100001.db");
    is_double(q1(s, "SELECT count(*) FROM pupil"), 12, 0, "its 12 pupils");
    is_double(q1(s, "SELECT count(*) FROM pupil WHERE school <> 100001 OR id NOT LIKE 'ALD-%'"),
              0, 0, "and nobody else's");
    is_double(q1(s, "SELECT count(*) FROM result WHERE pupil NOT LIKE 'ALD-%'"), 0, 0,
              "results of its own pupils only");
    is_double(q1(s, "SELECT count(*) FROM pupil_ks4"), 12, 0, "pupil_ks4 copied");
    is_double(q1(s, "SELECT count(*) FROM school"), 1, 0, "one school row");
    struct stat sb;
    ok(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600, "school store mode 0600");
    store_close(s);
    free(p);
}

static void check_republish(struct cfg *cfg)
{
    struct publish_result res;
    struct collab_err err = { 0 };
    sqlite3 *g = open_group("pair");
    char *before = dump(g, "SELECT * FROM agg_pupil ORDER BY 1,2,3,4");
    char *before_s = dump(g, "SELECT * FROM agg_subject ORDER BY 1,2,3,4");
    store_close(g);

    ok(run(cfg, "2024-10-02", NULL, &res, &err) == 0, "publish again");
    publish_result_free(&res);
    g = open_group("pair");
    char *after = dump(g, "SELECT * FROM agg_pupil ORDER BY 1,2,3,4");
    char *after_s = dump(g, "SELECT * FROM agg_subject ORDER BY 1,2,3,4");
    ok(strlen(before) > 0 && strcmp(before, after) == 0 && strcmp(before_s, after_s) == 0,
       "publishing twice gives identical aggregates");
    is_double(q1(g, "SELECT count(*) FROM change"), 1, 0, "nothing changed, nothing recorded");
    store_close(g);
    free(before);
    free(after);
    free(before_s);
    free(after_s);

    /* Birch leaves the pair and Ben joins. */
    struct cfg_group *pair = &cfg->groups[0];
    pair->schools[0] = 100001;
    pair->nschools = 1;
    pair->users = util_xrealloc(pair->users, 2 * sizeof *pair->users);
    pair->users[pair->nusers++] = util_xstrdup("ben");
    ok(run(cfg, "2024-10-03", "pair", &res, &err) == 0, "publish one group after a change");
    ok(res.nfiles >= 2, "it writes the group and its school stores");
    publish_result_free(&res);
    g = open_group("pair");
    is_double(q1(g, "SELECT count(*) FROM change WHERE date = '2024-10-03' AND "
                 "detail = 'school removed: Birch School (100002)'"), 1, 0,
              "change: school removed, dated today");
    is_double(q1(g, "SELECT count(*) FROM change WHERE detail = 'user added: ben'"), 1, 0,
              "change: user added");
    is_double(q1(g, "SELECT count(*) FROM change WHERE detail = 'group created'"), 1, 0,
              "earlier changes are carried forward");
    is_double(q1(g, "SELECT count(*) FROM agg_pupil WHERE scope = 100002"), 0, 0,
              "Birch's cells are gone");
    store_close(g);
}

/* The whole file as a hex string, so that strcmp compares every byte. */
static char *file_bytes(const char *leaf)
{
    char *p = util_path_join(data_dir, leaf);
    FILE *fp = fopen(p, "rb");
    struct strbuf sb = STRBUF_INIT;
    int c;
    free(p);
    if (!fp)
        return NULL;
    while ((c = getc(fp)) != EOF)
        sb_addf(&sb, "%02x", (unsigned)c);
    fclose(fp);
    return sb_detach(&sb);
}

/* A pupil with no KS2 prior band: every other pupil of the pair is in the
 * middle band, so total minus the bands would be that one pupil. The cube
 * gets the unknown choice, which is suppressed (1 pupil) and protected by a
 * second hidden part. */
static void check_unknown(struct cfg *cfg)
{
    struct collab_err err = { 0 };
    struct publish_result res;
    struct cfg_group *pair = &cfg->groups[0];
    sqlite3 *src = store_open(src_path, STORE_SOURCE, 0, &err);
    ok(src && store_exec(src, "UPDATE pupil SET prior_band = NULL WHERE id = 'ALD-01'",
                         &err) == 0, "ALD-01 loses its prior band%s%s", err.set ? ": " : "",
       err.msg);
    store_close(src);
    pair->schools[0] = 100002;      /* Birch back, as in groups.yaml */
    pair->schools[1] = 100001;
    pair->nschools = 2;
    ok(run(cfg, "2024-10-04", "pair", &res, &err) == 0, "republish pair%s%s",
       err.set ? ": " : "", err.msg);
    publish_result_free(&res);
    sqlite3 *g = open_group("pair");
    char *unk = g ? store_meta_get(g, "unknown_dimensions") : NULL;
    is_str(unk, "prior", "meta names prior as having the unknown choice");
    free(unk);
    is_double(q1(g, "SELECT stride FROM dimension WHERE id = 'prior'"), 9, 0,
              "prior is last: the strides of the others do not change");
    is_double(q1(g, "SELECT n FROM agg_pupil WHERE scope = 0 AND fkey = 0"), 20, 0,
              "the group total counts all 20 pupils");
    is_double(q1(g, "SELECT count(*) FROM agg_pupil WHERE scope = 0 AND fkey = 36"), 0, 0,
              "the group's cell of pupils with no band (1 pupil, fkey 4 * 9) is absent");
    is_double(q1(g, "SELECT count(*) FROM agg_pupil WHERE scope = 0 AND fkey = 18"), 0, 0,
              "and so is its middle band (19), or 20 - 19 would give the one pupil");
    is_double(q1(g, "SELECT count(*) FROM agg_pupil WHERE scope = 100001 AND fkey = 18"), 0, 0,
              "Alder's middle band (11 of its 12) is absent for the same reason");
    is_double(q1(g, "SELECT n FROM agg_pupil WHERE scope = 100002 AND fkey = 18"), 8, 0,
              "Birch's (all 8 of its pupils) stays");
    is_double(q1(g, "SELECT value FROM national WHERE fkey = 5"), 50.1, 1e-9,
              "national comparators keep their fkeys");
    store_close(g);
}

static void check_failure(const struct cfg *cfg)
{
    struct publish_result res;
    struct collab_err err = { 0 };
    char *before = file_bytes("group-pair.db");
    char leaf[128];
    /* Something in the way of a temporary file makes the run fail late,
     * after the group stores were built. */
    snprintf(leaf, sizeof leaf, ".school-100003.db.tmp-%ld", (long)getpid());
    char *block = util_path_join(data_dir, leaf);
    mkdir(block, 0700);
    ok(run(cfg, "2024-10-04", NULL, &res, &err) != 0, "a publish that fails late");
    like(err.msg, "school-100003", "says which file");
    is_int(res.nfiles, 0, "and reports no file written");
    publish_result_free(&res);
    char *after = file_bytes("group-pair.db");
    ok(before && after && strcmp(before, after) == 0 && strlen(before) > 0,
       "the previous group store is unchanged");
    rmdir(block);
    free(block);
    snprintf(leaf, sizeof leaf, ".group-pair.db.tmp-%ld", (long)getpid());
    char *tmp = util_path_join(data_dir, leaf);
    struct stat sb;
    ok(stat(tmp, &sb) != 0, "and its temporary file is removed");
    free(tmp);
    free(before);
    free(after);
}

int main(void)
{
    struct cfg cfg;
    struct collab_err err = { 0 };
    struct publish_result res;
    struct stat sb;

    if (!mkdtemp(dir))
        return 1;
    data_dir = util_path_join(dir, "data");
    src_path = util_path_join(dir, "source.db");
    make_source();
    if (cfg_load_dir(FIX "/config", &cfg, &err) != 0) {
        printf("# %s\n", err.msg);
        ok(0, "load the test config");
        return tap_done();
    }
    ok(run(&cfg, "2024-10-01", NULL, &res, &err) == 0, "publish%s%s", err.set ? ": " : "",
       err.msg);
    check_result(&res);
    publish_result_free(&res);
    ok(stat(data_dir, &sb) == 0 && (sb.st_mode & 0777) == 0700, "data directory made 0700");

    sqlite3 *src = store_open(src_path, STORE_SOURCE, STORE_READONLY, &err);
    sqlite3 *g = open_group("pair");
    ok(g != NULL, "open group-pair.db");
    char *gp = store_group_path(data_dir, "pair");
    ok(stat(gp, &sb) == 0 && (sb.st_mode & 0777) == 0600, "group store mode 0600");
    free(gp);
    if (g) {
        check_cells(g, src);
        check_tables(g);
    }
    store_close(g);
    store_close(src);
    check_partners();
    check_school();
    check_republish(&cfg);
    check_failure(&cfg);
    check_unknown(&cfg);
    ok(run(&cfg, NULL, "nope", &res, &err) != 0, "an unknown group is refused");
    like(err.msg, "nope", "by name");
    publish_result_free(&res);

    cfg_free(&cfg);
    free(data_dir);
    free(src_path);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return tap_done();
}
