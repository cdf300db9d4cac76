/* Schools side by side: intake and headline indicators, ranked only where
 * the group's policy allows league tables. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/access.h"
#include "collab/util.h"
#include "model_internal.h"

/* Context columns shared with the similar-schools view: id, label, decimals. */
static const struct { const char *id, *label; int decimals; } context_cols[] = {
    { "cohort", "Cohort", 0 },
    { "fsm6_pct", "FSM6 %", 1 },
    { "eal_pct", "EAL %", 1 },
    { "sen_pct", "SEN %", 1 },
};
#define NCONTEXT (sizeof context_cols / sizeof context_cols[0])

/* Headline indicators, except one whose id would repeat a fixed column. */
static int is_headline(const struct mdl_ind *ind, int ks)
{
    static const char *const fixed[] = { "rank", "school", "urn", "cohort", "fsm6_pct",
                                         "eal_pct", "sen_pct" };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(ind->id, fixed[i]) == 0)
            return 0;
    return ind->headline && ind->key_stage == ks && ind->level != CFG_LEVEL_RESULT;
}

/* Fill the context cells starting at column c from school_context. */
static void context_cells(struct model *m, struct model_row *r, int c, long urn,
                          int year, int ks)
{
    sqlite3_stmt *st = m->st_context;
    sqlite3_bind_int64(st, 1, urn);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_int(st, 3, ks);
    if (sqlite3_step(st) == SQLITE_ROW) {
        for (size_t i = 0; i < NCONTEXT; i++) {
            if (sqlite3_column_type(st, (int)i) == SQLITE_NULL)
                mdl_set_suppressed(r, c + (int)i);
            else
                mdl_set_num(r, c + (int)i, sqlite3_column_double(st, (int)i));
        }
    }
    sqlite3_reset(st);
}

/* Competition ranking ("1224") by the rank column's figure, best first. */
static void rank_rows(struct model_table *t, int rank_col, int by, int polarity)
{
    for (size_t i = 0; i < t->nrows; i++) {
        const struct model_cell *ci = &t->rows[i].cells[by];
        if (ci->flags & (CELL_SUPPRESSED | CELL_MISSING))
            continue;
        int rank = 1;
        for (size_t j = 0; j < t->nrows; j++) {
            const struct model_cell *cj = &t->rows[j].cells[by];
            if (cj->flags & (CELL_SUPPRESSED | CELL_MISSING))
                continue;
            if (polarity == CFG_LOWER_BETTER ? cj->value < ci->value : cj->value > ci->value)
                rank++;
        }
        mdl_set_num(&t->rows[i], rank_col, (double)rank);
    }
}

/* The indicator behind column c of this table, or NULL. */
static const struct mdl_ind *column_indicator(struct model *m, const struct model_table *t,
                                              int c)
{
    for (size_t i = 0; c >= 0 && (size_t)c < t->ncols && i < m->ninds; i++)
        if (strcmp(m->inds[i].id, t->cols[c].id) == 0)
            return &m->inds[i];
    return NULL;
}

static int fill_school(struct model *m, struct model_table *t, const struct mdl_view_ctx *v,
                       size_t s, int first, struct mdl_fig *figs, struct collab_err *err)
{
    long n;
    const struct mdl_school *sc = &m->schools[s];
    if (mdl_fetch_pupil(m, sc->urn, v->year, v->ks, v->fkey, figs, &n, err) < 0)
        return -1;
    char key[32];
    snprintf(key, sizeof key, "%ld", sc->urn);
    struct model_row *r = mdl_row(t, key, 0);
    mdl_set_text(r, first, sc->name);
    mdl_set_num(r, first + 1, (double)sc->urn);
    context_cells(m, r, first + 2, sc->urn, v->year, v->ks);
    int c = first + 2 + (int)NCONTEXT;
    for (size_t i = 0; i < m->ninds; i++) {
        if (!is_headline(&m->inds[i], v->ks))
            continue;
        double nat, sd;
        mdl_national(m, v->year, m->inds[i].id, v->fkey, &nat, &sd);
        mdl_cell_figure(&r->cells[c++], &m->inds[i], &figs[i], nat, sd);
    }
    return 0;
}

static int first_ranked(struct model *m, const struct model_table *t)
{
    for (size_t c = 0; c < t->ncols; c++) {
        const struct mdl_ind *ind = column_indicator(m, t, (int)c);
        if (ind && ind->polarity != CFG_NEUTRAL)
            return (int)c;
    }
    return -1;
}

int mdl_view_schools(struct model *m, const struct mdl_view_ctx *v,
                     struct model_table *t, struct collab_err *err)
{
    mdl_table_title(t, "Schools: %s, %d, KS%d%s%s", m->group_name, v->year, v->ks,
                    *v->filter_text ? ", " : "", v->filter_text);
    int first = 0;
    if (m->league_tables)
        first = mdl_col(t, "rank", "Rank", MODEL_COL_NUMBER, 0, 0) + 1;
    mdl_col(t, "school", "School", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "urn", "URN", MODEL_COL_NUMBER, 0, 0);
    for (size_t i = 0; i < NCONTEXT; i++)
        mdl_col(t, context_cols[i].id, context_cols[i].label, MODEL_COL_NUMBER,
                context_cols[i].decimals, 0);
    for (size_t i = 0; i < m->ninds; i++) {
        if (!is_headline(&m->inds[i], v->ks))
            continue;
        int c = mdl_col(t, m->inds[i].id, m->inds[i].short_label, MODEL_COL_NUMBER,
                        m->inds[i].decimals, m->inds[i].show_sign);
        t->cols[c].sortable = m->league_tables;
    }
    int sort = v->q->sort_col;
    if (sort >= (int)t->ncols)
        return collab_err_set(err, "no column %d in the schools view", sort);
    const struct mdl_ind *sort_ind = column_indicator(m, t, sort);
    if (sort_ind && !access_sort(m->group, m->league_tables, sort_ind->label, err))
        return mdl_refuse(m, m->group->id, err);
    struct mdl_fig *figs = util_xcalloc(m->ninds ? m->ninds : 1, sizeof *figs);
    struct strbuf absent = STRBUF_INIT;
    int rc = 0;
    for (size_t s = 0; rc == 0 && s < m->nschools; s++) {
        if (mdl_school_has_pupils(m, m->schools[s].urn, v->year, v->ks))
            rc = fill_school(m, t, v, s, first, figs, err);
        else
            sb_addf(&absent, "%s%s", absent.len ? ", " : "", m->schools[s].name);
    }
    free(figs);
    if (rc != 0) {
        sb_free(&absent);
        return -1;
    }
    if (absent.len)
        mdl_set_note(t, "No KS%d pupils in %d: %s.", v->ks, v->year, sb_str(&absent));
    sb_free(&absent);
    if (m->league_tables) {
        int by = sort_ind ? sort : first_ranked(m, t);
        const struct mdl_ind *ind = column_indicator(m, t, by);
        if (by >= 0 && ind)
            rank_rows(t, 0, by, ind->polarity);
    } else {
        struct strbuf note = STRBUF_INIT;
        sb_addf(&note, "League tables are off for this group: schools are listed in a "
                "fixed order, without rank.%s%s", t->note ? " " : "", t->note ? t->note : "");
        free(t->note);
        t->note = sb_detach(&note);
    }
    if (sort >= 0)
        mdl_sort_rows(t, sort, v->q->sort_desc);
    return 0;
}
