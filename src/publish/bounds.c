/* Protection intervals by bound propagation (publish_internal.h,
 * pub_bounds_repair).
 *
 * A reader bounds a hidden count from the equations among the figures of a
 * store: every margin (a total is the sum of its parts), the group and its
 * schools, the group less its subgroups. Taking the equations one at a
 * time, each unknown is at least 0 and is what its equation's total less
 * the others leaves, rounded inwards to whole pupils; repeated, the
 * bounds tighten along chains of margins (docs/DISCLOSURE.md, the audit's
 * first step). Where a hidden count of 1 to min_cohort - 1 pupils ends up
 * with bounds less than the protection width apart, a published member of
 * the equation that set its tighter bound is hidden too, and the block is
 * suppressed again around it, until no such count is left. What only a
 * linear programme over all the equations together finds is left to the
 * audit.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "publish_internal.h"

/* The equations of a block: members[start[e] .. start[e + 1]), the first
 * the total. A member is a cell index (scope * ncells + fkey), or, at
 * nscopes * ncells + k * ncells + fkey, subgroup k's cell. */
struct eqs {
    size_t n, cap, nmem, capmem;
    size_t *start;
    size_t *mem;
};

static void eq_begin(struct eqs *q)
{
    if (q->n + 2 > q->cap) {
        q->cap = q->cap ? 2 * q->cap : 1024;
        q->start = util_xrealloc(q->start, q->cap * sizeof *q->start);
    }
    q->start[q->n] = q->nmem;
}

static void eq_add(struct eqs *q, size_t member)
{
    if (q->nmem == q->capmem) {
        q->capmem = q->capmem ? 2 * q->capmem : 4096;
        q->mem = util_xrealloc(q->mem, q->capmem * sizeof *q->mem);
    }
    q->mem[q->nmem++] = member;
}

static void eq_end(struct eqs *q)
{
    q->start[++q->n] = q->nmem;
}

static void margins(const struct pub_block *b, struct eqs *q)
{
    const struct publish_cube *c = b->cube;
    size_t ncells = (size_t)c->ncells;
    for (size_t s = 0; s < b->nscopes; s++)
        for (size_t f = 0; f < ncells; f++)
            for (int d = 0; d < c->ndims; d++) {
                if (publish_cube_choice(c, (long)f, d) != 0)
                    continue;
                eq_begin(q);
                eq_add(q, s * ncells + f);
                for (int v = 1; v < c->radix[d]; v++)
                    eq_add(q, s * ncells + f + (size_t)v * (size_t)c->stride[d]);
                eq_end(q);
            }
    for (size_t f = 0; b->nscopes > 1 && f < ncells; f++) {
        eq_begin(q);
        for (size_t s = 0; s < b->nscopes; s++)
            eq_add(q, s * ncells + f);
        eq_end(q);
    }
}

/* The group less each subgroup (the single-subgroup families of the links
 * pass, which come first). */
static void relations(const struct pub_block *b, struct eqs *q)
{
    size_t ncells = (size_t)b->cube->ncells, base = b->nscopes * ncells;
    for (size_t k = 0; k < b->nsubs; k++)
        for (size_t f = 0; f < ncells; f++) {
            eq_begin(q);
            eq_add(q, f);
            eq_add(q, base + k * ncells + f);
            for (size_t s = 1; s < b->nscopes; s++)
                if (!b->fam_scope[k * b->nscopes + s])
                    eq_add(q, s * ncells + f);
            eq_end(q);
        }
}

/* Variable v (a cell, scope * ncells + fkey, or at nscopes * ncells + k *
 * ncells + fkey subgroup k's) as a member (pub_block_member). */
static void member_of(const struct pub_block *b, size_t v, size_t *m, size_t *f)
{
    size_t ncells = (size_t)b->cube->ncells, total = b->nscopes * ncells;
    *m = v < total ? v / ncells : b->nscopes + (v - total) / ncells;
    *f = v % ncells;
}

/* A variable's count, and whether a reader sees it. */
static long member_n(const struct pub_block *b, size_t v, int *known)
{
    size_t m, f;
    int hid;
    member_of(b, v, &m, &f);
    long n = pub_block_member(b, -1, m, f, &hid);
    *known = n > 0 && !hid;
    return n;
}

/* Built once per block shape (pub_block keeps it): the equations, the
 * equations of each variable, and the work arrays. */
struct pub_bounds {
    struct eqs q;
    size_t nvars;
    size_t *vstart, *veq;       /* variable j's equations: veq[vstart[j] ..] */
    double *lb, *ub;
    size_t *why_lb, *why_ub;    /* the equation that set each bound */
    size_t *queue;              /* a ring of q.n equations */
    unsigned char *queued, *used;
    unsigned char *known;       /* per variable: a reader sees it */
    size_t head, len;
    int propagated;             /* lb and ub hold this state's bounds */
};

