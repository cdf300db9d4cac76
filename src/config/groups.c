/* groups.yaml: organisations, Collaborate groups, users, consent, policy.
 * Sections are read in dependency order (policy, organisations, users,
 * groups, consent) whatever their order in the file, so every reference can
 * be checked against what is already loaded. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "load.h"

#define URN_MAX 99999999L

struct groups_file {
    const struct ydoc_node *policy, *orgs, *groups, *users, *consent;
};

static const struct cfg_field file_fields[] = {
    { CFG_FIELD("policy", FT_NODE, offsetof(struct groups_file, policy), 0) },
    { CFG_FIELD("organisations", FT_NODE, offsetof(struct groups_file, orgs), 1) },
    { CFG_FIELD("groups", FT_NODE, offsetof(struct groups_file, groups), 1) },
    { CFG_FIELD("users", FT_NODE, offsetof(struct groups_file, users), 1) },
    { CFG_FIELD("consent", FT_NODE, offsetof(struct groups_file, consent), 0) },
};

static const char *const solver_names[] = { "equations", "linear_programme", NULL };

static const struct cfg_field policy_fields[] = {
    { CFG_FIELD("min_cohort", FT_INT, offsetof(struct cfg_policy, min_cohort), 0), .min = 1,
      .max = 1000 },
    { CFG_FIELD("league_tables", FT_BOOL, offsetof(struct cfg_policy, league_tables), 0) },
    { CFG_FIELD("protection_width", FT_INT, offsetof(struct cfg_policy, protection_width), 0),
      .min = 1, .max = 100 },
    { CFG_FIELD("protection_solver", FT_ENUM, offsetof(struct cfg_policy, protection_solver), 0),
      .names = solver_names },
};

static const char *const kind_names[] = { "la", "trust", "school", "partnership", NULL };
static const char *const vis_names[] = { "la_only", "schools", NULL };
static const char *const role_names[] = { "analyst", "leader", "subject_leader",
                                          "partnership_lead", "admin", NULL };
static const char *const access_names[] = { "school_level", "pupil_level",
                                            "collaborate" };

#define ORG(m) offsetof(struct cfg_org, m)
static const struct cfg_field org_fields[] = {
    { CFG_FIELD("id", FT_ID, ORG(id), 1), .rule = &cfg_rule_key },
    { CFG_FIELD("name", FT_STR, ORG(name), 1) },
    { CFG_FIELD("kind", FT_ENUM, ORG(kind), 1), .names = kind_names },
    { CFG_FIELD("urn", FT_LONG, ORG(urn), 0), .min = 1, .max = URN_MAX },
    { CFG_FIELD("unix_group", FT_ID, ORG(unix_group), 0), .rule = &cfg_rule_login },
    { CFG_FIELD("pupil_unix_group", FT_ID, ORG(pupil_unix_group), 0),
      .rule = &cfg_rule_login },
    { CFG_FIELD("contact", FT_STR, ORG(contact), 0) },
};

struct user_raw {
    struct cfg_user u;
    const struct ydoc_node *org, *access;
};

#define USR(m) offsetof(struct user_raw, u.m)
static const struct cfg_field user_fields[] = {
    { CFG_FIELD("id", FT_ID, USR(id), 1), .rule = &cfg_rule_user },
    { CFG_FIELD("login", FT_ID, USR(login), 1), .rule = &cfg_rule_login },
    { CFG_FIELD("name", FT_STR, USR(name), 0) },
    { CFG_FIELD("organisation", FT_STR, USR(org), 1) },
    { CFG_FIELD("role", FT_ENUM, USR(role), 1), .names = role_names },
    { CFG_FIELD("global", FT_BOOL, USR(global), 0) },
    { CFG_FIELD("access", FT_NODE, offsetof(struct user_raw, access), 0) },
};

struct group_raw {
    struct cfg_group g;
    const struct ydoc_node *schools, *users, *policy;
};

#define GRP(m) offsetof(struct group_raw, g.m)
static const struct cfg_field group_fields[] = {
    { CFG_FIELD("id", FT_ID, GRP(id), 1), .rule = &cfg_rule_slug },
    { CFG_FIELD("name", FT_STR, GRP(name), 1) },
    { CFG_FIELD("description", FT_STR, GRP(description), 0) },
    { CFG_FIELD("owner", FT_STR, GRP(owner), 1) },
    { CFG_FIELD("visibility", FT_ENUM, GRP(visibility), 0), .names = vis_names },
    { CFG_FIELD("schools", FT_NODE, offsetof(struct group_raw, schools), 1) },
    { CFG_FIELD("users", FT_NODE, offsetof(struct group_raw, users), 0) },
    { CFG_FIELD("unix_group", FT_ID, GRP(unix_group), 0), .rule = &cfg_rule_login },
    { CFG_FIELD("policy", FT_NODE, offsetof(struct group_raw, policy), 0) },
};

#define CON(m) offsetof(struct cfg_consent, m)
static const struct cfg_field consent_fields[] = {
    { CFG_FIELD("urn", FT_LONG, CON(urn), 1), .min = 1, .max = URN_MAX },
    { CFG_FIELD("signed", FT_DATE, CON(signed_date), 0) },
    { CFG_FIELD("signatory", FT_STR, CON(signatory), 0) },
    { CFG_FIELD("withdrawn", FT_DATE, CON(withdrawn_date), 0) },
};

_Static_assert(sizeof(enum cfg_org_kind) == sizeof(int), "FT_ENUM writes an int");
_Static_assert(sizeof(enum cfg_role) == sizeof(int), "FT_ENUM writes an int");
_Static_assert(sizeof(enum cfg_visibility) == sizeof(int), "FT_ENUM writes an int");

#define NFIELDS(t) (sizeof t / sizeof t[0])

/* Below this a hidden count is not hidden (a count of 1 or 2 is a person);
 * below MIN_COHORT_ADVISED the figures break the DfE's own rule (nothing
 * published for 5 pupils or fewer), allowed with a warning. */
