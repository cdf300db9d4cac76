/*
 * pane_overview: the group's headline indicators against national, with
 * trend and significance, and the model's plain-English findings (higher
 * and lower performing schools, subjects and pupil groups): beside the
 * table when the terminal is wide, under it otherwise.
 */
#include "config.h"

#include "ui_internal.h"

static void overview_query(struct ui *ui, struct pane *p, struct model_query *q)
{
    (void)ui;
    (void)p;
    (void)q;
}

static void draw_findings(struct ui *ui, const struct model_table *t, WINDOW *w,
                          int y, int x, int h, int wd)
{
    if (t->nfindings == 0 || h < 2)
        return;
    ui_put(&ui->glyphs, w, y, x, "Findings", wd, UI_LEFT, ui->attr[THEME_TITLE]);
    for (size_t i = 0; i < t->nfindings && (int)i + 1 < h; i++) {
        ui_put(&ui->glyphs, w, y + 1 + (int)i, x, ui->glyphs.dot, 1, UI_LEFT,
               ui->attr[THEME_NORMAL]);
        ui_put(&ui->glyphs, w, y + 1 + (int)i, x + 2, t->findings[i], wd - 2, UI_LEFT,
               ui->attr[THEME_NORMAL]);
    }
}

static void overview_draw(struct ui *ui, struct pane *p, WINDOW *w)
{
    int h, wd;
    getmaxyx(w, h, wd);
    if (!p->loaded) {
        pane_draw_message(ui, w, p->message);
        return;
    }
    const struct model_table *t = &p->table;
    int tw = widget_table_width(ui, t);
    if (wd >= 120 && t->nfindings) {
        int left = tw + 2 < wd * 3 / 5 ? tw + 2 : wd * 3 / 5;
        pane_draw_table(ui, p, w, 0, 0, h, left - 1);
        draw_findings(ui, t, w, 0, left + 1, h, wd - left - 1);
        return;
    }
    int table_h = (int)t->nrows + 3;
    int rest = h - table_h - 1;
    if (t->nfindings && rest < 3)
        table_h = h - 4 > 4 ? h - 4 : h;
    if (table_h > h)
        table_h = h;
    pane_draw_table(ui, p, w, 0, 0, table_h, wd);
    draw_findings(ui, t, w, table_h + 1, 0, h - table_h - 1, wd);
}

const struct pane_ops pane_overview_ops = {
    .name = "Overview",
    .hint = "Tab next pane",
    .view = MODEL_VIEW_OVERVIEW,
    .query = overview_query,
    .draw = overview_draw,
};
