/*
 * ui_internal: what the files of src/ui share. The loop (ui.c) owns a
 * struct ui; panes (pane_*.c) are tables of operations over it; widgets
 * (widget_*.c) draw a model_table or a chart into a window; actions.c is the
 * one table of user actions from which the key map, the help screen, the `:`
 * command names and docs/KEYS.md are made.
 */
#ifndef COLLAB_UI_INTERNAL_H
#define COLLAB_UI_INTERNAL_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>
#include <signal.h>
#include <stddef.h>

#include "collab/config.h"
#include "collab/model.h"
#include "collab/ui.h"

/* Keys: a Unicode code point, or a curses KEY_* code tagged with UI_KEY_FN
 * so the two ranges never collide. */
#define UI_KEY_FN 0x1000000
#define UI_FN(k) (UI_KEY_FN | (k))
#define UI_CTRL(c) ((c) & 0x1f)
#define UI_KEY_ENTER 10
#define UI_KEY_ESC 27

/* The action table: name, default keys (in the syntax of keys.yaml), help.
 * Expanded once into the enum and once into ui_actions[]. */
#define UI_ACTION_LIST(X) \
    X(PANE_OVERVIEW,  "pane-overview",  "1",             "show the Overview pane") \
    X(PANE_SUBJECTS,  "pane-subjects",  "2",             "show the Subjects pane") \
    X(PANE_SCHOOLS,   "pane-schools",   "3",             "show the Schools pane") \
    X(PANE_PUPILS,    "pane-pupils",    "4",             "show the Pupils pane (own school only)") \
    X(PANE_EVAL,      "pane-evaluation", "5",            "show the Evaluation pane") \
    X(PANE_NEXT,      "next-pane",      "<Tab>",         "next pane") \
    X(PANE_PREV,      "prev-pane",      "<BTab>",        "previous pane") \
    X(MOVE_DOWN,      "move-down",      "j <Down>",      "next row") \
    X(MOVE_UP,        "move-up",        "k <Up>",        "previous row") \
    X(MOVE_LEFT,      "move-left",      "h <Left>",      "previous column (scrolls when columns do not fit)") \
    X(MOVE_RIGHT,     "move-right",     "l <Right>",     "next column") \
    X(PAGE_DOWN,      "page-down",      "<PgDn> <C-f>",  "next page") \
    X(PAGE_UP,        "page-up",        "<PgUp> <C-b>",  "previous page") \
    X(FIRST_ROW,      "first-row",      "g <Home>",      "first row") \
    X(LAST_ROW,       "last-row",       "G <End>",       "last row") \
    X(YEAR_BACK,      "year-back",      "y",             "one year back") \
    X(YEAR_FORWARD,   "year-forward",   "Y",             "one year forward") \
    X(CLEAR_FILTERS,  "clear-filters",  "0",             "clear every filter") \
    X(SORT_DESC,      "sort-desc",      "[",             "sort by the current column, highest first") \
    X(SORT_ASC,       "sort-asc",       "]",             "sort by the current column, lowest first") \
    X(OPEN,           "open",           "<Enter>",       "open the selected row (a subject across every school, a pupil)") \
    X(BACK,           "back",           "<Esc>",         "go back from a subject, a pupil or a similar-schools list") \
    X(SIMILAR,        "similar",        "s",             "schools with the most similar intake to the selected school") \
    X(SIMILAR_SCOPE,  "similar-scope",  "S",             "Schools: similar schools in the group or across England (DfE data)") \
    X(CHART,          "chart",          "v",             "Schools: cycle the chart (bars, scatter, none)") \
    X(CHART_X,        "chart-x",        "*",             "Schools: use the current column as the scatter's x axis") \
    X(GAP,            "gap",            "o",             "disadvantaged pupils against England's other pupils (the DfE's gap), or the same pupils") \
    X(SEARCH,         "search",         "/",             "quick jump to a school, URN, DfE number, subject or pupil") \
    X(SEARCH_NEXT,    "search-next",    "n",             "next match of the last jump") \
    X(SEARCH_PREV,    "search-prev",    "N",             "previous match of the last jump") \
    X(COMMAND,        "command",        ":",             "command line (Tab completes, Up/Down history)") \
    X(EXPORT,         "export",         "x",             "export the current table (.csv, .tsv or .json)") \
    X(COPY,           "copy",           "c",             "copy the current table as TSV (OSC 52 clipboard)") \
    X(MOUSE,          "mouse",          "m",             "toggle the mouse (off keeps text selectable)") \
    X(REDRAW,         "redraw",         "<C-l>",         "redraw the screen") \
    X(HELP,           "help",           "?",             "list every key in effect") \
    X(QUIT,           "quit",           "q",             "quit")

