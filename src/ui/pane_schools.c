/*
 * pane_schools: the group's schools side by side, sortable by any column
 * ([ and ], unless the group's policy forbids league tables), with a chart
 * of the current column: bars against the national figure, or a scatter
 * against a second column (FSM6 % until another is chosen with *). `s` on a
 * school lists the schools with the most similar intake (S switches between
 * the group and all England's schools); Esc comes back.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "ui_internal.h"

static void schools_query(struct ui *ui, struct pane *p, struct model_query *q)
{
    (void)ui;
    if (p->drill) {
        q->view = MODEL_VIEW_SIMILAR;
        q->urn = strtol(p->drill, NULL, 10);
        q->national = p->national;
    }
}

static int is_number(const struct model_table *t, int c)
{
    return c >= 0 && (size_t)c < t->ncols && t->cols[c].kind == MODEL_COL_NUMBER;
}

static int first_number(const struct model_table *t)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].kind == MODEL_COL_NUMBER)
            return (int)c;
    return -1;
}

/* The national figure for indicator id, from the Overview's table. */
static double national_for(struct ui *ui, const char *id)
{
    struct pane *ov = &ui->panes[0];
    ui_pane_refresh(ui, ov);
    if (!ov->loaded || !id)
        return NAN;
    int nc = pane_column(&ov->table, "national");
    if (nc < 0)
        return NAN;
    for (size_t r = 0; r < ov->table.nrows; r++) {
        const struct model_row *row = &ov->table.rows[r];
        if (row->key && strcmp(row->key, id) == 0) {
            const struct model_cell *c = &row->cells[nc];
            return c->flags & (CELL_SUPPRESSED | CELL_MISSING) ? NAN : c->value;
        }
    }
    return NAN;
}

static int scatter_x(const struct model_table *t, const struct pane *p)
{
    if (is_number(t, p->chart_x))
        return p->chart_x;
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].kind == MODEL_COL_NUMBER && t->cols[c].id && strstr(t->cols[c].id, "fsm"))
            return (int)c;
    return first_number(t);
}

/* The first column that is an indicator of indicators.yaml (after the
 * school's name, URN and intake), where the cursor starts. */
static int first_indicator(const struct ui *ui, const struct model_table *t)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].kind == MODEL_COL_NUMBER && t->cols[c].id
            && cfg_indicator(ui->cfg, t->cols[c].id))
            return (int)c;
    return first_number(t);
}

static void draw_chart(struct ui *ui, struct pane *p, WINDOW *w, int y, int x, int h, int wd)
{
    const struct model_table *t = &p->table;
    int col = is_number(t, p->tv.col) ? p->tv.col : first_indicator(ui, t);
    if (col < 0 || p->chart == CHART_NONE)
        return;
    if (p->chart == CHART_BARS) {
        widget_chart_bars(ui, w, y, x, h, wd, t, (size_t)col,
                          national_for(ui, t->cols[col].id), p->tv.row);
    } else {
        int xc = scatter_x(t, p);
        if (xc >= 0)
            widget_chart_scatter(ui, w, y, x, h, wd, t, (size_t)xc, (size_t)col, p->tv.row);
    }
}

static void schools_draw(struct ui *ui, struct pane *p, WINDOW *w)
{
    int h, wd;
    getmaxyx(w, h, wd);
    if (!p->loaded) {
        pane_draw_message(ui, w, p->message);
        return;
    }
    const struct model_table *t = &p->table;
    if (!p->col_placed) {
        int c = first_indicator(ui, t);
        p->tv.col = c >= 0 ? c : 0;
        p->col_placed = 1;
    }
    if (wd >= 120 && p->chart != CHART_NONE) {
        int tw = widget_table_width(ui, t);
        int left = tw + 1 < wd - 36 ? tw + 1 : wd - 36;
        pane_draw_table(ui, p, w, 0, 0, h, left);
        draw_chart(ui, p, w, 1, left + 2, h - 1, wd - left - 2);
        return;
    }
    int table_h = (int)t->nrows + 3 + (t->note ? 1 : 0);
    if (p->chart == CHART_NONE || h - table_h < 8) {
        pane_draw_table(ui, p, w, 0, 0, h, wd);
        return;
    }
    pane_draw_table(ui, p, w, 0, 0, table_h, wd);
    draw_chart(ui, p, w, table_h + 1, 0, h - table_h - 1, wd);
}

static int schools_key(struct ui *ui, struct pane *p, int action)
{
    switch (action) {
    case ACT_SIMILAR:
        if (p->drill && p->loaded && p->tv.row >= 0 && (size_t)p->tv.row < p->table.nrows) {
            /* From a similar list, `s` moves on to the selected school's. */
            const struct model_row *row = &p->table.rows[p->tv.row];
            if (!row->key)
                return 1;
            free(p->drill);
            free(p->drill_label);
            p->drill = util_xstrdup(row->key);
            p->drill_label = util_xstrdup(row->cells[0].text ? row->cells[0].text : row->key);
            memset(&p->tv, 0, sizeof p->tv);
            p->stale = 1;
            ui->dirty_body = 1;
            return 1;
        }
        return pane_drill_in(ui, p);
    case ACT_SIMILAR_SCOPE:
        /* A school with no pupil data is always compared across England. */
        p->national = !p->national;
        ui_message(ui, 0, "similar schools: %s", p->national ? "across England (DfE "
                   "published intake)" : "within the group");
        p->stale = 1;
        ui->dirty_body = 1;
        return 1;
    case ACT_BACK:
        return pane_drill_out(ui, p);
    case ACT_CHART:
        p->chart = (enum chart_mode)((p->chart + 1) % CHART_MODES);
        ui->dirty_body = 1;
        return 1;
    case ACT_CHART_X:
        if (!is_number(&p->table, p->tv.col)) {
            ui_message(ui, 1, "the scatter's x axis must be a numeric column");
            return 1;
        }
        p->chart_x = p->tv.col;
        p->chart = CHART_SCATTER;
        ui_message(ui, 0, "scatter: x axis is %s", p->table.cols[p->chart_x].label);
        ui->dirty_body = 1;
        return 1;
    default:
        return 0;
    }
}

const struct pane_ops pane_schools_ops = {
    .name = "Schools",
    .hint = "s similar  S group/England  v chart  * x-axis",
    .view = MODEL_VIEW_SCHOOLS,
    .query = schools_query,
    .draw = schools_draw,
    .key = schools_key,
};
