/* Whether this machine's unix groups enforce the rules of access.c; see
 * access.h (access_unix_findings). A published file is read by the members
 * of its unix group, whatever collab decides: each member must be someone
 * the rules allow, and each person they allow a member. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The machine's logins and primary groups, read once per report: a
 * file's readers are looked up for every file, and the password database
 * may be long (or remote). */
struct accounts {
    char **login;
    gid_t *gid;
    size_t n;
};

static void accounts_load(struct accounts *a)
{
    size_t cap = 64;
    a->login = util_xmalloc(cap * sizeof *a->login);
    a->gid = util_xmalloc(cap * sizeof *a->gid);
    a->n = 0;
    setpwent();
    for (struct passwd *pw; (pw = getpwent());) {
        if (a->n == cap) {
            cap *= 2;
            a->login = util_xrealloc(a->login, cap * sizeof *a->login);
            a->gid = util_xrealloc(a->gid, cap * sizeof *a->gid);
        }
        a->login[a->n] = util_xstrdup(pw->pw_name);
        a->gid[a->n++] = pw->pw_gid;
    }
    endpwent();
}

static void accounts_free(struct accounts *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->login[i]);
    free(a->login);
    free(a->gid);
}

/* The logins in unix group gr: its listed members and those whose primary
 * group it is (caller frees the array and its strings). */
static char **group_logins(const struct accounts *a, const struct group *gr, size_t *n)
{
    size_t cap = 8;
    char **out = util_xmalloc(cap * sizeof *out);
    *n = 0;
    for (char **m = gr->gr_mem; m && *m; m++) {
        if (*n == cap)
            out = util_xrealloc(out, (cap *= 2) * sizeof *out);
        out[(*n)++] = util_xstrdup(*m);
    }
    size_t listed_members = *n;
    for (size_t k = 0; k < a->n; k++) {
        if (a->gid[k] != gr->gr_gid)
            continue;
        size_t i = 0;
        while (i < listed_members && strcmp(out[i], a->login[k]) != 0)
            i++;
        if (i < listed_members)
            continue;
        if (*n == cap)
            out = util_xrealloc(out, (cap *= 2) * sizeof *out);
        out[(*n)++] = util_xstrdup(a->login[k]);
    }
    return out;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
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
    const struct accounts *accounts;
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
    char **logins = group_logins(r->accounts, gr, &n);
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

size_t access_unix_findings(const struct cfg *cfg, const char *today,
                            void (*fn)(void *, const char *), void *arg)
{
    struct findings f = { fn, arg, 0 };
    struct strbuf what = STRBUF_INIT;
    struct accounts acc;
    accounts_load(&acc);
    for (size_t i = 0; i < cfg->norgs; i++) {
        const struct cfg_org *o = &cfg->orgs[i];
        if (o->kind != CFG_ORG_SCHOOL)
            continue;
        sb_addf(&what, "the pupils of %s (school-%ld.db)", o->name, o->urn);
        judge_file(&(struct file_rule){ .cfg = cfg, .accounts = &acc,
                                        .gname = o->pupil_unix_group, .what = sb_str(&what),
                                        .today = today, .urn = o->urn }, &f);
        sb_reset(&what);
    }
    for (size_t i = 0; i < cfg->ngroups; i++) {
        const struct cfg_group *g = &cfg->groups[i];
        sb_addf(&what, "group '%s' (group-%s.db)", g->id, g->id);
        judge_file(&(struct file_rule){ .cfg = cfg, .accounts = &acc,
                                        .gname = cfg_group_store_unix_group(cfg, g, today),
                                        .what = sb_str(&what), .today = today, .group = g },
                   &f);
        sb_reset(&what);
    }
    accounts_free(&acc);
    sb_free(&what);
    return f.n;
}

/* ---- who can read and write each file of a data directory ---- */

/* The rule for a store by its name (group-ID.db and eval-ID.db: the
 * group's; school-URN.db: the school's pupils), or 0 when none applies. */
static int rule_of(const struct cfg *cfg, const struct accounts *acc, const char *name,
                   const char *today, struct file_rule *r)
{
    /* a store's -wal, -shm and -journal hold what it holds */
    const char *db = strstr(name, ".db");
    char id[256];
    char *end;
    *r = (struct file_rule){ .cfg = cfg, .accounts = acc, .what = name, .today = today };
    if (!db || (db[3] && db[3] != '-'))
        return 0;
    if (strncmp(name, "school-", 7) == 0) {
        r->urn = strtol(name + 7, &end, 10);
        return end == db && r->urn > 0;
    }
    const char *rest = strncmp(name, "group-", 6) == 0 ? name + 6
                     : strncmp(name, "eval-", 5) == 0 ? name + 5 : NULL;
    if (!rest || (size_t)(db - rest) >= sizeof id)
        return 0;
    snprintf(id, sizeof id, "%.*s", (int)(db - rest), rest);
    r->group = cfg_group(cfg, id);
    return r->group != NULL;
}

/* The logins a mode bit pair gives: the owner with `own`, the group's
 * members with `grp`; "every local user" with `oth`. Sorted, owner first. */
static void who(const struct accounts *acc, const struct stat *sb, mode_t own, mode_t grp, mode_t oth,
                struct strbuf *out, char ***logins, size_t *n)
{
    struct passwd *pw = getpwuid(sb->st_uid);
    struct group *gr = (sb->st_mode & grp) ? getgrgid(sb->st_gid) : NULL;
    *n = 0;
    *logins = gr ? group_logins(acc, gr, n) : util_xcalloc(1, sizeof **logins);
    qsort(*logins, *n, sizeof **logins, by_name);
    if (sb->st_mode & oth) {
        sb_add(out, "every local user");
        return;
    }
    const char *owner = pw ? pw->pw_name : NULL;
    if (owner && (sb->st_mode & own))
        sb_add(out, owner);
    for (size_t i = 0; i < *n; i++)
        if (!owner || strcmp((*logins)[i], owner) != 0 || !(sb->st_mode & own))
            sb_addf(out, "%s%s", out->len ? ", " : "", (*logins)[i]);
    if (!out->len)
        sb_add(out, "no one but root");
}

/* One line for a file: mode, owner:group, readers, writers, and readers
 * the rules refuse. */
static void describe_file(const struct cfg *cfg, const struct accounts *acc,
                          const char *today, const char *dir, const char *name,
                          struct strbuf *line)
{
    char *path = util_path_join(dir, name);
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        free(path);
        return;
    }
    free(path);
    struct passwd *pw = getpwuid(sb.st_uid);
    struct group *gr = getgrgid(sb.st_gid);
    sb_addf(line, "%s %04o %s:%s read: ", name, (unsigned)(sb.st_mode & 07777),
            pw ? pw->pw_name : "?", gr ? gr->gr_name : "?");
    char **readers, **writers;
    size_t nr, nw;
    who(acc, &sb, S_IRUSR, S_IRGRP, S_IROTH, line, &readers, &nr);
    sb_add(line, "; write: ");
    who(acc, &sb, S_IWUSR, S_IWGRP, S_IWOTH, line, &writers, &nw);
    struct file_rule r;
    if (rule_of(cfg, acc, name, today, &r)) {
        struct strbuf refused = STRBUF_INIT;
        struct collab_err why = { 0 };
        if (sb.st_mode & S_IROTH)
            sb_add(&refused, "every local user");
        for (size_t i = 0; !(sb.st_mode & S_IROTH) && i < nr; i++) {
            const struct cfg_user *u = cfg_user_by_login(cfg, readers[i]);
            if (!u || !rule_allows(&r, u, &why))
                sb_addf(&refused, "%s%s", refused.len ? ", " : "", readers[i]);
        }
        if (refused.len)
            sb_addf(line, "; can read but the rules refuse: %s", sb_str(&refused));
        sb_free(&refused);
    }
    free_logins(readers, nr);
    free_logins(writers, nw);
}

