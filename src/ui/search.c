/*
 * search: quick jump. A pattern is matched, case-insensitively, against the
 * names, URNs and DfE numbers of the group's schools, the subjects, and the
 * pupils where the model allows the user to see them; the first hit is
 * selected as the user types, n / N step through the rest.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "ui_internal.h"

/* The pane each searched view jumps to. */
static const struct {
    enum model_view view;
    int pane;
} searched[3] = {
    { MODEL_VIEW_SCHOOLS, 2 }, { MODEL_VIEW_SUBJECTS, 1 }, { MODEL_VIEW_PUPILS, 3 },
};

static void drop_tables(struct ui *ui)
{
    for (int i = 0; i < 3; i++) {
        if (ui->search_loaded[i])
            model_table_free(&ui->search_tab[i]);
        memset(&ui->search_tab[i], 0, sizeof ui->search_tab[i]);
        ui->search_loaded[i] = 0;
    }
}

static void load_tables(struct ui *ui)
{
    if (ui->search_valid)
        return;
    drop_tables(ui);
    for (int i = 0; i < 3; i++) {
        struct model_query q;
        struct collab_err err = { { 0 }, 0 };
        memset(&q, 0, sizeof q);
        q.view = searched[i].view;
        q.year = ui_year(ui);
        q.sort_col = -1;
        if (q.view == MODEL_VIEW_PUPILS) {
            q.urn = model_user_school(ui->model);
            if (!q.urn)
                continue;    /* no school: no pupils to search, and no audit noise */
        }
        if (model_query(ui->model, &q, &ui->search_tab[i], &err) == 0)
            ui->search_loaded[i] = 1;
        else
            model_table_free(&ui->search_tab[i]);
    }
    ui->search_valid = 1;
}

static int contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (!hay)
        return 0;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Columns that identify a row by number. */
static int is_identifier(const struct model_column *c)
{
    return c->id && (strstr(c->id, "urn") || strstr(c->id, "dfe") || strstr(c->id, "laestab"));
}

static int row_matches(const struct model_table *t, size_t r, const char *pattern)
{
    const struct model_row *row = &t->rows[r];
    if (contains(row->key, pattern))
        return 1;
    for (size_t c = 0; c < t->ncols; c++) {
        char buf[128];
        if (t->cols[c].kind == MODEL_COL_TEXT) {
            if (contains(row->cells[c].text, pattern))
                return 1;
        } else if (is_identifier(&t->cols[c])) {
            widget_table_cell_text(t, r, c, buf, sizeof buf);
            if (contains(buf, pattern))
                return 1;
        }
    }
    return 0;
}

static void clear_hits(struct ui *ui)
{
    for (size_t i = 0; i < ui->nhits; i++)
        free(ui->hits[i].key);
    free(ui->hits);
    ui->hits = NULL;
    ui->nhits = 0;
    ui->hit_pos = 0;
}

static void jump(struct ui *ui, const struct ui_search_hit *h)
{
    struct pane *p = &ui->panes[h->pane];
    ui_switch_pane(ui, h->pane);
    pane_drill_out(ui, p);
    ui_pane_refresh(ui, p);
    if (p->loaded)
        widget_table_select_key(&p->tv, &p->table, h->key);
    ui->dirty_body = 1;
}

void ui_search_run(struct ui *ui, const char *pattern)
{
    load_tables(ui);
    clear_hits(ui);
    snprintf(ui->last_search, sizeof ui->last_search, "%s", pattern);
    for (int i = 0; i < 3; i++) {
        const struct model_table *t = &ui->search_tab[i];
        if (!ui->search_loaded[i])
            continue;
        for (size_t r = 0; r < t->nrows; r++)
            if (t->rows[r].key && row_matches(t, r, pattern)) {
                ui->hits = util_xrealloc(ui->hits, (ui->nhits + 1) * sizeof ui->hits[0]);
                ui->hits[ui->nhits].pane = searched[i].pane;
                ui->hits[ui->nhits].key = util_xstrdup(t->rows[r].key);
                ui->nhits++;
            }
    }
    if (ui->nhits)
        jump(ui, &ui->hits[0]);
}

void ui_search_step(struct ui *ui, int dir)
{
    if (!ui->last_search[0]) {
        ui_message(ui, 0, "no jump yet: / starts one");
        return;
    }
    if (!ui->search_valid || !ui->nhits)
        ui_search_run(ui, ui->last_search);
    if (!ui->nhits) {
        ui_message(ui, 1, "no match for '%s'", ui->last_search);
        return;
    }
    ui->hit_pos = (ui->hit_pos + dir + (int)ui->nhits) % (int)ui->nhits;
    jump(ui, &ui->hits[ui->hit_pos]);
    ui_message(ui, 0, "match %d of %zu for '%s'", ui->hit_pos + 1, ui->nhits, ui->last_search);
}

void ui_search_free(struct ui *ui)
{
    clear_hits(ui);
    drop_tables(ui);
    ui->search_valid = 0;
}
