/* Fuzz the importers (collab/import.h): the first byte picks the kind (among
 * FUZZ_NKINDS from FUZZ_FIRST_KIND: fuzz_dfe.c narrows them), the rest is the
 * CSV file, imported into a source store that already holds the
 * small valid set of tests/data/import/good (so references can resolve).
 * A refused file must leave the store as it was and say why. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "collab/import.h"
#include "collab/store.h"
#include "collab/util.h"
#include "fuzz.h"

#ifndef FUZZ_FIRST_KIND
#define FUZZ_FIRST_KIND IMP_SCHOOLS
#define FUZZ_NKINDS (IMP_NATIONAL + 1)
#endif

static sqlite3 *db;
static char store_path[256];

static void remove_store(void)
{
    char p[300];
    store_close(db);
    for (size_t i = 0; i < 3; i++) {
        static const char *const ext[] = { "", "-wal", "-shm" };
        snprintf(p, sizeof p, "%s%s", store_path, ext[i]);
        unlink(p);
    }
}

static void open_store(void)
{
    static const char *const good[] = { "schools", "pupils", "estimates", "results" };
    struct collab_err err;
    const char *dir = getenv("TMPDIR");
    snprintf(store_path, sizeof store_path, "%s/collab-fuzz-%ld.db",
             dir && *dir ? dir : "/tmp", (long)getpid());
    unlink(store_path);
    db = store_open(store_path, STORE_SOURCE, STORE_CREATE, &err);
    FUZZ_ASSERT(db, "a new source store opens");
    atexit(remove_store);
    sqlite3_exec(db, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char path[4096];
        enum imp_kind kind;
        struct imp_report rep;
        memset(&rep, 0, sizeof rep);
        snprintf(path, sizeof path, "%s/tests/data/import/good/%s.csv", COLLAB_SRCDIR, good[i]);
        FUZZ_ASSERT(imp_kind_parse(good[i], &kind) == 0, "kind name parses");
        FUZZ_ASSERT(imp_import_file(db, kind, path, NULL, &rep, &err) == 0,
                    "the good set imports");
        imp_report_free(&rep);
    }
}

/* A cheap digest of what an import can change. */
static double digest(void)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM school) + 10 * (SELECT count(*) FROM pupil)"
        " + 100 * (SELECT count(*) FROM result) + 1000 * (SELECT count(*) FROM attendance)"
        " + 1e4 * (SELECT count(*) FROM estimate) + 1e5 * (SELECT count(*) FROM national)"
        " + 1e6 * (SELECT count(*) FROM subject) + (SELECT total(points) FROM result)"
        " + (SELECT total(att8) FROM pupil_ks4) + (SELECT count(*) FROM import_log)"
        " + (SELECT count(*) + total(value) + count(marker) FROM dfe_school)"
        " + (SELECT count(*) FROM dfe_school_info)";
    sqlite3_stmt *st = NULL;
    double d = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        d = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!db)
        open_store();
    enum imp_kind kind = (enum imp_kind)(FUZZ_FIRST_KIND + data[0] % FUZZ_NKINDS);
    const char *path = fuzz_temp_file(data + 1, size - 1, ".csv");
    if (!path)
        return 0;
    struct imp_report rep;
    struct collab_err err;
    memset(&rep, 0, sizeof rep);
    collab_err_clear(&err);
    double before = digest();
    int rc = imp_import_file(db, kind, path, "fuzz.csv", &rep, &err);
    if (rc != 0) {
        FUZZ_ASSERT(rep.total > 0 || err.set, "a refused import says why");
        FUZZ_ASSERT(rep.shown <= IMP_MAX_PROBLEMS && rep.shown <= rep.total,
                    "problems shown are capped and counted");
        FUZZ_ASSERT(digest() == before, "a refused import changes nothing");
    }
    FUZZ_ASSERT(sqlite3_get_autocommit(db), "no transaction is left open");
    imp_report_free(&rep);
    return 0;
}
