/* Subjects: every subject the group entered in the year; and one subject
 * across every member school. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "model_internal.h"

/* Result indicators of the key stage, except one whose id would repeat a
 * fixed column of the view (an `entries` count indicator repeats Entries). */
static int is_result(const struct mdl_ind *ind, int ks)
{
    static const char *const fixed[] = { "subject", "name", "school", "urn", "entries" };
    if (ind->level != CFG_LEVEL_RESULT || ind->key_stage != ks)
        return 0;   /* first: this runs per indicator per school row */
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(ind->id, fixed[i]) == 0)
            return 0;
    return 1;
}

/* One column per result indicator of the key stage, after `first` others. */
static void result_columns(struct model *m, struct model_table *t, int ks)
{
    for (size_t i = 0; i < m->ninds; i++)
        if (is_result(&m->inds[i], ks))
            mdl_col(t, m->inds[i].id, m->inds[i].short_label, MODEL_COL_NUMBER,
                    m->inds[i].decimals, m->inds[i].show_sign);
}

static void result_cells(struct model *m, struct model_row *r, int first, int ks,
                         const struct mdl_fig *figs, int year, long nat_fkey)
{
    int c = first;
    for (size_t i = 0; i < m->ninds; i++) {
        if (!is_result(&m->inds[i], ks))
            continue;
        double nat, sd;
        mdl_national(m, year, m->inds[i].id, nat_fkey, &nat, &sd);
        mdl_cell_figure(&r->cells[c++], &m->inds[i], &figs[i], nat, sd);
    }
}

static void count_cell(struct model_row *r, int c, int found, long n)
{
    if (found)
        mdl_set_num(r, c, (double)n);
    else
        mdl_set_suppressed(r, c);
}

/* A last row of national figures, when the store has any for these indicators. */
static void national_row(struct model *m, struct model_table *t, int first,
                         const struct mdl_view_ctx *v)
{
    int any = 0;
    for (size_t i = 0; i < m->ninds && !any; i++) {
        double nat, sd;
        any = is_result(&m->inds[i], v->ks) &&
              mdl_national(m, v->year, m->inds[i].id, v->fkey + v->nat_shift, &nat, &sd);
    }
    if (!any)
        return;
    struct model_row *r = mdl_row(t, "national", 1);
    mdl_set_text(r, 1, "National");
    int c = first;
    for (size_t i = 0; i < m->ninds; i++) {
        if (!is_result(&m->inds[i], v->ks))
            continue;
        double nat, sd;
        struct mdl_fig f = { .status = FIG_MISSING, .value = NAN };
        if (mdl_national(m, v->year, m->inds[i].id, v->fkey + v->nat_shift, &nat, &sd)) {
            f.status = FIG_OK;
            f.value = nat;
        }
        mdl_cell_figure(&r->cells[c++], &m->inds[i], &f, NAN, NAN);
    }
}

int mdl_view_subjects(struct model *m, const struct mdl_view_ctx *v,
                      struct model_table *t, struct collab_err *err)
{
    mdl_table_title(t, "Subjects: %s, %d, KS%d%s%s", m->group_name, v->year, v->ks,
                    *v->filter_text ? ", " : "", v->filter_text);
    mdl_col(t, "subject", "Code", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "name", "Subject", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "entries", "Entries", MODEL_COL_NUMBER, 0, 0);
    result_columns(m, t, v->ks);
    sqlite3_stmt *st = mdl_subjects_stmt(m, err);
    if (!st)
        return -1;
    struct mdl_fig *figs = util_xcalloc(m->ninds ? m->ninds : 1, sizeof *figs);
    int rc = 0;
    while (rc == 0 && mdl_step(m, st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        if (!code || !mdl_subject_present(m, v->year, code))
            continue;
        long n;
        int found = mdl_fetch_subject(m, 0, v->year, code, v->fkey, figs, &n, err);
        if (found < 0) {
            rc = -1;
            break;
        }
        struct model_row *r = mdl_row(t, code, 0);
        mdl_set_text(r, 0, code);
        mdl_set_text(r, 1, (const char *)sqlite3_column_text(st, 1));
        count_cell(r, 2, found, n);
        result_cells(m, r, 3, v->ks, figs, v->year, v->fkey + v->nat_shift);
    }
    sqlite3_finalize(st);
    free(figs);
    if (rc == 0) {
        national_row(m, t, 3, v);
        if (t->nrows == 0)
            mdl_set_note(t, "no subject entries for the group in %d at KS%d", v->year, v->ks);
    }
    return rc;
}

static int subject_row(struct model *m, struct model_table *t, const struct mdl_view_ctx *v,
                       long scope, const char *name, struct mdl_fig *figs,
                       struct collab_err *err)
{
    long n;
    int found = mdl_fetch_subject(m, scope, v->year, v->q->subject, v->fkey, figs, &n, err);
    if (found < 0)
        return -1;
    char key[32];
    snprintf(key, sizeof key, scope ? "%ld" : "group", scope);
    struct model_row *r = mdl_row(t, key, scope ? 0 : 1);
    mdl_set_text(r, 0, name);
    if (scope)
        mdl_set_num(r, 1, (double)scope);
    count_cell(r, 2, found, n);
    result_cells(m, r, 3, v->ks, figs, v->year, v->fkey + v->nat_shift);
    return 0;
}

int mdl_view_subject(struct model *m, const struct mdl_view_ctx *v,
                     struct model_table *t, struct collab_err *err)
{
    const char *code = v->q->subject;
    char *name = code ? mdl_subject_name(m, code) : NULL;
    if (!name)
        return collab_err_set(err, "no subject '%s' in the store of group '%s' (see the "
                              "subjects view for codes)", code ? code : "", m->group->id);
    mdl_table_title(t, "Subject %s (%s): %s, %d%s%s", name, code, m->group_name, v->year,
                    *v->filter_text ? ", " : "", v->filter_text);
    free(name);
    mdl_col(t, "school", "School", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "urn", "URN", MODEL_COL_NUMBER, 0, 0);
    mdl_col(t, "entries", "Entries", MODEL_COL_NUMBER, 0, 0);
    result_columns(m, t, v->ks);
    struct mdl_fig *figs = util_xcalloc(m->ninds ? m->ninds : 1, sizeof *figs);
    int rc = 0;
    int by_school = m->user->school_level;
    for (size_t s = 0; by_school && rc == 0 && s < m->nschools; s++)
        if (mdl_school_has_pupils(m, m->schools[s].urn, v->year, v->ks))
            rc = subject_row(m, t, v, m->schools[s].urn, m->schools[s].name, figs, err);
    if (rc == 0)
        rc = subject_row(m, t, v, 0, m->group_name, figs, err);
    if (rc == 0 && !by_school)
        mdl_set_note(t, "group figures only: user '%s' does not hold school_level "
                     "access", m->user->id);
    free(figs);
    return rc;
}
