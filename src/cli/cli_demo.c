/* `collab demo [--data DIR]`: build the sample stores in DIR (default
 * $XDG_DATA_HOME/collab/demo) and open them: the sample config is copied to
 * DIR/config with a user for the person running the demo, the sample CSVs
 * (and the DfE's published 2019 files of sample-data/dfe/) are imported
 * into DIR/source.db and published into DIR/data. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collab/audit.h"
#include "collab/cli.h"
#include "collab/access.h"
#include "collab/config.h"
#include "collab/eval.h"
#include "collab/gen.h"
#include "collab/import.h"
#include "collab/publish.h"
#include "collab/store.h"
#include "collab/util.h"

static const char usage[] = "collab demo [--data DIR] [--user ID]\n"
    "  --user ID: open the demo as that user of the sample (e.g. hana, a school\n"
    "             leader with her own pupils; mo, a trust head), not as its\n"
    "             administrator";

/* Import order: what later files refer to comes first. */
static const char *const sample_kinds[] = { "schools", "subjects", "estimates",
                                            "national", "pupils", "results",
                                            "attendance" };

static int copy_file(const char *from, const char *to, struct collab_err *err)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return collab_err_set(err, "%s: %s", from, strerror(errno));
    char *tmp = NULL;
    int fd = util_safe_create(to, 0600, &tmp);
    FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!out) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        fclose(in);
        return collab_err_set(err, "%s: %s", to, strerror(errno));
    }
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    int bad = ferror(in) || ferror(out);
    fclose(in);
    if (fclose(out) != 0 || bad) {
        unlink(tmp);
        bad = 1;
    } else {
        bad = util_safe_commit(tmp, to) != 0;
    }
    free(tmp);
    return bad ? collab_err_set(err, "%s: cannot copy to %s", from, to) : 0;
}

/* Copy the regular files of a directory and of its subdirectories (themes/). */
static int copy_tree(const char *from, const char *to, struct collab_err *err)
{
    DIR *d = opendir(from);
    if (!d)
        return collab_err_set(err, "%s: %s", from, strerror(errno));
    if (util_mkdir_p(to, 0700) != 0) {
        closedir(d);
        return collab_err_set(err, "%s: cannot create: %s", to, strerror(errno));
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *src = util_path_join(from, e->d_name);
        char *dst = util_path_join(to, e->d_name);
        struct stat sb;
        if (stat(src, &sb) == 0 && S_ISDIR(sb.st_mode))
            rc = copy_tree(src, dst, err);
        else if (stat(src, &sb) == 0 && S_ISREG(sb.st_mode))
            rc = copy_file(src, dst, err);
        free(src);
        free(dst);
    }
    closedir(d);
    return rc;
}

static void yaml_quoted(struct strbuf *sb, const char *s)
{
    sb_addc(sb, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_addc(sb, '\\');
        sb_addc(sb, *s);
    }
    sb_addc(sb, '"');
}

static void user_entry(struct strbuf *sb, int indent, const char *id, const char *login,
                       const char *org)
{
    sb_addf(sb, "%*s- id: %s\n", indent, "", id);
    sb_addf(sb, "%*slogin: ", indent + 2, "");
    yaml_quoted(sb, login);
    sb_addf(sb, "\n%*sname: ", indent + 2, "");
    struct strbuf name = STRBUF_INIT;
    sb_addf(&name, "Demo administrator (%s)", login);
    yaml_quoted(sb, sb_str(&name));
    sb_free(&name);
    sb_addf(sb, "\n%*sorganisation: %s\n", indent + 2, "", org);
    sb_addf(sb, "%*srole: admin\n%*sglobal: true\n", indent + 2, "", indent + 2, "");
    sb_addf(sb, "%*saccess: [school_level, pupil_level, collaborate]\n", indent + 2, "");
}

/* Indentation of the first list item after `users:` (2 when none). */
static int item_indent(const char *after)
{
    for (const char *p = after; *p; ) {
        const char *eol = strchr(p, '\n');
        size_t sp = strspn(p, " ");
        if (p[sp] == '-')
            return (int)sp;
        if (p[sp] != '\n' && p[sp] != '#' && p[sp] != '\0')
            break;
        if (!eol)
            break;
        p = eol + 1;
    }
    return 2;
}

