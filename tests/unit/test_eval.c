/* The partnership self-evaluation (eval.h): terms, the aggregates of the
 * view against hand-worked figures, and the access rules seen from outside
 * (who may write, who sees which scores and text). Uses the three-school
 * partnership of tests/data/eval and a fresh evaluation store. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/audit.h"
#include "collab/config.h"
#include "collab/eval.h"
#include "collab/store.h"
#include "collab/util.h"
#include "tap.h"

#define DATA COLLAB_SRCDIR "/tests/data/eval"
#define SPRING "2026-spring"
#define SUMMER "2026-summer"

static struct cfg cfg;
static char dir[] = "/tmp/collab-test-eval.XXXXXX";

static struct eval_ctx as(const char *user)
{
    struct eval_ctx c = { .cfg = &cfg, .group = cfg_group(&cfg, "trio"),
                          .user = cfg_user(&cfg, user), .data_dir = dir, .login = "tester" };
    return c;
}

static int score(const char *user, const char *term, const char *theme,
                 enum eval_target target, int value)
{
    struct collab_err err = { .set = 0 };
    struct eval_ctx c = as(user);
    int rc = eval_save_score(&c, term, theme, target, value, &err);
    if (rc != 0)
        printf("# %s\n", err.msg);
    return rc;
}

static void test_terms(void)
{
    static const struct { int year, month; const char *want; } cases[] = {
        { 2026, 9, "2026-autumn" }, { 2026, 12, "2026-autumn" }, { 2027, 1, "2027-spring" },
        { 2027, 4, "2027-spring" }, { 2027, 5, "2027-summer" }, { 2027, 8, "2027-summer" },
    };
    char buf[EVAL_TERM_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        eval_term_of(cases[i].year, cases[i].month, buf, sizeof buf);
        is_str(buf, cases[i].want, "month %d of %d is in its term", cases[i].month,
               cases[i].year);
    }
    ok(eval_term_compare("2026-spring", "2026-summer") < 0, "spring before summer");
    ok(eval_term_compare("2026-summer", "2026-autumn") < 0, "summer before autumn");
    ok(eval_term_compare("2026-autumn", "2027-spring") < 0, "autumn before next spring");
    ok(!eval_term_valid("2026-winter") && !eval_term_valid("26-autumn")
       && !eval_term_valid("2026autumn") && eval_term_valid("2026-autumn"),
       "only YYYY-autumn|spring|summer are terms");
    static const char *const before[][2] = { { "2026-autumn", "2026-summer" },
        { "2026-summer", "2026-spring" }, { "2026-spring", "2025-autumn" } };
    for (size_t i = 0; i < 3; i++) {
        eval_term_before(before[i][0], buf, sizeof buf);
        is_str(buf, before[i][1], "the term before %s", before[i][0]);
    }
    struct collab_err err = { .set = 0 };
    is_int(eval_term_check("autumn", &err), -1, "a bad term is refused");
    like(err.msg, "2026-autumn", "and the message shows the form");
}

static int on_audit(const struct audit_row *row, void *arg)
{
    if (strcmp(row->action, "refused") == 0)
        (*(int *)arg)++;
    return 0;
}

static int count_refusals(void)
{
    int n = 0;
    struct collab_err err = { .set = 0 };
    audit_list(dir, NULL, NULL, on_audit, &n, &err);
    return n;
}

static void fill(void)
{
    /* Previous term: partnership scores only. */
    ok(score("ann", SPRING, "t1", EVAL_TARGET_PARTNERSHIP, 2) == 0
       && score("ben", SPRING, "t1", EVAL_TARGET_PARTNERSHIP, 3) == 0
       && score("ann", SPRING, "t2", EVAL_TARGET_PARTNERSHIP, 2) == 0,
       "spring scores saved");
    /* This term: Alpha (ann) and Beta (ben, a partnership lead of a member
     * school) one score at a time. */
    int rc = score("ann", SUMMER, "t1", EVAL_TARGET_SCHOOL, 3)
           | score("ann", SUMMER, "t1", EVAL_TARGET_PARTNERSHIP, 2)
           | score("ann", SUMMER, "t2", EVAL_TARGET_SCHOOL, 4)
           | score("ann", SUMMER, "t2", EVAL_TARGET_PARTNERSHIP, 4)
           | score("ann", SUMMER, "t4", EVAL_TARGET_SCHOOL, 4)
           | score("ann", SUMMER, "t4", EVAL_TARGET_PARTNERSHIP, 4)
           | score("ben", SUMMER, "t1", EVAL_TARGET_SCHOOL, 4)
           | score("ben", SUMMER, "t1", EVAL_TARGET_PARTNERSHIP, 3)
           | score("ben", SUMMER, "t2", EVAL_TARGET_SCHOOL, 3)
           | score("ben", SUMMER, "t2", EVAL_TARGET_PARTNERSHIP, 2)
           | score("ben", SUMMER, "t3", EVAL_TARGET_SCHOOL, 2)
           | score("ben", SUMMER, "t3", EVAL_TARGET_PARTNERSHIP, 1);
    is_int(rc, 0, "summer scores of Alpha and Beta saved one by one");
    struct collab_err err = { .set = 0 };
    struct eval_ctx ann = as("ann"), ben = as("ben"), gus = as("gus");
    ok(eval_save_text(&ann, SUMMER, "t1", "Alpha strong", "Alpha dev", &err) == 0,
       "Alpha's text saved (not shared)");
    ok(eval_save_text(&ben, SUMMER, "t1", "Beta shared", NULL, &err) == 0
       && eval_save_shared(&ben, SUMMER, "t1", 1, &err) == 0,
       "Beta's text saved and shared");
    /* Gamma in one batch. */
    struct eval_entry e = { .term = SUMMER, .urn = 100003, .theme = "t1",
                            .school_score = 2, .partnership_score = 1, .line = 2 };
    ok(eval_save_entries(&gus, "g.csv", &e, 1, &err) == 0, "Gamma's entry saved in a batch");
}

