/*
 * widget_chart: a bar chart of one column (with the national figure as a
 * vertical line) and a scatter of two columns. Braille dots and eighth
 * blocks in UTF-8; '#', '|' and '*' in ASCII. Suppressed and missing cells
 * are left out, never drawn as zero.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui_internal.h"

static int usable(const struct model_cell *c)
{
    return !(c->flags & (CELL_SUPPRESSED | CELL_MISSING | CELL_NA)) && !isnan(c->value);
}

static const char *row_label(const struct model_table *t, size_t r)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].kind == MODEL_COL_TEXT && t->rows[r].cells[c].text)
            return t->rows[r].cells[c].text;
    return t->rows[r].key ? t->rows[r].key : "";
}

static void range(const struct model_table *t, size_t col, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t r = 0; r < t->nrows; r++)
        if (usable(&t->rows[r].cells[col])) {
            *lo = fmin(*lo, t->rows[r].cells[col].value);
            *hi = fmax(*hi, t->rows[r].cells[col].value);
        }
}


void widget_chart_bars(struct ui *ui, WINDOW *win, int y, int x, int h, int w,
                       const struct model_table *t, size_t col, double national,
                       int selected)
{
    const struct ui_glyphs *g = &ui->glyphs;
    double lo, hi;
    char title[160];
    int lab_w = w / 3 > 22 ? 22 : w / 3, val_w = 8;
    int bar_w = w - lab_w - val_w - 2;
    if (h < 3 || bar_w < 4)
        return;
    range(t, col, &lo, &hi);
    if (!isfinite(lo)) {
        ui_put(g, win, y, x, "No figures to chart", w, UI_LEFT, ui->attr[THEME_NORMAL]);
        return;
    }
    if (!isnan(national)) {
        lo = fmin(lo, national);
        hi = fmax(hi, national);
    }
    lo = fmin(lo, 0);
    hi = fmax(hi, 0);
    if (hi <= lo)
        hi = lo + 1;
    if (isnan(national))
        snprintf(title, sizeof title, "%s", t->cols[col].label);
    else
        snprintf(title, sizeof title, "%s (%s national %.*f)", t->cols[col].label,
                 g->national, t->cols[col].decimals, national);
    ui_put(g, win, y, x, title, w, UI_LEFT, ui->attr[THEME_TITLE]);
    double scale = bar_w / (hi - lo);
    int zero = (int)lround(-lo * scale);
    int nat = isnan(national) ? -1 : (int)lround((national - lo) * scale);
    if (nat >= bar_w)
        nat = bar_w - 1;
    int rows = h - 1, first = 0;
    if (selected >= rows)
        first = selected - rows + 1;
    for (int i = 0; i < rows && first + i < (int)t->nrows; i++) {
        size_t r = (size_t)(first + i);
        const struct model_cell *c = &t->rows[r].cells[col];
        int yy = y + 1 + i, bx = x + lab_w + 1;
        char val[64];
        attr_t la = (int)r == selected ? ui->attr[THEME_SELECTED] : ui->attr[THEME_NORMAL];
        ui_put(g, win, yy, x, row_label(t, r), lab_w, UI_LEFT, la);
        ui_put(g, win, yy, bx, "", bar_w, UI_LEFT, ui->attr[THEME_NORMAL]);
        if (usable(c)) {
            double pos = (c->value - lo) * scale;
            int from = c->value >= 0 ? zero : (int)lround(pos);
            double to = c->value >= 0 ? pos : zero;
            int full = (int)floor(to) - from;
            for (int k = 0; k < full && from + k < bar_w; k++)
                ui_put(g, win, yy, bx + from + k, g->eighths[7], 1, UI_LEFT, ui->attr[THEME_BAR]);
            int eighth = (int)((to - floor(to)) * 8);
            if (c->value >= 0 && eighth > 0 && from + full < bar_w && full >= 0)
                ui_put(g, win, yy, bx + from + full, g->eighths[eighth - 1], 1, UI_LEFT,
                       ui->attr[THEME_BAR]);
        }
        if (nat >= 0) {
            chtype under = mvwinch(win, yy, bx + nat) & A_CHARTEXT;
            if (under == ' ')
                ui_put(g, win, yy, bx + nat, g->national, 1, UI_LEFT, ui->attr[THEME_NATIONAL]);
        }
        widget_table_cell_text(t, r, col, val, sizeof val);
        ui_put(g, win, yy, x + w - val_w, val, val_w, UI_RIGHT, ui_sig_attr(ui, c));
    }
}

/* Braille dot bit for sub-cell (dx 0..1, dy 0..3). */
static const unsigned braille_bit[4][2] = {
    { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 },
};

