/*
 * ui: the loop. It owns the terminal (or the headless virtual screen), the
 * four windows of the frame (top line, tabs, body, hint), the filter and
 * year shared by every pane, and the signals. Panes draw into the body with
 * wnoutrefresh; the loop calls doupdate() once before it waits for input.
 * A view is recomputed only when its inputs change (pane->stale), never on
 * a cursor move.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collab/util.h"
#include "ui_internal.h"

#define MIN_COLS 60
#define MIN_ROWS 16
/* Consecutive failed reads on a readable fd before the tty counts as dead. */
#define MAX_READ_FAILS 8

static volatile sig_atomic_t got_quit, got_hup, got_tstp;

static void on_quit(int sig)
{
    (void)sig;
    got_quit = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    got_hup = 1;
}

static void on_tstp(int sig)
{
    (void)sig;
    got_tstp = 1;
}

static void set_handler(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void install_signals(void)
{
    got_quit = got_hup = got_tstp = 0;
    set_handler(SIGINT, on_quit);
    set_handler(SIGTERM, on_quit);
    set_handler(SIGHUP, on_hup);
    set_handler(SIGTSTP, on_tstp);
    signal(SIGPIPE, SIG_IGN);
}

static void restore_signals(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGTSTP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
}

/* ---- services for panes ---- */

int ui_year(const struct ui *ui)
{
    return ui->nyears ? ui->years[ui->year_idx] : 0;
}

void ui_message(struct ui *ui, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->message, sizeof ui->message, fmt, ap);
    va_end(ap);
    /* One line: the model's messages may carry newlines. */
    for (char *c = ui->message; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    ui->message_error = error;
    ui->dirty_hint = 1;
}

void ui_invalidate_all(struct ui *ui)
{
    for (int i = 0; i < UI_NPANES; i++)
        ui->panes[i].stale = 1;
    ui->search_valid = 0;
    ui->dirty_body = ui->dirty_top = 1;
}

static const char *selected_key(const struct pane *p)
{
    if (!p->loaded || p->tv.row < 0 || (size_t)p->tv.row >= p->table.nrows)
        return NULL;
    return p->table.rows[p->tv.row].key;
}

/* Query p into a new table; replace p's table only on success, keeping the
 * selection on the same row key where it still exists. */
static int pane_compute(struct ui *ui, struct pane *p, struct collab_err *err)
{
    struct model_table t;
    struct model_query q;
    memset(&t, 0, sizeof t);
    memset(&q, 0, sizeof q);
    q.view = p->ops->view;
    q.year = ui_year(ui);
    q.sort_col = p->sort_col;
    q.sort_desc = p->sort_desc;
    q.filter = ui->filter;
    int yes, no, d = model_disadvantaged_filter(ui->cfg, &yes, &no);
    q.against_others = ui->gap && d >= 0 && ui->filter.choice[d] == yes + 1;
    p->ops->query(ui, p, &q);
    if (model_query(ui->model, &q, &t, err) != 0) {
        model_table_free(&t);
        return -1;
    }
    char *key = util_xstrdup(selected_key(p));
    model_table_free(&p->table);
    p->table = t;
    p->loaded = 1;
    free(p->message);
    p->message = NULL;
    if (!key || widget_table_select_key(&p->tv, &p->table, key) != 0)
        if (p->tv.row >= (int)p->table.nrows)
            p->tv.row = p->table.nrows ? (int)p->table.nrows - 1 : 0;
    free(key);
    return 0;
}

void ui_pane_refresh(struct ui *ui, struct pane *p)
{
    struct collab_err err = { { 0 }, 0 };
    if (!p->stale)
        return;
    p->stale = 0;
    if (pane_compute(ui, p, &err) != 0) {
        model_table_free(&p->table);
        memset(&p->table, 0, sizeof p->table);
        p->loaded = 0;
        free(p->message);
        p->message = util_xstrdup(err.set ? err.msg : "no figures");
    }
}

void ui_switch_pane(struct ui *ui, int i)
{
    if (i == ui->current)
        return;
    ui->current = i;
    ui->help_open = 0;
    ui->dirty_tabs = ui->dirty_body = ui->dirty_top = ui->dirty_hint = 1;
}

/* ---- the frame ---- */

static void delete_windows(struct ui *ui)
{
    WINDOW **w[] = { &ui->top, &ui->tabs, &ui->body, &ui->hint };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if (*w[i]) {
            delwin(*w[i]);
            *w[i] = NULL;
        }
}

static WINDOW *input_window(struct ui *ui)
{
    return ui->hint ? ui->hint : stdscr;
}

static void layout(struct ui *ui)
{
    getmaxyx(stdscr, ui->rows, ui->cols);
    delete_windows(ui);
    werase(stdscr);
    wnoutrefresh(stdscr);
    ui->too_small = ui->cols < MIN_COLS || ui->rows < MIN_ROWS;
    if (ui->too_small) {
        char msg[128];
        snprintf(msg, sizeof msg, "Terminal too small: %dx%d (need %dx%d)",
                 ui->cols, ui->rows, MIN_COLS, MIN_ROWS);
        ui_put(&ui->glyphs, stdscr, ui->rows / 2, 0, msg, ui->cols, UI_CENTER, A_BOLD);
        if (ui->rows > 1)
            ui_put(&ui->glyphs, stdscr, ui->rows / 2 + 1, 0, "enlarge it, or q to quit",
                   ui->cols, UI_CENTER, A_NORMAL);
        wnoutrefresh(stdscr);
    } else {
        ui->top = newwin(1, ui->cols, 0, 0);
        ui->tabs = newwin(1, ui->cols, 1, 0);
        ui->body = newwin(ui->rows - 3, ui->cols, 2, 0);
        ui->hint = newwin(1, ui->cols, ui->rows - 1, 0);
        ui->dirty_top = ui->dirty_tabs = ui->dirty_body = ui->dirty_hint = 1;
    }
    WINDOW *in = input_window(ui);
    keypad(in, TRUE);
    nodelay(in, TRUE);
}

/* "KS4" from a title such as "Overview: Northmoor, 2019, KS4". */
static const char *key_stage_of(const struct model_table *t, char *buf, size_t size)
{
    const char *k = t->title ? strstr(t->title, "KS") : NULL;
    if (!k || k[2] < '1' || k[2] > '5')
        return NULL;
    snprintf(buf, size, "KS%c", k[2]);
    return buf;
}

static void draw_top(struct ui *ui)
{
    WINDOW *w = ui->top;
    const struct pane *p = &ui->panes[ui->current];
    char buf[256], ks[8];
    int x = 0;
    werase(w);
    wbkgdset(w, ' ' | ui->attr[THEME_HEADER]);
    ui_put(&ui->glyphs, w, 0, 0, "", ui->cols, UI_LEFT, ui->attr[THEME_HEADER]);
    const char *k = p->loaded ? key_stage_of(&p->table, ks, sizeof ks) : NULL;
    if (ui_year(ui))
        snprintf(buf, sizeof buf, " %s  %d%s%s ", model_group_name(ui->model), ui_year(ui),
                 k ? "  " : "", k ? k : "");
    else
        snprintf(buf, sizeof buf, " %s ", model_group_name(ui->model));
    char user[96];
    snprintf(user, sizeof user, " user %s ", model_user_id(ui->model));
    int uw = ui_text_width(&ui->glyphs, user);
    int room = ui->cols - uw;
    int bw = ui_text_width(&ui->glyphs, buf);
    x += ui_put(&ui->glyphs, w, 0, x, buf, bw < room ? bw : room, UI_LEFT,
                ui->attr[THEME_HEADER] | A_BOLD);
    for (size_t d = 0; d < ui->cfg->nfilters && d < MODEL_MAX_DIMS; d++) {
        const char *chip = model_filter_chip(ui->cfg, &ui->filter, d);
        char cb[96];
        if (!chip)
            continue;
        snprintf(cb, sizeof cb, "[%s]", chip);
        int cw = ui_text_width(&ui->glyphs, cb);
        if (x + cw + 1 > room)
            break;
        x += ui_put(&ui->glyphs, w, 0, x, " ", 1, UI_LEFT, ui->attr[THEME_HEADER]);
        x += ui_put(&ui->glyphs, w, 0, x, cb, cw, UI_LEFT, ui->attr[THEME_CHIP]);
    }
    int yes, no, d = model_disadvantaged_filter(ui->cfg, &yes, &no);
    if (ui->gap && d >= 0) {
        char cb[96];
        snprintf(cb, sizeof cb, "[vs %s]", ui->cfg->filters[d].values[no].label);
        int cw = ui_text_width(&ui->glyphs, cb);
        if (x + cw + 1 <= room) {
            x += ui_put(&ui->glyphs, w, 0, x, " ", 1, UI_LEFT, ui->attr[THEME_HEADER]);
            ui_put(&ui->glyphs, w, 0, x, cb, cw, UI_LEFT, ui->attr[THEME_CHIP]);
        }
    }
    ui_put(&ui->glyphs, w, 0, room, user, uw, UI_RIGHT, ui->attr[THEME_HEADER]);
    wnoutrefresh(w);
}

static void draw_tabs(struct ui *ui)
{
    WINDOW *w = ui->tabs;
    int x = 0;
    werase(w);
    for (int i = 0; i < UI_NPANES && x < ui->cols; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, " %d %s ", i + 1, ui->panes[i].ops->name);
        int bw = ui_text_width(&ui->glyphs, buf);
        if (bw > ui->cols - x)
            bw = ui->cols - x;
        x += ui_put(&ui->glyphs, w, 0, x, buf, bw, UI_LEFT,
                    ui->attr[i == ui->current ? THEME_TAB_ACTIVE : THEME_TAB]);
        if (x < ui->cols)
            x += ui_put(&ui->glyphs, w, 0, x, " ", 1, UI_LEFT, ui->attr[THEME_NORMAL]);
    }
    wnoutrefresh(w);
}

