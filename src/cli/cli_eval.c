/* `collab eval`: the partnership self-evaluation without the TUI.
 *   import FILE.csv   save many entries in one transaction
 *   show              the entries of a term the user may see
 *   term              the current term's name
 * Access rules are the model's (eval.h): the same as the Evaluation pane. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/cli.h"
#include "collab/config.h"
#include "collab/csv_reader.h"
#include "collab/eval.h"
#include "collab/model.h"
#include "collab/util.h"

static const char usage[] =
    "collab eval [--data DIR] [--config DIR] [--user ID] [--group ID] [--term T]\n"
    "            import FILE.csv | show | term\n"
    "  import: columns term, urn, theme, school_score, partnership_score,\n"
    "          strengths, development, shared (a blank term means --term or the\n"
    "          current term; blank scores are not given; shared yes/no)\n"
    "  show:   the entries of the term (default the current one) you may see\n"
    "  term:   print the current term (YYYY-autumn|spring|summer)";

struct eval_args {
    const char *data, *config, *user, *group, *term;
    const char *pos[2];
    int npos;
};

static int parse_args(int argc, char **argv, struct eval_args *a)
{
    memset(a, 0, sizeof *a);
    const struct cli_option opts[] = {
        { "--data", &a->data }, { "--config", &a->config }, { "--user", &a->user },
        { "--group", &a->group }, { "--term", &a->term },
    };
    for (int i = 1; i < argc; i++) {
        const char **slot = cli_option_slot(opts, sizeof opts / sizeof opts[0], argv[i]);
        if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error("unknown or incomplete option '%s'", argv[i]);
            return -1;
        } else if (a->npos < 2) {
            a->pos[a->npos++] = argv[i];
        } else {
            cli_error("too many arguments");
            return -1;
        }
    }
    return 0;
}

/* ---- import ---- */

enum csv_col { COL_TERM, COL_URN, COL_THEME, COL_SCHOOL, COL_PARTNER, COL_STRENGTHS,
               COL_DEVELOPMENT, COL_SHARED, NCOLS };

static const char *const col_names[NCOLS] = { "term", "urn", "theme", "school_score",
    "partnership_score", "strengths", "development", "shared" };
static const int col_required[NCOLS] = { 1, 1, 1 };

struct import_ctx {
    const char *name;
    const char *term;          /* for blank term cells */
    const struct cfg_eval *scale;
    int where[NCOLS];          /* field index of each column, -1 absent */
    struct eval_entry *entries;
    size_t n, cap;
    struct collab_err *err;
};

static int header(struct import_ctx *c, const struct csvr_record *rec)
{
    for (int k = 0; k < NCOLS; k++)
        c->where[k] = -1;
    for (size_t f = 0; f < rec->nfields; f++) {
        int k = 0;
        while (k < NCOLS && !util_strieq(rec->fields[f], col_names[k]))
            k++;
        if (k == NCOLS)
            return collab_err_at(c->err, c->name, rec->line, 0, "column %s: unknown "
                                 "column (columns: term, urn, theme, school_score, "
                                 "partnership_score, strengths, development, shared)",
                                 rec->fields[f]);
        c->where[k] = (int)f;
    }
    for (int k = 0; k < NCOLS; k++)
        if (col_required[k] && c->where[k] < 0)
            return collab_err_at(c->err, c->name, rec->line, 0, "column %s: missing",
                                 col_names[k]);
    return 0;
}

static const char *field(const struct import_ctx *c, const struct csvr_record *rec, int k)
{
    int f = c->where[k];
    return f >= 0 && (size_t)f < rec->nfields ? rec->fields[f] : "";
}

static int cell_fail(struct import_ctx *c, long line, int k, const char *what,
                     const char *value)
{
    return collab_err_at(c->err, c->name, line, 0, "column %s: %s, not '%s'",
                         col_names[k], what, value);
}

