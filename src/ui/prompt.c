/*
 * prompt: the one-line editor on the hint line, used by `:` (commands, with
 * history and Tab completion), `/` (quick jump, searched as you type) and
 * `x` (export file name). Also the commands themselves, export and copy,
 * which share the model's writers with `collab report`.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collab/util.h"
#include "ui_internal.h"

#define HISTORY_MAX 200

/* ---- history, kept in $XDG_STATE_HOME/collab/history (0600) ---- */

static char *history_path(void)
{
    char *dir = util_xdg_dir("STATE");
    char *p = dir ? util_path_join(dir, "history") : NULL;
    free(dir);
    return p;
}

static void history_add(struct ui_history *h, const char *line)
{
    if (h->n && strcmp(h->items[h->n - 1], line) == 0)
        return;
    if (h->n == HISTORY_MAX) {
        free(h->items[0]);
        memmove(h->items, h->items + 1, (h->n - 1) * sizeof h->items[0]);
        h->n--;
    }
    h->items = util_xrealloc(h->items, (h->n + 1) * sizeof h->items[0]);
    h->items[h->n++] = util_xstrdup(line);
}

void ui_history_load(struct ui *ui)
{
    char *path = history_path();
    FILE *fp = path ? fopen(path, "r") : NULL;
    char line[512];
    free(path);
    if (!fp)
        return;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            history_add(&ui->history, line);
    }
    fclose(fp);
}

static void history_save(const char *line)
{
    char *dir = util_xdg_dir("STATE");
    if (!dir)
        return;     /* no per-user place: no history */
    char *path = util_path_join(dir, "history");
    if (util_mkdir_p(dir, 0700) == 0) {
        /* appended to in place: never through a link planted at its name */
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            /* A failed write of history is not worth interrupting anyone. */
            if (write(fd, line, strlen(line)) > 0 && write(fd, "\n", 1) > 0)
                (void)0;
            close(fd);
        }
    }
    free(dir);
    free(path);
}

void ui_history_free(struct ui_history *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->items[i]);
    free(h->items);
    memset(h, 0, sizeof *h);
}

/* ---- export and copy ---- */

static const struct model_table *current_table(struct ui *ui, const char **why)
{
    struct pane *p = &ui->panes[ui->current];
    ui_pane_refresh(ui, p);
    if (!p->loaded) {
        *why = p->message ? p->message : "nothing to export here";
        return NULL;
    }
    return p->ops->export ? p->ops->export(ui, p) : &p->table;
}

/* Pupil-level data leaving the screen is audited first (DESIGN.md section
 * 5), and does not leave when that cannot be recorded: 0 to go on. */
static int audit_pupils(struct ui *ui, const char *action, const char *where)
{
    char urn[32];
    if (ui->panes[ui->current].ops->view != MODEL_VIEW_PUPILS)
        return 0;
    snprintf(urn, sizeof urn, "%ld", model_user_school(ui->model));
    if (model_audit(ui->model, action, urn, where) == 0)
        return 0;
    ui_message(ui, 1, "%s refused: pupil-level data leaves the screen only where that "
               "is recorded, and it cannot be (no audit.db, no syslog)", action);
    return -1;
}

/* An export replaces only a file of the user's own: a symbolic link, or a
 * file of someone else's (even one the user may write), is left as it is.
 * 1 when refused, with the message shown. */
static int refuse_target(struct ui *ui, const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return 0;
    const char *why = S_ISLNK(sb.st_mode) ? "a symbolic link"
                    : !S_ISREG(sb.st_mode) ? "not a plain file"
                    : sb.st_uid != geteuid() ? "another user's file" : NULL;
    if (!why)
        return 0;
    ui_message(ui, 1, "export: %s is %s: not replaced", path, why);
    return 1;
}

