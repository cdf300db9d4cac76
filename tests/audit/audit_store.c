/*
 * audit_store: the derivation audit of published group stores (issue 26),
 * done the way a statistics office audits a suppressed table: every
 * published count is a linear equation, every hidden count an unknown >= 0,
 * and each unknown's bounds are solved as two linear programmes (GLPK),
 * then rounded inwards to whole pupils.
 *
 *   audit_store [--width W] [--verbose] [--subjects | --subject CODE]
 *               [--source DB --config DIR] STORE...
 *
 * For each store, and for the stores together (one reader may open them
 * all: a school shared by two groups is the same pupils in both), per block
 * (year, key stage) of agg_pupil, the equations are:
 *   - every margin of a scope (the group, each school): a cell with
 *     dimension d "all" is the sum of its cells for each choice of d;
 *   - the group is the sum of its schools, cell by cell;
 *   - the intake: a published cohort is the school's all-pupils cell, and
 *     an FSM6, EAL or SEN % a count of the matching cells (dimension ids
 *     fsm6, eal, sen, values yes / support + ehcp, as the sample names
 *     them); a dimension a store publishes without the unknown choice has
 *     no pupil of unknown value in its schools.
 * With --subjects the blocks are (year, subject) of agg_subject, whose cells
 * count entries, with the same equations but the intake's (--subject CODE:
 * that subject only).
 * A hidden cell whose bounds [L, H] come to L = H is pinned; one that could
 * be a small count (L < min_cohort, H >= 1) and whose bounds are less than
 * W apart (H - L < W: with W = 3, [0, 2] is narrowed, [0, 3] is not) is
 * narrowed. Pinned zeros are counted apart: they
 * disclose no pupil. With the source store and the config it was published
 * with, only hidden cells truly holding 1 to min_cohort - 1 pupils are
 * judged, which is the test itself and much faster. Prints a line per
 * store and block and for the stores
 * together; exit 0 (it reports; the suite decides what fails), 2 on a usage
 * or read error.
 */
#include "config.h"

#include <glpk.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/config.h"

#define MAX_DIMS 8
#define MAX_STORES 16

struct store {
    const char *path;
    sqlite3 *db;
    int min_cohort;
    int ndims;
    char dim_id[MAX_DIMS][32];
    int nvalues[MAX_DIMS];
    int unknown[MAX_DIMS];
    long stride[MAX_DIMS];
    char value_code[MAX_DIMS][10][32];
};

/* The union cube of the stores audited together: the same dimensions and
 * values in each, the unknown choice where any store has it. */
struct cube {
    int ndims;
    int radix[MAX_DIMS];
    long stride[MAX_DIMS];
    long ncells;
};

/* A scope of the problem: a store's group (urn 0) or a school (shared by
 * every store that holds it). */
struct scope {
    long urn;
    int store;              /* the store of a group scope; -1 for a school */
};

struct problem {
    struct cube cube;
    struct scope *scopes;
    size_t nscopes;
    double *value;          /* per cell: the published count, or NAN when hidden */
    double *truth;          /* per cell: the true count (with --source), else NULL */
    int *var;               /* per cell: its column in the LP (1-based), or 0 */
    int nvars;
    /* the equations, as triplets for glp_load_matrix (1-based) */
    int *ia, *ja;
    double *ar;
    size_t nz, cap;
    double *rhs;
    int nrows, rowcap;
};

struct totals {
    long cells, hidden, sensitive, pinned_small, pinned_zero, pinned_large, narrowed;
    long chained;   /* of the small pinned or narrowed, by single equations */
};

static int verbose;
static int width = 3;
/* --subjects: the blocks are (year, subject) of agg_subject, whose cells
 * count entries, instead of (year, key stage) of agg_pupil; there is no
 * intake equation for entries. */
static int subjects;
static const char *only_subject;    /* --subject CODE: that one alone */
#define TABLE (subjects ? "agg_subject" : "agg_pupil")
#define KEYCOL (subjects ? "subject" : "key_stage")
/* --source and --config: the true counts, so that only hidden cells of 1
 * to min_cohort - 1 pupils are judged (a hidden 0 discloses nobody). */
static sqlite3 *source;
static struct cfg config;

static void die(const char *msg, const char *path)
{
    fprintf(stderr, "audit_store: %s%s%s\n", path ? path : "", path ? ": " : "", msg);
    exit(2);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(db), sql);
    return st;
}

