/* Audit events to syslog and DATA_DIR/audit.db; see audit.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
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

#ifndef _PATH_LOG
#define _PATH_LOG "/dev/log"
#endif

/* Send one message to the local syslog socket, as a datagram or, where the
 * daemon listens on a stream, as a NUL-terminated record. 1 when it was
 * taken: syslog(3) cannot say, and an event nobody took is not recorded. */
static int send_log(const char *msg, size_t len)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", _PATH_LOG);
    int types[] = { SOCK_DGRAM, SOCK_STREAM };
    for (int i = 0; i < 2; i++) {
        int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return 0;
        int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
                 send(fd, msg, types[i] == SOCK_STREAM ? len + 1 : len, MSG_NOSIGNAL) >= 0;
        int wrong_type = !ok && errno == EPROTOTYPE;
        close(fd);
        if (ok || !wrong_type)
            return ok;
    }
    return 0;
}

/* authpriv.notice (RFC 3164 header: the daemon stamps the host). */
static int to_syslog(const char *login, const char *user, const char *action,
                     const char *target, const char *detail)
{
    char stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    struct strbuf msg = STRBUF_INIT;
    sb_addf(&msg, "<%d>%s collab[%ld]: login=%s user=%s action=%s target=%s detail=%s",
            LOG_AUTHPRIV | LOG_NOTICE, stamp, (long)getpid(), or_empty(login),
            or_empty(user), or_empty(action), or_empty(target), or_empty(detail));
    int ok = send_log(sb_str(&msg), msg.len);
    sb_free(&msg);
    return ok;
}

/* Make the file ourselves first so SQLite never creates it with a wider mode. */
static sqlite3 *open_audit_db(const char *data_dir, int create)
{
    char *path = util_path_join(data_dir, "audit.db");
    sqlite3 *db = NULL;
    if (create) {
        int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
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

struct audit_sink {
    sqlite3 *db;
    sqlite3_stmt *insert;
};

/* WAL with synchronous=NORMAL: a row costs an append to the log, not the
 * four fdatasyncs of a rollback journal; a committed row survives a crash
 * of collab, and syslog has every event even if power fails first. */
struct audit_sink *audit_sink_open(const char *data_dir)
{
    if (!data_dir)
        return NULL;
    sqlite3 *db = open_audit_db(data_dir, 1);
    sqlite3_stmt *st = NULL;
    if (!db)
        return NULL;
    if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, audit_ddl, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, "INSERT INTO audit(at, login, user, action, target, detail)"
                           " VALUES (?, ?, ?, ?, ?, ?)", -1, SQLITE_PREPARE_PERSISTENT,
                           &st, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    struct audit_sink *a = util_xcalloc(1, sizeof *a);
    a->db = db;
    a->insert = st;
    return a;
}

static int to_table(struct audit_sink *a, const char *login, const char *user,
                    const char *action, const char *target, const char *detail)
{
    char at[32];
    now_iso(at, sizeof at);
    const char *vals[] = { at, login, user, action, target, detail };
    for (int i = 0; i < 6; i++)
        sqlite3_bind_text(a->insert, i + 1, vals[i], -1, SQLITE_STATIC);
    int done = sqlite3_step(a->insert) == SQLITE_DONE;
    sqlite3_reset(a->insert);
    sqlite3_clear_bindings(a->insert);
    return done;
}

int audit_sink_log(struct audit_sink *a, const char *login, const char *user,
                   const char *action, const char *target, const char *detail)
{
    int got = to_syslog(login, user, action, target, detail) ? AUDIT_SYSLOG : 0;
    if (a && to_table(a, login, user, action, target, detail))
        got |= AUDIT_TABLE;
    return got;
}

void audit_sink_close(struct audit_sink *a)
{
    if (!a)
        return;
    sqlite3_finalize(a->insert);
    sqlite3_close(a->db);
    free(a);
}

int audit_log(const char *data_dir, const char *login, const char *user,
              const char *action, const char *target, const char *detail)
{
    struct audit_sink *a = audit_sink_open(data_dir);
    int done = audit_sink_log(a, login, user, action, target, detail);
    audit_sink_close(a);
    return done;
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
