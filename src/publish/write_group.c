/* Filling a group store: the aggregate passes over the source, school
 * context, comparators and the mirrors of the config. Runs on the source
 * connection with the new group store attached as "g"; every name is
 * qualified (main. or g.) because both files have tables of the same names. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collab/import_dfe.h"
#include "collab/store.h"
#include "collab/util.h"
#include "publish_internal.h"

/* Pupil columns a filter may name, and the SQL reading them as text. */
static const struct { const char *column; const char *sql; } filter_columns[] = {
    { "fsm6", "CAST(p.fsm6 AS TEXT)" },
    { "eal", "CAST(p.eal AS TEXT)" },
    { "cla", "CAST(p.cla AS TEXT)" },
    { "sen", "p.sen" },
    { "gender", "p.gender" },
    { "prior_band", "p.prior_band" },
};

static const char *const level_names[] = {
    [CFG_LEVEL_PUPIL] = "pupil", [CFG_LEVEL_RESULT] = "result",
    [CFG_LEVEL_ATTENDANCE] = "attendance",
};
static const char *const aggregate_names[] = {
    [CFG_AGG_MEAN] = "mean", [CFG_AGG_PERCENT] = "percent", [CFG_AGG_RATE] = "rate",
    [CFG_AGG_SUM] = "sum", [CFG_AGG_COUNT] = "count",
};
static const char *const polarity_names[] = {
    [CFG_HIGHER_BETTER] = "higher", [CFG_LOWER_BETTER] = "lower",
    [CFG_NEUTRAL] = "neutral",
};
static const char *const signif_names[] = {
    [CFG_SIG_NONE] = "none", [CFG_SIG_NATIONAL_SD] = "national_sd",
    [CFG_SIG_BINOMIAL] = "binomial", [CFG_SIG_PUPIL_SD] = "pupil_sd",
};

/* One aggregate table and the indicators it carries. */
struct pass {
    const char *table;          /* "agg_pupil" or "agg_subject" */
    int by_subject;
    const struct cfg_indicator **inds;
    size_t nind;
};

static int exec(sqlite3 *db, const char *sql, struct collab_err *err)
{
    if (store_exec(db, sql, err) != 0)
        return collab_err_prefix(err, "publish");
    return 0;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, struct collab_err *err)
{
    sqlite3_stmt *st = store_prepare(db, sql, err);
    if (!st)
        collab_err_prefix(err, "publish");
    return st;
}

static int step_done(sqlite3 *db, sqlite3_stmt *st, struct collab_err *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return collab_err_set(err, "publish: cannot write group store: %s",
                              sqlite3_errmsg(db));
    return 0;
}

/* SQLITE_STATIC: the strings are the config's and outlive the step, and a
 * static bind cannot fail for want of memory (a TRANSIENT copy can, and the
 * row would then be written with a NULL instead; step_done clears bindings). */
static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Identifiers reach SQL only after this check, whatever the loader did. */
static int safe_ident(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z'))
        return 0;
    for (size_t i = 0; s[i]; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_') ||
            i >= 32)
            return 0;
    return 1;
}

static void members_sql(const struct pub_group *pg, struct strbuf *sb)
{
    sb_add(sb, "(");
    if (pg->nschools == 0)
        sb_add(sb, "NULL");
    for (size_t i = 0; i < pg->nschools; i++)
        sb_addf(sb, "%s%ld", i ? "," : "", pg->schools[i].urn);
    sb_add(sb, ")");
}

static int create_agg_table(sqlite3 *db, const struct pass *ps, struct collab_err *err)
{
    struct strbuf sb = STRBUF_INIT;
    sb_addf(&sb, "CREATE TABLE g.%s(scope INTEGER, year INTEGER, %s, fkey INTEGER, "
            "n INTEGER NOT NULL", ps->table,
            ps->by_subject ? "subject TEXT" : "key_stage INTEGER");
    for (size_t i = 0; i < ps->nind; i++) {
        const char *id = ps->inds[i]->id;
        sb_addf(&sb, ", %s_n INTEGER, %s_s1 REAL, %s_s2 REAL", id, id, id);
        if (ps->inds[i]->aggregate == CFG_AGG_RATE)
            sb_addf(&sb, ", %s_v REAL", id);
    }
    sb_addf(&sb, ", PRIMARY KEY (scope, year, %s, fkey)) WITHOUT ROWID",
            ps->by_subject ? "subject" : "key_stage");
    int rc = exec(db, sb_str(&sb), err);
    sb_free(&sb);
    return rc;
}

static int filter_sql(const struct cfg_filter *f, struct strbuf *sb, struct collab_err *err)
{
    for (size_t i = 0; i < sizeof filter_columns / sizeof filter_columns[0]; i++)
        if (strcmp(f->column, filter_columns[i].column) == 0) {
            sb_addf(sb, ", %s", filter_columns[i].sql);
            return 0;
        }
    return collab_err_set(err, "publish: filter %s: column '%s' is not a pupil "
                          "column a filter can use", f->id, f->column);
}

/* The one ordered SELECT of a pass: block key, school, filter values as text,
 * then per indicator its value (and for a rate its denominator). */
static int pass_sql(const struct pub_group *pg, const struct pass *ps,
                    struct strbuf *sb, struct collab_err *err)
{
    const struct cfg *cfg = pg->cfg;
    sb_addf(sb, "SELECT p.school, p.year, %s", ps->by_subject ? "r.subject" : "p.key_stage");
    for (size_t d = 0; d < cfg->nfilters; d++)
        if (filter_sql(&cfg->filters[d], sb, err) != 0)
            return -1;
    for (size_t i = 0; i < ps->nind; i++) {
        const struct cfg_indicator *ind = ps->inds[i];
        sb_addf(sb, ", CASE WHEN p.key_stage = %d THEN ", ind->key_stage);
        expr_to_sql(ind->expr, sb);
        sb_add(sb, " END");
        if (ind->aggregate == CFG_AGG_RATE) {
            sb_addf(sb, ", CASE WHEN p.key_stage = %d THEN ", ind->key_stage);
            if (ind->per)
                expr_to_sql(ind->per, sb);
            else
                sb_add(sb, "NULL");
            sb_add(sb, " END");
        }
    }
    if (ps->by_subject)
        sb_add(sb, " FROM main.result r JOIN main.pupil p ON p.id = r.pupil"
               " JOIN main.subject s ON s.code = r.subject");
    else
        sb_add(sb, " FROM main.pupil p");
    sb_add(sb, " LEFT JOIN main.pupil_ks4 k ON k.pupil = p.id"
           " LEFT JOIN main.pupil_ks2 q ON q.pupil = p.id"
           " LEFT JOIN main.attendance a ON a.pupil = p.id WHERE p.school IN ");
    members_sql(pg, sb);
    sb_addf(sb, " ORDER BY p.year, %s, p.school, p.id",
            ps->by_subject ? "r.subject" : "p.key_stage");
    return 0;
}

