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
    publish_cube_init(&c, &nv, 1, &err);
    return c;
}

static void one_small_part(void)
{
    struct publish_cube c = cube1(3);
    long n[] = { 30, 3, 10, 17 };          /* all, a, b, c */
    unsigned char sup[4];
    long added = publish_suppress(&c, 1, n, sup, MIN);
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
    long added = publish_suppress(&c, 1, n, sup, MIN);
    ok(sup[1] == PUBLISH_SUP_PRIMARY && sup[2] == PUBLISH_SUP_PRIMARY,
       "two small parts are both suppressed");
    is_int(sup[3], PUBLISH_SUP_NONE, "the third part stays: two unknowns cannot be split");
    is_int(added, 0, "nothing more is suppressed");
}

static void empty_parts_ignored(void)
{
    struct publish_cube c = cube1(2);
    long n[] = { 9, 0, 9 };                /* every pupil in one part */
    unsigned char sup[3];
    publish_suppress(&c, 1, n, sup, MIN);
    ok(sup[0] == 0 && sup[1] == 0 && sup[2] == 0, "an empty part is neither suppressed nor counted");
}

static void school_in_group_margin(void)
{
    /* no filter dimensions: one cell per scope; group, A, B */
    struct publish_cube c;
    struct collab_err err = { 0 };
    publish_cube_init(&c, NULL, 0, &err);
    long n[] = { 100, 97, 3 };
    unsigned char sup[3];
    publish_suppress(&c, 3, n, sup, MIN);
    is_int(sup[2], PUBLISH_SUP_PRIMARY, "a school of 3 is suppressed");
    is_int(sup[1], PUBLISH_SUP_SECONDARY,
           "the other school is suppressed, or the group total would give it away");
    is_int(sup[0], PUBLISH_SUP_NONE, "the group total stays");

    long n3[] = { 100, 60, 37, 3 };
    unsigned char sup3[4];
    publish_suppress(&c, 4, n3, sup3, MIN);
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
    long added = publish_suppress(&c, 3, n, sup, MIN);
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

/* Invariant on a larger random block: no margin is left with exactly one
 * hidden cell. */
static int margin_ok(const long *n, const unsigned char *sup, size_t total, size_t first,
                     size_t step, size_t count)
{
    int hidden = n[total] > 0 && sup[total];
    for (size_t i = 0; i < count; i++) {
        size_t idx = first + i * step;
        if (n[idx] > 0 && sup[idx])
            hidden++;
    }
    return hidden != 1;
}

static void random_blocks(void)
{
    int nv[2] = { 2, 3 };
    struct publish_cube c;
    struct collab_err err = { 0 };
    publish_cube_init(&c, nv, 2, &err);
    is_int(c.ncells, 12, "a 2 x 3 filter cube has 12 cells");
    is_int(c.stride[1], 3, "the second dimension's stride is the first radix");
    size_t nscopes = 6, ncells = (size_t)c.ncells;
    long *n = calloc(nscopes * ncells, sizeof *n);
    unsigned char *sup = calloc(nscopes * ncells, 1);
    unsigned seed = 12345;
    int bad = 0, hidden = 0;
    for (int trial = 0; trial < 50; trial++) {
        for (size_t i = 0; i < nscopes * ncells; i++)
            n[i] = 0;
        /* leaf cells of each school, then the margins by summing */
        for (size_t s = 1; s < nscopes; s++)
            for (int a = 1; a <= 2; a++)
                for (int b = 1; b <= 3; b++) {
                    seed = seed * 1103515245u + 12345u;
                    long v = (long)((seed >> 16) % 12);
                    for (int ma = 0; ma < 2; ma++)
                        for (int mb = 0; mb < 2; mb++) {
                            long f = (ma ? a : 0) * c.stride[0] + (mb ? b : 0) * c.stride[1];
                            n[s * ncells + (size_t)f] += v;
                            n[(size_t)f] += v;
                        }
                }
        publish_suppress(&c, nscopes, n, sup, MIN);
        for (size_t s = 0; s < nscopes; s++)
            for (long f = 0; f < c.ncells; f++) {
                size_t base = s * ncells;
                hidden += sup[base + (size_t)f] != 0;
                if (n[base + (size_t)f] > 0 && n[base + (size_t)f] < MIN && !sup[base + (size_t)f])
                    bad++;
                for (int d = 0; d < 2; d++)
                    if (publish_cube_choice(&c, f, d) == 0 &&
                        !margin_ok(n, sup, base + (size_t)f, base + (size_t)(f + c.stride[d]),
                                   (size_t)c.stride[d], (size_t)c.radix[d] - 1))
                        bad++;
            }
        for (long f = 0; f < c.ncells; f++)
            if (!margin_ok(n, sup, (size_t)f, ncells + (size_t)f, ncells, nscopes - 1))
                bad++;
    }
    is_int(bad, 0, "50 random blocks: every small cell hidden, no margin with one hidden cell");
    ok(hidden > 0, "and the random blocks did need suppression");
    free(n);
    free(sup);
}

int main(void)
{
    one_small_part();
    two_small_parts();
    empty_parts_ignored();
    school_in_group_margin();
    chain_needs_more_rounds();
    random_blocks();
    return tap_done();
}
