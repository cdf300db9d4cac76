/* themes/NAME.yaml: colours and attributes for each screen slot. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/config.h"
#include "collab/util.h"
#include "load.h"

#define NFIELDS(t) (sizeof t / sizeof t[0])

static const char *const slot_names[THEME_SLOT_COUNT] = {
    [THEME_NORMAL] = "normal", [THEME_HEADER] = "header", [THEME_TAB] = "tab",
    [THEME_TAB_ACTIVE] = "tab_active", [THEME_HINT] = "hint",
    [THEME_SELECTED] = "selected", [THEME_TITLE] = "title", [THEME_CHIP] = "chip",
    [THEME_SIG_ABOVE] = "sig_above", [THEME_SIG_BELOW] = "sig_below",
    [THEME_SUPPRESSED] = "suppressed", [THEME_BAR] = "bar",
    [THEME_NATIONAL] = "national", [THEME_ERROR] = "error", [THEME_BORDER] = "border",
};

/* The eight curses colours in their COLOR_* order. */
static const char *const colour_names[] = { "black", "red", "green", "yellow", "blue",
                                            "magenta", "cyan", "white" };

struct theme_raw {
    struct cfg_theme t;
    const struct ydoc_node *styles;
};

static const struct cfg_field file_fields[] = {
    { CFG_FIELD("name", FT_STR, offsetof(struct theme_raw, t.name), 0) },
    { CFG_FIELD("monochrome", FT_BOOL, offsetof(struct theme_raw, t.monochrome), 0) },
    { CFG_FIELD("styles", FT_NODE, offsetof(struct theme_raw, styles), 0) },
};

struct style_raw {
    const struct ydoc_node *fg, *bg;
    int bold, underline, reverse;
};

static const struct cfg_field style_fields[] = {
    { CFG_FIELD("fg", FT_NODE, offsetof(struct style_raw, fg), 0) },
    { CFG_FIELD("bg", FT_NODE, offsetof(struct style_raw, bg), 0) },
    { CFG_FIELD("bold", FT_BOOL, offsetof(struct style_raw, bold), 0) },
    { CFG_FIELD("underline", FT_BOOL, offsetof(struct style_raw, underline), 0) },
    { CFG_FIELD("reverse", FT_BOOL, offsetof(struct style_raw, reverse), 0) },
};

const char *cfg_theme_slot_name(enum cfg_theme_slot slot)
{
    return (unsigned)slot < THEME_SLOT_COUNT ? slot_names[slot] : NULL;
}

static int parse_colour(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                        short *out)
{
    long v;
    if (n->kind == YDOC_SCALAR && n->style == YDOC_PLAIN && util_parse_long(n->str, &v) == 0) {
        if (v < 0 || v > 255)
            return ydoc_error(c->doc, n, c->err, "'%s': colour %ld is out of range (0 to 255)",
                              key, v);
        *out = (short)v;
        return 0;
    }
    if (n->kind != YDOC_SCALAR || ydoc_is_null(n))
        return ydoc_error(c->doc, n, c->err, "'%s': expected a colour, found %s", key,
                          ydoc_describe(n));
    if (strcmp(n->str, "default") == 0) {
        *out = -1;
        return 0;
    }
    const char *name = n->str;
    int bright = strncmp(name, "bright_", 7) == 0;
    if (bright)
        name += 7;
    for (size_t i = 0; i < NFIELDS(colour_names); i++)
        if (strcmp(colour_names[i], name) == 0) {
            *out = (short)(i + (bright ? 8 : 0));
            return 0;
        }
    const char *near = cfg_closest(name, colour_names, NFIELDS(colour_names));
    if (near)
        return ydoc_error(c->doc, n, c->err, "'%s': unknown colour '%.64s' (did you mean "
                          "'%s%s'?)", key, n->str, bright ? "bright_" : "", near);
    return ydoc_error(c->doc, n, c->err, "'%s': unknown colour '%.64s' (use default, a "
                      "curses colour name, bright_NAME or 0-255)", key, n->str);
}

static int load_style(struct cfg_ctx *c, const struct ydoc_node *n,
                      struct cfg_theme_style *st, const char *slot)
{
    struct style_raw r = { NULL, NULL, 0, 0, 0 };
    char what[64];
    snprintf(what, sizeof what, "style '%s'", slot);
    if (cfg_walk_map(c, n, style_fields, NFIELDS(style_fields), &r, what) < 0)
        return -1;
    if (r.fg && !ydoc_is_null(r.fg) && parse_colour(c, r.fg, "fg", &st->fg) < 0)
        return -1;
    if (r.bg && !ydoc_is_null(r.bg) && parse_colour(c, r.bg, "bg", &st->bg) < 0)
        return -1;
    st->bold = r.bold;
    st->underline = r.underline;
    st->reverse = r.reverse;
    return 0;
}

static int load_styles(struct cfg_ctx *c, const struct ydoc_node *n, struct cfg_theme *t)
{
    if (n->kind != YDOC_MAP)
        return ydoc_error(c->doc, n, c->err, "'styles': expected a mapping, found %s",
                          ydoc_describe(n));
    for (size_t i = 0; i < n->n; i++) {
        const struct ydoc_node *k = n->kids[2 * i];
        size_t s = 0;
        while (s < THEME_SLOT_COUNT && strcmp(slot_names[s], k->str) != 0)
            s++;
        if (s == THEME_SLOT_COUNT) {
            const char *near = cfg_closest(k->str, slot_names, THEME_SLOT_COUNT);
            if (near)
                return ydoc_error(c->doc, k, c->err, "unknown style slot '%.64s' (did you "
                                  "mean '%s'?)", k->str, near);
            return ydoc_error(c->doc, k, c->err, "unknown style slot '%.64s' (slots: "
                              "normal header tab tab_active hint selected title chip "
                              "sig_above sig_below suppressed bar national error border)",
                              k->str);
        }
        if (load_style(c, n->kids[2 * i + 1], &t->slots[s], slot_names[s]) < 0)
            return -1;
    }
    return 0;
}

/* "themes/dark.yaml" -> "dark", for a theme that does not name itself. */
static char *name_from_path(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strcspn(base, ".");
    return util_xstrndup(base, n);
}

void cfg_theme_free(struct cfg_theme *theme)
{
    free(theme->name);
    theme->name = NULL;
}

int cfg_load_theme(const char *path, struct cfg_theme *theme, struct collab_err *err)
{
    struct ydoc doc;
    struct theme_raw r;
    memset(&r, 0, sizeof r);
    memset(theme, 0, sizeof *theme);
    for (int s = 0; s < THEME_SLOT_COUNT; s++)
        r.t.slots[s].fg = r.t.slots[s].bg = -1;
    if (ydoc_load_file(path, &doc, err) < 0)
        return -1;
    struct cfg_ctx c = { &doc, err };
    int rc = cfg_expect_root(&c);
    if (rc == 0)
        rc = cfg_walk_map(&c, doc.root, file_fields, NFIELDS(file_fields), &r, "theme");
    if (rc == 0 && r.styles && !ydoc_is_null(r.styles))
        rc = load_styles(&c, r.styles, &r.t);
    if (rc == 0 && !r.t.name)
        r.t.name = name_from_path(path);
    if (rc < 0)
        cfg_theme_free(&r.t);
    else
        *theme = r.t;
    ydoc_free(&doc);
    return rc;
}