void ui_export(struct ui *ui, const char *path)
{
    const char *why = NULL;
    const struct model_table *t = current_table(ui, &why);
    char *full = NULL;
    if (!t) {
        ui_message(ui, 1, "export refused: %s", why);
        return;
    }
    if (strncmp(path, "~/", 2) == 0 && getenv("HOME")) {
        path = full = util_path_join(getenv("HOME"), path + 2);
    } else if (path[0] != '/') {
        /* the message says where the file is, wherever collab was started */
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd))
            path = full = util_path_join(cwd, path);
    }
    enum model_format fmt = model_format_for_path(path);
    if (fmt == MODEL_FMT_TABLE) {
        ui_message(ui, 1, "export: %s: name the file .csv, .tsv or .json", path);
        free(full);
        return;
    }
    if (refuse_target(ui, path) || audit_pupils(ui, "export", path) != 0) {
        free(full);
        return;
    }
    /* Exports may hold figures a group agreed to share; keep them private.
     * Written beside the target and renamed onto it: a failure leaves the
     * old file as it was. */
    char *tmp = NULL;
    int fd = util_safe_create(path, 0600, &tmp);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!fp) {
        ui_message(ui, 1, "export: %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        free(full);
        return;
    }
    int rc = model_table_write(t, fmt, fp);
    if (fclose(fp) != 0 || rc != 0) {
        ui_message(ui, 1, "export: %s: could not write the table", path);
        unlink(tmp);
    } else if (util_safe_commit(tmp, path) != 0) {
        ui_message(ui, 1, "export: %s: %s", path, strerror(errno));
    } else {
        ui_message(ui, 0, "exported %zu rows to %s", t->nrows, path);
    }
    free(tmp);
    free(full);
}

static void base64(const unsigned char *in, size_t n, struct strbuf *out)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        sb_addc(out, tab[(v >> 18) & 63]);
        sb_addc(out, tab[(v >> 12) & 63]);
        sb_addc(out, i + 1 < n ? tab[(v >> 6) & 63] : '=');
        sb_addc(out, i + 2 < n ? tab[v & 63] : '=');
    }
}

void ui_copy(struct ui *ui)
{
    const char *why = NULL;
    const struct model_table *t = current_table(ui, &why);
    char *data = NULL;
    size_t len = 0;
    if (!t) {
        ui_message(ui, 1, "copy refused: %s", why);
        return;
    }
    if (audit_pupils(ui, "copy", "clipboard") != 0)
        return;
    FILE *mem = open_memstream(&data, &len);
    if (!mem) {
        ui_message(ui, 1, "copy: out of memory");
        return;
    }
    int rc = model_table_write(t, MODEL_FMT_TSV, mem);
    fclose(mem);
    if (rc != 0) {
        ui_message(ui, 1, "copy: could not write the table");
        free(data);
        return;
    }
    struct strbuf osc = STRBUF_INIT;
    sb_add(&osc, "\033]52;c;");
    base64((const unsigned char *)data, len, &osc);
    sb_add(&osc, "\a");
    fflush(ui->term_out);
    ssize_t w = write(fileno(ui->term_out), osc.buf, osc.len);
    if (w == (ssize_t)osc.len)
        ui_message(ui, 0, "copied %zu rows as TSV to the clipboard (OSC 52)", t->nrows);
    else
        ui_message(ui, 1, "copy: could not write to the terminal");
    sb_free(&osc);
    free(data);
}

/* ---- commands ---- */

struct command {
    const char *name;
    const char *args;
    void (*run)(struct ui *ui, const char *arg);
};

static void cmd_group(struct ui *ui, const char *arg)
{
    struct collab_err err = { { 0 }, 0 };
    if (!*arg) {
        const char *ids[32];
        int n = model_visible_groups(ui->model, ids, 32);
        struct strbuf sb = STRBUF_INIT;
        for (int i = 0; i < n; i++)
            sb_addf(&sb, "%s%s", i ? " " : "", ids[i]);
        ui_message(ui, 0, "groups: %s", sb_str(&sb));
        sb_free(&sb);
        return;
    }
    if (ui_set_group(ui, arg, &err) != 0)
        ui_message(ui, 1, "%s", err.msg);
}

