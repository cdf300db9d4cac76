#include "config.h"

#include <dirent.h>
#include <fcntl.h>
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

/* ---- quick_check once per file version ------------------------------------ */

static char *cache_dir;     /* $XDG_CACHE_HOME/collab/checked */

/* The one entry in the cache directory (its path), or NULL when there are
 * none or several; *count gets how many there are. */
static char *only_entry(int *count)
{
    DIR *d = opendir(cache_dir);
    char *found = NULL;
    *count = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        free(found);
        found = util_path_join(cache_dir, e->d_name);
        (*count)++;
    }
    if (d)
        closedir(d);
    if (*count != 1) {
        free(found);
        found = NULL;
    }
    return found;
}

static int entries(void)
{
    int n;
    free(only_entry(&n));
    return n;
}

/* A group store with a school table of a few pages. */
static void make_group(const char *file)
{
    struct collab_err err = { 0 };
    sqlite3 *db = store_create(file, STORE_GROUP, &err);
    store_exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
               "WHERE i < 500) INSERT INTO school(urn, name, ord) "
               "SELECT 100000 + i, 'School number ' || i, i FROM n", &err);
    store_close(db);
}

/* Damage the page type byte of the school table's root page, in place,
 * keeping the size and (as someone hiding it would) the mtime. */
