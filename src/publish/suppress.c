/* Primary and secondary suppression over one block of cells (publish.h).
 * Secondary suppression works margin by margin: a margin is a total and its
 * parts, a linear relation, and one unknown in a linear relation can be
 * worked out by subtraction, so a margin must never hold exactly one
 * suppressed cell. Counting the total as a member of its margin matters when
 * the total was itself suppressed to protect a cell of another margin. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "collab/publish.h"
#include "collab/util.h"
#include "publish_internal.h"

struct sup_state {
    const struct publish_cube *c;
    size_t nscopes;
    const long *n;
    unsigned char *sup;
    unsigned char *all_mask;     /* per fkey: bit d set when dimension d is "all" */
    unsigned char *scope_next;   /* scopes with a change in this round */
    unsigned char *fkey_next;    /* fkeys with a change in this round */
    long min_cohort;
    long added;
};

static void mark(struct sup_state *st, size_t idx)
{
    size_t ncells = (size_t)st->c->ncells;
    st->sup[idx] = PUBLISH_SUP_SECONDARY;
    st->scope_next[idx / ncells] = 1;
    st->fkey_next[idx % ncells] = 1;
    st->added++;
}

/* A part that holds every pupil of a total is chosen only when no other
 * will do (publish_internal.h). */
int pub_whole_of_total(const struct publish_cube *c, const long *n, size_t idx)
{
    long f = (long)(idx % (size_t)c->ncells);
    for (int d = 0; d < c->ndims; d++) {
        int ch = publish_cube_choice(c, f, d);
        if (ch != 0 && n[idx - (size_t)ch * (size_t)c->stride[d]] == n[idx])
            return 1;
    }
    return 0;
}

/* One margin: the total at `total`, parts at first + i * step, i < count. */
static void margin(struct sup_state *st, size_t total, size_t first, size_t step,
                   size_t count)
{
    const long *n = st->n;
    const unsigned char *sup = st->sup;
    int hidden = n[total] > 0 && sup[total], best_whole = 1;
    long rest = 0;
    size_t best = SIZE_MAX;

    for (size_t i = 0; i < count; i++) {
        size_t idx = first + i * step;
        if (n[idx] <= 0)
            continue;
        if (sup[idx]) {
            hidden++;
            rest += n[idx];
            continue;
        }
        if (best != SIZE_MAX && !best_whole && n[idx] >= n[best])
            continue;
        int whole = pub_whole_of_total(st->c, n, idx);
        if (best == SIZE_MAX || whole < best_whole ||
            (whole == best_whole && n[idx] < n[best])) {
            best = idx;
            best_whole = whole;
        }
    }
    /* With the total published, its hidden parts together are a count a
     * reader works out: it must not be small either. */
    int shown = n[total] > 0 && !sup[total];
    if (hidden != 1 && !(shown && rest > 0 && rest < st->min_cohort))
        return;
    if (best != SIZE_MAX)
        mark(st, best);
    else if (n[total] > 0 && !sup[total])
        mark(st, total);
}

static void scope_margins(struct sup_state *st, size_t scope)
{
    const struct publish_cube *c = st->c;
    size_t base = scope * (size_t)c->ncells;
    for (long f = 0; f < c->ncells; f++)
        for (int d = 0; d < c->ndims; d++)
            if (st->all_mask[f] & (1u << d))
                margin(st, base + (size_t)f, base + (size_t)(f + c->stride[d]),
                       (size_t)c->stride[d], (size_t)c->radix[d] - 1);
}

static void group_margin(struct sup_state *st, long fkey)
{
    size_t ncells = (size_t)st->c->ncells;
    margin(st, (size_t)fkey, ncells + (size_t)fkey, ncells, st->nscopes - 1);
}

/* Rounds revisit only the scopes and fkeys that changed in the last one; the
 * first round examines those already marked in scope_next and fkey_next. */
