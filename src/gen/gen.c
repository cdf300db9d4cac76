/* The sample-data generator: fictional schools with persistent characters
 * and, per year, pupils whose prior attainment, flags, results and
 * attendance follow national patterns (docs: sample-data/README.md). Every
 * pupil is written as soon as it is drawn, so memory stays flat at any
 * scale. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collab/gen.h"
#include "collab/util.h"
#include "gen_internal.h"

#define GEN_DEFAULT_SEED 24
#define SCHOOLS_PER_LA 40
#define MAX_LAS 100

/* Streams: one per school for its character, one per school and year for
 * its pupils; the high bits keep the two kinds apart. */
#define STREAM_SCHOOL(i)      (0x5c000000ULL + (uint64_t)(i))
#define STREAM_COHORT(i, y)   ((0xc0ULL << 32) + ((uint64_t)(i) << 12) + (uint64_t)(y))
/* Primaries number their streams from here, so that adding secondaries
 * does not change them. */
#define PRIMARY_STREAM ((size_t)1 << 16)

struct scale {
    const char *name;
    int schools, pupils, years, first_year, primaries;
};

static const struct scale scales[] = {
    { "sample", 8, 150, 3, 2017, 4 },
    { "group", 20, 150, 3, 2017, 0 },
    { "large", 200, 175, 3, 2017, 0 },
    { "national", 3500, 170, 3, 2017, 0 },
};

enum phase { PHASE_SECONDARY, PHASE_PRIMARY };

struct school {
    long urn, dfe;
    int la;               /* index into the LA list */
    enum phase phase;
    char name[96];
    const char *type;
    double cohort;        /* mean pupils per year */
    double fsm6, eal;     /* share of the intake */
    double prior_shift;   /* KS2 scaled-score offset of the intake */
    double effect;        /* grades (KS4) or scaled-score points (KS2) */
    double triple, lang, compsci;   /* option shares (KS4) */
    double subject[GEN_NSUBJECTS];  /* the school's subject strengths */
};

enum { OUT_SCHOOLS, OUT_PUPILS, OUT_RESULTS, OUT_ATTENDANCE, OUT_N };

struct gen {
    const struct gen_opts *o;
    struct school *schools;   /* secondaries, then primaries */
    int nla;
    struct gen_out out[OUT_N];      /* written in one pass */
    long next_pupil;
    struct gen_stats st;
    double est_by_half[81];         /* A8 estimate by 2 * (KS2 avg) - 160 */
};

static const char *const out_names[OUT_N] = {
    "schools.csv", "pupils.csv", "results.csv", "attendance.csv",
};

static const char *const out_headers[OUT_N] = {
    "urn,dfe_number,name,phase,la_code,la_name,type\n",
    "pupil_id,urn,year,key_stage,display_name,gender,fsm6,eal,sen,cla,"
        "ethnicity,ks2_reading,ks2_maths,ks2_writing\n",
    "pupil_id,subject,grade\n",
    "pupil_id,sessions_possible,sessions_missed\n",
};

void gen_opts_default(struct gen_opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = GEN_DEFAULT_SEED;
    o->names = 1;
    o->schools = scales[0].schools;
    o->pupils = scales[0].pupils;
    o->years = scales[0].years;
    o->first_year = scales[0].first_year;
    o->primaries = scales[0].primaries;
}

int gen_opts_scale(struct gen_opts *o, const char *name, struct collab_err *err)
{
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        if (strcmp(scales[i].name, name) == 0) {
            o->schools = scales[i].schools;
            o->pupils = scales[i].pupils;
            o->years = scales[i].years;
            o->first_year = scales[i].first_year;
            o->primaries = scales[i].primaries;
            return 0;
        }
    }
    return collab_err_set(err, "unknown scale '%s' (sample, group, large, national)",
                          name);
}

