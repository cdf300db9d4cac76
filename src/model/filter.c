/* Filter states: parsing "DIM=VALUE", chips, and the fkey of a group store. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/model.h"
#include "collab/util.h"
#include "model_internal.h"

static char *allowed_dimensions(const struct cfg *cfg)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t d = 0; d < cfg->nfilters; d++)
        sb_addf(&sb, "%s%s", d ? ", " : "", cfg->filters[d].id);
    if (!sb.len)
        sb_add(&sb, "none (filters.yaml defines no filter)");
    return sb_detach(&sb);
}

static char *allowed_values(const struct cfg_filter *f)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t v = 0; v < f->nvalues; v++)
        sb_addf(&sb, "%s (%s), ", f->values[v].code, f->values[v].label);
    sb_add(&sb, "all");
    return sb_detach(&sb);
}

int model_filter_parse(const struct cfg *cfg, const char *spec,
                       struct model_filter *f, struct collab_err *err)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !eq[1]) {
        char *dims = allowed_dimensions(cfg);
        collab_err_set(err, "filter '%s' is not DIM=VALUE (dimensions: %s)", spec, dims);
        free(dims);
        return -1;
    }
    char *dim = util_xstrndup(spec, (size_t)(eq - spec));
    const char *value = eq + 1;
    size_t d = 0;
    while (d < cfg->nfilters && !util_strieq(cfg->filters[d].id, dim))
        d++;
    if (d == cfg->nfilters || d >= MODEL_MAX_DIMS) {
        char *dims = allowed_dimensions(cfg);
        collab_err_set(err, "unknown filter dimension '%s' (dimensions: %s)", dim, dims);
        free(dims);
        free(dim);
        return -1;
    }
    free(dim);
    const struct cfg_filter *flt = &cfg->filters[d];
    if (util_strieq(value, "all")) {
        f->choice[d] = 0;
        return 0;
    }
    int v = cfg_filter_value_index(flt, value);
    if (v < 0) {
        char *vals = allowed_values(flt);
        collab_err_set(err, "unknown value '%s' for filter %s (values: %s)", value,
                       flt->id, vals);
        free(vals);
        return -1;
    }
    f->choice[d] = 1 + v;
    return 0;
}

const char *model_filter_chip(const struct cfg *cfg, const struct model_filter *f, size_t d)
{
    if (d >= cfg->nfilters || d >= MODEL_MAX_DIMS || f->choice[d] <= 0 ||
        (size_t)f->choice[d] > cfg->filters[d].nvalues)
        return NULL;
    return cfg->filters[d].values[f->choice[d] - 1].label;
}

char *mdl_filter_text(const struct model *m, const struct model_filter *f)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t d = 0; d < m->cfg->nfilters && d < MODEL_MAX_DIMS; d++) {
        const char *chip = model_filter_chip(m->cfg, f, d);
        if (chip)
            sb_addf(&sb, "%s%s", sb.len ? ", " : "", chip);
    }
    return sb_detach(&sb);
}

int model_disadvantaged_filter(const struct cfg *cfg, int *yes, int *no)
{
    for (size_t d = 0; d < cfg->nfilters && d < MODEL_MAX_DIMS; d++) {
        const struct cfg_filter *f = &cfg->filters[d];
        if (strcmp(f->column, "fsm6") != 0)
            continue;
        *yes = *no = -1;
        for (size_t i = 0; i < f->nvalues; i++) {
            if (strcmp(f->values[i].match, "1") == 0)
                *yes = (int)i;
            else if (strcmp(f->values[i].match, "0") == 0)
                *no = (int)i;
        }
        if (*yes >= 0 && *no >= 0)
            return (int)d;
    }
    return -1;
}

int mdl_disadvantaged_dim(const struct model *m, int *yes, int *no)
{
    int d = model_disadvantaged_filter(m->cfg, yes, no);
    return d >= 0 && m->strides[d] != 0 ? d : -1;
}

int mdl_comparator(const struct model *m, struct mdl_view_ctx *v, struct collab_err *err)
{
    v->nat_shift = 0;
    v->others_label = NULL;
    snprintf(v->nat_name, sizeof v->nat_name, "national");
    if (!v->q->against_others)
        return 0;
    int yes, no, d = mdl_disadvantaged_dim(m, &yes, &no);
    if (d < 0)
        return collab_err_set(err, "comparing with other pupils nationally needs a "
                              "published filter on column fsm6 with values matching 1 "
                              "and 0 (disadvantaged or not)");
    const struct cfg_filter *f = &m->cfg->filters[d];
    if (v->q->filter.choice[d] != yes + 1)
        return collab_err_set(err, "comparing with other pupils nationally is the DfE's "
                              "convention for disadvantaged pupils: filter %s=%s first",
                              f->id, f->values[yes].code);
    v->nat_shift = (long)(no - yes) * m->strides[d];
    v->others_label = f->values[no].label;
    snprintf(v->nat_name, sizeof v->nat_name, "England's %s pupils", f->values[no].label);
    return 0;
}

char *mdl_comparator_text(struct model *m, const struct mdl_view_ctx *v)
{
    struct strbuf none = STRBUF_INIT, sb = STRBUF_INIT;
    for (size_t i = 0; i < m->ninds; i++) {
        const struct mdl_ind *ind = &m->inds[i];
        double nat, sd;
        if (!mdl_is_headline(ind, v->ks) ||
            mdl_national(m, v->year, ind->id, v->fkey + v->nat_shift, &nat, &sd))
            continue;
        sb_addf(&none, "%s%s", none.len ? ", " : "", ind->short_label ? ind->short_label
                                                                       : ind->id);
    }
    /* short: a pane shows one line of it, as wide as the screen */
    if (v->others_label)
        sb_addf(&sb, "National: England's %s pupils, the DfE's gap.", v->others_label);
    else
        sb_addf(&sb, "National: England, same pupils (%s).", v->filter_text);
    if (none.len)
        sb_addf(&sb, " Not compared, none published: %s.", sb_str(&none));
    sb_free(&none);
    return sb_detach(&sb);
}

long mdl_fkey(const struct model *m, const struct model_filter *f, struct collab_err *err)
{
    long fkey = 0;
    for (size_t d = 0; d < MODEL_MAX_DIMS; d++) {
        if (f->choice[d] == 0)
            continue;
        if (d >= m->cfg->nfilters || (size_t)f->choice[d] > m->cfg->filters[d].nvalues)
            return collab_err_set(err, "filter choice out of range");
        if (m->strides[d] == 0)
            return collab_err_set(err, "filter %s is not published in the store of "
                                  "group '%s': publish it again", m->cfg->filters[d].id,
                                  m->group->id);
        fkey += (long)f->choice[d] * m->strides[d];
    }
    return fkey;
}
