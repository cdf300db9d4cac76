/*
 * pane_evaluation: the partnership self-evaluation. The view is the model's
 * table (MODEL_VIEW_EVALUATION) with its priorities, a bar per row of the
 * partnership mean and the shared strengths and development of the selected
 * sub-theme when there is room; y / Y step through the terms with entries.
 *
 * Enter opens the form where a school leader scores their own school and
 * the partnership on each sub-theme of the current term: j/k move, Tab (or
 * h/l) picks the school or partnership cell, a digit saves a score at once,
 * Backspace clears it, Enter or e edits strengths then development, S
 * toggles sharing with the group, Esc returns to the view. Every change is
 * saved by the model as it is made (eval.h), so quitting or a dropped
 * connection loses nothing entered; a refusal or an invalid score shows the
 * model's message and saves nothing.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/eval.h"
#include "collab/util.h"
#include "ui_internal.h"
#include "widget_form.h"

enum editing { EDIT_NONE, EDIT_STRENGTHS, EDIT_DEVELOPMENT };

struct eval_pane {
    int form;                      /* the form is open */
    char term[EVAL_TERM_MAX];      /* the form's term: the current one */
    char view_term[EVAL_TERM_MAX]; /* the view's term; "" for the latest */
    long urn;                      /* the school the form enters for */
    const char *group;             /* the group it was opened on (cfg's id) */
    struct form_row *rows;
    const char **themes;           /* theme id per row, NULL for headings */
    char **previews;               /* owned text previews per row */
    size_t nrows;
    struct eval_entry *own;
    size_t nown;
    struct form_view fv;
    enum editing editing;
    struct form_line line;
    char *strengths;               /* typed strengths while development is edited */
};

static struct eval_pane *state(struct pane *p)
{
    if (!p->priv)
        p->priv = util_xcalloc(1, sizeof(struct eval_pane));
    return p->priv;
}

static void free_rows(struct eval_pane *st)
{
    for (size_t i = 0; i < st->nrows; i++)
        free(st->previews[i]);
    free(st->previews);
    free(st->rows);
    free(st->themes);
    st->rows = NULL;
    st->previews = NULL;
    st->themes = NULL;
    st->nrows = 0;
    eval_entries_free(st->own, st->nown);
    st->own = NULL;
    st->nown = 0;
}

static void evaluation_close(struct pane *p)
{
    struct eval_pane *st = p->priv;
    if (!st)
        return;
    free_rows(st);
    free(st->strengths);
    free(st);
    p->priv = NULL;
}

static const struct eval_entry *own_entry(const struct eval_pane *st, const char *theme)
{
    for (size_t i = 0; i < st->nown; i++)
        if (st->own[i].urn == st->urn && strcmp(st->own[i].theme, theme) == 0)
            return &st->own[i];
    return NULL;
}

static char *preview(const struct eval_entry *e)
{
    if (!e || (!e->strengths && !e->development))
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    if (e->strengths)
        sb_addf(&sb, "S: %s", e->strengths);
    if (e->development)
        sb_addf(&sb, "%sD: %s", sb.len ? " | " : "", e->development);
    return sb_detach(&sb);
}

/* Rebuild the form's rows from the framework and the school's saved entries. */
static int form_load(struct ui *ui, struct eval_pane *st, struct collab_err *err)
{
    struct eval_ctx ctx;
    eval_ctx_from_model(ui->model, &ctx);
    free_rows(st);
    if (eval_list(&ctx, st->term, &st->own, &st->nown, err) != 0)
        return -1;
    const struct cfg_eval *ev = &ui->cfg->eval;
    size_t n = ev->nareas;
    for (size_t a = 0; a < ev->nareas; a++)
        n += ev->areas[a].nthemes;
    st->rows = util_xcalloc(n ? n : 1, sizeof *st->rows);
    st->themes = util_xcalloc(n ? n : 1, sizeof *st->themes);
    st->previews = util_xcalloc(n ? n : 1, sizeof *st->previews);
    for (size_t a = 0; a < ev->nareas; a++) {
        st->rows[st->nrows].label = ev->areas[a].title;
        st->rows[st->nrows++].heading = 1;
        for (size_t t = 0; t < ev->areas[a].nthemes; t++) {
            const char *id = ev->areas[a].themes[t].id;
            const struct eval_entry *e = own_entry(st, id);
            struct form_row *r = &st->rows[st->nrows];
            r->label = ev->areas[a].themes[t].title;
            r->score[0] = e ? e->school_score : 0;
            r->score[1] = e ? e->partnership_score : 0;
            r->flag = e ? e->shared : 0;
            st->previews[st->nrows] = preview(e);
            r->text = st->previews[st->nrows];
            st->themes[st->nrows++] = id;
        }
    }
    widget_form_settle(&st->fv, st->rows, st->nrows);
    return 0;
}

