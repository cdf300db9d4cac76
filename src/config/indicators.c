/* indicators.yaml: the indicators, their expressions checked at load. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "load.h"

#define SHORT_MAX 8

/* An indicator while it is read: expressions wait for the level. */
struct ind_raw {
    struct cfg_indicator ind;
    const struct ydoc_node *expr, *per;
};

static const char *const level_names[] = { "pupil", "result", "attendance", NULL };
static const char *const agg_names[] = { "mean", "percent", "rate", "sum", "count", NULL };
static const char *const polarity_names[] = { "higher", "lower", "neutral", NULL };
static const char *const signif_names[] = { "none", "national_sd", "binomial", "pupil_sd", NULL };
/* The measures the dfe-* importers store (docs/DFE.md). */
static const char *const dfe_measure_names[] = {
    "ks4_pupils", "att8", "p8_pupils", "p8", "p8_cilow", "p8_ciupp", "basics4",
    "basics5", "ebacc_aps", "ebacc_entry", "ebacc4", "ebacc5", "p8_band", "pupils",
    "girls_pct", "sen_support_pct", "sen_ehc_pct", "eal_pct", "fsm6_pct",
    "absence_pct", "persistent_absence_pct", NULL };
static const char *const sim_names[CFG_SIM_COUNT + 1] = {
    [CFG_SIM_FSM6] = "fsm6_pct", [CFG_SIM_EAL] = "eal_pct", [CFG_SIM_SEN] = "sen_pct",
    [CFG_SIM_COHORT] = "cohort", [CFG_SIM_PRIOR] = "prior_mean", [CFG_SIM_COUNT] = NULL };
#define SIM_WEIGHT_MAX 100.0

#define IND(m) offsetof(struct ind_raw, ind.m)
static const struct cfg_field ind_fields[] = {
    { CFG_FIELD("id", FT_ID, IND(id), 1), .rule = &cfg_rule_indicator },
    { CFG_FIELD("label", FT_STR, IND(label), 1) },
    { CFG_FIELD("short", FT_STR, IND(short_label), 0) },
    { CFG_FIELD("level", FT_ENUM, IND(level), 1), .names = level_names },
    { CFG_FIELD("key_stage", FT_INT, IND(key_stage), 0), .min = 2, .max = 4 },
    { CFG_FIELD("expr", FT_NODE, offsetof(struct ind_raw, expr), 1) },
    { CFG_FIELD("per", FT_NODE, offsetof(struct ind_raw, per), 0) },
    { CFG_FIELD("aggregate", FT_ENUM, IND(aggregate), 1), .names = agg_names },
    { CFG_FIELD("decimals", FT_INT, IND(decimals), 0), .min = 0, .max = 6 },
    { CFG_FIELD("sign", FT_BOOL, IND(show_sign), 0) },
    { CFG_FIELD("polarity", FT_ENUM, IND(polarity), 0), .names = polarity_names },
    { CFG_FIELD("significance", FT_ENUM, IND(significance), 0), .names = signif_names },
    { CFG_FIELD("headline", FT_BOOL, IND(headline), 0) },
    { CFG_FIELD("dfe_measure", FT_CHOICE, IND(dfe_measure), 0), .names = dfe_measure_names },
};

struct file_raw {
    const struct ydoc_node *indicators, *similarity;
};

static const struct cfg_field file_fields[] = {
    { CFG_FIELD("indicators", FT_NODE, offsetof(struct file_raw, indicators), 1) },
    { CFG_FIELD("similarity", FT_NODE, offsetof(struct file_raw, similarity), 0) },
};

static const struct cfg_field sim_fields[CFG_SIM_COUNT] = {
    { CFG_FIELD("fsm6_pct", FT_NODE, CFG_SIM_FSM6 * sizeof(void *), 0) },
    { CFG_FIELD("eal_pct", FT_NODE, CFG_SIM_EAL * sizeof(void *), 0) },
    { CFG_FIELD("sen_pct", FT_NODE, CFG_SIM_SEN * sizeof(void *), 0) },
    { CFG_FIELD("cohort", FT_NODE, CFG_SIM_COHORT * sizeof(void *), 0) },
    { CFG_FIELD("prior_mean", FT_NODE, CFG_SIM_PRIOR * sizeof(void *), 0) },
};

const char *cfg_sim_measure_name(enum cfg_sim_measure m)
{
    return (int)m >= 0 && m < CFG_SIM_COUNT ? sim_names[m] : "";
}

