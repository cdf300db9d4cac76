/*
 * The standard GCSE subjects a new source store starts with
 * (docs/FORMATS.md); `collab import subjects` adds to or replaces them.
 */
#include "config.h"

#include <stddef.h>

#include "collab/store.h"
#include "store_internal.h"

struct seed_subject {
    const char *code, *name, *pillar;
    int double_award;
};

static const struct seed_subject seed[] = {
    { "EN_LANG", "English language", "english_language", 0 },
    { "EN_LIT", "English literature", "english_literature", 0 },
    { "MATHS", "Mathematics", "maths", 0 },
    { "COMB_SCI", "Combined science", "science", 1 },
    { "BIOLOGY", "Biology", "science", 0 },
    { "CHEMISTRY", "Chemistry", "science", 0 },
    { "PHYSICS", "Physics", "science", 0 },
    { "COMP_SCI", "Computer science", "science", 0 },
    { "HISTORY", "History", "humanities", 0 },
    { "GEOGRAPHY", "Geography", "humanities", 0 },
    { "FRENCH", "French", "language", 0 },
    { "GERMAN", "German", "language", 0 },
    { "SPANISH", "Spanish", "language", 0 },
    { "ART", "Art and design", "none", 0 },
    { "DT", "Design and technology", "none", 0 },
    { "MUSIC", "Music", "none", 0 },
    { "DRAMA", "Drama", "none", 0 },
    { "PE", "Physical education", "none", 0 },
    { "RE", "Religious studies", "none", 0 },
    { "BUSINESS", "Business", "none", 0 },
    { "FOOD", "Food preparation and nutrition", "none", 0 },
    { "MEDIA", "Media studies", "none", 0 },
};

int store_seed_subjects(sqlite3 *db, struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(db,
        "INSERT OR IGNORE INTO subject(code, name, ebacc_pillar, qualification, "
        "double_award) VALUES (?, ?, ?, 'GCSE', ?)", err);
    if (!st)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < sizeof seed / sizeof seed[0] && rc == 0; i++) {
        sqlite3_bind_text(st, 1, seed[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, seed[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, seed[i].pillar, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, seed[i].double_award);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = collab_err_set(err, "cannot seed subjects: %s", sqlite3_errmsg(db));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}