enum ui_action {
    ACT_NONE = 0,
#define UI_ACTION_ENUM(id, name, keys, help) ACT_##id,
    UI_ACTION_LIST(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
    ACT_COUNT,
    /* ACT_FILTER + d cycles filter dimension d of filters.yaml. */
    ACT_FILTER = 1000
};

struct ui_action_def {
    const char *name;
    const char *keys;
    const char *help;
};
/* Indexed by enum ui_action; [ACT_NONE] is empty. */
extern const struct ui_action_def ui_actions[ACT_COUNT];

/* ---- keys.c: key names, the key map, keys.yaml ---- */

struct ui_binding {
    int key;
    int action;
};

struct ui_keymap {
    struct ui_binding *b;
    size_t n, cap;
};

/* Parse one key at s ("<Enter>", "<C-z>", a UTF-8 character). Returns the
 * bytes consumed (> 0) and sets *key, or 0 when s does not start a key. */
size_t ui_key_parse(const char *s, int *key);
/* The next key of a space-separated list ("j <Down>") at *s, moving *s past
 * it: 1 and *key set; 0 at the end; -1 with *s left at a key that does not
 * parse. */
int ui_key_next(const char **s, int *key);
/* The name of a key as a user writes it ("<Down>", "j"). */
void ui_key_name(int key, char *buf, size_t size);
/* Map a raw curses key to the canonical key (CR -> Enter, DEL -> Backspace). */
int ui_key_normalize(int key, int is_function);
/* Parse a keys file (--keys) into a malloc'd array the caller frees. */
int ui_keys_read_file(const char *path, int **keys, size_t *nkeys, struct collab_err *err);

/* Build the key map: defaults, the filter keys of cfg, then the user's
 * keys.yaml (path may be NULL or absent). 0 or -1 with FILE:LINE:COL. */
int ui_keymap_build(struct ui_keymap *km, const struct cfg *cfg,
                    const char *user_file, struct collab_err *err);
void ui_keymap_free(struct ui_keymap *km);
/* The action bound to key, or ACT_NONE. */
int ui_keymap_lookup(const struct ui_keymap *km, int key);
/* "j, <Down>": the keys bound to action (empty when none). */
void ui_keymap_describe(const struct ui_keymap *km, int action, char *buf, size_t size);
/* The action named name ("quit", "filter-fsm6"), or ACT_NONE. */
int ui_action_lookup(const struct cfg *cfg, const char *name);
/* The name and help of an action (filter actions come from cfg). */
void ui_action_describe(const struct cfg *cfg, int action, char *name, size_t nsize,
                        char *help, size_t hsize);

/* ---- theme.c: colours and glyphs ---- */

struct ui_glyphs {
    int utf8;
    const char *vline, *hline, *up, *down, *ellipsis, *dot, *national;
    const char *spark[8];     /* lowest to highest */
    const char *eighths[8];   /* partial bar cells, 1/8 .. 8/8 */
};

void ui_glyphs_init(struct ui_glyphs *g, int utf8);
/* Find themes/NAME.yaml beside the config dir, in the source tree or the
 * installed data dir, and load it. A missing "default" or "mono" theme falls
 * back to the built-in one. 0 or -1 with err. */
int ui_theme_find_load(const char *config_dir, const char *name,
                       struct cfg_theme *theme, struct collab_err *err);
/* Turn theme slots into curses attributes (colour pairs only when colour
 * mode allows). attrs has THEME_SLOT_COUNT entries. */
void ui_theme_apply(const struct cfg_theme *theme, enum ui_color mode, attr_t *attrs);
/* The colour mode to use: NO_COLOR, a monochrome theme, the terminal. */
enum ui_color ui_color_resolve(enum ui_color requested, const struct cfg_theme *theme);

/* ---- draw.c: text helpers that respect width and the locale ---- */

/* Display width of a UTF-8 string (ASCII mode: one column per byte). */
int ui_text_width(const struct ui_glyphs *g, const char *s);
enum ui_align { UI_LEFT, UI_RIGHT, UI_CENTER };
/* Write s at (y, x) in exactly width columns, clipped with an ellipsis or
 * padded; non-ASCII becomes '?' when the locale is not UTF-8. Returns the
 * columns written. */
int ui_put(const struct ui_glyphs *g, WINDOW *w, int y, int x, const char *s,
           int width, enum ui_align align, attr_t attr);

/* Encode code point c as UTF-8 into out (4 bytes room); bytes written. */
size_t ui_utf8_encode(unsigned c, char *out);

/* ---- panes ---- */

struct ui;
struct pane;

struct table_view {
    int row, top;     /* selected row, first visible row */
    int col, left;    /* current column, first scrolled column shown */
};

enum chart_mode { CHART_BARS, CHART_SCATTER, CHART_NONE, CHART_MODES };

struct pane_ops {
    const char *name;                 /* tab label */
    const char *hint;                 /* the pane's part of the hint line */
    enum model_view view;
    /* Fill the view-specific fields of q (the loop sets year, filter, sort). */
    void (*query)(struct ui *ui, struct pane *p, struct model_query *q);
    /* Draw into w, which the loop has erased. */
    void (*draw)(struct ui *ui, struct pane *p, WINDOW *w);
    /* Pane-specific actions; 1 when handled. NULL: none. */
    int (*key)(struct ui *ui, struct pane *p, int action);
    /* The table x and c write; NULL means the pane's table. */
    const struct model_table *(*export)(struct ui *ui, struct pane *p);
    /* Keys before the key map, for a pane taking digits and text (the
     * Evaluation form); 1 when consumed. NULL: none. */
    int (*raw_key)(struct ui *ui, struct pane *p, int key);
    /* Release p->priv when the interface closes. NULL: nothing to free. */
    void (*close)(struct pane *p);
};

struct pane {
    const struct pane_ops *ops;
    struct model_table table;
    int loaded;              /* table holds a result */
    int stale;               /* the query inputs changed since it was computed */
    char *message;           /* the model's refusal when !loaded (owned) */
    struct table_view tv;
    int sort_col, sort_desc;
    /* Drill-down: a subject code (Subjects) or a URN (Schools' similar list). */
    char *drill;
    char *drill_label;
    struct table_view saved_tv;
    int saved_sort_col, saved_sort_desc;
    enum chart_mode chart;
    int chart_x;             /* scatter x column, -1 until chosen */
    int col_placed;          /* the cursor column was put on a first indicator */
    int national;            /* Schools: similar schools across England */
    void *priv;              /* the pane's own state (ops->close frees it) */
};

extern const struct pane_ops pane_overview_ops, pane_subjects_ops,
    pane_schools_ops, pane_pupils_ops, pane_evaluation_ops;

#define UI_NPANES 5

/* ---- the loop's state ---- */

enum ui_prompt_kind { PROMPT_NONE, PROMPT_COMMAND, PROMPT_SEARCH, PROMPT_EXPORT };

struct ui_history {
    char **items;
    size_t n;
};

struct ui_search_hit {
    int pane;
    char *key;               /* row key to select */
};

struct ui {
    struct model *model;
    const struct cfg *cfg;
    const struct ui_options *opts;
    struct ui_keymap keymap;
    struct ui_glyphs glyphs;
    struct cfg_theme theme;
    int have_theme;
    enum ui_color color;
    attr_t attr[THEME_SLOT_COUNT];
    SCREEN *screen;
    FILE *term_out, *term_in;

