/*
 * pane: what the panes share: drawing a table under its title with its
 * note, a message in place of a table (the model's refusal), drilling into
 * a row and back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "ui_internal.h"

int pane_column(const struct model_table *t, const char *id)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].id && strcmp(t->cols[c].id, id) == 0)
            return (int)c;
    return -1;
}

/* Word-wrap msg into w from row 1, indented by two columns. */
void pane_draw_message(struct ui *ui, WINDOW *w, const char *msg)
{
    int rows, cols, y = 1;
    getmaxyx(w, rows, cols);
    const char *s = msg;
    while (*s && y < rows) {
        int width = cols - 4, len = 0, last_space = -1;
        while (s[len] && s[len] != '\n' && len < width) {
            if (s[len] == ' ')
                last_space = len;
            len++;
        }
        if (s[len] && s[len] != '\n' && last_space > 0)
            len = last_space;
        char *line = util_xstrndup(s, (size_t)len);
        ui_put(&ui->glyphs, w, y++, 2, line, width, UI_LEFT, ui->attr[THEME_NORMAL]);
        free(line);
        s += len;
        while (*s == ' ' || *s == '\n')
            s++;
    }
}

/* What x means, right-aligned on the title line between columns from and
 * to when it fits (the whole sentence is in the ? help). */
static void draw_legend(struct ui *ui, WINDOW *w, int y, int from, int to)
{
    char legend[128];
    model_x_legend(ui->model, 1, legend, sizeof legend);
    int len = ui_text_width(&ui->glyphs, legend);
    if (to - from >= len)
        ui_put(&ui->glyphs, w, y, to - len, legend, len, UI_LEFT,
               ui->attr[THEME_SUPPRESSED]);
}

void pane_draw_table(struct ui *ui, struct pane *p, WINDOW *w, int y, int x, int h, int wd)
{
    const struct model_table *t = &p->table;
    int note = t->note && *t->note && h > 4;
    const char *title = t->title ? t->title : p->ops->name;
    ui_put(&ui->glyphs, w, y, x, title, wd, UI_LEFT, ui->attr[THEME_TITLE]);
    if (t->legend)
        draw_legend(ui, w, y, x + ui_text_width(&ui->glyphs, title) + 2, x + wd);
    if (t->nrows == 0) {
        ui_put(&ui->glyphs, w, y + 2, x + 2, t->note && *t->note ? t->note : "No rows.",
               wd - 2, UI_LEFT, ui->attr[THEME_NORMAL]);
        return;
    }
    widget_table_draw(ui, w, y + 1, x, h - 1 - note, wd, t, &p->tv);
    if (note)
        ui_put(&ui->glyphs, w, y + h - 1, x, t->note, wd, UI_LEFT, ui->attr[THEME_SUPPRESSED]);
}

/* Open the selected row as a drill-down (its key), remembering where the
 * list was so that back returns to the same row. */
int pane_drill_in(struct ui *ui, struct pane *p)
{
    if (!p->loaded || p->drill || p->tv.row < 0 || (size_t)p->tv.row >= p->table.nrows)
        return 0;
    const struct model_row *row = &p->table.rows[p->tv.row];
    if (!row->key)
        return 0;
    p->drill = util_xstrdup(row->key);
    p->drill_label = util_xstrdup(p->table.ncols && row->cells[0].text ? row->cells[0].text
                                                                        : row->key);
    p->saved_tv = p->tv;
    p->saved_sort_col = p->sort_col;
    p->saved_sort_desc = p->sort_desc;
    memset(&p->tv, 0, sizeof p->tv);
    p->sort_col = -1;
    p->stale = 1;
    ui->dirty_body = ui->dirty_top = 1;
    return 1;
}

int pane_drill_out(struct ui *ui, struct pane *p)
{
    if (!p->drill)
        return 0;
    free(p->drill);
    free(p->drill_label);
    p->drill = p->drill_label = NULL;
    p->tv = p->saved_tv;
    p->sort_col = p->saved_sort_col;
    p->sort_desc = p->saved_sort_desc;
    p->stale = 1;
    ui->dirty_body = ui->dirty_top = 1;
    return 1;
}

int pane_drill_key(struct ui *ui, struct pane *p, int action)
{
    if (action == ACT_OPEN)
        return p->drill ? 0 : pane_drill_in(ui, p);
    if (action == ACT_BACK)
        return pane_drill_out(ui, p);
    return 0;
}