/* The first key bound to action, for the hint line. */
static void first_key(const struct ui *ui, int action, char *buf, size_t size)
{
    char all[128];
    ui_keymap_describe(&ui->keymap, action, all, sizeof all);
    size_t n = strcspn(all, " ");
    if (n >= size)
        n = size - 1;
    memcpy(buf, all, n);
    buf[n] = '\0';
}

/* The general keys of the hint line; the last NHINT_DROPPABLE of them are
 * left out, last first, when the line does not fit. */
static const struct { int action; const char *label; } hints[] = {
    { ACT_HELP, "help" }, { ACT_SEARCH, "jump" }, { ACT_SORT_DESC, "sort" },
    { ACT_YEAR_BACK, "year" }, { ACT_EXPORT, "export" },
};
#define NHINT (sizeof hints / sizeof hints[0])
#define NHINT_DROPPABLE 4

/* The hint line without the last `drop` droppable general keys. */
static void hint_text(const struct ui *ui, int drop, struct strbuf *sb)
{
    char k[32];
    for (size_t i = 0; i < NHINT - (size_t)drop; i++) {
        first_key(ui, hints[i].action, k, sizeof k);
        if (k[0])
            sb_addf(sb, "%s %s  ", k, hints[i].label);
    }
    for (size_t d = 0; d < ui->cfg->nfilters && d < MODEL_MAX_DIMS; d++) {
        first_key(ui, ACT_FILTER + (int)d, k, sizeof k);
        if (k[0])
            sb_addf(sb, "%s%s", d ? "" : "filter ", k);
    }
    if (ui->cfg->nfilters)
        sb_add(sb, "  ");
    first_key(ui, ACT_QUIT, k, sizeof k);
    sb_addf(sb, "%s quit  %s", k, ui->panes[ui->current].ops->hint);
}