static void open_store(struct store *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(s->db), path);
    sqlite3_stmt *st = prep(s->db, "SELECT value FROM meta WHERE key = 'min_cohort'");
    s->min_cohort = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 6;
    sqlite3_finalize(st);
    st = prep(s->db, "SELECT id, stride, (SELECT count(*) FROM dim_value v WHERE "
              "v.dimension = d.id) FROM dimension d ORDER BY ord");
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (s->ndims == MAX_DIMS)
            die("too many dimensions", path);
        int d = s->ndims++;
        snprintf(s->dim_id[d], sizeof s->dim_id[d], "%s", sqlite3_column_text(st, 0));
        s->stride[d] = sqlite3_column_int64(st, 1);
        s->nvalues[d] = sqlite3_column_int(st, 2);
        if (s->nvalues[d] > 9)
            die("a dimension with more than 9 values", path);
    }
    sqlite3_finalize(st);
    st = prep(s->db, "SELECT value FROM meta WHERE key = 'unknown_dimensions'");
    const char *unk = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0)
                                                     : "";
    for (int d = 0; d < s->ndims; d++) {
        size_t n = strlen(s->dim_id[d]);
        for (const char *p = strstr(unk, s->dim_id[d]); p; p = strstr(p + 1, s->dim_id[d]))
            if ((p == unk || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
                s->unknown[d] = 1;
    }
    sqlite3_finalize(st);
    st = prep(s->db, "SELECT dimension, ord, code FROM dim_value");
    while (sqlite3_step(st) == SQLITE_ROW)
        for (int d = 0; d < s->ndims; d++)
            if (strcmp(s->dim_id[d], (const char *)sqlite3_column_text(st, 0)) == 0) {
                int o = sqlite3_column_int(st, 1);
                if (o >= 0 && o < 10)
                    snprintf(s->value_code[d][o], 32, "%s", sqlite3_column_text(st, 2));
            }
    sqlite3_finalize(st);
}

static void union_cube(const struct store *s, int n, struct cube *c)
{
    memset(c, 0, sizeof *c);
    c->ndims = s[0].ndims;
    long stride = 1;
    for (int d = 0; d < c->ndims; d++) {
        int unknown = 0;
        for (int i = 0; i < n; i++) {
            if (s[i].ndims != c->ndims || strcmp(s[i].dim_id[d], s[0].dim_id[d]) != 0 ||
                s[i].nvalues[d] != s[0].nvalues[d])
                die("stores with different dimensions cannot be audited together", s[i].path);
            unknown |= s[i].unknown[d];
        }
        c->radix[d] = s[0].nvalues[d] + 1 + unknown;
        c->stride[d] = stride;
        stride *= c->radix[d];
    }
    c->ncells = stride;
}

/* A store's fkey as the union cube's: the same choices, other strides. */
static long to_union(const struct store *s, const struct cube *c, long fkey)
{
    long u = 0;
    for (int d = s->ndims - 1; d >= 0; d--) {
        long choice = fkey / s->stride[d];
        fkey -= choice * s->stride[d];
        u += choice * c->stride[d];
    }
    return u;
}

static int choice_of(const struct cube *c, long fkey, int d)
{
    return (int)(fkey / c->stride[d] % c->radix[d]);
}

static size_t scope_index(struct problem *p, long urn, int store)
{
    for (size_t i = 0; i < p->nscopes; i++)
        if (p->scopes[i].urn == urn && p->scopes[i].store == (urn ? -1 : store))
            return i;
    p->scopes = realloc(p->scopes, (p->nscopes + 1) * sizeof *p->scopes);
    p->scopes[p->nscopes] = (struct scope){ urn, urn ? -1 : store };
    return p->nscopes++;
}

static double *cell(struct problem *p, size_t scope, long fkey)
{
    return &p->value[scope * (size_t)p->cube.ncells + (size_t)fkey];
}

/* ---- the equations ---- */

static void add_term(struct problem *p, size_t sc, long fkey, double coef)
{
    size_t i = sc * (size_t)p->cube.ncells + (size_t)fkey;
    if (!p->var[i]) {
        p->rhs[p->nrows] -= coef * p->value[i];
        return;
    }
    if (p->nz + 1 >= p->cap) {
        p->cap = p->cap ? 2 * p->cap : 4096;
        p->ia = realloc(p->ia, p->cap * sizeof *p->ia);
        p->ja = realloc(p->ja, p->cap * sizeof *p->ja);
        p->ar = realloc(p->ar, p->cap * sizeof *p->ar);
    }
    p->nz++;
    p->ia[p->nz] = p->nrows + 1;
    p->ja[p->nz] = p->var[i];
    p->ar[p->nz] = coef;
}

static void begin_row(struct problem *p)
{
    if (p->nrows == p->rowcap) {
        p->rowcap = p->rowcap ? 2 * p->rowcap : 1024;
        p->rhs = realloc(p->rhs, (size_t)p->rowcap * sizeof *p->rhs);
    }
    p->rhs[p->nrows] = 0;
}

/* Keep the row only if it has an unknown (a row of knowns says nothing). */
static void end_row(struct problem *p, size_t nz_before)
{
    if (p->nz > nz_before)
        p->nrows++;
}

static void margins(struct problem *p)
{
    const struct cube *c = &p->cube;
    for (size_t s = 0; s < p->nscopes; s++)
        for (long f = 0; f < c->ncells; f++)
            for (int d = 0; d < c->ndims; d++) {
                if (choice_of(c, f, d) != 0)
                    continue;
                size_t nz = p->nz;
                begin_row(p);
                add_term(p, s, f, 1);
                for (int k = 1; k < c->radix[d]; k++)
                    add_term(p, s, f + k * c->stride[d], -1);
                end_row(p, nz);
            }
}

static void group_sums(struct problem *p, int store, const long *urns, size_t n)
{
    size_t g = scope_index(p, 0, store);
    for (long f = 0; f < p->cube.ncells; f++) {
        size_t nz = p->nz;
        begin_row(p);
        add_term(p, g, f, 1);
        for (size_t i = 0; i < n; i++)
            add_term(p, scope_index(p, urns[i], store), f, -1);
        end_row(p, nz);
    }
}

/* count = the cells of dimension d whose value code is one of codes. */
static void intake_row(struct problem *p, const struct store *s, size_t sc, const char *dim,
                       const char *const *codes, double count)
{
    for (int d = 0; d < s->ndims; d++) {
        if (strcmp(s->dim_id[d], dim) != 0)
            continue;
        size_t nz = p->nz;
        begin_row(p);
        p->rhs[p->nrows] = count;
        for (int v = 0; v < s->nvalues[d]; v++)
            for (int k = 0; codes[k]; k++)
                if (strcmp(s->value_code[d][v], codes[k]) == 0)
                    add_term(p, sc, (long)(v + 1) * p->cube.stride[d], 1);
        end_row(p, nz);
    }
}

static void intake(struct problem *p, const struct store *s, int year, int ks)
{
    static const char *const yes[] = { "yes", NULL };
    static const char *const sen[] = { "support", "ehcp", NULL };
    sqlite3_stmt *st = prep(s->db, "SELECT urn, cohort, fsm6_pct, eal_pct, sen_pct FROM "
                            "school_context WHERE year = ?1 AND key_stage = ?2 AND "
                            "cohort IS NOT NULL");
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int(st, 2, ks);
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t sc = scope_index(p, sqlite3_column_int64(st, 0), 0);
        double cohort = sqlite3_column_double(st, 1);
        size_t nz = p->nz;
        begin_row(p);
        p->rhs[p->nrows] = cohort;
        add_term(p, sc, 0, 1);
        end_row(p, nz);
        const char *dims[] = { "fsm6", "eal", "sen" };
        for (int k = 0; k < 3; k++)
            if (sqlite3_column_type(st, 2 + k) != SQLITE_NULL)
                intake_row(p, s, sc, dims[k], k == 2 ? sen : yes,
                           round(sqlite3_column_double(st, 2 + k) * cohort / 100.0));
    }
    sqlite3_finalize(st);
}

