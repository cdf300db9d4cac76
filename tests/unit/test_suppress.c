/* Primary and secondary suppression on hand-made blocks of cells. */
#include "config.h"

#include <stdlib.h>

#include "collab/publish.h"
#include "tap.h"

#define MIN 6

/* One dimension with nv values; nscopes scopes; counts row by row. */
static struct publish_cube cube1(int nv)
{
    struct publish_cube c;
    struct collab_err err = { 0 };
    publish_cube_init(&c, &nv, NULL, 1, &err);
    return c;
}

static void one_small_part(void)
{
    struct publish_cube c = cube1(3);
    long n[] = { 30, 3, 10, 17 };          /* all, a, b, c */
    unsigned char sup[4];
    long added = publish_suppress(&c, 1, n, NULL, sup, MIN);
    is_int(sup[1], PUBLISH_SUP_PRIMARY, "a part of 3 is suppressed");
    is_int(sup[2], PUBLISH_SUP_SECONDARY, "the next smallest part (10) is suppressed too");
    is_int(sup[3], PUBLISH_SUP_NONE, "the largest part stays");
    is_int(sup[0], PUBLISH_SUP_NONE, "the total stays");
    is_int(added, 1, "one secondary suppression");
}

static void two_small_parts(void)
{
    struct publish_cube c = cube1(3);
    long n[] = { 20, 3, 4, 13 };
    unsigned char sup[4];
    long added = publish_suppress(&c, 1, n, NULL, sup, MIN);
    ok(sup[1] == PUBLISH_SUP_PRIMARY && sup[2] == PUBLISH_SUP_PRIMARY,
       "two small parts are both suppressed");
    is_int(sup[3], PUBLISH_SUP_NONE, "the third part stays: two unknowns cannot be split");
    is_int(added, 0, "nothing more is suppressed");
}

/* Two hidden parts protect each other, but together they are the total
 * less the published parts: 2 + 3 = 5 pupils, a small count too. */
static void small_remainder(void)
{
    struct publish_cube c = cube1(3);
    long n[] = { 30, 2, 3, 25 };
    unsigned char sup[4];
    long added = publish_suppress(&c, 1, n, NULL, sup, MIN);
    ok(sup[1] == PUBLISH_SUP_PRIMARY && sup[2] == PUBLISH_SUP_PRIMARY, "the parts of 2 and 3 are hidden");
    is_int(sup[3], PUBLISH_SUP_SECONDARY, "and the 25, or 30 - 25 would say 5 pupils are in them");
    is_int(sup[0], PUBLISH_SUP_NONE, "the total stays");
    is_int(added, 1, "one secondary suppression");
}

static void empty_parts_ignored(void)
{
    struct publish_cube c = cube1(2);
    long n[] = { 9, 0, 9 };                /* every pupil in one part */
    unsigned char sup[3];
    publish_suppress(&c, 1, n, NULL, sup, MIN);
    ok(sup[0] == 0 && sup[1] == 0 && sup[2] == 0, "an empty part is neither suppressed nor counted");
}

static void school_in_group_margin(void)
{
    /* no filter dimensions: one cell per scope; group, A, B */
    struct publish_cube c;
    struct collab_err err = { 0 };
    publish_cube_init(&c, NULL, NULL, 0, &err);
    long n[] = { 100, 97, 3 };
    unsigned char sup[3];
    publish_suppress(&c, 3, n, NULL, sup, MIN);
    is_int(sup[2], PUBLISH_SUP_PRIMARY, "a school of 3 is suppressed");
    is_int(sup[1], PUBLISH_SUP_SECONDARY,
           "the other school is suppressed, or the group total would give it away");
    is_int(sup[0], PUBLISH_SUP_NONE, "the group total stays");

    long n3[] = { 100, 60, 37, 3 };
    unsigned char sup3[4];
    publish_suppress(&c, 4, n3, NULL, sup3, MIN);
    ok(sup3[3] == PUBLISH_SUP_PRIMARY && sup3[2] == PUBLISH_SUP_SECONDARY &&
       sup3[1] == PUBLISH_SUP_NONE, "with three schools the smaller other one goes");
}