static void draw_hint(struct ui *ui)
{
    WINDOW *w = ui->hint;
    werase(w);
    if (ui->prompt != PROMPT_NONE) {
        ui_prompt_draw(ui);
        return;
    }
    curs_set(0);
    if (ui->message[0]) {
        ui_put(&ui->glyphs, w, 0, 0, ui->message, ui->cols, UI_LEFT,
               ui->attr[ui->message_error ? THEME_ERROR : THEME_HINT]);
        wnoutrefresh(w);
        return;
    }
    /* The pane's own keys matter most on a narrow terminal: the general
     * keys from the last (export) back to jump give way, whole, until the
     * line fits; help, the filters and quit always stay. */
    struct strbuf sb = STRBUF_INIT;
    for (int drop = 0; drop <= NHINT_DROPPABLE; drop++) {
        sb_reset(&sb);
        hint_text(ui, drop, &sb);
        if (sb.len <= (size_t)ui->cols)
            break;
    }
    ui_put(&ui->glyphs, w, 0, 0, sb_str(&sb), ui->cols, UI_LEFT, ui->attr[THEME_HINT]);
    sb_free(&sb);
    wnoutrefresh(w);
}

static void draw_body(struct ui *ui)
{
    struct pane *p = &ui->panes[ui->current];
    werase(ui->body);
    if (ui->help_open) {
        ui_help_draw(ui, ui->body);
    } else {
        ui_pane_refresh(ui, p);
        p->ops->draw(ui, p, ui->body);
    }
    wnoutrefresh(ui->body);
}

/* Draw what changed and send it to the terminal once. */
static void update_screen(struct ui *ui)
{
    if (!ui->too_small) {
        /* The body first: its query decides the key stage on the top line. */
        if (ui->dirty_body)
            draw_body(ui);
        if (ui->dirty_top)
            draw_top(ui);
        if (ui->dirty_tabs)
            draw_tabs(ui);
        if (ui->dirty_hint || ui->prompt != PROMPT_NONE)
            draw_hint(ui);
        ui->dirty_top = ui->dirty_tabs = ui->dirty_body = ui->dirty_hint = 0;
    }
    doupdate();
}