/* ---- reading a block ---- */

static size_t block_schools(const struct store *s, int year, const char *key, long **urns)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT urn FROM school_context WHERE year = ?1 AND "
             "key_stage = %s UNION SELECT scope FROM %s WHERE year = ?1 AND %s = ?2 AND "
             "scope > 0 ORDER BY 1", subjects ? "4" : "?2", TABLE, KEYCOL);
    sqlite3_stmt *st = prep(s->db, sql);
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    size_t n = 0;
    *urns = NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        *urns = realloc(*urns, (n + 1) * sizeof **urns);
        (*urns)[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

static void read_cells(struct problem *p, const struct store *s, int si, int year,
                       const char *key)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT scope, fkey, n FROM %s WHERE year = ?1 AND %s = ?2",
             TABLE, KEYCOL);
    sqlite3_stmt *st = prep(s->db, sql);
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        long urn = sqlite3_column_int64(st, 0);
        size_t sc = scope_index(p, urn, si);
        *cell(p, sc, to_union(s, &p->cube, sqlite3_column_int64(st, 1))) =
            sqlite3_column_double(st, 2);
    }
    sqlite3_finalize(st);
}

/* Cells of a dimension's unknown choice in the scopes of a store that has
 * no unknown choice for it: its schools have no such pupil, so 0. */
