/* The DfE's published school-level figures in a group store: a school's own
 * figure for a measure, and where a figure sits in the national distribution
 * of schools (dfe_dist, written by publish; docs/FORMATS.md). A store
 * published before dfe_dist existed, or without DfE files, has no
 * distribution: every rank is then NAN and views leave percentiles out. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "collab/stats.h"
#include "collab/store.h"
#include "model_internal.h"

int mdl_dfe_prepare(struct model *m, struct collab_err *err)
{
    m->st_dfe = store_prepare(m->db, "SELECT value FROM dfe_school WHERE urn = ?1 AND "
                              "year = ?2 AND measure = ?3 AND value IS NOT NULL", err);
    if (!m->st_dfe)
        return -1;
    sqlite3_stmt *probe = NULL;
    if (sqlite3_prepare_v2(m->db, "SELECT 1 FROM dfe_dist LIMIT 1", -1, &probe,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(probe);
        return 0;       /* published before dfe_dist: no percentiles */
    }
    sqlite3_finalize(probe);
    m->st_dist = store_prepare(m->db,
        "SELECT (SELECT coalesce(max(cum), 0) FROM dfe_dist WHERE year = ?1 AND"
        "  measure = ?2 AND value < ?3),"
        " (SELECT coalesce(sum(n), 0) FROM dfe_dist WHERE year = ?1 AND measure = ?2"
        "  AND value = ?3),"
        " (SELECT max(cum) FROM dfe_dist WHERE year = ?1 AND measure = ?2)", err);
    return m->st_dist ? 0 : -1;
}

int mdl_dfe_value(struct model *m, long urn, int year, const char *measure, double *value)
{
    sqlite3_stmt *st = m->st_dfe;
    int found = 0;
    *value = NAN;
    if (!st || !measure)
        return 0;
    sqlite3_bind_int64(st, 1, urn);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 3, measure, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *value = sqlite3_column_double(st, 0);
        found = 1;
    }
    sqlite3_reset(st);
    return found;
}

double mdl_percentile(struct model *m, int year, const char *measure, double value)
{
    sqlite3_stmt *st = m->st_dist;
    double p = NAN;
    if (!st || !measure || isnan(value))
        return NAN;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, measure, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 3, value);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 2) != SQLITE_NULL)
        p = stats_percentile_counts((long)sqlite3_column_int64(st, 0),
                                    (long)sqlite3_column_int64(st, 1),
                                    (long)sqlite3_column_int64(st, 2));
    sqlite3_reset(st);
    return p;
}

const char *mdl_dfe_measure(const struct model *m, const struct mdl_ind *ind)
{
    const struct cfg_indicator *ci = cfg_indicator(m->cfg, ind->id);
    return ci ? ci->dfe_measure : NULL;
}

int mdl_is_p8(const struct model *m, const struct mdl_ind *ind)
{
    const char *dm = mdl_dfe_measure(m, ind);
    return strcmp(ind->id, "p8") == 0 || (dm && strcmp(dm, "p8") == 0);
}
