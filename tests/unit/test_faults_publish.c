/*
 * Fault injection over publish and report (issue 9), on the tiny source of
 * tests/data/publish: every allocation SQLite makes failing in turn, and
 * every write and every sync failing in turn, N = 1, 2, ... until the
 * operation completes. A failed publish must say why, leave the data
 * directory exactly as the previous publish left it (the same files, the same
 * rows, no temporary file) and the source store as it was; a publish that
 * succeeds despite the fault must have written exactly what a publish with
 * no fault writes. A failed report must say why; one that succeeds must
 * print what a report with no fault prints. Every run must give back what
 * SQLite allocated (connections closed); collab's own allocations are
 * checked by ASan and valgrind, which CI runs this under. (Import has the
 * same loops in test_faults.c.)
 */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collab/audit.h"
#include "collab/config.h"
#include "collab/model.h"
#include "collab/publish.h"
#include "collab/store.h"
#include "collab/util.h"
#include "fault_mem.h"
#include "fault_vfs.h"
#include "tap.h"

#define FIX COLLAB_SRCDIR "/tests/data/publish"

#define TODAY "2019-09-30"

/* ---- the work directory: work/source.db, work/data/, a saved copy ------- */

static char top[256], work[300], saved[300], data[320], source[320], confdir[300];
static struct cfg cfg;

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* Put the work directory back as it was before the loop's first run. */
static void restore(void)
{
    if (sh("rm -rf '%s'", work) != 0 ||
        sh("cp -a '%s' '%s'", saved, work) != 0)
        diag("could not restore %s", work);
}

/* The config of tests/data/publish with this process's login as asha's and
 * Attainment 8 a headline indicator, so that the overview has a figure. */
static int make_config(void)
{
    static const char *const edit[][3] = {
        { "indicators.yaml", "    short: A8\n", "    short: A8\n    headline: true\n" },
        { "filters.yaml", NULL, NULL },
        { "evaluation.yaml", NULL, NULL },
        { "groups.yaml", "login: asha", NULL },
    };
    snprintf(confdir, sizeof confdir, "%s/config", top);
    if (sh("mkdir -p '%s'", confdir) != 0)
        return -1;
    for (size_t i = 0; i < sizeof edit / sizeof edit[0]; i++) {
        char in[512], out[512], login[300];
        snprintf(in, sizeof in, FIX "/config/%s", edit[i][0]);
        snprintf(out, sizeof out, "%s/%s", confdir, edit[i][0]);
        snprintf(login, sizeof login, "login: %s", audit_real_login());
        const char *to = edit[i][2] ? edit[i][2] : login;
        char *s = util_read_file(in);
        const char *at = s && edit[i][1] ? strstr(s, edit[i][1]) : NULL;
        FILE *f = fopen(out, "w");
        if (!s || !f || (edit[i][1] && !at)) {
            free(s);
            if (f)
                fclose(f);
            return -1;
        }
        if (at)
            fprintf(f, "%.*s%s%s", (int)(at - s), s, to, at + strlen(edit[i][1]));
        else
            fputs(s, f);
        fclose(f);
        free(s);
    }
    struct collab_err err = { 0 };
    if (cfg_load_dir(confdir, &cfg, &err) != 0) {
        diag("%s", err.msg);
        return -1;
    }
    return 0;
}

static int publish_now(struct collab_err *err)
{
    struct publish_opts o = { source, data, NULL, TODAY, NULL };
    struct publish_result res;
    memset(&res, 0, sizeof res);
    collab_err_clear(err);
    int rc = publish_run(&cfg, &o, &res, err);
    publish_result_free(&res);
    return rc;
}

static int exec_source(const char *sql, int create)
{
    struct collab_err err = { 0 };
    sqlite3 *db = store_open(source, STORE_SOURCE, create ? STORE_CREATE : 0, &err);
    int rc = db && store_exec(db, sql, &err) == 0 ? 0 : -1;
    if (rc != 0)
        diag("source store: %s", err.msg);
    store_close(db);
    return rc;
}