#define MIN_COHORT_FLOOR 3
#define MIN_COHORT_ADVISED 6

/* Read a policy mapping over defaults already in *p. */
static int load_policy(struct cfg_ctx *c, const struct ydoc_node *n, struct cfg *cfg,
                       struct cfg_policy *p)
{
    if (cfg_walk_map(c, n, policy_fields, NFIELDS(policy_fields), p, "policy") < 0)
        return -1;
    const struct ydoc_node *v = ydoc_get(n, "min_cohort");
    if (!v || p->min_cohort >= MIN_COHORT_ADVISED)
        return 0;
    if (p->min_cohort < MIN_COHORT_FLOOR)
        return ydoc_error(c->doc, v, c->err, "'min_cohort': %d is too small to hide anyone: "
                          "at least %d (the DfE's rule is %d)", p->min_cohort,
                          MIN_COHORT_FLOOR, MIN_COHORT_ADVISED);
    struct collab_err w = { 0 };
    ydoc_error(c->doc, v, &w, "'min_cohort': %d publishes groups of as few as %d pupils, "
               "which the DfE never does (it hides %d or fewer: min_cohort %d)",
               p->min_cohort, p->min_cohort, MIN_COHORT_ADVISED - 1, MIN_COHORT_ADVISED);
    cfg_warn(cfg, w.msg);
    return 0;
}

/* pupil_unix_group is a school's only, and a group of its own: the same
 * group as unix_group gives the school's pupils to all its staff. */
static int check_pupil_group(struct cfg_ctx *c, const struct ydoc_node *node,
                             const struct cfg_org *o, struct cfg *cfg)
{
    const struct ydoc_node *v = ydoc_get(node, "pupil_unix_group");
    if (!o->pupil_unix_group)
        return 0;
    if (o->kind != CFG_ORG_SCHOOL)
        return ydoc_error(c->doc, v, c->err,
                          "'pupil_unix_group' is only for organisations of kind school");
    if (o->unix_group && strcmp(o->unix_group, o->pupil_unix_group) == 0) {
        struct collab_err w = { 0 };
        ydoc_error(c->doc, v, &w, "organisation '%s': pupil_unix_group is its unix_group "
                   "'%s': all of its staff can read its pupils with sqlite3, pupil_level "
                   "or not", o->id, o->unix_group);
        cfg_warn(cfg, w.msg);
    }
    return 0;
}

static int load_org(struct cfg_ctx *c, const struct ydoc_node *node, void *obj, void *arg)
{
    struct cfg_org *o = obj;
    struct cfg *cfg = arg;
    if (cfg_walk_map(c, node, org_fields, NFIELDS(org_fields), o, "organisation") < 0)
        return -1;
    if (o->kind == CFG_ORG_SCHOOL && o->urn == 0)
        return ydoc_error(c->doc, node, c->err,
                          "missing required key 'urn' in organisation '%s' (kind school)",
                          o->id);
    if (o->kind != CFG_ORG_SCHOOL && o->urn != 0)
        return ydoc_error(c->doc, ydoc_get(node, "urn"), c->err,
                          "'urn' is only for organisations of kind school");
    return check_pupil_group(c, node, o, cfg);
}

