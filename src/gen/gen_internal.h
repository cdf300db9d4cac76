/* Shared between the files of the generator only: its constant tables
 * (gen_tables.c) and its buffered CSV writer (gen_out.c). */
#ifndef COLLAB_GEN_INTERNAL_H
#define COLLAB_GEN_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "collab/err.h"

/* ---- subjects (the codes the store seeds, src/store/subjects.c) ---- */

enum gen_subject {
    GEN_EN_LANG, GEN_EN_LIT, GEN_MATHS, GEN_COMB_SCI, GEN_BIOLOGY,
    GEN_CHEMISTRY, GEN_PHYSICS, GEN_COMP_SCI, GEN_HISTORY, GEN_GEOGRAPHY,
    GEN_FRENCH, GEN_GERMAN, GEN_SPANISH, GEN_ART, GEN_DT, GEN_MUSIC,
    GEN_DRAMA, GEN_PE, GEN_RE, GEN_BUSINESS, GEN_FOOD, GEN_MEDIA,
    GEN_NSUBJECTS
};

struct gen_subject_info {
    const char *code;
    double effect;        /* grade offset at the same ability */
    int open_weight;      /* how often chosen as an option; 0 = not an option */
};

extern const struct gen_subject_info gen_subjects[GEN_NSUBJECTS];

/* ---- the DfE Progress 8 estimates (2024 ready-reckoner table) ---- */

struct gen_estimate {
    int group;
    double ks2_from, ks2_to;
    double att8;
    /* The same figures as the DfE prints them, written out unchanged. */
    const char *from_s, *to_s, *att8_s, *eng_s, *mat_s, *ebacc_s, *open_s;
};

extern const struct gen_estimate gen_estimates[];
extern const size_t gen_nestimates;

/* ---- national comparators ---- */

struct gen_national {
    int year;             /* of the exams (2019 = 2018/19) */
    const char *indicator;
    const char *filter;   /* "" for all pupils */
    const char *value;
    int with_sd;          /* 1: the year's national SD of pupil P8 */
};

extern const struct gen_national gen_national_rows[];
extern const size_t gen_nnational;

/* The year of gen_national_rows a generated year takes: itself where the
 * table has it, else the nearest end of the table's years. */
int gen_national_year(int year);

/* National SD of pupil P8 for a year; years without a published figure get
 * the nearest one we hold (documented in sample-data/README.md). */
const char *gen_p8_sd(int year);

/* ---- names ---- */

struct gen_wordlist {
    const char *const *words;
    size_t n;
};

extern const struct gen_wordlist gen_first_female, gen_first_male,
    gen_places, gen_areas, gen_secondary_suffix, gen_primary_suffix,
    gen_la_names;

/* ---- buffered output ---- */

struct gen_out {
    FILE *fp;
    char *path;           /* final name */
    char *tmp;            /* written here, renamed on success */
    char *buf;
    size_t len, cap;
};

/* Open DIR/NAME.tmp for writing. 0 or -1 with err. */
int gen_out_open(struct gen_out *o, const char *dir, const char *name,
                 struct collab_err *err);
void gen_out_mem(struct gen_out *o, const char *s, size_t n);
void gen_out_str(struct gen_out *o, const char *s);
void gen_out_char(struct gen_out *o, char c);
void gen_out_long(struct gen_out *o, long v);
/* Flush, close and rename into place. 0 or -1 with err (the temporary file
 * is removed). */
int gen_out_commit(struct gen_out *o, struct collab_err *err);
/* Close and remove the temporary file (after a failure elsewhere). */
void gen_out_abort(struct gen_out *o);

#endif
