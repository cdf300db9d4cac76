/*
 * pane_subjects: every subject with entries; Enter opens one subject across
 * every school of the group (the subject dashboard), Esc comes back to the
 * same row of the list.
 */
#include "config.h"

#include <stdio.h>

#include "ui_internal.h"

static void subjects_query(struct ui *ui, struct pane *p, struct model_query *q)
{
    (void)ui;
    if (p->drill) {
        q->view = MODEL_VIEW_SUBJECT;
        q->subject = p->drill;
    }
}

static void subjects_draw(struct ui *ui, struct pane *p, WINDOW *w)
{
    int h, wd;
    getmaxyx(w, h, wd);
    if (!p->loaded) {
        pane_draw_message(ui, w, p->message);
        if (p->drill)
            ui_put(&ui->glyphs, w, h - 1, 2, "Esc goes back to every subject", wd - 2, UI_LEFT,
                   ui->attr[THEME_NORMAL]);
        return;
    }
    pane_draw_table(ui, p, w, 0, 0, h, wd);
}

const struct pane_ops pane_subjects_ops = {
    .name = "Subjects",
    .hint = "Enter subject across schools  Esc back",
    .view = MODEL_VIEW_SUBJECTS,
    .query = subjects_query,
    .draw = subjects_draw,
    .key = pane_drill_key,
};