int gen_opts_check(const struct gen_opts *o, struct collab_err *err)
{
    if (o->schools < 1 || o->schools > 9000)
        return collab_err_set(err, "--schools must be between 1 and 9000");
    if (o->pupils < 1 || o->pupils > 2000)
        return collab_err_set(err, "--pupils must be between 1 and 2000");
    if (o->years < 1 || o->years > 30)
        return collab_err_set(err, "--years must be between 1 and 30");
    if (o->first_year < 2000 || o->first_year + o->years - 1 > 2100)
        return collab_err_set(err, "--first-year must be 2000 or later and the "
                              "last year at most 2100");
    if (o->primaries < 0 || o->primaries > 9000)
        return collab_err_set(err, "--primaries must be between 0 and 9000");
    return 0;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Round half away from zero without libm. */
static long round_l(double x)
{
    return x < 0 ? -(long)(0.5 - x) : (long)(x + 0.5);
}

static const char *pick(struct gen_rng *r, const struct gen_wordlist *w)
{
    return w->words[gen_rng_range(r, 0, (long)w->n - 1)];
}

/* ---- schools ---- */

static const char *la_name(int la, char *buf, size_t n)
{
    if ((size_t)la < gen_la_names.n)
        return gen_la_names.words[la];
    snprintf(buf, n, "Area %d", 999 - la);
    return buf;
}

static void school_name(char *buf, size_t n, size_t idx, const struct gen_wordlist *suffix)
{
    size_t np = gen_places.n, na = gen_areas.n;
    const char *place = gen_places.words[idx % np];
    size_t round = idx / np;
    const char *suf = suffix->words[(idx + round) % suffix->n];
    if (round == 0)
        snprintf(buf, n, "%s %s", place, suf);
    else if (round <= na)
        snprintf(buf, n, "%s %s %s", place, gen_areas.words[round - 1], suf);
    else
        snprintf(buf, n, "%s %s %s %zu", place, gen_areas.words[(round - 1) % na],
                 suf, (round - 1) / na + 1);
}

/* A type that agrees with the name: an "Academy" is an academy, a church
 * school voluntary aided, the rest maintained or academies. */
static const char *school_type(struct gen_rng *r, const char *name)
{
    double u = gen_rng_uniform(r);
    if (strstr(name, "Church of England") || strstr(name, "Catholic"))
        return u < 0.6 ? "Voluntary aided school" : "Academy converter";
    if (strstr(name, "Academy"))
        return u < 0.65 ? "Academy converter" : "Academy sponsor led";
    return u < 0.45 ? "Community school" : u < 0.60 ? "Foundation school"
         : "Academy converter";
}

/* The character of the school with stream number idx; k is its index
 * within its phase, nphase the phase's count. */
static void school_init(struct gen *g, struct school *s, size_t idx, size_t k,
                        size_t nphase, enum phase phase)
{
    const struct gen_opts *o = g->o;
    struct gen_rng r;
    gen_rng_seed(&r, o->seed, STREAM_SCHOOL(idx));
    memset(s, 0, sizeof *s);
    s->phase = phase;
    s->la = (int)(k * (size_t)g->nla / nphase);
    /* Establishment numbers follow the DfE ranges: 2xxx primary, 4xxx
     * secondary, numbered within the LA. */
    size_t first_in_la = ((size_t)s->la * nphase + (size_t)g->nla - 1) / (size_t)g->nla;
    long estab = (phase == PHASE_SECONDARY ? 4000 : 2000) + (long)(k - first_in_la) + 1;
    s->dfe = (long)(999 - s->la) * 10000 + estab;
    s->urn = (phase == PHASE_SECONDARY ? 900001 : 950001) + (long)k;
    school_name(s->name, sizeof s->name, k,
                phase == PHASE_SECONDARY ? &gen_secondary_suffix : &gen_primary_suffix);
    s->type = school_type(&r, s->name);

    /* FSM6 from 5% to 60% with mean ~26%; EAL mostly low with a few high. */
    double u = gen_rng_uniform(&r);
    s->fsm6 = 0.05 + 0.55 * u * (0.25 + 0.75 * u);
    u = gen_rng_uniform(&r);
    s->eal = 0.02 + 0.55 * u * u * (0.5 + 0.5 * u);
    s->prior_shift = -8.0 * (s->fsm6 - 0.26) + 1.5 * gen_rng_normal(&r);
    if (phase == PHASE_SECONDARY) {
        s->cohort = o->pupils * (0.55 + 0.9 * gen_rng_uniform(&r));
        /* One very small school (in a set of three or more) so that small
         * cohorts and suppression show up in the sample. */
        if (nphase >= 3 && k == nphase - 1)
            s->cohort = clamp(o->pupils * 0.12, 8.0, 30.0);
        s->effect = 0.4 * gen_rng_normal(&r);
    } else {
        s->cohort = gen_rng_chance(&r, 0.5) ? 58.0 : 29.0;
        s->effect = 1.5 * gen_rng_normal(&r);
    }
    s->triple = 0.10 + 0.30 * gen_rng_uniform(&r);
    s->lang = 0.22 + 0.45 * gen_rng_uniform(&r);
    s->compsci = gen_rng_chance(&r, 0.8) ? 0.08 + 0.12 * gen_rng_uniform(&r) : 0.0;
    for (int j = 0; j < GEN_NSUBJECTS; j++)
        s->subject[j] = 0.25 * gen_rng_normal(&r);
}

static void write_school(struct gen *g, const struct school *s)
{
    struct gen_out *o = &g->out[OUT_SCHOOLS];
    char buf[32];
    gen_out_long(o, s->urn);
    gen_out_char(o, ',');
    gen_out_long(o, s->dfe);
    gen_out_char(o, ',');
    gen_out_str(o, s->name);
    gen_out_str(o, s->phase == PHASE_SECONDARY ? ",secondary," : ",primary,");
    gen_out_long(o, 999 - s->la);
    gen_out_char(o, ',');
    gen_out_str(o, la_name(s->la, buf, sizeof buf));
    gen_out_char(o, ',');
    gen_out_str(o, s->type);
    gen_out_char(o, '\n');
    g->st.schools++;
}

/* ---- pupils ---- */

struct pupil {
    long id;
    int female, fsm6, eal, cla;
    char sen;             /* N, K or E */
    const char *ethnicity;
    int has_ks2;
    int reading, maths;
    const char *writing;
    double ability;       /* KS2-scale latent when KS2 is missing too */
    int possible, missed;
};

static const char *ethnicity(struct gen_rng *r, int eal)
{
    double u = gen_rng_uniform(r);
    if (eal)
        return u < 0.45 ? "ASIA" : u < 0.70 ? "WHIT" : u < 0.85 ? "BLAC"
             : u < 0.95 ? "AOEG" : "CHIN";
    return u < 0.85 ? "WHIT" : u < 0.91 ? "MIXD" : u < 0.95 ? "BLAC"
         : u < 0.99 ? "ASIA" : "UNCL";
}

static int ks2_score(double x)
{
    return (int)clamp((double)round_l(x), 80.0, 120.0);
}

/* Flags and KS2 outcomes; the same draws for KS4 and KS2 pupils. shift
 * moves KS2 scores (a primary school's effect that year); miss and
 * miss_eal are the chances of having no KS2 results (pupils who arrived
 * from abroad or missed the tests), without and with EAL. */
static void pupil_draw(struct gen_rng *r, const struct school *s, struct pupil *p,
                       double shift, double miss, double miss_eal)
{
    p->female = gen_rng_chance(r, 0.5);
    p->cla = gen_rng_chance(r, 0.01);
    /* Looked-after children count as disadvantaged in the DfE's FSM6. */
    p->fsm6 = p->cla || gen_rng_chance(r, s->fsm6);
    p->eal = gen_rng_chance(r, s->eal);
    double sen_f = (p->fsm6 ? 1.5 : 0.83) * (p->female ? 0.7 : 1.3);
    double u = gen_rng_uniform(r);
    p->sen = u < 0.025 * sen_f ? 'E' : u < 0.145 * sen_f ? 'K' : 'N';
    p->ethnicity = ethnicity(r, p->eal);

    double mu = 107.0 + s->prior_shift - 3.5 * p->fsm6 - (p->sen == 'K' ? 6.0 : 0.0)
              - (p->sen == 'E' ? 12.0 : 0.0) + shift;
    double z = gen_rng_normal(r);
    double er = gen_rng_normal(r), em = gen_rng_normal(r), ew = gen_rng_normal(r);
    double read = mu + 6.2 * (0.85 * z + 0.527 * er) + (p->female ? 1.0 : -1.0)
                - (p->eal ? 1.5 : 0.0);
    double maths = mu + 6.2 * (0.85 * z + 0.527 * em) + (p->female ? -0.5 : 0.5);
    double write = mu + 6.2 * (0.80 * z + 0.600 * ew) + (p->female ? 1.5 : -1.5);
    p->ability = mu + 6.2 * z;
    p->has_ks2 = !gen_rng_chance(r, p->eal ? miss_eal : miss);
    p->reading = ks2_score(read);
    p->maths = ks2_score(maths);
    p->writing = write >= 111.5 ? "GDS" : write >= 99.0 ? "EXS"
               : write >= 92.0 ? "WTS" : "PKF";
}

static void attendance_draw(struct gen_rng *r, const struct school *s, struct pupil *p)
{
    int primary = s->phase == PHASE_PRIMARY;
    double p_pa = (primary ? 0.045 : 0.085) + (primary ? 0.08 : 0.12) * p->fsm6
                + (p->sen == 'K' ? 0.06 : 0.0) + (p->sen == 'E' ? 0.10 : 0.0);
    double rate, u = gen_rng_uniform(r);
    if (gen_rng_chance(r, p_pa)) {
        /* The long tail: persistently absent, a few severely. */
        rate = gen_rng_chance(r, 0.05) ? 0.40 + 0.40 * u : 0.10 + 0.30 * u * u;
    } else {
        rate = (primary ? 0.085 : 0.095) * u * u;
    }
    p->possible = gen_rng_chance(r, 0.03) ? (int)gen_rng_range(r, 150, 299)
                                          : (int)gen_rng_range(r, 300, 330);
    p->missed = (int)clamp((double)round_l(rate * p->possible), 0.0, p->possible);
}

static void write_pupil_id(struct gen_out *o, long id)
{
    char tmp[24];
    size_t i = sizeof tmp;
    int digits = 0;
    do {
        tmp[--i] = (char)('0' + id % 10);
        id /= 10;
        digits++;
    } while (id || digits < 7);
    tmp[--i] = 'P';
    gen_out_mem(o, tmp + i, sizeof tmp - i);
}

static void write_pupil(struct gen *g, struct gen_rng *r, const struct school *s,
                        const struct pupil *p, int year, int ks)
{
    struct gen_out *o = &g->out[OUT_PUPILS];
    write_pupil_id(o, p->id);
    gen_out_char(o, ',');
    gen_out_long(o, s->urn);
    gen_out_char(o, ',');
    gen_out_long(o, year);
    gen_out_str(o, ks == 4 ? ",4," : ",2,");
    /* Names are drawn even when not written, so that leaving them out
     * changes nothing else. */
    const char *first = pick(r, p->female ? &gen_first_female : &gen_first_male);
    char initial = (char)('A' + gen_rng_range(r, 0, 25));
    if (g->o->names) {
        gen_out_str(o, first);
        gen_out_char(o, ' ');
        gen_out_char(o, initial);
        gen_out_char(o, '.');
    }
    gen_out_str(o, p->female ? ",F," : ",M,");
    gen_out_str(o, p->fsm6 ? "1," : "0,");
    gen_out_str(o, p->eal ? "1," : "0,");
    gen_out_char(o, p->sen);
    gen_out_str(o, p->cla ? ",1," : ",0,");
    gen_out_str(o, p->ethnicity);
    gen_out_char(o, ',');
    if (p->has_ks2) {
        gen_out_long(o, p->reading);
        gen_out_char(o, ',');
        gen_out_long(o, p->maths);
        gen_out_char(o, ',');
        gen_out_str(o, p->writing);
    } else {
        gen_out_str(o, ",,");
    }
    gen_out_char(o, '\n');

    struct gen_out *a = &g->out[OUT_ATTENDANCE];
    write_pupil_id(a, p->id);
    gen_out_char(a, ',');
    gen_out_long(a, p->possible);
    gen_out_char(a, ',');
    gen_out_long(a, p->missed);
    gen_out_char(a, '\n');

    g->st.pupils++;
    g->st.attendance++;
    g->st.fsm6 += p->fsm6;
    if (ks == 4)
        g->st.ks4_pupils++;
    else
        g->st.ks2_pupils++;
}

/* ---- KS4 results ---- */

/* Which subjects a pupil takes: English and maths for all, then sciences,
 * humanities and languages by ability and the school's offer, then options
 * up to a target of about ten qualifications. */
static void choose_subjects(struct gen_rng *r, const struct school *s,
                            const struct pupil *p, double ability, int *chosen)
{
    double rel = ability - 4.6;   /* relative to an average pupil's grade */
    int n = 0;
    memset(chosen, 0, sizeof(int) * GEN_NSUBJECTS);
    chosen[GEN_EN_LANG] = chosen[GEN_MATHS] = 1;
    n += 2;
    if (gen_rng_chance(r, p->sen == 'E' ? 0.6 : 0.93))
        chosen[GEN_EN_LIT] = 1, n++;
    if (gen_rng_chance(r, clamp(s->triple * (1.0 + 0.6 * rel), 0.0, 0.95))) {
        chosen[GEN_BIOLOGY] = chosen[GEN_CHEMISTRY] = chosen[GEN_PHYSICS] = 1;
        n += 3;
    } else if (gen_rng_chance(r, p->sen == 'E' ? 0.6 : 0.88)) {
        chosen[GEN_COMB_SCI] = 1, n++;
    }
    if (s->compsci > 0 && gen_rng_chance(r, clamp(s->compsci * (p->female ? 0.6 : 1.4)
                                                  * (1.0 + 0.3 * rel), 0.0, 0.9)))
        chosen[GEN_COMP_SCI] = 1, n++;
    int lang = gen_rng_chance(r, clamp(s->lang * (1.0 + 0.35 * rel) + (p->eal ? 0.1 : 0.0),
                                       0.02, 0.95));
    if (lang) {
        double u = gen_rng_uniform(r);
        chosen[u < 0.45 ? GEN_FRENCH : u < 0.85 ? GEN_SPANISH : GEN_GERMAN] = 1;
        n++;
    }
    if (gen_rng_chance(r, lang ? 0.93 : 0.68)) {
        double u = gen_rng_uniform(r);
        if (u < 0.55)
            chosen[GEN_HISTORY] = 1, n++;
        if (u >= 0.45)
            chosen[GEN_GEOGRAPHY] = 1, n++;
    }
    double t = gen_rng_uniform(r);
    int target = t < 0.10 ? 8 : t < 0.35 ? 9 : t < 0.70 ? 10 : t < 0.95 ? 11 : 12;
    target -= p->sen == 'K' ? 1 : p->sen == 'E' ? 3 : 0;
    int weight = 0;
    for (int j = 0; j < GEN_NSUBJECTS; j++)
        weight += gen_subjects[j].open_weight;
    while (n < target && weight > 0) {
        long x = gen_rng_range(r, 0, weight - 1);
        int j = 0;
        for (; j < GEN_NSUBJECTS; j++) {
            if (chosen[j] || !gen_subjects[j].open_weight)
                continue;
            if (x < gen_subjects[j].open_weight)
                break;
            x -= gen_subjects[j].open_weight;
        }
        chosen[j] = 1;
        weight -= gen_subjects[j].open_weight;
        n++;
    }
}

static long grade_of(double latent)
{
    return latent < 0.5 ? 0 : (long)clamp((double)round_l(latent), 1.0, 9.0);
}

static void write_grade(struct gen_out *o, long grade)
{
    gen_out_char(o, grade == 0 ? 'U' : (char)('0' + grade));
}

static void write_results(struct gen *g, struct gen_rng *r, const struct school *s,
                          const struct pupil *p, double ability)
{
    int chosen[GEN_NSUBJECTS];
    choose_subjects(r, s, p, ability, chosen);
    struct gen_out *o = &g->out[OUT_RESULTS];
    for (int j = 0; j < GEN_NSUBJECTS; j++) {
        if (!chosen[j])
            continue;
        double latent = ability + gen_subjects[j].effect + s->subject[j]
                      + 0.7 * gen_rng_normal(r);
        write_pupil_id(o, p->id);
        gen_out_char(o, ',');
        gen_out_str(o, gen_subjects[j].code);
        gen_out_char(o, ',');
        if (j == GEN_COMB_SCI) {
            /* Double award in half-grade steps: the pair differs by at most
             * one grade (6-6, 6-5, 5-5 ...); below 1-1 it is U-U. */
            long half = round_l(2.0 * latent);
            if (half < 2) {
                gen_out_str(o, "U-U");
            } else {
                half = half > 18 ? 18 : half;
                write_grade(o, (half + 1) / 2);
                gen_out_char(o, '-');
                write_grade(o, half / 2);
            }
        } else {
            write_grade(o, grade_of(latent));
        }
        gen_out_char(o, '\n');
        g->st.results++;
    }
}

/* The expected grade per slot of a pupil: the national A8 estimate for
 * their prior attainment (a tenth of it), moved by the school, the pupil
 * group gaps at the same prior attainment and attendance. */
static double ks4_ability(const struct gen *g, struct gen_rng *r, const struct school *s,
                          const struct pupil *p, double year_effect)
{
    double prior = p->has_ks2 ? (p->reading + p->maths) / 2.0 : clamp(p->ability, 80, 120);
    int idx = (int)clamp((double)round_l(2.0 * prior) - 160, 0, 80);
    double a = g->est_by_half[idx] / 10.0;
    a += s->effect + year_effect;
    a -= p->fsm6 ? 0.5 : 0.0;
    a -= p->sen == 'K' ? 0.3 : p->sen == 'E' ? 0.6 : 0.0;
    a += p->eal ? 0.35 : 0.0;
    a += p->female ? 0.2 : -0.2;
    double rate = (double)p->missed / p->possible;
    a -= 3.0 * clamp(rate - 0.05, 0.0, 0.5);
    /* The gaps above pull the average down; this offset puts the
     * generated P8 of all pupils near zero, as it is nationally. */
    a += 0.15;
    return a + 1.05 * gen_rng_normal(r);
}

static void gen_cohort(struct gen *g, const struct school *s, size_t idx, int year)
{
    struct gen_rng r;
    gen_rng_seed(&r, g->o->seed, STREAM_COHORT(idx, (uint64_t)year));
    double year_effect = (s->phase == PHASE_SECONDARY ? 0.08 : 1.0) * gen_rng_normal(&r);
    long n = round_l(s->cohort * (1.0 + 0.06 * gen_rng_normal(&r)));
    if (n < 1)
        n = 1;
    int ks = s->phase == PHASE_SECONDARY ? 4 : 2;
    for (long i = 0; i < n; i++) {
        struct pupil p;
        memset(&p, 0, sizeof p);
        p.id = ++g->next_pupil;
        if (ks == 4)
            pupil_draw(&r, s, &p, 0.0, 0.015, 0.10);
        else
            pupil_draw(&r, s, &p, s->effect + year_effect, 0.02, 0.03);
        attendance_draw(&r, s, &p);
        write_pupil(g, &r, s, &p, year, ks);
        if (ks == 4)
            write_results(g, &r, s, &p, ks4_ability(g, &r, s, &p, year_effect));
    }
}

/* ---- reference tables ---- */

static int write_estimates(const struct gen_opts *o, const char *dir, struct collab_err *err)
{
    struct gen_out out;
    if (gen_out_open(&out, dir, "estimates.csv", err) < 0)
        return -1;
    gen_out_str(&out, "year,prior_group,ks2_from,ks2_to,att8,english,maths,ebacc,open\n");
    for (int y = 0; y < o->years; y++) {
        for (size_t i = 0; i < gen_nestimates; i++) {
            const struct gen_estimate *e = &gen_estimates[i];
            const char *f[] = { e->from_s, e->to_s, e->att8_s, e->eng_s, e->mat_s,
                                e->ebacc_s, e->open_s };
            gen_out_long(&out, o->first_year + y);
            gen_out_char(&out, ',');
            gen_out_long(&out, e->group);
            for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
                gen_out_char(&out, ',');
                gen_out_str(&out, f[k]);
            }
            gen_out_char(&out, '\n');
        }
    }
    return gen_out_commit(&out, err);
}