/* A source store published once (the "before" of every publish in the
 * loops), then changed, so that the next publish has something to replace. */
static int make_work(void)
{
    snprintf(work, sizeof work, "%s/work", top);
    snprintf(saved, sizeof saved, "%s/saved", top);
    snprintf(data, sizeof data, "%s/data", work);
    snprintf(source, sizeof source, "%s/source.db", work);
    char *sql = util_read_file(FIX "/source.sql");
    struct collab_err err = { 0 };
    int rc = sql && sh("mkdir -p '%s'", work) == 0 && exec_source(sql, 1) == 0 ? 0 : -1;
    free(sql);
    if (rc == 0 && publish_now(&err) != 0) {
        diag("first publish: %s", err.msg);
        rc = -1;
    }
    if (rc == 0)
        rc = exec_source("UPDATE pupil_ks4 SET att8 = att8 + 3 WHERE pupil LIKE 'ALD-%';"
                         "DELETE FROM result WHERE subject = 'HISTORY' AND pupil = 'ALD-12';", 0);
    if (rc == 0)
        rc = sh("cp -a '%s' '%s'", work, saved) == 0 ? 0 : -1;
    return rc;
}

/* ---- what must not change ------------------------------------------------ */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dir but "." names and the work directory's data/, sorted;
 * each name malloc'd. */
static size_t sorted_names(const char *dir, char **names, size_t max)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && strcmp(e->d_name, "data") != 0 && n < max)
            names[n++] = util_xstrdup(e->d_name);
    if (d)
        closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    return n;
}

/* Every row of every table of one store, but the publish time. */
static void dump_store(struct strbuf *sb, const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *tabs = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
                           -1, &tabs, NULL) != SQLITE_OK) {
        sb_addf(sb, "unreadable: %s\n", db ? sqlite3_errmsg(db) : "");
        sqlite3_close(db);
        return;
    }
    while (sqlite3_step(tabs) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(tabs, 0);
        /* the time and the run differ from run to run, nothing else may */
        char *q = sqlite3_mprintf(strcmp(t, "meta") == 0
                                      ? "SELECT * FROM meta WHERE key NOT IN "
                                        "('published_at', 'publish_generation') ORDER BY 1"
                                      : "SELECT * FROM \"%w\" ORDER BY 1, 2, 3",
                                  t);
        sqlite3_stmt *st = NULL;
        sb_addf(sb, "[%s]\n", t);
        if (q && sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK)
            while (sqlite3_step(st) == SQLITE_ROW) {
                for (int i = 0; i < sqlite3_column_count(st); i++) {
                    const char *v = (const char *)sqlite3_column_text(st, i);
                    sb_addf(sb, "%s|", v ? v : "NULL");
                }
                sb_addc(sb, '\n');
            }
        sqlite3_finalize(st);
        sqlite3_free(q);
    }
    sqlite3_finalize(tabs);
    sqlite3_stmt *ic = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &ic, NULL) == SQLITE_OK &&
        sqlite3_step(ic) == SQLITE_ROW)
        sb_addf(sb, "integrity: %s\n", (const char *)sqlite3_column_text(ic, 0));
    sqlite3_finalize(ic);
    sqlite3_close(db);
}

/* The names of the files in the data directory and the rows of each store,
 * then the source store. Evaluation stores are named but not read: publish
 * creates them once and never writes them again. */
static char *state(void)
{
    struct strbuf sb = STRBUF_INIT;
    char *names[64];
    size_t n = sorted_names(data, names, 64);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        sb_addf(&sb, "== %s\n", names[i]);
        if (len > 3 && strcmp(names[i] + len - 3, ".db") == 0 && strncmp(names[i], "eval-", 5) != 0) {
            char path[700];
            snprintf(path, sizeof path, "%s/%s", data, names[i]);
            dump_store(&sb, path);
        }
        free(names[i]);
    }
    sb_add(&sb, "== source\n");
    dump_store(&sb, source);
    return sb_detach(&sb);
}