_Static_assert(sizeof(enum cfg_level) == sizeof(int), "FT_ENUM writes an int");
_Static_assert(sizeof(enum cfg_aggregate) == sizeof(int), "FT_ENUM writes an int");

/* Parse one expression, placing an error at its column inside the file. */
static int parse_expr(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                      int level, struct expr **out)
{
    if (n->kind != YDOC_SCALAR || ydoc_is_null(n))
        return ydoc_error(c->doc, n, c->err, "'%s': expected an expression, found %s",
                          key, ydoc_describe(n));
    size_t ncols;
    const struct expr_column *cols = expr_level_columns(level, &ncols);
    struct collab_err perr = { 0 };
    int off = 0;
    *out = expr_parse(n->str, cols, ncols, &perr, &off);
    if (*out)
        return 0;
    /* The parser says "COL: message"; put COL where it is in the file when
     * the text sits on one line as written. */
    const char *msg = strstr(perr.msg, ": ");
    msg = msg ? msg + 2 : perr.msg;
    long col = n->col;
    if (!n->multiline && n->style != YDOC_BLOCK && off > 0)
        col += off - 1 + (n->style == YDOC_QUOTED);
    return collab_err_at(c->err, c->doc->file, n->line, col, "'%s': %s", key, msg);
}

static int check_short(struct cfg_ctx *c, const struct ydoc_node *map,
                       struct cfg_indicator *ind)
{
    if (ind->short_label) {
        if (cfg_utf8_len(ind->short_label) > SHORT_MAX)
            return ydoc_error(c->doc, ydoc_get(map, "short"), c->err,
                              "'short': '%s' is longer than %d characters",
                              ind->short_label, SHORT_MAX);
        return 0;
    }
    const char *fallback = cfg_utf8_len(ind->label) <= SHORT_MAX ? ind->label
                         : strlen(ind->id) <= SHORT_MAX ? ind->id : NULL;
    if (!fallback)
        return ydoc_error(c->doc, map, c->err, "missing required key 'short' in "
                          "indicator '%s' (its label and id are longer than %d "
                          "characters)", ind->id, SHORT_MAX);
    ind->short_label = util_xstrdup(fallback);
    return 0;
}

/* The rules that tie keys together (aggregate, per, significance, level). */
static int check_combination(struct cfg_ctx *c, const struct ydoc_node *map,
                             struct ind_raw *r)
{
    struct cfg_indicator *ind = &r->ind;
    if (ind->key_stage != 2 && ind->key_stage != 4)
        return ydoc_error(c->doc, ydoc_get(map, "key_stage"), c->err,
                          "'key_stage': expected 2 or 4, found %d", ind->key_stage);
    if (ind->aggregate == CFG_AGG_RATE && (!r->per || ydoc_is_null(r->per)))
        return ydoc_error(c->doc, ydoc_get(map, "aggregate"), c->err,
                          "aggregate 'rate' needs 'per' (the denominator expression)");
    if (ind->aggregate != CFG_AGG_RATE && r->per && !ydoc_is_null(r->per))
        return ydoc_error(c->doc, r->per, c->err,
                          "'per' is only used with aggregate 'rate'");
    if (ind->significance == CFG_SIG_BINOMIAL && ind->aggregate != CFG_AGG_PERCENT)
        return ydoc_error(c->doc, ydoc_get(map, "significance"), c->err,
                          "significance 'binomial' needs aggregate 'percent'");
    if ((ind->significance == CFG_SIG_NATIONAL_SD || ind->significance == CFG_SIG_PUPIL_SD) &&
        ind->aggregate != CFG_AGG_MEAN)
        return ydoc_error(c->doc, ydoc_get(map, "significance"), c->err,
                          "significance '%s' needs aggregate 'mean'",
                          ind->significance == CFG_SIG_PUPIL_SD ? "pupil_sd" : "national_sd");
    if (ind->headline && ind->level == CFG_LEVEL_RESULT)
        return ydoc_error(c->doc, ydoc_get(map, "headline"), c->err,
                          "'headline' is for pupil and attendance indicators, not "
                          "level 'result'");
    return 0;
}

