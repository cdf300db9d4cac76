/* `collab report [OPTIONS] VIEW [ARG]`: any view of the model as a table,
 * CSV, TSV or JSON, under the same access rules as the TUI. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/cli.h"
#include "collab/config.h"
#include "collab/model.h"
#include "collab/util.h"

static const char usage[] =
    "collab report [--data DIR] [--config DIR] [--user ID] [--group ID]\n"
    "         [--year Y] [--key-stage N] [--filter DIM=VALUE ...] [--sort [-]COL]\n"
    "         [--format table|csv|tsv|json] [--term YYYY-SEASON] [--since DATE] [--gap]\n"
    "         [--where 'COL OP VALUE']\n"
    "         VIEW\n"
    "  VIEW: overview | subjects | subject CODE | schools | similar URN [--national]\n"
    "        | pupils URN (--national: similar schools among all England's schools,\n"
    "        from the DfE's published intake)\n"
    "        | pupil URN ID (one pupil: results, estimates, flags and grades)\n"
    "        | evaluation (--term: e.g. 2026-autumn; default the latest term)\n"
    "        | changes (group changes since your last visit, or --since YYYY-MM-DD)\n"
    "  --gap: with --filter fsm6=yes, compare disadvantaged pupils with the other\n"
    "        pupils nationally (the DfE's convention) instead of the same pupils\n"
    "  --where: pupils only, the rows kept: 'p8 < -1', 'prior = L', 'flags has FSM6'\n"
    "        (OP: < <= > >= = != has)";

struct view_name {
    const char *name;
    enum model_view view;
    const char *arg;        /* what the view's arguments are, NULL for none */
    int nargs;
};

static const struct view_name view_names[] = {
    { "overview", MODEL_VIEW_OVERVIEW, NULL, 0 },
    { "subjects", MODEL_VIEW_SUBJECTS, NULL, 0 },
    { "subject", MODEL_VIEW_SUBJECT, "CODE", 1 },
    { "schools", MODEL_VIEW_SCHOOLS, NULL, 0 },
    { "similar", MODEL_VIEW_SIMILAR, "URN", 1 },
    { "pupils", MODEL_VIEW_PUPILS, "URN", 1 },
    { "pupil", MODEL_VIEW_PUPIL, "URN and a pupil id", 2 },
    { "evaluation", MODEL_VIEW_EVALUATION, NULL, 0 },
};

#define MAX_FILTERS 16

struct report_args {
    const char *data, *config, *user, *group, *year, *ks, *sort, *format, *term, *since;
    const char *where;
    const char *filters[MAX_FILTERS];
    int nfilters;
    int national;
    int gap;
    const char *pos[3];
    int npos;
};

/* Options taking a value, and where the value goes. */
static const char **option_slot(struct report_args *a, const char *name)
{
    const struct cli_option opts[] = {
        { "--data", &a->data }, { "--config", &a->config }, { "--user", &a->user },
        { "--group", &a->group }, { "--year", &a->year }, { "--key-stage", &a->ks },
        { "--sort", &a->sort }, { "--format", &a->format }, { "--term", &a->term },
        { "--since", &a->since }, { "--where", &a->where },
    };
    return cli_option_slot(opts, sizeof opts / sizeof opts[0], name);
}

static int parse_args(int argc, char **argv, struct report_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **slot = option_slot(a, arg);
        if (strcmp(arg, "--filter") == 0 && i + 1 < argc) {
            if (a->nfilters == MAX_FILTERS) {
                cli_error("at most %d filters", MAX_FILTERS);
                return -1;
            }
            a->filters[a->nfilters++] = argv[++i];
        } else if (strcmp(arg, "--national") == 0) {
            a->national = 1;
        } else if (strcmp(arg, "--gap") == 0) {
            a->gap = 1;
        } else if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else if (arg[0] == '-' && arg[1]) {
            cli_error("unknown or incomplete option '%s'", arg);
            return -1;
        } else if (a->npos < 3) {
            a->pos[a->npos++] = arg;
        } else {
            cli_error("too many arguments");
            return -1;
        }
    }
    return 0;
}

static int parse_int(const char *s, const char *what, long lo, long hi, long *out)
{
    if (util_parse_long(s, out) != 0 || *out < lo || *out > hi) {
        cli_error("%s must be a number from %ld to %ld, not '%s'", what, lo, hi, s);
        return -1;
    }
    return 0;
}

