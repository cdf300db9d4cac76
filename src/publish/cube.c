/* The filter cube and the dense accumulators of one block (publish_internal.h).
 * A pupil belongs to 2^k cells, k the number of dimensions where it has a
 * value: every combination of "all" and its own value. */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include "collab/util.h"
#include "publish_internal.h"

int publish_cube_init(struct publish_cube *c, const int *nvalues,
                      const unsigned char *unknown, int ndims, struct collab_err *err)
{
    memset(c, 0, sizeof *c);
    if (ndims < 0 || ndims > PUBLISH_MAX_DIMS)
        return collab_err_set(err, "at most %d filters can be published", PUBLISH_MAX_DIMS);
    long stride = 1;
    for (int d = 0; d < ndims; d++) {
        c->unknown[d] = unknown && unknown[d];
        c->radix[d] = nvalues[d] + 1 + c->unknown[d];
        c->stride[d] = stride;
        stride *= c->radix[d];
    }
    c->ndims = ndims;
    c->ncells = stride;
    return 0;
}

int publish_cube_choice(const struct publish_cube *c, long fkey, int d)
{
    return (int)((fkey / c->stride[d]) % c->radix[d]);
}

int publish_cube_value(const struct publish_cube *c, int d, int value)
{
    if (value >= 0)
        return value + 1;
    return c->unknown[d] ? c->radix[d] - 1 : 0;
}

void pub_block_init(struct pub_block *b, const struct publish_cube *cube,
                    size_t nscopes, size_t nind, long min_cohort)
{
    size_t ncells = (size_t)cube->ncells;
    memset(b, 0, sizeof *b);
    b->cube = cube;
    b->nscopes = nscopes;
    b->nind = nind;
    b->width = 1 + PUB_IND_WIDTH * nind;
    b->min_cohort = min_cohort;
    b->school = util_xcalloc(ncells * b->width, sizeof(double));
    b->group = util_xcalloc(ncells * b->width, sizeof(double));
    b->n = util_xcalloc(nscopes * ncells, sizeof(long));
    b->sup = util_xcalloc(nscopes * ncells, 1);
    b->small_has = util_xcalloc((nscopes * ncells * nind + 7) / 8 + 1, 1);
    b->cnt = util_xcalloc(nscopes * ncells, sizeof(long));
    b->ind_sup = util_xcalloc(nscopes * ncells, 1);
    b->force = util_xcalloc(nscopes * ncells, 1);
    b->ind_force = util_xcalloc(nscopes * ncells, 1);
}

/* Family j: the subgroups marked in subs (nsubs bytes) and their schools. */
static void add_family(struct pub_block *b, const unsigned char *subs)
{
    size_t j = b->nfam++;
    for (size_t k = 0; k < b->nsubs; k++) {
        if (!subs[k])
            continue;
        b->fam_sub[j * b->nsubs + k] = 1;
        for (size_t i = 0; i < b->subs[k].nscopes; i++)
            b->fam_scope[j * b->nscopes + b->subs[k].scopes[i]] = 1;
    }
}

/* The families of subgroups a reader subtracts together: each subgroup
 * alone, and the largest subgroups that share no school, taken greedily. */
static void plan_families(struct pub_block *b)
{
    size_t n = b->nsubs;
    unsigned char *one = util_xcalloc(n + 1, 1), *disjoint = util_xcalloc(n + 1, 1);
    unsigned char *taken = util_xcalloc(b->nscopes, 1);
    size_t ndisjoint = 0;
    b->fam_sub = util_xcalloc((n + 1) * n + 1, 1);
    b->fam_scope = util_xcalloc((n + 1) * b->nscopes, 1);
    for (size_t k = 0; k < n; k++) {
        one[k] = 1;
        add_family(b, one);
        one[k] = 0;
        int clash = 0;
        for (size_t i = 0; i < b->subs[k].nscopes; i++)
            clash |= taken[b->subs[k].scopes[i]];
        if (clash)
            continue;
        for (size_t i = 0; i < b->subs[k].nscopes; i++)
            taken[b->subs[k].scopes[i]] = 1;
        disjoint[k] = 1;
        ndisjoint++;
    }
    if (ndisjoint > 1)
        add_family(b, disjoint);
    free(one);
    free(disjoint);
    free(taken);
}