/* School B's pupils have no value of the dimension (say no prior band), so
 * B's total is its only cell. Hiding it hides A's total (group margin); A's
 * total then sits alone in A's own margin, which needs a later round, and
 * that reaches back into the group's cells. */
static void chain_needs_more_rounds(void)
{
    struct publish_cube c = cube1(3);
    long n[] = {
        40, 10, 12, 15,     /* group: all, a, b, c */
        37, 10, 12, 15,     /* school A */
        3, 0, 0, 0,         /* school B */
    };
    unsigned char sup[12];
    long added = publish_suppress(&c, 3, n, NULL, sup, MIN);
    is_int(sup[8], PUBLISH_SUP_PRIMARY, "B's total (3) is suppressed");
    is_int(sup[4], PUBLISH_SUP_SECONDARY, "A's total follows through the group margin");
    is_int(sup[5], PUBLISH_SUP_SECONDARY, "then A's smallest part (a, 10)");
    is_int(sup[1], PUBLISH_SUP_SECONDARY, "then the group's a, equal to A's a");
    is_int(sup[2], PUBLISH_SUP_SECONDARY, "then the group's next smallest part (b)");
    is_int(sup[6], PUBLISH_SUP_SECONDARY, "and A's b, equal to the group's b");
    is_int(sup[7], PUBLISH_SUP_NONE, "A's c stays");
    is_int(sup[0], PUBLISH_SUP_NONE, "the group total stays");
    is_int(added, 5, "five secondary suppressions");
}

/* One dimension with nv values and the unknown choice (pupils with no value,
 * say no KS2 prior band): cells all, 1 .. nv, then unknown. */
static struct publish_cube cube1u(int nv)
{
    struct publish_cube c;
    struct collab_err err = { 0 };
    unsigned char unknown = 1;
    publish_cube_init(&c, &nv, &unknown, 1, &err);
    return c;
}

static void unknown_choice(void)
{
    struct publish_cube c = cube1u(3), plain = cube1(3);
    is_int(c.radix[0], 5, "three values, all and unknown: five choices");
    is_int(publish_cube_value(&c, 0, 1), 2, "the second value is choice 2");
    is_int(publish_cube_value(&c, 0, -1), 4, "no value is the unknown choice, the last");
    is_int(publish_cube_value(&plain, 0, -1), 0, "without the unknown choice: only in all");

    int nv[2] = { 3, 2 };
    unsigned char unknown[2] = { 1, 0 };
    struct collab_err err = { 0 };
    publish_cube_init(&c, nv, unknown, 2, &err);
    is_int(c.stride[1], 5, "a later dimension's stride counts the unknown choice");
    is_int(c.ncells, 15, "5 x 3 cells");
}

/* Castlegate 2018 FSM6: 23 pupils, 9 low prior, 13 middle, none high and
 * one with no prior band. Total minus the three bands would be that pupil. */
static void unknown_remainder_forces_second(void)
{
    struct publish_cube c = cube1u(3);
    long n[] = { 23, 9, 13, 0, 1 };         /* all, low, middle, high, unknown */
    unsigned char sup[5];
    long added = publish_suppress(&c, 1, n, NULL, sup, MIN);
    is_int(sup[4], PUBLISH_SUP_PRIMARY, "the one pupil with no prior band is suppressed");
    is_int(sup[1], PUBLISH_SUP_SECONDARY,
           "and the smallest band (low, 9): total minus the bands would give the one");
    ok(sup[0] == PUBLISH_SUP_NONE && sup[2] == PUBLISH_SUP_NONE && sup[3] == PUBLISH_SUP_NONE,
       "the total, the middle band and the empty high band stay");
    is_int(added, 1, "one secondary suppression");
}

static void unknown_remainder_zero(void)
{
    struct publish_cube c = cube1u(3);
    long n[] = { 22, 9, 13, 0, 0 };         /* every pupil has a band */
    unsigned char sup[5];
    long added = publish_suppress(&c, 1, n, NULL, sup, MIN);
    ok(sup[0] == 0 && sup[1] == 0 && sup[2] == 0 && sup[3] == 0 && sup[4] == 0,
       "no pupil without a band: nothing is suppressed");
    is_int(added, 0, "no secondary suppression");

    long big[] = { 30, 9, 13, 0, 8 };       /* eight with no band: a cohort */
    publish_suppress(&c, 1, big, NULL, sup, MIN);
    ok(sup[1] == 0 && sup[2] == 0 && sup[4] == 0,
       "eight pupils with no band are a cohort like any other: nothing hidden");
}