static void redraw_all(struct ui *ui)
{
    clearok(curscr, TRUE);
    layout(ui);
}

/* ---- actions of the loop (pane-specific ones are in the panes) ---- */

typedef void (*action_fn)(struct ui *ui, int action);

static void act_pane(struct ui *ui, int action)
{
    ui_switch_pane(ui, action - ACT_PANE_OVERVIEW);
}

static void act_cycle_pane(struct ui *ui, int action)
{
    int step = action == ACT_PANE_NEXT ? 1 : UI_NPANES - 1;
    ui_switch_pane(ui, (ui->current + step) % UI_NPANES);
}

static void act_move(struct ui *ui, int action)
{
    struct pane *p = &ui->panes[ui->current];
    if (p->loaded && widget_table_move(&p->tv, &p->table, ui->rows - 6, action))
        ui->dirty_body = 1;
}

static void act_year(struct ui *ui, int action)
{
    int to = ui->year_idx + (action == ACT_YEAR_BACK ? -1 : 1);
    if (to < 0 || to >= ui->nyears) {
        ui_message(ui, 0, ui->nyears ? "no %s year in the store" : "the store has no years",
                   action == ACT_YEAR_BACK ? "earlier" : "later");
        return;
    }
    ui->year_idx = to;
    ui_invalidate_all(ui);
}

static void act_clear_filters(struct ui *ui, int action)
{
    (void)action;
    memset(&ui->filter, 0, sizeof ui->filter);
    ui->gap = 0;
    ui_invalidate_all(ui);
}

/* The DfE's convention for disadvantaged pupils: against England's other
 * pupils. Turning it on selects the disadvantaged filter. */
static void act_gap(struct ui *ui, int action)
{
    (void)action;
    int yes, no, d = model_disadvantaged_filter(ui->cfg, &yes, &no);
    if (d < 0) {
        ui_message(ui, 1, "no filter on column fsm6 with values 1 and 0: the gap compares "
                   "disadvantaged pupils with the others");
        return;
    }
    const struct cfg_filter *f = &ui->cfg->filters[d];
    ui->gap = !ui->gap;
    if (ui->gap)
        ui->filter.choice[d] = yes + 1;
    ui_invalidate_all(ui);
    if (ui->gap)
        ui_message(ui, 0, "%s pupils against England's %s pupils (the DfE's gap)",
                   f->values[yes].label, f->values[no].label);
    else
        ui_message(ui, 0, "%s pupils against England's %s pupils", f->values[yes].label,
                   f->values[yes].label);
}

static void act_sort(struct ui *ui, int action)
{
    struct pane *p = &ui->panes[ui->current];
    struct collab_err err = { { 0 }, 0 };
    int old_col = p->sort_col, old_desc = p->sort_desc;
    ui_pane_refresh(ui, p);
    if (!p->loaded) {
        ui_message(ui, 1, "nothing to sort here");
        return;
    }
    p->sort_col = p->tv.col;
    p->sort_desc = action == ACT_SORT_DESC;
    if (pane_compute(ui, p, &err) != 0) {
        p->sort_col = old_col;
        p->sort_desc = old_desc;
        ui_message(ui, 1, "%s", err.set ? err.msg : "cannot sort by this column");
        return;
    }
    ui_message(ui, 0, "sorted by %s, %s first", p->table.cols[p->sort_col].label,
               p->sort_desc ? "highest" : "lowest");
    ui->dirty_body = 1;
}

static void act_search(struct ui *ui, int action)
{
    (void)action;
    ui_prompt_start(ui, PROMPT_SEARCH, "");
}

static void act_search_step(struct ui *ui, int action)
{
    ui_search_step(ui, action == ACT_SEARCH_NEXT ? 1 : -1);
}

static void act_command(struct ui *ui, int action)
{
    (void)action;
    ui_prompt_start(ui, PROMPT_COMMAND, "");
}

static void act_export(struct ui *ui, int action)
{
    (void)action;
    ui_prompt_start(ui, PROMPT_EXPORT, "");
}

static void act_copy(struct ui *ui, int action)
{
    (void)action;
    ui_copy(ui);
}

