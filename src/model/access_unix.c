/* Whether this machine's unix groups enforce the rules of access.c; see
 * access.h (access_unix_findings). A published file is read by the members
 * of its unix group, whatever collab decides: each member must be someone
 * the rules allow, and each person they allow a member. */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "collab/access.h"
#include "collab/util.h"

struct findings {
    void (*fn)(void *, const char *);
    void *arg;
    size_t n;
};

static void found(struct findings *f, struct strbuf *msg)
{
    f->fn(f->arg, sb_str(msg));
    f->n++;
    sb_reset(msg);
}

/* The logins in unix group gr: its listed members and those whose primary
 * group it is (caller frees the array and its strings). */
static char **group_logins(const struct group *gr, size_t *n)
{
    size_t cap = 8;
    char **out = util_xmalloc(cap * sizeof *out);
    gid_t gid = gr->gr_gid;
    *n = 0;
    for (char **m = gr->gr_mem; m && *m; m++) {
        if (*n == cap)
            out = util_xrealloc(out, (cap *= 2) * sizeof *out);
        out[(*n)++] = util_xstrdup(*m);
    }
    setpwent();
    for (struct passwd *pw; (pw = getpwent());) {
        if (pw->pw_gid != gid)
            continue;
        size_t i = 0;
        while (i < *n && strcmp(out[i], pw->pw_name) != 0)
            i++;
        if (i < *n)
            continue;
        if (*n == cap)
            out = util_xrealloc(out, (cap *= 2) * sizeof *out);
        out[(*n)++] = util_xstrdup(pw->pw_name);
    }
    endpwent();
    return out;
}

static int listed(char **logins, size_t n, const char *login)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(logins[i], login) == 0)
            return 1;
    return 0;
}

static void free_logins(char **logins, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(logins[i]);
    free(logins);
}

/* A rule over one file: may(u) says whether user u may read what the
 * file holds; what names the file in messages. */
struct file_rule {
    const struct cfg *cfg;
    const char *gname, *what, *today;
    const struct cfg_group *group;  /* a group store, or NULL */
    long urn;                       /* a school store, or 0 */
};

/* Whether user u needs the file: they may see what it is for. */
static int rule_needs(const struct file_rule *r, const struct cfg_user *u,
                      struct collab_err *why)
{
    return r->urn ? access_pupils(r->cfg, u, r->urn, why)
                  : access_group(r->cfg, r->group, u, r->today, why);
}

/* Whether u may read all the file holds: a group store holds each school's
 * figures, which collab shows to school_level users only. */
static int rule_allows(const struct file_rule *r, const struct cfg_user *u,
                       struct collab_err *why)
{
    return rule_needs(r, u, why) &&
           (r->urn || access_school_level(u, "a group store", why));
}

static void judge_file(const struct file_rule *r, struct findings *f)
{
    struct group *gr = r->gname ? getgrnam(r->gname) : NULL;
    if (!gr)
        return;
    size_t n;
    char **logins = group_logins(gr, &n);
    struct strbuf msg = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const struct cfg_user *u = cfg_user_by_login(r->cfg, logins[i]);
        struct collab_err why = { 0 };
        if (!u)
            sb_addf(&msg, "login '%s' is in unix group '%s' and can read %s with sqlite3, "
                    "but is no user in groups.yaml", logins[i], r->gname, r->what);
        else if (!rule_allows(r, u, &why))
            sb_addf(&msg, "login '%s' is in unix group '%s' and can read %s with sqlite3, "
                    "which collab refuses: %s", logins[i], r->gname, r->what, why.msg);
        if (msg.len)
            found(f, &msg);
    }
    for (size_t i = 0; i < r->cfg->nusers; i++) {
        const struct cfg_user *u = &r->cfg->users[i];
        struct collab_err why = { 0 };
        if (listed(logins, n, u->login) || !rule_needs(r, u, &why))
            continue;
        sb_addf(&msg, "user '%s' may see %s, but login '%s' is not in its unix group "
                "'%s': collab cannot open it for them", u->id, r->what, u->login, r->gname);
        found(f, &msg);
    }
    sb_free(&msg);
    free_logins(logins, n);
}

/* The unix group a group's store is given, as publish gives it. */
static const char *store_group(const struct cfg *cfg, const struct cfg_group *g)
{
    char *missing = g->visibility == CFG_VIS_SCHOOLS ? access_missing_consent(cfg, g) : NULL;
    const char *gname = g->unix_group;
    if (missing) {
        const struct cfg_org *owner = cfg_org(cfg, g->owner);
        gname = owner ? owner->unix_group : NULL;
    }
    free(missing);
    return gname;
}

size_t access_unix_findings(const struct cfg *cfg, const char *today,
                            void (*fn)(void *, const char *), void *arg)
{
    struct findings f = { fn, arg, 0 };
    struct strbuf what = STRBUF_INIT;
    for (size_t i = 0; i < cfg->norgs; i++) {
        const struct cfg_org *o = &cfg->orgs[i];
        if (o->kind != CFG_ORG_SCHOOL)
            continue;
        sb_addf(&what, "the pupils of %s (school-%ld.db)", o->name, o->urn);
        judge_file(&(struct file_rule){ cfg, o->pupil_unix_group, sb_str(&what), today,
                                        NULL, o->urn }, &f);
        sb_reset(&what);
    }
    for (size_t i = 0; i < cfg->ngroups; i++) {
        const struct cfg_group *g = &cfg->groups[i];
        sb_addf(&what, "group '%s' (group-%s.db)", g->id, g->id);
        judge_file(&(struct file_rule){ cfg, store_group(cfg, g), sb_str(&what), today, g,
                                        0 }, &f);
        sb_reset(&what);
    }
    sb_free(&what);
    return f.n;
}