static int form_open(struct ui *ui, struct pane *p)
{
    struct eval_pane *st = state(p);
    struct collab_err err = { { 0 }, 0 };
    struct eval_ctx ctx;
    eval_ctx_from_model(ui->model, &ctx);
    st->urn = eval_entry_school(&ctx, &err);
    if (!st->urn) {
        model_audit(ui->model, "refused", model_group_id(ui->model), err.msg);
        ui_message(ui, 1, "%s", err.msg);
        return 1;
    }
    eval_term_current(st->term, sizeof st->term);
    if (form_load(ui, st, &err) != 0) {
        ui_message(ui, 1, "%s", err.msg);
        return 1;
    }
    st->form = 1;
    st->group = model_group_id(ui->model);
    st->editing = EDIT_NONE;
    ui->dirty_body = 1;
    return 1;
}

static const char *current_theme(const struct eval_pane *st)
{
    if (st->fv.row < 0 || (size_t)st->fv.row >= st->nrows)
        return NULL;
    return st->themes[st->fv.row];
}

/* After a save: the form shows what the store now holds, the view too. */
static void after_save(struct ui *ui, struct pane *p, struct eval_pane *st,
                       const char *what)
{
    struct collab_err err = { { 0 }, 0 };
    const char *label = st->rows[st->fv.row].label;
    if (form_load(ui, st, &err) != 0)
        ui_message(ui, 1, "%s", err.msg);
    else
        ui_message(ui, 0, "saved: %s, %s", label, what);
    p->stale = 1;
    ui->dirty_body = 1;
}

static void save_score(struct ui *ui, struct pane *p, struct eval_pane *st, int score)
{
    static const char *const names[] = { "school", "partnership" };
    struct collab_err err = { { 0 }, 0 };
    struct eval_ctx ctx;
    const char *theme = current_theme(st);
    if (!theme)
        return;
    eval_ctx_from_model(ui->model, &ctx);
    if (eval_save_score(&ctx, st->term, theme, (enum eval_target)st->fv.cell, score,
                        &err) != 0) {
        ui_message(ui, 1, "%s", err.msg);
        return;
    }
    char what[64];
    if (score)
        snprintf(what, sizeof what, "%s %d", names[st->fv.cell], score);
    else
        snprintf(what, sizeof what, "%s score cleared", names[st->fv.cell]);
    after_save(ui, p, st, what);
}

static void toggle_shared(struct ui *ui, struct pane *p, struct eval_pane *st)
{
    struct collab_err err = { { 0 }, 0 };
    struct eval_ctx ctx;
    const char *theme = current_theme(st);
    if (!theme)
        return;
    int shared = !st->rows[st->fv.row].flag;
    eval_ctx_from_model(ui->model, &ctx);
    if (eval_save_shared(&ctx, st->term, theme, shared, &err) != 0) {
        ui_message(ui, 1, "%s", err.msg);
        return;
    }
    after_save(ui, p, st, shared ? "shared with the group" : "not shared");
}

static void edit_start(struct ui *ui, struct eval_pane *st)
{
    const char *theme = current_theme(st);
    const struct eval_entry *e = theme ? own_entry(st, theme) : NULL;
    if (!theme)
        return;
    widget_line_start(&st->line, e ? e->strengths : NULL);
    st->editing = EDIT_STRENGTHS;
    ui->dirty_body = 1;
}