/* `:user ID`: an administrator sees the tool as another user. */
static void cmd_user(struct ui *ui, const char *arg)
{
    struct collab_err err = { { 0 }, 0 };
    if (!*arg) {
        ui_message(ui, 0, "you are acting as %s (`:user ID` to act as another)",
                   model_user_id(ui->model));
        return;
    }
    if (ui_set_user(ui, arg, &err) != 0)
        ui_message(ui, 1, "%s", err.msg);
}

static void cmd_year(struct ui *ui, const char *arg)
{
    long y;
    if (util_parse_long(arg, &y) == 0)
        for (int i = 0; i < ui->nyears; i++)
            if (ui->years[i] == y) {
                ui->year_idx = i;
                ui_invalidate_all(ui);
                return;
            }
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < ui->nyears; i++)
        sb_addf(&sb, " %d", ui->years[i]);
    ui_message(ui, 1, "year '%s' is not in the store; years:%s", arg, sb_str(&sb));
    sb_free(&sb);
}

static void cmd_export(struct ui *ui, const char *arg)
{
    if (!*arg)
        ui_prompt_start(ui, PROMPT_EXPORT, "");
    else
        ui_export(ui, arg);
}

static void cmd_theme(struct ui *ui, const char *arg)
{
    struct collab_err err = { { 0 }, 0 };
    if (ui_set_theme(ui, *arg ? arg : "default", &err) != 0)
        ui_message(ui, 1, "%s", err.msg);
}

static void cmd_filter(struct ui *ui, const char *arg)
{
    struct collab_err err = { { 0 }, 0 };
    struct model_filter f = ui->filter;
    if (model_filter_parse(ui->cfg, arg, &f, &err) != 0) {
        ui_message(ui, 1, "%s", err.msg);
        return;
    }
    ui->filter = f;
    ui_invalidate_all(ui);
}

/* `:where p8 < -1` keeps the pupils that meet it (`:where` alone: all). */
static void cmd_where(struct ui *ui, const char *arg)
{
    for (int i = 0; i < UI_NPANES; i++) {
        if (ui->panes[i].ops->view != MODEL_VIEW_PUPILS)
            continue;
        ui_switch_pane(ui, i);
        pane_pupils_where(ui, &ui->panes[i], arg);
        ui->dirty_body = ui->dirty_top = 1;
        return;
    }
}

static void cmd_quit(struct ui *ui, const char *arg)
{
    (void)arg;
    ui->quit = 1;
}

static const struct command commands[] = {
    { "group", "ID", cmd_group },
    { "user", "ID", cmd_user },
    { "year", "Y", cmd_year },
    { "export", "FILE", cmd_export },
    { "theme", "NAME", cmd_theme },
    { "filter", "DIM=VALUE", cmd_filter },
    { "where", "COL OP VALUE", cmd_where },
    { "quit", "", cmd_quit },
};

void ui_command_run(struct ui *ui, const char *line)
{
    char name[64];
    size_t n = 0;
    while (*line == ' ')
        line++;
    while (line[n] && line[n] != ' ' && n < sizeof name - 1) {
        name[n] = line[n];
        n++;
    }
    name[n] = '\0';
    const char *arg = line + n;
    while (*arg == ' ')
        arg++;
    if (!name[0])
        return;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0) {
            commands[i].run(ui, arg);
            return;
        }
    int action = ui_action_lookup(ui->cfg, name);
    if (action == ACT_NONE) {
        ui_message(ui, 1, "unknown command '%s' (Tab completes, ? lists keys)", name);
        return;
    }
    ui_do_action(ui, action);
}