/* Insert the demo user as the first item of the top-level `users:` list. */
static int add_user_text(const char *path, const char *id, const char *login,
                         const char *org, struct collab_err *err)
{
    char *text = util_read_file(path);
    if (!text)
        return collab_err_set(err, "%s: %s", path, strerror(errno));
    struct strbuf out = STRBUF_INIT;
    const char *users = strncmp(text, "users:", 6) == 0 ? text : strstr(text, "\nusers:");
    if (users && *users == '\n')
        users++;
    if (users) {
        const char *eol = strchr(users, '\n');
        size_t head = eol ? (size_t)(eol + 1 - text) : strlen(text);
        if (strspn(users + 6, " ") != strcspn(users + 6, "\n#")) {
            free(text);
            return collab_err_set(err, "%s: cannot add the demo user to a flow-style "
                                  "users list", path);
        }
        sb_addn(&out, text, head);
        if (!eol)
            sb_addc(&out, '\n');
        user_entry(&out, item_indent(text + head), id, login, org);
        sb_add(&out, text + head);
    } else {
        sb_add(&out, text);
        if (out.len && out.buf[out.len - 1] != '\n')
            sb_addc(&out, '\n');
        sb_add(&out, "users:\n");
        user_entry(&out, 2, id, login, org);
    }
    free(text);
    char *tmp = NULL;
    int fd = util_safe_create(path, 0600, &tmp);
    FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
    int rc = fp && fputs(sb_str(&out), fp) >= 0 ? 0 : -1;
    if (fp && fclose(fp) != 0)
        rc = -1;
    if (!fp && fd >= 0)
        close(fd);
    if (fd >= 0)
        rc = rc == 0 ? util_safe_commit(tmp, path) : (unlink(tmp), -1);
    free(tmp);
    sb_free(&out);
    return rc == 0 ? 0 : collab_err_set(err, "%s: cannot write", path);
}

static const struct cfg_org *demo_org(const struct cfg *cfg)
{
    for (size_t i = 0; i < cfg->norgs; i++)
        if (cfg->orgs[i].kind == CFG_ORG_LA)
            return &cfg->orgs[i];
    for (size_t i = 0; i < cfg->norgs; i++)
        if (cfg->orgs[i].kind != CFG_ORG_SCHOOL)
            return &cfg->orgs[i];
    return NULL;
}

/* Make the person running the demo an admin of the owning LA, unless their
 * login is already a user of the sample. */
static int add_demo_user(const char *config, struct collab_err *err)
{
    struct cfg cfg;
    if (cfg_load_dir(config, &cfg, err) != 0)
        return -1;
    const char *login = audit_real_login();
    int rc = 0;
    if (!*login)
        rc = collab_err_set(err, "cannot tell who you are (no passwd entry for your uid)");
    else if (!cfg_user_by_login(&cfg, login)) {
        const struct cfg_org *org = demo_org(&cfg);
        char id[64] = "demo-admin";
        for (int i = 2; cfg_user(&cfg, id); i++)
            snprintf(id, sizeof id, "demo-admin-%d", i);
        char *path = util_path_join(config, "groups.yaml");
        rc = org ? add_user_text(path, id, login, org->id, err)
                 : collab_err_set(err, "%s: no organisation for the demo user", path);
        free(path);
    }
    cfg_free(&cfg);
    return rc;
}

static void print_problems(const struct imp_report *rep)
{
    for (size_t i = 0; i < rep->shown; i++)
        fprintf(stderr, "%s\n", rep->problems[i]);
}

/* Import the sample file at path as kind_name; a file the sample lacks is
 * skipped. */
static int import_file(sqlite3 *db, const char *path, const char *kind_name,
                       const struct imp_opts *opts, struct collab_err *err)
{
    enum imp_kind kind;
    if (access(path, R_OK) != 0 || imp_kind_parse(kind_name, &kind) != 0)
        return 0;
    struct imp_report rep;
    memset(&rep, 0, sizeof rep);
    int rc = imp_import_file_opts(db, kind, path, path, opts, &rep, err);
    if (rc != 0)
        print_problems(&rep);
    imp_report_free(&rep);
    return rc;
}

static int import_one(sqlite3 *db, const char *sample, const char *kind_name,
                      struct collab_err *err)
{
    struct strbuf file = STRBUF_INIT;
    sb_addf(&file, "%s/%s.csv", sample, kind_name);
    int rc = import_file(db, sb_str(&file), kind_name, NULL, err);
    sb_free(&file);
    return rc;
}

/* The DfE's published 2019 school-level files (sample-data/dfe/, trimmed
 * copies): England's schools for percentiles and similar schools, and the
 * Camden group's real figures; and England's figures per pupil group of
 * 2017 and 2018, the national comparators of a filtered view. A sample
 * without them builds without. */