static void known_zeros(struct problem *p, const struct store *s, int si, const long *urns,
                        size_t n)
{
    const struct cube *c = &p->cube;
    for (int d = 0; d < c->ndims; d++) {
        if (s->unknown[d] || c->radix[d] == s->nvalues[d] + 1)
            continue;
        for (size_t i = 0; i <= n; i++) {
            size_t sc = scope_index(p, i < n ? urns[i] : 0, si);
            for (long f = 0; f < c->ncells; f++)
                if (choice_of(c, f, d) == c->radix[d] - 1)
                    *cell(p, sc, f) = 0;
        }
    }
}

/* ---- solving ---- */

static void describe(const struct problem *p, const struct store *s, size_t sc, long f,
                     char *buf, size_t size)
{
    int o = snprintf(buf, size, "%s %ld", p->scopes[sc].urn ? "school" : "group",
                     p->scopes[sc].urn);
    for (int d = 0; d < p->cube.ndims && o > 0 && (size_t)o < size; d++) {
        int ch = choice_of(&p->cube, f, d);
        if (ch)
            o += snprintf(buf + o, size - (size_t)o, " %s=%s", s->dim_id[d],
                          ch <= s->nvalues[d] ? s->value_code[d][ch - 1] : "unknown");
    }
}

static double solve(glp_prob *lp, int j, int dir, const glp_smcp *parm)
{
    glp_set_obj_coef(lp, j, 1);
    glp_set_obj_dir(lp, dir);
    int rc = glp_simplex(lp, parm);
    glp_set_obj_coef(lp, j, 0);
    if (rc == 0 && glp_get_status(lp) == GLP_OPT)
        return glp_get_obj_val(lp);
    if (rc == 0 && glp_get_status(lp) == GLP_UNBND)
        return dir == GLP_MAX ? INFINITY : -INFINITY;
    return NAN;
}

/* Bounds from the equations one at a time, to a fixed point: in a row
 * sum a_k x_k = b (a_k = +1 or -1), each unknown is b less what the others
 * can be, rounded inwards to whole pupils. Cheap, and it settles most
 * cells a reader can pin (zeros under a total of 0, a margin's last cell)
 * before any linear programme; lb and ub are per column, 1-based. */
static void propagate(const struct problem *p, double *lb, double *ub)
{
    /* rows as lists of (column, coefficient), from the triplets */
    size_t nrows = p->nrows > 0 ? (size_t)p->nrows : 0;
    int *start = calloc(nrows + 2, sizeof *start);
    int *col = malloc((p->nz + 1) * sizeof *col);
    double *coef = malloc((p->nz + 1) * sizeof *coef);
    for (size_t k = 1; k <= p->nz; k++)
        start[p->ia[k]]++;       /* row ia - 1 (0-based) ends at start[ia] */
    for (int r = 1; r <= p->nrows + 1; r++)
        start[r] += start[r - 1];
    int *fill = calloc(nrows + 1, sizeof *fill);
    for (size_t k = 1; k <= p->nz; k++) {
        int r = p->ia[k] - 1, at = start[r] + fill[r]++;
        col[at] = p->ja[k];
        coef[at] = p->ar[k];
    }
    for (int j = 1; j <= p->nvars; j++) {
        lb[j] = 0;
        ub[j] = INFINITY;
    }
    for (int pass = 0, changed = 1; changed && pass < 200; pass++) {
        changed = 0;
        for (int r = 0; r < p->nrows; r++)
            for (int t = start[r]; t < start[r + 1]; t++) {
                /* a_j x_j = b - sum of the others: the others' range */
                double omin = 0, omax = 0;
                for (int u = start[r]; u < start[r + 1]; u++) {
                    if (u == t)
                        continue;
                    int k = col[u];
                    omin += coef[u] > 0 ? coef[u] * lb[k] : coef[u] * ub[k];
                    omax += coef[u] > 0 ? coef[u] * ub[k] : coef[u] * lb[k];
                }
                int j = col[t];
                double a = coef[t], b = p->rhs[r];
                double lo = a > 0 ? b - omax : omin - b, hi = a > 0 ? b - omin : omax - b;
                lo = ceil(lo - 1e-6);
                hi = floor(hi + 1e-6);
                if (!isnan(lo) && lo > lb[j]) {
                    lb[j] = lo;
                    changed = 1;
                }
                if (!isnan(hi) && hi < ub[j]) {
                    ub[j] = hi;
                    changed = 1;
                }
            }
    }
    free(start);
    free(col);
    free(coef);
    free(fill);
}