static const struct model_row *row_of(const struct model_table *t, const char *key)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(t->rows[r].key, key) == 0)
            return &t->rows[r];
    return NULL;
}

static int col_of(const struct model_table *t, const char *id)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c].id, id) == 0)
            return (int)c;
    return -1;
}

static double cell(const struct model_table *t, const char *key, const char *col)
{
    const struct model_row *r = row_of(t, key);
    int c = col_of(t, col);
    if (!r || c < 0 || (r->cells[c].flags & CELL_MISSING))
        return NAN;
    return r->cells[c].value;
}

static void test_aggregates(void)
{
    struct model_table t;
    struct collab_err err = { .set = 0 };
    struct eval_ctx dan = as("dan");
    if (!ok(eval_table(&dan, SUMMER, &t, &err) == 0, "the analyst sees the aggregate")) {
        printf("# %s\n", err.msg);
        return;
    }
    like(t.title, "Trio Partnership, 2026-summer", "title names group and term");
    /* t1: partnership {2,3,1}: mean 2, min 1, max 3, SD sqrt(2/3) = 0.8165;
     * self {3,4,2}: mean 3; gap 3 - 2 = +1; spring {2,3} mean 2.5, so
     * change 2 - 2.5 = -0.5; 3 schools scored the partnership. */
    is_double(cell(&t, "one/t1", "partnership"), 2.0, 1e-9, "t1 partnership mean 2");
    is_double(cell(&t, "one/t1", "min"), 1.0, 1e-9, "t1 min 1");
    is_double(cell(&t, "one/t1", "max"), 3.0, 1e-9, "t1 max 3");
    is_double(cell(&t, "one/t1", "sd"), 0.8165, 1e-4, "t1 SD 0.8165");
    is_double(cell(&t, "one/t1", "self"), 3.0, 1e-9, "t1 self mean 3");
    is_double(cell(&t, "one/t1", "gap"), 1.0, 1e-9, "t1 gap +1");
    is_double(cell(&t, "one/t1", "change"), -0.5, 1e-9, "t1 change -0.5");
    is_double(cell(&t, "one/t1", "n"), 3.0, 1e-9, "t1 scored by 3 schools");
    is_double(cell(&t, "one/t1", "s100002"), 4.0, 1e-9, "Beta's own t1 score 4");
    /* t2: partnership {4,2}: mean 3, SD 1; self {4,3}: 3.5; gap +0.5; spring
     * {2}: change +1. */
    is_double(cell(&t, "one/t2", "partnership"), 3.0, 1e-9, "t2 partnership mean 3");
    is_double(cell(&t, "one/t2", "sd"), 1.0, 1e-9, "t2 SD 1");
    is_double(cell(&t, "one/t2", "gap"), 0.5, 1e-9, "t2 gap +0.5");
    is_double(cell(&t, "one/t2", "change"), 1.0, 1e-9, "t2 change +1");
    /* t3: only Beta: partnership 1, SD 0, self 2, gap +1, no spring score. */
    is_double(cell(&t, "two/t3", "sd"), 0.0, 1e-9, "t3 SD 0 with one school");
    ok(isnan(cell(&t, "two/t3", "change")), "t3 has no change: nothing in spring");
    ok(isnan(cell(&t, "two/t3", "s100001")), "Alpha did not score t3");
    /* Area one pools t1 and t2: partnership {2,3,1,4,2}: mean 12/5 = 2.4,
     * min 1, max 4, SD sqrt(34/5 - 2.4^2) = sqrt(1.04) = 1.0198; self
     * {3,4,2,4,3}: 16/5 = 3.2; gap 0.8; spring {2,3,2}: 7/3, change
     * 2.4 - 2.3333 = 0.0667; Alpha's self {3,4}: 3.5; Gamma's {2}: 2. */
    is_double(cell(&t, "one", "partnership"), 2.4, 1e-9, "area one partnership mean 2.4");
    is_double(cell(&t, "one", "min"), 1.0, 1e-9, "area one min 1");
    is_double(cell(&t, "one", "max"), 4.0, 1e-9, "area one max 4");
    is_double(cell(&t, "one", "sd"), 1.0198, 1e-4, "area one SD 1.0198");
    is_double(cell(&t, "one", "self"), 3.2, 1e-9, "area one self mean 3.2");
    is_double(cell(&t, "one", "gap"), 0.8, 1e-9, "area one gap 0.8");
    is_double(cell(&t, "one", "change"), 2.4 - 7.0 / 3.0, 1e-9, "area one change +0.067");
    is_double(cell(&t, "one", "s100001"), 3.5, 1e-9, "Alpha's area one mean 3.5");
    is_double(cell(&t, "one", "s100003"), 2.0, 1e-9, "Gamma's area one mean 2");
    /* Area two: partnership {1,4}: 2.5, SD 1.5; self {2,4}: 3; gap 0.5. */
    is_double(cell(&t, "two", "partnership"), 2.5, 1e-9, "area two partnership mean 2.5");
    is_double(cell(&t, "two", "sd"), 1.5, 1e-9, "area two SD 1.5");
    is_double(cell(&t, "two", "gap"), 0.5, 1e-9, "area two gap 0.5");
    ok(row_of(&t, "one")->kind == EVAL_ROW_AREA && row_of(&t, "one/t1")->kind == EVAL_ROW_THEME,
       "area and sub-theme rows are told apart");
    is_int(col_of(&t, "s100001") >= 0 && col_of(&t, "s100002") >= 0 && col_of(&t, "s100003") >= 0,
           1, "the analyst sees a column per member school");
    /* Priorities: the three lowest partnership means t3 (1), t1 (2), t2 (3);
     * t4 (4) is not one. Widest gap: t3 and t1 both +1, t3 comes first. */
    is_int(t.nfindings, 4, "three priorities and the widest gap");
    if (t.nfindings == 4) {
        like(t.findings[0], "Priority: Theme three - partnership mean 1.00", "first priority t3");
        like(t.findings[1], "Priority: Theme one - partnership mean 2.00 (range 1-3, 3 schools)",
             "second priority t1 with range");
        like(t.findings[2], "Priority: Theme two", "third priority t2");
        like(t.findings[3], "Widest gap: Theme three", "widest gap t3");
    }
    like(t.note, "change since 2026-spring", "the note names the term compared");
    model_table_free(&t);

    struct eval_ctx ann = as("ann");
    ok(eval_table(&ann, SUMMER, &t, &err) == 0, "a school leader sees the aggregate");
    is_double(cell(&t, "one/t1", "partnership"), 2.0, 1e-9, "with the same means");
    ok(col_of(&t, "s100001") >= 0 && col_of(&t, "s100002") < 0 && col_of(&t, "s100003") < 0,
       "but only their own school's column");
    model_table_free(&t);

    ok(eval_table(&dan, NULL, &t, &err) == 0 && strstr(t.title, SUMMER) != NULL,
       "no term: the latest with entries");
    model_table_free(&t);
}

