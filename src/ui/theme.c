/*
 * theme: colours from themes/NAME.yaml (loaded by the config module) turned
 * into curses attributes, and the glyph set (UTF-8 or ASCII). Meaning never
 * rests on colour alone: significance also has a symbol, the selection is
 * reversed, so NO_COLOR and vt100 lose nothing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collab/util.h"
#include "ui_internal.h"

void ui_glyphs_init(struct ui_glyphs *g, int utf8)
{
    static const struct ui_glyphs uni = {
        .utf8 = 1, .vline = "\u2502", .hline = "\u2500", .up = "\u25b2", .down = "\u25bc",
        .ellipsis = "\u2026", .dot = "\u25cf", .national = "\u2502",
        .spark = { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" },
        .eighths = { "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589", "\u2588" },
    };
    static const struct ui_glyphs ascii = {
        .utf8 = 0, .vline = "|", .hline = "-", .up = "+", .down = "-",
        .ellipsis = "~", .dot = "o", .national = "|",
        .spark = { "_", "_", ".", "-", "-", "=", "*", "#" },
        .eighths = { " ", " ", " ", "=", "=", "=", "=", "#" },
    };
    *g = utf8 ? uni : ascii;
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Used when no theme file can be found for "default" or "mono", so the
 * program still starts from an installed binary without its data. */
static void builtin_theme(struct cfg_theme *t, const char *name)
{
    memset(t, 0, sizeof *t);
    t->name = util_xstrdup(name);
    t->monochrome = strcmp(name, "mono") == 0;
    for (int i = 0; i < THEME_SLOT_COUNT; i++)
        t->slots[i] = (struct cfg_theme_style){ .fg = -1, .bg = -1 };
    t->slots[THEME_HEADER] = (struct cfg_theme_style){ .fg = COLOR_WHITE, .bg = COLOR_BLUE, .bold = 1 };
    t->slots[THEME_TAB_ACTIVE] = (struct cfg_theme_style){ .fg = COLOR_BLACK, .bg = COLOR_CYAN, .bold = 1 };
    t->slots[THEME_HINT] = (struct cfg_theme_style){ .fg = COLOR_BLACK, .bg = COLOR_WHITE };
    t->slots[THEME_SELECTED] = (struct cfg_theme_style){ .fg = -1, .bg = -1, .reverse = 1 };
    t->slots[THEME_TITLE].bold = 1;
    t->slots[THEME_CHIP] = (struct cfg_theme_style){ .fg = COLOR_BLACK, .bg = COLOR_YELLOW };
    t->slots[THEME_SIG_ABOVE] = (struct cfg_theme_style){ .fg = COLOR_GREEN, .bg = -1, .bold = 1 };
    t->slots[THEME_SIG_BELOW] = (struct cfg_theme_style){ .fg = COLOR_RED, .bg = -1, .bold = 1 };
    t->slots[THEME_SUPPRESSED].fg = 8;
    t->slots[THEME_BAR].fg = COLOR_CYAN;
    t->slots[THEME_NATIONAL] = (struct cfg_theme_style){ .fg = COLOR_YELLOW, .bg = -1, .bold = 1 };
    t->slots[THEME_ERROR] = (struct cfg_theme_style){ .fg = COLOR_WHITE, .bg = COLOR_RED, .bold = 1 };
    t->slots[THEME_BORDER].fg = 8;
}

