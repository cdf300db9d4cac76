/*
 * Fault injection (issue 9): every allocation SQLite makes failing in turn,
 * collab's own allocations failing in turn, and every write and sync failing
 * in turn, over an import into a source store. Each failed run must end in a
 * clean error (non-zero status and a message), leave the store exactly as it
 * was, and leak nothing (CI runs this under ASan and valgrind). Also: the
 * SQLite hardening store_open applies (DEFENSIVE, no writable_schema).
 *
 * Publish and report have the same loops in test_faults_publish.c. Config
 * loading cannot fail softly: its allocations are collab's own and end the
 * process with "collab: out of memory".
 */
#include "config.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sys/wait.h>
#include <unistd.h>

#include "collab/config.h"
#include "collab/import.h"
#include "collab/store.h"
#include "collab/util.h"
#include "fault_mem.h"
#include "fault_vfs.h"
#include "tap.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* ---- the store and its digest --------------------------------------------- */

static char dir[256], store[300], results[300];

static void good_path(char *buf, size_t n, const char *kind)
{
    snprintf(buf, n, "%s/tests/data/import/good/%s.csv", COLLAB_SRCDIR, kind);
}

/* A fresh store holding the good set except its results. */
static void make_store(void)
{
    static const char *const kinds[] = { "schools", "pupils", "estimates" };
    struct collab_err err;
    char path[4096];
    collab_err_clear(&err);
    static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        char p[400];
        snprintf(p, sizeof p, "%s%s", store, ext[i]);
        unlink(p);
    }
    sqlite3 *db = store_open(store, STORE_SOURCE, STORE_CREATE, &err);
    for (size_t i = 0; db && i < sizeof kinds / sizeof kinds[0]; i++) {
        enum imp_kind k;
        struct imp_report rep;
        memset(&rep, 0, sizeof rep);
        imp_kind_parse(kinds[i], &k);
        good_path(path, sizeof path, kinds[i]);
        if (imp_import_file(db, k, path, NULL, &rep, &err) != 0)
            ok(0, "setup import of %s: %s", kinds[i], rep.shown ? rep.problems[0] : err.msg);
        imp_report_free(&rep);
    }
    store_close(db);
}

/* What an import may change, read with no fault armed; "" if unreadable. */
static char *digest(void)
{
    struct strbuf sb = STRBUF_INIT;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    const char *sql =
        "SELECT (SELECT count(*) || '/' || total(points) FROM result) || ' ' ||"
        " (SELECT count(*) || '/' || total(att8) || '/' || total(p8) FROM pupil_ks4) || ' ' ||"
        " (SELECT count(*) FROM import_log) || ' ' ||"
        " coalesce((SELECT group_concat(pupil || subject || grade, ',') FROM"
        "  (SELECT * FROM result ORDER BY pupil, subject)), '') || ' ' ||"
        " (SELECT integrity_check FROM pragma_integrity_check)";
    if (sqlite3_open_v2(store, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        sb_add(&sb, sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "NULL");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return sb_detach(&sb);
}

/* One import of the results, as collab import does it: open, import, close.
 * Returns 0 on success; otherwise -1 and whether a message was given. */
static int import_results(int *said_why, char *why, size_t whylen)
{
    struct collab_err err;
    struct imp_report rep;
    enum imp_kind k;
    int rc = -1;
    collab_err_clear(&err);
    memset(&rep, 0, sizeof rep);
    imp_kind_parse("results", &k);
    sqlite3 *db = store_open(store, STORE_SOURCE, 0, &err);
    if (db)
        rc = imp_import_file(db, k, results, NULL, &rep, &err);
    store_close(db);
    *said_why = err.set || rep.total > 0;
    snprintf(why, whylen, "%s", err.set ? err.msg : rep.total ? rep.problems[0] : "");
    imp_report_free(&rep);
    return rc;
}

/* ---- the loops ------------------------------------------------------------ */

static void sqlite_malloc_loop(void)
{
    make_store();
    char *before = digest();
    long n, failures = 0, unclean = 0, changed = 0;
    char why[COLLAB_ERR_MAX], first_why[COLLAB_ERR_MAX] = "";
    long leaks = 0;
    sqlite3_int64 base_mem = 0, hi0 = 0;
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &base_mem, &hi0, 0);
    for (n = 1; n < 20000; n++) {
        int said;
        fault_mem_arm(n);
        int rc = import_results(&said, why, sizeof why);
        int fired = fault_mem_fired();
        fault_mem_arm(0);
        sqlite3_int64 cur = 0, hi = 0;
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hi, 0);
        if (cur != base_mem && leaks++ < 3)
            diag("malloc %ld: SQLite holds %lld bytes more after the run (%s)", n,
                 (long long)(cur - base_mem), why);
        if (rc == 0 && !fired)
            break;
        char *now = digest();
        if (rc == 0) {
            /* SQLite recovered from the failure by itself: fine, but then the
             * import must have happened whole. Start again from before. */
            ok(strcmp(now, before) != 0, "malloc %ld failed, import succeeded whole", n);
            free(now);
            make_store();
            continue;
        }
        failures++;
        if (!first_why[0])
            snprintf(first_why, sizeof first_why, "%s", why);
        if (!said) {
            unclean++;
            diag("malloc %ld: failed without a message", n);
        }
        if (strcmp(now, before) != 0) {
            if (changed++ < 3)
                diag("malloc %ld: store changed: %s\n#   before: %.300s\n#   now:    %.300s",
                     n, why, before, now);
        }
        free(now);
    }
    ok(n < 20000, "SQLite malloc loop: the import completes once no allocation fails (after %ld)", n - 1);
    ok(failures > 10, "SQLite malloc loop: %ld runs failed an allocation", failures);
    is_int(unclean, 0, "SQLite malloc loop: every failed run says why (e.g. '%s')", first_why);
    is_int(changed, 0, "SQLite malloc loop: every failed run leaves the store as it was");
    is_int(leaks, 0, "SQLite malloc loop: every run frees what SQLite allocated (connections closed)");
    char *after = digest();
    ok(strcmp(after, before) != 0, "SQLite malloc loop: the final run imported the results");
    free(after);
    free(before);
}

