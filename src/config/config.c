/* The config directory as a whole: loading every file, freeing, lookups. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collab/config.h"
#include "collab/util.h"
#include "load.h"

struct dir_file {
    const char *name;
    int (*load)(const char *path, struct cfg *cfg, struct collab_err *err);
    int required;
};

static const struct dir_file dir_files[] = {
    { "indicators.yaml", cfg_load_indicators, 1 },
    { "filters.yaml", cfg_load_filters, 1 },
    { "groups.yaml", cfg_load_groups, 1 },
    { "evaluation.yaml", cfg_load_evaluation, 0 },
};

static int load_one(const char *dir, const struct dir_file *f, struct cfg *cfg,
                    struct collab_err *err)
{
    char *path = util_path_join(dir, f->name);
    struct stat sb;
    int rc = 0;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT || f->required)
            rc = collab_err_at(err, path, 0, 0, "%s", errno == ENOENT
                               ? "missing (a config directory needs indicators.yaml, "
                                 "filters.yaml and groups.yaml)" : strerror(errno));
    } else if (!S_ISREG(sb.st_mode)) {
        rc = collab_err_at(err, path, 0, 0, "not a regular file");
    } else {
        rc = f->load(path, cfg, err);
    }
    free(path);
    return rc;
}

int cfg_load_dir(const char *dir, struct cfg *cfg, struct collab_err *err)
{
    struct stat sb;
    memset(cfg, 0, sizeof *cfg);
    cfg->policy = (struct cfg_policy)CFG_POLICY_DEFAULTS;
    if (stat(dir, &sb) != 0)
        return collab_err_at(err, dir, 0, 0, "cannot open config directory: %s",
                             strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return collab_err_at(err, dir, 0, 0, "not a directory");
    cfg->dir = util_xstrdup(dir);
    for (size_t i = 0; i < sizeof dir_files / sizeof dir_files[0]; i++)
        if (load_one(dir, &dir_files[i], cfg, err) < 0) {
            cfg_free(cfg);
            return -1;
        }
    return 0;
}

void cfg_free(struct cfg *cfg)
{
    if (!cfg)
        return;
    cfg_free_indicators(cfg);
    cfg_free_filters(cfg);
    cfg_free_groups(cfg);
    cfg_free_eval(cfg);
    free(cfg->dir);
    memset(cfg, 0, sizeof *cfg);
}

void cfg_warn(struct cfg *cfg, const char *msg)
{
    cfg->warnings = util_xrealloc(cfg->warnings, (cfg->nwarnings + 1) * sizeof *cfg->warnings);
    cfg->warnings[cfg->nwarnings++] = util_xstrdup(msg);
}

const struct cfg_indicator *cfg_indicator(const struct cfg *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nindicators; i++)
        if (cfg->indicators[i].id && strcmp(cfg->indicators[i].id, id) == 0)
            return &cfg->indicators[i];
    return NULL;
}

const struct cfg_filter *cfg_filter(const struct cfg *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nfilters; i++)
        if (cfg->filters[i].id && strcmp(cfg->filters[i].id, id) == 0)
            return &cfg->filters[i];
    return NULL;
}

const struct cfg_group *cfg_group(const struct cfg *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->ngroups; i++)
        if (cfg->groups[i].id && strcmp(cfg->groups[i].id, id) == 0)
            return &cfg->groups[i];
    return NULL;
}

const struct cfg_user *cfg_user(const struct cfg *cfg, const char *id)
{
    for (size_t i = 0; i < cfg->nusers; i++)
        if (cfg->users[i].id && strcmp(cfg->users[i].id, id) == 0)
            return &cfg->users[i];
    return NULL;
}

const struct cfg_user *cfg_user_by_login(const struct cfg *cfg, const char *login)
{
    for (size_t i = 0; i < cfg->nusers; i++)
        if (cfg->users[i].login && strcmp(cfg->users[i].login, login) == 0)
            return &cfg->users[i];
    return NULL;
}

int cfg_key_by_text(const void *a, const void *b)
{
    const struct cfg_key *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

int cfg_key_by_num(const void *a, const void *b)
{
    const struct cfg_key *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

size_t cfg_key_first_repeat(const struct cfg_key *k, size_t n, int by_text, size_t *earlier)
{
    size_t best = SIZE_MAX, run = 0;
    for (size_t i = 1; i < n; i++) {
        int same = by_text ? strcmp(k[i].text, k[i - 1].text) == 0 : k[i].num == k[i - 1].num;
        if (!same) {
            run = i;
        } else if (k[i].pos < best) {
            best = k[i].pos;
            *earlier = k[run].pos;
        }
    }
    return best;
}

/* The position of the first key equal to want in a sorted index, or
 * SIZE_MAX. */
