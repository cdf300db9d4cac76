/*
 * widget_table: draws any model_table. A header row; text left, numbers
 * right with the column's decimals; "x" for suppressed; significance as a
 * colour and a trailing symbol (so it survives NO_COLOR); the selected row
 * reversed; sparklines for trend cells; the first text column stays put
 * while the others scroll sideways when they do not fit.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui_internal.h"

#define TEXT_MAX 28
#define FIRST_MAX 32

void widget_table_cell_text(const struct model_table *t, size_t row, size_t col,
                            char *buf, size_t size)
{
    const struct model_column *c = &t->cols[col];
    const struct model_cell *cell = &t->rows[row].cells[col];
    if (cell->flags & CELL_SUPPRESSED)
        snprintf(buf, size, "x");
    else if (c->kind == MODEL_COL_TEXT)
        snprintf(buf, size, "%s", cell->text ? cell->text : "");
    else
        model_cell_format(c, cell, buf, size);
}

static int has_marker(const struct model_table *t, size_t col)
{
    if (t->cols[col].kind != MODEL_COL_NUMBER)
        return 0;
    for (size_t r = 0; r < t->nrows; r++)
        if (t->rows[r].cells[col].flags & (CELL_SIG_ABOVE | CELL_SIG_BELOW))
            return 1;
    return 0;
}

/* Width of column col: its widest cell or header, capped for text. */
static int column_width(const struct ui *ui, const struct model_table *t, size_t col)
{
    const struct model_column *c = &t->cols[col];
    int w = ui_text_width(&ui->glyphs, c->label);
    if (c->kind == MODEL_COL_TREND) {
        int n = 0;
        for (size_t r = 0; r < t->nrows; r++)
            if (t->rows[r].cells[col].ntrend > n)
                n = t->rows[r].cells[col].ntrend;
        return w > n ? w : n;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        char buf[256];
        widget_table_cell_text(t, r, col, buf, sizeof buf);
        int cw = ui_text_width(&ui->glyphs, buf);
        if (cw > w)
            w = cw;
    }
    if (c->kind == MODEL_COL_TEXT) {
        int cap = col == 0 ? FIRST_MAX : TEXT_MAX;
        if (w > cap)
            w = cap;
    } else if (has_marker(t, col)) {
        w += 1;
    }
    return w;
}

int widget_table_width(const struct ui *ui, const struct model_table *t)
{
    int total = 0;
    for (size_t c = 0; c < t->ncols; c++)
        total += column_width(ui, t, c) + (c ? 1 : 0);
    return total;
}

void widget_sparkline(struct ui *ui, WINDOW *w, int y, int x, int width,
                      const struct model_cell *c, attr_t attr)
{
    double lo = INFINITY, hi = -INFINITY;
    char line[8 * MODEL_TREND_MAX + 1] = "";
    for (int i = 0; i < c->ntrend; i++)
        if (!isnan(c->trend[i])) {
            lo = fmin(lo, c->trend[i]);
            hi = fmax(hi, c->trend[i]);
        }
    for (int i = 0; i < c->ntrend && i < MODEL_TREND_MAX; i++) {
        const char *glyph = " ";
        if (!isnan(c->trend[i])) {
            int level = hi > lo ? (int)lround((c->trend[i] - lo) / (hi - lo) * 7) : 3;
            glyph = ui->glyphs.spark[level];
        }
        strcat(line, glyph);
    }
    ui_put(&ui->glyphs, w, y, x, line, width, UI_RIGHT, attr);
}

attr_t ui_sig_attr(const struct ui *ui, const struct model_cell *cell)
{
    if (!(cell->flags & (CELL_SIG_ABOVE | CELL_SIG_BELOW)))
        return ui->attr[THEME_NORMAL];
    int good = cell->flags & CELL_BETTER ? 1 : cell->flags & CELL_WORSE ? 0
               : (cell->flags & CELL_SIG_ABOVE) != 0;
    return ui->attr[good ? THEME_SIG_ABOVE : THEME_SIG_BELOW];
}

