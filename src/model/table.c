/* Building struct model_table: columns, rows of cells, notes and findings. */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "model_internal.h"

static char *vformat(const char *fmt, va_list ap)
{
    struct strbuf sb = STRBUF_INIT;
    sb_vaddf(&sb, fmt, ap);
    return sb_detach(&sb);
}

void mdl_table_title(struct model_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(t->title);
    t->title = vformat(fmt, ap);
    va_end(ap);
}

void mdl_set_note(struct model_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(t->note);
    t->note = vformat(fmt, ap);
    va_end(ap);
}

void mdl_append_note(struct model_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *more = vformat(fmt, ap);
    va_end(ap);
    if (!t->note) {
        t->note = more;
        return;
    }
    size_t a = strlen(t->note), b = strlen(more);
    t->note = util_xrealloc(t->note, a + b + 2);
    t->note[a] = ' ';
    memcpy(t->note + a + 1, more, b + 1);
    free(more);
}

void mdl_add_finding(struct model_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    t->findings = util_xrealloc(t->findings, (t->nfindings + 1) * sizeof *t->findings);
    t->findings[t->nfindings++] = vformat(fmt, ap);
    va_end(ap);
}

int mdl_col(struct model_table *t, const char *id, const char *label,
            enum model_col_kind kind, int decimals, int show_sign)
{
    t->cols = util_xrealloc(t->cols, (t->ncols + 1) * sizeof *t->cols);
    struct model_column *c = &t->cols[t->ncols];
    c->id = util_xstrdup(id);
    c->label = util_xstrdup(label);
    c->kind = kind;
    c->decimals = decimals;
    c->show_sign = show_sign;
    c->sortable = 1;
    c->script_only = 0;
    return (int)t->ncols++;
}

struct model_row *mdl_row(struct model_table *t, const char *key, int kind)
{
    t->rows = util_xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
    struct model_row *r = &t->rows[t->nrows++];
    r->key = util_xstrdup(key);
    r->kind = kind;
    r->cells = util_xcalloc(t->ncols ? t->ncols : 1, sizeof *r->cells);
    for (size_t c = 0; c < t->ncols; c++) {
        r->cells[c].flags = CELL_MISSING;
        r->cells[c].value = NAN;
        r->cells[c].lo = r->cells[c].hi = NAN;
    }
    return r;
}

void mdl_set_text(struct model_row *r, int c, const char *text)
{
    free(r->cells[c].text);
    r->cells[c].text = util_xstrdup(text ? text : "");
    r->cells[c].flags = 0;
}

void mdl_set_num(struct model_row *r, int c, double value)
{
    r->cells[c].value = value;
    r->cells[c].flags = isnan(value) ? CELL_MISSING : 0;
}

void mdl_set_suppressed(struct model_row *r, int c)
{
    r->cells[c].flags = CELL_SUPPRESSED;
}

static int has_value(const struct model_cell *cell, enum model_col_kind kind)
{
    if (cell->flags & (CELL_SUPPRESSED | CELL_MISSING | CELL_NA))
        return 0;
    return kind == MODEL_COL_TEXT ? cell->text != NULL : !isnan(cell->value);
}

static int compare_cells(const struct model_cell *a, const struct model_cell *b,
                         enum model_col_kind kind, int desc)
{
    int ha = has_value(a, kind), hb = has_value(b, kind);
    if (!ha || !hb)
        return hb - ha;     /* rows without a figure go last either way */
    int c;
    if (kind == MODEL_COL_TEXT)
        c = strcmp(a->text, b->text);
    else
        c = (a->value > b->value) - (a->value < b->value);
    return desc ? -c : c;
}

/* Insertion sort: stable, and tables are at most a few thousand rows. */
void mdl_sort_rows(struct model_table *t, int col, int desc)
{
    if (col < 0 || (size_t)col >= t->ncols)
        return;
    enum model_col_kind kind = t->cols[col].kind;
    for (size_t i = 1; i < t->nrows; i++) {
        struct model_row r = t->rows[i];
        size_t j = i;
        while (j > 0 && compare_cells(&t->rows[j - 1].cells[col], &r.cells[col],
                                      kind, desc) > 0) {
            t->rows[j] = t->rows[j - 1];
            j--;
        }
        t->rows[j] = r;
    }
}

void mdl_format_value(const struct mdl_ind *ind, double v, char *buf, size_t size)
{
    struct model_column col = { .kind = MODEL_COL_NUMBER, .decimals = ind->decimals,
                                .show_sign = ind->show_sign };
    struct model_cell cell = { .value = v, .lo = NAN, .hi = NAN };
    model_cell_format(&col, &cell, buf, size);
}
