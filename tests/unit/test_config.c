/* The config loaders: tests/data/config-good/ read into structs, defaults,
 * lookups, and the YAML reader's limits. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collab/config.h"
#include "collab/util.h"
#include "tap.h"

#define GOOD COLLAB_SRCDIR "/tests/data/config-good"

static char tmpdir[] = "/tmp/collab-test-config.XXXXXX";

static char *tmp_file(const char *name, const char *text, size_t len)
{
    char *path = util_path_join(tmpdir, name);
    FILE *f = fopen(path, "wb");
    fwrite(text, 1, len, f);
    fclose(f);
    return path;
}

static void test_indicators(const struct cfg *cfg)
{
    is_int(cfg->nindicators, 7, "seven indicators");
    const struct cfg_indicator *a8 = cfg_indicator(cfg, "att8");
    ok(a8 != NULL, "att8 found");
    if (!a8)
        return;
    is_str(a8->label, "Attainment 8", "att8 label");
    is_str(a8->short_label, "A8", "att8 short");
    is_int(a8->level, CFG_LEVEL_PUPIL, "att8 is pupil level");
    is_int(a8->key_stage, 4, "key_stage defaults to 4");
    is_int(a8->decimals, 1, "decimals default to 1");
    is_int(a8->significance, CFG_SIG_NATIONAL_SD, "att8 national_sd");
    is_int(a8->headline, 1, "att8 headline");
    is_int(a8->yaml_line, 3, "att8 defined at line 3");
    struct strbuf sb = STRBUF_INIT;
    expr_to_sql(a8->expr, &sb);
    is_str(sb_str(&sb), "(k.att8)", "att8 compiles to k.att8");

    const struct cfg_indicator *p8 = cfg_indicator(cfg, "p8");
    is_int(p8->decimals, 2, "p8 decimals");
    is_int(p8->show_sign, 1, "p8 shows sign");
    const struct cfg_indicator *b4 = cfg_indicator(cfg, "basics4");
    is_int(b4->aggregate, CFG_AGG_PERCENT, "basics4 percent");
    is_int(b4->significance, CFG_SIG_BINOMIAL, "basics4 binomial");
    is_str(b4->short_label, "EM 4+", "quoted short label");
    ok(expr_is_boolean(b4->expr), "basics4 expression is boolean");
    const struct cfg_indicator *g4 = cfg_indicator(cfg, "grade4");
    is_int(g4->level, CFG_LEVEL_RESULT, "grade4 is result level");
    sb_reset(&sb);
    expr_to_sql(g4->expr, &sb);
    is_str(sb_str(&sb), "((r.points) >= (4))", "grade4 compiles over r.points");
    const struct cfg_indicator *abs = cfg_indicator(cfg, "absence");
    is_int(abs->aggregate, CFG_AGG_RATE, "absence is a rate");
    is_int(abs->polarity, CFG_LOWER_BETTER, "absence: lower is better");
    ok(abs->per != NULL, "rate has a per expression");
    sb_reset(&sb);
    expr_to_sql(abs->per, &sb);
    is_str(sb_str(&sb), "(a.sessions_possible)", "per compiles to a.sessions_possible");
    ok(cfg_indicator(cfg, "points")->per == NULL, "mean has no per");
    is_int(cfg_indicator(cfg, "rwm")->key_stage, 2, "rwm is KS2");
    ok(cfg_indicator(cfg, "nope") == NULL, "unknown indicator is NULL");
    sb_free(&sb);
}

static void test_filters(const struct cfg *cfg)
{
    is_int(cfg->nfilters, 5, "five filters");
    const char *keys = "fedgp";
    for (size_t i = 0; i < 5 && i < cfg->nfilters; i++)
        ok(cfg->filters[i].key[0] == keys[i] && !cfg->filters[i].key[1],
           "filter %zu key %c", i, keys[i]);
    const struct cfg_filter *sen = cfg_filter(cfg, "sen");
    ok(sen != NULL, "sen filter found");
    if (!sen)
        return;
    is_str(sen->column, "sen", "sen column");
    is_int(sen->nvalues, 3, "sen has three values");
    is_str(sen->values[1].code, "support", "second value code");
    is_str(sen->values[1].label, "SEN support", "second value label");
    is_str(sen->values[1].match, "K", "plain match value");
    is_str(cfg_filter(cfg, "fsm6")->values[0].match, "1", "quoted match value");
    is_int(cfg_filter_value_index(sen, "EHCP"), 2, "value by code, any case");
    is_int(cfg_filter_value_index(sen, "sen support"), 1, "value by label");
    is_int(cfg_filter_value_index(sen, "other"), -1, "unknown value");
    is_str(cfg_filter(cfg, "prior")->column, "prior_band", "prior column");
}

static void test_groups(const struct cfg *cfg)
{
    is_int(cfg->norgs, 5, "five organisations");
    is_int(cfg->ngroups, 4, "two groups, and two schools' own");
    /* the schools with users get their own group, after the file's; the
     * school without users (moorside) none */
    const struct cfg_group *own = cfg_group(cfg, "own-harbour-high");
    ok(own && own == &cfg->groups[2] && own->own_school, "Harbour High's own group comes third");
    ok(own && own->nschools == 1 && own->schools[0] == 100001 && own->nusers == 1 &&
       strcmp(own->users[0], "ben") == 0 && strcmp(own->owner, "harbour-high") == 0 &&
       own->visibility == CFG_VIS_LA_ONLY,
       "the school alone, owned by it, its user listed, closed to other schools");
    is_str(own ? own->unix_group : NULL, "collab-harbour",
           "with the school's unix group (all its staff)");
    ok(cfg_group(cfg, "own-riverside") && !cfg_group(cfg, "own-moorside"),
       "riverside has a user and its group; moorside has none");
    ok(!cfg_group(cfg, "northmoor-secondary")->own_school, "the file's groups are not own");
    is_int(cfg->nusers, 3, "three users");
    is_int(cfg->nconsents, 2, "two consents");
    is_int(cfg->policy.min_cohort, 6, "global min_cohort");
    is_int(cfg->policy.league_tables, 1, "global league tables");

    const struct cfg_org *la = cfg_org(cfg, "northmoor");
    is_int(la->kind, CFG_ORG_LA, "northmoor is an LA");
    is_str(la->contact, "Jo Bloggs, Head of Performance", "contact");
    is_str(la->unix_group, "collab-la", "org unix group");
    is_int(la->urn, 0, "LA has no urn");
    const struct cfg_org *hh = cfg_school_org(cfg, 100001);
    is_str(hh ? hh->id : NULL, "harbour-high", "school by urn");
    ok(cfg_school_org(cfg, 999999) == NULL, "unknown urn");
    ok(cfg_org(cfg, "moorside")->unix_group == NULL, "absent unix group is NULL");
    is_str(hh ? hh->pupil_unix_group : NULL, "collab-harbour-pupils", "school's pupil unix group");
    ok(la->pupil_unix_group == NULL, "absent pupil unix group is NULL");

    const struct cfg_group *g = cfg_group(cfg, "northmoor-secondary");
    ok(g != NULL, "group found");
    is_str(g->owner, "northmoor", "owner");
    is_int(g->visibility, CFG_VIS_LA_ONLY, "la_only");
    is_int(g->nschools, 3, "three schools");
    is_int(g->schools[2], 100003, "third school");
    is_int(g->nusers, 2, "two users on the group");
    is_str(g->users[1], "ben", "second user");
    is_str(g->unix_group, "collab-nm-sec", "group unix group");
    is_int(g->policy.min_cohort, 6, "group inherits min_cohort");
    is_int(g->policy.league_tables, 1, "group inherits league tables");
    const struct cfg_group *hp = cfg_group(cfg, "harbour-partnership");
    is_int(hp->visibility, CFG_VIS_SCHOOLS, "schools visibility");
    is_int(hp->policy.league_tables, 0, "group overrides league tables");
    is_int(hp->policy.min_cohort, 6, "override keeps inherited min_cohort");
    ok(hp->description == NULL, "absent description is NULL");

    const struct cfg_user *asha = cfg_user(cfg, "asha");
    is_int(asha->role, CFG_ROLE_ANALYST, "asha analyst");
    is_int(asha->global, 1, "asha global");
    ok(asha->school_level && asha->pupil_level && asha->collaborate, "asha access");
    const struct cfg_user *ben = cfg_user_by_login(cfg, "bwilson");
    is_str(ben ? ben->id : NULL, "ben", "user by login");
    ok(ben && !ben->global && !ben->collaborate && ben->pupil_level, "ben access");
    const struct cfg_user *cara = cfg_user(cfg, "cara");
    is_str(cara->name, "cara", "name defaults to id");
    is_int(cara->role, CFG_ROLE_PARTNERSHIP_LEAD, "cara role");
    ok(cfg_user_by_login(cfg, "asha ") == NULL, "login lookup is exact");

    const struct cfg_consent *k = cfg_consent(cfg, 100003);
    is_str(k->signed_date, "2024-09-12", "signed date");
    is_str(k->withdrawn_date, "2026-03-01", "withdrawn date");
    is_str(k->signatory, "S. Lee", "signatory");
    ok(cfg_consent(cfg, 100001)->withdrawn_date == NULL, "not withdrawn");
    ok(cfg_consent(cfg, 100002) == NULL, "no consent for 100002");
}

