/* The access rules of DESIGN.md section 5; see access.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collab/access.h"
#include "collab/util.h"

int access_act_as(const struct cfg_user *real, const struct cfg_user *target,
                  struct collab_err *why)
{
    if (real == target || real->role == CFG_ROLE_ADMIN)
        return 1;
    collab_err_set(why, "only an administrator may act as another user "
                   "(you are '%s', asked for '%s')", real->id, target->id);
    return 0;
}

int access_group_listed(const struct cfg_group *g, const struct cfg_user *u,
                        struct collab_err *why)
{
    for (size_t i = 0; i < g->nusers; i++)
        if (strcmp(g->users[i], u->id) == 0)
            return 1;
    if (u->global && u->org && g->owner && strcmp(u->org, g->owner) == 0)
        return 1;
    collab_err_set(why, "user '%s' may not see group '%s': not listed on it and "
                   "not a global user of its owner '%s'", u->id, g->id, g->owner);
    return 0;
}

char *access_missing_consent(const struct cfg *cfg, const struct cfg_group *g)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < g->nschools; i++) {
        if (cfg_school_signed(cfg, g->schools[i]))
            continue;
        const struct cfg_org *o = cfg_school_org(cfg, g->schools[i]);
        if (sb.len)
            sb_add(&sb, ", ");
        sb_addf(&sb, "%s (%ld)", o ? o->name : "school", g->schools[i]);
    }
    return sb.len ? sb_detach(&sb) : NULL;
}

int access_group_consent(const struct cfg *cfg, const struct cfg_group *g,
                         const struct cfg_user *u, struct collab_err *why)
{
    if (g->visibility != CFG_VIS_SCHOOLS)
        return 1;
    if (u->org && g->owner && strcmp(u->org, g->owner) == 0)
        return 1;
    char *missing = access_missing_consent(cfg, g);
    if (!missing)
        return 1;
    collab_err_set(why, "group '%s' is not yet shared with schools: consent is "
                   "missing for %s", g->id, missing);
    free(missing);
    return 0;
}

long access_user_school(const struct cfg *cfg, const struct cfg_user *u)
{
    const struct cfg_org *o = u->org ? cfg_org(cfg, u->org) : NULL;
    return o && o->kind == CFG_ORG_SCHOOL ? o->urn : 0;
}

int access_school_withdrawn(const struct cfg *cfg, const struct cfg_user *u,
                            const char *today, struct collab_err *why)
{
    long urn = access_user_school(cfg, u);
    const struct cfg_consent *c = urn ? cfg_consent(cfg, urn) : NULL;
    if (!c || !c->withdrawn_date || strcmp(c->withdrawn_date, today) > 0)
        return 1;
    collab_err_set(why, "your school (%ld) withdrew its consent on %s, so its users "
                   "no longer see shared group data", urn, c->withdrawn_date);
    return 0;
}

int access_group(const struct cfg *cfg, const struct cfg_group *g,
                 const struct cfg_user *u, const char *today, struct collab_err *why)
{
    /* a school's own group is not shared data: rule 2 does not close it */
    return access_group_listed(g, u, why) &&
           (g->own_school || access_school_withdrawn(cfg, u, today, why)) &&
           access_group_consent(cfg, g, u, why);
}

int access_pupils(const struct cfg *cfg, const struct cfg_user *u, long urn,
                  struct collab_err *why)
{
    if (urn <= 0) {
        collab_err_set(why, "pupil-level data is shown only to a school's own users; "
                       "'%s' belongs to no school", u->id);
        return 0;
    }
    if (access_user_school(cfg, u) != urn) {
        collab_err_set(why, "pupil-level data of school %ld is shown only to that "
                       "school's own users; '%s' is not one", urn, u->id);
        return 0;
    }
    if (!u->pupil_level) {
        collab_err_set(why, "user '%s' does not hold pupil_level access", u->id);
        return 0;
    }
    return 1;
}

int access_school_level(const struct cfg_user *u, const char *what,
                        struct collab_err *why)
{
    if (u->school_level)
        return 1;
    collab_err_set(why, "user '%s' does not hold school_level access: %s shows "
                   "figures school by school, so only group-level figures are "
                   "shown to you", u->id, what);
    return 0;
}

int access_sort(const struct cfg_group *g, int league_tables, const char *what,
                struct collab_err *why)
{
    if (league_tables)
        return 1;
    collab_err_set(why, "league tables are off for group '%s': schools are listed "
                   "in a fixed order and cannot be ordered by %s", g->id, what);
    return 0;
}

void access_today(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d", &tm);
}
