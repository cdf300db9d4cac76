/*
 * pane_pupils: the user's own school's pupils, for users with pupil_level
 * access only. Everyone else sees the one-line reason the model gives; the
 * model also writes the audit row for every view and refusal.
 */
#include "config.h"

#include "ui_internal.h"

static void pupils_query(struct ui *ui, struct pane *p, struct model_query *q)
{
    (void)p;
    q->urn = model_user_school(ui->model);
}

static void pupils_draw(struct ui *ui, struct pane *p, WINDOW *w)
{
    int h, wd;
    getmaxyx(w, h, wd);
    if (!p->loaded) {
        ui_put(&ui->glyphs, w, 0, 0, "Pupils", wd, UI_LEFT, ui->attr[THEME_TITLE]);
        pane_draw_message(ui, w, p->message);
        return;
    }
    pane_draw_table(ui, p, w, 0, 0, h, wd);
}

const struct pane_ops pane_pupils_ops = {
    .name = "Pupils",
    .hint = "own school only",
    .view = MODEL_VIEW_PUPILS,
    .query = pupils_query,
    .draw = pupils_draw,
};