static void test_eval(const struct cfg *cfg)
{
    is_int(cfg->eval.scale_min, 1, "scale min");
    is_int(cfg->eval.scale_max, 4, "scale max");
    is_str(cfg->eval.scale_labels[3], "Embedded", "last label");
    is_int(cfg->eval.nareas, 2, "two areas");
    is_int(cfg->eval.areas[0].nthemes, 2, "two themes in the first area");
    is_str(cfg->eval.areas[0].themes[0].question,
           "Do all schools share and act on a common vision?", "question");
    ok(cfg->eval.areas[0].themes[1].question == NULL, "absent question is NULL");
    is_str(cfg->eval.areas[1].themes[0].id, "peer-review", "theme id");
}

static void test_theme(void)
{
    struct cfg_theme t;
    struct collab_err err = { 0 };
    int rc = cfg_load_theme(GOOD "/themes/test.yaml", &t, &err);
    is_int(rc, 0, "theme loads: %s", err.msg);
    if (rc)
        return;
    is_str(t.name, "test", "theme name");
    is_int(t.slots[THEME_HEADER].fg, 7, "white is 7");
    is_int(t.slots[THEME_HEADER].bg, 4, "blue is 4");
    is_int(t.slots[THEME_HEADER].bold, 1, "header bold");
    is_int(t.slots[THEME_SIG_ABOVE].fg, 10, "bright_green is 10");
    is_int(t.slots[THEME_SIG_BELOW].fg, 196, "numeric colour");
    is_int(t.slots[THEME_SIG_BELOW].underline, 1, "underline");
    is_int(t.slots[THEME_SELECTED].reverse, 1, "reverse");
    is_int(t.slots[THEME_BORDER].fg, -1, "unset slot is default");
    is_str(cfg_theme_slot_name(THEME_TAB_ACTIVE), "tab_active", "slot name");
    ok(cfg_theme_slot_name(THEME_SLOT_COUNT) == NULL, "no slot past the end");
    cfg_theme_free(&t);

    char *p = tmp_file("dark.yaml", "styles:\n  hint: { fg: grean }\n", 30);
    rc = cfg_load_theme(p, &t, &err);
    is_int(rc, -1, "bad colour refused");
    like(err.msg, "dark.yaml:2:15: 'fg': unknown colour 'grean' (did you mean 'green'?)",
         "bad colour message");
    free(p);
    p = tmp_file("plain.yaml", "monochrome: true\n", 17);
    rc = cfg_load_theme(p, &t, &err);
    is_int(rc, 0, "minimal theme loads");
    is_str(t.name, "plain", "name from the file name");
    is_int(t.monochrome, 1, "monochrome");
    cfg_theme_free(&t);
    free(p);
}

