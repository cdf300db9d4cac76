/* Audit events to syslog and DATA_DIR/audit.db; see audit.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "collab/audit.h"
#include "collab/util.h"

static const char audit_ddl[] =
    "CREATE TABLE IF NOT EXISTS audit(id INTEGER PRIMARY KEY, at TEXT, login TEXT,"
    " user TEXT, action TEXT, target TEXT, detail TEXT)";

const char *audit_real_login(void)
{
    static char login[256];
    struct passwd *pw = getpwuid(getuid());
    snprintf(login, sizeof login, "%s", pw && pw->pw_name ? pw->pw_name : "");
    return login;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static void to_syslog(const char *login, const char *user, const char *action,
                      const char *target, const char *detail)
{
    openlog("collab", LOG_PID, LOG_AUTHPRIV);
    syslog(LOG_AUTHPRIV | LOG_NOTICE, "login=%s user=%s action=%s target=%s detail=%s",
           or_empty(login), or_empty(user), or_empty(action), or_empty(target),
           or_empty(detail));
    closelog();
}

/* Make the file ourselves first so SQLite never creates it with a wider mode. */
static sqlite3 *open_audit_db(const char *data_dir, int create)
{
    char *path = util_path_join(data_dir, "audit.db");
    sqlite3 *db = NULL;
    if (create) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            free(path);
            return NULL;
        }
        close(fd);
    }
    int flags = create ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        db = NULL;
    }
    free(path);
    if (db)
        sqlite3_busy_timeout(db, 5000);
    return db;
}

static void now_iso(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
}

static int to_table(const char *data_dir, const char *login, const char *user,
                    const char *action, const char *target, const char *detail)
{
    if (!data_dir)
        return 0;
    sqlite3 *db = open_audit_db(data_dir, 1);
    if (!db)
        return 0;
    sqlite3_stmt *st = NULL;
    int done = 0;
    char at[32];
    now_iso(at, sizeof at);
    if (sqlite3_exec(db, audit_ddl, NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "INSERT INTO audit(at, login, user, action, target, detail)"
                           " VALUES (?, ?, ?, ?, ?, ?)", -1, &st, NULL) == SQLITE_OK) {
        const char *vals[] = { at, login, user, action, target, detail };
        for (int i = 0; i < 6; i++)
            sqlite3_bind_text(st, i + 1, vals[i], -1, SQLITE_STATIC);
        done = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return done;
}

int audit_log(const char *data_dir, const char *login, const char *user,
              const char *action, const char *target, const char *detail)
{
    to_syslog(login, user, action, target, detail);
    return to_table(data_dir, login, user, action, target, detail);
}

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

int audit_list(const char *data_dir, const char *since, const char *user,
               int (*fn)(const struct audit_row *row, void *arg), void *arg,
               struct collab_err *err)
{
    char *path = util_path_join(data_dir, "audit.db");
    int exists = access(path, F_OK) == 0;
    free(path);
    if (!exists)
        return 0;
    sqlite3 *db = open_audit_db(data_dir, 0);
    if (!db)
        return collab_err_set(err, "%s/audit.db: cannot open", data_dir);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, at, login, user, action, target, detail"
                           " FROM audit WHERE (?1 IS NULL OR at >= ?1)"
                           " AND (?2 IS NULL OR user = ?2) ORDER BY id", -1, &st,
                           NULL) != SQLITE_OK) {
        collab_err_set(err, "%s/audit.db: %s", data_dir, sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    if (since)
        sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
    if (user)
        sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct audit_row row = {
            sqlite3_column_int64(st, 0), col(st, 1), col(st, 2), col(st, 3),
            col(st, 4), col(st, 5), col(st, 6),
        };
        if (fn(&row, arg) != 0)
            break;
    }
    int status = 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = collab_err_set(err, "%s/audit.db: %s", data_dir, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return status;
}
