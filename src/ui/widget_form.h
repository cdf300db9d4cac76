/*
 * widget_form: a keyboard form of rows (headings and entry rows with two
 * score cells, a flag and a text preview) and a one-line text editor, for
 * panes that take input (the Evaluation pane). It draws and edits plain
 * data the pane owns; it never reads or writes a store.
 */
#ifndef COLLAB_WIDGET_FORM_H
#define COLLAB_WIDGET_FORM_H

#include <stddef.h>

#include "ui_internal.h"

struct form_row {
    const char *label;
    int heading;             /* an area title: not selectable */
    int score[2];            /* 0: none */
    int flag;                /* shown as "shared" */
    const char *text;        /* a preview of the row's text, or NULL */
};

struct form_view {
    int row;                 /* selected row (never a heading) */
    int top;                 /* first row shown */
    int cell;                /* which score cell keys go to: 0 or 1 */
};

/* Draw rows with headers for the two score cells in (y, x, h, w); keeps
 * fv->top so the selected row shows. */
void widget_form_draw(struct ui *ui, WINDOW *win, int y, int x, int h, int w,
                      const char *const heads[2], const struct form_row *rows,
                      size_t nrows, struct form_view *fv);
/* Move the selection by dir (+1 / -1) over selectable rows; 1 if moved. */
int widget_form_move(struct form_view *fv, const struct form_row *rows, size_t nrows,
                     int dir);
/* Put the selection on the first selectable row at or after fv->row. */
void widget_form_settle(struct form_view *fv, const struct form_row *rows, size_t nrows);

#define FORM_LINE_MAX 1024

struct form_line {
    char buf[FORM_LINE_MAX];
    size_t len;
};

enum form_line_result { FORM_LINE_GOING, FORM_LINE_DONE, FORM_LINE_CANCEL };

/* Start editing with initial text (may be NULL). */
void widget_line_start(struct form_line *l, const char *initial);
/* Feed a key: printable characters are added (UTF-8), Backspace deletes the
 * last character, C-u clears, Enter finishes, Esc cancels. */
enum form_line_result widget_line_key(struct form_line *l, int key);
/* Draw "label: text_" on row y, scrolled so the end shows. */
void widget_line_draw(struct ui *ui, WINDOW *win, int y, int x, int w, const char *label,
                      const struct form_line *l);

#endif