/* Load text as filters.yaml and return the error ("" when it loads). */
static const char *load_filters_text(const char *text, size_t len, struct collab_err *err)
{
    struct cfg cfg = { 0 };
    char *p = tmp_file("filters.yaml", text, len);
    collab_err_clear(err);
    int rc = cfg_load_filters(p, &cfg, err);
    cfg_free(&cfg);
    free(p);
    return rc == 0 ? "" : err->msg;
}

/* Load text as indicators.yaml into cfg; the error, or "" when it loads. */
static const char *load_indicators_text(const char *text, struct cfg *cfg,
                                        struct collab_err *err)
{
    char *p = tmp_file("indicators.yaml", text, strlen(text));
    collab_err_clear(err);
    int rc = cfg_load_indicators(p, cfg, err);
    free(p);
    return rc == 0 ? "" : err->msg;
}

#define IND_P8 "indicators:\n  - { id: p8, label: Progress 8, level: pupil, expr: p8, " \
               "aggregate: mean, dfe_measure: p8 }\n"

/* The optional dfe_measure key and similarity weights (issue 6). */
static void test_analysis_keys(void)
{
    struct cfg cfg = { 0 };
    struct collab_err err = { 0 };
    is_str(load_indicators_text(IND_P8, &cfg, &err), "", "dfe_measure loads");
    is_str(cfg.nindicators ? cfg.indicators[0].dfe_measure : "", "p8", "dfe_measure kept");
    is_double(cfg.similarity[CFG_SIM_FSM6] + cfg.similarity[CFG_SIM_PRIOR], 2, 0,
              "without similarity: every weight 1");
    is_str(load_indicators_text(IND_P8 "similarity:\n  fsm6_pct: 2.5\n  cohort: 0\n",
                                &cfg, &err), "", "similarity loads");
    is_double(cfg.similarity[CFG_SIM_FSM6], 2.5, 0, "fsm6_pct weight 2.5");
    is_double(cfg.similarity[CFG_SIM_COHORT], 0, 0, "cohort weight 0");
    is_double(cfg.similarity[CFG_SIM_EAL], 1, 0, "unnamed measure weighs 1");
    like(load_indicators_text("indicators:\n  - { id: a, label: A, level: pupil, expr: att8,"
                              " aggregate: mean, dfe_measure: att9 }\n", &cfg, &err),
         "indicators.yaml:2:80: 'dfe_measure': unknown value 'att9' (did you mean 'att8'?)",
         "unknown dfe_measure named, with a suggestion");
    like(load_indicators_text(IND_P8 "similarity:\n  fsm: 1\n", &cfg, &err),
         "indicators.yaml:4:3: unknown key 'fsm' in similarity",
         "unknown similarity measure refused at its line");
    like(load_indicators_text(IND_P8 "similarity:\n  eal_pct: -1\n", &cfg, &err),
         "indicators.yaml:4:12: 'eal_pct': expected a weight from 0 to 100, found -1",
         "negative weight refused");
    like(load_indicators_text(IND_P8 "similarity:\n  eal_pct: lots\n", &cfg, &err),
         "expected a weight", "non-number weight refused");
    like(load_indicators_text(IND_P8 "similarity: { fsm6_pct: 0, eal_pct: 0, sen_pct: 0, "
                              "cohort: 0, prior_mean: 0 }\n", &cfg, &err),
         "at least one weight", "all-zero weights refused");
    cfg_free(&cfg);
    char *p = util_path_join(tmpdir, "indicators.yaml");
    unlink(p);
    free(p);
}