void pub_block_subgroups(struct pub_block *b, const struct pub_subgroup *subs, size_t n)
{
    size_t ncells = (size_t)b->cube->ncells;
    b->subs = subs;
    b->nsubs = n;
    b->sub_sup = util_xcalloc(n * ncells + 1, 1);
    b->sub_new = util_xcalloc(n * ncells + 1, 1);
    b->sub_acc = util_xcalloc(n * ncells * (1 + b->nind) + 1, sizeof *b->sub_acc);
    b->sub_ind = util_xcalloc(n * ncells * b->nind + 1, 1);
    b->sub_ind_new = util_xcalloc(n * ncells * b->nind + 1, 1);
    b->holder_start = util_xcalloc(b->nscopes + 1, sizeof *b->holder_start);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < subs[k].nscopes; i++)
            b->holder_start[subs[k].scopes[i] + 1]++;
    for (size_t s = 0; s < b->nscopes; s++)
        b->holder_start[s + 1] += b->holder_start[s];
    b->holder = util_xcalloc(b->holder_start[b->nscopes] + 1, sizeof *b->holder);
    size_t *fill = util_xcalloc(b->nscopes, sizeof *fill);
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < subs[k].nscopes; i++) {
            size_t s = subs[k].scopes[i];
            b->holder[b->holder_start[s] + fill[s]++] = k;
        }
    free(fill);
    plan_families(b);
}

void pub_block_sub_hidden(struct pub_block *b, size_t k, long fkey)
{
    b->sub_sup[k * (size_t)b->cube->ncells + (size_t)fkey] = 1;
}

void pub_block_sub_ind_hidden(struct pub_block *b, size_t k, long fkey, int ind)
{
    size_t at = (k * (size_t)b->cube->ncells + (size_t)fkey) * b->nind + (size_t)ind;
    b->sub_ind[at] = 1;
}

void pub_block_reset(struct pub_block *b)
{
    size_t ncells = (size_t)b->cube->ncells;
    memset(b->school, 0, ncells * b->width * sizeof(double));
    memset(b->group, 0, ncells * b->width * sizeof(double));
    memset(b->n, 0, b->nscopes * ncells * sizeof(long));
    memset(b->sup, 0, b->nscopes * ncells);
    memset(b->force, 0, b->nscopes * ncells);
    if (b->lp_settled)
        memset(b->lp_settled, 0, b->nscopes * ncells);
    b->nforce_ind = 0;
    if (b->nsubs) {
        memset(b->sub_sup, 0, b->nsubs * ncells);
        memset(b->sub_new, 0, b->nsubs * ncells);
        memset(b->sub_acc, 0, b->nsubs * ncells * (1 + b->nind) * sizeof *b->sub_acc);
        memset(b->sub_ind, 0, b->nsubs * ncells * b->nind);
        memset(b->sub_ind_new, 0, b->nsubs * ncells * b->nind);
    }
    b->cur_scope = 0;
    b->nkept = 0;
    b->touched = 0;
}

static void keep(struct pub_block *b, size_t scope, long fkey, const double *cell)
{
    if (b->nkept == b->capkept) {
        b->capkept = b->capkept ? 2 * b->capkept : 256;
        b->kept_scope = util_xrealloc(b->kept_scope, b->capkept * sizeof *b->kept_scope);
        b->kept_fkey = util_xrealloc(b->kept_fkey, b->capkept * sizeof *b->kept_fkey);
        b->kept_vals = util_xrealloc(b->kept_vals, b->capkept * b->width * sizeof(double));
    }
    b->kept_scope[b->nkept] = scope;
    b->kept_fkey[b->nkept] = fkey;
    memcpy(b->kept_vals + b->nkept * b->width, cell, b->width * sizeof(double));
    b->nkept++;
}

/* Of a cell too small to keep, the indicator suppression needs only to know
 * which indicators it holds at all (a hidden member of a margin counts when
 * its count is above 0). */
static void note_small(struct pub_block *b, size_t idx, const double *cell)
{
    for (size_t i = 0; i < b->nind; i++) {
        size_t bit = idx * b->nind + i;
        unsigned char m = (unsigned char)(1u << (bit % 8));
        if (cell[1 + PUB_IND_WIDTH * i] > 0)
            b->small_has[bit / 8] |= m;
        else
            b->small_has[bit / 8] &= (unsigned char)~m;
    }
}

/* The current school is complete: record its counts, add it to the group and
 * keep what primary suppression lets through. */