static void set_mouse(struct ui *ui, int on)
{
    ui->mouse = on;
    mousemask(on ? (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0,
              NULL);
}

static void act_mouse(struct ui *ui, int action)
{
    (void)action;
    set_mouse(ui, !ui->mouse);
    ui_message(ui, 0, ui->mouse ? "mouse on (hold Shift to select text)"
                                : "mouse off (text can be selected)");
}

static void act_redraw(struct ui *ui, int action)
{
    (void)action;
    redraw_all(ui);
}

static void act_help(struct ui *ui, int action)
{
    (void)action;
    ui->help_open = !ui->help_open;
    ui->help_top = 0;
    ui->dirty_body = 1;
}

static void act_quit(struct ui *ui, int action)
{
    (void)action;
    ui->quit = 1;
}

static void act_pane_only(struct ui *ui, int action)
{
    char name[64], help[128];
    ui_action_describe(ui->cfg, action, name, sizeof name, help, sizeof help);
    ui_message(ui, 0, "%s does nothing on the %s pane", name, ui->panes[ui->current].ops->name);
}

static const action_fn action_fns[ACT_COUNT] = {
    [ACT_PANE_OVERVIEW] = act_pane, [ACT_PANE_SUBJECTS] = act_pane,
    [ACT_PANE_SCHOOLS] = act_pane, [ACT_PANE_PUPILS] = act_pane, [ACT_PANE_EVAL] = act_pane,
    [ACT_PANE_NEXT] = act_cycle_pane, [ACT_PANE_PREV] = act_cycle_pane,
    [ACT_MOVE_DOWN] = act_move, [ACT_MOVE_UP] = act_move, [ACT_MOVE_LEFT] = act_move,
    [ACT_MOVE_RIGHT] = act_move, [ACT_PAGE_DOWN] = act_move, [ACT_PAGE_UP] = act_move,
    [ACT_FIRST_ROW] = act_move, [ACT_LAST_ROW] = act_move,
    [ACT_YEAR_BACK] = act_year, [ACT_YEAR_FORWARD] = act_year,
    [ACT_CLEAR_FILTERS] = act_clear_filters,
    [ACT_SORT_DESC] = act_sort, [ACT_SORT_ASC] = act_sort,
    [ACT_OPEN] = act_pane_only, [ACT_BACK] = act_pane_only, [ACT_SIMILAR] = act_pane_only,
    [ACT_SIMILAR_SCOPE] = act_pane_only,
    [ACT_CHART] = act_pane_only, [ACT_CHART_X] = act_pane_only, [ACT_GAP] = act_gap,
    [ACT_SEARCH] = act_search, [ACT_SEARCH_NEXT] = act_search_step,
    [ACT_SEARCH_PREV] = act_search_step, [ACT_COMMAND] = act_command,
    [ACT_EXPORT] = act_export, [ACT_COPY] = act_copy, [ACT_MOUSE] = act_mouse,
    [ACT_REDRAW] = act_redraw, [ACT_HELP] = act_help, [ACT_QUIT] = act_quit,
};

static void cycle_filter(struct ui *ui, size_t d)
{
    const struct cfg_filter *f = &ui->cfg->filters[d];
    ui->filter.choice[d] = (ui->filter.choice[d] + 1) % (int)(f->nvalues + 1);
    int yes, no;
    if (ui->gap && (int)d == model_disadvantaged_filter(ui->cfg, &yes, &no) &&
        ui->filter.choice[d] != yes + 1)
        ui->gap = 0;    /* the gap is for disadvantaged pupils only */
    ui_invalidate_all(ui);
    if (ui->filter.choice[d] == 0)
        ui_message(ui, 0, "%s: all pupils", f->label);
}

void ui_do_action(struct ui *ui, int action)
{
    struct pane *p = &ui->panes[ui->current];
    if (action >= ACT_FILTER) {
        cycle_filter(ui, (size_t)(action - ACT_FILTER));
        return;
    }
    if (action <= ACT_NONE || action >= ACT_COUNT)
        return;
    if (p->ops->key && p->loaded && p->ops->key(ui, p, action))
        return;
    if (p->ops->key && !p->loaded && (action == ACT_BACK) && p->ops->key(ui, p, action))
        return;
    if (action_fns[action])
        action_fns[action](ui, action);
}

static void handle_mouse(struct ui *ui)
{
    MEVENT ev;
    struct pane *p = &ui->panes[ui->current];
    if (getmouse(&ev) != OK || ui->too_small)
        return;
    if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
        for (int i = 0; i < 3; i++)
            act_move(ui, ev.bstate & BUTTON4_PRESSED ? ACT_MOVE_UP : ACT_MOVE_DOWN);
        return;
    }
    if (ev.y == 1) {
        int x = 0;
        for (int i = 0; i < UI_NPANES; i++) {
            char buf[64];
            snprintf(buf, sizeof buf, " %d %s  ", i + 1, ui->panes[i].ops->name);
            int bw = ui_text_width(&ui->glyphs, buf);
            if (ev.x >= x && ev.x < x + bw)
                ui_switch_pane(ui, i);
            x += bw;
        }
        return;
    }
    /* Rows start under the pane title and the table header. */
    int row = p->tv.top + (ev.y - 2) - 2;
    if (p->loaded && ev.y >= 4 && row >= 0 && row < (int)p->table.nrows) {
        p->tv.row = row;
        ui->dirty_body = 1;
    }
}