static void test_limits(void)
{
    struct collab_err err = { 0 };
    struct strbuf sb = STRBUF_INIT;

    sb_add(&sb, "filters: \"");
    for (int i = 0; i < 70000; i++)
        sb_addc(&sb, 'x');
    sb_add(&sb, "\"\n");
    like(load_filters_text(sb_str(&sb), sb.len, &err),
         "filters.yaml:1:10: value too long (70000 bytes; at most 65536)", "scalar cap");

    sb_reset(&sb);
    sb_add(&sb, "filters: [");
    for (int i = 0; i < 200001; i++)
        sb_add(&sb, "1,");
    sb_add(&sb, "1]\n");
    like(load_filters_text(sb_str(&sb), sb.len, &err), "too many YAML nodes (more than 200000)",
         "node cap");

    sb_reset(&sb);
    sb_add(&sb, "# ");
    while (sb.len <= 4u * 1024 * 1024)
        sb_add(&sb, "padding padding padding padding padding padding padding\n# ");
    like(load_filters_text(sb_str(&sb), sb.len, &err),
         "filters.yaml: file too large (more than 4194304 bytes)", "size cap");

    sb_reset(&sb);
    sb_add(&sb, "filters:");
    for (int i = 0; i < 70; i++)
        sb_add(&sb, " [");
    like(load_filters_text(sb_str(&sb), sb.len, &err),
         "filters.yaml:1:136: nesting deeper than 64 levels", "depth cap");

    like(load_filters_text("filters: \"a\\0b\"\n", 16, &err),
         "filters.yaml:1:10: value contains a NUL character", "NUL refused");
    like(load_filters_text("a: 1\n---\nb: 2\n", 14, &err),
         "filters.yaml:2:1: only one YAML document is allowed per file", "one document");
    like(load_filters_text("? [a]\n: 1\n", 10, &err),
         "filters.yaml:1:3: mapping keys must be plain strings", "complex key refused");
    like(load_filters_text("filters: []\nfilters: []\n", 24, &err),
         "filters.yaml:2:1: duplicate key 'filters' (first at line 1)", "duplicate key");
    is_str(load_filters_text("filters: []\n", 12, &err), "", "no filters is fine");
    sb_free(&sb);
}