/* The organisations by id and the schools by URN (config.h), once all are
 * loaded; the first one (in file order) that repeats an id or a URN is
 * refused at its line. */
static int index_orgs(struct cfg_ctx *c, const struct ydoc_node *seq, struct cfg *cfg)
{
    size_t n = cfg->norgs, ns = 0;
    cfg->org_by_id = util_xcalloc(n + 1, sizeof *cfg->org_by_id);
    cfg->school_by_urn = util_xcalloc(n + 1, sizeof *cfg->school_by_urn);
    for (size_t i = 0; i < n; i++) {
        cfg->org_by_id[i] = (struct cfg_key){ cfg->orgs[i].id, 0, i };
        if (cfg->orgs[i].urn)
            cfg->school_by_urn[ns++] = (struct cfg_key){ NULL, cfg->orgs[i].urn, i };
    }
    cfg->nschool_by_urn = ns;
    qsort(cfg->org_by_id, n, sizeof *cfg->org_by_id, cfg_key_by_text);
    qsort(cfg->school_by_urn, ns, sizeof *cfg->school_by_urn, cfg_key_by_num);
    size_t id_first = 0, urn_first = 0;
    size_t id_dup = cfg_key_first_repeat(cfg->org_by_id, n, 1, &id_first);
    size_t urn_dup = cfg_key_first_repeat(cfg->school_by_urn, ns, 0, &urn_first);
    if (id_dup != SIZE_MAX && id_dup <= urn_dup)
        return ydoc_error(c->doc, ydoc_get(seq->kids[id_dup], "id"), c->err,
                          "duplicate organisation id '%s'", cfg->orgs[id_dup].id);
    if (urn_dup != SIZE_MAX)
        return ydoc_error(c->doc, ydoc_get(seq->kids[urn_dup], "urn"), c->err,
                          "urn %ld is already organisation '%s'", cfg->orgs[urn_dup].urn,
                          cfg->orgs[urn_first].id);
    return 0;
}

static int check_org_ref(struct cfg_ctx *c, const struct cfg *cfg,
                         const struct ydoc_node *n, const char *id)
{
    if (cfg_org(cfg, id))
        return 0;
    const char *ids[256];
    size_t k = cfg->norgs < 256 ? cfg->norgs : 256;
    for (size_t i = 0; i < k; i++)
        ids[i] = cfg->orgs[i].id;
    const char *near = cfg_closest(id, ids, k);
    if (near)
        return ydoc_error(c->doc, n, c->err, "unknown organisation '%.64s' (did you mean "
                          "'%s'?)", id, near);
    return ydoc_error(c->doc, n, c->err, "unknown organisation '%.64s'", id);
}

static int load_access(struct cfg_ctx *c, const struct ydoc_node *n, struct cfg_user *u)
{
    int *flags[] = { &u->school_level, &u->pupil_level, &u->collaborate };
    if (cfg_expect_seq(c, n, "access") < 0)
        return -1;
    for (size_t i = 0; i < n->n; i++) {
        const struct ydoc_node *it = n->kids[i];
        char *s = NULL;
        if (cfg_scalar_str(c, it, "access", &s) < 0)
            return -1;
        size_t k = 0;
        while (k < NFIELDS(access_names) && strcmp(access_names[k], s) != 0)
            k++;
        if (k == NFIELDS(access_names)) {
            const char *near = cfg_closest(s, access_names, NFIELDS(access_names));
            ydoc_error(c->doc, it, c->err, "'access': unknown flag '%.64s' (%s%s%s)", s,
                       near ? "did you mean '" : "expected school_level, pupil_level or "
                       "collaborate", near ? near : "", near ? "'?" : "");
            free(s);
            return -1;
        }
        *flags[k] = 1;
        free(s);
    }
    return 0;
}

