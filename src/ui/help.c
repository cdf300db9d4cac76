/*
 * help: the `?` screen, made from the action table and the key map in
 * effect (so a rebinding in keys.yaml shows here), scrolled with the
 * movement keys and closed with ?, q or Esc.
 */
#include "config.h"

#include <stdio.h>

#include "ui_internal.h"

static int help_lines(const struct ui *ui)
{
    return ACT_COUNT - 1 + (int)ui->cfg->nfilters;
}

static int action_at(const struct ui *ui, int i)
{
    (void)ui;
    return i < ACT_COUNT - 1 ? i + 1 : ACT_FILTER + (i - (ACT_COUNT - 1));
}

/* The rows above the keys in a body h rows high: the title and, with a
 * group open and room for it, what an x in a table means (it stays there
 * however the keys scroll). */
static int head_rows(const struct ui *ui, int h)
{
    return ui->model && h > 3 ? 2 : 1;
}

void ui_help_draw(struct ui *ui, WINDOW *w)
{
    int h, wd;
    getmaxyx(w, h, wd);
    ui_put(&ui->glyphs, w, 0, 0, "Keys in effect (? or Esc closes; keys.yaml rebinds)", wd,
           UI_LEFT, ui->attr[THEME_TITLE]);
    int top = head_rows(ui, h);
    if (top > 1) {
        char legend[256];
        model_x_legend(ui->model, 0, legend, sizeof legend);
        ui_put(&ui->glyphs, w, 1, 1, legend, wd - 1, UI_LEFT, ui->attr[THEME_SUPPRESSED]);
    }
    int n = help_lines(ui), rows = h - top;
    if (ui->help_top > n - rows)
        ui->help_top = n - rows > 0 ? n - rows : 0;
    for (int i = 0; i < rows && ui->help_top + i < n; i++) {
        int a = action_at(ui, ui->help_top + i);
        char keys[96], name[64], help[256];
        ui_keymap_describe(&ui->keymap, a, keys, sizeof keys);
        ui_action_describe(ui->cfg, a, name, sizeof name, help, sizeof help);
        ui_put(&ui->glyphs, w, top + i, 1, keys[0] ? keys : "(unbound)", 16, UI_LEFT,
               ui->attr[THEME_CHIP]);
        ui_put(&ui->glyphs, w, top + i, 18, name, 16, UI_LEFT, ui->attr[THEME_NORMAL]);
        ui_put(&ui->glyphs, w, top + i, 35, help, wd - 36, UI_LEFT, ui->attr[THEME_NORMAL]);
    }
}

int ui_help_key(struct ui *ui, int action, int key)
{
    /* a page is the keys the body shows: its rows (all but the top line,
     * the tabs and the hint line) less those above the keys */
    int body = ui->rows - 3, h = body - head_rows(ui, body), n = help_lines(ui);
    if (action == ACT_HELP || action == ACT_QUIT || key == UI_KEY_ESC) {
        ui->help_open = 0;
    } else if (action == ACT_MOVE_DOWN || action == ACT_PAGE_DOWN) {
        ui->help_top += action == ACT_PAGE_DOWN ? h : 1;
    } else if (action == ACT_MOVE_UP || action == ACT_PAGE_UP) {
        ui->help_top -= action == ACT_PAGE_UP ? h : 1;
    } else if (action == ACT_FIRST_ROW || action == ACT_LAST_ROW) {
        ui->help_top = action == ACT_FIRST_ROW ? 0 : n;
    } else {
        /* Any other action closes help and happens. */
        ui->help_open = 0;
        ui->dirty_body = 1;
        return 0;
    }
    if (ui->help_top < 0)
        ui->help_top = 0;
    ui->dirty_body = 1;
    return 1;
}