static void io_loop(enum fault_op op, const char *name)
{
    make_store();
    char *before = digest();
    long n, failures = 0, unclean = 0, changed = 0;
    char why[COLLAB_ERR_MAX], first_why[COLLAB_ERR_MAX] = "";
    for (n = 1; n < 10000; n++) {
        int said;
        fault_vfs_arm(op, n);
        int rc = import_results(&said, why, sizeof why);
        int fired = fault_vfs_fired();
        fault_vfs_arm(op, 0);
        if (rc == 0 && !fired)
            break;
        if (rc == 0) {
            /* A failure SQLite recovered from, or one in the checkpoint after
             * the commit: the import must then be there, whole. */
            char *now = digest();
            if (strcmp(now, before) == 0 || strcmp(now + strlen(now) - 3, " ok") != 0) {
                changed++;
                diag("%s %ld: reported success without the import", name, n);
            }
            free(now);
            make_store();
            continue;
        }
        failures++;
        if (!first_why[0])
            snprintf(first_why, sizeof first_why, "%s", why);
        if (!said)
            unclean++;
        char *now = digest();
        if (strcmp(now, before) != 0) {
            changed++;
            diag("%s %ld: store changed (%s)", name, n, why);
        }
        free(now);
    }
    ok(n < 10000, "%s loop: the import completes once nothing fails (after %ld)", name, n - 1);
    ok(failures > 0, "%s loop: %ld runs failed", name, failures);
    is_int(unclean, 0, "%s loop: every failed run says why (e.g. '%s')", name, first_why);
    is_int(changed, 0, "%s loop: after reopening, the store is as it was (rolled back)", name);
    free(before);
}

/* collab's own allocations (util_x*) end the process with "collab: out of
 * memory" and exit 1, so that loop runs in children: each caps its data
 * segment (RLIMIT_DATA) a little higher than the last, above what it uses
 * already, so that some allocation - collab's or SQLite's - fails at a
 * different point of the import each time. Every child must exit 0 or 1
 * (never a signal), with "collab: out of memory" or a message, and the store
 * must be unchanged after every failure. ASan and valgrind need address
 * space of their own, so the loop is skipped under them. */
#ifndef UNDER_ASAN
static long data_bytes(void)
{
    long size = 0, rss = 0, shared = 0, text = 0, lib = 0, data = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    int n = fscanf(f, "%ld %ld %ld %ld %ld %ld", &size, &rss, &shared, &text, &lib, &data);
    fclose(f);
    return n == 6 ? data * sysconf(_SC_PAGESIZE) : -1;
}
#endif