size_t pub_group_scope(const struct pub_group *pg, long urn)
{
    size_t lo = 0, hi = pg->nschools;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pg->schools[mid].urn < urn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pg->nschools && pg->schools[lo].urn == urn ? lo + 1 : 0;
}

/* The state of a pass while rows stream in. */
struct pass_run {
    sqlite3 *db;
    struct pub_group *pg;
    const struct pass *ps;
    struct pub_block block;
    sqlite3_stmt *ins;
    sqlite3_stmt *subj;         /* g.subject from main.subject, by code */
    int year;
    char *key;                  /* key stage or subject of the open block */
    uint64_t *entries;          /* shared_note's buffer */
    size_t nentries, capentries;
};

/* The sum of squares expanded into the accumulated sums of m^2, p^2 and
 * m p (publish.h). */
double publish_rate_variance(double n, double s1, double s2, double q11, double q22,
                             double q12)
{
    if (n < 2 || s2 <= 0)
        return 0;
    double R = s1 / s2, ss = q11 - 2 * R * q12 + R * R * q22;
    return 1e4 * n / (n - 1) * (ss > 0 ? ss : 0) / (s2 * s2);
}

static double rate_variance(const double *t)
{
    return publish_rate_variance(t[PUB_N], t[PUB_S1], t[PUB_S2], t[PUB_Q11], t[PUB_Q22],
                                 t[PUB_Q12]);
}