/* Every name `:` accepts, in order: commands, then actions, then filters. */
static size_t command_names(const struct ui *ui, const char **names, size_t max)
{
    static char filter_names[MODEL_MAX_DIMS][48];
    size_t n = 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0] && n < max; i++)
        names[n++] = commands[i].name;
    for (int a = 1; a < ACT_COUNT && n < max; a++)
        names[n++] = ui_actions[a].name;
    for (size_t d = 0; d < ui->cfg->nfilters && d < MODEL_MAX_DIMS && n < max; d++) {
        snprintf(filter_names[d], sizeof filter_names[d], "filter-%s", ui->cfg->filters[d].id);
        names[n++] = filter_names[d];
    }
    return n;
}

static void complete(struct ui *ui)
{
    const char *names[ACT_COUNT + 16 + MODEL_MAX_DIMS];
    const char *match[ACT_COUNT + 16 + MODEL_MAX_DIMS];
    size_t n = command_names(ui, names, sizeof names / sizeof names[0]), nm = 0;
    size_t common = 0;
    if (memchr(ui->input, ' ', ui->input_len))
        return;
    for (size_t i = 0; i < n; i++) {
        int dup = 0;
        for (size_t j = 0; j < nm; j++)
            dup |= strcmp(match[j], names[i]) == 0;
        if (!dup && strncmp(names[i], ui->input, ui->input_len) == 0)
            match[nm++] = names[i];
    }
    if (nm == 0) {
        ui_message(ui, 1, "no command starts with '%s'", ui->input);
        return;
    }
    common = strlen(match[0]);
    for (size_t i = 1; i < nm; i++) {
        size_t k = 0;
        while (k < common && match[i][k] == match[0][k])
            k++;
        common = k;
    }
    if (common >= sizeof ui->input - 2)
        return;
    memcpy(ui->input, match[0], common);
    ui->input_len = common;
    if (nm == 1)
        ui->input[ui->input_len++] = ' ';
    ui->input[ui->input_len] = '\0';
    if (nm > 1) {
        struct strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < nm; i++)
            sb_addf(&sb, "%s%s", i ? " " : "", match[i]);
        snprintf(ui->message, sizeof ui->message, "%s", sb_str(&sb));
        sb_free(&sb);
    }
}

/* ---- the line editor ---- */

void ui_prompt_start(struct ui *ui, enum ui_prompt_kind kind, const char *initial)
{
    ui->prompt = kind;
    snprintf(ui->input, sizeof ui->input, "%s", initial);
    ui->input_len = strlen(ui->input);
    ui->history_pos = (int)ui->history.n;
    ui->message[0] = '\0';
    if (kind == PROMPT_SEARCH) {
        ui->search_origin_pane = ui->current;
        ui->search_origin = ui->panes[ui->current].tv;
    }
    ui->dirty_hint = 1;
}

static void prompt_set(struct ui *ui, const char *text)
{
    snprintf(ui->input, sizeof ui->input, "%s", text);
    ui->input_len = strlen(ui->input);
}

static void prompt_cancel(struct ui *ui)
{
    if (ui->prompt == PROMPT_SEARCH) {
        ui_switch_pane(ui, ui->search_origin_pane);
        ui->panes[ui->current].tv = ui->search_origin;
        ui->dirty_body = 1;
    }
    ui->prompt = PROMPT_NONE;
    ui->dirty_hint = 1;
}

static void prompt_accept(struct ui *ui)
{
    char line[sizeof ui->input];
    enum ui_prompt_kind kind = ui->prompt;
    memcpy(line, ui->input, sizeof line);
    ui->prompt = PROMPT_NONE;
    ui->dirty_hint = 1;
    switch (kind) {
    case PROMPT_COMMAND:
        if (line[0]) {
            history_add(&ui->history, line);
            history_save(line);
        }
        ui_command_run(ui, line);
        break;
    case PROMPT_SEARCH:
        if (line[0] && ui->nhits == 0)
            ui_message(ui, 1, "no school, subject or pupil matches '%s'", line);
        else if (line[0])
            ui_message(ui, 0, "%zu match%s for '%s' (n next, N previous)", ui->nhits,
                       ui->nhits == 1 ? "" : "es", line);
        break;
    case PROMPT_EXPORT:
        if (line[0])
            ui_export(ui, line);
        break;
    default:
        break;
    }
}