static const struct { const char *kind, *file; int year; } dfe_files[] = {
    { "dfe-ks4", "england_ks4provisional.csv", 2019 },
    { "dfe-census", "england_census.csv", 2019 },
    { "dfe-absence", "england_abs.csv", 2019 },
    { "dfe-ks4", "england_ks4_groups_2017.csv", 2017 },
    { "dfe-ks4", "england_ks4_groups_2018.csv", 2018 },
};

static int import_dfe(sqlite3 *db, const char *sample, size_t i, struct collab_err *err)
{
    const struct imp_opts opts = { .year = dfe_files[i].year };
    struct strbuf file = STRBUF_INIT;
    sb_addf(&file, "%s/dfe/%s", sample, dfe_files[i].file);
    int rc = import_file(db, sb_str(&file), dfe_files[i].kind, &opts, err);
    sb_free(&file);
    return rc;
}

static int import_sample(const char *sample, const char *db_path, struct collab_err *err)
{
    cli_remove_store(db_path);
    sqlite3 *db = store_open(db_path, STORE_SOURCE, STORE_CREATE, err);
    if (!db)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof sample_kinds / sizeof sample_kinds[0]; i++)
        rc = import_one(db, sample, sample_kinds[i], err);
    for (size_t i = 0; rc == 0 && i < sizeof dfe_files / sizeof dfe_files[0]; i++)
        rc = import_dfe(db, sample, i, err);
    store_close(db);
    return rc;
}

/* The demo is a single-user set-up (DESIGN.md section 3): its stores are
 * its user's alone, so the sample's unix groups are not applied even where
 * this machine has groups of those names, whose members would otherwise
 * read the demo's files. groups.yaml keeps them, to show the format. */
static void drop_unix_groups(struct cfg *cfg)
{
    for (size_t i = 0; i < cfg->norgs; i++) {
        free(cfg->orgs[i].unix_group);
        free(cfg->orgs[i].pupil_unix_group);
        cfg->orgs[i].unix_group = NULL;
        cfg->orgs[i].pupil_unix_group = NULL;
    }
    for (size_t i = 0; i < cfg->ngroups; i++) {
        free(cfg->groups[i].unix_group);
        cfg->groups[i].unix_group = NULL;
    }
}

/* Terms of sample self-evaluation: the three before the current one, so
 * the Evaluation pane opens on the last of them and this term is left for
 * the user to fill in. */
#define SAMPLE_EVAL_TERMS 3
#define SAMPLE_EVAL_SEED 24

/* A partnership's self-evaluation of past terms, for each `schools` group
 * (the partnerships whose schools evaluate together; the sample's la_only
 * groups and the DfE's real Camden schools get none), by its schools still
 * in it today. */
static int seed_evaluation(const struct cfg *cfg, const char *data, struct collab_err *err)
{
    char current[EVAL_TERM_MAX], terms[SAMPLE_EVAL_TERMS][EVAL_TERM_MAX], today[16];
    const char *term_list[SAMPLE_EVAL_TERMS], *later = current;
    eval_term_current(current, sizeof current);
    for (int i = SAMPLE_EVAL_TERMS - 1; i >= 0; i--) {
        eval_term_before(later, terms[i], EVAL_TERM_MAX);
        later = term_list[i] = terms[i];
    }
    access_today(today, sizeof today);
    const struct cfg_user *admin = cfg_user_by_login(cfg, audit_real_login());
    int rc = 0;
    for (size_t i = 0; rc == 0 && admin && i < cfg->ngroups; i++) {
        const struct cfg_group *g = &cfg->groups[i];
        if (g->visibility != CFG_VIS_SCHOOLS)
            continue;
        long *urns = util_xcalloc(g->nschools + 1, sizeof *urns);
        size_t n = 0;
        for (size_t s = 0; s < g->nschools; s++)
            if (!cfg_school_withdrawn(cfg, g, g->schools[s], today))
                urns[n++] = g->schools[s];
        struct eval_entry *e;
        size_t ne = gen_eval_entries(&cfg->eval, urns, n, term_list, SAMPLE_EVAL_TERMS,
                                     SAMPLE_EVAL_SEED, &e);
        struct eval_ctx ctx = { cfg, g, admin, data, audit_real_login() };
        rc = eval_save_sample(&ctx, e, ne, err);
        eval_entries_free(e, ne);
        free(urns);
    }
    return rc;
}

static int publish_sample(const char *config, const char *db_path, const char *data,
                          struct collab_err *err)
{
    struct cfg cfg;
    if (cfg_load_dir(config, &cfg, err) != 0)
        return -1;
    drop_unix_groups(&cfg);
    struct publish_opts opts = { .db_path = db_path, .data_dir = data };
    struct publish_result res;
    memset(&res, 0, sizeof res);
    int rc = publish_run(&cfg, &opts, &res, err);
    if (rc == 0 && (rc = seed_evaluation(&cfg, data, err)) != 0)
        collab_err_prefix(err, "the sample self-evaluation");
    if (res.nwarnings)
        cli_error("warning: %s%s", res.warnings[0],
                  res.nwarnings > 1 ? " (and similar warnings for other files)" : "");
    publish_result_free(&res);
    cfg_free(&cfg);
    return rc;
}