/* The unknown cell of the group is in the group margin like any other. */
static void unknown_in_group_margin(void)
{
    struct publish_cube c = cube1u(2);
    long n[] = {
        40, 15, 15, 10,     /* group: all, a, b, unknown */
        28, 10, 10, 8,      /* school A */
        12, 5, 5, 2,        /* school B */
    };
    unsigned char sup[12];
    publish_suppress(&c, 3, n, NULL, sup, MIN);
    is_int(sup[11], PUBLISH_SUP_PRIMARY, "B's 2 pupils with no value are suppressed");
    is_int(sup[7], PUBLISH_SUP_SECONDARY, "and A's (8): the group's 10 would give B's");
    is_int(sup[3], PUBLISH_SUP_NONE, "the group's unknown cell stays");
}

/* Attainment 8 in the cells of one dimension (yes, no) of the group and two
 * schools, every cell published; Progress 8 (cnt) is missing for some pupils
 * and only 5 of A's "yes" pupils have it. */
static void indicator_chain(void)
{
    struct publish_cube c = cube1(2);
    long n[] = { 40, 20, 20, 20, 10, 10, 20, 10, 10 };
    long cnt[] = { 35, 18, 17, 15, 5, 10, 20, 13, 7 };
    unsigned char sup[9], isup[9];
    is_int(publish_suppress(&c, 3, n, NULL, sup, MIN), 0, "every cell is published");
    long added = publish_suppress_indicator(&c, 3, n, sup, cnt, NULL, isup, MIN);
    is_int(isup[4], PUBLISH_SUP_PRIMARY, "A's yes: Progress 8 of 5 pupils is blanked");
    is_int(isup[5], PUBLISH_SUP_SECONDARY, "A's no too, or A's total would give it");
    is_int(isup[7], PUBLISH_SUP_SECONDARY, "B's yes too, or the group's yes would give it");
    is_int(isup[8], PUBLISH_SUP_SECONDARY, "and B's no, or B's total would give B's yes");
    ok(isup[0] == 0 && isup[1] == 0 && isup[2] == 0 && isup[3] == 0 && isup[6] == 0,
       "the group's cells and the schools' totals keep Progress 8");
    is_int(added, 3, "three indicator suppressions");
    ok(sup[4] == 0 && sup[5] == 0 && sup[7] == 0 && sup[8] == 0,
       "the cells themselves stay published");
}

/* Two hidden cells protect each other, but only one has pupils with the
 * indicator: the indicator's margin holds one hidden value. */
static void indicator_of_hidden_cells(void)
{
    struct publish_cube c = cube1(3);
    long n[] = { 30, 3, 7, 20 };
    long cnt[] = { 25, 3, 0, 22 };
    unsigned char sup[4], isup[4];
    publish_suppress(&c, 1, n, NULL, sup, MIN);
    ok(sup[1] == PUBLISH_SUP_PRIMARY && sup[2] == PUBLISH_SUP_SECONDARY,
       "cells of 3 and 7 are hidden together");
    publish_suppress_indicator(&c, 1, n, sup, cnt, NULL, isup, MIN);
    is_int(isup[1], PUBLISH_SUP_CELL, "the indicator of the hidden cell of 3 is hidden with it");
    is_int(isup[2], PUBLISH_SUP_NONE, "the cell of 7 has no pupil with the indicator");
    is_int(isup[3], PUBLISH_SUP_SECONDARY,
           "so the indicator of the last part (22) goes, or 25 - 22 would give the 3");
    is_int(isup[0], PUBLISH_SUP_NONE, "the total keeps it");
}

static void indicator_like_cells(void)
{
    struct publish_cube c = cube1(3);
    long n[] = { 30, 3, 10, 17 };
    unsigned char sup[4], isup[4];
    publish_suppress(&c, 1, n, NULL, sup, MIN);
    long added = publish_suppress_indicator(&c, 1, n, sup, n, NULL, isup, MIN);
    is_int(added, 0, "an indicator every pupil has needs nothing more");
    ok(isup[1] == PUBLISH_SUP_CELL && isup[2] == PUBLISH_SUP_CELL && isup[0] == 0 && isup[3] == 0,
       "it is hidden where its cell is");
}