static void edit_key(struct ui *ui, struct pane *p, struct eval_pane *st, int key)
{
    enum form_line_result r = widget_line_key(&st->line, key);
    ui->dirty_body = 1;
    if (r == FORM_LINE_CANCEL) {
        st->editing = EDIT_NONE;
        free(st->strengths);
        st->strengths = NULL;
        ui_message(ui, 0, "not saved: the text is as it was");
        return;
    }
    if (r != FORM_LINE_DONE)
        return;
    if (st->editing == EDIT_STRENGTHS) {
        const struct eval_entry *e = own_entry(st, current_theme(st));
        free(st->strengths);
        st->strengths = util_xstrdup(st->line.buf);
        widget_line_start(&st->line, e ? e->development : NULL);
        st->editing = EDIT_DEVELOPMENT;
        return;
    }
    struct collab_err err = { { 0 }, 0 };
    struct eval_ctx ctx;
    eval_ctx_from_model(ui->model, &ctx);
    st->editing = EDIT_NONE;
    int rc = eval_save_text(&ctx, st->term, current_theme(st), st->strengths,
                            st->line.buf, &err);
    free(st->strengths);
    st->strengths = NULL;
    if (rc != 0)
        ui_message(ui, 1, "%s", err.msg);
    else
        after_save(ui, p, st, "strengths and development");
}

/* The form's own keys; anything else (q, ?, :) goes on to the key map. */
static int form_key(struct ui *ui, struct pane *p, struct eval_pane *st, int key)
{
    static const struct { int key; int move; } moves[] = {
        { 'j', 1 }, { UI_FN(KEY_DOWN), 1 }, { 'k', -1 }, { UI_FN(KEY_UP), -1 },
    };
    static const struct { int key; int cell; } cells[] = {
        { 'h', 0 }, { UI_FN(KEY_LEFT), 0 }, { 'l', 1 }, { UI_FN(KEY_RIGHT), 1 },
    };
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (key == moves[i].key) {
            widget_form_move(&st->fv, st->rows, st->nrows, moves[i].move);
            ui->dirty_body = 1;
            return 1;
        }
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        if (key == cells[i].key) {
            st->fv.cell = cells[i].cell;
            ui->dirty_body = 1;
            return 1;
        }
    if (key >= '0' && key <= '9') {
        /* 0 is no score on any scale: the model refuses it with the range. */
        save_score(ui, p, st, key == '0' ? -1 : key - '0');
        return 1;
    }
    if (key == '\t' || key == UI_FN(KEY_BTAB)) {
        st->fv.cell = !st->fv.cell;
        ui->dirty_body = 1;
    } else if (key == UI_FN(KEY_BACKSPACE) || key == UI_FN(KEY_DC) || key == '-') {
        save_score(ui, p, st, 0);
    } else if (key == UI_KEY_ENTER || key == 'e') {
        edit_start(ui, st);
    } else if (key == 'S') {
        toggle_shared(ui, p, st);
    } else if (key == UI_KEY_ESC) {
        st->form = 0;
        p->stale = 1;
        ui->dirty_body = 1;
    } else {
        return 0;
    }
    return 1;
}

/* A form opened on another group (`:group` since) is closed. */
static int form_live(struct ui *ui, struct eval_pane *st)
{
    if (st && st->form && st->group != model_group_id(ui->model)) {
        st->form = 0;
        st->editing = EDIT_NONE;
    }
    return st && st->form;
}

static int evaluation_raw_key(struct ui *ui, struct pane *p, int key)
{
    struct eval_pane *st = p->priv;
    if (!form_live(ui, st))
        return 0;
    if (st->editing != EDIT_NONE) {
        edit_key(ui, p, st, key);
        return 1;
    }
    return form_key(ui, p, st, key);
}

/* ---- the view ---- */

/* The term the view shows: the end of its title ("Evaluation: X, TERM"). */
static const char *shown_term(const struct pane *p)
{
    const char *t = p->loaded && p->table.title ? strrchr(p->table.title, ' ') : NULL;
    return t && eval_term_valid(t + 1) ? t + 1 : NULL;
}

static int step_term(struct ui *ui, struct pane *p, int dir)
{
    struct eval_pane *st = state(p);
    struct eval_ctx ctx;
    struct collab_err err = { { 0 }, 0 };
    char **terms;
    size_t n;
    const char *now = shown_term(p);
    eval_ctx_from_model(ui->model, &ctx);
    if (!now || eval_terms(&ctx, &terms, &n, &err) != 0) {
        ui_message(ui, 1, "%s", err.set ? err.msg : "no term shown");
        return 1;
    }
    const char *to = NULL;
    for (size_t i = 0; i < n; i++) {
        int c = eval_term_compare(terms[i], now);
        if (dir < 0 && c < 0)
            to = terms[i];
        if (dir > 0 && c > 0 && !to)
            to = terms[i];
    }
    if (to) {
        snprintf(st->view_term, sizeof st->view_term, "%s", to);
        p->stale = 1;
        ui->dirty_body = ui->dirty_top = 1;
    } else {
        ui_message(ui, 0, "no %s term with entries", dir < 0 ? "earlier" : "later");
    }
    eval_terms_free(terms, n);
    return 1;
}

