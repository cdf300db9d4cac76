/* Analysis depth on a hand-made group store (tests/data/analysis/store.sql,
 * where the sums behind each figure are written out): each area-of-interest
 * sentence's trigger and non-trigger, small cohorts never listed, the
 * overview's change flag, interval and P8 band, national percentiles, a
 * DfE-only school (figures shown, filters n/a) and similar schools ordered
 * by the configured weights. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collab/audit.h"
#include "collab/config.h"
#include "collab/model.h"
#include "collab/store.h"
#include "collab/util.h"
#include "tap.h"

#define FIX COLLAB_SRCDIR "/tests/data/analysis"

static char dir[] = "/tmp/collab-analysis-XXXXXX";

static void put(const char *name, const char *text)
{
    char *p = util_path_join(dir, name);
    FILE *fp = fopen(p, "wb");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
    free(p);
}

/* The config with this process's login as the group's user. */
static void make_config(void)
{
    const char *files[] = { "indicators.yaml", "filters.yaml", "evaluation.yaml" };
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, FIX "/config/%s", files[i]);
        char *s = util_read_file(path);
        put(files[i], s ? s : "");
        free(s);
    }
    char *g = util_read_file(FIX "/config/groups.yaml.in");
    struct strbuf sb = STRBUF_INIT;
    const char *at = g ? strstr(g, "LOGIN") : NULL;
    if (at) {
        sb_addn(&sb, g, (size_t)(at - g));
        sb_add(&sb, audit_real_login());
        sb_add(&sb, at + 5);
    }
    put("groups.yaml", sb_str(&sb));
    sb_free(&sb);
    free(g);
}

static void make_store(void)
{
    struct collab_err err = { 0 };
    char *p = store_group_path(dir, "g");
    sqlite3 *db = store_open(p, STORE_GROUP, STORE_CREATE, &err);
    char *sql = util_read_file(FIX "/store.sql");
    ok(db && sql && store_exec(db, sql, &err) == 0, "hand-made group store%s%s",
       err.set ? ": " : "", err.msg);
    free(sql);
    store_close(db);
    free(p);
}

static int has_finding(const struct model_table *t, const char *needle)
{
    for (size_t i = 0; i < t->nfindings; i++)
        if (strstr(t->findings[i], needle))
            return 1;
    return 0;
}

static const struct model_row *row(const struct model_table *t, const char *key)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(t->rows[r].key, key) == 0)
            return &t->rows[r];
    return NULL;
}

static int col(const struct model_table *t, const char *id)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c].id, id) == 0)
            return (int)c;
    return -1;
}

static const struct model_cell *cell(const struct model_table *t, const char *key,
                                     const char *id)
{
    const struct model_row *r = row(t, key);
    int c = col(t, id);
    static const struct model_cell none = { .flags = CELL_MISSING, .value = NAN };
    return r && c >= 0 ? &r->cells[c] : &none;
}

static int query(struct model *m, enum model_view view, long urn, const char *filter,
                 const struct cfg *cfg, struct model_table *t)
{
    struct collab_err err = { 0 };
    struct model_query q = { .view = view, .urn = urn, .sort_col = -1 };
    if (filter && model_filter_parse(cfg, filter, &q.filter, &err) != 0)
        return -1;
    int rc = model_query(m, &q, t, &err);
    if (rc != 0)
        printf("# %s\n", err.msg);
    return rc;
}

static void test_overview(struct model *m, const struct cfg *cfg)
{
    struct model_table t;
    if (query(m, MODEL_VIEW_OVERVIEW, 0, NULL, cfg, &t) != 0) {
        ok(0, "overview");
        return;
    }
    /* three years running */
    ok(has_finding(&t, "Alpha School: Progress 8 significantly above average (0, as the DfE "
                   "bands P8) three years running (2017: +0.50; 2018: +0.50; 2019: +0.50)"),
       "trigger: Alpha above 0 on P8 three years running");
    ok(!has_finding(&t, "Beta School: Progress 8 significantly above average (0, as the DfE "
                    "bands P8) three"),
       "non-trigger: Beta's 2018 (+0.10) is not significant");
    /* small cohorts */
    ok(!has_finding(&t, "Gamma"), "Gamma (5 pupils, P8 +3.00) is never listed");
    ok(has_finding(&t, "Beta School: Progress 8 +0.30 (n=100), significantly above average "
                   "(0, as the DfE bands P8) by 0.30"),
       "higher performing: Beta's P8 with gap and cohort");
    /* subjects, two years running */
    ok(has_finding(&t, "Physics: Entries graded 4 or above significantly below national two "
                   "years running (2018: 50.0 vs 70.0; 2019: 50.0 vs 70.0)"),
       "trigger: Physics below national two years running");
    ok(!has_finding(&t, "History: Entries graded 4 or above significantly below national two"),
       "non-trigger: History's 2018 (69%% of 100) is not significant");
    /* pupil groups */
    ok(has_finding(&t, "FSM6 pupils: Grade 4+ in English and maths 60.0 (n=100), "
                   "significantly below national (75.0) by 15.0 percentage points"),
       "lower performing pupil group: FSM6 on EM 4+");
    ok(!has_finding(&t, "Not FSM6 pupils: Grade 4+"), "not FSM6 (70 vs 70): not listed");
    /* the disadvantage gap */
    ok(has_finding(&t, "The gap in Grade 4+ in English and maths between FSM6 pupils and "
                   "others narrowed significantly, from +30.0 in 2018 to +10.0 in 2019"),
       "trigger: the EM 4+ gap narrowed (z = -2.11)");
    ok(!has_finding(&t, "The gap in Progress 8"), "non-trigger: the P8 gap 0.40 to 0.35");
    /* national quintiles */
    ok(has_finding(&t, "Alpha School: Progress 8 +0.50 (n=100) is in the highest 20% of "
                   "schools nationally (percentile 95)"),
       "trigger: Alpha in the highest 20%% nationally and above");
    ok(!has_finding(&t, "Beta School: Progress 8 +0.30 (n=100) is in the"),
       "non-trigger: Beta at the 70th percentile");
    /* change flag, interval, band */
    is_str(cell(&t, "basics4", "change")->text, "rise", "EM 4+ 50%% -> 65%%: a significant rise");
    ok(cell(&t, "basics4", "change")->flags & CELL_SIG_ABOVE, "the rise is flagged for the TUI");
    is_str(cell(&t, "p8", "change")->text, "", "P8 0.37 to 0.46: no significant change");
    /* group P8 95/205 = 0.4634, half-width 1.96 * 1.28 / sqrt(205) = 0.1752 */
    is_double(cell(&t, "p8", "lo")->value, 0.2882, 0.0001, "P8 interval lower bound");
    is_double(cell(&t, "p8", "hi")->value, 0.6386, 0.0001, "P8 interval upper bound");
    is_str(cell(&t, "p8", "band")->text, "Above average", "P8 band: lo > 0, P8 under 0.5");
    ok(cell(&t, "basics4", "band")->flags & CELL_MISSING, "no band on a non-P8 row");
    model_table_free(&t);
}