/* A school's cell hidden in another store that holds the school is forced
 * hidden here: its margin then needs a second hidden cell, as for a small
 * one, and a forced cell already small stays primary. */
static void forced_cells(void)
{
    struct publish_cube c = cube1(3);
    long n[] = { 40, 3, 17, 20 };
    unsigned char force[4] = { 0, 1, 0, 1 }, sup[4];
    long added = publish_suppress(&c, 1, n, force, sup, MIN);
    is_int(sup[1], PUBLISH_SUP_PRIMARY, "a forced cell of 3 stays primary");
    is_int(sup[3], PUBLISH_SUP_SECONDARY, "the forced cell of 20 is hidden");
    is_int(sup[2], PUBLISH_SUP_NONE, "two hidden parts protect each other: 17 stays");
    is_int(sup[0], PUBLISH_SUP_NONE, "and the total stays");
    is_int(added, 1, "the forced cell counts as one secondary suppression");

    long big[] = { 40, 10, 10, 20 };
    unsigned char one[4] = { 0, 0, 1, 0 }, isup[4];
    publish_suppress(&c, 1, big, one, sup, MIN);
    ok(sup[2] == PUBLISH_SUP_SECONDARY && sup[1] == PUBLISH_SUP_SECONDARY && sup[3] == 0,
       "a forced cell alone in its margin takes the smallest other part with it");
    unsigned char none[4] = { 0 };
    publish_suppress(&c, 1, big, none, sup, MIN);
    long cnt[] = { 40, 10, 10, 20 };
    long iadded = publish_suppress_indicator(&c, 1, big, sup, cnt, one, isup, MIN);
    ok(isup[2] == PUBLISH_SUP_SECONDARY && isup[1] == PUBLISH_SUP_SECONDARY &&
       isup[3] == 0 && isup[0] == 0, "a forced indicator takes the smallest other part's");
    is_int(iadded, 2, "two indicator suppressions");
}

/* A part that holds every pupil of a coarser cell (a school whose pupils
 * all have one value) would take that cell with it, up to the school's
 * total: a larger part that does not is hidden instead. */
static void whole_parts_last(void)
{
    struct publish_cube c = cube1(2);
    long n[] = {
        27, 17, 10,         /* group: all, a, b */
        20, 10, 10,         /* school A */
        7, 7, 0,            /* school B: every pupil is an a */
    };
    unsigned char force[9] = { 0, 1 }, sup[9];
    publish_suppress(&c, 3, n, force, sup, MIN);
    is_int(sup[4], PUBLISH_SUP_SECONDARY, "the group's a hidden: A's a (10) goes with it");
    is_int(sup[7], PUBLISH_SUP_NONE, "not B's (7), which is all of B");
    is_int(sup[6], PUBLISH_SUP_NONE, "so B's total stays");
    is_int(sup[3], PUBLISH_SUP_NONE, "and A's");
}

/* Invariant on a larger random block: no margin is left with exactly one
 * hidden member (n > 0), for the cells and for an indicator. hidden2 (may be
 * NULL) hides a member too: the cell's suppression for an indicator's. */
static int margin_ok(const long *n, const unsigned char *sup, const unsigned char *hidden2,
                     size_t total, size_t first, size_t step, size_t count)
{
    int hidden = n[total] > 0 && (sup[total] || (hidden2 && hidden2[total]));
    for (size_t i = 0; i < count; i++) {
        size_t idx = first + i * step;
        if (n[idx] > 0 && (sup[idx] || (hidden2 && hidden2[idx])))
            hidden++;
    }
    return hidden != 1;
}