static const struct eval_entry *find(const struct eval_entry *e, size_t n, long urn,
                                     const char *theme)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].urn == urn && strcmp(e[i].theme, theme) == 0)
            return &e[i];
    return NULL;
}

static void test_text_visibility(void)
{
    struct collab_err err = { .set = 0 };
    struct eval_entry *e;
    size_t n;
    struct eval_ctx ben = as("ben"), ann = as("ann"), cat = as("cat"), dan = as("dan");
    ok(eval_list(&ben, SUMMER, &e, &n, &err) == 0, "Beta lists the term");
    const struct eval_entry *a = find(e, n, 100001, "t1"), *b = find(e, n, 100002, "t1");
    ok(a && a->text_hidden && !a->strengths && !a->development,
       "Alpha's unshared text is hidden from Beta");
    ok(a && a->scores_hidden && a->school_score == 0, "and so are Alpha's own scores");
    ok(b && b->strengths && strcmp(b->strengths, "Beta shared") == 0 && b->school_score == 4,
       "Beta sees its own text and scores");
    eval_entries_free(e, n);

    ok(eval_list(&ann, SUMMER, &e, &n, &err) == 0, "Alpha lists the term");
    a = find(e, n, 100001, "t1");
    b = find(e, n, 100002, "t1");
    ok(a && a->strengths && strcmp(a->strengths, "Alpha strong") == 0
       && strcmp(a->development, "Alpha dev") == 0, "Alpha sees its own unshared text");
    ok(b && b->strengths && strcmp(b->strengths, "Beta shared") == 0,
       "and Beta's shared text");
    eval_entries_free(e, n);

    ok(eval_list(&cat, SUMMER, &e, &n, &err) == 0 && (a = find(e, n, 100001, "t1"))
       && a->strengths && !a->text_hidden, "a non-leader of Alpha still sees Alpha's text");
    eval_entries_free(e, n);

    ok(eval_list(&dan, SUMMER, &e, &n, &err) == 0, "the analyst lists the term");
    a = find(e, n, 100001, "t1");
    ok(a && a->text_hidden && !a->scores_hidden && a->school_score == 3,
       "the analyst sees Alpha's scores but not its unshared text");
    eval_entries_free(e, n);
}