static void close_school(struct pub_block *b)
{
    size_t scope = b->cur_scope, ncells = (size_t)b->cube->ncells, w = b->width;
    if (scope == 0)
        return;
    for (size_t f = 0; f < ncells; f++) {
        double *cell = b->school + f * w;
        if (cell[0] <= 0)
            continue;
        double *g = b->group + f * w;
        for (size_t i = 0; i < w; i++)
            g[i] += cell[i];
        b->n[scope * ncells + f] = (long)cell[0];
        for (size_t h = b->holder_start[scope]; h < b->holder_start[scope + 1]; h++) {
            double *acc = b->sub_acc + (b->holder[h] * ncells + f) * (1 + b->nind);
            acc[0] += cell[0];
            for (size_t i = 0; i < b->nind; i++)
                acc[1 + i] += cell[1 + PUB_IND_WIDTH * i];
        }
        if ((long)cell[0] >= b->min_cohort)
            keep(b, scope, (long)f, cell);
        else
            note_small(b, scope * ncells + f, cell);
        memset(cell, 0, w * sizeof(double));
    }
    b->cur_scope = 0;
}

void pub_block_add(struct pub_block *b, size_t scope, const int *choice,
                   const unsigned char *has, const double *v1, const double *v2)
{
    long offs[1 << PUBLISH_MAX_DIMS];
    size_t noffs = 1, w = b->width;

    if (scope != b->cur_scope) {
        close_school(b);
        b->cur_scope = scope;
    }
    b->touched = 1;
    offs[0] = 0;
    for (int d = 0; d < b->cube->ndims; d++) {
        if (choice[d] <= 0)
            continue;
        long add = choice[d] * b->cube->stride[d];
        for (size_t i = 0; i < noffs; i++)
            offs[noffs + i] = offs[i] + add;
        noffs *= 2;
    }
    for (size_t k = 0; k < noffs; k++) {
        double *cell = b->school + (size_t)offs[k] * w;
        cell[0] += 1;
        for (size_t i = 0; i < b->nind; i++) {
            if (!has[i])
                continue;
            double *t = cell + 1 + PUB_IND_WIDTH * i;
            t[PUB_N] += 1;
            t[PUB_S1] += v1[i];
            t[PUB_S2] += v2[i];
            t[PUB_Q11] += v1[i] * v1[i];
            t[PUB_Q22] += v2[i] * v2[i];
            t[PUB_Q12] += v1[i] * v2[i];
        }
    }
}

void pub_block_force(struct pub_block *b, size_t scope, long fkey, int ind)
{
    size_t idx = scope * (size_t)b->cube->ncells + (size_t)fkey;
    if (ind < 0) {
        b->force[idx] = 1;
        return;
    }
    if (b->nforce_ind == b->capforce_ind) {
        b->capforce_ind = b->capforce_ind ? 2 * b->capforce_ind : 64;
        b->force_ind = util_xrealloc(b->force_ind, b->capforce_ind * sizeof *b->force_ind);
    }
    b->force_ind[b->nforce_ind++] = idx * b->nind + (size_t)ind;
}

/* Mark (on 1) or clear (on 0) indicator i's forced cells in ind_force; NULL
 * when it has none. */
static const unsigned char *indicator_force(struct pub_block *b, size_t i, int on)
{
    const unsigned char *any = NULL;
    for (size_t k = 0; k < b->nforce_ind; k++)
        if (b->force_ind[k] % b->nind == i) {
            b->ind_force[b->force_ind[k] / b->nind] = (unsigned char)on;
            any = b->ind_force;
        }
    return any;
}

/* A subgroup's small cell is hidden in its store as here. */
static void subgroup_small(struct pub_block *b)
{
    size_t ncells = (size_t)b->cube->ncells;
    for (size_t at = 0; at < b->nsubs * ncells; at++) {
        long n = (long)b->sub_acc[at * (1 + b->nind)];
        if (n > 0 && n < b->min_cohort)
            b->sub_sup[at] = 1;
    }
}

/* Which member of a relation to hide first: a school of another subgroup,
 * then a school in none (the next relation with every subgroup would
 * otherwise be left with one hidden school and no school to add), then a
 * group's own cell; for the cells, a school's cell that holds every pupil
 * of a coarser one after the others of its kind; the smallest within each. */
static int relation_tier(const struct pub_block *b, int ind, size_t m, size_t f)
{
    if (m == 0 || m >= b->nscopes)
        return 4;
    size_t idx = m * (size_t)b->cube->ncells + f;
    int in_sub = b->holder_start[m + 1] > b->holder_start[m];
    return (in_sub ? 0 : 2) + (ind < 0 && pub_whole_of_total(b->cube, b->n, idx));
}

