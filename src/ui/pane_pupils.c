/*
 * pane_pupils: the user's own school's pupils, for users with pupil_level
 * access only; Enter opens one pupil (results, estimates, flags, grades),
 * Esc comes back to the same row. Everyone else sees the one-line reason the model gives; the
 * model also writes the audit row for every view and refusal.
 */
#include "config.h"

#include <stdlib.h>

#include "collab/util.h"
#include "ui_internal.h"

/* p->priv: the `:where` condition (char *), or NULL; p->drill: the pupil
 * Enter opened, or NULL for the list. */
static void pupils_query(struct ui *ui, struct pane *p, struct model_query *q)
{
    q->urn = model_user_school(ui->model);
    q->where = p->priv;
    if (p->drill) {
        q->view = MODEL_VIEW_PUPIL;
        q->pupil = p->drill;
    }
}

static void pupils_close(struct pane *p)
{
    free(p->priv);
    p->priv = NULL;
}

int pane_pupils_where(struct ui *ui, struct pane *p, const char *spec)
{
    char *old = p->priv;
    p->priv = spec && *spec ? util_xstrdup(spec) : NULL;
    p->stale = 1;
    ui_pane_refresh(ui, p);
    if (p->loaded || !p->priv) {
        free(old);
        return 0;
    }
    /* refused: the list as it was, and the reason on the message line */
    char *why = util_xstrdup(p->message);
    free(p->priv);
    p->priv = old;
    p->stale = 1;
    ui_pane_refresh(ui, p);
    ui_message(ui, 1, "%s", why);
    free(why);
    return -1;
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
    .hint = "own school only  Enter one pupil  Esc back",
    .view = MODEL_VIEW_PUPILS,
    .query = pupils_query,
    .draw = pupils_draw,
    .key = pane_drill_key,
    .close = pupils_close,
};
