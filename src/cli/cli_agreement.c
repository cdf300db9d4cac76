/* `collab agreement --group G`: the data-sharing agreement of a group, filled
 * in from groups.yaml (members, lead contact, consent, policy) and the DfE
 * numbers of the member schools (the group store, else the source store),
 * as plain text ready to send to headteachers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collab/access.h"
#include "collab/cli.h"
#include "collab/config.h"
#include "collab/store.h"
#include "collab/util.h"

static const char usage[] =
    "collab agreement --group ID [--config DIR] [--data DIR] [--db FILE]";

struct agreement_args {
    const char *group, *config, *data, *db;
};

/* DfE numbers by URN, read from whichever store has them. */
struct dfe_numbers {
    long *urn, *dfe;
    size_t n;
};

static void read_dfe(const char *path, enum store_kind kind, struct dfe_numbers *d)
{
    struct collab_err ignored = { .set = 0 };
    sqlite3 *db = store_open(path, kind, STORE_READONLY, &ignored);
    if (!db)
        return;
    sqlite3_stmt *st = store_prepare(db, "SELECT urn, dfe_number FROM school "
                                     "WHERE dfe_number IS NOT NULL", &ignored);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        d->urn = util_xrealloc(d->urn, (d->n + 1) * sizeof *d->urn);
        d->dfe = util_xrealloc(d->dfe, (d->n + 1) * sizeof *d->dfe);
        d->urn[d->n] = (long)sqlite3_column_int64(st, 0);
        d->dfe[d->n++] = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    store_close(db);
}

static long dfe_of(const struct dfe_numbers *d, long urn)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->urn[i] == urn)
            return d->dfe[i];
    return 0;
}

static const char *org_name(const struct cfg *cfg, const char *id)
{
    const struct cfg_org *o = id ? cfg_org(cfg, id) : NULL;
    return o ? o->name : (id ? id : "(none)");
}

static void print_heading(const char *text)
{
    printf("\n%s\n", text);
    for (size_t i = 0; text[i]; i++)
        putchar('-');
    putchar('\n');
}

static void print_parties(const struct cfg *cfg, const struct cfg_group *g)
{
    const struct cfg_org *owner = cfg_org(cfg, g->owner);
    printf("DATA-SHARING AGREEMENT\n%s (group '%s')\n", g->name, g->id);
    if (g->description)
        printf("%s\n", g->description);
    print_heading("1. Who is responsible");
    printf("Owner: %s\n", owner ? owner->name : g->owner);
    printf("Lead contact: %s\n",
           owner && owner->contact ? owner->contact : "(not named in groups.yaml)");
}

/* "signed 2024-09-10 by H. Kowalski, Headteacher", "withdrawn on ...", ... */
static void consent_text(const struct cfg_consent *c, const char *today, char *buf,
                         size_t size)
{
    if (!c || !c->signed_date || !*c->signed_date)
        snprintf(buf, size, "MISSING: not yet signed");
    else if (c->withdrawn_date && strcmp(c->withdrawn_date, today) <= 0)
        snprintf(buf, size, "WITHDRAWN on %s (signed %s by %s)", c->withdrawn_date,
                 c->signed_date, c->signatory ? c->signatory : "unknown");
    else if (c->withdrawn_date)
        snprintf(buf, size, "signed %s by %s; withdrawal takes effect %s", c->signed_date,
                 c->signatory ? c->signatory : "unknown", c->withdrawn_date);
    else
        snprintf(buf, size, "signed %s by %s", c->signed_date,
                 c->signatory ? c->signatory : "unknown");
}

static void print_members(const struct cfg *cfg, const struct cfg_group *g,
                          const struct dfe_numbers *d, const char *today)
{
    print_heading("2. Member schools and their consent");
    printf("%-44s %8s  %-9s  %s\n", "School", "URN", "DfE no.", "Consent");
    for (size_t i = 0; i < g->nschools; i++) {
        const struct cfg_org *o = cfg_school_org(cfg, g->schools[i]);
        char dfe[24], consent[256];
        long n = dfe_of(d, g->schools[i]);
        snprintf(dfe, sizeof dfe, n ? "%ld" : "unknown", n);
        consent_text(cfg_consent(cfg, g->schools[i]), today, consent, sizeof consent);
        printf("%-44s %8ld  %-9s  %s\n", o ? o->name : "(unnamed school)", g->schools[i],
               dfe, consent);
    }
    if (g->visibility == CFG_VIS_LA_ONLY) {
        printf("\nThis group is seen by %s only, never by the schools, so the\n"
               "schools' consent is recorded but not required for it.\n",
               org_name(cfg, g->owner));
        return;
    }
    char *missing = access_missing_consent(cfg, g);
    if (missing)
        printf("\nUntil every school has signed, only %s sees this group.\n"
               "Still to sign: %s.\n", org_name(cfg, g->owner), missing);
    else
        printf("\nEvery member school has signed: the group is shared with their staff.\n");
    free(missing);
}