static int write_national(const struct gen_opts *o, const char *dir, struct collab_err *err)
{
    struct gen_out out;
    if (gen_out_open(&out, dir, "national.csv", err) < 0)
        return -1;
    gen_out_str(&out, "year,indicator,filter,value,sd\n");
    for (int y = 0; y < o->years; y++) {
        int from = gen_national_year(o->first_year + y);
        for (size_t i = 0; i < gen_nnational; i++) {
            const struct gen_national *n = &gen_national_rows[i];
            if (n->year != from)
                continue;
            gen_out_long(&out, o->first_year + y);
            gen_out_char(&out, ',');
            gen_out_str(&out, n->indicator);
            gen_out_char(&out, ',');
            gen_out_str(&out, n->filter);
            gen_out_char(&out, ',');
            gen_out_str(&out, n->value);
            gen_out_char(&out, ',');
            if (n->with_sd)
                gen_out_str(&out, gen_p8_sd(o->first_year + y));
            gen_out_char(&out, '\n');
        }
    }
    return gen_out_commit(&out, err);
}

/* ---- driver ---- */

static void fill_estimates(struct gen *g)
{
    for (int h = 0; h <= 80; h++) {
        double ks2 = 80.0 + h / 2.0;
        g->est_by_half[h] = gen_estimates[0].att8;
        for (size_t i = 0; i < gen_nestimates; i++)
            if (ks2 >= gen_estimates[i].ks2_from && ks2 <= gen_estimates[i].ks2_to)
                g->est_by_half[h] = gen_estimates[i].att8;
    }
}