/* The same, cheaply: every file's name, size and a hash of its bytes (FNV-1a).
 * A failed publish must not have touched a byte of the previous stores or of
 * the source, so this is the check on the many runs that fail. */
static char *file_state(void)
{
    struct strbuf sb = STRBUF_INIT;
    const char *dirs[] = { data, work };
    for (size_t i = 0; i < 2; i++) {
        char *names[64];
        size_t n = sorted_names(dirs[i], names, 64);
        for (size_t j = 0; j < n; j++) {
            char path[700];
            snprintf(path, sizeof path, "%s/%s", dirs[i], names[j]);
            unsigned long long h = 14695981039346656037ULL;
            long size = 0;
            unsigned char buf[65536];
            size_t got;
            FILE *f = fopen(path, "rb");
            while (f && (got = fread(buf, 1, sizeof buf, f)) > 0)
                for (size_t b = 0; b < got; b++, size++)
                    h = (h ^ buf[b]) * 1099511628211ULL;
            if (f)
                fclose(f);
            sb_addf(&sb, "%s %ld %llx\n", names[j], size, h);
            free(names[j]);
        }
    }
    return sb_detach(&sb);
}

/* ---- the two operations ----------------------------------------------------- */

struct subject {
    const char *name;
    /* 0 on success; -1 with why filled (empty when nothing was said). */
    int (*run)(char *why, size_t whylen);
};

static int run_publish(char *why, size_t whylen)
{
    struct collab_err err;
    int rc = publish_now(&err);
    snprintf(why, whylen, "%s", rc != 0 && err.set ? err.msg : "");
    return rc;
}

/* What a report of the group overview under fsm6=yes, the schools, the
 * subjects, maths across the schools and the schools like Alder prints, as `collab report --format csv` prints it; NULL and why on failure. */
static char *report_text(char *why, size_t whylen)
{
    struct collab_err err;
    collab_err_clear(&err);
    why[0] = '\0';
    struct model_open_args a = { .data_dir = data, .cfg = &cfg, .group_id = "pair" };
    struct model *m = model_open(&a, &err);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    int rc = m && out ? 0 : -1;
    const struct model_query views[] = {
        { .view = MODEL_VIEW_OVERVIEW, .sort_col = -1 },
        { .view = MODEL_VIEW_SCHOOLS, .sort_col = -1 },
        { .view = MODEL_VIEW_SUBJECTS, .sort_col = -1 },
        { .view = MODEL_VIEW_SUBJECT, .subject = "MATHS", .sort_col = -1 },
        { .view = MODEL_VIEW_SIMILAR, .urn = 100001, .sort_col = -1 },
    };
    for (size_t v = 0; rc == 0 && v < sizeof views / sizeof views[0]; v++) {
        struct model_query q = views[v];
        struct model_table t;
        memset(&t, 0, sizeof t);
        if (!v)
            rc = model_filter_parse(&cfg, "fsm6=yes", &q.filter, &err);
        if (rc == 0)
            rc = model_query(m, &q, &t, &err);
        if (rc == 0)
            rc = model_table_write(&t, MODEL_FMT_CSV, out);
        model_table_free(&t);
    }
    model_close(m);
    if (out)
        fclose(out);
    if (rc != 0) {
        snprintf(why, whylen, "%s", err.set ? err.msg : "");
        free(buf);
        return NULL;
    }
    return buf;
}

static char *report_expected;

static int run_report(char *why, size_t whylen)
{
    char *text = report_text(why, whylen);
    if (!text)
        return -1;
    int same = strcmp(text, report_expected) == 0;
    if (!same && !getenv("FAULT_QUIET"))
        diag("report printed:\n%s", text);
    free(text);
    return same ? 0 : -2;
}

/* ---- the loop ------------------------------------------------------------------ */

