/* The group's change history: the previous group store's change rows carried
 * forward, and what differs between its mirrors (school, member_user,
 * consent) and this publish appended, dated today. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collab/store.h"
#include "collab/util.h"
#include "publish_internal.h"

struct old_consent {
    long urn;
    int is_signed;
    char *withdrawn;
};

/* What the previous store said. */
struct previous {
    int exists;
    char *published_on;
    long *urns;
    char **names;
    size_t nschools;
    char **users;
    size_t nusers;
    struct old_consent *consent;
    size_t nconsent;
};

static void previous_free(struct previous *pv)
{
    for (size_t i = 0; i < pv->nschools; i++)
        free(pv->names[i]);
    for (size_t i = 0; i < pv->nusers; i++)
        free(pv->users[i]);
    for (size_t i = 0; i < pv->nconsent; i++)
        free(pv->consent[i].withdrawn);
    free(pv->urns);
    free(pv->names);
    free(pv->users);
    free(pv->consent);
    free(pv->published_on);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    return util_xstrdup((const char *)sqlite3_column_text(st, i));
}

static int read_previous(sqlite3 *old, struct previous *pv, struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(old, "SELECT urn, name FROM school ORDER BY urn", err);
    int rc;
    if (!st)
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pv->urns = util_xrealloc(pv->urns, (pv->nschools + 1) * sizeof *pv->urns);
        pv->names = util_xrealloc(pv->names, (pv->nschools + 1) * sizeof *pv->names);
        pv->urns[pv->nschools] = sqlite3_column_int64(st, 0);
        pv->names[pv->nschools++] = col_dup(st, 1);
    }
    if (store_rows_done(st, rc, err) != 0 ||
        !(st = store_prepare(old, "SELECT id FROM member_user ORDER BY id", err)))
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pv->users = util_xrealloc(pv->users, (pv->nusers + 1) * sizeof *pv->users);
        pv->users[pv->nusers++] = col_dup(st, 0);
    }
    if (store_rows_done(st, rc, err) != 0 ||
        !(st = store_prepare(old, "SELECT urn, signed IS NOT NULL, withdrawn FROM consent", err)))
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pv->consent = util_xrealloc(pv->consent, (pv->nconsent + 1) * sizeof *pv->consent);
        struct old_consent *c = &pv->consent[pv->nconsent++];
        c->urn = sqlite3_column_int64(st, 0);
        c->is_signed = sqlite3_column_int(st, 1);
        c->withdrawn = col_dup(st, 2);
    }
    if (store_rows_done(st, rc, err) != 0)
        return -1;
    pv->published_on = store_meta_get(old, "published_on");
    pv->exists = 1;
    return 0;
}

/* Copy the old change rows, ids and all, so the history keeps its order. */
static int carry_forward(sqlite3 *db, sqlite3 *old, struct collab_err *err)
{
    sqlite3_stmt *sel = store_prepare(old, "SELECT id, date, kind, detail FROM change ORDER BY id", err);
    sqlite3_stmt *ins = sel ? store_prepare(db, "INSERT INTO g.change(id, date, kind, detail) "
                                            "VALUES (?,?,?,?)", err) : NULL;
    int rc = ins ? 0 : -1, step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(sel)) == SQLITE_ROW) {
        for (int i = 0; i < 4; i++)
            sqlite3_bind_value(ins, i + 1, sqlite3_column_value(sel, i));
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = collab_err_set(err, "publish: cannot copy change history: %s", sqlite3_errmsg(db));
        sqlite3_reset(ins);
    }
    if (rc == 0)
        rc = store_rows_done(sel, step, err);
    else
        sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

struct change_writer {
    sqlite3 *db;
    sqlite3_stmt *ins;
    const char *today;
    int rc;
    struct collab_err *err;
};