static int parse_score(struct import_ctx *c, const struct csvr_record *rec, int k, int *out)
{
    const char *s = field(c, rec, k);
    long v;
    *out = 0;
    if (!*s)
        return 0;
    if (util_parse_long(s, &v) != 0 || v < c->scale->scale_min || v > c->scale->scale_max) {
        char what[64];
        snprintf(what, sizeof what, "score must be %d-%d", c->scale->scale_min,
                 c->scale->scale_max);
        return cell_fail(c, rec->line, k, what, s);
    }
    *out = (int)v;
    return 0;
}

static int parse_shared(struct import_ctx *c, const struct csvr_record *rec, int *out)
{
    static const char *const yes[] = { "yes", "y", "true", "1" };
    static const char *const no[] = { "no", "n", "false", "0", "" };
    const char *s = field(c, rec, COL_SHARED);
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (util_strieq(s, yes[i]))
            return *out = 1, 0;
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (util_strieq(s, no[i]))
            return *out = 0, 0;
    return cell_fail(c, rec->line, COL_SHARED, "shared must be yes or no", s);
}

static int on_record(const struct csvr_record *rec, void *arg)
{
    struct import_ctx *c = arg;
    if (c->where[COL_TERM] == -2)
        return header(c, rec);
    struct eval_entry e = { .line = rec->line };
    long urn;
    if (util_parse_long(field(c, rec, COL_URN), &urn) != 0 || urn <= 0)
        return cell_fail(c, rec->line, COL_URN, "a URN is a positive number",
                         field(c, rec, COL_URN));
    if (parse_score(c, rec, COL_SCHOOL, &e.school_score) != 0 ||
        parse_score(c, rec, COL_PARTNER, &e.partnership_score) != 0 ||
        parse_shared(c, rec, &e.shared) != 0)
        return -1;
    const char *term = field(c, rec, COL_TERM);
    e.term = util_xstrdup(*term ? term : c->term);
    e.urn = urn;
    e.theme = util_xstrdup(field(c, rec, COL_THEME));
    e.strengths = util_xstrdup(field(c, rec, COL_STRENGTHS));
    e.development = util_xstrdup(field(c, rec, COL_DEVELOPMENT));
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 32;
        c->entries = util_xrealloc(c->entries, c->cap * sizeof *c->entries);
    }
    c->entries[c->n++] = e;
    return 0;
}

static int run_import(struct model *m, const struct cfg *cfg, const char *file,
                      const char *term)
{
    struct collab_err err = { .set = 0 };
    struct import_ctx c = { .name = file, .term = term, .scale = &cfg->eval, .err = &err };
    c.where[COL_TERM] = -2;     /* the next record is the header */
    int status = COLLAB_EXIT_OK;
    long n = csvr_read(file, file, on_record, &c, &err);
    struct eval_ctx ctx;
    eval_ctx_from_model(m, &ctx);
    if (n < 0) {
        cli_error("%s", err.msg);
        cli_error("%s: nothing imported", file);
        status = COLLAB_EXIT_USER;
    } else if (n == 0) {
        cli_error("%s: empty file (no header)", file);
        status = COLLAB_EXIT_USER;
    } else if (eval_save_entries(&ctx, file, c.entries, c.n, &err) != 0) {
        cli_error("%s", err.msg);
        cli_error("%s: nothing imported", file);
        status = COLLAB_EXIT_USER;
    } else {
        printf("%zu entr%s saved to the evaluation of %s\n", c.n, c.n == 1 ? "y" : "ies",
               model_group_id(m));
    }
    eval_entries_free(c.entries, c.n);
    return status;
}

/* ---- show ---- */

static const char *theme_title(const struct cfg_eval *ev, const char *id)
{
    for (size_t a = 0; a < ev->nareas; a++)
        for (size_t t = 0; t < ev->areas[a].nthemes; t++)
            if (strcmp(ev->areas[a].themes[t].id, id) == 0)
                return ev->areas[a].themes[t].title;
    return id;
}