static void handle_key(struct ui *ui, int key)
{
    /* A resize is not the user's answer to a message: keep it. */
    if (key == UI_FN(KEY_RESIZE)) {
        layout(ui);
        return;
    }
    if (ui->message[0]) {
        ui->message[0] = '\0';
        ui->dirty_hint = 1;
    }
    if (key == UI_FN(KEY_MOUSE)) {
        handle_mouse(ui);
        return;
    }
    if (ui->too_small) {
        if (ui_keymap_lookup(&ui->keymap, key) == ACT_QUIT)
            ui->quit = 1;
        return;
    }
    if (ui->prompt != PROMPT_NONE) {
        ui_prompt_key(ui, key);
        return;
    }
    struct pane *cur = &ui->panes[ui->current];
    if (!ui->help_open && cur->ops->raw_key && cur->ops->raw_key(ui, cur, key))
        return;
    int action = ui_keymap_lookup(&ui->keymap, key);
    if (ui->help_open && ui_help_key(ui, action, key))
        return;
    if (action == ACT_NONE) {
        char name[32];
        ui_key_name(key, name, sizeof name);
        ui_message(ui, 0, "%s is not bound to anything; ? lists the keys", name);
        return;
    }
    ui_do_action(ui, action);
}

/* ---- terminal ---- */

static void suspend(struct ui *ui)
{
    got_tstp = 0;
    if (ui->opts->headless)
        return;
    endwin();
    signal(SIGTSTP, SIG_DFL);
    raise(SIGTSTP);
    /* Execution resumes here after `fg`. */
    set_handler(SIGTSTP, on_tstp);
    reset_prog_mode();
    redraw_all(ui);
}

/* Wait for one key. 1 with *key, 0 when nothing came (timeout, signal),
 * -1 when the terminal is gone. */
static int read_key(struct ui *ui, int *key)
{
    struct pollfd pfd = { .fd = fileno(ui->term_in), .events = POLLIN };
    wint_t wc;
    int rc = poll(&pfd, 1, 1000);
    if (rc < 0 && errno != EINTR)
        return -1;
    if (rc > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) && !(pfd.revents & POLLIN))
        return -1;
    int r = wget_wch(input_window(ui), &wc);
    if (r == ERR) {
        /* Readable but nothing read: EOF or an error on a dead tty. */
        if (rc > 0 && (pfd.revents & POLLIN) && ++ui->read_fails >= MAX_READ_FAILS)
            return -1;
        return 0;
    }
    ui->read_fails = 0;
    *key = ui_key_normalize((int)wc, r == KEY_CODE_YES);
    return 1;
}

static int open_terminal(struct ui *ui, struct collab_err *err)
{
    const struct ui_options *o = ui->opts;
    if (o->headless) {
        static const char *terms[] = { "xterm-256color", "xterm", "vt100" };
        ui->term_out = fopen("/dev/null", "w");
        ui->term_in = fopen("/dev/null", "r");
        if (!ui->term_out || !ui->term_in)
            return collab_err_set(err, "cannot open /dev/null: %s", strerror(errno));
        for (size_t i = 0; i < sizeof terms / sizeof terms[0] && !ui->screen; i++)
            ui->screen = newterm(terms[i], ui->term_out, ui->term_in);
        if (!ui->screen)
            return collab_err_set(err, "no terminfo entry for a headless screen");
        resizeterm(o->rows, o->cols);
        return 0;
    }
    const char *term = getenv("TERM");
    if (!term || !*term)
        return collab_err_set(err, "TERM is not set: cannot open the terminal interface");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return collab_err_set(err, "not a terminal (use `collab report` for scripts)");
    ui->term_out = stdout;
    ui->term_in = stdin;
    ui->screen = newterm(term, stdout, stdin);
    if (!ui->screen)
        return collab_err_set(err, "unknown terminal type '%s' (check TERM)", term);
    return 0;
}

static void setup_terminal(struct ui *ui)
{
    if (!getenv("ESCDELAY"))
        set_escdelay(25);
    cbreak();
    noecho();
    nonl();
    curs_set(0);
    ui->color = ui_color_resolve(ui->opts->color, &ui->theme);
    if (ui->color != UI_COLOR_OFF) {
        start_color();
        use_default_colors();
    }
    ui_theme_apply(&ui->theme, ui->color, ui->attr);
    set_mouse(ui, ui->opts->mouse);
    layout(ui);
}