/* A member of a relation for the cells (ind -1) or indicator ind: its
 * count and whether a reader sees it. Members are scopes below nscopes
 * (the group's cell and its schools'), then subgroup k at nscopes + k.
 * Where the cell is small an indicator's count is only 0 or 1 (has it or
 * not): such a cell is hidden, and only published counts are summed. */
long pub_block_member(const struct pub_block *b, int ind, size_t m, size_t f, int *hid)
{
    size_t ncells = (size_t)b->cube->ncells;
    if (m < b->nscopes) {
        size_t idx = m * ncells + f;
        *hid = ind < 0 ? b->sup[idx] != 0 : b->ind_sup[idx] != PUBLISH_SUP_NONE;
        return ind < 0 ? b->n[idx] : b->cnt[idx];
    }
    size_t k = m - b->nscopes, at = k * ncells + f;
    long n = (long)b->sub_acc[at * (1 + b->nind) + (ind < 0 ? 0 : 1 + (size_t)ind)];
    *hid = b->sub_sup[at] || (ind >= 0 && (b->sub_ind[at * b->nind + (size_t)ind] ||
                                           n < b->min_cohort));
    return n;
}

void pub_block_hide(struct pub_block *b, int ind, size_t m, size_t f)
{
    size_t ncells = (size_t)b->cube->ncells;
    if (m < b->nscopes) {
        if (ind < 0)
            b->sup[m * ncells + f] = PUBLISH_SUP_SECONDARY;
        else
            b->ind_sup[m * ncells + f] = PUBLISH_SUP_SECONDARY;
        return;
    }
    size_t at = (m - b->nscopes) * ncells + f;
    if (ind < 0) {
        b->sub_sup[at] = b->sub_new[at] = 1;
    } else {
        at = at * b->nind + (size_t)ind;
        b->sub_ind[at] = b->sub_ind_new[at] = 1;
    }
}

/* One relation, for the cells (ind -1) or indicator ind: the group's cell
 * f, the cells of the subgroups of family j, and the cells of the schools
 * in none of them. A relation with exactly one hidden
 * member gives it away, as a margin does, and so does one whose hidden
 * members hold 1 to min_cohort - 1 pupils under a published group cell:
 * another member is hidden too (relation_tier). A school's indicator is
 * marked SECONDARY (the caller suppresses again around it). */
static long relation(struct pub_block *b, int ind, size_t j, size_t f)
{
    size_t best = SIZE_MAX;
    long best_n = 0, shown_sum = 0, total = 0;
    int hidden = 0, best_tier = 5, total_shown = 0;
    for (size_t m = 0; m < b->nscopes + b->nsubs; m++) {
        if ((m > 0 && m < b->nscopes && b->fam_scope[j * b->nscopes + m]) ||
            (m >= b->nscopes && !b->fam_sub[j * b->nsubs + m - b->nscopes]))
            continue;
        int hid;
        long n = pub_block_member(b, ind, m, f, &hid);
        if (m == 0) {
            total = n;
            total_shown = n > 0 && !hid;
        }
        if (n <= 0)
            continue;
        if (hid) {
            hidden++;
            continue;
        }
        if (m > 0)
            shown_sum += n;
        int tier = relation_tier(b, ind, m, f);
        if (tier < best_tier || (tier == best_tier && n < best_n)) {
            best = m;
            best_n = n;
            best_tier = tier;
        }
    }
    /* with the group's cell published, the hidden members together are a
     * count a reader works out, as in a margin */
    long rest = total_shown ? total - shown_sum : 0;
    if ((hidden != 1 && !(rest > 0 && rest < b->min_cohort)) || best == SIZE_MAX)
        return 0;
    pub_block_hide(b, ind, best, f);
    return 1;
}

/* Every relation of the block for the cells (ind -1) or indicator ind. */
static long links_pass(struct pub_block *b, int ind)
{
    long added = 0;
    for (size_t j = 0; j < b->nfam; j++)
        for (size_t f = 0; f < (size_t)b->cube->ncells; f++)
            added += relation(b, ind, j, f);
    return added;
}

/* Indicator i's count in every cell: exact where the cell is kept or is
 * the group's, and 1 or 0 (has it or not) in a small school cell, which is
 * hidden whatever its count. */
