#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collab/store.h"
#include "collab/util.h"
#include "store_internal.h"

static const char *const kind_names[] = {
    [STORE_SOURCE] = "source", [STORE_GROUP] = "group",
    [STORE_SCHOOL] = "school", [STORE_EVAL] = "evaluation",
};

const char *store_kind_name(enum store_kind kind)
{
    return kind_names[kind];
}

int store_schema_version(enum store_kind kind)
{
    int n;
    store_migrations(kind, &n);
    return n;
}

int store_exec(sqlite3 *db, const char *sql, struct collab_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        collab_err_set(err, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int store_begin(sqlite3 *db, struct collab_err *err)
{
    return store_exec(db, "BEGIN IMMEDIATE", err);
}

int store_commit(sqlite3 *db, struct collab_err *err)
{
    if (store_exec(db, "COMMIT", err) != 0) {
        store_rollback(db);
        return -1;
    }
    return 0;
}

void store_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *store_prepare(sqlite3 *db, const char *sql, struct collab_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        collab_err_set(err, "SQL error: %s", sqlite3_errmsg(db));
        return NULL;
    }
    return st;
}

char *store_meta_get(sqlite3 *db, const char *key)
{
    sqlite3_stmt *st = NULL;
    char *value = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        value = util_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return value;
}

int store_meta_set(sqlite3 *db, const char *key, const char *value,
                   struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(db,
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value", err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return collab_err_set(err, "cannot write meta: %s", sqlite3_errmsg(db));
    return 0;
}

int store_rows_done(sqlite3_stmt *st, int rc, struct collab_err *err)
{
    if (rc != SQLITE_DONE)
        collab_err_set(err, "cannot read the store: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int query_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

/* Connection settings that hold for every store, before anything is read. */
static int harden(sqlite3 *db, struct collab_err *err)
{
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_busy_timeout(db, 5000);
    return store_exec(db, "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF", err);
}

static int set_journal(sqlite3 *db, enum store_kind kind, struct collab_err *err)
{
    if (kind == STORE_SOURCE || kind == STORE_EVAL)
        return store_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err);
    return store_exec(db, "PRAGMA journal_mode = DELETE", err);
}

/* A new source store takes imports of millions of rows keyed by text: 8 KB
 * pages make its b-trees shallower and split less (a results import of 1M
 * rows 4-6% faster; 16 KB gains 7% but an empty store then needs 300 KB).
 * Only a store not yet written can take it. */
static int set_page_size(sqlite3 *db, enum store_kind kind, struct collab_err *err)
{
    if (kind != STORE_SOURCE)
        return 0;
    return store_exec(db, "PRAGMA page_size = 8192", err);
}

/* Apply migrations from version `from` to the current one, in one transaction. */
static int migrate(sqlite3 *db, enum store_kind kind, int from, struct collab_err *err)
{
    int n;
    const char *const *steps = store_migrations(kind, &n);
    char sql[128];
    if (store_begin(db, err) != 0)
        return -1;
    for (int v = from; v < n; v++)
        if (store_exec(db, steps[v], err) != 0)
            goto fail;
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             STORE_APP_ID, n);
    if (store_exec(db, sql, err) != 0)
        goto fail;
    if (from == 0 && store_meta_set(db, "kind", store_kind_name(kind), err) != 0)
        goto fail;
    if (from == 0 && kind == STORE_SOURCE && store_seed_subjects(db, err) != 0)
        goto fail;
    return store_commit(db, err);
fail:
    store_rollback(db);
    return -1;
}

/* Is this an empty, brand-new database file? */
static int is_empty(sqlite3 *db)
{
    int tables = -1;
    if (query_int(db, "SELECT count(*) FROM sqlite_schema", &tables) != 0)
        return 0;
    return tables == 0;
}

/* collab's schemas hold tables and indexes only. A trigger or view in a
 * store was put there by someone else and would run inside collab's own
 * transactions (a trigger fires on import), so such a store is refused. */
static int foreign_objects(sqlite3 *db, const char *path, struct collab_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT type, name FROM sqlite_schema "
                                "WHERE type IN ('trigger', 'view') ORDER BY name LIMIT 1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return collab_err_set(err, "%s: cannot read the schema: %s", path, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW) {
        collab_err_set(err, "%s: holds a %s collab never makes ('%s'); refusing to use it",
                       path, (const char *)sqlite3_column_text(st, 0),
                       (const char *)sqlite3_column_text(st, 1));
        rc = -1;
    } else {
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

static int check_identity(sqlite3 *db, const char *path, enum store_kind kind,
                          int flags, struct collab_err *err)
{
    int app = 0, version = 0, current = store_schema_version(kind);
    if (query_int(db, "PRAGMA application_id", &app) != 0)
        return collab_err_set(err, "%s: not a database (%s)", path, sqlite3_errmsg(db));
    if (query_int(db, "PRAGMA user_version", &version) != 0)
        return collab_err_set(err, "%s: cannot read schema version", path);
    if (app != STORE_APP_ID)
        return collab_err_set(err, "%s: not a collab store (an SQLite database of another program)", path);
    char *k = store_meta_get(db, "kind");
    int same = k && strcmp(k, store_kind_name(kind)) == 0;
    if (!same) {
        collab_err_set(err, "%s: this is a %s store, expected a %s store", path,
                       k ? k : "unknown", store_kind_name(kind));
        free(k);
        return -1;
    }
    free(k);
    if (foreign_objects(db, path, err) != 0)
        return -1;
    if (version > current)
        return collab_err_set(err, "%s: written by a newer collab (schema %d; this "
                              "collab knows up to %d): upgrade collab", path, version, current);
    if (version < current) {
        if (flags & STORE_READONLY)
            return collab_err_set(err, "%s: schema %d is older than %d; open it once "
                                  "with write access to migrate", path, version, current);
        if (migrate(db, kind, version, err) != 0)
            return collab_err_prefix(err, path);
    }
    return 0;
}

static int quick_check(sqlite3 *db, const char *path, struct collab_err *err)
{
    sqlite3_stmt *st = NULL;
    int ok = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK)
        return collab_err_set(err, "%s: not a database (%s)", path, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        ok = r && strcmp(r, "ok") == 0;
        if (!ok)
            collab_err_set(err, "%s: database is damaged: %s", path, r ? r : "?");
    } else {
        collab_err_set(err, "%s: not a database (%s)", path, sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

/* quick_check once per version of the file (checked.c): skipped when this
 * user has seen exactly this file pass, provided the file SQLite opened is
 * the one stat'ed before the open (no rename in between). */
static int check_once(sqlite3 *db, const char *path, const struct stat *before,
                      struct collab_err *err)
{
    struct stat opened;
    struct timespec started;
    int same = stat(path, &opened) == 0 && store_same_file(before, &opened);
    if (same && (store_checked_published(path, before) || store_checked_before(path, before)))
        return 0;
    clock_gettime(CLOCK_REALTIME, &started);
    if (quick_check(db, path, err) != 0)
        return -1;
    if (same)
        store_checked_record(path, before, &started);
    return 0;
}

int store_record_checked(const char *path, struct collab_err *err)
{
    struct stat before, after;
    sqlite3 *db = NULL;
    if (stat(path, &before) != 0)
        return collab_err_set(err, "%s: %s", path, strerror(errno));
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        collab_err_set(err, "%s: cannot open: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    int rc = quick_check(db, path, err);
    sqlite3_close(db);
    if (rc == 0 && (stat(path, &after) != 0 || !store_same_file(&before, &after)))
        rc = collab_err_set(err, "%s: changed while it was checked", path);
    return rc == 0 ? store_published_record(path, &before, err) : -1;
}

/* Create an empty file with mode 0600 so SQLite never makes it world-readable. */
static int precreate(const char *path, struct collab_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return collab_err_set(err, "%s: cannot create: %s", path, strerror(errno));
    close(fd);
    return 0;
}

sqlite3 *store_open(const char *path, enum store_kind kind, int flags,
                    struct collab_err *err)
{
    sqlite3 *db = NULL;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    int created = 0;

    if (!exists) {
        if (!(flags & STORE_CREATE)) {
            collab_err_set(err, "%s: no such %s store", path, store_kind_name(kind));
            return NULL;
        }
        if (precreate(path, err) != 0)
            return NULL;
        created = 1;
    } else if (!S_ISREG(sb.st_mode)) {
        collab_err_set(err, "%s: not a regular file", path);
        return NULL;
    }
    int oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path, &db, oflags, NULL) != SQLITE_OK) {
        collab_err_set(err, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(db, 1);
    if (harden(db, err) != 0) {
        collab_err_prefix(err, path);
        goto fail;
    }
    if (!created && !(flags & STORE_NOCHECK) && check_once(db, path, &sb, err) != 0)
        goto fail;
    if (is_empty(db) && !(flags & STORE_READONLY) && (created || (flags & STORE_CREATE))) {
        if (set_page_size(db, kind, err) != 0 || set_journal(db, kind, err) != 0
            || migrate(db, kind, 0, err) != 0) {
            collab_err_prefix(err, path);
            goto fail;
        }
        return db;
    }
    if (check_identity(db, path, kind, flags, err) != 0)
        goto fail;
    if (!(flags & STORE_READONLY) && set_journal(db, kind, err) != 0) {
        collab_err_prefix(err, path);
        goto fail;
    }
    return db;
fail:
    sqlite3_close(db);
    if (created)
        unlink(path);
    return NULL;
}

sqlite3 *store_create(const char *path, enum store_kind kind, struct collab_err *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0) {
        collab_err_set(err, "%s: already exists", path);
        return NULL;
    }
    return store_open(path, kind, STORE_CREATE | STORE_NOCHECK, err);
}

void store_close(sqlite3 *db)
{
    if (db)
        sqlite3_close_v2(db);
}

char *store_group_path(const char *data_dir, const char *group_id)
{
    struct strbuf sb = STRBUF_INIT;
    sb_addf(&sb, "group-%s.db", group_id);
    char *p = util_path_join(data_dir, sb_str(&sb));
    sb_free(&sb);
    return p;
}

char *store_school_path(const char *data_dir, long urn)
{
    char name[64];
    snprintf(name, sizeof name, "school-%ld.db", urn);
    return util_path_join(data_dir, name);
}

char *store_eval_path(const char *data_dir, const char *group_id)
{
    struct strbuf sb = STRBUF_INIT;
    sb_addf(&sb, "eval-%s.db", group_id);
    char *p = util_path_join(data_dir, sb_str(&sb));
    sb_free(&sb);
    return p;
}