static int load_user(struct cfg_ctx *c, const struct ydoc_node *node, void *obj, void *arg)
{
    struct cfg_user *u = obj;
    const struct cfg *cfg = arg;
    struct user_raw r = { { 0 }, NULL, NULL };
    int rc = cfg_walk_map(c, node, user_fields, NFIELDS(user_fields), &r, "user");
    *u = r.u;
    if (rc < 0)
        return -1;
    if (!u->name)
        u->name = util_xstrdup(u->id);
    for (size_t i = 0; &cfg->users[i] != u; i++) {
        if (strcmp(cfg->users[i].id, u->id) == 0)
            return ydoc_error(c->doc, ydoc_get(node, "id"), c->err,
                              "duplicate user id '%s'", u->id);
        if (strcmp(cfg->users[i].login, u->login) == 0)
            return ydoc_error(c->doc, ydoc_get(node, "login"), c->err,
                              "login '%s' is already user '%s'", u->login, cfg->users[i].id);
    }
    if (check_org_ref(c, cfg, ydoc_get(node, "organisation"), u->org) < 0)
        return -1;
    return r.access ? load_access(c, r.access, u) : 0;
}

static int load_group_schools(struct cfg_ctx *c, const struct cfg *cfg,
                              const struct ydoc_node *n, struct cfg_group *g)
{
    if (cfg_expect_seq(c, n, "schools") < 0)
        return -1;
    if (n->n == 0)
        return ydoc_error(c->doc, n, c->err, "'schools': a group needs at least one school");
    g->schools = util_xcalloc(n->n, sizeof *g->schools);
    struct cfg_key *keys = util_xcalloc(n->n, sizeof *keys);
    for (size_t i = 0; i < n->n; i++) {
        long urn;
        if (cfg_scalar_long(c, n->kids[i], "schools", 1, URN_MAX, &urn) < 0) {
            free(keys);
            return -1;
        }
        keys[i] = (struct cfg_key){ NULL, urn, i };
        g->schools[g->nschools++] = urn;
    }
    /* sorted, not each against every other: a national group has thousands */
    qsort(keys, n->n, sizeof *keys, cfg_key_by_num);
    size_t earlier, dup = cfg_key_first_repeat(keys, n->n, 0, &earlier);
    free(keys);
    for (size_t i = 0; i < n->n; i++) {
        if (i == dup)
            return ydoc_error(c->doc, n->kids[i], c->err, "school %ld is listed twice",
                              g->schools[i]);
        if (!cfg_school_org(cfg, g->schools[i]))
            return ydoc_error(c->doc, n->kids[i], c->err, "unknown school %ld (no "
                              "organisation of kind school has this urn)", g->schools[i]);
    }
    return 0;
}

static int load_group_users(struct cfg_ctx *c, const struct cfg *cfg,
                            const struct ydoc_node *n, struct cfg_group *g)
{
    if (cfg_expect_seq(c, n, "users") < 0)
        return -1;
    g->users = util_xcalloc(n->n ? n->n : 1, sizeof *g->users);
    for (size_t i = 0; i < n->n; i++) {
        char *id = NULL;
        if (cfg_scalar_str(c, n->kids[i], "users", &id) < 0)
            return -1;
        g->users[g->nusers++] = id;
        if (!cfg_user(cfg, id))
            return ydoc_error(c->doc, n->kids[i], c->err, "unknown user '%.64s'", id);
        for (size_t j = 0; j + 1 < g->nusers; j++)
            if (strcmp(g->users[j], id) == 0)
                return ydoc_error(c->doc, n->kids[i], c->err,
                                  "user '%s' is listed twice", id);
    }
    return 0;
}

/* A schools group missing a school's consent is published to its owner's
 * unix group alone: the same group as its own changes nothing. */
static void check_owner_group(struct cfg_ctx *c, const struct ydoc_node *node,
                              const struct cfg_group *g, struct cfg *cfg)
{
    const struct cfg_org *owner = cfg_org(cfg, g->owner);
    if (g->visibility != CFG_VIS_SCHOOLS || !g->unix_group || !owner ||
        !owner->unix_group || strcmp(owner->unix_group, g->unix_group) != 0)
        return;
    struct collab_err w = { 0 };
    ydoc_error(c->doc, ydoc_get(node, "unix_group"), &w, "group '%s': its unix_group '%s' "
               "is also its owner's, so a missing or withdrawn consent cannot close its "
               "store to the owner alone (give the owner a unix group of its own)",
               g->id, g->unix_group);
    cfg_warn(cfg, w.msg);
}