static void backspace(struct ui *ui)
{
    if (ui->input_len == 0)
        return;
    do
        ui->input_len--;
    while (ui->input_len > 0 && ((unsigned char)ui->input[ui->input_len] & 0xc0) == 0x80);
    ui->input[ui->input_len] = '\0';
}

static void insert(struct ui *ui, int key)
{
    char mb[8];
    size_t n = ui_utf8_encode((unsigned)key, mb);
    if (ui->input_len + n >= sizeof ui->input)
        return;
    memcpy(ui->input + ui->input_len, mb, n);
    ui->input_len += n;
    ui->input[ui->input_len] = '\0';
}

static void history_move(struct ui *ui, int dir)
{
    int to = ui->history_pos + dir;
    if (to < 0 || to > (int)ui->history.n)
        return;
    ui->history_pos = to;
    prompt_set(ui, to == (int)ui->history.n ? "" : ui->history.items[to]);
}

void ui_prompt_key(struct ui *ui, int key)
{
    ui->dirty_hint = 1;
    if (key == UI_KEY_ENTER) {
        prompt_accept(ui);
        return;
    }
    if (key == UI_KEY_ESC || key == UI_CTRL('g')) {
        prompt_cancel(ui);
        return;
    }
    if (key == UI_FN(KEY_BACKSPACE)) {
        if (ui->input_len == 0 && ui->prompt != PROMPT_SEARCH) {
            prompt_cancel(ui);
            return;
        }
        backspace(ui);
    } else if (key == UI_CTRL('u')) {
        prompt_set(ui, "");
    } else if (ui->prompt == PROMPT_COMMAND && key == '\t') {
        complete(ui);
        return;
    } else if (ui->prompt == PROMPT_COMMAND && (key == UI_FN(KEY_UP) || key == UI_FN(KEY_DOWN))) {
        history_move(ui, key == UI_FN(KEY_UP) ? -1 : 1);
        return;
    } else if (key >= 32 && key != 127 && !(key & UI_KEY_FN)) {
        insert(ui, key);
    } else {
        return;
    }
    if (ui->prompt == PROMPT_SEARCH) {
        if (ui->input_len)
            ui_search_run(ui, ui->input);
        else
            ui_search_free(ui);
    }
}

void ui_prompt_draw(struct ui *ui)
{
    static const char *const prefix[] = {
        [PROMPT_COMMAND] = ":", [PROMPT_SEARCH] = "/",
        [PROMPT_EXPORT] = "export to (.csv .tsv .json): ",
    };
    WINDOW *w = ui->hint;
    const char *pre = prefix[ui->prompt];
    int pw = ui_text_width(&ui->glyphs, pre);
    int room = ui->cols - pw - 1;
    const char *shown = ui->input;
    while (ui_text_width(&ui->glyphs, shown) > room && *shown)
        shown++;
    werase(w);
    ui_put(&ui->glyphs, w, 0, 0, pre, pw, UI_LEFT, A_NORMAL);
    int iw = ui_text_width(&ui->glyphs, shown);
    ui_put(&ui->glyphs, w, 0, pw, shown, iw, UI_LEFT, A_NORMAL);
    if (ui->message[0] && pw + iw + 3 < ui->cols)
        ui_put(&ui->glyphs, w, 0, pw + iw + 2, ui->message, ui->cols - pw - iw - 3, UI_LEFT,
               ui->attr[THEME_SUPPRESSED]);
    wmove(w, 0, pw + iw);
    curs_set(1);
    wnoutrefresh(w);
}
