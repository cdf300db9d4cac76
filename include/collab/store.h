/*
 * store: opening, creating and migrating collab's SQLite files
 * (DESIGN.md section 3). The schema of every kind of store is in
 * src/store/schema.c and described in docs/FORMATS.md.
 *
 * Every store carries PRAGMA application_id = STORE_APP_ID, its kind in
 * meta('kind') and its schema version in PRAGMA user_version. Opening a file
 * that is not an SQLite database, is of another kind, or comes from a newer
 * collab is an error with a clear message; an older schema is migrated
 * forward (writable opens only) in one transaction.
 *
 * Connections have foreign keys on, a busy timeout, SQLITE_DBCONFIG_DEFENSIVE
 * and trusted_schema=OFF. Source and evaluation stores use WAL; published
 * stores (group, school) use a rollback journal so that readers without
 * write permission on the directory can open them read-only.
 */
#ifndef COLLAB_STORE_H
#define COLLAB_STORE_H

#include <sqlite3.h>

#include "collab/err.h"

#define STORE_APP_ID 0x436f6c62   /* "Colb" */

enum store_kind { STORE_SOURCE, STORE_GROUP, STORE_SCHOOL, STORE_EVAL };

enum store_flags {
    STORE_READONLY = 1,   /* open read-only; never migrate */
    STORE_CREATE = 2,     /* create (mode 0600) and initialise if missing */
    STORE_NOCHECK = 4,    /* skip quick_check (a file this process just made) */
};

/* Current schema version of each kind. */
int store_schema_version(enum store_kind kind);
const char *store_kind_name(enum store_kind kind);

/* Open a store. Returns a connection owned by the caller (close with
 * store_close) or NULL with err ("FILE: what is wrong"). */
sqlite3 *store_open(const char *path, enum store_kind kind, int flags,
                    struct collab_err *err);

/* Create a brand-new store of a kind at path (which must not exist), mode
 * 0600, schema applied. Used by publish for its temporary files. */
sqlite3 *store_create(const char *path, enum store_kind kind,
                      struct collab_err *err);

void store_close(sqlite3 *db);

/* Check a store publish has put in place (PRAGMA quick_check) and record
 * its version beside it (DIR/.checked/NAME.ok, with the store's group and
 * read bits, in a 0711 directory of the publisher's), so readers open it
 * without checking it again while
 * it stays as it is (src/store/checked.c). 0, or -1 with err (damaged,
 * changed during the check, or the record cannot be written). */
int store_record_checked(const char *path, struct collab_err *err);

/* Run SQL with no result rows; on failure fills err with the SQLite message
 * prefixed by what, and returns -1. */
int store_exec(sqlite3 *db, const char *sql, struct collab_err *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback never fails visibly. */
int store_begin(sqlite3 *db, struct collab_err *err);
int store_commit(sqlite3 *db, struct collab_err *err);
void store_rollback(sqlite3 *db);

/* Prepare or fail with err naming the SQLite error. */
sqlite3_stmt *store_prepare(sqlite3 *db, const char *sql, struct collab_err *err);

/* The end of a loop over sqlite3_step(st) == SQLITE_ROW: rc is the last
 * step's code. 0 when the rows ran out (SQLITE_DONE); otherwise an error that
 * stopped the loop early (out of memory, I/O), -1 with err, so that a cut-off
 * read is never taken for a short answer. Finalizes st either way. */
int store_rows_done(sqlite3_stmt *st, int rc, struct collab_err *err);

/* Read / write meta(key, value). store_meta_get returns a malloc'd string or
 * NULL when the key is absent. */
char *store_meta_get(sqlite3 *db, const char *key);
int store_meta_set(sqlite3 *db, const char *key, const char *value,
                   struct collab_err *err);

/* File names of published stores inside a data directory (caller frees). */
char *store_group_path(const char *data_dir, const char *group_id);
char *store_school_path(const char *data_dir, long urn);
char *store_eval_path(const char *data_dir, const char *group_id);

#endif