    WINDOW *top, *tabs, *body, *hint;
    int cols, rows, too_small;

    struct pane panes[UI_NPANES];
    int current;
    struct model_filter filter;
    int gap;                 /* the filter's disadvantaged pupils against England's others */
    int years[16], nyears, year_idx;

    int dirty_top, dirty_tabs, dirty_body, dirty_hint;
    char message[512];       /* shown on the hint line until the next key */
    int message_error;
    int help_open, help_top;
    int mouse;
    int quit;
    int read_fails;          /* consecutive empty reads of a readable tty */

    enum ui_prompt_kind prompt;
    char input[256];
    size_t input_len;
    struct ui_history history;
    int history_pos;
    /* Quick jump: hits of the last pattern, the current one. */
    char last_search[256];
    struct ui_search_hit *hits;
    size_t nhits;
    int hit_pos;
    struct table_view search_origin;
    int search_origin_pane;
    /* Tables searched, queried once per year/group (names do not change
     * with filters): schools, subjects, pupils. */
    struct model_table search_tab[3];
    int search_loaded[3];
    int search_valid;
};

/* Loop services for panes. */
int ui_year(const struct ui *ui);

/* The colour of a significant cell: THEME_SIG_ABOVE's (good) when it is
 * better than its comparator, THEME_SIG_BELOW's (bad) when worse, by the
 * indicator's polarity (significantly low persistent absence is good); by
 * its direction where the model gives no polarity. THEME_NORMAL's when it
 * is not significant. The up / down mark stays the direction. */
attr_t ui_sig_attr(const struct ui *ui, const struct model_cell *cell);
void ui_message(struct ui *ui, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Mark every pane's view as needing a new query. */
void ui_invalidate_all(struct ui *ui);
/* Recompute p's table if stale. On failure the pane shows the message. */
void ui_pane_refresh(struct ui *ui, struct pane *p);
/* `:where COL OP VALUE` on the Pupils pane p (empty: every pupil): 0, or -1
 * with the model's reason on the message line and the list as it was. */
int pane_pupils_where(struct ui *ui, struct pane *p, const char *spec);
/* Make pane i current. */
void ui_switch_pane(struct ui *ui, int i);
/* Run one action: the pane's own handler first, then the loop's. */
void ui_do_action(struct ui *ui, int action);
/* Load theme name and recolour the screen; 0 or -1 with err. */
int ui_set_theme(struct ui *ui, const char *name, struct collab_err *err);
/* Switch group; 0 or -1 with err (the model's refusal). */
int ui_set_group(struct ui *ui, const char *id, struct collab_err *err);
/* Act as user id (an administrator's right): 0, or -1 with err, nothing changed. */
int ui_set_user(struct ui *ui, const char *id, struct collab_err *err);

/* ---- widget_table.c ---- */

/* Draw t in the rectangle (y, x, h, w) of win with the selection in tv.
 * Keeps tv's scroll positions valid for that size. */
void widget_table_draw(struct ui *ui, WINDOW *win, int y, int x, int h, int w,
                       const struct model_table *t, struct table_view *tv);
/* Apply a movement action to tv for table t shown in h rows; 1 if handled. */
int widget_table_move(struct table_view *tv, const struct model_table *t, int h, int action);
/* Select the row whose key is key; 0 when found. */
int widget_table_select_key(struct table_view *tv, const struct model_table *t, const char *key);
/* Cell text as shown (suppressed "x"), into buf. */
void widget_table_cell_text(const struct model_table *t, size_t row, size_t col,
                            char *buf, size_t size);
/* Width the table needs in columns (for side-by-side layouts). */
int widget_table_width(const struct ui *ui, const struct model_table *t);
/* Draw one sparkline for a trend cell in width columns. */
void widget_sparkline(struct ui *ui, WINDOW *w, int y, int x, int width,
                      const struct model_cell *c, attr_t attr);

/* ---- widget_chart.c ---- */

/* Horizontal bars of column col, one per row, with national drawn as a
 * vertical line when not NAN. */
void widget_chart_bars(struct ui *ui, WINDOW *win, int y, int x, int h, int w,
                       const struct model_table *t, size_t col, double national,
                       int selected);
/* Scatter of column ycol against xcol; the selected row is highlighted. */
void widget_chart_scatter(struct ui *ui, WINDOW *win, int y, int x, int h, int w,
                          const struct model_table *t, size_t xcol, size_t ycol,
                          int selected);

/* ---- prompt.c: the `:`, `/` and export line ---- */

void ui_prompt_start(struct ui *ui, enum ui_prompt_kind kind, const char *initial);
/* Feed a key to the open prompt. */
void ui_prompt_key(struct ui *ui, int key);
void ui_prompt_draw(struct ui *ui);
void ui_history_load(struct ui *ui);
void ui_history_free(struct ui_history *h);
/* Run a `:` command line. */
void ui_command_run(struct ui *ui, const char *line);
/* Export the current pane's table to path. */
void ui_export(struct ui *ui, const char *path);
/* Copy the current table as TSV with OSC 52. */
void ui_copy(struct ui *ui);

/* ---- search.c ---- */

/* Find every row matching pattern across the panes searched; jump to the
 * first. incremental: called while typing. */
void ui_search_run(struct ui *ui, const char *pattern);
void ui_search_step(struct ui *ui, int dir);
void ui_search_free(struct ui *ui);

/* ---- help.c ---- */

void ui_help_draw(struct ui *ui, WINDOW *w);
int ui_help_key(struct ui *ui, int action, int key);

/* Helpers shared by the panes. */
void pane_draw_message(struct ui *ui, WINDOW *w, const char *msg);
/* Draw the table with its title and note, returning the rows used. */
void pane_draw_table(struct ui *ui, struct pane *p, WINDOW *w, int y, int x, int h, int wd);
/* Drill into the selected row / back out; 1 when something changed. */
int pane_drill_in(struct ui *ui, struct pane *p);
int pane_drill_out(struct ui *ui, struct pane *p);
/* A pane's key handler for one level of drill-down: Enter opens the
 * selected row, Esc comes back (pane_ops.key). */
int pane_drill_key(struct ui *ui, struct pane *p, int action);
/* Column index whose id is id, or -1. */
int pane_column(const struct model_table *t, const char *id);

#endif
