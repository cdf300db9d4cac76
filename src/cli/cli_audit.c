/* `collab audit [--data DIR] [--since YYYY-MM-DD] [--user ID] [--format F]`:
 * list the audit rows (pupil-level views and exports, act-as, refusals). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/audit.h"
#include "collab/cli.h"
#include "collab/model.h"
#include "collab/util.h"

static const char usage[] =
    "collab audit [--data DIR] [--since YYYY-MM-DD] [--user ID] [--format table|csv|json]";

static const char *const audit_cols[] = { "id", "at", "login", "user", "action",
                                          "target", "detail" };
#define NAUDIT (sizeof audit_cols / sizeof audit_cols[0])

/* Rows become a model_table so every format is written by one writer. */
static int add_row(const struct audit_row *row, void *arg)
{
    struct model_table *t = arg;
    char id[32];
    snprintf(id, sizeof id, "%ld", row->id);
    const char *vals[NAUDIT] = { id, row->at, row->login, row->user, row->action,
                                 row->target, row->detail };
    t->rows = util_xrealloc(t->rows, (t->nrows + 1) * sizeof *t->rows);
    struct model_row *r = &t->rows[t->nrows++];
    r->key = util_xstrdup(id);
    r->kind = 0;
    r->cells = util_xcalloc(NAUDIT, sizeof *r->cells);
    for (size_t c = 0; c < NAUDIT; c++)
        r->cells[c].text = util_xstrdup(vals[c]);
    return 0;
}

static void init_table(struct model_table *t, const char *data)
{
    memset(t, 0, sizeof *t);
    struct strbuf title = STRBUF_INIT;
    sb_addf(&title, "Audit log: %s/audit.db", data);
    t->title = sb_detach(&title);
    t->ncols = NAUDIT;
    t->cols = util_xcalloc(NAUDIT, sizeof *t->cols);
    for (size_t c = 0; c < NAUDIT; c++) {
        t->cols[c].id = util_xstrdup(audit_cols[c]);
        t->cols[c].label = util_xstrdup(audit_cols[c]);
        t->cols[c].kind = MODEL_COL_TEXT;
    }
}

int cli_audit(int argc, char **argv)
{
    const char *data = NULL, *since = NULL, *user = NULL, *format = "table";
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n", usage);
        return COLLAB_EXIT_OK;
    }
    const struct cli_option opts[] = {
        { "--data", &data }, { "--since", &since }, { "--user", &user }, { "--format", &format },
    };
    for (int i = 1; i < argc; i++) {
        const char **slot = cli_option_slot(opts, sizeof opts / sizeof opts[0], argv[i]);
        if (!slot || i + 1 >= argc)
            return cli_usage(usage);
        *slot = argv[++i];
    }
    if (since && !cli_valid_date(since)) {
        cli_error("--since takes a date YYYY-MM-DD, not '%s'", since);
        return cli_usage(usage);
    }
    enum model_format fmt;
    if (model_format_by_name(format, &fmt) != 0)
        return cli_usage(usage);
    char *dir = data ? util_xstrdup(data) : cli_default_data();
    struct model_table t;
    struct collab_err err = { .set = 0 };
    init_table(&t, dir);
    int rc = audit_list(dir, since, user, add_row, &t, &err);
    free(dir);
    if (rc == 0)
        model_table_write(&t, fmt, stdout);
    model_table_free(&t);
    return rc == 0 ? COLLAB_EXIT_OK : cli_fail(&err);
}
