/*
 * widget_form: rows of a keyboard form and a one-line text editor; see
 * widget_form.h. Score cells are one digit wide on screen, so the columns
 * stay narrow enough for 80 columns beside the row labels.
 */
#include "config.h"

#include <string.h>

#include "widget_form.h"

#define CELL_W 8
#define FLAG_W 8

static int selectable(const struct form_row *rows, size_t nrows, int i)
{
    return i >= 0 && (size_t)i < nrows && !rows[i].heading;
}

void widget_form_settle(struct form_view *fv, const struct form_row *rows, size_t nrows)
{
    if (fv->row < 0)
        fv->row = 0;
    while ((size_t)fv->row < nrows && rows[fv->row].heading)
        fv->row++;
    if ((size_t)fv->row >= nrows)
        fv->row = nrows ? (int)nrows - 1 : 0;
}

int widget_form_move(struct form_view *fv, const struct form_row *rows, size_t nrows,
                     int dir)
{
    for (int i = fv->row + dir; i >= 0 && (size_t)i < nrows; i += dir)
        if (selectable(rows, nrows, i)) {
            fv->row = i;
            return 1;
        }
    return 0;
}

static void draw_row(struct ui *ui, WINDOW *win, int y, int x, int w, int label_w,
                     const struct form_row *r, int selected, int cell)
{
    const struct ui_glyphs *g = &ui->glyphs;
    if (r->heading) {
        ui_put(g, win, y, x, r->label, w, UI_LEFT, ui->attr[THEME_TITLE]);
        return;
    }
    attr_t base = selected ? ui->attr[THEME_SELECTED] : ui->attr[THEME_NORMAL];
    int cx = x;
    cx += ui_put(g, win, y, cx, r->label, label_w, UI_LEFT, base);
    for (int c = 0; c < 2; c++) {
        char buf[16];
        snprintf(buf, sizeof buf, r->score[c] ? "%d" : ".", r->score[c]);
        attr_t a = selected && c == cell ? (base | A_REVERSE | A_BOLD) : base;
        cx += ui_put(g, win, y, cx, " ", 1, UI_LEFT, base);
        cx += ui_put(g, win, y, cx, buf, CELL_W - 1, UI_CENTER, a);
    }
    cx += ui_put(g, win, y, cx, r->flag ? " shared" : " -", FLAG_W, UI_LEFT, base);
    if (cx < x + w)
        ui_put(g, win, y, cx, r->text ? r->text : "", x + w - cx, UI_LEFT, base);
}

void widget_form_draw(struct ui *ui, WINDOW *win, int y, int x, int h, int w,
                      const char *const heads[2], const struct form_row *rows,
                      size_t nrows, struct form_view *fv)
{
    const struct ui_glyphs *g = &ui->glyphs;
    int label_w = w - 2 * CELL_W - FLAG_W - 16;
    if (label_w > 34)
        label_w = 34;
    if (label_w < 12)
        label_w = 12;
    if (h < 2)
        return;
    int cx = x;
    cx += ui_put(g, win, y, cx, "Sub-theme", label_w, UI_LEFT, ui->attr[THEME_HEADER]);
    for (int c = 0; c < 2; c++) {
        cx += ui_put(g, win, y, cx, " ", 1, UI_LEFT, ui->attr[THEME_HEADER]);
        cx += ui_put(g, win, y, cx, heads[c], CELL_W - 1, UI_CENTER,
                     ui->attr[THEME_HEADER] | (c == fv->cell ? A_BOLD | A_UNDERLINE : 0));
    }
    cx += ui_put(g, win, y, cx, " Shared", FLAG_W, UI_LEFT, ui->attr[THEME_HEADER]);
    if (cx < x + w)
        ui_put(g, win, y, cx, "Strengths / development", x + w - cx, UI_LEFT,
               ui->attr[THEME_HEADER]);
    int body = h - 1;
    if (fv->row < fv->top)
        fv->top = fv->row;
    if (fv->row >= fv->top + body)
        fv->top = fv->row - body + 1;
    /* Keep an area's heading in view above its first sub-theme. */
    if (fv->top > 0 && fv->top == fv->row && rows[fv->top - 1].heading)
        fv->top--;
    for (int i = 0; i < body && (size_t)(fv->top + i) < nrows; i++)
        draw_row(ui, win, y + 1 + i, x, w, label_w, &rows[fv->top + i],
                 fv->top + i == fv->row, fv->cell);
}

void widget_line_start(struct form_line *l, const char *initial)
{
    snprintf(l->buf, sizeof l->buf, "%s", initial ? initial : "");
    l->len = strlen(l->buf);
}

enum form_line_result widget_line_key(struct form_line *l, int key)
{
    if (key == UI_KEY_ENTER)
        return FORM_LINE_DONE;
    if (key == UI_KEY_ESC)
        return FORM_LINE_CANCEL;
    if (key == UI_FN(KEY_BACKSPACE)) {
        /* Drop one whole UTF-8 character. */
        while (l->len > 0 && ((unsigned char)l->buf[l->len - 1] & 0xc0) == 0x80)
            l->len--;
        if (l->len > 0)
            l->len--;
        l->buf[l->len] = '\0';
        return FORM_LINE_GOING;
    }
    if (key == UI_CTRL('u')) {
        l->len = 0;
        l->buf[0] = '\0';
        return FORM_LINE_GOING;
    }
    if (key < 0x20 || key == 0x7f || (key & UI_KEY_FN) || l->len + 5 >= sizeof l->buf)
        return FORM_LINE_GOING;
    l->len += ui_utf8_encode((unsigned)key, l->buf + l->len);
    l->buf[l->len] = '\0';
    return FORM_LINE_GOING;
}

void widget_line_draw(struct ui *ui, WINDOW *win, int y, int x, int w, const char *label,
                      const struct form_line *l)
{
    const struct ui_glyphs *g = &ui->glyphs;
    int lw = ui_text_width(g, label);
    int cx = x + ui_put(g, win, y, x, label, lw < w ? lw : w, UI_LEFT,
                        ui->attr[THEME_TITLE]);
    int room = x + w - cx - 1;
    if (room < 4)
        return;
    /* Show the end of a long text: the part being typed. */
    const char *s = l->buf;
    while (ui_text_width(g, s) > room - 1 && *s) {
        s++;
        while ((*s & 0xc0) == 0x80)
            s++;
    }
    cx += ui_put(g, win, y, cx, " ", 1, UI_LEFT, ui->attr[THEME_NORMAL]);
    int tw = ui_text_width(g, s);
    cx += ui_put(g, win, y, cx, s, tw, UI_LEFT, ui->attr[THEME_NORMAL]);
    ui_put(g, win, y, cx, "_", 1, UI_LEFT, ui->attr[THEME_NORMAL] | A_BLINK);
}
