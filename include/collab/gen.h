/*
 * gen: the deterministic sample-data generator behind `collab gen`.
 *
 * It writes a fictional but realistic data set in the CSV formats of
 * docs/FORMATS.md (schools, pupils, results, attendance, estimates,
 * national) so that the demo, the tests and the benchmark have data without
 * real pupils. The output depends only on the options: the generator uses
 * its own PRNG (xoshiro256** seeded through splitmix64) and formats every
 * number itself, so a seed gives identical bytes on every machine and in
 * every locale.
 *
 * Each school and each (school, year) draws from its own stream derived from
 * the seed, so a school's persistent character (intake, effectiveness,
 * subject strengths) is the same whatever the other options are.
 *
 * Errors follow err.h: functions return 0 or -1 and fill a caller-owned
 * struct collab_err. Nothing here prints.
 */
#ifndef COLLAB_GEN_H
#define COLLAB_GEN_H

#include <stdint.h>

#include "collab/err.h"

/* ---- the PRNG ---- */

struct gen_rng {
    uint64_t s[4];
};

/* Seed a stream from a 64-bit seed and a stream number (school, year...);
 * different (seed, stream) pairs give independent-looking sequences. */
void gen_rng_seed(struct gen_rng *r, uint64_t seed, uint64_t stream);
/* Next 64 random bits. */
uint64_t gen_rng_next(struct gen_rng *r);
/* Uniform on [0, 1) with 53 random bits. */
double gen_rng_uniform(struct gen_rng *r);
/* Uniform integer in [lo, hi] (inclusive); lo <= hi, hi - lo < 2^32. */
long gen_rng_range(struct gen_rng *r, long lo, long hi);
/* Approximately standard normal (a scaled sum of uniforms, so it needs no
 * libm and is bounded at about +-4.9). */
double gen_rng_normal(struct gen_rng *r);
/* 1 with probability p. */
int gen_rng_chance(struct gen_rng *r, double p);

/* ---- options ---- */

struct gen_opts {
    uint64_t seed;
    int schools;          /* secondary schools (KS4 pupils) */
    int pupils;           /* mean KS4 pupils per secondary school per year */
    int years;            /* number of academic years */
    int first_year;       /* the first (summer) year, e.g. 2017 */
    int primaries;        /* primary schools (KS2 pupils only) */
    int names;            /* write display names (1) or leave them empty */
};

/* Defaults: the sample scale (8 secondaries of ~150 pupils, 4 primaries,
 * 2017-2019, the sample seed). */
void gen_opts_default(struct gen_opts *o);

/* Apply a named scale: "sample", "group", "large" or "national". Sets
 * schools, pupils, years, first_year and primaries; leaves the seed alone.
 * -1 with err (listing the scales) for an unknown name. */
int gen_opts_scale(struct gen_opts *o, const char *scale, struct collab_err *err);

/* Check ranges (schools 1..9000, pupils 1..2000, years 1..30,
 * first_year 2000..2099 with the last year <= 2100, primaries 0..9000).
 * 0 or -1 with err naming the option. */
int gen_opts_check(const struct gen_opts *o, struct collab_err *err);

/* ---- generation ---- */

struct gen_stats {
    long schools;         /* rows of schools.csv */
    long pupils;          /* rows of pupils.csv (KS4 and KS2) */
    long ks4_pupils;
    long ks2_pupils;
    long results;         /* rows of results.csv */
    long attendance;      /* rows of attendance.csv */
    long fsm6;            /* pupils with fsm6 = 1 */
};

/* Write schools.csv, pupils.csv, results.csv, attendance.csv,
 * estimates.csv and national.csv into dir (created, with parents, when
 * missing; existing files of those names are replaced, nothing else in dir
 * is touched). Each file is written to a temporary name and renamed into
 * place, so a failure never leaves a half-written file under the real name.
 * stats may be NULL. 0 or -1 with err ("FILE: reason"). */
int gen_write(const struct gen_opts *o, const char *dir, struct gen_stats *stats,
              struct collab_err *err);

/* ---- the partnership self-evaluation of a demo ---- */

struct cfg_eval;
struct eval_entry;

/* Fictional entries of the self-evaluation framework ev: every school of
 * urns on every sub-theme in each of terms (oldest first), with scores on
 * ev's scale that differ by school and sub-theme and rise a little term on
 * term, and strengths and areas for development on some, most of those
 * shared. The same arguments give the same entries. Returns how many;
 * *out is malloc'd (free with eval_entries_free). */
size_t gen_eval_entries(const struct cfg_eval *ev, const long *urns, size_t nurns,
                        const char *const *terms, size_t nterms, uint64_t seed,
                        struct eval_entry **out);

#endif