static void add_change(struct change_writer *cw, const char *kind, const char *detail)
{
    if (cw->rc != 0)
        return;
    sqlite3_bind_text(cw->ins, 1, cw->today, -1, SQLITE_STATIC);
    sqlite3_bind_text(cw->ins, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(cw->ins, 3, detail, -1, SQLITE_STATIC);
    if (sqlite3_step(cw->ins) != SQLITE_DONE)
        cw->rc = collab_err_set(cw->err, "publish: cannot write change: %s", sqlite3_errmsg(cw->db));
    sqlite3_reset(cw->ins);
}

static void add_school_change(struct change_writer *cw, const char *kind, const char *what,
                              const char *name, long urn)
{
    struct strbuf sb = STRBUF_INIT;
    sb_addf(&sb, "%s: %s (%ld)", what, name, urn);
    add_change(cw, kind, sb_str(&sb));
    sb_free(&sb);
}

static const char *name_of(const struct pub_group *pg, const struct previous *pv, long urn)
{
    for (size_t i = 0; i < pg->nschools; i++)
        if (pg->schools[i].urn == urn)
            return pg->schools[i].name;
    for (size_t i = 0; i < pv->nschools; i++)
        if (pv->urns[i] == urn && pv->names[i])
            return pv->names[i];
    const struct cfg_org *o = cfg_school_org(pg->cfg, urn);
    return o && o->name ? o->name : "school";
}

static int in_urns(const long *urns, size_t n, long urn)
{
    for (size_t i = 0; i < n; i++)
        if (urns[i] == urn)
            return 1;
    return 0;
}

static void school_changes(struct change_writer *cw, const struct pub_group *pg,
                           const struct previous *pv)
{
    long *now = util_xcalloc(pg->nschools + 1, sizeof *now);
    for (size_t i = 0; i < pg->nschools; i++)
        now[i] = pg->schools[i].urn;
    for (size_t i = 0; i < pg->nschools; i++)
        if (!in_urns(pv->urns, pv->nschools, now[i]))
            add_school_change(cw, "school_added", "school added", pg->schools[i].name, now[i]);
    for (size_t i = 0; i < pv->nschools; i++)
        if (!in_urns(now, pg->nschools, pv->urns[i]))
            add_school_change(cw, "school_removed", "school removed",
                              pv->names[i] ? pv->names[i] : "school", pv->urns[i]);
    free(now);
}

/* Withdrawal counts from its date: before it the school was still in. */
static int withdrawn_by(const char *withdrawn, const char *date)
{
    return withdrawn && *withdrawn && date && strcmp(withdrawn, date) <= 0;
}

static void consent_changes(struct change_writer *cw, const struct pub_group *pg,
                            const struct previous *pv)
{
    const struct cfg_group *g = pg->group;
    for (size_t i = 0; i < g->nschools; i++) {
        long urn = g->schools[i];
        const struct cfg_consent *c = cfg_consent(pg->cfg, urn);
        const struct old_consent *o = NULL;
        for (size_t k = 0; k < pv->nconsent; k++)
            if (pv->consent[k].urn == urn)
                o = &pv->consent[k];
        int is_signed = c && c->signed_date;
        if (is_signed && !(o && o->is_signed))
            add_school_change(cw, "consent_given", "consent given", name_of(pg, pv, urn), urn);
        int now_out = c && withdrawn_by(c->withdrawn_date, pg->today);
        int was_out = o && withdrawn_by(o->withdrawn, pv->published_on);
        if (now_out && !was_out)
            add_school_change(cw, "consent_withdrawn", "consent withdrawn",
                              name_of(pg, pv, urn), urn);
    }
}

static void user_changes(struct change_writer *cw, const struct pub_group *pg,
                         const struct previous *pv)
{
    const struct cfg_group *g = pg->group;
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < g->nusers; i++) {
        int found = 0;
        for (size_t k = 0; k < pv->nusers && !found; k++)
            found = strcmp(pv->users[k], g->users[i]) == 0;
        if (found)
            continue;
        sb_reset(&sb);
        sb_addf(&sb, "user added: %s", g->users[i]);
        add_change(cw, "user_added", sb_str(&sb));
    }
    for (size_t k = 0; k < pv->nusers; k++) {
        int found = 0;
        for (size_t i = 0; i < g->nusers && !found; i++)
            found = strcmp(pv->users[k], g->users[i]) == 0;
        if (found)
            continue;
        sb_reset(&sb);
        sb_addf(&sb, "user removed: %s", pv->users[k]);
        add_change(cw, "user_removed", sb_str(&sb));
    }
    sb_free(&sb);
}

/* A previous store that cannot be read for want of memory, a failing disk or
 * a lock is not a damaged one: the publish fails (and can be run again)
 * rather than start the group's change history again. */
static int not_damaged(const struct collab_err *e)
{
    static const int codes[] = { SQLITE_NOMEM, SQLITE_IOERR, SQLITE_BUSY, SQLITE_LOCKED };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (e->set && strstr(e->msg, sqlite3_errstr(codes[i])))
            return 1;
    return 0;
}

int pub_write_changes(sqlite3 *db, const struct pub_group *pg, const char *prev_path,
                      char **warning, struct collab_err *err)
{
    struct previous pv = { 0 };
    struct collab_err oerr = { 0 };
    struct stat sb;
    sqlite3 *old = NULL;
    int rc = -1;

    *warning = NULL;
    if (stat(prev_path, &sb) == 0) {
        old = store_open(prev_path, STORE_GROUP, STORE_READONLY, &oerr);
        if (old && read_previous(old, &pv, &oerr) != 0) {
            store_close(old);
            old = NULL;
        } else if (old && carry_forward(db, old, err) != 0) {
            goto out;
        }
        if (!old && not_damaged(&oerr)) {
            collab_err_set(err, "publish: cannot read the previous group store: %s", oerr.msg);
            goto out;
        }
        if (!old) {
            struct strbuf w = STRBUF_INIT;
            sb_addf(&w, "previous group store not read, change history starts again: %s",
                    oerr.set ? oerr.msg : "unreadable");
            *warning = sb_detach(&w);
            previous_free(&pv);
            memset(&pv, 0, sizeof pv);
        }
    }
    struct change_writer cw = { db, NULL, pg->today, 0, err };
    cw.ins = store_prepare(db, "INSERT INTO g.change(date, kind, detail) VALUES (?,?,?)", err);
    if (!cw.ins)
        goto out;
    if (!pv.exists) {
        add_change(&cw, "group_created", "group created");
    } else {
        school_changes(&cw, pg, &pv);
        consent_changes(&cw, pg, &pv);
        user_changes(&cw, pg, &pv);
    }
    sqlite3_finalize(cw.ins);
    rc = cw.rc;
out:
    store_close(old);
    previous_free(&pv);
    return rc;
}