/* Vertices of the solution space, each a set of counts that fits every
 * published figure: a hidden cell seen at two values W or more apart in
 * them cannot be pinned or narrowed, so only the rest need their bounds
 * solved exactly. Each round pushes the cells still unsettled up (then
 * down) together, with random weights, which settles most of them in a
 * few dozen solves instead of two each. seen_lo and seen_hi are filled
 * per column, 1-based. */
#define PROBE_ROUNDS 60

static int unsettled(const double *lo, const double *hi, int j)
{
    return hi[j] - lo[j] < width - 1e-6;
}

static void probe(glp_prob *lp, int nvars, const glp_smcp *parm, const double *lb,
                  const double *ub, const unsigned char *judged, const double *truth,
                  double *seen_lo, double *seen_hi)
{
    unsigned seed = 12345;
    int left = nvars, stalled = 0;
    for (int j = 1; j <= nvars; j++) {
        /* a column the equations fix alone is settled already, and so is
         * one not judged (with the true counts: not small) */
        int done = lb[j] == ub[j] || (judged && !judged[j]);
        seen_lo[j] = done ? -INFINITY : truth ? truth[j] : INFINITY;
        seen_hi[j] = done ? INFINITY : truth ? truth[j] : -INFINITY;
    }
    for (int k = 0; k < PROBE_ROUNDS && left > 0 && stalled < 6; k++) {
        for (int j = 1; j <= nvars; j++) {
            seed = seed * 1103515245u + 12345u;
            double w = unsettled(seen_lo, seen_hi, j) ? 1.0 + (double)((seed >> 16) % 8) : 0;
            glp_set_obj_coef(lp, j, w);
        }
        glp_set_obj_dir(lp, k % 2 ? GLP_MIN : GLP_MAX);
        if (glp_simplex(lp, parm) != 0 || glp_get_status(lp) != GLP_OPT)
            continue;
        int before = left;
        left = 0;
        for (int j = 1; j <= nvars; j++) {
            double x = glp_get_col_prim(lp, j);
            if (x < seen_lo[j])
                seen_lo[j] = x;
            if (x > seen_hi[j])
                seen_hi[j] = x;
            left += unsettled(seen_lo, seen_hi, j);
        }
        stalled = left < before ? 0 : stalled + 1;
    }
    for (int j = 1; j <= nvars; j++)
        glp_set_obj_coef(lp, j, 0);
}

/* The true count of every cell of the problem from the source store's
 * pupils, with the filters of --config (the column and matches of each
 * dimension, as publish reads them): each pupil adds 1 to every cell whose
 * choices are "all" or its own value (or unknown) in each dimension. */
