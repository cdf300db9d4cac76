/* Filling a school store: one school's rows copied straight across, with the
 * new store attached as "s" on the source connection. Every statement is
 * restricted to that school's URN, so nothing about another school can
 * reach the file. */
#include "config.h"

#include <stdio.h>

#include "collab/store.h"
#include "publish_internal.h"

#define PUPIL_COLS "id, school, year, key_stage, display_name, gender, fsm6, eal, " \
    "sen, cla, ethnicity, ks2_reading, ks2_maths, ks2_writing, prior_score, " \
    "prior_band, prior_group"
#define KS4_COLS "pupil, att8, att8_eng, att8_mat, att8_ebacc, att8_open, est_att8, " \
    "est_eng, est_mat, est_ebacc, est_open, p8, p8_eng, p8_mat, p8_ebacc, p8_open, " \
    "basics4, basics5, ebacc_entry, ebacc_aps, ebacc4, ebacc5, entries"
#define KS2_COLS "pupil, rwm_expected, rwm_higher, reading_expected, maths_expected, " \
    "writing_expected, avg_scaled"
#define ATT_COLS "pupil, sessions_possible, sessions_missed"

/* A pupil-keyed table restricted to the school's pupils. */
#define BY_PUPIL(table, cols) \
    "INSERT INTO s." table "(" cols ") SELECT " cols " FROM main." table \
    " WHERE pupil IN (SELECT id FROM main.pupil WHERE school = ?1) ORDER BY pupil"

static const char *const copies[] = {
    "INSERT INTO s.school(urn, dfe_number, name, la_code, la_name, phase, type)"
    " SELECT urn, dfe_number, name, la_code, la_name, phase, type"
    " FROM main.school WHERE urn = ?1",
    "INSERT INTO s.subject(code, name, ebacc_pillar, qualification, double_award)"
    " SELECT code, name, ebacc_pillar, qualification, double_award"
    " FROM main.subject ORDER BY code",
    "INSERT INTO s.pupil(" PUPIL_COLS ") SELECT " PUPIL_COLS
    " FROM main.pupil WHERE school = ?1 ORDER BY id",
    "INSERT INTO s.result(pupil, subject, grade, points) SELECT pupil, subject, grade, points"
    " FROM main.result WHERE pupil IN (SELECT id FROM main.pupil WHERE school = ?1)"
    " ORDER BY pupil, subject",
    BY_PUPIL("pupil_ks4", KS4_COLS),
    BY_PUPIL("pupil_ks2", KS2_COLS),
    BY_PUPIL("attendance", ATT_COLS),
};

int pub_write_school(sqlite3 *db, long urn, long *pupils, struct collab_err *err)
{
    char value[32];
    for (size_t i = 0; i < sizeof copies / sizeof copies[0]; i++) {
        sqlite3_stmt *st = store_prepare(db, copies[i], err);
        if (!st)
            return collab_err_prefix(err, "publish");
        if (sqlite3_bind_parameter_count(st) > 0)
            sqlite3_bind_int64(st, 1, urn);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return collab_err_set(err, "publish: school %ld: %s", urn, sqlite3_errmsg(db));
        if (i == 2)
            *pupils = (long)sqlite3_changes(db);
    }
    snprintf(value, sizeof value, "%ld", urn);
    sqlite3_stmt *meta = store_prepare(db, "INSERT OR REPLACE INTO s.meta(key, value) "
                                       "VALUES ('urn', ?1)", err);
    if (!meta)
        return collab_err_prefix(err, "publish");
    sqlite3_bind_text(meta, 1, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(meta);
    sqlite3_finalize(meta);
    if (rc != SQLITE_DONE)
        return collab_err_set(err, "publish: school %ld: %s", urn, sqlite3_errmsg(db));
    return 0;
}