struct demo_paths {
    char *dir, *config, *db, *data;
};

static int build(const struct demo_paths *p, struct collab_err *err)
{
    char *sample = cli_sample_dir();
    if (!sample)
        return collab_err_set(err, "the sample data set (sample-data/) is not installed; "
                              "set COLLAB_SAMPLE_DIR");
    char *sample_config = util_path_join(sample, "config");
    int rc = 0;
    if (util_mkdir_p(p->dir, 0700) != 0)
        rc = collab_err_set(err, "%s: cannot create: %s", p->dir, strerror(errno));
    if (rc == 0)
        rc = copy_tree(sample_config, p->config, err);
    if (rc == 0)
        rc = add_demo_user(p->config, err);
    if (rc == 0 && (rc = import_sample(sample, p->db, err)) != 0)
        collab_err_prefix(err, "importing the sample");
    if (rc == 0 && (rc = publish_sample(p->config, p->db, p->data, err)) != 0)
        collab_err_prefix(err, "publishing the sample");
    free(sample_config);
    free(sample);
    return rc;
}

/* at_default: built where a plain `collab report` finds it (cli_common.c,
 * or_demo), so the hint needs no options. user: act as that user. */
static int open_or_print(const struct demo_paths *p, int at_default, const char *user)
{
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
        char *argv[] = { "tui", "--data", p->data, "--config", p->config, "--user",
                         (char *)user, NULL };
        return cli_tui(user ? 7 : 5, argv);
    }
    const char *u = user ? " --user " : "";
    if (at_default)
        printf("demo stores in %s; try: collab report%s%s overview\n", p->data, u,
               user ? user : "");
    else
        printf("demo stores in %s; try: collab report --data %s --config %s%s%s overview\n",
               p->data, p->data, p->config, u, user ? user : "");
    return COLLAB_EXIT_OK;
}

/* The sample's users, "asha, lee, ...", for a name that is not one. */
static int unknown_user(const char *config, const char *user)
{
    struct cfg cfg;
    struct collab_err err = { .set = 0 };
    if (cfg_load_dir(config, &cfg, &err) != 0)
        return cli_fail(&err);
    int found = cfg_user(&cfg, user) != NULL;
    if (!found) {
        char *ids = cfg_user_ids(&cfg);
        cli_error("demo: no user '%s' in the sample (users: %s)", user, ids);
        free(ids);
    }
    cfg_free(&cfg);
    return found ? 0 : COLLAB_EXIT_USER;
}

int cli_demo(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n", usage);
        return COLLAB_EXIT_OK;
    }
    struct demo_paths p = { NULL, NULL, NULL, NULL };
    const char *user = NULL, *dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char **slot = strcmp(argv[i], "--data") == 0 ? &dir
                          : strcmp(argv[i], "--user") == 0 ? &user : NULL;
        if (!slot || i + 1 >= argc)
            return cli_usage(usage);
        *slot = argv[++i];
    }
    if (dir)
        p.dir = util_xstrdup(dir);
    else {
        char *xdg = util_xdg_dir("DATA");
        if (!xdg) {
            cli_error("HOME is not set: give the demo a place with --data DIR");
            return COLLAB_EXIT_USER;
        }
        p.dir = util_path_join(xdg, "demo");
        free(xdg);
    }
    p.config = util_path_join(p.dir, "config");
    p.db = util_path_join(p.dir, "source.db");
    p.data = util_path_join(p.dir, "data");
    struct collab_err err = { .set = 0 };
    /* a wrong name is told at once, from the sample, not after a build
     * (the demo's own administrator is added by the build) */
    char *sample = user && strncmp(user, "demo-admin", 10) != 0 ? cli_sample_dir() : NULL;
    char *sample_config = sample ? util_path_join(sample, "config") : NULL;
    int status = sample_config && unknown_user(sample_config, user) != 0 ? COLLAB_EXIT_USER
               : build(&p, &err) != 0 ? cli_fail(&err)
               : user && unknown_user(p.config, user) != 0 ? COLLAB_EXIT_USER
               : open_or_print(&p, !dir, user);
    free(sample);
    free(sample_config);
    free(p.dir);
    free(p.config);
    free(p.db);
    free(p.data);
    return status;
}