int ui_theme_find_load(const char *config_dir, const char *name,
                       struct cfg_theme *theme, struct collab_err *err)
{
    char file[256];
    char *dirs[5] = { 0 };
    int nd = 0, rc = 1;
    if (strchr(name, '/') || name[0] == '.' || !name[0])
        return collab_err_set(err, "theme name '%s' is not a plain name", name);
    snprintf(file, sizeof file, "themes/%s.yaml", name);
    if (config_dir) {
        char *parent = util_path_join(config_dir, "..");
        dirs[nd++] = util_path_join(parent, file);
        dirs[nd++] = util_path_join(config_dir, file);
        free(parent);
    }
    dirs[nd++] = util_path_join(COLLAB_SRCDIR, file);
    dirs[nd++] = util_path_join(COLLAB_PKGDATADIR, file);
    for (int i = 0; i < nd && rc == 1; i++)
        if (is_file(dirs[i]))
            rc = cfg_load_theme(dirs[i], theme, err) == 0 ? 0 : -1;
    for (int i = 0; i < nd; i++)
        free(dirs[i]);
    if (rc == 1) {
        if (strcmp(name, "default") != 0 && strcmp(name, "mono") != 0)
            return collab_err_set(err, "theme '%s' not found (looked for %s beside the "
                                  "config, in the source tree and in %s)", name, file,
                                  COLLAB_PKGDATADIR);
        builtin_theme(theme, name);
        rc = 0;
    }
    return rc;
}

enum ui_color ui_color_resolve(enum ui_color requested, const struct cfg_theme *theme)
{
    if (requested == UI_COLOR_OFF || !has_colors())
        return UI_COLOR_OFF;
    if (requested != UI_COLOR_AUTO)
        return requested;
    if (getenv("NO_COLOR") || (theme && theme->monochrome))
        return UI_COLOR_OFF;
    return COLORS >= 256 ? UI_COLOR_256 : UI_COLOR_16;
}

/* Fold an xterm 256-colour index into the 16 (or 8) the terminal has;
 * *bold is set where brightness can only be had as bold. */
static short fold_colour(short c, int *bold)
{
    if (c < 0)
        return c;
    if (c >= 16 && c < 232) {
        int v = c - 16, r = v / 36, g = (v / 6) % 6, b = v % 6;
        short base = (short)((r >= 3) | ((g >= 3) << 1) | ((b >= 3) << 2));
        c = (short)(base + ((r >= 4 || g >= 4 || b >= 4) ? 8 : 0));
    } else if (c >= 232) {
        c = c < 238 ? 0 : c < 244 ? 8 : c < 250 ? 7 : 15;
    }
    if (c >= 8 && COLORS < 16) {
        *bold = 1;
        c = (short)(c - 8);
    }
    return c;
}

void ui_theme_apply(const struct cfg_theme *theme, enum ui_color mode, attr_t *attrs)
{
    for (int i = 0; i < THEME_SLOT_COUNT; i++) {
        const struct cfg_theme_style *s = &theme->slots[i];
        attr_t a = A_NORMAL;
        int bold = s->bold;
        if (mode != UI_COLOR_OFF && i + 1 < COLOR_PAIRS) {
            short fg = s->fg, bg = s->bg;
            if (mode == UI_COLOR_16 || COLORS < 256) {
                fg = fold_colour(fg, &bold);
                int ignore = 0;
                bg = fold_colour(bg, &ignore);
            }
            if (fg >= COLORS)
                fg = -1;
            if (bg >= COLORS)
                bg = -1;
            init_pair((short)(i + 1), fg, bg);
            a |= COLOR_PAIR(i + 1);
        }
        if (bold)
            a |= A_BOLD;
        if (s->underline)
            a |= A_UNDERLINE;
        if (s->reverse)
            a |= A_REVERSE;
        attrs[i] = a;
    }
    if (mode == UI_COLOR_OFF) {
        /* Without colour these must still stand out. */
        if (!(attrs[THEME_SELECTED] & A_REVERSE))
            attrs[THEME_SELECTED] |= A_REVERSE;
        if (!(attrs[THEME_TAB_ACTIVE] & (A_REVERSE | A_BOLD | A_UNDERLINE)))
            attrs[THEME_TAB_ACTIVE] |= A_REVERSE;
        attrs[THEME_HEADER] |= A_BOLD;
        attrs[THEME_ERROR] |= A_BOLD;
    }
}