static void push(struct pub_bounds *bd, size_t e)
{
    if (bd->queued[e])
        return;
    bd->queued[e] = 1;
    bd->queue[(bd->head + bd->len++) % bd->q.n] = e;
}

/* The equations of a variable whose bound moved, to be looked at again. */
static void requeue(struct pub_bounds *bd, size_t j)
{
    for (size_t i = bd->vstart[j]; i < bd->vstart[j + 1]; i++)
        push(bd, bd->veq[i]);
}

/* One equation, total - sum of parts = 0: each unknown member is bounded
 * by what the others leave (their range is the whole equation's less the
 * member's own, except where an infinite bound makes that undefined).
 * Known members have lb = ub = their count. Returns whether a bound moved. */
static int tighten(struct pub_bounds *bd, size_t e)
{
    const struct eqs *q = &bd->q;
    size_t first = q->start[e], end = q->start[e + 1];
    double smin = 0, smax = 0;
    int inf_min = 0, inf_max = 0, moved = 0;
    for (size_t u = first; u < end; u++) {
        size_t k = q->mem[u];
        /* signed range: x for the total, -x for a part */
        double lo = u == first ? bd->lb[k] : -bd->ub[k];
        double hi = u == first ? bd->ub[k] : -bd->lb[k];
        if (isinf(lo))
            inf_min++;
        else
            smin += lo;
        if (isinf(hi))
            inf_max++;
        else
            smax += hi;
    }
    if (inf_min > 1 && inf_max > 1)
        return 0;
    for (size_t t = first; t < end; t++) {
        size_t j = q->mem[t];
        if (bd->known[j])
            continue;
        double lo = t == first ? bd->lb[j] : -bd->ub[j];
        double hi = t == first ? bd->ub[j] : -bd->lb[j];
        double omin = inf_min - isinf(lo) > 0 ? -INFINITY : smin - (isinf(lo) ? 0 : lo);
        double omax = inf_max - isinf(hi) > 0 ? INFINITY : smax - (isinf(hi) ? 0 : hi);
        /* the member's signed value is minus the others' */
        double xlo = t == first ? -omax : omin, xhi = t == first ? -omin : omax;
        xlo = ceil(xlo - 1e-9);
        xhi = floor(xhi + 1e-9);
        int here = 0;
        if (xlo > bd->lb[j]) {
            bd->lb[j] = xlo;
            bd->why_lb[j] = e;
            here = 1;
        }
        if (xhi < bd->ub[j]) {
            bd->ub[j] = xhi;
            bd->why_ub[j] = e;
            here = 1;
        }
        if (here)
            requeue(bd, j);
        moved |= here;
    }
    return moved;
}

/* Every equation with an unknown member once, then again each one a
 * member of which moved, until none moves (or a generous cap: bounds only
 * tighten, by whole pupils). */
static void propagate(const struct pub_block *b, struct pub_bounds *bd)
{
    const struct eqs *q = &bd->q;
    bd->propagated = 1;
    for (size_t j = 0; j < bd->nvars; j++) {
        int known;
        long n = member_n(b, j, &known);
        bd->known[j] = (unsigned char)known;
        bd->lb[j] = known ? (double)n : 0;
        bd->ub[j] = known ? (double)n : INFINITY;
        bd->why_lb[j] = bd->why_ub[j] = SIZE_MAX;
    }
    for (size_t e = 0; e < q->n; e++)
        for (size_t t = q->start[e]; t < q->start[e + 1]; t++)
            if (!bd->known[q->mem[t]]) {
                push(bd, e);
                break;
            }
    for (size_t steps = 0; bd->len > 0 && steps < 100 * q->n; steps++) {
        size_t e = bd->queue[bd->head];
        bd->head = (bd->head + 1) % q->n;
        bd->len--;
        bd->queued[e] = 0;
        tighten(bd, e);
    }
    while (bd->len > 0) {
        bd->queued[bd->queue[bd->head]] = 0;
        bd->head = (bd->head + 1) % q->n;
        bd->len--;
    }
}