static void indicator_counts(struct pub_block *b, size_t i)
{
    size_t ncells = (size_t)b->cube->ncells, w = b->width, off = 1 + PUB_IND_WIDTH * i;
    size_t total = b->nscopes * ncells;
    for (size_t f = 0; f < ncells; f++)
        b->cnt[f] = (long)b->group[f * w + off];
    for (size_t idx = ncells; idx < total; idx++) {
        size_t bit = idx * b->nind + i;
        b->cnt[idx] = b->n[idx] > 0 && b->n[idx] < b->min_cohort &&
                      (b->small_has[bit / 8] & (1u << (bit % 8)));
    }
    for (size_t k = 0; k < b->nkept; k++)
        b->cnt[b->kept_scope[k] * ncells + (size_t)b->kept_fkey[k]] =
            (long)b->kept_vals[k * w + off];
}

/* Indicator i's own suppression (publish_suppress_indicator), then its
 * relations with the subgroups, each again around the other; where it
 * hides the indicator of a published cell, its count becomes -1, which the
 * writer leaves NULL as it does any count under min_cohort. */
static void suppress_indicator(struct pub_block *b, size_t i)
{
    size_t ncells = (size_t)b->cube->ncells, w = b->width, off = 1 + PUB_IND_WIDTH * i;
    size_t total = b->nscopes * ncells;

    if (b->group[off] <= 0)
        return;     /* fkey 0 holds every pupil: none has this indicator */
    indicator_counts(b, i);
    publish_suppress_indicator(b->cube, b->nscopes, b->n, b->sup, b->cnt,
                               indicator_force(b, i, 1), b->ind_sup, b->min_cohort);
    while (b->nsubs && links_pass(b, (int)i) > 0) {
        for (size_t idx = 0; idx < total; idx++)
            if (b->ind_sup[idx] == PUBLISH_SUP_SECONDARY)
                b->ind_force[idx] = 1;
        publish_suppress_indicator(b->cube, b->nscopes, b->n, b->sup, b->cnt, b->ind_force,
                                   b->ind_sup, b->min_cohort);
    }
    memset(b->ind_force, 0, total);
    for (size_t f = 0; f < ncells; f++)
        if (b->ind_sup[f] == PUBLISH_SUP_SECONDARY)
            b->group[f * w + off] = -1;
    for (size_t k = 0; k < b->nkept; k++)
        if (b->ind_sup[b->kept_scope[k] * ncells + (size_t)b->kept_fkey[k]] ==
            PUBLISH_SUP_SECONDARY)
            b->kept_vals[k * w + off] = -1;
}

/* Margins, then the subgroup relations, then the bounds, each again
 * around what the others hid, until none hides more (ind_force is free scratch until the
 * indicators' turn). */
static void suppress_cells(struct pub_block *b)
{
    size_t total = b->nscopes * (size_t)b->cube->ncells;
    publish_suppress(b->cube, b->nscopes, b->n, b->force, b->sup, b->min_cohort);
    subgroup_small(b);
    for (;;) {
        long more = b->nsubs ? links_pass(b, -1) : 0;
        if (!more)
            more = pub_bounds_repair(b);
        if (!more)
            more = pub_intervals_repair(b);
        if (!more)
            break;
        memcpy(b->ind_force, b->sup, total);
        publish_suppress(b->cube, b->nscopes, b->n, b->ind_force, b->sup, b->min_cohort);
    }
    memset(b->ind_force, 0, total);
}

void pub_block_finish(struct pub_block *b)
{
    size_t ncells = (size_t)b->cube->ncells;
    close_school(b);
    for (size_t f = 0; f < ncells; f++)
        b->n[f] = (long)b->group[f * b->width];
    suppress_cells(b);
    for (size_t i = 0; i < b->nind; i++)
        suppress_indicator(b, i);
}

void pub_block_free(struct pub_block *b)
{
    free(b->school);
    free(b->group);
    free(b->n);
    free(b->sup);
    free(b->small_has);
    free(b->cnt);
    free(b->ind_sup);
    free(b->kept_scope);
    free(b->kept_fkey);
    free(b->kept_vals);
    free(b->force);
    free(b->ind_force);
    free(b->force_ind);
    free(b->sub_sup);
    free(b->sub_new);
    free(b->sub_acc);
    free(b->sub_ind);
    free(b->sub_ind_new);
    free(b->holder_start);
    free(b->holder);
    free(b->fam_sub);
    free(b->fam_scope);
    pub_bounds_free(b->bounds);
    free(b->lp_settled);
    memset(b, 0, sizeof *b);
}
