/* collab check: validate a config directory and the themes beside it. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/access.h"
#include "collab/cli.h"
#include "collab/config.h"
#include "collab/util.h"

static const char usage[] = "collab check [--config DIR | DIR]";

static void warn_finding(void *arg, const char *msg)
{
    (void)arg;
    cli_error("warning: %s", msg);
}

static int has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".yaml") == 0 && name[0] != '.';
}

/* Load every themes/NAME.yaml in dir (sorted, so the first error reported
 * does not depend on the file system). Missing dir: nothing to check. */
static int check_themes(const char *dir, struct collab_err *err)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0 && has_yaml_suffix(names[i]->d_name)) {
            char *path = util_path_join(dir, names[i]->d_name);
            struct cfg_theme theme;
            rc = cfg_load_theme(path, &theme, err);
            if (rc == 0)
                cfg_theme_free(&theme);
            free(path);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int parse_args(int argc, char **argv, char **dir)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--config") == 0) {
            if (i + 1 == argc) {
                cli_error("check: --config needs a directory");
                return -1;
            }
            a = argv[++i];
        } else if (strncmp(a, "--config=", 9) == 0) {
            a += 9;
        } else if (a[0] == '-') {
            cli_error("check: unknown option '%s'", a);
            return -1;
        }
        if (*dir) {
            cli_error("check: more than one config directory given");
            return -1;
        }
        *dir = util_xstrdup(a);
    }
    return 0;
}

int cli_check(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\nValidate a config directory (indicators.yaml, filters.yaml,\n"
               "groups.yaml and, if present, evaluation.yaml) and every theme in\n"
               "DIR/themes or DIR/../themes. Prints \"DIR: ok (...)\" or the first\n"
               "problem as FILE:LINE:COL: message. Without DIR, uses $COLLAB_CONFIG\n"
               "or ~/.config/collab.\n\nThen warns where this machine's unix groups do not enforce\n"
               "groups.yaml: a member of a store's unix group whom the rules refuse,\n"
               "or a user they allow who is not a member.\n", usage);
        return COLLAB_EXIT_OK;
    }
    char *dir = NULL;
    if (parse_args(argc, argv, &dir) < 0) {
        free(dir);
        return cli_usage(usage);
    }
    if (!dir)
        dir = cli_default_config();

    struct cfg cfg;
    struct collab_err err = { 0 };
    int rc = cfg_load_dir(dir, &cfg, &err);
    const char *theme_dirs[] = { "themes", "../themes" };
    for (size_t i = 0; rc == 0 && i < sizeof theme_dirs / sizeof theme_dirs[0]; i++) {
        char *td = util_path_join(dir, theme_dirs[i]);
        rc = check_themes(td, &err);
        free(td);
    }
    if (rc == 0) {
        /* groups.yaml's groups: the schools' own are collab's, not the file's */
        size_t ngroups = 0;
        for (size_t i = 0; i < cfg.ngroups; i++)
            ngroups += !cfg.groups[i].own_school;
        printf("%s: ok (%zu indicators, %zu filters, %zu groups, %zu users)\n", dir,
               cfg.nindicators, cfg.nfilters, ngroups, cfg.nusers);
        for (size_t i = 0; i < cfg.nwarnings; i++)
            cli_error("warning: %s", cfg.warnings[i]);
        /* the files are the wall: say where this machine's groups breach it */
        char today[16];
        access_today(today, sizeof today);
        access_unix_findings(&cfg, today, warn_finding, NULL);
    }
    cfg_free(&cfg);
    free(dir);
    return rc == 0 ? COLLAB_EXIT_OK : cli_fail(&err);
}