static int block_bad(const struct publish_cube *c, size_t nscopes, const long *n,
                     const unsigned char *sup, const unsigned char *hidden2)
{
    size_t ncells = (size_t)c->ncells;
    int bad = 0;
    for (size_t s = 0; s < nscopes; s++)
        for (long f = 0; f < c->ncells; f++) {
            size_t base = s * ncells, i = base + (size_t)f;
            if (n[i] > 0 && n[i] < MIN && !sup[i])
                bad++;
            for (int d = 0; d < c->ndims; d++)
                if (publish_cube_choice(c, f, d) == 0 &&
                    !margin_ok(n, sup, hidden2, i, i + (size_t)c->stride[d],
                               (size_t)c->stride[d], (size_t)c->radix[d] - 1))
                    bad++;
        }
    for (long f = 0; f < c->ncells; f++)
        if (!margin_ok(n, sup, hidden2, (size_t)f, ncells + (size_t)f, ncells, nscopes - 1))
            bad++;
    return bad;
}

static void random_blocks(void)
{
    int nv[2] = { 2, 3 };
    unsigned char unknown[2] = { 0, 1 };
    struct publish_cube c;
    struct collab_err err = { 0 };
    publish_cube_init(&c, nv, NULL, 2, &err);
    is_int(c.ncells, 12, "a 2 x 3 filter cube has 12 cells");
    is_int(c.stride[1], 3, "the second dimension's stride is the first radix");
    /* the second dimension with its unknown choice (b = 4) */
    publish_cube_init(&c, nv, unknown, 2, &err);
    size_t nscopes = 6, ncells = (size_t)c.ncells, total = nscopes * ncells;
    long *n = calloc(total, sizeof *n), *cnt = calloc(total, sizeof *cnt);
    unsigned char *sup = calloc(total, 1), *isup = calloc(total, 1);
    unsigned seed = 12345;
    int bad = 0, ibad = 0, hidden = 0, ihidden = 0;
    for (int trial = 0; trial < 50; trial++) {
        for (size_t i = 0; i < total; i++)
            n[i] = cnt[i] = 0;
        /* leaf cells of each school, then the margins by summing */
        for (size_t s = 1; s < nscopes; s++)
            for (int a = 1; a <= 2; a++)
                for (int b = 1; b <= 4; b++) {
                    seed = seed * 1103515245u + 12345u;
                    long v = (long)((seed >> 16) % (b == 4 ? 4 : 12));
                    seed = seed * 1103515245u + 12345u;
                    long u = v - (long)((seed >> 16) % 3);
                    if (u < 0)
                        u = 0;
                    for (int ma = 0; ma < 2; ma++)
                        for (int mb = 0; mb < 2; mb++) {
                            long f = (ma ? a : 0) * c.stride[0] + (mb ? b : 0) * c.stride[1];
                            n[s * ncells + (size_t)f] += v;
                            n[(size_t)f] += v;
                            cnt[s * ncells + (size_t)f] += u;
                            cnt[(size_t)f] += u;
                        }
                }
        publish_suppress(&c, nscopes, n, NULL, sup, MIN);
        publish_suppress_indicator(&c, nscopes, n, sup, cnt, NULL, isup, MIN);
        bad += block_bad(&c, nscopes, n, sup, NULL);
        ibad += block_bad(&c, nscopes, cnt, isup, sup);
        for (size_t i = 0; i < total; i++) {
            hidden += sup[i] != 0;
            ihidden += isup[i] == PUBLISH_SUP_SECONDARY;
            if (cnt[i] > 0 && (sup[i] != 0) != (isup[i] == PUBLISH_SUP_CELL))
                ibad++;
        }
    }
    is_int(bad, 0, "50 random blocks: every small cell hidden, no margin with one hidden cell");
    is_int(ibad, 0, "and no indicator alone in its margin, hidden with every hidden cell");
    ok(hidden > 0, "the random blocks did need suppression");
    ok(ihidden > 0, "and some indicators were hidden in published cells");
    free(n);
    free(cnt);
    free(sup);
    free(isup);
}

int main(void)
{
    one_small_part();
    two_small_parts();
    small_remainder();
    empty_parts_ignored();
    school_in_group_margin();
    chain_needs_more_rounds();
    forced_cells();
    whole_parts_last();
    unknown_choice();
    unknown_remainder_forces_second();
    unknown_remainder_zero();
    unknown_in_group_margin();
    indicator_chain();
    indicator_of_hidden_cells();
    indicator_like_cells();
    random_blocks();
    return tap_done();
}