static int write_cell(struct pass_run *pr, long urn, long fkey, const double *cell,
                      struct collab_err *err)
{
    sqlite3_stmt *st = pr->ins;
    const struct pass *ps = pr->ps;
    long min = pr->block.min_cohort;
    int col = 1;
    sqlite3_bind_int64(st, col++, urn);
    sqlite3_bind_int(st, col++, pr->year);
    if (ps->by_subject)
        sqlite3_bind_text(st, col++, pr->key, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int(st, col++, atoi(pr->key));
    sqlite3_bind_int64(st, col++, fkey);
    sqlite3_bind_int64(st, col++, (long)cell[0]);
    for (size_t i = 0; i < ps->nind; i++) {
        const double *t = cell + 1 + PUB_IND_WIDTH * i;
        int rate = ps->inds[i]->aggregate == CFG_AGG_RATE;
        if ((long)t[PUB_N] < min) {
            col += 3 + rate;
            continue;
        }
        sqlite3_bind_int64(st, col++, (long)t[PUB_N]);
        sqlite3_bind_double(st, col++, t[PUB_S1]);
        sqlite3_bind_double(st, col++, t[PUB_S2]);
        if (rate)
            sqlite3_bind_double(st, col++, rate_variance(t));
    }
    pr->pg->cells++;
    return step_done(pr->db, st, err);
}

/* A cell's key in the cube of every filter with its unknown choice: a
 * group's cube lacks the unknown choice only where none of its pupils has
 * it, so the same cell of a school has this key in every group. */
static uint64_t shared_entry(const struct publish_cube *c, long fkey, int ind)
{
    uint64_t key = 0, stride = 1;
    for (int d = 0; d < c->ndims; d++) {
        key += (uint64_t)publish_cube_choice(c, fkey, d) * stride;
        stride *= (uint64_t)(c->radix[d] + !c->unknown[d]);
    }
    return key << 16 | (uint64_t)(ind + 1);
}

/* The cell of c an entry names, and its indicator (-1: the cell); -1 when
 * c has no such cell. */
static long shared_fkey(const struct publish_cube *c, uint64_t e, int *ind)
{
    uint64_t key = e >> 16;
    long fkey = 0;
    *ind = (int)(e & 0xffff) - 1;
    for (int d = 0; d < c->ndims; d++) {
        uint64_t radix = (uint64_t)(c->radix[d] + !c->unknown[d]);
        int choice = (int)(key % radix);
        key /= radix;
        if (choice >= c->radix[d])
            return -1;
        fkey += choice * c->stride[d];
    }
    return fkey;
}

/* The cells (and indicators) other builds hid under key: forced hidden in
 * scope, or, for a subgroup's key (sub >= 0), known hidden in its store. */
static void take_entries(struct pass_run *pr, long key, size_t scope, long sub)
{
    size_t n;
    const uint64_t *e = pub_shared_get(pr->pg->shared, key, pr->ps->by_subject, pr->year,
                                       pr->key, &n);
    for (size_t k = 0; k < n; k++) {
        int ind;
        long fkey = shared_fkey(pr->block.cube, e[k], &ind);
        if (fkey < 0 || ind >= (int)pr->ps->nind)
            continue;
        if (sub < 0)
            pub_block_force(&pr->block, scope, fkey, ind);
        else if (ind < 0)
            pub_block_sub_hidden(&pr->block, (size_t)sub, fkey);
        else
            pub_block_sub_ind_hidden(&pr->block, (size_t)sub, fkey, ind);
    }
}

/* Hide in this block what another group hides of the schools it shares,
 * and of this group's own cells what a supergroup's relations hid; and
 * know what the subgroups hide in theirs. */
static void shared_force(struct pass_run *pr)
{
    const struct pub_group *pg = pr->pg;
    if (!pg->shared)
        return;
    take_entries(pr, pg->key, 0, -1);
    for (size_t g = 0; g < pg->nsubs; g++)
        take_entries(pr, pg->subs[g].key, 0, (long)g);
    for (size_t s = 0; s < pg->nschools; s++)
        if (pg->schools[s].shared)
            take_entries(pr, pg->schools[s].urn, s + 1, -1);
}

static void entry_add(struct pass_run *pr, uint64_t e)
{
    if (pr->nentries == pr->capentries) {
        pr->capentries = pr->capentries ? 2 * pr->capentries : 256;
        pr->entries = util_xrealloc(pr->entries, pr->capentries * sizeof *pr->entries);
    }
    pr->entries[pr->nentries++] = e;
}

/* Tell the other groups what this block hid of the group's own cells and
 * the subgroups' (for the relations between them) beyond what their counts
 * alone hide. */
static void shared_note_groups(struct pass_run *pr)
{
    const struct pub_group *pg = pr->pg;
    const struct pub_block *b = &pr->block;
    size_t ncells = (size_t)b->cube->ncells;
    if (!pg->shared)
        return;
    pr->nentries = 0;
    for (size_t f = 0; f < ncells; f++) {
        if (b->sup[f] == PUBLISH_SUP_SECONDARY)
            entry_add(pr, shared_entry(b->cube, (long)f, -1));
        for (size_t i = 0; !b->sup[f] && i < b->nind; i++)
            if (b->group[f * b->width + 1 + PUB_IND_WIDTH * i] < 0)
                entry_add(pr, shared_entry(b->cube, (long)f, (int)i));
    }
    pub_shared_add(pg->shared, pg->key, pr->ps->by_subject, pr->year, pr->key, pr->entries,
                   pr->nentries);
    for (size_t g = 0; g < pg->nsubs; g++) {
        pr->nentries = 0;
        for (size_t f = 0; f < ncells; f++) {
            if (b->sub_new[g * ncells + f])
                entry_add(pr, shared_entry(b->cube, (long)f, -1));
            for (size_t i = 0; i < b->nind; i++)
                if (b->sub_ind_new[(g * ncells + f) * b->nind + i])
                    entry_add(pr, shared_entry(b->cube, (long)f, (int)i));
        }
        pub_shared_add(pg->shared, pg->subs[g].key, pr->ps->by_subject, pr->year, pr->key,
                       pr->entries, pr->nentries);
    }
}

/* Tell the other groups what this block hid of the shared schools beyond
 * what their counts alone hide: the cells and the indicators of published
 * cells suppressed to protect others. */
static void shared_note(struct pass_run *pr)
{
    const struct pub_group *pg = pr->pg;
    const struct pub_block *b = &pr->block;
    size_t ncells = (size_t)b->cube->ncells, k = 0;
    if (pg->sink)
        return;
    shared_note_groups(pr);
    for (size_t scope = 1; pg->shared && scope <= pg->nschools; scope++) {
        if (!pg->schools[scope - 1].shared)
            continue;
        pr->nentries = 0;
        for (size_t f = 0; f < ncells; f++)
            if (b->sup[scope * ncells + f] == PUBLISH_SUP_SECONDARY)
                entry_add(pr, shared_entry(b->cube, (long)f, -1));
        for (; k < b->nkept && b->kept_scope[k] < scope; k++)
            ;
        for (; k < b->nkept && b->kept_scope[k] == scope; k++)
            for (size_t i = 0; i < b->nind; i++)
                if (b->kept_vals[k * b->width + 1 + PUB_IND_WIDTH * i] < 0 &&
                    !b->sup[scope * ncells + (size_t)b->kept_fkey[k]])
                    entry_add(pr, shared_entry(b->cube, b->kept_fkey[k], (int)i));
        pub_shared_add(pg->shared, pg->schools[scope - 1].urn, pr->ps->by_subject, pr->year,
                       pr->key, pr->entries, pr->nentries);
    }
}

/* Suppress the finished block and write it, scope 0 first, in key order. */
static int flush_block(struct pass_run *pr, struct collab_err *err)
{
    struct pub_block *b = &pr->block;
    if (!pr->key || !b->touched)
        return 0;
    shared_force(pr);
    pub_block_finish(b);
    shared_note(pr);
    if (pr->pg->decide_only)
        return 0;
    long ncells = b->cube->ncells;
    for (long f = 0; f < ncells; f++)
        if (b->n[f] > 0 && !b->sup[f] &&
            write_cell(pr, 0, f, b->group + (size_t)f * b->width, err) != 0)
            return -1;
    for (size_t k = 0; k < b->nkept; k++) {
        size_t scope = b->kept_scope[k];
        long f = b->kept_fkey[k];
        if (b->sup[scope * (size_t)ncells + (size_t)f])
            continue;
        if (write_cell(pr, pr->pg->schools[scope - 1].urn, f,
                       b->kept_vals + k * b->width, err) != 0)
            return -1;
    }
    return 0;
}

static int open_block(struct pass_run *pr, int year, const char *key, struct collab_err *err)
{
    if (flush_block(pr, err) != 0)
        return -1;
    pub_block_reset(&pr->block);
    free(pr->key);
    pr->key = util_xstrdup(key);
    pr->year = year;
    if (pr->subj) {
        sqlite3_bind_text(pr->subj, 1, key, -1, SQLITE_STATIC);
        return step_done(pr->db, pr->subj, err);
    }
    return 0;
}

/* The index of the filter value text v matches, or -1 (NULL or no match). */
static int value_index(const struct cfg_filter *f, const unsigned char *v)
{
    for (size_t k = 0; v && k < f->nvalues; k++)
        if (strcmp((const char *)v, f->values[k].match) == 0)
            return (int)k;
    return -1;
}

/* Turn one row of the pass into choices and indicator values, and add it. */
static void add_row(struct pass_run *pr, sqlite3_stmt *st, size_t scope, int *choice,
                    unsigned char *has, double *v1, double *v2)
{
    const struct cfg *cfg = pr->pg->cfg;
    int col = 3;
    for (size_t d = 0; d < cfg->nfilters; d++, col++)
        choice[d] = publish_cube_value(pr->block.cube, (int)d,
                                       value_index(&cfg->filters[d], sqlite3_column_text(st, col)));
    for (size_t i = 0; i < pr->ps->nind; i++) {
        const struct cfg_indicator *ind = pr->ps->inds[i];
        int null = sqlite3_column_type(st, col) == SQLITE_NULL;
        double x = sqlite3_column_double(st, col++);
        if (ind->aggregate == CFG_AGG_RATE) {
            null |= sqlite3_column_type(st, col) == SQLITE_NULL;
            v2[i] = sqlite3_column_double(st, col++);
        } else {
            v2[i] = x * x;
        }
        has[i] = !null;
        v1[i] = x;
    }
    pub_block_add(&pr->block, scope, choice, has, v1, v2);
}

static int run_pass(sqlite3 *db, struct pub_group *pg, const struct pass *ps,
                    const struct publish_cube *cube, struct collab_err *err)
{
    struct strbuf sql = STRBUF_INIT;
    struct pass_run pr = { .db = db, .pg = pg, .ps = ps };
    sqlite3_stmt *sel = NULL;
    int choice[PUBLISH_MAX_DIMS] = { 0 }, rc = -1;
    size_t nind = ps->nind ? ps->nind : 1;
    unsigned char *has = util_xcalloc(nind, 1);
    double *v1 = util_xcalloc(nind, sizeof(double));
    double *v2 = util_xcalloc(nind, sizeof(double));

    pub_block_init(&pr.block, cube, pg->nschools + 1, ps->nind, pg->group->policy.min_cohort);
    pub_block_subgroups(&pr.block, pg->subs, pg->nsubs);
    pr.block.protect_width = pg->group->policy.protection_width;
    if (pg->group->policy.protection_solver == CFG_SOLVER_LINEAR_PROGRAMME)
        pr.block.memo = pg->memo;
    sb_addf(&sql, "INSERT INTO g.%s VALUES (?,?,?,?,?", ps->table);
    for (size_t i = 0; i < ps->nind; i++)
        sb_add(&sql, ps->inds[i]->aggregate == CFG_AGG_RATE ? ",?,?,?,?" : ",?,?,?");
    sb_add(&sql, ")");
    if (!pg->decide_only && !(pr.ins = prepare(db, sb_str(&sql), err)))
        goto out;
    if (ps->by_subject && !pg->decide_only &&
        !(pr.subj = prepare(db, "INSERT OR IGNORE INTO g.subject(code, name, ebacc_pillar) "
                            "SELECT code, name, ebacc_pillar FROM main.subject WHERE code = ?", err)))
        goto out;
    sb_reset(&sql);
    if (pass_sql(pg, ps, &sql, err) != 0 || !(sel = prepare(db, sb_str(&sql), err)))
        goto out;
    int r;
    long rows = 0;
    while ((r = sqlite3_step(sel)) == SQLITE_ROW) {
        if ((++rows & (COLLAB_JOB_TICK - 1)) == 0)
            collab_job_progress(pg->job, pg->what, rows, 0, ps->by_subject ? "results"
                                : "pupils");
        int year = sqlite3_column_int(sel, 1);
        const char *key = (const char *)sqlite3_column_text(sel, 2);
        size_t scope = pub_group_scope(pg, sqlite3_column_int64(sel, 0));
        if (!key || scope == 0)
            continue;
        if ((!pr.key || year != pr.year || strcmp(key, pr.key) != 0) &&
            open_block(&pr, year, key, err) != 0)
            goto out;
        add_row(&pr, sel, scope, choice, has, v1, v2);
    }
    if (r != SQLITE_DONE) {
        collab_err_set(err, "publish: cannot read the source store: %s", sqlite3_errmsg(db));
        goto out;
    }
    rc = flush_block(&pr, err);
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(pr.ins);
    sqlite3_finalize(pr.subj);
    pub_block_free(&pr.block);
    free(pr.key);
    free(pr.entries);
    free(has);
    free(v1);
    free(v2);
    sb_free(&sql);
    return rc;
}

static int write_aggregates(sqlite3 *db, struct pub_group *pg,
                            const struct publish_cube *cube, struct collab_err *err)
{
    const struct cfg *cfg = pg->cfg;
    const struct cfg_indicator **pupil = util_xcalloc(cfg->nindicators + 1, sizeof *pupil);
    const struct cfg_indicator **result = util_xcalloc(cfg->nindicators + 1, sizeof *result);
    struct pass passes[2] = {
        { "agg_pupil", 0, pupil, 0 },
        { "agg_subject", 1, result, 0 },
    };
    int rc = -1;

    for (size_t i = 0; i < cfg->nindicators; i++) {
        const struct cfg_indicator *ind = &cfg->indicators[i];
        if (!safe_ident(ind->id) || !ind->expr) {
            collab_err_set(err, "publish: indicator '%s' cannot be published",
                           ind->id ? ind->id : "?");
            goto out;
        }
        struct pass *ps = &passes[ind->level == CFG_LEVEL_RESULT];
        ps->inds[ps->nind++] = ind;
    }
    for (int k = 0; k < 2; k++)
        if ((!pg->decide_only && create_agg_table(db, &passes[k], err) != 0) ||
            run_pass(db, pg, &passes[k], cube, err) != 0)
            goto out;
    rc = 0;
out:
    free(pupil);
    free(result);
    return rc;
}

/* The filter cube of the group: a dimension gets the unknown choice when a
 * member's pupil has no value of it (NULL, or text no value matches, judged
 * as add_row judges it). One scan of the members' pupils, DISTINCT over the
 * filter columns: a few hundred combinations at most. */
static int build_cube(sqlite3 *db, const struct pub_group *pg, struct publish_cube *cube,
                      struct collab_err *err)
{
    const struct cfg *cfg = pg->cfg;
    int nvalues[PUBLISH_MAX_DIMS] = { 0 };
    unsigned char unknown[PUBLISH_MAX_DIMS] = { 0 };
    struct strbuf sb = STRBUF_INIT;
    sqlite3_stmt *st = NULL;
    int rc = -1, r;