static attr_t cell_attr(const struct ui *ui, const struct model_cell *cell)
{
    if (cell->flags & CELL_SUPPRESSED)
        return ui->attr[THEME_SUPPRESSED];
    return ui_sig_attr(ui, cell);
}

static void draw_cell(struct ui *ui, WINDOW *win, int y, int x, int width,
                      const struct model_table *t, size_t r, size_t c, attr_t row_attr,
                      int marker)
{
    const struct model_cell *cell = &t->rows[r].cells[c];
    const struct model_column *col = &t->cols[c];
    attr_t a = row_attr ? row_attr : cell_attr(ui, cell);
    char buf[256];
    if (col->kind == MODEL_COL_TREND) {
        widget_sparkline(ui, win, y, x, width, cell, a);
        return;
    }
    widget_table_cell_text(t, r, c, buf, sizeof buf);
    if (col->kind == MODEL_COL_TEXT) {
        ui_put(&ui->glyphs, win, y, x, buf, width, UI_LEFT, a);
        return;
    }
    ui_put(&ui->glyphs, win, y, x, buf, width - marker, UI_RIGHT, a);
    if (marker) {
        const char *m = cell->flags & CELL_SUPPRESSED ? " "
                        : cell->flags & CELL_SIG_ABOVE ? ui->glyphs.up
                        : cell->flags & CELL_SIG_BELOW ? ui->glyphs.down : " ";
        ui_put(&ui->glyphs, win, y, x + width - 1, m, 1, UI_LEFT,
               row_attr ? row_attr : cell_attr(ui, cell));
    }
}

/* Which columns are shown from tv->left on, in the given width; the first
 * column stays when it is text (the row's name). */
static int first_shown(const struct model_table *t)
{
    int c = 0;
    while (c < (int)t->ncols - 1 && t->cols[c].script_only)
        c++;
    return c;
}

/* Keep the cursor off columns the screen leaves out, moving in direction dir. */
static void skip_script_only(struct table_view *tv, const struct model_table *t, int dir)
{
    while (tv->col >= 0 && tv->col < (int)t->ncols && t->cols[tv->col].script_only)
        tv->col += dir;
    if (tv->col < 0 || tv->col >= (int)t->ncols)
        tv->col = first_shown(t);
}

static int layout(const struct ui *ui, const struct model_table *t, struct table_view *tv,
                  int wd, int *widths, int *shown, int *nshown)
{
    int f0 = first_shown(t);
    int frozen = t->ncols > 0 && t->cols[f0].kind == MODEL_COL_TEXT;
    int start = frozen ? f0 + 1 : f0;   /* first scrollable column */
    for (size_t c = 0; c < t->ncols; c++)
        widths[c] = column_width(ui, t, c);
    if (frozen && widths[f0] > wd / 2 && t->ncols > 1)
        widths[f0] = wd / 2;
    if (tv->col < 0)
        tv->col = 0;
    if (tv->col >= (int)t->ncols)
        tv->col = (int)t->ncols - 1;
    skip_script_only(tv, t, 1);
    if (tv->left < start)
        tv->left = start;
    if (tv->col >= start && tv->col < tv->left)
        tv->left = tv->col;
    for (;;) {
        int used = 0, last = -1;
        *nshown = 0;
        if (frozen) {
            shown[(*nshown)++] = f0;
            used = widths[f0];
        }
        for (int c = tv->left; c < (int)t->ncols; c++) {
            if (t->cols[c].script_only)
                continue;
            int need = widths[c] + (*nshown ? 1 : 0);
            if (used + need > wd && *nshown > frozen)
                break;
            shown[(*nshown)++] = c;
            used += need;
            last = c;
        }
        if (tv->col <= last || tv->col < start || tv->left >= (int)t->ncols - 1)
            return used;
        tv->left++;
    }
}