static void evaluation_query(struct ui *ui, struct pane *p, struct model_query *q)
{
    (void)ui;
    struct eval_pane *st = p->priv;
    q->term = st && st->view_term[0] ? st->view_term : NULL;
}

static int evaluation_key(struct ui *ui, struct pane *p, int action)
{
    switch (action) {
    case ACT_OPEN:
        return form_open(ui, p);
    case ACT_YEAR_BACK:
        return step_term(ui, p, -1);
    case ACT_YEAR_FORWARD:
        return step_term(ui, p, 1);
    case ACT_CHART:
        p->chart = p->chart == CHART_NONE ? CHART_BARS : CHART_NONE;
        ui->dirty_body = 1;
        return 1;
    default:
        return 0;
    }
}

static void draw_lines(struct ui *ui, WINDOW *w, int y, int x, int h, int wd,
                       const char *title, char *const *lines, size_t n)
{
    if (n == 0 || h < 2)
        return;
    ui_put(&ui->glyphs, w, y, x, title, wd, UI_LEFT, ui->attr[THEME_TITLE]);
    for (size_t i = 0; i < n && (int)i + 1 < h; i++) {
        ui_put(&ui->glyphs, w, y + 1 + (int)i, x, ui->glyphs.dot, 1, UI_LEFT,
               ui->attr[THEME_NORMAL]);
        ui_put(&ui->glyphs, w, y + 1 + (int)i, x + 2, lines[i], wd - 2, UI_LEFT,
               ui->attr[THEME_NORMAL]);
    }
}

/* The strengths and development the user may see on the selected sub-theme. */
static size_t selected_texts(struct ui *ui, struct pane *p, char ***out)
{
    const struct model_row *row = p->tv.row >= 0 && (size_t)p->tv.row < p->table.nrows
                                ? &p->table.rows[p->tv.row] : NULL;
    const char *slash = row && row->key ? strchr(row->key, '/') : NULL;
    const char *term = shown_term(p);
    struct eval_ctx ctx;
    struct collab_err err = { { 0 }, 0 };
    struct eval_entry *e;
    size_t n, nout = 0;
    *out = NULL;
    eval_ctx_from_model(ui->model, &ctx);
    if (!slash || !term || eval_list(&ctx, term, &e, &n, &err) != 0)
        return 0;
    *out = util_xcalloc(2 * n + 1, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(e[i].theme, slash + 1) != 0 || (!e[i].strengths && !e[i].development))
            continue;
        const struct cfg_org *o = cfg_school_org(ui->cfg, e[i].urn);
        struct strbuf sb = STRBUF_INIT;
        sb_addf(&sb, "%s: ", o ? o->name : "school");
        if (e[i].strengths)
            sb_addf(&sb, "strengths: %s", e[i].strengths);
        if (e[i].development)
            sb_addf(&sb, "%sdevelopment: %s", e[i].strengths ? "; " : "", e[i].development);
        (*out)[nout++] = sb_detach(&sb);
    }
    eval_entries_free(e, n);
    return nout;
}

static void draw_extras(struct ui *ui, struct pane *p, WINDOW *w, int y, int x, int h,
                        int wd)
{
    const struct model_table *t = &p->table;
    int fh = t->nfindings ? (int)t->nfindings + 2 : 0;
    if (fh > h)
        fh = h;
    draw_lines(ui, w, y, x, fh, wd, "Priorities", t->findings, t->nfindings);
    y += fh;
    h -= fh;
    char **texts;
    size_t n = selected_texts(ui, p, &texts);
    int th = n ? (int)n + 2 : 0;
    if (th > h / 2 && h >= 12)
        th = h / 2;
    if (th > h)
        th = h;
    draw_lines(ui, w, y, x, th, wd, "Shared text on this sub-theme", texts, n);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    y += th;
    h -= th;
    int col = pane_column(t, "partnership");
    if (p->chart != CHART_NONE && col >= 0 && h >= 6)
        widget_chart_bars(ui, w, y, x, h, wd, t, (size_t)col, NAN, p->tv.row);
}

