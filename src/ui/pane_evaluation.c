/*
 * pane_evaluation: the partnership self-evaluation as the model returns it
 * (MODEL_VIEW_EVALUATION), or the model's message. Entering scores is a
 * later piece of work; this pane only shows.
 */
#include "config.h"

#include "ui_internal.h"

static void evaluation_query(struct ui *ui, struct pane *p, struct model_query *q)
{
    (void)ui;
    (void)p;
    q->term = NULL;
}

static void evaluation_draw(struct ui *ui, struct pane *p, WINDOW *w)
{
    int h, wd;
    getmaxyx(w, h, wd);
    if (!p->loaded) {
        ui_put(&ui->glyphs, w, 0, 0, "Evaluation", wd, UI_LEFT, ui->attr[THEME_TITLE]);
        pane_draw_message(ui, w, p->message);
        return;
    }
    pane_draw_table(ui, p, w, 0, 0, h, wd);
}

const struct pane_ops pane_evaluation_ops = {
    .name = "Evaluation",
    .hint = "latest term",
    .view = MODEL_VIEW_EVALUATION,
    .query = evaluation_query,
    .draw = evaluation_draw,
};
