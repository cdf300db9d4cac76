/* `collab publish` below the command line: which files to build, building
 * each at a temporary name, then renaming them all into place. Every file of
 * a run is complete and fsync'd before the first rename, so a failure leaves
 * every previous store as it was. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collab/publish.h"
#include "collab/store.h"
#include "collab/util.h"
#include "publish_internal.h"

#define TMP_MARK ".db.tmp-"

/* A file built at tmp, to be renamed to final. */
struct pending {
    char *tmp;
    char *final;
};

struct run {
    const struct cfg *cfg;
    const struct publish_opts *opts;
    struct publish_result *res;
    sqlite3 *db;                /* the source store */
    char today[16];
    char generation[48];        /* this run's mark in every store it writes */
    struct pending *pending;
    size_t npending;
    struct strbuf unknown_groups;   /* ", "-separated, for one warning */
    struct strbuf no_pupil_group;   /* URNs whose school has none, likewise */
    char *templates[STORE_EVAL + 1];   /* an empty store of each kind, made once */
};

void publish_result_free(struct publish_result *res)
{
    for (size_t i = 0; i < res->nfiles; i++)
        free(res->files[i].name);
    for (size_t i = 0; i < res->nwarnings; i++)
        free(res->warnings[i]);
    free(res->files);
    free(res->warnings);
    memset(res, 0, sizeof *res);
}

__attribute__((format(printf, 2, 3)))
static void warn(struct run *r, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&sb, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < r->res->nwarnings; i++)
        if (strcmp(r->res->warnings[i], sb_str(&sb)) == 0) {
            sb_free(&sb);
            return;
        }
    r->res->warnings = util_xrealloc(r->res->warnings,
                                     (r->res->nwarnings + 1) * sizeof(char *));
    r->res->warnings[r->res->nwarnings++] = sb_detach(&sb);
}

static struct publish_file *add_file(struct run *r, enum publish_file_kind kind,
                                     const char *path)
{
    const char *slash = strrchr(path, '/');
    r->res->files = util_xrealloc(r->res->files, (r->res->nfiles + 1) * sizeof *r->res->files);
    struct publish_file *f = &r->res->files[r->res->nfiles++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->name = util_xstrdup(slash ? slash + 1 : path);
    return f;
}

static void note_unknown_group(struct run *r, const char *gname)
{
    const char *list = sb_str(&r->unknown_groups);
    size_t n = strlen(gname);
    for (const char *p = list; (p = strstr(p, gname)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return;
    if (r->unknown_groups.len)
        sb_add(&r->unknown_groups, ", ");
    sb_add(&r->unknown_groups, gname);
}

static void note_no_pupil_group(struct run *r, long urn)
{
    sb_addf(&r->no_pupil_group, "%s%ld", r->no_pupil_group.len ? ", " : "", urn);
}

/* Give path to unix group gname with group_mode, or keep it owner-only
 * (with a warning) when the group does not exist or cannot be used. */
static int set_access(struct run *r, const char *path, const char *gname,
                      mode_t group_mode, struct collab_err *err)
{
    mode_t mode = 0600;
    if (gname && *gname) {
        struct group *gr = getgrnam(gname);
        if (!gr)
            note_unknown_group(r, gname);
        else if (chown(path, (uid_t)-1, gr->gr_gid) != 0)
            warn(r, "cannot give files to unix group '%s' (%s): they are readable "
                 "by their owner only", gname, strerror(errno));
        else
            mode = group_mode;
    }
    if (chmod(path, mode) != 0)
        return collab_err_set(err, "%s: cannot set mode: %s", path, strerror(errno));
    return 0;
}

static int fsync_path(const char *path, int dir, struct collab_err *err)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return collab_err_set(err, "%s: cannot sync: %s", path, strerror(e));
    }
    close(fd);
    return 0;
}

static int any_unix_group(const struct cfg *cfg)
{
    for (size_t i = 0; i < cfg->ngroups; i++)
        if (cfg->groups[i].unix_group && getgrnam(cfg->groups[i].unix_group))
            return 1;
    for (size_t i = 0; i < cfg->norgs; i++)
        if (cfg->orgs[i].unix_group && getgrnam(cfg->orgs[i].unix_group))
            return 1;
    return 0;
}

static int ensure_data_dir(const struct run *r, struct collab_err *err)
{
    const char *dir = r->opts->data_dir;
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return collab_err_set(err, "%s: not a directory", dir);
        return 0;
    }
    /* with unix groups, the members of each store's group must reach it:
     * anyone may pass through the directory, no one but its owner list it
     * (each store's own mode and group say who reads it) */
    mode_t mode = any_unix_group(r->cfg) ? 0711 : 0700;
    if (util_mkdir_p(dir, mode) != 0 || chmod(dir, mode) != 0)
        return collab_err_set(err, "%s: cannot create data directory: %s", dir, strerror(errno));
    return 0;
}

