/* Group changes since a member's last visit. The last visit is personal
 * state, so it lives under the person's own $XDG_STATE_HOME/collab/visits/
 * (one file per group and collab user: an administrator acting as someone
 * else keeps that user's visits apart), never in a shared store. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collab/access.h"
#include "collab/model.h"
#include "collab/store.h"
#include "collab/util.h"
#include "model_internal.h"

struct visit {
    long last_id;       /* highest change id seen; 0: never visited */
    char date[16];      /* local date of the visit, "" when never */
};

/* visits/GROUP/USER, with any character outside [A-Za-z0-9._-] made '_'. */
static char *visit_path(const struct model *m, int make_dir)
{
    char *state = util_xdg_dir("STATE");
    if (!state)
        return NULL;
    char *visits = util_path_join(state, "visits");
    char *dir = util_path_join(visits, m->group->id);
    char *user = util_xstrdup(m->user->id);
    for (char *c = user; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *c))
            *c = '_';
    if (user[0] == '.')
        user[0] = '_';
    if (make_dir)
        util_mkdir_p(dir, 0700);
    char *path = util_path_join(dir, user);
    free(user);
    free(dir);
    free(visits);
    free(state);
    return path;
}

static void read_visit(const struct model *m, struct visit *v)
{
    memset(v, 0, sizeof *v);
    char *path = visit_path(m, 0);
    FILE *fp = path ? fopen(path, "r") : NULL;
    free(path);
    if (!fp)
        return;
    char line[128];
    long id;
    char date[16];
    if (fgets(line, sizeof line, fp) && sscanf(line, "%ld %10s", &id, date) == 2 &&
        id >= 0 && strlen(date) == 10) {
        v->last_id = id;
        snprintf(v->date, sizeof v->date, "%s", date);
    }
    fclose(fp);
}

int model_visited(const struct model *m)
{
    struct visit v;
    read_visit(m, &v);
    return v.date[0] != '\0';
}

static long max_change_id(struct model *m)
{
    sqlite3_stmt *st = NULL;
    long id = 0;
    if (sqlite3_prepare_v2(m->db, "SELECT coalesce(max(id), 0) FROM change", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        id = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

int model_mark_visited(struct model *m, struct collab_err *err)
{
    char today[16];
    access_today(today, sizeof today);
    char *path = visit_path(m, 1);
    char *tmp = NULL;
    int rc = 0;
    if (!path)
        return 0;   /* no per-user place: visits are not kept */
    int fd = util_safe_create(path, 0600, &tmp);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        rc = collab_err_set(err, "%s: cannot record the visit: %s", path, strerror(errno));
    } else {
        int bad = fprintf(fp, "%ld %s\n", max_change_id(m), today) < 0;
        if (fclose(fp) != 0 || bad) {
            rc = collab_err_set(err, "%s: cannot record the visit: %s", path,
                                strerror(errno));
            unlink(tmp);
        } else if (util_safe_commit(tmp, path) != 0) {
            rc = collab_err_set(err, "%s: cannot record the visit: %s", path,
                                strerror(errno));
        }
    }
    free(tmp);
    free(path);
    return rc;
}

static void changes_title(struct model *m, const struct visit *v, const char *since,
                          struct model_table *t)
{
    if (since)
        mdl_table_title(t, "Changes to %s since %s", m->group_name, since);
    else if (v->date[0])
        mdl_table_title(t, "Changes to %s since your last visit (%s)", m->group_name,
                        v->date);
    else
        mdl_table_title(t, "Changes to %s (your first visit)", m->group_name);
}

/* Rows newer than the visit: a higher id, or a later date (a group store
 * built afresh numbers its changes from 1 again). */
static const char changes_sql[] =
    "SELECT id, date, kind, detail FROM change WHERE "
    "CASE WHEN ?1 IS NOT NULL THEN date >= ?1 ELSE id > ?2 OR date > ?3 END "
    "ORDER BY id";

int model_changes(struct model *m, const char *since, struct model_table *out,
                  struct collab_err *err)
{
    memset(out, 0, sizeof *out);
    struct visit v;
    read_visit(m, &v);
    sqlite3_stmt *st = store_prepare(m->db, changes_sql, err);
    if (!st)
        return -1;
    changes_title(m, &v, since, out);
    mdl_col(out, "date", "Date", MODEL_COL_TEXT, 0, 0);
    mdl_col(out, "kind", "Change", MODEL_COL_TEXT, 0, 0);
    mdl_col(out, "detail", "Detail", MODEL_COL_TEXT, 0, 0);
    if (since)
        sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, v.last_id);
    sqlite3_bind_text(st, 3, v.date, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct model_row *r = mdl_row(out, (const char *)sqlite3_column_text(st, 0), 0);
        for (int c = 0; c < 3; c++)
            mdl_set_text(r, c, (const char *)sqlite3_column_text(st, c + 1));
    }
    if (store_rows_done(st, rc, err) != 0)
        return -1;
    if (out->nrows == 0)
        mdl_set_note(out, "no changes to the group%s", since || v.date[0] ? " since then" : "");
    return 0;
}