void widget_table_draw(struct ui *ui, WINDOW *win, int y, int x, int h, int w,
                       const struct model_table *t, struct table_view *tv)
{
    int widths[64], shown[64], nshown = 0;
    if (t->ncols == 0 || h < 1 || w < 1)
        return;
    if (t->ncols > 64)
        return;
    layout(ui, t, tv, w, widths, shown, &nshown);
    int cx = x;
    for (int i = 0; i < nshown; i++) {
        int c = shown[i];
        const struct model_column *col = &t->cols[c];
        attr_t a = ui->attr[THEME_HEADER] | (c == tv->col ? A_UNDERLINE : 0);
        if (i)
            ui_put(&ui->glyphs, win, y, cx++, " ", 1, UI_LEFT, ui->attr[THEME_HEADER]);
        int cw = widths[c] < x + w - cx ? widths[c] : x + w - cx;
        ui_put(&ui->glyphs, win, y, cx, col->label, cw,
               col->kind == MODEL_COL_TEXT ? UI_LEFT : UI_RIGHT, a);
        cx += cw;
    }
    if (cx < x + w)
        ui_put(&ui->glyphs, win, y, cx, "", x + w - cx, UI_LEFT, ui->attr[THEME_HEADER]);
    int body = h - 1;
    if (tv->row >= (int)t->nrows)
        tv->row = (int)t->nrows - 1;
    if (tv->row < 0)
        tv->row = 0;
    if (tv->row < tv->top)
        tv->top = tv->row;
    if (body > 0 && tv->row >= tv->top + body)
        tv->top = tv->row - body + 1;
    if (tv->top < 0)
        tv->top = 0;
    for (int i = 0; i < body && tv->top + i < (int)t->nrows; i++) {
        size_t r = (size_t)(tv->top + i);
        attr_t row_attr = (int)r == tv->row ? ui->attr[THEME_SELECTED] : 0;
        cx = x;
        for (int k = 0; k < nshown; k++) {
            int c = shown[k];
            if (k)
                ui_put(&ui->glyphs, win, y + 1 + i, cx++, " ", 1, UI_LEFT, row_attr);
            int cw = widths[c] < x + w - cx ? widths[c] : x + w - cx;
            if (cw <= 0)
                break;
            draw_cell(ui, win, y + 1 + i, cx, cw, t, r, (size_t)c, row_attr,
                      widths[c] == cw && has_marker(t, (size_t)c));
            cx += cw;
        }
        if (row_attr && cx < x + w)
            ui_put(&ui->glyphs, win, y + 1 + i, cx, "", x + w - cx, UI_LEFT, row_attr);
    }
}

int widget_table_move(struct table_view *tv, const struct model_table *t, int h, int action)
{
    int last = (int)t->nrows - 1, page = h > 2 ? h - 2 : 1;
    switch (action) {
    case ACT_MOVE_DOWN:  tv->row++; break;
    case ACT_MOVE_UP:    tv->row--; break;
    case ACT_PAGE_DOWN:  tv->row += page; tv->top += page; break;
    case ACT_PAGE_UP:    tv->row -= page; tv->top -= page; break;
    case ACT_FIRST_ROW:  tv->row = 0; break;
    case ACT_LAST_ROW:   tv->row = last; break;
    case ACT_MOVE_LEFT:  tv->col--; break;
    case ACT_MOVE_RIGHT: tv->col++; break;
    default: return 0;
    }
    if (tv->row > last)
        tv->row = last;
    if (tv->row < 0)
        tv->row = 0;
    if (tv->top > tv->row)
        tv->top = tv->row;
    if (tv->top < 0)
        tv->top = 0;
    if (tv->col >= (int)t->ncols)
        tv->col = (int)t->ncols - 1;
    if (tv->col < 0)
        tv->col = 0;
    skip_script_only(tv, t, action == ACT_MOVE_LEFT ? -1 : 1);
    return 1;
}

int widget_table_select_key(struct table_view *tv, const struct model_table *t, const char *key)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (t->rows[r].key && strcmp(t->rows[r].key, key) == 0) {
            tv->row = (int)r;
            return 0;
        }
    return -1;
}