/* Temporary files of publishes that were killed: their process is gone. */
static void remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d)
        return;
    while ((de = readdir(d))) {
        const char *mark = strstr(de->d_name, TMP_MARK);
        long pid;
        if (de->d_name[0] != '.' || !mark)
            continue;
        char *digits = util_xstrdup(mark + strlen(TMP_MARK));
        char *dash = strchr(digits, '-');
        if (dash)
            *dash = '\0';
        if (util_parse_long(digits, &pid) == 0 && pid > 0 &&
            kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            char *p = util_path_join(dir, de->d_name);
            unlink(p);
            free(p);
        }
        free(digits);
    }
    closedir(d);
}

static char *tmp_path(const struct run *r, const char *final)
{
    const char *slash = strrchr(final, '/');
    struct strbuf sb = STRBUF_INIT;
    /* final ends in ".db", so this ends in TMP_MARK and the pid */
    sb_addf(&sb, ".%s.tmp-%ld", slash ? slash + 1 : final, (long)getpid());
    char *p = util_path_join(r->opts->data_dir, sb_str(&sb));
    sb_free(&sb);
    return p;
}

/* Copy the file at from to a new file at to (mode 0600, must not exist). */
static int copy_file(const char *from, const char *to, struct collab_err *err)
{
    char buf[65536];
    ssize_t n = 0;
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int rc = out < 0 ? -1 : 0;
    while (rc == 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            rc = -1;
    if (n < 0)
        rc = -1;
    if (out >= 0 && close(out) != 0)
        rc = -1;
    if (rc != 0)
        collab_err_set(err, "%s: cannot create: %s", to, strerror(errno));
    if (in >= 0)
        close(in);
    return rc;
}

/* A new, empty store of kind at path. The schema is applied once per run by
 * store_create into a template, then copied: creating hundreds of school
 * stores would otherwise pay store_create's synced transaction each time. */
static int new_store(struct run *r, const char *path, enum store_kind kind,
                     struct collab_err *err)
{
    if (!r->templates[kind]) {
        struct strbuf sb = STRBUF_INIT;
        sb_addf(&sb, ".template-%s" TMP_MARK "%ld", store_kind_name(kind), (long)getpid());
        char *t = util_path_join(r->opts->data_dir, sb_str(&sb));
        sb_free(&sb);
        sqlite3 *db = store_create(t, kind, err);
        if (!db) {
            free(t);
            return -1;
        }
        store_close(db);
        r->templates[kind] = t;
    }
    return copy_file(r->templates[kind], path, err);
}

static void drop_templates(struct run *r)
{
    for (size_t k = 0; k < sizeof r->templates / sizeof r->templates[0]; k++) {
        if (r->templates[k])
            unlink(r->templates[k]);
        free(r->templates[k]);
        r->templates[k] = NULL;
    }
}

typedef int (*fill_fn)(struct run *r, void *ctx, struct collab_err *err);

/* SQLite's progress handler: a stop request interrupts the running
 * statement (a pass over the source can take a minute at national scale). */
static int stop_requested(void *job)
{
    return collab_job_stopped(job);
}

static int stopped(const struct run *r, struct collab_err *err)
{
    if (!collab_job_stopped(r->opts->job))
        return 0;
    collab_err_set(err, "interrupted");
    return 1;
}

/* Every store a run writes says which run: a set whose stores disagree was
 * not replaced whole. */
static int mark_generation(struct run *r, const char *alias, struct collab_err *err)
{
    struct strbuf sql = STRBUF_INIT;
    sb_addf(&sql, "INSERT OR REPLACE INTO %s.meta(key, value) VALUES "
            "('publish_generation', ?1)", alias);
    sqlite3_stmt *st = store_prepare(r->db, sb_str(&sql), err);
    sb_free(&sql);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, r->generation, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0
             : collab_err_set(err, "cannot mark the store: %s", sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    return rc;
}

/* Create tmp as a store of kind, attach it to the source connection as
 * alias, fill it in one transaction and make it durable. */
static int build(struct run *r, const char *tmp, enum store_kind kind, const char *alias,
                 fill_fn fill, void *ctx, struct collab_err *err)
{
    sqlite3 *db = r->db;
    struct strbuf sql = STRBUF_INIT;
    int rc = -1, attached = 0;

    if (new_store(r, tmp, kind, err) != 0)
        return -1;
    sqlite3_stmt *st = store_prepare(db, alias[0] == 'g' ? "ATTACH ?1 AS g" : "ATTACH ?1 AS s", err);
    if (!st)
        goto out;
    sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
    attached = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!attached) {
        collab_err_set(err, "%s: cannot attach: %s", tmp, sqlite3_errmsg(db));
        goto out;
    }
    /* The file is thrown away on failure and synced before it is renamed,
     * so the journal and the syncs of every commit buy nothing; a large
     * cache writes each page once. */
    sb_addf(&sql, "PRAGMA %s.journal_mode = OFF; PRAGMA %s.synchronous = OFF; "
            "PRAGMA %s.cache_size = -65536", alias, alias, alias);
    if (store_exec(db, sb_str(&sql), err) != 0 || store_exec(db, "BEGIN", err) != 0)
        goto out;
    sqlite3_progress_handler(db, 10000, stop_requested, (void *)r->opts->job);
    int filled = fill(r, ctx, err);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    if (filled == 0 && !stopped(r, err))
        filled = mark_generation(r, alias, err);
    if (filled != 0 || stopped(r, err)) {
        store_rollback(db);
        goto out;
    }
    if (store_commit(db, err) != 0)
        goto out;
    rc = 0;
out:
    if (attached) {
        sb_reset(&sql);
        sb_addf(&sql, "DETACH %s", alias);
        sqlite3_exec(db, sb_str(&sql), NULL, NULL, NULL);
    }
    sb_free(&sql);
    return rc;
}

static int keep_pending(struct run *r, char *tmp, char *final)
{
    r->pending = util_xrealloc(r->pending, (r->npending + 1) * sizeof *r->pending);
    r->pending[r->npending].tmp = tmp;
    r->pending[r->npending++].final = final;
    return 0;
}

static void drop_pending(struct run *r, int unlink_tmp)
{
    for (size_t i = 0; i < r->npending; i++) {
        if (unlink_tmp)
            unlink(r->pending[i].tmp);
        free(r->pending[i].tmp);
        free(r->pending[i].final);
    }
    free(r->pending);
    r->pending = NULL;
    r->npending = 0;
}

/* The local time and the process: unique to this run on this machine. */
static void generation_of(struct run *r)
{
    time_t now = time(NULL);
    struct tm tm;
    char stamp[24];
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
    snprintf(r->generation, sizeof r->generation, "%s-%ld", stamp, (long)getpid());
}

static void today_of(struct run *r)
{
    if (r->opts->today) {
        snprintf(r->today, sizeof r->today, "%s", r->opts->today);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(r->today, sizeof r->today, "%Y-%m-%d", &tm);
}

/* ---- group stores ---- */

static int by_urn(const void *a, const void *b)
{
    long x = ((const struct pub_school *)a)->urn, y = ((const struct pub_school *)b)->urn;
    return (x > y) - (x < y);
}

static char *school_name(struct run *r, long urn)
{
    sqlite3_stmt *st = NULL;
    char *name = NULL;
    if (sqlite3_prepare_v2(r->db, "SELECT name FROM main.school WHERE urn = ?", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, urn);
        if (sqlite3_step(st) == SQLITE_ROW)
            name = util_xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (!name) {
        const struct cfg_org *o = cfg_school_org(r->cfg, urn);
        struct strbuf sb = STRBUF_INIT;
        if (o && o->name)
            sb_add(&sb, o->name);
        else
            sb_addf(&sb, "URN %ld", urn);
        name = sb_detach(&sb);
    }
    return name;
}

/* Effective members: a `schools` group drops a school from the date its
 * consent is withdrawn; an la_only group keeps every school. */
static void members(struct run *r, const struct cfg_group *g, struct pub_group *pg)
{
    pg->schools = util_xcalloc(g->nschools + 1, sizeof *pg->schools);
    pg->withdrawn = util_xcalloc(g->nschools + 1, sizeof(long));
    pg->missing = util_xcalloc(g->nschools + 1, sizeof(long));
    for (size_t i = 0; i < g->nschools; i++) {
        long urn = g->schools[i];
        if (cfg_school_withdrawn(r->cfg, g, urn, r->today)) {
            pg->withdrawn[pg->nwithdrawn++] = urn;
            continue;
        }
        if (!cfg_school_signed(r->cfg, urn))
            pg->missing[pg->nmissing++] = urn;
        struct pub_school *s = &pg->schools[pg->nschools++];
        s->urn = urn;
        s->ord = (int)i;
        s->name = school_name(r, urn);
    }
    qsort(pg->schools, pg->nschools, sizeof *pg->schools, by_urn);
}

static void pub_group_free(struct pub_group *pg)
{
    for (size_t i = 0; i < pg->nschools; i++)
        free(pg->schools[i].name);
    free(pg->schools);
    free(pg->withdrawn);
    free(pg->missing);
    for (size_t i = 0; i < pg->nsubs; i++)
        free(pg->subs[i].scopes);
    free(pg->subs);
    pub_memo_free(pg->memo);
}

/* A group store being built. A scratch build is one `publish --group`
 * needs to decide what its group hides, of a group sharing a school with it;
 * it is thrown away. */
struct group_build {
    struct pub_group pg;
    char *final;
    char *tmp;                  /* owned by r->pending unless scratch */
    int scratch;
    int built;
    unsigned long stamp;        /* pub_shared_stamp when last built */
    size_t file;                /* its entry in res->files */
    struct strbuf what;
};

static int fill_group(struct run *r, void *ctx, struct collab_err *err)
{
    struct group_build *gb = ctx;
    char *warning = NULL;
    if (pub_write_group(r->db, &gb->pg, err) != 0 ||
        pub_write_changes(r->db, &gb->pg, gb->final, &warning, err) != 0) {
        free(warning);
        return -1;
    }
    if (warning) {
        warn(r, "%s: %s", gb->pg.group->id, warning);
        free(warning);
    }
    return 0;
}

static void group_build_init(struct run *r, struct group_build *gb, const struct cfg_group *g,
                             int scratch)
{
    memset(gb, 0, sizeof *gb);
    /* A school's own store hides whatever any store holding the school
     * hides of it, so it publishes of the school only what each of those
     * does, and its readers learn nothing more from it together with any
     * of them; what it hides for itself concerns its store alone.
     * docs/DISCLOSURE.md */
    gb->pg = (struct pub_group){ .cfg = r->cfg, .group = g, .today = r->today,
                                 .job = r->opts->job, .sink = g->own_school };
    gb->final = store_group_path(r->opts->data_dir, g->id);
    gb->tmp = tmp_path(r, gb->final);
    gb->scratch = scratch;
    sb_addf(&gb->what, "publishing group %s", g->id);
    gb->pg.what = sb_str(&gb->what);
    gb->pg.memo = pub_memo_new();
    members(r, g, &gb->pg);
    if (!scratch)
        keep_pending(r, gb->tmp, gb->final);
}

static void group_build_free(struct group_build *gb)
{
    if (gb->scratch) {
        unlink(gb->tmp);
        free(gb->tmp);
        free(gb->final);
    }
    pub_group_free(&gb->pg);
    sb_free(&gb->what);
}

/* Build (again, when a group sharing a school has since hidden more) the
 * store of one group at its temporary name. */
static int build_group(struct run *r, struct group_build *gb, struct collab_err *err)
{
    if (gb->built)
        unlink(gb->tmp);
    if (build(r, gb->tmp, STORE_GROUP, "g", fill_group, gb, err) != 0)
        return collab_err_prefix(err, gb->pg.group->id);
    gb->stamp = pub_shared_stamp(gb->pg.shared);
    if (gb->scratch) {
        gb->built = 1;
        return 0;
    }
    if (set_access(r, gb->tmp, cfg_group_store_unix_group(r->cfg, gb->pg.group, r->today), 0640, err) != 0)
        return -1;
    gb->built = 1;
    r->res->files[gb->file].schools = (long)gb->pg.nschools;
    r->res->files[gb->file].cells = gb->pg.cells;
    return 0;
}

/* A group none of whose schools is in another (nor, then, a subgroup or
 * a supergroup) is decided and written in one go. */
static int shares_any(const struct pub_group *pg)
{
    for (size_t i = 0; i < pg->nschools; i++)
        if (pg->schools[i].shared)
            return 1;
    return 0;
}

/* Decide what a group hides without writing its store (pub_decide_group),
 * stoppable like a build. */
static int decide_group(struct run *r, struct group_build *gb, struct collab_err *err)
{
    sqlite3_progress_handler(r->db, 10000, stop_requested, (void *)r->opts->job);
    int rc = pub_decide_group(r->db, &gb->pg, err);
    sqlite3_progress_handler(r->db, 0, NULL, NULL);
    if (rc != 0 || stopped(r, err))
        return rc != 0 ? collab_err_prefix(err, gb->pg.group->id) : -1;
    gb->stamp = pub_shared_stamp(gb->pg.shared);
    return 0;
}

/* Whether a group that shares a school with g hid more of it after g was
 * built. */
static int group_stale(const struct group_build *gb)
{
    const struct pub_group *pg = &gb->pg;
    if (pub_shared_changed_since(pg->shared, pg->key, gb->stamp))
        return 1;
    for (size_t i = 0; i < pg->nsubs; i++)
        if (pub_shared_changed_since(pg->shared, pg->subs[i].key, gb->stamp))
            return 1;
    for (size_t i = 0; i < pg->nschools; i++)
        if (pg->schools[i].shared &&
            pub_shared_changed_since(pg->shared, pg->schools[i].urn, gb->stamp))
            return 1;
    return 0;
}

static int shares_school(const struct pub_group *a, const struct pub_group *b)
{
    for (size_t i = 0, j = 0; i < a->nschools && j < b->nschools;) {
        if (a->schools[i].urn == b->schools[j].urn)
            return 1;
        if (a->schools[i].urn < b->schools[j].urn)
            i++;
        else
            j++;
    }
    return 0;
}

static int by_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The schools more than one of the builds holds, marked in each and kept
 * in one pub_shared. */
static struct pub_shared *shared_schools(struct group_build *gbs, size_t n)
{
    size_t total = 0, nshared = 0;
    for (size_t i = 0; i < n; i++)
        total += gbs[i].pg.nschools;
    long *all = util_xcalloc(total + 1, sizeof *all);
    long *shared = util_xcalloc(total + n + 1, sizeof *shared);
    for (size_t i = 0, k = 0; i < n; i++)
        for (size_t j = 0; j < gbs[i].pg.nschools; j++)
            all[k++] = gbs[i].pg.schools[j].urn;
    qsort(all, total, sizeof *all, by_long);
    /* the groups' own keys, -n .. -1, first: ascending */
    for (size_t i = n; i > 0; i--)
        shared[nshared++] = -(long)i;
    for (size_t k = 1; k < total; k++)
        if (all[k] == all[k - 1] && (nshared == n || shared[nshared - 1] != all[k]))
            shared[nshared++] = all[k];
    struct pub_shared *s = pub_shared_new(shared, nshared);
    for (size_t i = 0; i < n; i++) {
        gbs[i].pg.shared = s;
        gbs[i].pg.key = -(long)(i + 1);
        for (size_t j = 0; j < gbs[i].pg.nschools; j++)
            gbs[i].pg.schools[j].shared = pub_shared_has(s, gbs[i].pg.schools[j].urn);
    }
    free(all);
    free(shared);
    return s;
}

/* Whether h has schools and every one of them is pg's. */
static int within(const struct pub_group *h, const struct pub_group *pg)
{
    for (size_t j = 0; j < h->nschools; j++)
        if (!pub_group_scope(pg, h->schools[j].urn))
            return 0;
    return h->nschools > 0;
}

/* Every other build whose schools are all among pg's is its subgroup; not
 * one of a single school (a school's own group): its figures are that
 * school's, which pg already relates to the group and which every store
 * holding the school hides alike. */
static void subgroups_of(struct group_build *gbs, size_t n, size_t me)
{
    struct pub_group *pg = &gbs[me].pg;
    for (size_t i = 0; i < n; i++) {
        const struct pub_group *h = &gbs[i].pg;
        if (i == me || h->nschools < 2 || !within(h, pg))
            continue;
        pg->subs = util_xrealloc(pg->subs, (pg->nsubs + 1) * sizeof *pg->subs);
        struct pub_subgroup *sg = &pg->subs[pg->nsubs++];
        sg->key = h->key;
        sg->nscopes = h->nschools;
        sg->scopes = util_xcalloc(h->nschools, sizeof *sg->scopes);
        for (size_t k = 0; k < h->nschools; k++)
            sg->scopes[k] = pub_group_scope(pg, h->schools[k].urn);
    }
}

/* The groups to build: all of them, or the one asked for and every group
 * joined to it through shared schools (as scratch builds), but no school's
 * own group, which changes no other. */
static size_t groups_to_build(struct run *r, const struct cfg_group *only,
                              struct group_build *gbs)
{
    const struct cfg *cfg = r->cfg;
    unsigned char *in = util_xcalloc(cfg->ngroups + 1, 1);
    struct group_build *all = util_xcalloc(cfg->ngroups + 1, sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < cfg->ngroups; i++) {
        group_build_init(r, &all[i], &cfg->groups[i], only && only != &cfg->groups[i]);
        in[i] = !only || only == &cfg->groups[i];
    }
    for (int grew = 1; grew;) {
        grew = 0;
        for (size_t i = 0; i < cfg->ngroups; i++)
            for (size_t j = 0; !in[i] && !all[i].pg.sink && j < cfg->ngroups; j++)
                if (in[j] && shares_school(&all[i].pg, &all[j].pg))
                    in[i] = grew = 1;
    }
    for (size_t i = 0; i < cfg->ngroups; i++) {
        if (in[i])
            gbs[n++] = all[i];
        else
            group_build_free(&all[i]);
    }
    free(in);
    free(all);
    return n;
}

/* Build every group, then again each one a later build made stale, until
 * every group hides what any other hides of the schools they share. The
 * hidden cells only grow, so this ends; it usually takes one more round. */
static int build_groups(struct run *r, const struct cfg_group *only, struct collab_err *err)
{
    struct group_build *gbs = util_xcalloc(r->cfg->ngroups + 1, sizeof *gbs);
    size_t n = groups_to_build(r, only, gbs);
    struct pub_shared *shared = shared_schools(gbs, n);
    int rc = 0;
    size_t *order = util_xcalloc(n + 1, sizeof *order);
    for (size_t i = 0; i < n; i++) {
        subgroups_of(gbs, n, i);
        if (!gbs[i].scratch)
            gbs[i].file = add_file(r, PUBLISH_GROUP, gbs[i].final) - r->res->files;
    }
    /* smaller groups first: a group's relations then know what its
     * subgroups hide instead of taking their cells as published */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        for (; j > 0 && gbs[order[j - 1]].pg.nschools > gbs[i].pg.nschools; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    /* Decide every group, again each one another has since made stale, until
     * none is; then write each store once. Writing decides the same again
     * (the inputs are the same), so it hides nothing new; should it, the
     * stale ones are built again. Only groups that share schools need more
     * than one round. */
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (shares_any(&gbs[order[i]].pg) && !gbs[order[i]].pg.sink)
            rc = decide_group(r, &gbs[order[i]], err);
    for (int again = 1; rc == 0 && again;) {
        again = 0;
        for (size_t i = 0; rc == 0 && i < n; i++)
            if (!gbs[order[i]].pg.sink && group_stale(&gbs[order[i]])) {
                rc = decide_group(r, &gbs[order[i]], err);
                again = 1;
            }
    }
    /* a school's own group changes no other: decided once, when the others
     * are, as it is written */
    for (int sinks = 0; sinks < 2; sinks++)
        for (size_t i = 0; rc == 0 && i < n; i++)
            if (!gbs[order[i]].scratch && gbs[order[i]].pg.sink == sinks)
                rc = build_group(r, &gbs[order[i]], err);
    for (int again = 1; rc == 0 && again;) {
        again = 0;
        for (size_t i = 0; rc == 0 && i < n; i++)
            if (group_stale(&gbs[order[i]])) {
                rc = gbs[order[i]].scratch ? decide_group(r, &gbs[order[i]], err)
                                           : build_group(r, &gbs[order[i]], err);
                again = 1;
            }
    }
    free(order);
    for (size_t i = 0; i < n; i++)
        group_build_free(&gbs[i]);
    free(gbs);
    pub_shared_free(shared);
    return rc;
}

/* ---- school stores ---- */

struct school_job {
    long urn;
    long pupils;
};

static int fill_school(struct run *r, void *ctx, struct collab_err *err)
{
    struct school_job *job = ctx;
    return pub_write_school(r->db, job->urn, &job->pupils, err);
}

static int publish_school(struct run *r, long urn, struct collab_err *err)
{
    char *final = store_school_path(r->opts->data_dir, urn);
    char *tmp = tmp_path(r, final);
    struct school_job job = { urn, 0 };
    const struct cfg_org *org = cfg_school_org(r->cfg, urn);

    /* pupils go to the school's pupil_level staff, not to all its staff
     * (its unix_group) */
    if (org && org->unix_group && !org->pupil_unix_group)
        note_no_pupil_group(r, urn);
    keep_pending(r, tmp, final);
    if (build(r, tmp, STORE_SCHOOL, "s", fill_school, &job, err) != 0 ||
        set_access(r, tmp, org ? org->pupil_unix_group : NULL, 0640, err) != 0)
        return -1;
    add_file(r, PUBLISH_SCHOOL, final)->pupils = job.pupils;
    return 0;
}

/* Schools with pupils: all of them, or the members of the one group. */
static int school_urns(struct run *r, const struct cfg_group *only, long **urns, size_t *n,
                       struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(r->db, "SELECT DISTINCT school FROM main.pupil ORDER BY school", err);
    if (!st)
        return collab_err_prefix(err, "publish");
    *urns = NULL;
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long urn = sqlite3_column_int64(st, 0);
        int wanted = !only;
        for (size_t i = 0; only && i < only->nschools && !wanted; i++)
            wanted = only->schools[i] == urn;
        if (!wanted)
            continue;
        *urns = util_xrealloc(*urns, (*n + 1) * sizeof **urns);
        (*urns)[(*n)++] = urn;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return collab_err_set(err, "publish: cannot read the source store: %s",
                              sqlite3_errmsg(r->db));
    return 0;
}

/* ---- evaluation stores: created once, never touched again ---- */

static int create_eval(struct run *r, const struct cfg_group *g, struct collab_err *err)
{
    char *path = store_eval_path(r->opts->data_dir, g->id);
    struct stat sb;
    int rc = 0;
    if (stat(path, &sb) != 0) {
        sqlite3 *db = store_open(path, STORE_EVAL, STORE_CREATE, err);
        if (!db) {
            rc = -1;
        } else {
            store_close(db);
            rc = set_access(r, path, g->unix_group, 0660, err);
            if (rc == 0)
                add_file(r, PUBLISH_EVAL, path);
        }
    }
    free(path);
    return rc;
}

static int build_all(struct run *r, struct collab_err *err)
{
    const struct cfg *cfg = r->cfg;
    const struct cfg_group *only = NULL;
    long *urns = NULL;
    size_t nurns = 0;

    if (r->opts->group_id) {
        for (size_t i = 0; i < cfg->ngroups && !only; i++)
            if (strcmp(cfg->groups[i].id, r->opts->group_id) == 0)
                only = &cfg->groups[i];
        if (!only)
            return collab_err_set(err, "no group '%s' in groups.yaml", r->opts->group_id);
    }
    if (build_groups(r, only, err) != 0)
        return -1;
    if (school_urns(r, only, &urns, &nurns, err) != 0)
        return -1;
    for (size_t i = 0; i < nurns; i++) {
        collab_job_progress(r->opts->job, "publishing school stores", (long)i,
                            (long)nurns, "schools");
        if (stopped(r, err) || publish_school(r, urns[i], err) != 0) {
            free(urns);
            return -1;
        }
    }
    collab_job_progress(r->opts->job, "publishing school stores", (long)nurns,
                        (long)nurns, "schools");
    free(urns);
    return 0;
}

/* Every new file on disk before the first rename. */
static int sync_pending(struct run *r, struct collab_err *err)
{
#ifdef __linux__
    int fd = open(r->opts->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0 && syncfs(fd) == 0) {
        close(fd);
        return 0;
    }
    if (fd >= 0)
        close(fd);
#endif
    for (size_t i = 0; i < r->npending; i++)
        if (fsync_path(r->pending[i].tmp, 0, err) != 0)
            return -1;
    return 0;
}

/* While the stores are replaced one by one, a mark in the directory says
 * so: a run stopped among the renames (a kill, a power cut) leaves a set of
 * new and old stores, each sound, together not one publish, and the mark
 * lets readers say so. A run that rewrites every group removes it; one of
 * some groups (--group) leaves an older run's mark for a full one. */
static int mark_renaming(struct run *r, int *ours, struct collab_err *err)
{
    char *path = util_path_join(r->opts->data_dir, PUBLISH_RENAMING), *tmp = NULL;
    *ours = !r->opts->group_id || access(path, F_OK) != 0;
    int rc = 0;
    if (*ours) {
        int fd = util_safe_create(path, 0644, &tmp);
        FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
        int bad = !fp || fprintf(fp, "%s\n", r->generation) < 0;
        if (fp)
            bad |= fflush(fp) != 0 || fsync(fd) != 0 || fclose(fp) != 0;
        else if (fd >= 0)
            close(fd);
        if (bad || util_safe_commit(tmp, path) != 0 || fsync_path(r->opts->data_dir, 1, err) != 0) {
            if (fd >= 0)
                unlink(tmp);
            rc = collab_err_set(err, "%s: cannot write: %s", path, strerror(errno));
        }
    }
    free(tmp);
    free(path);
    return rc;
}

static int commit_all(struct run *r, struct collab_err *err)
{
    int ours = 0;
    /* The last moment a stop is heeded: after it every file is renamed. */
    if (stopped(r, err) || sync_pending(r, err) != 0 || stopped(r, err) ||
        mark_renaming(r, &ours, err) != 0)
        return -1;
    for (size_t i = 0; i < r->npending; i++) {
        collab_job_progress(r->opts->job, "replacing", (long)i + 1, (long)r->npending,
                            "stores");
        if (rename(r->pending[i].tmp, r->pending[i].final) != 0)
            return collab_err_set(err, "%s: cannot replace: %s", r->pending[i].final,
                                  strerror(errno));
    }
    if (fsync_path(r->opts->data_dir, 1, err) != 0)
        return -1;
    if (ours) {
        char *path = util_path_join(r->opts->data_dir, PUBLISH_RENAMING);
        unlink(path);
        free(path);
    }
    return fsync_path(r->opts->data_dir, 1, err);
}

/* Each store now in place is checked once, here, for all its readers
 * (store.h, store_record_checked): none of them pays the check on opening
 * it. A store that cannot be recorded is still published; its readers
 * check it themselves. */
static void record_checked(struct run *r)
{
    for (size_t i = 0; i < r->npending; i++) {
        struct collab_err e = { .set = 0 };
        collab_job_progress(r->opts->job, "checking", (long)i + 1, (long)r->npending,
                            "stores");
        if (store_record_checked(r->pending[i].final, &e) != 0)
            warn(r, "%s (its readers will check it on opening)", e.msg);
    }
}

int publish_run(const struct cfg *cfg, const struct publish_opts *opts,
                struct publish_result *res, struct collab_err *err)
{
    struct run r = { .cfg = cfg, .opts = opts, .res = res };
    struct stat sb;
    int rc = -1;

    memset(res, 0, sizeof *res);
    today_of(&r);
    generation_of(&r);
    if (stat(opts->db_path, &sb) != 0)
        return collab_err_set(err, "%s: no such source store (run `collab import` first)",
                              opts->db_path);
    r.db = store_open(opts->db_path, STORE_SOURCE, STORE_NOCHECK, err);
    if (!r.db)
        return -1;
    /* The source is read many times over (a pass per level, a copy per
     * school): keep it in memory rather than re-reading pages. */
    sqlite3_exec(r.db, "PRAGMA main.cache_size = -131072; PRAGMA mmap_size = 1073741824",
                 NULL, NULL, NULL);
    if (ensure_data_dir(&r, err) != 0)
        goto out;
    remove_stale(opts->data_dir);
    if (build_all(&r, err) != 0 || commit_all(&r, err) != 0)
        goto out;
    record_checked(&r);
    drop_pending(&r, 0);
    rc = 0;
    /* a school on its own has no partnership to evaluate */
    for (size_t i = 0; rc == 0 && i < cfg->ngroups; i++)
        if (!cfg->groups[i].own_school &&
            (!opts->group_id || strcmp(cfg->groups[i].id, opts->group_id) == 0))
            rc = create_eval(&r, &cfg->groups[i], err);
out:
    if (r.npending) {
        drop_pending(&r, 1);
        for (size_t i = 0; i < res->nfiles; i++)
            free(res->files[i].name);
        free(res->files);
        res->files = NULL;
        res->nfiles = 0;
    }
    drop_templates(&r);
    store_close(r.db);
    if (r.unknown_groups.len)
        warn(&r, "unix groups not on this machine, their files are readable by "
             "their owner only (0600): %s", sb_str(&r.unknown_groups));
    sb_free(&r.unknown_groups);
    if (r.no_pupil_group.len)
        warn(&r, "schools with a unix_group but no pupil_unix_group in groups.yaml, "
             "their pupils readable by their owner only (0600): %s",
             sb_str(&r.no_pupil_group));
    sb_free(&r.no_pupil_group);
    return rc;
}