static void fixed_point(struct sup_state *st)
{
    const struct publish_cube *c = st->c;
    size_t ncells = (size_t)c->ncells, nscopes = st->nscopes;
    unsigned char *scope_dirty = util_xmalloc(nscopes ? nscopes : 1);
    unsigned char *fkey_dirty = util_xmalloc(ncells ? ncells : 1);

    st->all_mask = util_xcalloc(ncells ? ncells : 1, 1);
    for (size_t f = 0; f < ncells; f++)
        for (int d = 0; d < c->ndims; d++)
            if (publish_cube_choice(c, (long)f, d) == 0)
                st->all_mask[f] |= (unsigned char)(1u << d);
    for (;;) {
        long before = st->added;
        int any = 0;
        for (size_t s = 0; s < nscopes; s++)
            any |= scope_dirty[s] = st->scope_next[s];
        for (size_t f = 0; f < ncells; f++)
            any |= fkey_dirty[f] = st->fkey_next[f];
        if (!any)
            break;
        memset(st->scope_next, 0, nscopes);
        memset(st->fkey_next, 0, ncells);
        for (size_t s = 0; s < nscopes; s++)
            if (scope_dirty[s])
                scope_margins(st, s);
        if (nscopes > 1)
            for (size_t f = 0; f < ncells; f++)
                if (fkey_dirty[f])
                    group_margin(st, (long)f);
        if (st->added == before)
            break;
    }
    free(scope_dirty);
    free(fkey_dirty);
    free(st->all_mask);
}

static void state_init(struct sup_state *st, const struct publish_cube *c, size_t nscopes,
                       const long *n, unsigned char *sup, long min_cohort)
{
    size_t ncells = (size_t)c->ncells;
    *st = (struct sup_state){ c, nscopes, n, sup, NULL, NULL, NULL, min_cohort, 0 };
    st->scope_next = util_xcalloc(nscopes ? nscopes : 1, 1);
    st->fkey_next = util_xcalloc(ncells ? ncells : 1, 1);
}

static void state_free(struct sup_state *st)
{
    free(st->scope_next);
    free(st->fkey_next);
}

/* Hide the forced cells that are not hidden yet; they count as added. */
static void apply_force(struct sup_state *st, const unsigned char *force, size_t total)
{
    for (size_t i = 0; force && i < total; i++)
        if (force[i] && st->n[i] > 0 && !st->sup[i])
            mark(st, i);
}

long publish_suppress(const struct publish_cube *c, size_t nscopes,
                      const long *n, const unsigned char *force, unsigned char *sup,
                      long min_cohort)
{
    size_t ncells = (size_t)c->ncells, total = nscopes * ncells;
    struct sup_state st;

    state_init(&st, c, nscopes, n, sup, min_cohort);
    for (size_t i = 0; i < total; i++)
        sup[i] = (n[i] > 0 && n[i] < min_cohort) ? PUBLISH_SUP_PRIMARY : PUBLISH_SUP_NONE;
    apply_force(&st, force, total);
    /* a scope with no pupils in the block has nothing to protect */
    for (size_t i = 0; i < total; i++)
        if (n[i] > 0)
            st.scope_next[i / ncells] = 1;
    memset(st.fkey_next, 1, ncells);
    fixed_point(&st);
    state_free(&st);
    return st.added;
}

long publish_suppress_indicator(const struct publish_cube *c, size_t nscopes,
                                const long *n, const unsigned char *cell_sup,
                                const long *cnt, const unsigned char *force,
                                unsigned char *sup, long min_cohort)
{
    size_t ncells = (size_t)c->ncells, total = nscopes * ncells;
    struct sup_state st;

    state_init(&st, c, nscopes, cnt, sup, min_cohort);
    for (size_t i = 0; i < total; i++) {
        if (cnt[i] <= 0)
            sup[i] = PUBLISH_SUP_NONE;
        else if (cell_sup[i])
            sup[i] = PUBLISH_SUP_CELL;
        else
            sup[i] = cnt[i] < min_cohort ? PUBLISH_SUP_PRIMARY : PUBLISH_SUP_NONE;
        /* Elsewhere the indicator's margins count and hide what the cells'
         * do, and those are settled already. */
        if (n[i] > 0 && (cnt[i] <= 0 || (!cell_sup[i] && cnt[i] < min_cohort))) {
            st.scope_next[i / ncells] = 1;
            st.fkey_next[i % ncells] = 1;
        }
    }
    apply_force(&st, force, total);
    fixed_point(&st);
    state_free(&st);
    return st.added;
}