size_t ui_utf8_encode(unsigned c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* The screen as plain text, trailing blanks removed. */
static int dump_screen(const char *path, struct collab_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        if (fd >= 0)
            close(fd);
        return collab_err_set(err, "%s: %s", path, strerror(errno));
    }
    for (int y = 0; y < LINES; y++) {
        char line[4096];
        int len = 0, keep = 0;
        for (int x = 0; x < COLS && len < (int)sizeof line - 8; x++) {
            cchar_t cc;
            wchar_t wc[CCHARW_MAX + 1];
            attr_t a;
            short pair;
            if (mvwin_wch(curscr, y, x, &cc) == ERR || getcchar(&cc, wc, &a, &pair, NULL) == ERR)
                wc[0] = L' ';
            if (wc[0] == L'\0')
                continue;    /* the right half of a wide character */
            len += (int)ui_utf8_encode((unsigned)wc[0], line + len);
            if (wc[0] != L' ')
                keep = len;
        }
        fwrite(line, 1, (size_t)keep, fp);
        fputc('\n', fp);
    }
    if (fclose(fp) != 0)
        return collab_err_set(err, "%s: %s", path, strerror(errno));
    return 0;
}

/* What a member should know when a group opens: a store others can read,
 * and the group's changes since their last visit (which this visit ends). */
static void announce_group(struct ui *ui)
{
    struct strbuf sb = STRBUF_INIT;
    if (model_warning(ui->model))
        sb_addf(&sb, "warning: %s", model_warning(ui->model));
    struct model_table t;
    struct collab_err err = { .set = 0 };
    /* A first visit has no "since": the whole history would be noise. */
    if (!model_visited(ui->model))
        model_mark_visited(ui->model, &err);
    else if (model_changes(ui->model, NULL, &t, &err) == 0) {
        if (t.nrows)
            sb_addf(&sb, "%s%zu change%s since your last visit:", sb.len ? "; " : "",
                    t.nrows, t.nrows == 1 ? "" : "s");
        for (size_t r = 0; r < t.nrows; r++)
            sb_addf(&sb, "%s %s (%s)", r ? ";" : "", t.rows[r].cells[2].text,
                    t.rows[r].cells[0].text);
        model_table_free(&t);
        model_mark_visited(ui->model, &err);
    }
    if (sb.len)
        ui_message(ui, model_warning(ui->model) != NULL, "%s", sb_str(&sb));
    sb_free(&sb);
}

static void init_state(struct ui *ui)
{
    static const struct pane_ops *const ops[UI_NPANES] = {
        &pane_overview_ops, &pane_subjects_ops, &pane_schools_ops,
        &pane_pupils_ops, &pane_evaluation_ops,
    };
    for (int i = 0; i < UI_NPANES; i++) {
        ui->panes[i].ops = ops[i];
        ui->panes[i].stale = 1;
        ui->panes[i].sort_col = -1;
        ui->panes[i].chart_x = -1;
    }
    ui->nyears = model_years(ui->model, ui->years, (int)(sizeof ui->years / sizeof ui->years[0]));
    ui->year_idx = ui->nyears ? ui->nyears - 1 : 0;
    for (int i = 0; i < ui->nyears; i++)
        if (ui->years[i] == ui->opts->year)
            ui->year_idx = i;
    announce_group(ui);
}

static void free_state(struct ui *ui)
{
    for (int i = 0; i < UI_NPANES; i++) {
        struct pane *p = &ui->panes[i];
        model_table_free(&p->table);
        free(p->message);
        free(p->drill);
        free(p->drill_label);
        if (p->ops && p->ops->close)
            p->ops->close(p);
    }
    ui_search_free(ui);
    ui_history_free(&ui->history);
    ui_keymap_free(&ui->keymap);
    if (ui->have_theme)
        cfg_theme_free(&ui->theme);
}

static int locale_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (util_strieq(cs, "UTF-8") || util_strieq(cs, "utf8"));
}

static int run_loop(struct ui *ui, const int *keys, size_t nkeys)
{
    size_t next = 0;
    while (!ui->quit) {
        int key;
        if (got_hup)
            return 0;
        if (got_quit)
            break;
        if (got_tstp)
            suspend(ui);
        update_screen(ui);
        if (keys) {
            if (next == nkeys)
                break;
            key = keys[next++];
        } else {
            int r = read_key(ui, &key);
            if (r < 0)
                return 0;
            if (r == 0)
                continue;
        }
        handle_key(ui, key);
    }
    update_screen(ui);
    return 0;
}