static size_t index_find(const struct cfg_key *k, size_t n, const struct cfg_key *want,
                         int (*cmp)(const void *, const void *))
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp(&k[mid], want) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    struct cfg_key probe = k[lo < n ? lo : 0];
    probe.pos = want->pos;
    return lo < n && cmp(&probe, want) == 0 ? k[lo].pos : SIZE_MAX;
}

const struct cfg_org *cfg_org(const struct cfg *cfg, const char *id)
{
    if (cfg->org_by_id) {
        size_t i = index_find(cfg->org_by_id, cfg->norgs, &(struct cfg_key){ id, 0, 0 },
                              cfg_key_by_text);
        return i == SIZE_MAX ? NULL : &cfg->orgs[i];
    }
    for (size_t i = 0; i < cfg->norgs; i++)
        if (cfg->orgs[i].id && strcmp(cfg->orgs[i].id, id) == 0)
            return &cfg->orgs[i];
    return NULL;
}

const struct cfg_org *cfg_school_org(const struct cfg *cfg, long urn)
{
    if (cfg->school_by_urn) {
        size_t i = index_find(cfg->school_by_urn, cfg->nschool_by_urn,
                              &(struct cfg_key){ NULL, urn, 0 }, cfg_key_by_num);
        return i == SIZE_MAX ? NULL : &cfg->orgs[i];
    }
    for (size_t i = 0; i < cfg->norgs; i++)
        if (cfg->orgs[i].kind == CFG_ORG_SCHOOL && cfg->orgs[i].urn == urn)
            return &cfg->orgs[i];
    return NULL;
}

const struct cfg_consent *cfg_consent(const struct cfg *cfg, long urn)
{
    if (cfg->consent_by_urn) {
        size_t i = index_find(cfg->consent_by_urn, cfg->nconsents,
                              &(struct cfg_key){ NULL, urn, 0 }, cfg_key_by_num);
        return i == SIZE_MAX ? NULL : &cfg->consents[i];
    }
    for (size_t i = 0; i < cfg->nconsents; i++)
        if (cfg->consents[i].urn == urn)
            return &cfg->consents[i];
    return NULL;
}

int cfg_school_withdrawn(const struct cfg *cfg, const struct cfg_group *g, long urn,
                         const char *today)
{
    const struct cfg_consent *c = cfg_consent(cfg, urn);
    return g->visibility == CFG_VIS_SCHOOLS && c && c->withdrawn_date &&
           strcmp(c->withdrawn_date, today) <= 0;
}

char *cfg_user_ids(const struct cfg *cfg)
{
    struct strbuf ids = STRBUF_INIT;
    for (size_t i = 0; i < cfg->nusers; i++)
        sb_addf(&ids, "%s%s", i ? ", " : "", cfg->users[i].id);
    return sb_detach(&ids);
}

int cfg_school_signed(const struct cfg *cfg, long urn)
{
    const struct cfg_consent *c = cfg_consent(cfg, urn);
    return c && c->signed_date && *c->signed_date;
}

const char *cfg_group_store_unix_group(const struct cfg *cfg, const struct cfg_group *g,
                                       const char *today)
{
    if (g->visibility != CFG_VIS_SCHOOLS)
        return g->unix_group;
    for (size_t i = 0; i < g->nschools; i++) {
        long urn = g->schools[i];
        if (!cfg_school_signed(cfg, urn) && !cfg_school_withdrawn(cfg, g, urn, today)) {
            const struct cfg_org *owner = g->owner ? cfg_org(cfg, g->owner) : NULL;
            return owner ? owner->unix_group : NULL;
        }
    }
    return g->unix_group;
}

int cfg_filter_value_index(const struct cfg_filter *f, const char *code_or_label)
{
    for (size_t i = 0; i < f->nvalues; i++)
        if (util_strieq(f->values[i].code, code_or_label))
            return (int)i;
    for (size_t i = 0; i < f->nvalues; i++)
        if (util_strieq(f->values[i].label, code_or_label))
            return (int)i;
    return -1;
}