enum fault_kind { FAULT_MALLOC, FAULT_WRITES, FAULT_SYNCS };
static const char *const kind_name[] = { "malloc", "xWrite", "xSync" };

static void arm(enum fault_kind k, long n)
{
    if (k == FAULT_MALLOC)
        fault_mem_arm(n);
    else
        fault_vfs_arm(k == FAULT_WRITES ? FAULT_WRITE : FAULT_SYNC, n);
}

static int fired(enum fault_kind k)
{
    return k == FAULT_MALLOC ? fault_mem_fired() : fault_vfs_fired();
}

struct tally {
    long failures, unclean, changed, wrong, leaks;
    char first_why[COLLAB_ERR_MAX];
};

/* One run with the nth fault armed: 1 when it completed without the fault
 * firing (the loop is over), else 0, counting what went wrong. */
static int one_run(const struct subject *s, enum fault_kind k, long n, const char *before_files,
                   const char *after, sqlite3_int64 base_mem, struct tally *t)
{
    char why[COLLAB_ERR_MAX];
    arm(k, n);
    int rc = s->run(why, sizeof why);
    int hit = fired(k);
    arm(k, 0);
    sqlite3_int64 cur = 0, hi = 0;
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &hi, 0);
    if (cur != base_mem && t->leaks++ < 3)
        diag("%s %s %ld: SQLite holds %lld bytes more after the run", s->name, kind_name[k], n,
             (long long)(cur - base_mem));
    if (rc == -2) {
        if (t->wrong < 3)
            diag("%s %s %ld: succeeded but printed something else", s->name, kind_name[k], n);
        t->wrong++;
        return !hit;
    }
    if (rc == 0) {
        char *now = state();
        if (strcmp(now, after) != 0 && t->wrong++ < 3)
            diag("%s %s %ld: succeeded but wrote something else", s->name, kind_name[k], n);
        free(now);
        restore();
        return !hit;
    }
    t->failures++;
    if (!t->first_why[0])
        snprintf(t->first_why, sizeof t->first_why, "%s", why);
    if (!why[0] && t->unclean++ < 3)
        diag("%s %s %ld: failed without a message", s->name, kind_name[k], n);
    char *now = file_state();
    if (strcmp(now, before_files) != 0) {
        if (t->changed++ < 3)
            diag("%s %s %ld: failed (%s) and changed the files:\n%s", s->name, kind_name[k], n,
                 why, now);
        restore();
    }
    free(now);
    return 0;
}

/* Which N to try. Every one up to `dense` (opening the stores, creating
 * their schemas, the first statements), then every `stride`-th allocation
 * and every `io_stride`-th write: the whole run, N = 1, 2, ... to the end
 * (about 17,400 allocations for publish), takes minutes natively and hours
 * under valgrind, so make check samples it and COLLAB_FAULT_STRIDE=1 runs it
 * whole. FAULT_FROM=N starts at N (to chase one failure) and
 * FAULT_ONLY=publish|report runs one subject. */
struct sampling {
    long dense, stride, io_stride;
};

static struct sampling sampling(void)
{
    struct sampling sm = { 300, 40, 1 };
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload")) {
        sm.dense = 40;
        sm.stride = 600;
        sm.io_stride = 8;
    }
    const char *env = getenv("COLLAB_FAULT_STRIDE");
    if (env && atol(env) > 0) {
        sm.stride = atol(env);
        sm.io_stride = 1;
        sm.dense = sm.stride == 1 ? 0 : sm.dense;
    }
    return sm;
}

/* The next N to try after n. */
static long next_n(const struct sampling *sm, enum fault_kind k, long n)
{
    if (n < sm->dense)
        return n + 1;
    return n + (k == FAULT_MALLOC ? sm->stride : sm->io_stride);
}