/* Fill q from the view name, its argument and the options (usage errors -1). */
static int build_query(const struct report_args *a, const struct cfg *cfg,
                       struct model_query *q)
{
    memset(q, 0, sizeof *q);
    q->sort_col = -1;
    const struct view_name *v = NULL;
    for (size_t i = 0; a->npos > 0 && i < sizeof view_names / sizeof view_names[0]; i++)
        if (strcmp(a->pos[0], view_names[i].name) == 0)
            v = &view_names[i];
    if (!v) {
        cli_error(a->npos ? "unknown view '%s'" : "no view given%s", a->npos ? a->pos[0] : "");
        return -1;
    }
    if (a->npos != 1 + v->nargs) {
        cli_error(v->arg ? "view '%s' takes %s" : "view '%s' takes no argument", v->name,
                  v->arg ? v->arg : "");
        return -1;
    }
    q->view = v->view;
    long n;
    if (v->view == MODEL_VIEW_SUBJECT)
        q->subject = a->pos[1];
    else if (v->arg && parse_int(a->pos[1], "URN", 1, 99999999, &n) == 0)
        q->urn = n;
    else if (v->arg)
        return -1;
    if (v->view == MODEL_VIEW_PUPIL)
        q->pupil = a->pos[2];
    if (a->year && parse_int(a->year, "--year", 2000, 2100, &n) != 0)
        return -1;
    q->year = a->year ? (int)n : 0;
    if (a->ks && parse_int(a->ks, "--key-stage", 2, 4, &n) != 0)
        return -1;
    q->key_stage = a->ks ? (int)n : 0;
    if (a->term && v->view != MODEL_VIEW_EVALUATION) {
        cli_error("--term applies to the evaluation view only");
        return -1;
    }
    q->term = a->term;
    q->where = a->where;
    if (a->national && v->view != MODEL_VIEW_SIMILAR) {
        cli_error("--national applies to the similar view only");
        return -1;
    }
    q->national = a->national;
    static const int compared[MODEL_VIEW_COUNT] = {
        [MODEL_VIEW_OVERVIEW] = 1, [MODEL_VIEW_SUBJECTS] = 1, [MODEL_VIEW_SUBJECT] = 1,
        [MODEL_VIEW_SCHOOLS] = 1,
    };
    if (a->gap && !compared[v->view]) {
        cli_error("--gap applies to the views with national figures (overview, subjects, "
                  "subject, schools)");
        return -1;
    }
    q->against_others = a->gap;
    for (int i = 0; i < a->nfilters; i++) {
        struct collab_err err = { .set = 0 };
        if (model_filter_parse(cfg, a->filters[i], &q->filter, &err) != 0) {
            cli_error("%s", err.msg);
            return -1;
        }
    }
    return 0;
}

static int parse_format(const char *name, enum model_format *fmt)
{
    *fmt = MODEL_FMT_TABLE;
    if (!name || model_format_by_name(name, fmt) == 0)
        return 0;
    cli_error("unknown format '%s' (table, csv, tsv, json)", name);
    return -1;
}

/* --sort COL or --sort -COL (descending), by column id or label. */
static int resolve_sort(struct model *m, const char *spec, struct model_query *q)
{
    if (!spec)
        return 0;
    q->sort_desc = spec[0] == '-';
    const char *name = spec + q->sort_desc;
    q->sort_col = model_column_index(m, q, name);
    if (q->sort_col < 0) {
        cli_error("cannot sort by '%s': no such column in this view", name);
        return -1;
    }
    return 0;
}

/* `report changes`: the group's changes since the last visit (or --since),
 * which then becomes the last visit. */
static int run_changes(const struct report_args *a, struct model *m, enum model_format fmt)
{
    struct collab_err err = { .set = 0 };
    struct model_table t;
    if (model_changes(m, a->since, &t, &err) != 0)
        return cli_fail(&err);
    int status = COLLAB_EXIT_OK;
    if (model_table_write(&t, fmt, stdout) != 0 || fflush(stdout) != 0) {
        cli_error("cannot write the report");
        status = COLLAB_EXIT_USER;
    } else if (model_mark_visited(m, &err) != 0)
        cli_error("warning: %s", err.msg);
    model_table_free(&t);
    return status;
}

static int is_changes(const struct report_args *a)
{
    return a->npos >= 1 && strcmp(a->pos[0], "changes") == 0;
}

static int check_changes_args(const struct report_args *a)
{
    if (is_changes(a) && a->npos != 1) {
        cli_error("view 'changes' takes no argument");
        return -1;
    }
    if (a->since && !is_changes(a)) {
        cli_error("--since applies to the changes view only");
        return -1;
    }
    if (a->since && !cli_valid_date(a->since)) {
        cli_error("--since takes a date YYYY-MM-DD, not '%s'", a->since);
        return -1;
    }
    return 0;
}

static int run_report(const struct report_args *a, struct cfg *cfg, enum model_format fmt)
{
    struct collab_err err = { .set = 0 };
    struct model_query q;
    if (check_changes_args(a) != 0 || (!is_changes(a) && build_query(a, cfg, &q) != 0))
        return cli_usage(usage);
    char *data = a->data ? util_xstrdup(a->data) : cli_default_data();
    struct model_open_args oa = { .data_dir = data, .cfg = cfg, .user_id = a->user,
                                  .group_id = a->group };
    struct model *m = model_open(&oa, &err);
    free(data);
    if (!m)
        return cli_fail(&err);
    if (model_warning(m))
        cli_error("warning: %s", model_warning(m));
    if (is_changes(a)) {
        int rc = run_changes(a, m, fmt);
        model_close(m);
        return rc;
    }
    int status = COLLAB_EXIT_OK;
    struct model_table t;
    if (resolve_sort(m, a->sort, &q) != 0)
        status = cli_usage(usage);
    else if (model_query(m, &q, &t, &err) != 0)
        status = cli_fail(&err);
    else {
        if (model_table_write(&t, fmt, stdout) != 0 || fflush(stdout) != 0) {
            cli_error("cannot write the report");
            status = COLLAB_EXIT_USER;
        }
        model_table_free(&t);
    }
    model_close(m);
    return status;
}

int cli_report(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n", usage);
        return COLLAB_EXIT_OK;
    }
    struct report_args a;
    enum model_format fmt;
    if (parse_args(argc, argv, &a) != 0 || parse_format(a.format, &fmt) != 0)
        return cli_usage(usage);
    struct cfg cfg;
    int status = cli_load_config(a.config, &cfg);
    if (status != 0)
        return status;
    status = run_report(&a, &cfg, fmt);
    cfg_free(&cfg);
    return status;
}
