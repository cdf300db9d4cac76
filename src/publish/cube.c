/* The filter cube and the dense accumulators of one block (publish_internal.h).
 * A pupil belongs to 2^k cells, k the number of dimensions where it has a
 * value: every combination of "all" and its own value. */
#include "config.h"

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
    b->width = 1 + 3 * nind;
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

void pub_block_reset(struct pub_block *b)
{
    size_t ncells = (size_t)b->cube->ncells;
    memset(b->school, 0, ncells * b->width * sizeof(double));
    memset(b->group, 0, ncells * b->width * sizeof(double));
    memset(b->n, 0, b->nscopes * ncells * sizeof(long));
    memset(b->sup, 0, b->nscopes * ncells);
    memset(b->force, 0, b->nscopes * ncells);
    b->nforce_ind = 0;
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
        if (cell[1 + 3 * i] > 0)
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
            double *t = cell + 1 + 3 * i;
            t[0] += 1;
            t[1] += v1[i];
            t[2] += v2[i];
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

/* Indicator i's own suppression (publish_suppress_indicator); where it hides
 * the indicator of a published cell, its count becomes -1, which the writer
 * leaves NULL as it does any count under min_cohort. */
static void suppress_indicator(struct pub_block *b, size_t i)
{
    size_t ncells = (size_t)b->cube->ncells, w = b->width, off = 1 + 3 * i;
    size_t total = b->nscopes * ncells;

    if (b->group[off] <= 0)
        return;     /* fkey 0 holds every pupil: none has this indicator */
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
    publish_suppress_indicator(b->cube, b->nscopes, b->n, b->sup, b->cnt,
                               indicator_force(b, i, 1), b->ind_sup, b->min_cohort);
    indicator_force(b, i, 0);
    for (size_t f = 0; f < ncells; f++)
        if (b->ind_sup[f] == PUBLISH_SUP_SECONDARY)
            b->group[f * w + off] = -1;
    for (size_t k = 0; k < b->nkept; k++)
        if (b->ind_sup[b->kept_scope[k] * ncells + (size_t)b->kept_fkey[k]] ==
            PUBLISH_SUP_SECONDARY)
            b->kept_vals[k * w + off] = -1;
}

void pub_block_finish(struct pub_block *b)
{
    size_t ncells = (size_t)b->cube->ncells;
    close_school(b);
    for (size_t f = 0; f < ncells; f++)
        b->n[f] = (long)b->group[f * b->width];
    publish_suppress(b->cube, b->nscopes, b->n, b->force, b->sup, b->min_cohort);
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
    memset(b, 0, sizeof *b);
}