static void oom_child_loop(void)
{
#ifdef UNDER_ASAN
    ok(1, "# SKIP address-space caps do not work under ASan");
    return;
#else
    const char *pre = getenv("LD_PRELOAD");
    if ((pre && strstr(pre, "vgpreload")) || data_bytes() < 0) {
        ok(1, "# SKIP address-space caps do not work under valgrind or without /proc");
        return;
    }
    make_store();
    char *before = digest();
    long bad = 0, oom = 0, clean = 0, done = 0;
    for (long k = 0; k < 64 && !done; k++) {
        int pipefd[2];
        if (pipe(pipefd) != 0)
            break;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            int said;
            char why[COLLAB_ERR_MAX];
            close(pipefd[0]);
            dup2(pipefd[1], 2);
#ifdef __GLIBC__
            /* Give free heap back, so the cap bites on the next allocations. */
            malloc_trim(0);
#endif
            struct rlimit rl;
            rl.rlim_cur = rl.rlim_max = (rlim_t)(data_bytes() + k * 32 * 1024);
            setrlimit(RLIMIT_DATA, &rl);
            int rc = import_results(&said, why, sizeof why);
            if (rc != 0)
                fprintf(stderr, "collab: %s\n", why);
            _exit(rc == 0 ? 0 : said ? 1 : 3);
        }
        close(pipefd[1]);
        char msg[4096];
        ssize_t got = read(pipefd[0], msg, sizeof msg - 1);
        msg[got > 0 ? got : 0] = '\0';
        close(pipefd[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
            bad++;
            diag("cap +%ld KiB: child %s %d: %s", k * 32,
                 WIFEXITED(status) ? "exited" : "killed by signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), msg);
            continue;
        }
        if (WEXITSTATUS(status) == 0) {
            done = 1;
            break;
        }
        if (strstr(msg, "collab: out of memory"))
            oom++;
        else
            clean++;
        char *now = digest();
        if (strcmp(now, before) != 0) {
            bad++;
            diag("cap +%ld KiB: store changed", k * 32);
        }
        free(now);
    }
    is_int(bad, 0, "memory caps: every child exits 0 or 1, the store unchanged after a failure");
    ok(oom > 0, "memory caps: %ld children ended with 'collab: out of memory' (%ld with an SQLite error)",
       oom, clean);
    ok(done, "memory caps: with enough memory the import completes");
    free(before);
#endif
}

/* ---- SQLite hardening ------------------------------------------------------ */

static void hardening(void)
{
    struct collab_err err;
    make_store();
    sqlite3 *db = store_open(store, STORE_SOURCE, 0, &err);
    ok(db != NULL, "store opens");
    if (!db)
        return;
    int on = -1;
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, -1, &on);
    is_int(on, 1, "connections are DEFENSIVE");
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &on);
    is_int(on, 0, "connections do not trust the schema");
    sqlite3_exec(db, "PRAGMA writable_schema = ON", NULL, NULL, NULL);
    int rc = sqlite3_exec(db, "UPDATE sqlite_schema SET sql = 'CREATE TABLE school(x)' "
                          "WHERE name = 'school'", NULL, NULL, NULL);
    ok(rc != SQLITE_OK, "the schema cannot be rewritten (writable_schema is ignored): %s",
       sqlite3_errmsg(db));
    rc = sqlite3_exec(db, "SELECT load_extension('/nonexistent.so')", NULL, NULL, NULL);
    ok(rc != SQLITE_OK, "extensions cannot be loaded: %s", sqlite3_errmsg(db));
    store_close(db);
    char *d = digest();
    ok(strlen(d) >= 3 && strcmp(d + strlen(d) - 3, " ok") == 0, "the store is sound afterwards");
    free(d);
}

int main(void)
{
    fault_mem_install();
    if (sqlite3_initialize() != SQLITE_OK || fault_vfs_install() != SQLITE_OK) {
        ok(0, "SQLite initialises with the fault hooks");
        return tap_done();
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/collab-faults.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        ok(0, "temporary directory");
        return tap_done();
    }
    snprintf(store, sizeof store, "%s/source.db", dir);
    good_path(results, sizeof results, "results");

    hardening();
    sqlite_malloc_loop();
    io_loop(FAULT_WRITE, "xWrite");
    io_loop(FAULT_SYNC, "xSync");
    oom_child_loop();

    make_store();
    unlink(store);
    if (rmdir(dir) != 0)
        diag("could not remove %s", dir);
    sqlite3_shutdown();
    return tap_done();
}