static int store_file(const struct dirent *d)
{
    const char *n = d->d_name;
    return n[0] != '.' && (strstr(n, ".db") != NULL);
}

int access_file_report(const struct cfg *cfg, const char *data_dir, const char *today,
                       void (*fn)(void *, const char *), void *arg, struct collab_err *err)
{
    struct dirent **names = NULL;
    int n = scandir(data_dir, &names, store_file, alphasort);
    if (n < 0)
        return collab_err_set(err, "%s: cannot list: %s", data_dir, strerror(errno));
    struct strbuf line = STRBUF_INIT;
    struct stat sb;
    if (stat(data_dir, &sb) == 0) {
        mode_t m = sb.st_mode;
        sb_addf(&line, "%s/ %04o: %s", data_dir, (unsigned)(m & 07777),
                !(m & S_IXOTH) ? (m & S_IXGRP) ? "its owner and group pass through"
                                               : "only its owner passes through"
                : (m & S_IROTH) ? "every local user passes through and lists it"
                                : "every local user passes through; only its owner lists it");
        fn(arg, sb_str(&line));
        sb_reset(&line);
    }
    struct accounts acc;
    accounts_load(&acc);
    for (int i = 0; i < n; i++) {
        describe_file(cfg, &acc, today, data_dir, names[i]->d_name, &line);
        if (line.len)
            fn(arg, sb_str(&line));
        sb_reset(&line);
        free(names[i]);
    }
    accounts_free(&acc);
    free(names);
    sb_free(&line);
    return 0;
}