static void test_dir_errors(void)
{
    struct cfg cfg;
    struct collab_err err = { 0 };
    is_int(cfg_load_dir(tmpdir, &cfg, &err), -1, "empty directory refused");
    like(err.msg, "/indicators.yaml: missing", "names the missing file");
    is_int(cfg.nindicators, 0, "cfg left empty");
    is_int(cfg_load_dir("/nonexistent/collab", &cfg, &err), -1, "missing directory refused");
    like(err.msg, "/nonexistent/collab: cannot open config directory", "missing dir message");
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    struct cfg cfg;
    struct collab_err err = { 0 };
    int rc = cfg_load_dir(GOOD, &cfg, &err);
    is_int(rc, 0, "config-good loads: %s", err.msg);
    if (rc == 0) {
        is_str(cfg.dir, GOOD, "dir recorded");
        test_indicators(&cfg);
        test_filters(&cfg);
        test_groups(&cfg);
        test_eval(&cfg);
        cfg_free(&cfg);
    }
    is_int(cfg.nindicators + cfg.nfilters + cfg.ngroups, 0, "cfg_free empties");
    test_theme();
    test_limits();
    test_dir_errors();
    test_analysis_keys();
    const char *names[] = { "dark.yaml", "plain.yaml", "filters.yaml" };
    for (size_t i = 0; i < 3; i++) {
        char *p = util_path_join(tmpdir, names[i]);
        unlink(p);
        free(p);
    }
    rmdir(tmpdir);
    return tap_done();
}