static int load_group(struct cfg_ctx *c, const struct ydoc_node *node, void *obj,
                      void *arg)
{
    struct cfg_group *g = obj;
    struct cfg *cfg = arg;
    struct group_raw r = { .g = { .policy = cfg->policy } };
    int rc = cfg_walk_map(c, node, group_fields, NFIELDS(group_fields), &r, "group");
    *g = r.g;
    if (rc < 0)
        return -1;
    for (size_t i = 0; &cfg->groups[i] != g; i++)
        if (strcmp(cfg->groups[i].id, g->id) == 0)
            return ydoc_error(c->doc, ydoc_get(node, "id"), c->err,
                              "duplicate group id '%s'", g->id);
    if (check_org_ref(c, cfg, ydoc_get(node, "owner"), g->owner) < 0 ||
        load_group_schools(c, cfg, r.schools, g) < 0)
        return -1;
    if (r.users && !ydoc_is_null(r.users) && load_group_users(c, cfg, r.users, g) < 0)
        return -1;
    if (r.policy && !ydoc_is_null(r.policy) &&
        load_policy(c, r.policy, cfg, &g->policy) < 0)
        return -1;
    check_owner_group(c, node, g, cfg);
    return 0;
}

static int load_consent(struct cfg_ctx *c, const struct ydoc_node *node, void *obj,
                        void *arg)
{
    struct cfg_consent *k = obj;
    const struct cfg *cfg = arg;
    if (cfg_walk_map(c, node, consent_fields, NFIELDS(consent_fields), k, "consent") < 0)
        return -1;
    if (!cfg_school_org(cfg, k->urn))
        return ydoc_error(c->doc, ydoc_get(node, "urn"), c->err, "unknown school %ld (no "
                          "organisation of kind school has this urn)", k->urn);
    if (k->signed_date && k->withdrawn_date && strcmp(k->withdrawn_date, k->signed_date) < 0)
        return ydoc_error(c->doc, ydoc_get(node, "withdrawn"), c->err,
                          "'withdrawn' (%s) is before 'signed' (%s)", k->withdrawn_date,
                          k->signed_date);
    return 0;
}

void cfg_free_groups(struct cfg *cfg)
{
    for (size_t i = 0; i < cfg->norgs; i++) {
        free(cfg->orgs[i].id);
        free(cfg->orgs[i].name);
        free(cfg->orgs[i].unix_group);
        free(cfg->orgs[i].pupil_unix_group);
        free(cfg->orgs[i].contact);
    }
    for (size_t i = 0; i < cfg->ngroups; i++) {
        struct cfg_group *g = &cfg->groups[i];
        free(g->id);
        free(g->name);
        free(g->description);
        free(g->owner);
        free(g->schools);
        cfg_free_strv(g->users, g->nusers);
        free(g->unix_group);
    }
    for (size_t i = 0; i < cfg->nusers; i++) {
        free(cfg->users[i].id);
        free(cfg->users[i].login);
        free(cfg->users[i].name);
        free(cfg->users[i].org);
    }
    for (size_t i = 0; i < cfg->nconsents; i++) {
        free(cfg->consents[i].signed_date);
        free(cfg->consents[i].signatory);
        free(cfg->consents[i].withdrawn_date);
    }
    /* Every warning so far is one of groups.yaml's (its policy). */
    cfg_free_strv(cfg->warnings, cfg->nwarnings);
    cfg->warnings = NULL;
    cfg->nwarnings = 0;
    free(cfg->org_by_id);
    free(cfg->school_by_urn);
    free(cfg->consent_by_urn);
    cfg->org_by_id = cfg->school_by_urn = cfg->consent_by_urn = NULL;
    cfg->nschool_by_urn = 0;
    free(cfg->orgs);
    free(cfg->groups);
    free(cfg->users);
    free(cfg->consents);
    cfg->orgs = NULL;
    cfg->groups = NULL;
    cfg->users = NULL;
    cfg->consents = NULL;
    cfg->norgs = cfg->ngroups = cfg->nusers = cfg->nconsents = 0;
    cfg->policy = (struct cfg_policy)CFG_POLICY_DEFAULTS;
}

/* The consents by URN; the first repeat refused at its line. */
static int index_consents(struct cfg_ctx *c, const struct ydoc_node *seq, struct cfg *cfg)
{
    size_t n = cfg->nconsents;
    cfg->consent_by_urn = util_xcalloc(n + 1, sizeof *cfg->consent_by_urn);
    for (size_t i = 0; i < n; i++)
        cfg->consent_by_urn[i] = (struct cfg_key){ NULL, cfg->consents[i].urn, i };
    qsort(cfg->consent_by_urn, n, sizeof *cfg->consent_by_urn, cfg_key_by_num);
    size_t earlier, dup = cfg_key_first_repeat(cfg->consent_by_urn, n, 0, &earlier);
    if (dup == SIZE_MAX)
        return 0;
    return ydoc_error(c->doc, ydoc_get(seq->kids[dup], "urn"), c->err,
                      "duplicate consent for school %ld", cfg->consents[dup].urn);
}

