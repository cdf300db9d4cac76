/* evaluation.yaml: the partnership self-evaluation framework. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "load.h"

#define NFIELDS(t) (sizeof t / sizeof t[0])

struct eval_file {
    const struct ydoc_node *scale, *areas;
};

static const struct cfg_field file_fields[] = {
    { CFG_FIELD("scale", FT_NODE, offsetof(struct eval_file, scale), 1) },
    { CFG_FIELD("areas", FT_NODE, offsetof(struct eval_file, areas), 1) },
};

struct scale_raw {
    int min, max;
    const struct ydoc_node *labels;
};

static const struct cfg_field scale_fields[] = {
    { CFG_FIELD("min", FT_INT, offsetof(struct scale_raw, min), 1), .min = 0, .max = 100 },
    { CFG_FIELD("max", FT_INT, offsetof(struct scale_raw, max), 1), .min = 0, .max = 100 },
    { CFG_FIELD("labels", FT_NODE, offsetof(struct scale_raw, labels), 1) },
};

struct area_raw {
    struct cfg_eval_area a;
    const struct ydoc_node *themes;
};

static const struct cfg_field area_fields[] = {
    { CFG_FIELD("id", FT_ID, offsetof(struct area_raw, a.id), 1), .rule = &cfg_rule_key },
    { CFG_FIELD("title", FT_STR, offsetof(struct area_raw, a.title), 1) },
    { CFG_FIELD("themes", FT_NODE, offsetof(struct area_raw, themes), 1) },
};

static const struct cfg_field theme_fields[] = {
    { CFG_FIELD("id", FT_ID, offsetof(struct cfg_eval_theme, id), 1), .rule = &cfg_rule_key },
    { CFG_FIELD("title", FT_STR, offsetof(struct cfg_eval_theme, title), 1) },
    { CFG_FIELD("question", FT_STR, offsetof(struct cfg_eval_theme, question), 0) },
};

/* Theme ids key eval_score rows on their own, so they are unique across the
 * whole framework, not just within an area. */
static int theme_seen(const struct cfg_eval *ev, const struct cfg_eval_theme *t)
{
    for (size_t i = 0; i < ev->nareas; i++)
        for (size_t j = 0; j < ev->areas[i].nthemes; j++) {
            const struct cfg_eval_theme *o = &ev->areas[i].themes[j];
            if (o != t && o->id && strcmp(o->id, t->id) == 0)
                return 1;
        }
    return 0;
}

static int load_theme(struct cfg_ctx *c, const struct ydoc_node *node, void *obj,
                      void *arg)
{
    struct cfg_eval_theme *t = obj;
    const struct cfg_eval *ev = arg;
    if (cfg_walk_map(c, node, theme_fields, NFIELDS(theme_fields), t, "theme") < 0)
        return -1;
    if (theme_seen(ev, t))
        return ydoc_error(c->doc, ydoc_get(node, "id"), c->err,
                          "duplicate theme id '%s'", t->id);
    return 0;
}

static int load_area(struct cfg_ctx *c, const struct ydoc_node *node, void *obj,
                     void *arg)
{
    struct cfg_eval_area *a = obj;
    const struct cfg_eval *ev = arg;
    struct area_raw r = { { 0 }, NULL };
    int rc = cfg_walk_map(c, node, area_fields, NFIELDS(area_fields), &r, "area");
    *a = r.a;
    if (rc < 0)
        return -1;
    for (size_t i = 0; &ev->areas[i] != a; i++)
        if (strcmp(ev->areas[i].id, a->id) == 0)
            return ydoc_error(c->doc, ydoc_get(node, "id"), c->err,
                              "duplicate area id '%s'", a->id);
    return cfg_walk_seq(c, r.themes, "themes", sizeof *a->themes, (void **)&a->themes,
                        &a->nthemes, load_theme, (void *)ev);
}

static int load_scale(struct cfg_ctx *c, const struct ydoc_node *node, struct cfg_eval *ev)
{
    struct scale_raw r = { 0, 0, NULL };
    if (cfg_walk_map(c, node, scale_fields, NFIELDS(scale_fields), &r, "scale") < 0)
        return -1;
    if (r.max <= r.min)
        return ydoc_error(c->doc, ydoc_get(node, "max"), c->err,
                          "'max' (%d) must be greater than 'min' (%d)", r.max, r.min);
    ev->scale_min = r.min;
    ev->scale_max = r.max;
    if (cfg_expect_seq(c, r.labels, "labels") < 0)
        return -1;
    size_t want = (size_t)(r.max - r.min + 1);
    if (r.labels->n != want)
        return ydoc_error(c->doc, r.labels, c->err,
                          "'labels': the scale %d to %d needs %zu labels, found %zu",
                          r.min, r.max, want, r.labels->n);
    ev->scale_labels = util_xcalloc(want, sizeof *ev->scale_labels);
    for (size_t i = 0; i < want; i++)
        if (cfg_scalar_str(c, r.labels->kids[i], "labels", &ev->scale_labels[i]) < 0)
            return -1;
    return 0;
}

void cfg_free_eval(struct cfg *cfg)
{
    struct cfg_eval *ev = &cfg->eval;
    if (ev->scale_labels)
        cfg_free_strv(ev->scale_labels, (size_t)(ev->scale_max - ev->scale_min + 1));
    for (size_t i = 0; i < ev->nareas; i++) {
        struct cfg_eval_area *a = &ev->areas[i];
        for (size_t j = 0; j < a->nthemes; j++) {
            free(a->themes[j].id);
            free(a->themes[j].title);
            free(a->themes[j].question);
        }
        free(a->themes);
        free(a->id);
        free(a->title);
    }
    free(ev->areas);
    memset(ev, 0, sizeof *ev);
}

int cfg_load_evaluation(const char *path, struct cfg *cfg, struct collab_err *err)
{
    struct ydoc doc;
    if (ydoc_load_file(path, &doc, err) < 0)
        return -1;
    struct cfg_ctx c = { &doc, err };
    struct eval_file f = { NULL, NULL };
    cfg_free_eval(cfg);
    int rc = cfg_expect_root(&c);
    if (rc == 0)
        rc = cfg_walk_map(&c, doc.root, file_fields, NFIELDS(file_fields), &f,
                          "evaluation.yaml");
    if (rc == 0)
        rc = load_scale(&c, f.scale, &cfg->eval);
    if (rc == 0)
        rc = cfg_walk_seq(&c, f.areas, "areas", sizeof *cfg->eval.areas,
                          (void **)&cfg->eval.areas, &cfg->eval.nareas, load_area,
                          &cfg->eval);
    if (rc < 0)
        cfg_free_eval(cfg);
    ydoc_free(&doc);
    return rc;
}