static void draw_view(struct ui *ui, struct pane *p, WINDOW *w, int h, int wd)
{
    const struct model_table *t = &p->table;
    if (wd >= 120) {
        int tw = widget_table_width(ui, t);
        int left = tw + 1 < wd - 44 ? tw + 1 : wd - 44;
        pane_draw_table(ui, p, w, 0, 0, h, left);
        draw_extras(ui, p, w, 0, left + 2, h, wd - left - 2);
        return;
    }
    int table_h = (int)t->nrows + 3 + (t->note ? 1 : 0);
    if (table_h > h)
        table_h = h;
    pane_draw_table(ui, p, w, 0, 0, table_h, wd);
    if (h - table_h > 2)
        draw_extras(ui, p, w, table_h + 1, 0, h - table_h - 1, wd);
}

static int find_theme(const struct cfg_eval *ev, const char *id, size_t *area,
                      size_t *index)
{
    for (*area = 0; *area < ev->nareas; (*area)++)
        for (*index = 0; *index < ev->areas[*area].nthemes; (*index)++)
            if (strcmp(ev->areas[*area].themes[*index].id, id) == 0)
                return 1;
    return 0;
}

static void draw_form(struct ui *ui, struct pane *p, WINDOW *w, int h, int wd)
{
    static const char *const heads[2] = { "School", "Partner" };
    struct eval_pane *st = p->priv;
    const struct cfg_org *o = cfg_school_org(ui->cfg, st->urn);
    const struct cfg_eval *ev = &ui->cfg->eval;
    char title[256];
    snprintf(title, sizeof title, "Self-evaluation: %s, %s (%s score)", o ? o->name : "",
             st->term, st->fv.cell ? "partnership" : "school");
    ui_put(&ui->glyphs, w, 0, 0, title, wd, UI_LEFT, ui->attr[THEME_TITLE]);
    widget_form_draw(ui, w, 1, 0, h - 3, wd, heads, st->rows, st->nrows, &st->fv);
    if (st->editing != EDIT_NONE) {
        widget_line_draw(ui, w, h - 1, 0, wd, st->editing == EDIT_STRENGTHS
                         ? "Strengths (Enter: next, Esc: cancel):"
                         : "Areas for development (Enter: save, Esc: cancel):", &st->line);
        return;
    }
    size_t a, i;
    const char *theme = current_theme(st);
    if (theme && find_theme(ev, theme, &a, &i))
        ui_put(&ui->glyphs, w, h - 2, 0, ev->areas[a].themes[i].question, wd, UI_LEFT,
               ui->attr[THEME_SUPPRESSED]);
    struct strbuf sb = STRBUF_INIT;
    for (int s = ev->scale_min; ev->scale_labels && s <= ev->scale_max; s++)
        sb_addf(&sb, "%d %s  ", s, ev->scale_labels[s - ev->scale_min]);
    sb_add(&sb, "| Tab school/partner  Enter text  S share  Esc done");
    ui_put(&ui->glyphs, w, h - 1, 0, sb_str(&sb), wd, UI_LEFT, ui->attr[THEME_HINT]);
    sb_free(&sb);
}

static void evaluation_draw(struct ui *ui, struct pane *p, WINDOW *w)
{
    int h, wd;
    struct eval_pane *st = p->priv;
    getmaxyx(w, h, wd);
    if (form_live(ui, st)) {
        draw_form(ui, p, w, h, wd);
        return;
    }
    if (!p->loaded) {
        ui_put(&ui->glyphs, w, 0, 0, "Evaluation", wd, UI_LEFT, ui->attr[THEME_TITLE]);
        pane_draw_message(ui, w, p->message);
        return;
    }
    draw_view(ui, p, w, h, wd);
}

const struct pane_ops pane_evaluation_ops = {
    .name = "Evaluation",
    .hint = "Enter score  y/Y term  v chart",
    .view = MODEL_VIEW_EVALUATION,
    .query = evaluation_query,
    .draw = evaluation_draw,
    .key = evaluation_key,
    .raw_key = evaluation_raw_key,
    .close = evaluation_close,
};