static int load_sections(struct cfg_ctx *c, const struct groups_file *f, struct cfg *cfg)
{
    if (f->policy && !ydoc_is_null(f->policy) &&
        load_policy(c, f->policy, cfg, &cfg->policy) < 0)
        return -1;
    if (cfg_walk_seq(c, f->orgs, "organisations", sizeof *cfg->orgs, (void **)&cfg->orgs,
                     &cfg->norgs, load_org, cfg) < 0 || index_orgs(c, f->orgs, cfg) < 0)
        return -1;
    if (cfg_walk_seq(c, f->users, "users", sizeof *cfg->users, (void **)&cfg->users,
                     &cfg->nusers, load_user, cfg) < 0)
        return -1;
    if (cfg_walk_seq(c, f->groups, "groups", sizeof *cfg->groups, (void **)&cfg->groups,
                     &cfg->ngroups, load_group, cfg) < 0)
        return -1;
    if (f->consent && !ydoc_is_null(f->consent) &&
        (cfg_walk_seq(c, f->consent, "consent", sizeof *cfg->consents,
                      (void **)&cfg->consents, &cfg->nconsents, load_consent, cfg) < 0 ||
         index_consents(c, f->consent, cfg) < 0))
        return -1;
    return 0;
}

static void add_own_school_group(struct cfg *cfg, const struct cfg_org *o)
{
    struct strbuf id = STRBUF_INIT;
    sb_addf(&id, CFG_OWN_SCHOOL_PREFIX "%s", o->id);
    size_t nusers = 0;
    for (size_t u = 0; u < cfg->nusers; u++)
        nusers += cfg->users[u].org && strcmp(cfg->users[u].org, o->id) == 0;
    if (!nusers || cfg_group(cfg, sb_str(&id))) {
        sb_free(&id);
        return;
    }
    cfg->groups = util_xrealloc(cfg->groups, (cfg->ngroups + 1) * sizeof *cfg->groups);
    struct cfg_group *g = &cfg->groups[cfg->ngroups++];
    struct strbuf text = STRBUF_INIT;
    sb_addf(&text, "%s on its own, for its staff whatever their groups", o->name);
    *g = (struct cfg_group){
        .id = sb_detach(&id), .name = util_xstrdup(o->name), .description = sb_detach(&text),
        .owner = util_xstrdup(o->id), .visibility = CFG_VIS_LA_ONLY,
        .schools = util_xmalloc(sizeof *g->schools), .nschools = 1,
        .users = util_xcalloc(nusers, sizeof *g->users),
        .unix_group = o->unix_group ? util_xstrdup(o->unix_group) : NULL,
        .policy = cfg->policy, .own_school = 1,
    };
    g->schools[0] = o->urn;
    for (size_t u = 0; u < cfg->nusers; u++)
        if (cfg->users[u].org && strcmp(cfg->users[u].org, o->id) == 0)
            g->users[g->nusers++] = util_xstrdup(cfg->users[u].id);
}

static void add_own_school_groups(struct cfg *cfg)
{
    for (size_t i = 0; i < cfg->norgs; i++)
        if (cfg->orgs[i].kind == CFG_ORG_SCHOOL && cfg->orgs[i].urn > 0)
            add_own_school_group(cfg, &cfg->orgs[i]);
}

int cfg_load_groups(const char *path, struct cfg *cfg, struct collab_err *err)
{
    struct ydoc doc;
    if (ydoc_load_file(path, &doc, err) < 0)
        return -1;
    struct cfg_ctx c = { &doc, err };
    struct groups_file f = { 0 };
    cfg_free_groups(cfg);
    int rc = cfg_expect_root(&c);
    if (rc == 0)
        rc = cfg_walk_map(&c, doc.root, file_fields, NFIELDS(file_fields), &f,
                          "groups.yaml");
    if (rc == 0)
        rc = load_sections(&c, &f, cfg);
    if (rc == 0)
        add_own_school_groups(cfg);
    if (rc < 0)
        cfg_free_groups(cfg);
    ydoc_free(&doc);
    return rc;
}