/* The demo's history: saved without the entering rules (dan enters for no
 * school), and only into a store without entries. */
static void test_sample(void)
{
    struct collab_err err = { .set = 0 };
    struct eval_ctx dan = as("dan");
    struct eval_entry e = { .term = "2025-autumn", .urn = 100003, .theme = "t1",
                            .school_score = 2, .partnership_score = 3 };
    is_int(eval_save_sample(&dan, &e, 1, &err), 0, "sample entries go into an empty store");
    struct eval_entry *got;
    size_t n;
    eval_list(&dan, "2025-autumn", &got, &n, &err);
    ok(n == 1 && got[0].urn == 100003 && got[0].school_score == 2 &&
       got[0].partnership_score == 3, "for any member school");
    eval_entries_free(got, n);
    e.school_score = 4;
    is_int(eval_save_sample(&dan, &e, 1, &err), 0, "into a store with entries");
    eval_list(&dan, "2025-autumn", &got, &n, &err);
    ok(n == 1 && got[0].school_score == 2, "nothing is written");
    eval_entries_free(got, n);
    char *path = store_eval_path(dir, "trio");
    sqlite3 *db = store_open(path, STORE_EVAL, 0, &err);
    ok(db && sqlite3_exec(db, "DELETE FROM eval_score; DELETE FROM eval_text", NULL, NULL,
                          NULL) == SQLITE_OK, "emptied again for the tests that follow");
    store_close(db);
    free(path);
}