static struct pub_bounds *bounds_new(const struct pub_block *b)
{
    size_t ncells = (size_t)b->cube->ncells;
    struct pub_bounds *bd = util_xcalloc(1, sizeof *bd);
    margins(b, &bd->q);
    relations(b, &bd->q);
    bd->nvars = b->nscopes * ncells + b->nsubs * ncells;
    bd->vstart = util_xcalloc(bd->nvars + 2, sizeof *bd->vstart);
    bd->veq = util_xcalloc(bd->q.nmem + 1, sizeof *bd->veq);
    for (size_t k = 0; k < bd->q.nmem; k++)
        bd->vstart[bd->q.mem[k] + 1]++;
    for (size_t j = 0; j < bd->nvars; j++)
        bd->vstart[j + 1] += bd->vstart[j];
    size_t *fill = util_xcalloc(bd->nvars + 1, sizeof *fill);
    for (size_t e = 0; e < bd->q.n; e++)
        for (size_t t = bd->q.start[e]; t < bd->q.start[e + 1]; t++) {
            size_t j = bd->q.mem[t];
            bd->veq[bd->vstart[j] + fill[j]++] = e;
        }
    free(fill);
    bd->lb = util_xcalloc(bd->nvars + 1, sizeof *bd->lb);
    bd->ub = util_xcalloc(bd->nvars + 1, sizeof *bd->ub);
    bd->why_lb = util_xcalloc(bd->nvars + 1, sizeof *bd->why_lb);
    bd->why_ub = util_xcalloc(bd->nvars + 1, sizeof *bd->why_ub);
    bd->queue = util_xcalloc(bd->q.n + 1, sizeof *bd->queue);
    bd->queued = util_xcalloc(bd->q.n + 1, 1);
    bd->used = util_xcalloc(bd->q.n + 1, 1);
    bd->known = util_xcalloc(bd->nvars + 1, 1);
    return bd;
}

void pub_bounds_free(struct pub_bounds *bd)
{
    if (!bd)
        return;
    free(bd->q.start);
    free(bd->q.mem);
    free(bd->vstart);
    free(bd->veq);
    free(bd->lb);
    free(bd->ub);
    free(bd->why_lb);
    free(bd->why_ub);
    free(bd->queue);
    free(bd->queued);
    free(bd->used);
    free(bd->known);
    free(bd);
}

/* Hide the smallest published member of equation e (one holding every
 * pupil of a coarser cell last, as in a margin). 1 when one was hidden. */
static int hide_in(struct pub_block *b, const struct eqs *q, size_t e)
{
    size_t total = b->nscopes * (size_t)b->cube->ncells, best = SIZE_MAX;
    long best_n = 0;
    int best_whole = 2;
    for (size_t t = q->start[e]; t < q->start[e + 1]; t++) {
        size_t m = q->mem[t];
        int known;
        long n = member_n(b, m, &known);
        if (!known)
            continue;
        int whole = m < total ? pub_whole_of_total(b->cube, b->n, m) : 1;
        if (whole < best_whole || (whole == best_whole && n < best_n)) {
            best = m;
            best_n = n;
            best_whole = whole;
        }
    }
    if (best == SIZE_MAX)
        return 0;
    size_t m, f;
    member_of(b, best, &m, &f);
    pub_block_hide(b, -1, m, f);
    return 1;
}

void pub_bounds_of(const struct pub_block *b, size_t idx, double *lo, double *hi)
{
    const struct pub_bounds *bd = b->bounds;
    int have = bd && bd->propagated && idx < bd->nvars;
    *lo = have ? bd->lb[idx] : 0;
    *hi = have ? bd->ub[idx] : INFINITY;
}

long pub_bounds_repair(struct pub_block *b)
{
    size_t total = b->nscopes * (size_t)b->cube->ncells;
    long hidden = 0;

    if (b->protect_width < 1)
        return 0;
    if (!b->bounds)
        b->bounds = bounds_new(b);
    struct pub_bounds *bd = b->bounds;
    if (bd->q.n == 0)
        return 0;
    propagate(b, bd);
    /* one more hidden member per equation and round: the next round's
     * bounds say whether it was enough */
    memset(bd->used, 0, bd->q.n);
    for (size_t i = 0; i < total; i++) {
        if (b->n[i] <= 0 || b->n[i] >= b->min_cohort || !b->sup[i])
            continue;
        if (bd->ub[i] - bd->lb[i] >= b->protect_width)
            continue;
        /* loosen the tighter side first: the bound nearer the count */
        size_t first = bd->ub[i] - (double)b->n[i] <= (double)b->n[i] - bd->lb[i]
                       ? bd->why_ub[i] : bd->why_lb[i];
        size_t second = first == bd->why_ub[i] ? bd->why_lb[i] : bd->why_ub[i];
        if (first != SIZE_MAX && bd->used[first])
            continue;
        if (first != SIZE_MAX && hide_in(b, &bd->q, first)) {
            bd->used[first] = 1;
            hidden++;
        } else if (second != SIZE_MAX && !bd->used[second] && hide_in(b, &bd->q, second)) {
            bd->used[second] = 1;
            hidden++;
        }
    }
    return hidden;
}