static void gen_release(struct gen *g)
{
    for (int i = 0; i < OUT_N; i++)
        if (g->out[i].path)
            gen_out_abort(&g->out[i]);
    free(g->schools);
}

int gen_write(const struct gen_opts *o, const char *dir, struct gen_stats *stats,
              struct collab_err *err)
{
    if (gen_opts_check(o, err) < 0)
        return -1;
    if (util_mkdir_p(dir, 0755) < 0)
        return collab_err_set(err, "%s: %s", dir, strerror(errno));
    struct gen g;
    memset(&g, 0, sizeof g);
    g.o = o;
    size_t total = (size_t)o->schools + (size_t)o->primaries;
    int per_la = (int)((total + MAX_LAS - 1) / MAX_LAS);
    per_la = per_la < SCHOOLS_PER_LA ? SCHOOLS_PER_LA : per_la;
    g.nla = (int)((total + (size_t)per_la - 1) / (size_t)per_la);
    g.schools = util_xcalloc(total, sizeof *g.schools);
    fill_estimates(&g);
    for (size_t i = 0; i < (size_t)o->schools; i++)
        school_init(&g, &g.schools[i], i, i, (size_t)o->schools, PHASE_SECONDARY);
    for (size_t j = 0; j < (size_t)o->primaries; j++)
        school_init(&g, &g.schools[o->schools + j], PRIMARY_STREAM + j, j,
                    (size_t)o->primaries, PHASE_PRIMARY);

    for (int i = 0; i < OUT_N; i++) {
        if (gen_out_open(&g.out[i], dir, out_names[i], err) < 0) {
            gen_release(&g);
            return -1;
        }
        gen_out_str(&g.out[i], out_headers[i]);
    }
    for (size_t i = 0; i < total; i++)
        write_school(&g, &g.schools[i]);
    for (int y = 0; y < o->years; y++)
        for (size_t i = 0; i < total; i++)
            gen_cohort(&g, &g.schools[i],
                       i < (size_t)o->schools ? i : PRIMARY_STREAM + i - (size_t)o->schools,
                       o->first_year + y);
    for (int i = 0; i < OUT_N; i++) {
        if (gen_out_commit(&g.out[i], err) < 0) {
            gen_release(&g);
            return -1;
        }
    }
    gen_release(&g);
    if (write_estimates(o, dir, err) < 0 || write_national(o, dir, err) < 0)
        return -1;
    if (stats)
        *stats = g.st;
    return 0;
}