int ui_parse_color(const char *s, enum ui_color *out)
{
    static const struct { const char *name; enum ui_color mode; } modes[] = {
        { "auto", UI_COLOR_AUTO }, { "16", UI_COLOR_16 }, { "8", UI_COLOR_16 },
        { "256", UI_COLOR_256 }, { "off", UI_COLOR_OFF }, { "none", UI_COLOR_OFF },
        { "never", UI_COLOR_OFF },
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (util_strieq(s, modes[i].name)) {
            *out = modes[i].mode;
            return 0;
        }
    return -1;
}

static char *user_keys_path(void)
{
    char *dir = util_xdg_dir("CONFIG");
    char *p = dir ? util_path_join(dir, "keys.yaml") : NULL;
    free(dir);
    return p;
}

int ui_run(struct model *m, const struct cfg *cfg, const struct ui_options *opts,
           struct collab_err *err)
{
    struct ui *ui = util_xcalloc(1, sizeof *ui);
    int *keys = NULL;
    size_t nkeys = 0;
    int rc = -1;
    char *keys_path = user_keys_path();
    ui->model = m;
    ui->cfg = cfg;
    ui->opts = opts;
    ui_glyphs_init(&ui->glyphs, locale_is_utf8());
    /* Every file is read before the terminal is touched. */
    if (ui_keymap_build(&ui->keymap, cfg, keys_path, err) != 0)
        goto out;
    if (ui_theme_find_load(opts->config_dir, opts->theme ? opts->theme : "default",
                           &ui->theme, err) != 0)
        goto out;
    ui->have_theme = 1;
    if (opts->keys_file && ui_keys_read_file(opts->keys_file, &keys, &nkeys, err) != 0)
        goto out;
    ui_history_load(ui);
    init_state(ui);
    install_signals();
    if (open_terminal(ui, err) != 0) {
        restore_signals();
        goto out;
    }
    setup_terminal(ui);
    char *state = util_xdg_dir("STATE");
    if (!state)
        ui_message(ui, 0, "HOME is not set: nothing is kept for you (visits, history, keys)");
    free(state);
    rc = run_loop(ui, keys, nkeys);
    if (rc == 0 && opts->dump_file && dump_screen(opts->dump_file, err) != 0)
        rc = -1;
    delete_windows(ui);
    if (!got_hup)
        endwin();
    delscreen(ui->screen);
    restore_signals();
out:
    if (ui->term_out && ui->term_out != stdout)
        fclose(ui->term_out);
    if (ui->term_in && ui->term_in != stdin)
        fclose(ui->term_in);
    free(keys);
    free(keys_path);
    free_state(ui);
    free(ui);
    return rc;
}

int ui_set_theme(struct ui *ui, const char *name, struct collab_err *err)
{
    struct cfg_theme t;
    if (ui_theme_find_load(ui->opts->config_dir, name, &t, err) != 0)
        return -1;
    if (ui->have_theme)
        cfg_theme_free(&ui->theme);
    ui->theme = t;
    ui->have_theme = 1;
    ui->color = ui_color_resolve(ui->opts->color, &ui->theme);
    if (ui->color != UI_COLOR_OFF) {
        start_color();
        use_default_colors();
    }
    ui_theme_apply(&ui->theme, ui->color, ui->attr);
    redraw_all(ui);
    return 0;
}

/* Every pane afresh, after the model changed group or user. */
static void reset_panes(struct ui *ui)
{
    for (int i = 0; i < UI_NPANES; i++) {
        struct pane *p = &ui->panes[i];
        free(p->drill);
        free(p->drill_label);
        p->drill = p->drill_label = NULL;
        memset(&p->tv, 0, sizeof p->tv);
        p->sort_col = -1;
    }
    ui->nyears = model_years(ui->model, ui->years, (int)(sizeof ui->years / sizeof ui->years[0]));
    ui->year_idx = ui->nyears ? ui->nyears - 1 : 0;
    ui_search_free(ui);
    ui_invalidate_all(ui);
    announce_group(ui);
}

int ui_set_group(struct ui *ui, const char *id, struct collab_err *err)
{
    if (model_set_group(ui->model, id, err) != 0)
        return -1;
    reset_panes(ui);
    return 0;
}

int ui_set_user(struct ui *ui, const char *id, struct collab_err *err)
{
    if (model_set_user(ui->model, id, err) != 0)
        return -1;
    reset_panes(ui);
    ui_message(ui, 0, "acting as %s in %s", model_user_id(ui->model),
               model_group_id(ui->model));
    return 0;
}