static void add_pupils(struct problem *p, const struct store *s, size_t sc, long urn,
                       int year, const char *key)
{
    const struct cube *c = &p->cube;
    const struct cfg_filter *f[MAX_DIMS];
    char sql[1024];
    int o = snprintf(sql, sizeof sql, "SELECT count(*)");
    for (int d = 0; d < c->ndims; d++) {
        if (!(f[d] = cfg_filter(&config, s->dim_id[d])))
            die("a dimension of the store is not in the config's filters", s->dim_id[d]);
        o += snprintf(sql + o, sizeof sql - (size_t)o, ", CAST(%s AS TEXT)", f[d]->column);
    }
    /* an entry is a result of a pupil in a subject the store knows, as
     * publish counts them */
    o += snprintf(sql + o, sizeof sql - (size_t)o, "%s", subjects
                  ? " FROM result r JOIN pupil p ON p.id = r.pupil JOIN subject s ON "
                    "s.code = r.subject WHERE p.school = ?1 AND p.year = ?2 AND "
                    "r.subject = ?3 GROUP BY 2"
                  : " FROM pupil WHERE school = ?1 AND year = ?2 AND key_stage = ?3 "
                    "GROUP BY 2");
    for (int d = 1; d < c->ndims; d++)
        o += snprintf(sql + o, sizeof sql - (size_t)o, ", %d", d + 2);
    sqlite3_stmt *st = prep(source, sql);
    sqlite3_bind_int64(st, 1, urn);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        long choice[MAX_DIMS];
        for (int d = 0; d < c->ndims; d++) {
            const char *v = (const char *)sqlite3_column_text(st, d + 1);
            choice[d] = c->radix[d] - 1;     /* unknown, unless a value matches */
            for (size_t k = 0; v && k < f[d]->nvalues; k++)
                if (strcmp(v, f[d]->values[k].match) == 0)
                    choice[d] = (long)k + 1;
        }
        double n = sqlite3_column_double(st, 0);
        for (unsigned mask = 0; mask < 1u << c->ndims; mask++) {
            long fkey = 0;
            for (int d = 0; d < c->ndims; d++)
                if (mask & (1u << d))
                    fkey += choice[d] * c->stride[d];
            p->truth[sc * (size_t)c->ncells + (size_t)fkey] += n;
        }
    }
    sqlite3_finalize(st);
}

static void true_counts(struct problem *p, const struct store *s, int n, long **urns,
                        const size_t *nurns, int year, const char *key)
{
    size_t ncells = (size_t)p->cube.ncells;
    p->truth = calloc(p->nscopes * ncells, sizeof *p->truth);
    for (size_t sc = 0; sc < p->nscopes; sc++)
        if (p->scopes[sc].urn)
            add_pupils(p, &s[0], sc, p->scopes[sc].urn, year, key);
    for (int i = 0; i < n; i++) {
        size_t g = scope_index(p, 0, i);
        for (size_t k = 0; k < nurns[i]; k++) {
            size_t sc = scope_index(p, urns[i][k], i);
            for (size_t f = 0; f < ncells; f++)
                p->truth[g * ncells + f] += p->truth[sc * ncells + f];
        }
    }
}

