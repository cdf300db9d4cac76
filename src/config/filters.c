/* filters.yaml: the pupil-group dimensions and their TUI keys. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "collab/model.h"
#include "collab/util.h"
#include "load.h"

#define MAX_VALUES 9

/* Keys the TUI keeps for itself (docs/FORMATS.md). */
static const char reserved_keys[] = "q?/:012345yYhjklnNxcs[]m";

static const char *const column_names[] = { "fsm6", "eal", "sen", "gender",
                                            "prior_band", "cla", NULL };

/* What each column can hold in the store (src/store/schema.c), so that a
 * value that could never match is caught here rather than shown as empty. */
static const struct { const char *column, *domain; } column_domains[] = {
    { "fsm6", "0 1" }, { "eal", "0 1" }, { "cla", "0 1" }, { "sen", "N K E" },
    { "gender", "F M" }, { "prior_band", "L M H" },
};

static int in_domain(const char *column, const char *match, const char **domain)
{
    for (size_t i = 0; i < sizeof column_domains / sizeof column_domains[0]; i++) {
        if (strcmp(column_domains[i].column, column) != 0)
            continue;
        *domain = column_domains[i].domain;
        const char *d = *domain;
        size_t n = strlen(match);
        for (const char *p = d; *p; p += strcspn(p, " "), p += *p == ' ')
            if (strcspn(p, " ") == n && strncmp(p, match, n) == 0)
                return 1;
        return 0;
    }
    return 1;
}

struct filter_raw {
    struct cfg_filter f;
    const struct ydoc_node *values;
};

#define FLT(m) offsetof(struct filter_raw, f.m)
static const struct cfg_field filter_fields[] = {
    { CFG_FIELD("id", FT_ID, FLT(id), 1), .rule = &cfg_rule_name },
    { CFG_FIELD("key", FT_STR, FLT(key), 1) },
    { CFG_FIELD("label", FT_STR, FLT(label), 1) },
    { CFG_FIELD("column", FT_CHOICE, FLT(column), 1), .names = column_names },
    { CFG_FIELD("values", FT_NODE, offsetof(struct filter_raw, values), 1) },
};

static const struct cfg_field value_fields[] = {
    { CFG_FIELD("code", FT_ID, offsetof(struct cfg_filter_value, code), 1), .rule = &cfg_rule_code },
    { CFG_FIELD("label", FT_STR, offsetof(struct cfg_filter_value, label), 0) },
    { CFG_FIELD("match", FT_STR, offsetof(struct cfg_filter_value, match), 1) },
};

static const struct cfg_field file_fields[] = {
    { CFG_FIELD("filters", FT_NODE, 0, 1) },
};

static int load_value(struct cfg_ctx *c, const struct ydoc_node *node, void *obj,
                      void *arg)
{
    struct cfg_filter_value *v = obj;
    const struct cfg_filter *f = arg;
    if (cfg_walk_map(c, node, value_fields, sizeof value_fields / sizeof value_fields[0],
                     v, "filter value") < 0)
        return -1;
    if (!v->label)
        v->label = util_xstrdup(v->code);
    const char *domain = "";
    if (!in_domain(f->column, v->match, &domain))
        return ydoc_error(c->doc, ydoc_get(node, "match"), c->err,
                          "'match': '%s' never occurs in column %s (values: %s)",
                          v->match, f->column, domain);
    for (size_t i = 0; &f->values[i] != v; i++)
        if (util_strieq(f->values[i].code, v->code))
            return ydoc_error(c->doc, ydoc_get(node, "code"), c->err,
                              "duplicate value code '%s' in filter '%s'", v->code, f->id);
    return 0;
}

static int check_key(struct cfg_ctx *c, const struct ydoc_node *node,
                     const struct cfg *cfg, const struct cfg_filter *f)
{
    const struct ydoc_node *kn = ydoc_get(node, "key");
    const char *k = f->key;
    if (strlen(k) != 1 || k[0] <= ' ' || k[0] > '~')
        return ydoc_error(c->doc, kn, c->err,
                          "'key': expected one printable character, found '%.16s'", k);
    if (strchr(reserved_keys, k[0]))
        return ydoc_error(c->doc, kn, c->err,
                          "'key': '%s' is reserved by the TUI (reserved: q ? / : 0 1 2 3 "
                          "4 5 y Y h j k l n N x c s [ ] m)", k);
    for (size_t i = 0; &cfg->filters[i] != f; i++)
        if (strcmp(cfg->filters[i].key, k) == 0)
            return ydoc_error(c->doc, kn, c->err,
                              "'key': '%s' is already the key of filter '%s'", k,
                              cfg->filters[i].id);
    return 0;
}

static int load_filter(struct cfg_ctx *c, const struct ydoc_node *node, void *obj,
                       void *arg)
{
    struct cfg_filter *f = obj;
    const struct cfg *cfg = arg;
    struct filter_raw r = { { 0 }, NULL };
    size_t self = (size_t)(f - cfg->filters);
    if (self >= MODEL_MAX_DIMS)
        return ydoc_error(c->doc, node, c->err, "too many filters (at most %d)",
                          MODEL_MAX_DIMS);
    int rc = cfg_walk_map(c, node, filter_fields,
                          sizeof filter_fields / sizeof filter_fields[0], &r, "filter");
    *f = r.f;
    if (rc < 0)
        return -1;
    for (size_t i = 0; i < self; i++)
        if (strcmp(cfg->filters[i].id, f->id) == 0)
            return ydoc_error(c->doc, ydoc_get(node, "id"), c->err,
                              "duplicate filter id '%s'", f->id);
    if (check_key(c, node, cfg, f) < 0)
        return -1;
    if (cfg_walk_seq(c, r.values, "values", sizeof *f->values, (void **)&f->values,
                     &f->nvalues, load_value, f) < 0)
        return -1;
    if (f->nvalues == 0 || f->nvalues > MAX_VALUES)
        return ydoc_error(c->doc, r.values, c->err,
                          "'values': expected 1 to %d values, found %zu", MAX_VALUES,
                          f->nvalues);
    return 0;
}

void cfg_free_filters(struct cfg *cfg)
{
    for (size_t i = 0; i < cfg->nfilters; i++) {
        struct cfg_filter *f = &cfg->filters[i];
        for (size_t j = 0; j < f->nvalues; j++) {
            free(f->values[j].code);
            free(f->values[j].label);
            free(f->values[j].match);
        }
        free(f->values);
        free(f->id);
        free(f->key);
        free(f->label);
        free(f->column);
    }
    free(cfg->filters);
    cfg->filters = NULL;
    cfg->nfilters = 0;
}

int cfg_load_filters(const char *path, struct cfg *cfg, struct collab_err *err)
{
    struct ydoc doc;
    if (ydoc_load_file(path, &doc, err) < 0)
        return -1;
    struct cfg_ctx c = { &doc, err };
    const struct ydoc_node *list = NULL;
    cfg_free_filters(cfg);
    int rc = cfg_expect_root(&c);
    if (rc == 0)
        rc = cfg_walk_map(&c, doc.root, file_fields, 1, &list, "filters.yaml");
    if (rc == 0)
        rc = cfg_walk_seq(&c, list, "filters", sizeof *cfg->filters,
                          (void **)&cfg->filters, &cfg->nfilters, load_filter, cfg);
    if (rc < 0)
        cfg_free_filters(cfg);
    ydoc_free(&doc);
    return rc;
}