static void print_score(const char *label, int score, int hidden)
{
    if (hidden)
        printf("  %s -", label);
    else if (score)
        printf("  %s %d", label, score);
    else
        printf("  %s .", label);
}

static void print_entry(const struct cfg *cfg, const struct eval_entry *e)
{
    printf("  %-28s", theme_title(&cfg->eval, e->theme));
    print_score("school", e->school_score, e->scores_hidden);
    print_score("partnership", e->partnership_score, e->scores_hidden);
    printf("  %s\n", e->shared ? "shared" : "not shared");
    if (e->text_hidden)
        printf("    (text not shared with the group)\n");
    if (e->strengths)
        printf("    strengths: %s\n", e->strengths);
    if (e->development)
        printf("    development: %s\n", e->development);
}

static int run_show(struct model *m, const struct cfg *cfg, const char *term)
{
    struct collab_err err = { .set = 0 };
    struct eval_ctx ctx;
    struct eval_entry *e;
    size_t n;
    eval_ctx_from_model(m, &ctx);
    if (eval_list(&ctx, term, &e, &n, &err) != 0)
        return cli_fail(&err);
    printf("Evaluation of %s, %s: %zu entr%s\n", model_group_id(m), term, n,
           n == 1 ? "y" : "ies");
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || e[i].urn != e[i - 1].urn) {
            const struct cfg_org *o = cfg_school_org(cfg, e[i].urn);
            printf("%s (%ld)\n", o ? o->name : "school", e[i].urn);
        }
        print_entry(cfg, &e[i]);
    }
    eval_entries_free(e, n);
    return COLLAB_EXIT_OK;
}

/* ---- dispatch ---- */

static int run(const struct eval_args *a, const struct cfg *cfg, const char *term)
{
    struct collab_err err = { .set = 0 };
    char *data = a->data ? util_xstrdup(a->data) : cli_default_data();
    struct model_open_args oa = { .data_dir = data, .cfg = cfg, .user_id = a->user,
                                  .group_id = a->group };
    struct model *m = model_open(&oa, &err);
    int status;
    if (!m)
        status = cli_fail(&err);
    else if (strcmp(a->pos[0], "import") == 0)
        status = run_import(m, cfg, a->pos[1], term);
    else
        status = run_show(m, cfg, term);
    model_close(m);
    free(data);
    return status;
}

int cli_eval(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n", usage);
        return COLLAB_EXIT_OK;
    }
    struct eval_args a;
    if (parse_args(argc, argv, &a) != 0 || a.npos == 0)
        return cli_usage(usage);
    int wants_file = strcmp(a.pos[0], "import") == 0;
    if (!wants_file && strcmp(a.pos[0], "show") != 0 && strcmp(a.pos[0], "term") != 0) {
        cli_error("unknown eval command '%s'", a.pos[0]);
        return cli_usage(usage);
    }
    if (a.npos != (wants_file ? 2 : 1)) {
        if (wants_file)
            cli_error("import takes FILE.csv");
        else
            cli_error("%s takes no argument", a.pos[0]);
        return cli_usage(usage);
    }
    char term[EVAL_TERM_MAX];
    struct collab_err err = { .set = 0 };
    if (a.term && eval_term_check(a.term, &err) != 0) {
        cli_error("%s", err.msg);
        return COLLAB_EXIT_USAGE;
    }
    if (a.term)
        snprintf(term, sizeof term, "%s", a.term);
    else
        eval_term_current(term, sizeof term);
    if (strcmp(a.pos[0], "term") == 0) {
        printf("%s\n", term);
        return COLLAB_EXIT_OK;
    }
    struct cfg cfg;
    int status = cli_load_config(a.config, &cfg);
    if (status != 0)
        return status;
    status = run(&a, &cfg, term);
    cfg_free(&cfg);
    return status;
}