static void audit(struct problem *p, const struct store *s, int min, const char *label,
                  struct totals *t)
{
    glp_prob *lp = glp_create_prob();
    /* GLPK refuses an empty block of rows or columns; an unknown in no
     * equation is then simply unbounded. */
    if (p->nrows)
        glp_add_rows(lp, p->nrows);
    if (p->nvars)
        glp_add_cols(lp, p->nvars);
    for (int r = 0; r < p->nrows; r++)
        glp_set_row_bnds(lp, r + 1, GLP_FX, p->rhs[r], p->rhs[r]);
    double *lb = calloc((size_t)p->nvars + 1, sizeof *lb);
    double *ub = calloc((size_t)p->nvars + 1, sizeof *ub);
    propagate(p, lb, ub);
    for (int j = 1; j <= p->nvars; j++)
        glp_set_col_bnds(lp, j, lb[j] == ub[j] ? GLP_FX : isinf(ub[j]) ? GLP_LO : GLP_DB,
                         lb[j], ub[j]);
    if (p->nz)
        glp_load_matrix(lp, (int)p->nz, p->ia, p->ja, p->ar);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    double *seen_lo = calloc((size_t)p->nvars + 1, sizeof *seen_lo);
    double *seen_hi = calloc((size_t)p->nvars + 1, sizeof *seen_hi);
    size_t total = p->nscopes * (size_t)p->cube.ncells;
    /* with the true counts, only the small hidden cells are judged, and
     * their true counts are one solution already */
    unsigned char *judged = NULL;
    double *truth = NULL;
    if (p->truth) {
        judged = calloc((size_t)p->nvars + 1, 1);
        truth = calloc((size_t)p->nvars + 1, sizeof *truth);
        for (size_t i = 0; i < total; i++)
            if (p->var[i]) {
                judged[p->var[i]] = p->truth[i] >= 1 && p->truth[i] < min;
                truth[p->var[i]] = p->truth[i];
            }
    }
    if (p->nrows)
        probe(lp, p->nvars, &parm, lb, ub, judged, truth, seen_lo, seen_hi);
    free(judged);
    free(truth);
    struct totals b = { 0 };
    b.cells = (long)total;
    for (size_t i = 0; i < total; i++) {
        if (!p->var[i])
            continue;
        b.hidden++;
        if (p->truth && (p->truth[i] < 1 || p->truth[i] >= min))
            continue;
        b.sensitive++;
        int j = p->var[i];
        b.chained += lb[j] < min && ub[j] >= 1 && ub[j] - lb[j] < width;
        if (p->nrows && lb[j] < ub[j] && !unsettled(seen_lo, seen_hi, j))
            continue;
        double lo = lb[j], hi = ub[j];
        if (p->nrows && lb[j] < ub[j]) {
            lo = solve(lp, j, GLP_MIN, &parm);
            hi = solve(lp, j, GLP_MAX, &parm);
        }
        if (isnan(lo) || isnan(hi)) {
            fprintf(stderr, "audit_store: %s: the equations have no solution\n", label);
            break;
        }
        double L = ceil(lo - 1e-6), H = floor(hi + 1e-6);
        int pinned = L == H, narrowed = !pinned && L < min && H >= 1 && H - L < width;
        b.pinned_zero += pinned && H == 0;
        b.pinned_small += pinned && H >= 1 && H < min;
        b.pinned_large += pinned && H >= min;
        b.narrowed += narrowed;
        if (verbose && ((pinned && H >= 1 && H < min) || narrowed)) {
            char what[256];
            size_t sc = i / (size_t)p->cube.ncells;
            describe(p, s, sc, (long)(i % (size_t)p->cube.ncells), what, sizeof what);
            printf("  %s: %s in [%g, %g]\n", label, what, L, H);
        }
    }
    glp_delete_prob(lp);
    free(seen_lo);
    free(seen_hi);
    free(lb);
    free(ub);
    if (p->truth)
        printf("%s: %ld cells, %ld hidden, %ld of 1-%d pupils; of those pinned: %ld, "
               "bounded less than %d apart: %ld; by single equations: %ld\n", label, b.cells,
               b.hidden, b.sensitive, min - 1, b.pinned_small, width, b.narrowed, b.chained);
    else
        printf("%s: %ld cells, %ld hidden; pinned: %ld small (1-%d), %ld zero, %ld larger; "
               "small bounded less than %d apart: %ld\n", label, b.cells, b.hidden,
               b.pinned_small, min - 1, b.pinned_zero, b.pinned_large, width, b.narrowed);
    fflush(stdout);
    t->cells += b.cells;
    t->hidden += b.hidden;
    t->sensitive += b.sensitive;
    t->pinned_small += b.pinned_small;
    t->pinned_zero += b.pinned_zero;
    t->pinned_large += b.pinned_large;
    t->narrowed += b.narrowed;
    t->chained += b.chained;
}

static void free_problem(struct problem *p)
{
    free(p->scopes);
    free(p->value);
    free(p->truth);
    free(p->var);
    free(p->ia);
    free(p->ja);
    free(p->ar);
    free(p->rhs);
    memset(p, 0, sizeof *p);
}

/* Audit stores s[0..n-1] together for one block. */
static void audit_block(struct store *s, int n, int year, const char *key, const char *name,
                        struct totals *t)
{
    struct problem p;
    memset(&p, 0, sizeof p);
    union_cube(s, n, &p.cube);
    long *urns[MAX_STORES];
    size_t nurns[MAX_STORES];
    for (int i = 0; i < n; i++) {
        nurns[i] = block_schools(&s[i], year, key, &urns[i]);
        scope_index(&p, 0, i);
        for (size_t k = 0; k < nurns[i]; k++)
            scope_index(&p, urns[i][k], i);
    }
    size_t total = p.nscopes * (size_t)p.cube.ncells;
    p.value = malloc(total * sizeof *p.value);
    p.var = calloc(total, sizeof *p.var);
    for (size_t i = 0; i < total; i++)
        p.value[i] = NAN;
    for (int i = 0; i < n; i++) {
        read_cells(&p, &s[i], i, year, key);
        known_zeros(&p, &s[i], i, urns[i], nurns[i]);
    }
    for (size_t i = 0; i < total; i++)
        if (isnan(p.value[i]))
            p.var[i] = ++p.nvars;
    if (source) {
        true_counts(&p, s, n, urns, nurns, year, key);
        /* the truth must agree with every published count, or it is not
         * the source (or config) these stores were published from */
        for (size_t i = 0; i < total; i++)
            if (!isnan(p.value[i]) && fabs(p.value[i] - p.truth[i]) > 0.5)
                die("the source store and config do not give the published counts", name);
    }
    margins(&p);
    int min = s[0].min_cohort;
    for (int i = 0; i < n; i++) {
        group_sums(&p, i, urns[i], nurns[i]);
        if (!subjects)
            intake(&p, &s[i], year, atoi(key));
        if (s[i].min_cohort > min)
            min = s[i].min_cohort;
    }
    char label[512];
    snprintf(label, sizeof label, subjects ? "%s %d %s" : "%s %d KS%s", name, year, key);
    audit(&p, &s[0], min, label, t);
    for (int i = 0; i < n; i++)
        free(urns[i]);
    free_problem(&p);
}