static void test_schools(struct model *m, const struct cfg *cfg)
{
    struct model_table t;
    if (query(m, MODEL_VIEW_SCHOOLS, 0, NULL, cfg, &t) != 0) {
        ok(0, "schools");
        return;
    }
    is_double(cell(&t, "100001", "p8_pctl")->value, 95, 1e-9,
              "Alpha +0.50: (90 below + 10 / 2) out of 100 = 95th percentile");
    is_double(cell(&t, "100002", "p8_pctl")->value, 70, 1e-9, "Beta +0.30: 70th percentile");
    ok(col(&t, "basics4_pctl") < 0, "no percentile column without a distribution");
    is_double(cell(&t, "100004", "p8")->value, -0.6, 1e-9, "Delta (DfE only): its published P8");
    ok(cell(&t, "100004", "p8")->flags & CELL_SIG_BELOW,
       "Delta's published interval (-0.80..-0.40) is below England's -0.03");
    is_double(cell(&t, "100004", "p8_pctl")->value, 40, 1e-9, "Delta -0.60: 40th percentile");
    is_double(cell(&t, "100004", "fsm6_pct")->value, 30, 1e-9, "Delta's census FSM6 %%");
    ok(cell(&t, "100004", "basics4")->flags & CELL_MISSING, "Delta has no EM 4+ figure: empty, "
       "not 0");
    like(t.note ? t.note : "", "DfE published figures only (no pupil data): Delta School.",
         "the note names the DfE-only school");
    model_table_free(&t);
    if (query(m, MODEL_VIEW_SCHOOLS, 0, "fsm6=yes", cfg, &t) != 0) {
        ok(0, "schools, FSM6");
        return;
    }
    ok(cell(&t, "100004", "p8")->flags & CELL_NA, "FSM6 filter: Delta's P8 does not apply");
    like(t.note ? t.note : "", "pupil-group filters do not apply", "and the note says so");
    ok(col(&t, "p8_pctl") < 0, "no percentiles for a pupil group");
    model_table_free(&t);
}

static void test_similar(struct model *m, struct cfg *cfg)
{
    struct model_table t;
    /* fsm6 and eal only (indicators.yaml): Gamma (22, 28) is nearer Alpha
     * (20, 10) than Beta (40, 30): z distances 2.013 and 3.144 */
    if (query(m, MODEL_VIEW_SIMILAR, 100001, NULL, cfg, &t) != 0 || t.nrows != 3) {
        ok(0, "similar");
        return;
    }
    is_str(t.rows[1].key, "100003", "weights fsm6 1, eal 1: Gamma is nearest Alpha");
    is_double(t.rows[1].cells[col(&t, "distance")].value, 2.013, 0.001, "distance to Gamma");
    is_str(t.rows[2].key, "100002", "then Beta");
    like(t.note ? t.note : "", "weighted: FSM6 % x1, EAL % x1.", "the note names the weights");
    model_table_free(&t);
    for (int i = 0; i < CFG_SIM_COUNT; i++)
        cfg->similarity[i] = 1;
    /* all five equal: SEN, cohort and prior push Gamma away (4.34 vs 3.245) */
    if (query(m, MODEL_VIEW_SIMILAR, 100001, NULL, cfg, &t) != 0 || t.nrows != 3) {
        ok(0, "similar, equal weights");
        return;
    }
    is_str(t.rows[1].key, "100002", "equal weights: Beta is nearest Alpha");
    is_double(t.rows[1].cells[col(&t, "distance")].value, 3.245, 0.001, "distance to Beta");
    model_table_free(&t);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    make_config();
    make_store();
    struct cfg cfg;
    struct collab_err err = { 0 };
    int rc = cfg_load_dir(dir, &cfg, &err);
    is_int(rc, 0, "config loads%s%s", err.set ? ": " : "", err.msg);
    if (rc != 0)
        return tap_done();
    struct model_open_args a = { .data_dir = dir, .cfg = &cfg, .group_id = "g" };
    struct model *m = model_open(&a, &err);
    ok(m != NULL, "model opens the hand-made store%s%s", m ? "" : ": ", m ? "" : err.msg);
    if (m) {
        test_overview(m, &cfg);
        test_schools(m, &cfg);
        test_similar(m, &cfg);
        model_close(m);
    }
    cfg_free(&cfg);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return tap_done();
}