static void corrupt(const char *file)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int root = 0, psize = 0;
    struct stat before;
    stat(file, &before);
    sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL);
    if (sqlite3_prepare_v2(db, "SELECT rootpage, (SELECT page_size FROM pragma_page_size) "
                           "FROM sqlite_schema WHERE name = 'school'", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        root = sqlite3_column_int(st, 0);
        psize = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    int fd = open(file, O_WRONLY);
    if (fd >= 0 && root > 1 && pwrite(fd, "\377", 1, (off_t)(root - 1) * psize) != 1)
        root = 0;
    if (fd >= 0)
        close(fd);
    struct timespec times[2] = { before.st_atim, before.st_mtim };
    utimensat(AT_FDCWD, file, times, 0);
}

/* Rewrite an entry's identity line (the second) for file as it is now: what
 * a successful check of this version would have recorded. */
static void forge(const char *entry, const char *file)
{
    char text[8192], rest[8192];
    struct stat sb;
    FILE *fp = fopen(entry, "r");
    size_t n = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
    if (fp)
        fclose(fp);
    text[n] = '\0';
    char *line2 = strchr(text, '\n'), *line3 = line2 ? strchr(line2 + 1, '\n') : NULL;
    if (!line3 || stat(file, &sb) != 0)
        return;
    snprintf(rest, sizeof rest, "%s", line3);
    snprintf(line2 + 1, sizeof text - (size_t)(line2 + 1 - text),
             "%llu %llu %lld %lld.%09ld %lld.%09ld%s", (unsigned long long)sb.st_dev,
             (unsigned long long)sb.st_ino, (long long)sb.st_size,
             (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec,
             (long long)sb.st_ctim.tv_sec, (long)sb.st_ctim.tv_nsec, rest);
    fp = fopen(entry, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

static int opens(const char *file, struct collab_err *err)
{
    collab_err_clear(err);
    sqlite3 *db = store_open(file, STORE_GROUP, STORE_READONLY, err);
    store_close(db);
    return db != NULL;
}

static void check_cache(void)
{
    struct collab_err err = { 0 };
    char *xdg = path("cache");
    setenv("XDG_CACHE_HOME", xdg, 1);
    cache_dir = util_path_join(xdg, "collab/checked");
    char *g = path("g.db"), *other = path("other.db"), *bad = path("bad.db");
    char *fresh = path("fresh.db"), *journal = path("g.db-journal");
    make_group(g);
    make_group(other);
    make_group(bad);
    corrupt(bad);
    /* A file changed within the last two seconds is checked but not
     * recorded (a write in the same clock tick would go unseen). */
    ok(opens(g, &err) && entries() == 0, "a store changed just now is checked, not recorded");
    sleep(3);

    ok(opens(g, &err), "an old, sound store opens");
    int n;
    char *entry = only_entry(&n);
    ok(entry != NULL, "its version is recorded in $XDG_CACHE_HOME/collab/checked");
    struct stat sb;
    ok(entry && stat(entry, &sb) == 0 && (sb.st_mode & 0777) == 0600, "the record is mode 0600");
    ok(stat(cache_dir, &sb) == 0 && (sb.st_mode & 0777) == 0700, "its directory is mode 0700");
    ok(opens(g, &err) && entries() == 1, "a second open of the same version adds nothing");

    corrupt(g);
    ok(!opens(g, &err), "the recorded store, damaged in place (size and mtime kept), is "
       "checked again and refused");
    like(err.msg, "database is damaged", "  with the quick_check message");

    /* What the record buys: a version recorded as checked is not read again.
     * (Only the user can write the record: that is what the modes guard.) */
    forge(entry, g);
    ok(opens(g, &err), "a version recorded as checked is not checked again");
    make_group(fresh);
    if (entry)
        chmod(cache_dir, 0777);
    ok(!opens(g, &err), "a cache directory others may write is not trusted");
    chmod(cache_dir, 0700);
    FILE *fp = fopen(journal, "w");
    if (fp)
        fclose(fp);
    ok(!opens(g, &err), "a store with a -journal beside it is always checked");
    unlink(journal);
    const char *home = getenv("HOME");
    char *saved_home = home ? util_xstrdup(home) : NULL;
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    ok(!opens(g, &err), "without a home or cache directory every open is checked");
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_home);
    setenv("XDG_CACHE_HOME", xdg, 1);

    /* Publish replaces a store by rename: the new file is a new version. */
    ok(opens(other, &err) && entries() == 2, "a second store gets its own record");
    ok(rename(bad, other) == 0 && !opens(other, &err),
       "a damaged file renamed over a recorded store is checked and refused");
    ok(opens(fresh, &err) && entries() == 2, "a store made a moment ago is not recorded");
    free(entry);
    free(xdg); free(g); free(other); free(bad); free(fresh); free(journal);
    free(cache_dir);
}

/* The publisher's record (store_record_checked): a store checked at publish
 * opens unchecked for every reader, even one without a personal cache, while
 * it stays as it was and only its owner could have written it and the
 * record. */
static void check_published(void)
{
    struct collab_err err = { 0 };
    char *g = path("pub.db"), *entry = path(".checked/pub.db.ok"), *rec = path(".checked");
    const char *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME");
    char *saved_home = home ? util_xstrdup(home) : NULL;
    char *saved_xdg = xdg ? util_xstrdup(xdg) : NULL;
    unsetenv("HOME");
    unsetenv("XDG_CACHE_HOME");
    make_group(g);
    is_int(store_record_checked(g, &err), 0, "publish checks a store and records it");
    struct stat sb;
    struct stat store_sb;
    int stated = stat(entry, &sb) == 0 && stat(g, &store_sb) == 0;
    ok(stated && (sb.st_mode & 0777) == (store_sb.st_mode & 0640) &&
       sb.st_gid == store_sb.st_gid, "beside it: .checked/NAME.ok, readable by the store's "
       "readers (%o)", stated ? (unsigned)(sb.st_mode & 0777) : 0u);
    ok(stat(rec, &sb) == 0 && (sb.st_mode & 0777) == 0711, "in a 0711 directory");
    ok(opens(g, &err), "the store opens");
    corrupt(g);
    ok(!opens(g, &err), "damaged in place after publish (size and mtime kept): checked and "
       "refused");
    is_int(store_record_checked(g, &err), -1, "publish does not record a damaged store");
    like(err.msg, "database is damaged", "  and says why");
    forge(entry, g);
    ok(opens(g, &err), "a version the publisher recorded is not checked again, without a "
       "personal cache");
    chmod(rec, 0777);
    ok(!opens(g, &err), "a record directory others may write is not trusted");
    chmod(rec, 0711);
    chmod(entry, 0666);
    ok(!opens(g, &err), "nor a record others may write");
    chmod(entry, 0644);
    chmod(g, 0664);
    ok(!opens(g, &err), "a store others may write is always checked");
    chmod(g, 0644);
    ok(!opens(g, &err), "and with its mode back it is another version (ctime): checked");
    if (saved_home)
        setenv("HOME", saved_home, 1);
    if (saved_xdg)
        setenv("XDG_CACHE_HOME", saved_xdg, 1);
    free(saved_home);
    free(saved_xdg);
    free(g);
    free(entry);
    free(rec);
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
    check_cache();
    check_published();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return tap_done();
}
