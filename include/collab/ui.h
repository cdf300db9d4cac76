/*
 * ui: the ncurses terminal interface of DESIGN.md section 6. The only module
 * that includes curses. It lays out what the model returns (model.h) and
 * never computes a figure itself: every table on screen is a model_query.
 *
 * The caller (cli_tui) loads the config and opens the model; ui_run takes
 * over the terminal until the user quits, the connection drops or a signal
 * asks it to stop, and always restores the terminal before returning.
 *
 * Test hooks (modelled on tig): keys can come from a file instead of the
 * keyboard, the screen can be a virtual one of a given size (headless), and
 * the final screen can be dumped as plain text.
 *
 * Errors: functions return 0 / -1 with err filled. Nothing here frees the
 * model or the config; both are borrowed and must outlive the call.
 */
#ifndef COLLAB_UI_H
#define COLLAB_UI_H

#include <stdio.h>

#include "collab/config.h"
#include "collab/err.h"
#include "collab/model.h"

enum ui_color { UI_COLOR_AUTO, UI_COLOR_16, UI_COLOR_256, UI_COLOR_OFF };

struct ui_options {
    const char *config_dir;  /* where the config came from: themes are looked
                                for beside it; may be NULL */
    const char *theme;       /* theme name; NULL means "default" */
    enum ui_color color;
    int mouse;               /* start with mouse reporting on */
    int year;                /* initial year; 0 for the latest */
    const char *keys_file;   /* read keys from this file, then stop; or NULL */
    int headless;            /* render to a virtual screen, no terminal */
    int cols, rows;          /* size of the headless screen */
    const char *dump_file;   /* after the keys, write the screen here; or NULL */
};

/* Parse "auto", "16", "256" or "off" (also "none"/"never"). 0 or -1. */
int ui_parse_color(const char *s, enum ui_color *out);

/* Run the interface on model m (borrowed) with config cfg (borrowed).
 * Returns 0 after a normal quit or a hang-up, -1 with err when the terminal
 * cannot be opened, a theme or keys.yaml is broken, or a dump fails. Nothing
 * is drawn before every file has been read, so an error leaves the terminal
 * untouched. */
int ui_run(struct model *m, const struct cfg *cfg, const struct ui_options *opts,
           struct collab_err *err);

/* Write the key reference (docs/KEYS.md) made from the action table, with
 * the filter keys of cfg when cfg is not NULL. */
void ui_write_keys_markdown(FILE *fp, const struct cfg *cfg);

#endif