static void print_readers(const struct cfg *cfg, const struct cfg_group *g)
{
    print_heading("3. Who sees the shared figures");
    printf("People listed on the group:\n");
    for (size_t i = 0; i < g->nusers; i++) {
        const struct cfg_user *u = cfg_user(cfg, g->users[i]);
        if (u)
            printf("  - %s (%s), %s%s\n", u->name ? u->name : u->id,
                   org_name(cfg, u->org), u->school_level ? "school by school"
                                                           : "group figures only",
                   u->pupil_level ? "; own school's pupils too" : "");
    }
    printf("and the staff of %s who see all of its groups.\n", org_name(cfg, g->owner));
}

static void print_terms(const struct cfg_group *g)
{
    print_heading("4. What is shared");
    printf("- For each school, year, subject and pupil group (such as disadvantaged,\n"
           "  EAL, SEN, girls, boys): the number of pupils and totals from which\n"
           "  averages and percentages are worked out.\n"
           "- Each school's context: cohort size and the percentages of disadvantaged,\n"
           "  EAL and SEN pupils.\n"
           "- National averages to compare with.\n"
           "- Any figure about fewer than %d pupils is left out (shown as x), and so\n"
           "  is a second figure wherever the first could be worked out by\n"
           "  subtraction from a total.\n", g->policy.min_cohort);
    printf("- %s\n", g->policy.league_tables
               ? "Schools may be listed in order of their results (league tables on)."
               : "League tables are off: schools are always listed in a fixed order and\n"
                 "  never ranked by their results.");
    print_heading("5. What is not shared");
    printf("- No pupil's record, name or identifier ever leaves their own school.\n"
           "  Pupil-level data is kept in a separate file for each school, readable\n"
           "  only by that school's own staff who hold pupil-level access.\n"
           "- The group's file holds totals only; it has no pupil rows at all.\n"
           "- Every look at pupil-level data, every export of it and every refused\n"
           "  attempt is recorded in an audit log.\n");
}

static void print_withdrawal(const struct cfg *cfg, const struct cfg_group *g)
{
    const struct cfg_org *owner = cfg_org(cfg, g->owner);
    print_heading("6. How to withdraw");
    printf("A school may withdraw at any time by telling the lead contact\n"
           "(%s) in writing. The withdrawal is recorded with its date;\n"
           "from that date the next publication leaves the school out of every group\n"
           "shared with schools, its figures are no longer shared, and its staff no\n"
           "longer see the other schools' figures. Members see the change the next\n"
           "time they open the group.\n",
           owner && owner->contact ? owner->contact : org_name(cfg, g->owner));
    print_heading("7. Signature");
    printf("School: ____________________________  URN: __________\n"
           "Signed (headteacher or chair of governors): ____________________\n"
           "Name: ____________________________  Date: __________\n");
}

static int parse_args(int argc, char **argv, struct agreement_args *a)
{
    memset(a, 0, sizeof *a);
    const struct cli_option opts[] = {
        { "--group", &a->group }, { "--config", &a->config }, { "--data", &a->data },
        { "--db", &a->db },
    };
    for (int i = 1; i < argc; i++) {
        const char **slot = cli_option_slot(opts, sizeof opts / sizeof opts[0], argv[i]);
        if (!slot || i + 1 >= argc) {
            cli_error("unknown or incomplete option '%s'", argv[i]);
            return -1;
        }
        *slot = argv[++i];
    }
    if (!a->group) {
        cli_error("--group is required");
        return -1;
    }
    return 0;
}

static void load_dfe(const struct agreement_args *a, const char *group_id,
                     struct dfe_numbers *d)
{
    char *data = a->data ? util_xstrdup(a->data) : cli_default_data();
    char *path = store_group_path(data, group_id);
    read_dfe(path, STORE_GROUP, d);
    free(path);
    free(data);
    /* The group store leaves out a school that withdrew: ask the source too. */
    char *db = a->db ? util_xstrdup(a->db) : cli_default_db();
    read_dfe(db, STORE_SOURCE, d);
    free(db);
}

int cli_agreement(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n", usage);
        return COLLAB_EXIT_OK;
    }
    struct agreement_args a;
    if (parse_args(argc, argv, &a) != 0)
        return cli_usage(usage);
    struct cfg cfg;
    int rc = cli_load_config(a.config, &cfg);
    if (rc != 0)
        return rc;
    const struct cfg_group *g = cfg_group(&cfg, a.group);
    if (!g) {
        cli_error("no group '%s' in groups.yaml", a.group);
        cfg_free(&cfg);
        return COLLAB_EXIT_USER;
    }
    struct dfe_numbers d = { NULL, NULL, 0 };
    load_dfe(&a, g->id, &d);
    char today[16];
    access_today(today, sizeof today);
    print_parties(&cfg, g);
    print_members(&cfg, g, &d, today);
    print_readers(&cfg, g);
    print_terms(g);
    print_withdrawal(&cfg, g);
    free(d.urn);
    free(d.dfe);
    cfg_free(&cfg);
    return fflush(stdout) == 0 ? COLLAB_EXIT_OK : COLLAB_EXIT_USER;
}