    if (cfg->nfilters > PUBLISH_MAX_DIMS)
        return collab_err_set(err, "publish: at most %d filters", PUBLISH_MAX_DIMS);
    if (cfg->nfilters == 0)
        return publish_cube_init(cube, nvalues, unknown, 0, err);
    sb_add(&sb, "SELECT DISTINCT NULL");
    for (size_t d = 0; d < cfg->nfilters; d++)
        if (filter_sql(&cfg->filters[d], &sb, err) != 0)
            goto out;
    sb_add(&sb, " FROM main.pupil p WHERE p.school IN ");
    members_sql(pg, &sb);
    if (!(st = prepare(db, sb_str(&sb), err)))
        goto out;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        for (size_t d = 0; d < cfg->nfilters; d++)
            if (value_index(&cfg->filters[d], sqlite3_column_text(st, (int)d + 1)) < 0)
                unknown[d] = 1;
    if (r != SQLITE_DONE) {
        collab_err_set(err, "publish: cannot read the source store: %s", sqlite3_errmsg(db));
        goto out;
    }
    for (size_t d = 0; d < cfg->nfilters; d++)
        nvalues[d] = (int)cfg->filters[d].nvalues;
    rc = publish_cube_init(cube, nvalues, unknown, (int)cfg->nfilters, err);
out:
    sqlite3_finalize(st);
    sb_free(&sb);
    return rc;
}

/* The national distribution of each DfE measure over England's
 * state-funded mainstream secondaries (docs/DFE.md, "Percentiles"): the
 * schools with a KS4 cohort that year whose type (NFTYPE) is neither
 * independent nor special, so that a secondary's absence is ranked among
 * secondaries, not primaries and special schools too. Distinct values with
 * their count and the running count, so the model can rank any figure
 * exactly without every school's row. */
static int write_dfe_dist(sqlite3 *db, struct collab_err *err)
{
    return exec(db, "CREATE TABLE g.dfe_dist(year INTEGER NOT NULL, measure TEXT NOT NULL,"
                " value REAL NOT NULL, n INTEGER NOT NULL, cum INTEGER NOT NULL,"
                " PRIMARY KEY (year, measure, value)) WITHOUT ROWID;"
                /* the same in every store: worked out once per publish */
                "CREATE TEMP TABLE IF NOT EXISTS publish_dfe_dist AS"
                " SELECT d.year, d.measure, d.value, count(*),"
                " sum(count(*)) OVER (PARTITION BY d.year, d.measure ORDER BY d.value)"
                " FROM main.dfe_school k"
                " JOIN main.dfe_school d ON d.year = k.year AND d.urn = k.urn"
                " LEFT JOIN main.dfe_school_info i ON i.urn = k.urn"
                " WHERE k.measure = 'ks4_pupils' AND k.value IS NOT NULL"
                /* urn + 0: a plain k.urn > 0 is carried over to d.urn as a range,
                 * and SQLite then scans d per row of k (half a minute, not 0.1 s) */
                "  AND k.urn + 0 > 0 AND d.value IS NOT NULL AND coalesce(i.nftype, '') NOT IN"
                "  ('IND', 'INDSPEC', 'ACCS', 'ACS', 'CYS', 'FDS', 'FS', 'NMSS')"
                " GROUP BY d.year, d.measure, d.value ORDER BY d.year, d.measure, d.value;"
                "INSERT INTO g.dfe_dist SELECT * FROM temp.publish_dfe_dist", err);
}

/* The intake of every school in England with a published KS4 cohort and
 * census figures, one row per school and year, so that similar schools can
 * be found nationally (the model standardises over these rows). SEN is
 * support plus EHC plans, as the schools view shows it; the cohort is the
 * KS4 file's TPUP. */
static int write_dfe_intake(sqlite3 *db, struct collab_err *err)
{
    return exec(db, "CREATE TABLE g.dfe_intake(year INTEGER NOT NULL, urn INTEGER NOT NULL,"
                " name TEXT, la_code INTEGER, fsm6_pct REAL NOT NULL, eal_pct REAL NOT NULL,"
                " sen_pct REAL NOT NULL, cohort INTEGER NOT NULL,"
                " PRIMARY KEY (year, urn)) WITHOUT ROWID;"
                "CREATE TEMP TABLE IF NOT EXISTS publish_dfe_intake AS"
                " SELECT d.year, d.urn, i.name, i.la_code,"
                " max(CASE WHEN d.measure = 'fsm6_pct' THEN d.value END) AS f,"
                " max(CASE WHEN d.measure = 'eal_pct' THEN d.value END) AS e,"
                " max(CASE WHEN d.measure = 'sen_support_pct' THEN d.value END)"
                "  + max(CASE WHEN d.measure = 'sen_ehc_pct' THEN d.value END) AS s,"
                " max(CASE WHEN d.measure = 'ks4_pupils' THEN d.value END) AS c"
                " FROM main.dfe_school d LEFT JOIN main.dfe_school_info i ON i.urn = d.urn"
                " WHERE d.urn > 0 AND d.value IS NOT NULL AND d.measure IN ('fsm6_pct',"
                " 'eal_pct', 'sen_support_pct', 'sen_ehc_pct', 'ks4_pupils')"
                " GROUP BY d.year, d.urn"
                " HAVING f IS NOT NULL AND e IS NOT NULL AND s IS NOT NULL AND c > 0"
                " ORDER BY d.year, d.urn;"
                "INSERT INTO g.dfe_intake SELECT * FROM temp.publish_dfe_intake", err);
}

/* The intake percentages of school_context: which pupils each counts (the
 * pupil column read as text, as a filter reads it, and the values that
 * count), for write_context to compute them and protect_context to judge
 * them by the same definition. */
static const struct {
    const char *pct;
    const char *column;
    const char *match[3];
} intake_counts[] = {
    { "fsm6_pct", "fsm6", { "1" } },
    { "eal_pct", "eal", { "1" } },
    { "sen_pct", "sen", { "K", "E" } },
};
#define NINTAKE (sizeof intake_counts / sizeof intake_counts[0])

static int write_context(sqlite3 *db, const struct pub_group *pg, struct collab_err *err)
{
    struct strbuf sb = STRBUF_INIT;
    long min = pg->group->policy.min_cohort;
    sb_add(&sb, "INSERT INTO g.school_context SELECT school, year, key_stage, count(*)");
    for (size_t k = 0; k < NINTAKE; k++) {
        sb_addf(&sb, ", CASE WHEN count(*) >= %ld THEN 100.0 * avg(CAST(%s AS TEXT) IN (",
                min, intake_counts[k].column);
        for (int i = 0; i < 3 && intake_counts[k].match[i]; i++)
            sb_addf(&sb, "%s'%s'", i ? ", " : "", intake_counts[k].match[i]);
        sb_add(&sb, ")) END");
    }
    sb_addf(&sb, ", CASE WHEN count(prior_score) >= %ld THEN avg(prior_score) END"
            " FROM main.pupil WHERE school IN ", min);
    members_sql(pg, &sb);
    sb_add(&sb, " GROUP BY school, year, key_stage ORDER BY school, year, key_stage");
    int rc = exec(db, sb_str(&sb), err);
    sb_reset(&sb);
    if (rc == 0) {
        /* urn <= 0: the national and LA comparator rows (docs/DFE.md). */
        sb_add(&sb, "INSERT INTO g.dfe_school SELECT year, urn, measure, value, marker "
               "FROM main.dfe_school WHERE urn <= 0 OR urn IN ");
        members_sql(pg, &sb);
        sb_add(&sb, " ORDER BY year, urn, measure");
        rc = exec(db, sb_str(&sb), err);
    }
    sb_free(&sb);
    if (rc == 0)
        rc = write_dfe_dist(db, err);
    return rc == 0 ? write_dfe_intake(db, err) : rc;
}

static int counts_value(const char *const *match, const char *v)
{
    for (int i = 0; i < 3 && match[i]; i++)
        if (strcmp(match[i], v) == 0)
            return 1;
    return 0;
}

/* " AND cell(choice * stride) ..." for the choices of dimension d inside
 * (want 1) or outside (want 0) the counted values; the unknown choice is
 * always outside. A cell is published when its row is in agg_pupil. */
static void cells_published(const struct cfg_filter *f, const struct publish_cube *cube,
                            int d, const char *const *match, int want, struct strbuf *sb)
{
    int choices = cube->radix[d] - 1;
    for (int c = 1; c <= choices; c++) {
        int in = c <= (int)f->nvalues && counts_value(match, f->values[c - 1].match);
        if (in != want)
            continue;
        sb_addf(sb, " AND EXISTS (SELECT 1 FROM g.agg_pupil a WHERE a.scope ="
                " school_context.urn AND a.year = school_context.year AND"
                " a.key_stage = school_context.key_stage AND a.fkey = %ld)",
                (long)c * cube->stride[d]);
    }
}

/* The SQL condition under which intake percentage k may stay: its count,
 * and the rest of the cohort, at least min_cohort; and where a filter
 * dimension splits the same pupils, the count already published by
 * agg_pupil (its cells, or the total less the other cells). */
static void intake_condition(const struct pub_group *pg, const struct publish_cube *cube,
                             size_t k, struct strbuf *sb)
{
    const char *pct = intake_counts[k].pct;
    long min = pg->group->policy.min_cohort;
    sb_addf(sb, "cohort IS NOT NULL AND round(%s * cohort / 100.0) >= %ld AND"
            " cohort - round(%s * cohort / 100.0) >= %ld", pct, min, pct, min);
    for (size_t d = 0; d < pg->cfg->nfilters && (int)d < cube->ndims; d++) {
        const struct cfg_filter *f = &pg->cfg->filters[d];
        if (strcmp(f->column, intake_counts[k].column) != 0)
            continue;
        sb_add(sb, " AND ((1");
        cells_published(f, cube, (int)d, intake_counts[k].match, 1, sb);
        sb_add(sb, ") OR (1");
        cells_published(f, cube, (int)d, intake_counts[k].match, 0, sb);
        sb_add(sb, "))");
    }
}

/* A percentage of a cohort is a count (DESIGN.md section 5): once the
 * aggregates are final, school_context keeps a cohort only where the
 * school's all-pupils cell is published, and an intake percentage only
 * where the count it implies is no smaller and no more exact than what the
 * aggregates publish (intake_condition). Hidden figures are NULL, shown x. */
static int protect_context(sqlite3 *db, const struct pub_group *pg,
                           const struct publish_cube *cube, struct collab_err *err)
{
    struct strbuf sb = STRBUF_INIT;
    sb_addf(&sb, "UPDATE g.school_context SET cohort = NULL WHERE cohort < %ld OR"
            " NOT EXISTS (SELECT 1 FROM g.agg_pupil a WHERE a.scope = school_context.urn"
            " AND a.year = school_context.year AND a.key_stage = school_context.key_stage"
            " AND a.fkey = 0);", (long)pg->group->policy.min_cohort);
    for (size_t k = 0; k < NINTAKE; k++) {
        sb_addf(&sb, "UPDATE g.school_context SET %s = NULL WHERE %s IS NOT NULL AND"
                " NOT (", intake_counts[k].pct, intake_counts[k].pct);
        intake_condition(pg, cube, k, &sb);
        sb_add(&sb, ");");
    }
    int rc = exec(db, sb_str(&sb), err);
    sb_free(&sb);
    return rc;
}

static int write_schools(sqlite3 *db, const struct pub_group *pg, struct collab_err *err)
{
    sqlite3_stmt *ins = prepare(db,
        "INSERT INTO g.school(urn, dfe_number, name, la_code, la_name, phase, type,"
        " has_pupil_data, ord) SELECT ?1, s.dfe_number, s.name, s.la_code, s.la_name,"
        " s.phase, s.type, EXISTS (SELECT 1 FROM main.pupil WHERE school = ?1), ?2"
        " FROM main.school s WHERE s.urn = ?1"
        " UNION ALL SELECT ?1, NULL, ?3, NULL, NULL, NULL, NULL, 0, ?2"
        " WHERE NOT EXISTS (SELECT 1 FROM main.school WHERE urn = ?1)", err);
    if (!ins)
        return -1;
    for (size_t i = 0; i < pg->nschools; i++) {
        sqlite3_bind_int64(ins, 1, pg->schools[i].urn);
        sqlite3_bind_int(ins, 2, pg->schools[i].ord);
        sqlite3_bind_text(ins, 3, pg->schools[i].name, -1, SQLITE_STATIC);
        if (step_done(db, ins, err) != 0) {
            sqlite3_finalize(ins);
            return -1;
        }
    }
    sqlite3_finalize(ins);
    return 0;
}

static int write_consent_users(sqlite3 *db, const struct pub_group *pg, struct collab_err *err)
{
    const struct cfg_group *g = pg->group;
    sqlite3_stmt *c = prepare(db, "INSERT OR REPLACE INTO g.consent VALUES (?,?,?,?)", err);
    sqlite3_stmt *u = c ? prepare(db, "INSERT OR REPLACE INTO g.member_user VALUES (?,?,?,?)", err) : NULL;
    int rc = u ? 0 : -1;

    for (size_t i = 0; rc == 0 && i < g->nschools; i++) {
        const struct cfg_consent *cs = cfg_consent(pg->cfg, g->schools[i]);
        if (!cs)
            continue;
        sqlite3_bind_int64(c, 1, cs->urn);
        bind_text_or_null(c, 2, cs->signed_date);
        bind_text_or_null(c, 3, cs->signatory);
        bind_text_or_null(c, 4, cs->withdrawn_date);
        rc = step_done(db, c, err);
    }
    for (size_t i = 0; rc == 0 && i < g->nusers; i++) {
        const struct cfg_user *us = cfg_user(pg->cfg, g->users[i]);
        sqlite3_bind_text(u, 1, g->users[i], -1, SQLITE_STATIC);
        bind_text_or_null(u, 2, us ? us->login : NULL);
        bind_text_or_null(u, 3, us ? us->name : NULL);
        bind_text_or_null(u, 4, us ? us->org : NULL);
        rc = step_done(db, u, err);
    }
    sqlite3_finalize(c);
    sqlite3_finalize(u);
    return rc;
}

static int write_indicators(sqlite3 *db, const struct cfg *cfg, struct collab_err *err)
{
    sqlite3_stmt *st = prepare(db, "INSERT INTO g.indicator VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", err);
    int rc = st ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < cfg->nindicators; i++) {
        const struct cfg_indicator *ind = &cfg->indicators[i];
        sqlite3_bind_text(st, 1, ind->id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (int)i);
        sqlite3_bind_text(st, 3, ind->label ? ind->label : ind->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, ind->short_label ? ind->short_label : ind->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, level_names[ind->level], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, ind->key_stage);
        sqlite3_bind_text(st, 7, aggregate_names[ind->aggregate], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 8, ind->decimals);
        sqlite3_bind_int(st, 9, ind->show_sign);
        sqlite3_bind_text(st, 10, polarity_names[ind->polarity], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, signif_names[ind->significance], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 12, ind->headline);
        rc = step_done(db, st, err);
    }
    sqlite3_finalize(st);
    return rc;
}