static void test_refusals(void)
{
    struct collab_err err = { .set = 0 };
    struct eval_ctx ben = as("ben"), cat = as("cat"), eve = as("eve"), pam = as("pam"),
                    del = as("del"), ann = as("ann");
    int before = count_refusals();
    struct eval_entry e = { .term = SUMMER, .urn = 100001, .theme = "t3",
                            .school_score = 1, .partnership_score = 1, .line = 7 };
    is_int(eval_save_entries(&ben, "x.csv", &e, 1, &err), -1,
           "a leader of another school cannot write for Alpha");
    like(err.msg, "x.csv:7: column urn: leaders enter scores for their own school only", "FILE:LINE: column urn says why");
    is_int(eval_save_score(&cat, SUMMER, "t3", EVAL_TARGET_SCHOOL, 2, &err), -1,
           "a subject leader cannot write");
    like(err.msg, "only school leaders", "and is told only leaders enter scores");
    is_int(eval_save_score(&eve, SUMMER, "t3", EVAL_TARGET_SCHOOL, 2, &err), -1,
           "a leader without collaborate access cannot write");
    is_int(eval_save_score(&pam, SUMMER, "t3", EVAL_TARGET_SCHOOL, 2, &err), -1,
           "a partnership lead of no school cannot write");
    like(err.msg, "no member school", "the message says why");
    is_int(eval_save_score(&del, SUMMER, "t3", EVAL_TARGET_SCHOOL, 2, &err), -1,
           "a leader of a school outside the group cannot write");
    ok(count_refusals() >= before + 5, "every refusal is in the audit log");

    is_int(eval_save_score(&ann, SUMMER, "t3", EVAL_TARGET_SCHOOL, 5, &err), -1,
           "a score outside the scale is refused");
    is_str(err.msg, "score must be 1-4", "with the valid range");
    is_int(eval_save_score(&ann, SUMMER, "nope", EVAL_TARGET_SCHOOL, 2, &err), -1,
           "an unknown sub-theme is refused");
    /* A batch with one bad entry writes nothing. */
    struct eval_entry two[2] = {
        { .term = SUMMER, .urn = 100001, .theme = "t3", .school_score = 2, .line = 2 },
        { .term = SUMMER, .urn = 100001, .theme = "t3", .partnership_score = 9, .line = 3 },
    };
    is_int(eval_save_entries(&ann, "b.csv", two, 2, &err), -1, "a batch with a bad score fails");
    like(err.msg, "b.csv:3: column partnership_score: score must be 1-4", "naming line and column");
    struct model_table t;
    struct eval_ctx dan = as("dan");
    eval_table(&dan, SUMMER, &t, &err);
    ok(isnan(cell(&t, "two/t3", "s100001")), "and nothing of it was saved");
    is_double(cell(&t, "two/t3", "partnership"), 1.0, 1e-9, "t3 is as it was");
    model_table_free(&t);
    /* Clearing a score. */
    ok(score("ann", SUMMER, "t4", EVAL_TARGET_PARTNERSHIP, 0) == 0, "a score can be cleared");
    eval_table(&dan, SUMMER, &t, &err);
    ok(isnan(cell(&t, "two/t4", "partnership")), "and is gone from the view");
    model_table_free(&t);
}

int main(void)
{
    struct collab_err err = { .set = 0 };
    if (!mkdtemp(dir) || cfg_load_groups(DATA "/groups.yaml", &cfg, &err) != 0
        || cfg_load_evaluation(DATA "/evaluation.yaml", &cfg, &err) != 0) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    char *path = store_eval_path(dir, "trio");
    sqlite3 *db = store_open(path, STORE_EVAL, STORE_CREATE, &err);
    store_close(db);
    ok(db != NULL, "an evaluation store as publish makes it");
    test_terms();
    struct eval_ctx ann = as("ann");
    struct model_table t;
    ok(eval_table(&ann, SUMMER, &t, &err) == 0 && t.nrows == 6 && strstr(t.note, "No entries"),
       "an empty term shows every area and sub-theme and says there are no entries");
    model_table_free(&t);
    test_sample();
    fill();
    test_aggregates();
    test_text_visibility();
    test_refusals();
    free(path);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    cfg_free(&cfg);
    return tap_done();
}
