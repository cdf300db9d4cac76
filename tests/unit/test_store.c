#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collab/store.h"
#include "collab/util.h"
#include "tap.h"

static char dir[] = "/tmp/collab-store-XXXXXX";

static char *path(const char *leaf)
{
    return util_path_join(dir, leaf);
}

int main(void)
{
    struct collab_err err = { 0 };
    if (!mkdtemp(dir))
        return 1;

    char *src = path("source.db");
    sqlite3 *db = store_open(src, STORE_SOURCE, STORE_CREATE, &err);
    ok(db != NULL, "create a source store");
    struct stat sb;
    ok(stat(src, &sb) == 0 && (sb.st_mode & 0777) == 0600, "created with mode 0600");
    char *kind = store_meta_get(db, "kind");
    is_str(kind, "source", "meta records the kind");
    free(kind);
    sqlite3_stmt *st = store_prepare(db, "PRAGMA foreign_keys", &err);
    ok(st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1, "foreign keys on");
    sqlite3_finalize(st);
    st = store_prepare(db, "PRAGMA journal_mode", &err);
    ok(st && sqlite3_step(st) == SQLITE_ROW &&
       strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0, "source store uses WAL");
    sqlite3_finalize(st);
    ok(store_exec(db, "INSERT INTO pupil(id, school, year, key_stage, gender, fsm6, eal, sen)"
                      " VALUES ('P1', 999, 2019, 4, 'F', 0, 0, 'N')", &err) != 0,
       "a pupil at an unknown school is refused by the foreign key");
    store_close(db);

    db = store_open(src, STORE_SOURCE, 0, &err);
    ok(db != NULL, "reopen an existing store");
    store_exec(db, "PRAGMA user_version = 99", &err);
    store_close(db);
    db = store_open(src, STORE_SOURCE, 0, &err);
    ok(db == NULL, "a store from a newer collab is refused");
    like(err.msg, "newer collab", "and the message says so");

    db = store_open(src, STORE_GROUP, 0, &err);
    ok(db == NULL, "a source store is not opened as a group store");

    char *junk = path("junk.db");
    FILE *fp = fopen(junk, "w");
    fputs("this is not a database, just some text that is long enough to matter\n", fp);
    fclose(fp);
    db = store_open(junk, STORE_SOURCE, 0, &err);
    ok(db == NULL, "a text file is not a store");
    like(err.msg, "junk.db", "the message names the file");

    char *missing = path("missing.db");
    db = store_open(missing, STORE_GROUP, STORE_READONLY, &err);
    ok(db == NULL && access(missing, F_OK) != 0, "opening a missing store read-only creates nothing");

    char *grp = path("group-x.db");
    db = store_create(grp, STORE_GROUP, &err);
    ok(db != NULL, "create a group store");
    store_close(db);
    db = store_open(grp, STORE_GROUP, STORE_READONLY, &err);
    ok(db != NULL, "open the group store read-only");
    ok(store_exec(db, "INSERT INTO meta VALUES ('a', 'b')", &err) != 0, "a read-only open cannot write");
    store_close(db);

    free(src); free(junk); free(missing); free(grp);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return tap_done();
}