static int write_dimensions(sqlite3 *db, const struct cfg *cfg,
                            const struct publish_cube *cube, struct collab_err *err)
{
    sqlite3_stmt *dim = prepare(db, "INSERT INTO g.dimension VALUES (?,?,?,?,?)", err);
    sqlite3_stmt *val = dim ? prepare(db, "INSERT INTO g.dim_value VALUES (?,?,?,?)", err) : NULL;
    int rc = val ? 0 : -1;
    for (size_t d = 0; rc == 0 && d < cfg->nfilters; d++) {
        const struct cfg_filter *f = &cfg->filters[d];
        sqlite3_bind_text(dim, 1, f->id, -1, SQLITE_STATIC);
        sqlite3_bind_int(dim, 2, (int)d);
        sqlite3_bind_text(dim, 3, f->key ? f->key : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(dim, 4, f->label ? f->label : f->id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(dim, 5, cube->stride[d]);
        rc = step_done(db, dim, err);
        for (size_t v = 0; rc == 0 && v < f->nvalues; v++) {
            sqlite3_bind_text(val, 1, f->id, -1, SQLITE_STATIC);
            sqlite3_bind_int(val, 2, (int)v);
            sqlite3_bind_text(val, 3, f->values[v].code, -1, SQLITE_STATIC);
            sqlite3_bind_text(val, 4, f->values[v].label ? f->values[v].label
                              : f->values[v].code, -1, SQLITE_STATIC);
            rc = step_done(db, val, err);
        }
    }
    sqlite3_finalize(dim);
    sqlite3_finalize(val);
    return rc;
}

/* "fsm6=yes;sen=none" -> fkey; -1 when a dimension or value is unknown. */
static long filter_fkey(const struct cfg *cfg, const struct publish_cube *cube,
                        const char *text)
{
    long fkey = 0;
    char *copy = util_xstrdup(text ? text : ""), *save = NULL;
    for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(tok, '=');
        while (*tok == ' ')
            tok++;
        if (!*tok)
            continue;
        if (!eq) {
            fkey = -1;
            break;
        }
        *eq = '\0';
        char *val = eq + 1;
        for (char *e = eq; e > tok && e[-1] == ' '; e--)
            e[-1] = '\0';
        while (*val == ' ')
            val++;
        for (size_t n = strlen(val); n > 0 && val[n - 1] == ' '; n--)
            val[n - 1] = '\0';
        long found = -1;
        for (size_t d = 0; d < cfg->nfilters && d < PUBLISH_MAX_DIMS && found < 0; d++) {
            const struct cfg_filter *f = &cfg->filters[d];
            if (!util_strieq(f->id, tok))
                continue;
            for (size_t v = 0; v < f->nvalues; v++)
                if (util_strieq(f->values[v].code, val) ||
                    (f->values[v].label && util_strieq(f->values[v].label, val))) {
                    found = ((long)v + 1) * cube->stride[d];
                    break;
                }
        }
        if (found < 0) {
            fkey = -1;
            break;
        }
        fkey += found;
    }
    free(copy);
    return fkey;
}

static int write_national(sqlite3 *db, const struct cfg *cfg, const struct publish_cube *cube,
                          struct collab_err *err)
{
    sqlite3_stmt *sel = prepare(db, "SELECT year, indicator, filter, value, sd FROM "
                                "main.national ORDER BY year, indicator, filter", err);
    sqlite3_stmt *ins = sel ? prepare(db, "INSERT OR REPLACE INTO g.national VALUES (?,?,?,?,?)", err)
                            : NULL;
    int rc = ins ? 0 : -1, r = SQLITE_DONE;
    while (rc == 0 && (r = sqlite3_step(sel)) == SQLITE_ROW) {
        long fkey = filter_fkey(cfg, cube, (const char *)sqlite3_column_text(sel, 2));
        if (fkey < 0)
            continue;
        sqlite3_bind_int(ins, 1, sqlite3_column_int(sel, 0));
        sqlite3_bind_value(ins, 2, sqlite3_column_value(sel, 1));
        sqlite3_bind_int64(ins, 3, fkey);
        sqlite3_bind_value(ins, 4, sqlite3_column_value(sel, 3));
        sqlite3_bind_value(ins, 5, sqlite3_column_value(sel, 4));
        rc = step_done(db, ins, err);
    }
    if (rc == 0 && r != SQLITE_DONE)
        rc = collab_err_set(err, "publish: cannot read national: %s", sqlite3_errmsg(db));
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    return rc;
}

/* The DfE's England figures (RECTYPE 7) are the national comparators where
 * they exist: all pupils from dfe_school, each pupil group from dfe_group,
 * the group found as the filter value with the same pupil column and
 * match. They replace national.csv's value and keep its sd. */
static int write_national_dfe(sqlite3 *db, const struct cfg *cfg,
                              const struct publish_cube *cube, struct collab_err *err)
{
    static const char upsert[] =
        " ON CONFLICT(year, indicator, fkey) DO UPDATE SET value = excluded.value";
    struct strbuf sql = STRBUF_INIT;
    sb_addf(&sql, "INSERT INTO g.national(year, indicator, fkey, value) SELECT year, ?1, 0,"
            " value FROM main.dfe_school WHERE urn = %d AND measure = ?2 AND value IS NOT"
            " NULL%s", IMP_DFE_ENGLAND, upsert);
    sqlite3_stmt *all = prepare(db, sb_str(&sql), err);
    sb_reset(&sql);
    sb_addf(&sql, "INSERT INTO g.national(year, indicator, fkey, value) SELECT year, ?1, ?3,"
            " value FROM main.dfe_group WHERE urn = %d AND measure = ?2 AND pupil_column = ?4"
            " AND pupil_value = ?5 AND value IS NOT NULL%s", IMP_DFE_ENGLAND, upsert);
    sqlite3_stmt *grp = all ? prepare(db, sb_str(&sql), err) : NULL;
    int rc = grp ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < cfg->nindicators; i++) {
        const struct cfg_indicator *ind = &cfg->indicators[i];
        if (!ind->dfe_measure)
            continue;
        sqlite3_bind_text(all, 1, ind->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(all, 2, ind->dfe_measure, -1, SQLITE_STATIC);
        rc = step_done(db, all, err);
        for (size_t d = 0; rc == 0 && d < cfg->nfilters && (int)d < cube->ndims; d++)
            for (size_t v = 0; rc == 0 && v < cfg->filters[d].nvalues; v++) {
                sqlite3_bind_text(grp, 1, ind->id, -1, SQLITE_STATIC);
                sqlite3_bind_text(grp, 2, ind->dfe_measure, -1, SQLITE_STATIC);
                sqlite3_bind_int64(grp, 3, ((long)v + 1) * cube->stride[d]);
                sqlite3_bind_text(grp, 4, cfg->filters[d].column, -1, SQLITE_STATIC);
                sqlite3_bind_text(grp, 5, cfg->filters[d].values[v].match, -1, SQLITE_STATIC);
                rc = step_done(db, grp, err);
            }
    }
    sqlite3_finalize(all);
    sqlite3_finalize(grp);
    sb_free(&sql);
    return rc;
}

static void urn_list(struct strbuf *sb, const long *urns, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sb_addf(sb, "%s%ld", i ? "," : "", urns[i]);
}

/* The years in which the group's KS4 pupils have no Progress 8 because the
 * source holds no estimates for that year, as "2019,2020" into sb: the
 * views say so instead of leaving an x that reads as suppression. */
static int years_without_estimates(sqlite3 *db, const struct pub_group *pg,
                                   struct strbuf *sb, struct collab_err *err)
{
    struct strbuf sql = STRBUF_INIT;
    sb_add(&sql, "SELECT DISTINCT p.year FROM main.pupil p WHERE p.key_stage = 4 "
           "AND p.school IN ");
    members_sql(pg, &sql);
    sb_add(&sql, " AND NOT EXISTS (SELECT 1 FROM main.estimate e WHERE e.year = p.year) "
           "ORDER BY 1");
    sqlite3_stmt *st = prepare(db, sb_str(&sql), err);
    sb_free(&sql);
    if (!st)
        return -1;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        sb_addf(sb, "%s%d", sb->len ? "," : "", sqlite3_column_int(st, 0));
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return collab_err_set(err, "publish: cannot read the estimates: %s", sqlite3_errmsg(db));
    return 0;
}

static int write_meta(sqlite3 *db, const struct pub_group *pg,
                      const struct publish_cube *cube, struct collab_err *err)
{
    const struct cfg_group *g = pg->group;
    char min[32], width[32], when[64];
    struct strbuf missing = STRBUF_INIT, withdrawn = STRBUF_INIT, unknown = STRBUF_INIT;
    struct strbuf no_est = STRBUF_INIT;
    time_t now = time(NULL);
    struct tm tm;

    snprintf(min, sizeof min, "%d", g->policy.min_cohort);
    snprintf(width, sizeof width, "%d", g->policy.protection_width);
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int rc = years_without_estimates(db, pg, &no_est, err);
    urn_list(&missing, pg->missing, pg->nmissing);
    urn_list(&withdrawn, pg->withdrawn, pg->nwithdrawn);
    for (int d = 0; d < cube->ndims; d++)
        if (cube->unknown[d])
            sb_addf(&unknown, "%s%s", unknown.len ? "," : "", pg->cfg->filters[d].id);
    const char *kv[][2] = {
        { "group_id", g->id },
        { "group_name", g->name ? g->name : g->id },
        { "description", g->description ? g->description : "" },
        { "owner", g->owner ? g->owner : "" },
        { "visibility", g->visibility == CFG_VIS_SCHOOLS ? "schools" : "la_only" },
        { "min_cohort", min },
        { "protection_width", width },
        { "protection_solver", g->policy.protection_solver == CFG_SOLVER_LINEAR_PROGRAMME
                               ? "linear_programme" : "equations" },
        { "league_tables", g->policy.league_tables ? "1" : "0" },
        { "published_at", when },
        { "published_on", pg->today },
        { "missing_consent", sb_str(&missing) },
        { "withdrawn", sb_str(&withdrawn) },
        { "unknown_dimensions", sb_str(&unknown) },
        { "years_without_estimates", sb_str(&no_est) },
    };
    sqlite3_stmt *st = rc == 0 ? prepare(db, "INSERT OR REPLACE INTO g.meta(key, value) "
                                         "VALUES (?, ?)", err) : NULL;
    rc = st ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < sizeof kv / sizeof kv[0]; i++) {
        sqlite3_bind_text(st, 1, kv[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, kv[i][1], -1, SQLITE_STATIC);
        rc = step_done(db, st, err);
    }
    sqlite3_finalize(st);
    sb_free(&missing);
    sb_free(&withdrawn);
    sb_free(&unknown);
    sb_free(&no_est);
    return rc;
}

int pub_decide_group(sqlite3 *db, struct pub_group *pg, struct collab_err *err)
{
    struct publish_cube cube;
    if (build_cube(db, pg, &cube, err) != 0)
        return -1;
    pg->decide_only = 1;
    int rc = write_aggregates(db, pg, &cube, err);
    pg->decide_only = 0;
    return rc;
}

int pub_write_group(sqlite3 *db, struct pub_group *pg, struct collab_err *err)
{
    struct publish_cube cube;
    pg->cells = 0;
    if (build_cube(db, pg, &cube, err) != 0 ||
        write_meta(db, pg, &cube, err) != 0 || write_indicators(db, pg->cfg, err) != 0 ||
        write_dimensions(db, pg->cfg, &cube, err) != 0 || write_schools(db, pg, err) != 0 ||
        write_consent_users(db, pg, err) != 0 || write_context(db, pg, err) != 0 ||
        write_national(db, pg->cfg, &cube, err) != 0 ||
        write_national_dfe(db, pg->cfg, &cube, err) != 0 ||
        write_aggregates(db, pg, &cube, err) != 0 || protect_context(db, pg, &cube, err) != 0)
        return -1;
    return 0;
}