static int load_indicator(struct cfg_ctx *c, const struct ydoc_node *node, void *obj,
                          void *arg)
{
    struct cfg_indicator *ind = obj;
    const struct cfg *cfg = arg;
    struct ind_raw r = { .ind = { .key_stage = 4, .decimals = 1 } };
    int rc = cfg_walk_map(c, node, ind_fields, sizeof ind_fields / sizeof ind_fields[0],
                          &r, "indicator");
    *ind = r.ind;   /* hand over what was read so the caller frees it */
    if (rc < 0)
        return -1;
    ind->yaml_line = node->line;
    size_t self = (size_t)(ind - cfg->indicators);
    for (size_t i = 0; i < self; i++)
        if (strcmp(cfg->indicators[i].id, ind->id) == 0)
            return ydoc_error(c->doc, ydoc_get(node, "id"), c->err,
                              "duplicate indicator id '%s' (first defined at line %d)",
                              ind->id, cfg->indicators[i].yaml_line);
    if (check_short(c, node, ind) < 0 || check_combination(c, node, &r) < 0)
        return -1;
    if (parse_expr(c, r.expr, "expr", (int)ind->level, &ind->expr) < 0)
        return -1;
    if (ind->aggregate == CFG_AGG_PERCENT && !expr_is_boolean(ind->expr))
        return ydoc_error(c->doc, r.expr, c->err,
                          "aggregate 'percent' needs a true/false expression (a "
                          "comparison, and, or, not); for a 0/1 column write "
                          "'COLUMN = 1'");
    if (ind->aggregate == CFG_AGG_RATE)
        return parse_expr(c, r.per, "per", (int)ind->level, &ind->per);
    return 0;
}

void cfg_free_indicators(struct cfg *cfg)
{
    for (size_t i = 0; i < cfg->nindicators; i++) {
        struct cfg_indicator *ind = &cfg->indicators[i];
        free(ind->id);
        free(ind->label);
        free(ind->short_label);
        free(ind->dfe_measure);
        expr_free(ind->expr);
        expr_free(ind->per);
    }
    free(cfg->indicators);
    cfg->indicators = NULL;
    cfg->nindicators = 0;
}

/* One weight: a plain decimal in [0, SIM_WEIGHT_MAX]. */
static int sim_weight(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                      double *out)
{
    char *end = NULL;
    double w = n->kind == YDOC_SCALAR && !ydoc_is_null(n) ? strtod(n->str, &end) : NAN;
    if (!end || end == n->str || *end || !(w >= 0 && w <= SIM_WEIGHT_MAX))
        return ydoc_error(c->doc, n, c->err, "'%s': expected a weight from 0 to %g, "
                          "found %s", key, SIM_WEIGHT_MAX,
                          n->kind == YDOC_SCALAR ? n->str : ydoc_describe(n));
    *out = w;
    return 0;
}

/* similarity: { fsm6_pct: 2, cohort: 0.5 }: measures left out weigh 1. */
static int load_similarity(struct cfg_ctx *c, const struct ydoc_node *map, struct cfg *cfg)
{
    for (int i = 0; i < CFG_SIM_COUNT; i++)
        cfg->similarity[i] = 1.0;
    if (!map)
        return 0;
    const struct ydoc_node *nodes[CFG_SIM_COUNT] = { NULL };
    if (cfg_walk_map(c, map, sim_fields, CFG_SIM_COUNT, (void *)nodes, "similarity") < 0)
        return -1;
    double total = 0;
    for (int i = 0; i < CFG_SIM_COUNT; i++) {
        if (nodes[i] && sim_weight(c, nodes[i], sim_names[i], &cfg->similarity[i]) < 0)
            return -1;
        total += cfg->similarity[i];
    }
    if (total <= 0)
        return ydoc_error(c->doc, map, c->err, "'similarity': at least one weight must "
                          "be above 0");
    return 0;
}

int cfg_load_indicators(const char *path, struct cfg *cfg, struct collab_err *err)
{
    struct ydoc doc;
    if (ydoc_load_file(path, &doc, err) < 0)
        return -1;
    struct cfg_ctx c = { &doc, err };
    struct file_raw raw = { NULL, NULL };
    cfg_free_indicators(cfg);
    int rc = cfg_expect_root(&c);
    if (rc == 0)
        rc = cfg_walk_map(&c, doc.root, file_fields, 2, &raw, "indicators.yaml");
    if (rc == 0)
        rc = cfg_walk_seq(&c, raw.indicators, "indicators", sizeof *cfg->indicators,
                          (void **)&cfg->indicators, &cfg->nindicators, load_indicator, cfg);
    if (rc == 0)
        rc = load_similarity(&c, raw.similarity, cfg);
    if (rc < 0)
        cfg_free_indicators(cfg);
    ydoc_free(&doc);
    return rc;
}