/* The (year, key stage) or (year, subject) blocks of any of the stores. */
static void audit_stores(struct store *s, int n, const char *name)
{
    struct totals t = { 0 };
    char list[256], probe[256];
    snprintf(list, sizeof list, "SELECT DISTINCT year, CAST(%s AS TEXT) FROM %s ORDER BY 1, 2",
             KEYCOL, TABLE);
    snprintf(probe, sizeof probe, "SELECT 1 FROM %s WHERE year = ?1 AND %s = ?2 LIMIT 1",
             TABLE, KEYCOL);
    for (int i = 0; i < n; i++) {
        sqlite3_stmt *st = prep(s[i].db, list);
        while (sqlite3_step(st) == SQLITE_ROW) {
            int year = sqlite3_column_int(st, 0);
            const char *key = (const char *)sqlite3_column_text(st, 1);
            int seen = 0;
            for (int k = 0; k < i && !seen; k++) {
                sqlite3_stmt *q = prep(s[k].db, probe);
                sqlite3_bind_int(q, 1, year);
                sqlite3_bind_text(q, 2, key, -1, SQLITE_STATIC);
                seen = sqlite3_step(q) == SQLITE_ROW;
                sqlite3_finalize(q);
            }
            if (!seen && (!only_subject || strcmp(key, only_subject) == 0))
                audit_block(s, n, year, key, name, &t);
        }
        sqlite3_finalize(st);
    }
    if (source)
        printf("%s: total %ld cells, %ld hidden, %ld small; of those pinned: %ld, bounded "
               "less than %d apart: %ld; by single equations: %ld\n", name, t.cells, t.hidden,
               t.sensitive, t.pinned_small, width, t.narrowed, t.chained);
    else
        printf("%s: total %ld cells, %ld hidden; pinned: %ld small, %ld zero, %ld larger; "
               "small bounded less than %d apart: %ld\n", name, t.cells, t.hidden,
               t.pinned_small, t.pinned_zero, t.pinned_large, width, t.narrowed);
}

static const char *base(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

#define USAGE "usage: audit_store [--width W] [--verbose] [--subjects | --subject CODE] " \
    "[--source DB --config DIR] STORE..."

int main(int argc, char **argv)
{
    struct store stores[MAX_STORES];
    const char *source_path = NULL, *config_dir = NULL;
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--verbose") == 0)
            verbose = 1;
        else if (strcmp(argv[i], "--subjects") == 0)
            subjects = 1;
        else if (strcmp(argv[i], "--subject") == 0 && i + 1 < argc)
            subjects = 1, only_subject = argv[++i];
        else if (strcmp(argv[i], "--width") == 0 && i + 1 < argc)
            width = atoi(argv[++i]);
        else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
            source_path = argv[++i];
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config_dir = argv[++i];
        else if (argv[i][0] == '-' || n == MAX_STORES)
            die(USAGE, NULL);
        else
            open_store(&stores[n++], argv[i]);
    }
    if (n == 0 || width < 1 || !source_path != !config_dir)
        die(USAGE, NULL);
    if (source_path) {
        struct collab_err err = { 0 };
        if (sqlite3_open_v2(source_path, &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
            die(sqlite3_errmsg(source), source_path);
        if (cfg_load_dir(config_dir, &config, &err) != 0)
            die(err.msg, NULL);
    }
    for (int i = 0; i < n; i++)
        audit_stores(&stores[i], 1, base(stores[i].path));
    if (n > 1)
        audit_stores(stores, n, "together");
    for (int i = 0; i < n; i++)
        sqlite3_close(stores[i].db);
    sqlite3_close(source);
    cfg_free(&config);
    return 0;
}
