/* `collab [tui] [OPTIONS]`: the terminal interface. Loads the config and
 * opens the model first, so that a refusal (unknown login, a group the user
 * may not see) is printed on stderr before the terminal is touched. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/cli.h"
#include "collab/config.h"
#include "collab/model.h"
#include "collab/ui.h"
#include "collab/util.h"

static const char usage[] =
    "collab [tui] [--data DIR] [--config DIR] [--user ID] [--group ID] [--year Y]\n"
    "         [--theme NAME] [--color auto|16|256|off] [--mouse]\n"
    "       test hooks: [--keys FILE] [--headless] [--size COLSxROWS] [--dump FILE]\n"
    "       collab tui --keys-markdown   (print the key reference, docs/KEYS.md)";

struct tui_args {
    const char *data, *config, *user, *group, *year, *theme, *color, *keys, *size, *dump;
    int mouse, headless, markdown;
};

static const char **value_slot(struct tui_args *a, const char *name)
{
    const struct cli_option opts[] = {
        { "--data", &a->data }, { "--config", &a->config }, { "--user", &a->user },
        { "--group", &a->group }, { "--year", &a->year }, { "--theme", &a->theme },
        { "--color", &a->color }, { "--keys", &a->keys }, { "--size", &a->size },
        { "--dump", &a->dump },
    };
    return cli_option_slot(opts, sizeof opts / sizeof opts[0], name);
}

static int *flag_slot(struct tui_args *a, const char *name)
{
    static const char *const names[] = { "--mouse", "--headless", "--keys-markdown" };
    int *slots[] = { &a->mouse, &a->headless, &a->markdown };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return slots[i];
    return NULL;
}

static int parse_args(int argc, char **argv, struct tui_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        char name[32];
        const char *arg = argv[i], *eq = strchr(arg, '=');
        /* Accept --color=off as well as --color off. */
        size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), arg);
        const char **slot = value_slot(a, name);
        int *flag = flag_slot(a, arg);
        if (flag) {
            *flag = 1;
        } else if (slot && eq) {
            *slot = eq + 1;
        } else if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else {
            cli_error(slot ? "option '%s' needs a value" : "unknown option '%s'", arg);
            return -1;
        }
    }
    return 0;
}

static int fill_options(const struct tui_args *a, struct ui_options *o)
{
    memset(o, 0, sizeof *o);
    o->theme = a->theme;
    o->mouse = a->mouse;
    o->keys_file = a->keys;
    o->headless = a->headless;
    o->dump_file = a->dump;
    o->cols = 80;
    o->rows = 24;
    if (a->color && ui_parse_color(a->color, &o->color) != 0) {
        cli_error("--color takes auto, 16, 256 or off, not '%s'", a->color);
        return -1;
    }
    if (a->year) {
        long y;
        if (util_parse_long(a->year, &y) != 0 || y < 1990 || y > 2100) {
            cli_error("--year takes a year such as 2019, not '%s'", a->year);
            return -1;
        }
        o->year = (int)y;
    }
    if (a->size) {
        char extra;
        if (sscanf(a->size, "%dx%d%c", &o->cols, &o->rows, &extra) != 2 || o->cols < 10
            || o->rows < 4 || o->cols > 1000 || o->rows > 500) {
            cli_error("--size takes COLSxROWS such as 80x24, not '%s'", a->size);
            return -1;
        }
    }
    if (a->size && !a->headless) {
        cli_error("--size applies to --headless only");
        return -1;
    }
    if (a->headless && !a->keys) {
        cli_error("--headless needs --keys FILE (there is no keyboard)");
        return -1;
    }
    return 0;
}

static int run(const struct tui_args *a, struct ui_options *o)
{
    struct collab_err err = { .set = 0 };
    struct cfg cfg;
    char *config = a->config ? util_xstrdup(a->config) : cli_default_config();
    char *data = a->data ? util_xstrdup(a->data) : cli_default_data();
    int status = COLLAB_EXIT_OK;
    if (cfg_load_dir(config, &cfg, &err) != 0) {
        free(config);
        free(data);
        return cli_fail(&err);
    }
    struct model_open_args oa = { .data_dir = data, .cfg = &cfg, .user_id = a->user,
                                  .group_id = a->group };
    struct model *m = model_open(&oa, &err);
    if (!m) {
        status = cli_fail(&err);
    } else {
        o->config_dir = config;
        if (ui_run(m, &cfg, o, &err) != 0)
            status = cli_fail(&err);
        model_close(m);
    }
    cfg_free(&cfg);
    free(config);
    free(data);
    return status;
}

int cli_tui(int argc, char **argv)
{
    struct tui_args a;
    struct ui_options o;
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n", usage);
        return COLLAB_EXIT_OK;
    }
    if (parse_args(argc, argv, &a) != 0 || fill_options(&a, &o) != 0)
        return cli_usage(usage);
    if (a.markdown) {
        ui_write_keys_markdown(stdout, NULL);
        return fflush(stdout) == 0 ? COLLAB_EXIT_OK : COLLAB_EXIT_USER;
    }
    return run(&a, &o);
}