static void fault_loop(const struct subject *s, enum fault_kind k, const char *after, long max)
{
    struct sampling sm = sampling();
    struct tally t;
    memset(&t, 0, sizeof t);
    char *before_files = file_state();
    sqlite3_int64 base_mem = 0, hi = 0;
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &base_mem, &hi, 0);
    long n = getenv("FAULT_FROM") ? atol(getenv("FAULT_FROM")) : 1;
    for (; n <= max; n = next_n(&sm, k, n)) {
        if (one_run(s, k, n, before_files, after, base_mem, &t))
            break;
    }
    free(before_files);
    long step = k == FAULT_MALLOC ? sm.stride : sm.io_stride;
    if (step > 1 && n - 1 > sm.dense)
        ok(n <= max, "%s, %s loop: completes once nothing fails (N tried up to %ld: every "
           "one to %ld, then every %ld-th)", s->name, kind_name[k], n - 1, sm.dense, step);
    else
        ok(n <= max, "%s, %s loop: completes once nothing fails (every N up to %ld)", s->name,
           kind_name[k], n - 1);
    ok(t.failures > 0, "%s, %s loop: %ld runs failed", s->name, kind_name[k], t.failures);
    is_int(t.unclean, 0, "%s, %s loop: every failed run says why (e.g. '%s')", s->name,
           kind_name[k], t.first_why);
    is_int(t.changed, 0, "%s, %s loop: every failed run leaves every store as it was", s->name,
           kind_name[k]);
    is_int(t.wrong, 0, "%s, %s loop: every run that succeeds gives the fault-free result",
           s->name, kind_name[k]);
    is_int(t.leaks, 0, "%s, %s loop: every run frees what SQLite allocated", s->name,
           kind_name[k]);
}

/* ---- main ---------------------------------------------------------------------- */

static void cleanup(void)
{
    cfg_free(&cfg);
    if (sh("rm -rf '%s'", top) != 0)
        diag("could not remove %s", top);
}

int main(void)
{
    fault_mem_install();
    if (sqlite3_initialize() != SQLITE_OK || fault_vfs_install() != SQLITE_OK) {
        ok(0, "SQLite initialises with the fault hooks");
        return tap_done();
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(top, sizeof top, "%s/collab-faults-publish.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    memset(&cfg, 0, sizeof cfg);
    if (!mkdtemp(top) || make_config() != 0 || make_work() != 0) {
        ok(0, "set up the source store, the config and a first publish");
        cleanup();
        return tap_done();
    }
    char *before = state();
    struct collab_err err;
    fault_mem_arm(LONG_MAX);
    fault_vfs_arm(FAULT_WRITE, LONG_MAX);
    ok(publish_now(&err) == 0, "a publish with no fault succeeds%s%s", err.set ? ": " : "", err.msg);
    diag("it makes %ld SQLite allocations and %ld writes", fault_mem_calls(), fault_vfs_calls());
    fault_mem_arm(0);
    fault_vfs_arm(FAULT_WRITE, 0);
    char *after = state();
    ok(strcmp(before, after) != 0, "and replaces the stores of the first publish");
    restore();
    char why[COLLAB_ERR_MAX];
    report_expected = report_text(why, sizeof why);
    ok(report_expected && strstr(report_expected, "\natt8,") &&
       strstr(report_expected, "Alder School") && strstr(report_expected, "MATHS"),
       "a report with no fault prints the overview, the schools, the subjects and "
       "the similar schools%s%s", why[0] ? ": " : "", why);

    const struct subject pub = { "publish", run_publish };
    const struct subject rep = { "report", run_report };
    const char *only = getenv("FAULT_ONLY");
    if (!only || !strcmp(only, "publish")) {
    fault_loop(&pub, FAULT_MALLOC, after, 200000);
    fault_loop(&pub, FAULT_WRITES, after, 20000);
    fault_loop(&pub, FAULT_SYNCS, after, 2000);
    }
    if (report_expected)
        fault_loop(&rep, FAULT_MALLOC, before, 200000);

    free(report_expected);
    free(before);
    free(after);
    cleanup();
    sqlite3_shutdown();
    return tap_done();
}
