/* `collab publish [--db FILE] [--config DIR] [--data DIR] [--group ID]` */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/access.h"
#include "collab/cli.h"
#include "collab/config.h"
#include "collab/job.h"
#include "collab/publish.h"
#include "collab/util.h"

static const char usage[] =
    "collab publish [--db FILE] [--config DIR] [--data DIR] [--group ID]\n"
    "       collab publish --check-perms [--config DIR] [--data DIR]";

struct publish_args {
    char *db, *config, *data;
    const char *group;
    int check_perms;
};

/* Options taking a value: where each one goes. */
static char **value_slot(struct publish_args *a, const char *opt)
{
    if (strcmp(opt, "--db") == 0)
        return &a->db;
    if (strcmp(opt, "--config") == 0)
        return &a->config;
    if (strcmp(opt, "--data") == 0)
        return &a->data;
    return NULL;
}

static int parse(int argc, char **argv, struct publish_args *a)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check-perms") == 0) {
            a->check_perms = 1;
            continue;
        }
        char **slot = value_slot(a, argv[i]);
        int is_group = strcmp(argv[i], "--group") == 0;
        if ((!slot && !is_group) || i + 1 >= argc)
            return -1;
        if (is_group) {
            a->group = argv[++i];
        } else {
            free(*slot);
            *slot = util_xstrdup(argv[++i]);
        }
    }
    if (!a->db)
        a->db = cli_default_db();
    if (!a->config)
        a->config = cli_default_config();
    if (!a->data)
        a->data = cli_default_data();
    return 0;
}

static void print_file(const struct publish_file *f)
{
    switch (f->kind) {
    case PUBLISH_GROUP:
        printf("%s: %ld school%s, %ld cells\n", f->name, f->schools,
               f->schools == 1 ? "" : "s", f->cells);
        break;
    case PUBLISH_SCHOOL:
        printf("%s: %ld pupil%s\n", f->name, f->pupils, f->pupils == 1 ? "" : "s");
        break;
    case PUBLISH_EVAL:
        printf("%s: created\n", f->name);
        break;
    }
}

static void print_line(void *arg, const char *line)
{
    (void)arg;
    printf("%s\n", line);
}

/* --check-perms: who can read and write each published file, publishing
 * nothing. */
static int check_perms(const struct cfg *cfg, const char *data, struct collab_err *err)
{
    char today[16];
    access_today(today, sizeof today);
    return access_file_report(cfg, data, today, print_line, NULL, err);
}

int cli_publish(int argc, char **argv)
{
    struct publish_args a = { 0 };
    struct collab_err err;
    struct cfg cfg;
    struct publish_result res;
    int rc = COLLAB_EXIT_USER;

    collab_err_clear(&err);
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n", usage);
        return COLLAB_EXIT_OK;
    }
    if (parse(argc, argv, &a) != 0) {
        free(a.db);
        free(a.config);
        free(a.data);
        return cli_usage(usage);
    }
    if (cfg_load_dir(a.config, &cfg, &err) != 0) {
        rc = cli_fail(&err);
        goto out;
    }
    for (size_t i = 0; i < cfg.nwarnings; i++)
        cli_error("warning: %s", cfg.warnings[i]);
    if (a.check_perms) {
        rc = check_perms(&cfg, a.data, &err) == 0 ? COLLAB_EXIT_OK : cli_fail(&err);
        cfg_free(&cfg);
        goto out;
    }
    struct collab_job job;
    cli_job_start(&job);
    struct publish_opts opts = { a.db, a.data, a.group, NULL, &job };
    int ok = publish_run(&cfg, &opts, &res, &err) == 0;
    if (cli_job_finish(&job) && !ok) {
        rc = cli_job_interrupted();
        publish_result_free(&res);
        cfg_free(&cfg);
        goto out;
    }
    for (size_t i = 0; i < res.nwarnings; i++)
        cli_error("warning: %s", res.warnings[i]);
    if (ok) {
        for (size_t i = 0; i < res.nfiles; i++)
            print_file(&res.files[i]);
        rc = COLLAB_EXIT_OK;
    } else {
        cli_fail(&err);
    }
    publish_result_free(&res);
    cfg_free(&cfg);
out:
    free(a.db);
    free(a.config);
    free(a.data);
    return rc;
}