static void put_codepoint(const struct ui_glyphs *g, WINDOW *win, int y, int x,
                          unsigned cp, attr_t a)
{
    char mb[5] = { (char)(0xe0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3f)),
                   (char)(0x80 | (cp & 0x3f)), 0, 0 };
    ui_put(g, win, y, x, mb, 1, UI_LEFT, a);
}

void widget_chart_scatter(struct ui *ui, WINDOW *win, int y, int x, int h, int w,
                          const struct model_table *t, size_t xcol, size_t ycol,
                          int selected)
{
    const struct ui_glyphs *g = &ui->glyphs;
    double xlo, xhi, ylo, yhi;
    char buf[160];
    int axis_w = 7, pw = w - axis_w - 1, ph = h - 3;
    if (ph < 3 || pw < 8)
        return;
    snprintf(buf, sizeof buf, "%s against %s", t->cols[ycol].label, t->cols[xcol].label);
    ui_put(g, win, y, x, buf, w, UI_LEFT, ui->attr[THEME_TITLE]);
    range(t, xcol, &xlo, &xhi);
    range(t, ycol, &ylo, &yhi);
    if (!isfinite(xlo) || !isfinite(ylo)) {
        ui_put(g, win, y + 1, x, "No figures to chart", w, UI_LEFT, ui->attr[THEME_NORMAL]);
        return;
    }
    if (xhi <= xlo)
        xhi = xlo + 1;
    if (yhi <= ylo)
        yhi = ylo + 1;
    int sx = g->utf8 ? 2 : 1, sy = g->utf8 ? 4 : 1;
    unsigned cells[64][256];
    int px = pw > 256 ? 256 : pw, py = ph > 64 ? 64 : ph;
    memset(cells, 0, sizeof cells);
    int sel_cx = -1, sel_cy = -1;
    for (size_t r = 0; r < t->nrows; r++) {
        const struct model_cell *a = &t->rows[r].cells[xcol], *b = &t->rows[r].cells[ycol];
        if (!usable(a) || !usable(b))
            continue;
        int dx = (int)lround((a->value - xlo) / (xhi - xlo) * (px * sx - 1));
        int dy = (int)lround((yhi - b->value) / (yhi - ylo) * (py * sy - 1));
        cells[dy / sy][dx / sx] |= g->utf8 ? braille_bit[dy % sy][dx % sx] : 1;
        if ((int)r == selected) {
            sel_cx = dx / sx;
            sel_cy = dy / sy;
        }
    }
    for (int cy = 0; cy < py; cy++) {
        ui_put(g, win, y + 1 + cy, x + axis_w, g->vline, 1, UI_LEFT, ui->attr[THEME_BORDER]);
        for (int cx = 0; cx < px; cx++) {
            if (!cells[cy][cx])
                continue;
            if (g->utf8)
                put_codepoint(g, win, y + 1 + cy, x + axis_w + 1 + cx, 0x2800 + cells[cy][cx],
                              ui->attr[THEME_BAR]);
            else
                ui_put(g, win, y + 1 + cy, x + axis_w + 1 + cx, "*", 1, UI_LEFT, ui->attr[THEME_BAR]);
        }
    }
    if (sel_cx >= 0)
        ui_put(g, win, y + 1 + sel_cy, x + axis_w + 1 + sel_cx, g->utf8 ? g->dot : "@", 1,
               UI_LEFT, ui->attr[THEME_SELECTED]);
    snprintf(buf, sizeof buf, "%.*f", t->cols[ycol].decimals, yhi);
    ui_put(g, win, y + 1, x, buf, axis_w - 1, UI_RIGHT, ui->attr[THEME_NORMAL]);
    snprintf(buf, sizeof buf, "%.*f", t->cols[ycol].decimals, ylo);
    ui_put(g, win, y + py, x, buf, axis_w - 1, UI_RIGHT, ui->attr[THEME_NORMAL]);
    for (int cx = 0; cx < px; cx++)
        ui_put(g, win, y + 1 + py, x + axis_w + 1 + cx, g->hline, 1, UI_LEFT, ui->attr[THEME_BORDER]);
    snprintf(buf, sizeof buf, "%.*f", t->cols[xcol].decimals, xlo);
    ui_put(g, win, y + 2 + py, x + axis_w + 1, buf, px / 2, UI_LEFT, ui->attr[THEME_NORMAL]);
    snprintf(buf, sizeof buf, "%.*f", t->cols[xcol].decimals, xhi);
    ui_put(g, win, y + 2 + py, x + axis_w + 1 + px / 2, buf, px - px / 2, UI_RIGHT,
           ui->attr[THEME_NORMAL]);
}
