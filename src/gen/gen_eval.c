/* The sample's partnership self-evaluation (gen.h, gen_eval_entries):
 * fictional scores and notes a demo can show in the Evaluation pane. Each
 * school has its own level, each sub-theme its own strength in that
 * school, and both scores rise a little term on term, as they do when a
 * partnership works; the partnership score is the school's view of the
 * partnership, so it varies less between schools than the self-score. */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "collab/eval.h"
#include "collab/gen.h"
#include "collab/util.h"

/* Streams of the generator's random numbers, apart from gen.c's. */
enum { STREAM_SCHOOL = 0x6576616c, STREAM_THEME, STREAM_ENTRY };

static const char *const strengths[] = {
    "Leaders meet every half term and follow up what they agreed",
    "Year 11 mock papers are moderated together",
    "Each school's figures are shared before every meeting",
    "Middle leaders train together twice a year",
    "Peer visits led to changes each school can name",
    "Disadvantaged pupils' results are discussed at every meeting",
};

static const char *const developments[] = {
    "Involve governors in the partnership's priorities",
    "Show the effect of joint work on disadvantaged pupils",
    "Agree fewer priorities for next term",
    "Extend peer review to subject leaders",
    "Share attendance figures every term, not every year",
    "Plan joint work for the pupils who join mid-year",
};

#define NPHRASES(a) (sizeof a / sizeof a[0])

static int clamp_score(const struct cfg_eval *ev, double x)
{
    long s = lround(x);
    return (int)(s < ev->scale_min ? ev->scale_min : s > ev->scale_max ? ev->scale_max : s);
}

/* The sub-themes in framework order, counted. */
static size_t count_themes(const struct cfg_eval *ev)
{
    size_t n = 0;
    for (size_t a = 0; a < ev->nareas; a++)
        n += ev->areas[a].nthemes;
    return n;
}

struct school_level {
    double self, partnership;
};

static struct school_level school_level(const struct cfg_eval *ev, uint64_t seed, long urn)
{
    struct gen_rng r;
    gen_rng_seed(&r, seed, STREAM_SCHOOL ^ (uint64_t)urn << 8);
    double span = ev->scale_max - ev->scale_min;
    return (struct school_level){
        .self = ev->scale_min + span * (0.2 + 0.45 * gen_rng_uniform(&r)),
        .partnership = ev->scale_min + span * (0.3 + 0.3 * gen_rng_uniform(&r)),
    };
}

static void fill_entry(const struct cfg_eval *ev, uint64_t seed, long urn, size_t theme_no,
                       const char *theme, const char *term, size_t term_no,
                       struct eval_entry *e)
{
    struct school_level lv = school_level(ev, seed, urn);
    struct gen_rng r;
    gen_rng_seed(&r, seed, STREAM_THEME ^ (uint64_t)urn << 8 ^ (uint64_t)theme_no << 40);
    double theme_self = 0.45 * gen_rng_normal(&r), theme_lp = 0.3 * gen_rng_normal(&r);
    gen_rng_seed(&r, seed, STREAM_ENTRY ^ (uint64_t)urn << 8 ^ (uint64_t)theme_no << 40 ^
                           (uint64_t)term_no << 52);
    double rise = 0.3 * (double)term_no;
    e->term = util_xstrdup(term);
    e->urn = urn;
    e->theme = util_xstrdup(theme);
    e->school_score = clamp_score(ev, lv.self + theme_self + rise + 0.3 * gen_rng_normal(&r));
    e->partnership_score = clamp_score(ev, lv.partnership + theme_lp + rise +
                                           0.2 * gen_rng_normal(&r));
    if (gen_rng_chance(&r, 0.4)) {
        e->strengths = util_xstrdup(strengths[gen_rng_range(&r, 0, NPHRASES(strengths) - 1)]);
        e->development =
            util_xstrdup(developments[gen_rng_range(&r, 0, NPHRASES(developments) - 1)]);
        e->shared = gen_rng_chance(&r, 0.6);
    }
}

size_t gen_eval_entries(const struct cfg_eval *ev, const long *urns, size_t nurns,
                        const char *const *terms, size_t nterms, uint64_t seed,
                        struct eval_entry **out)
{
    size_t n = nurns * nterms * count_themes(ev);
    *out = util_xcalloc(n ? n : 1, sizeof **out);
    size_t k = 0;
    for (size_t t = 0; t < nterms; t++)
        for (size_t s = 0; s < nurns; s++) {
            size_t theme_no = 0;
            for (size_t a = 0; a < ev->nareas; a++)
                for (size_t i = 0; i < ev->areas[a].nthemes; i++, theme_no++)
                    fill_entry(ev, seed, urns[s], theme_no, ev->areas[a].themes[i].id,
                               terms[t], t, &(*out)[k++]);
        }
    return k;
}
