/* KS4 and KS2 measures on hand-worked pupils (include/collab/ks4.h). Each
 * case writes out the slot arithmetic it expects. */
#include "config.h"

#include <stddef.h>

#include "collab/ks4.h"
#include "tap.h"

#define N(a) (sizeof (a) / sizeof (a)[0])
#define S(p, g) { KS4_##p, g, -1 }          /* a single award */
#define D(p, a, b) { KS4_##p, a, b }        /* a double award, a >= b */

/* Group 21 of the 2024 estimates (p8_att8_splits.csv: 106.5 to 107). */
static const struct ks4_estimate est21 = { 21, 106.5, 107, 49.76, 10.7, 9.93, 14.51, 14.63 };

static struct ks4_measures calc(const struct ks4_entry *e, size_t n,
                                const struct ks4_estimate *est)
{
    struct ks4_measures m;
    ks4_compute(e, n, est, &m);
    return m;
}

static void english_both(void)
{
    /* Language 6, literature 5: the better (6) doubles: English 12; the 5
     * goes to open. Maths 7 doubles: 14. EBacc: physics 7, chemistry 6,
     * history 5 = 18. Open: literature 5, art 4, music 3 = 12.
     * A8 = 12 + 14 + 18 + 12 = 56. */
    const struct ks4_entry e[] = { S(ENG_LANG, 6), S(ENG_LIT, 5), S(MATHS, 7),
        S(SCIENCE, 7), S(SCIENCE, 6), S(HUMANITIES, 5), S(NONE, 4), S(NONE, 3) };
    struct ks4_measures m = calc(e, N(e), NULL);
    is_double(m.att8_eng, 12, 1e-9, "both English: the better grade doubled");
    is_double(m.att8_mat, 14, 1e-9, "maths doubled");
    is_double(m.att8_ebacc, 18, 1e-9, "EBacc slots 7+6+5");
    is_double(m.att8_open, 12, 1e-9, "undoubled literature fills an open slot: 5+4+3");
    is_double(m.att8, 56, 1e-9, "A8 12+14+18+12 = 56");
    is_int(m.entries, 8, "eight entries");
    ok(!m.has_est, "no estimate without a prior group");
}

static void english_one(void)
{
    /* Only language 6: counts once in the English slot: 6. Maths 4: 8.
     * Open: art 5. A8 = 6 + 8 + 0 + 5 = 19. */
    const struct ks4_entry lang[] = { S(ENG_LANG, 6), S(MATHS, 4), S(NONE, 5) };
    struct ks4_measures m = calc(lang, N(lang), NULL);
    is_double(m.att8_eng, 6, 1e-9, "only language: English counts once (6)");
    is_double(m.att8, 19, 1e-9, "only language: A8 6+8+0+5 = 19");
    /* Only literature 7: 7 once; maths 5: 10; A8 = 17. */
    const struct ks4_entry lit[] = { S(ENG_LIT, 7), S(MATHS, 5) };
    m = calc(lit, N(lit), NULL);
    is_double(m.att8_eng, 7, 1e-9, "only literature: counts once (7)");
    is_double(m.att8, 17, 1e-9, "only literature: A8 7+10 = 17");
    is_int(m.basics4, 1, "literature 7 and maths 5: basics 4+");
    is_int(m.basics5, 1, "literature 7 and maths 5: basics 5+");
    /* No English: slot empty (0); maths 6: 12; open art 9: A8 = 21. */
    const struct ks4_entry none[] = { S(MATHS, 6), S(NONE, 9) };
    m = calc(none, N(none), NULL);
    is_double(m.att8_eng, 0, 1e-9, "no English: empty slot scores 0");
    is_double(m.att8, 21, 1e-9, "no English: A8 0+12+0+9 = 21");
    is_int(m.basics4, 0, "no English: no basics");
}

static void sciences(void)
{
    /* Combined science 6-5 fills two EBacc slots (6 and 5), geography 4 the
     * third: 15. Maths 5: 10. A8 = 25. */
    const struct ks4_entry comb[] = { D(SCIENCE, 6, 5), S(HUMANITIES, 4), S(MATHS, 5) };
    struct ks4_measures m = calc(comb, N(comb), NULL);
    is_double(m.att8_ebacc, 15, 1e-9, "combined science 6-5 fills two EBacc slots + 4");
    is_double(m.att8, 25, 1e-9, "combined science: A8 10+15 = 25");
    is_int(m.entries, 3, "a double award is one entry");
    /* 6-5 split: history 7 and French 7 take two EBacc slots and one half
     * of the science the third, at the pair's mean 5.5: 19.5. Three open
     * subjects of 8 beat the other half (5.5): 24. A8 = 43.5, not 44 (7 +
     * 7 + 6 with the 5 left over). */
    const struct ks4_entry split[] = { S(HUMANITIES, 7), S(LANGUAGE, 7), D(SCIENCE, 6, 5),
        S(NONE, 8), S(NONE, 8), S(NONE, 8) };
    m = calc(split, N(split), NULL);
    is_double(m.att8_ebacc, 19.5, 1e-9, "combined 6-5 in one EBacc slot scores 5.5");
    is_double(m.att8, 43.5, 1e-9, "combined 6-5 split: A8 19.5+24 = 43.5");
    /* Triple science 5, 7, 6 and computer science 8: EBacc takes 8, 7, 6 =
     * 21; the leftover 5 goes to open with art 3: 8. A8 = 29. */
    const struct ks4_entry triple[] = { S(SCIENCE, 5), S(SCIENCE, 7), S(SCIENCE, 6),
        S(SCIENCE, 8), S(NONE, 3) };
    m = calc(triple, N(triple), NULL);
    is_double(m.att8_ebacc, 21, 1e-9, "best three of four sciences: 8+7+6");
    is_double(m.att8_open, 8, 1e-9, "leftover science into open: 5+3");
    is_double(m.att8, 29, 1e-9, "triple science: A8 = 29");
}

static void leftovers_and_gaps(void)
{
    /* EBacc grades 9, 8, 7, 6, 5 and no other subject: the slots take
     * 9+8+7 = 24 and the open slots the leftovers 6+5 = 11 (third open
     * empty). A8 = 35. */
    const struct ks4_entry e[] = { S(HUMANITIES, 9), S(LANGUAGE, 8), S(SCIENCE, 7),
        S(HUMANITIES, 6), S(LANGUAGE, 5) };
    struct ks4_measures m = calc(e, N(e), NULL);
    is_double(m.att8_ebacc, 24, 1e-9, "EBacc 9+8+7");
    is_double(m.att8_open, 11, 1e-9, "leftover EBacc subjects fill open: 6+5+0");
    is_double(m.att8, 35, 1e-9, "A8 24+11 = 35");
    /* Only history 6 and French 4 in the EBacc: 6+4+0 = 10. */
    const struct ks4_entry two[] = { S(HUMANITIES, 6), S(LANGUAGE, 4), S(NONE, 7) };
    m = calc(two, N(two), NULL);
    is_double(m.att8_ebacc, 10, 1e-9, "two EBacc subjects: 6+4, third slot 0");
    is_double(m.att8_open, 7, 1e-9, "open 7");
    /* U grades score 0: language U, maths U, combined U-U, art U. */
    const struct ks4_entry u[] = { S(ENG_LANG, 0), S(MATHS, 0), D(SCIENCE, 0, 0),
        S(NONE, 0) };
    m = calc(u, N(u), NULL);
    is_double(m.att8, 0, 1e-9, "all U: A8 0");
    is_int(m.entries, 4, "U grades are still entries");
    m = calc(NULL, 0, NULL);
    is_double(m.att8, 0, 1e-9, "no results: A8 0");
    is_int(m.entries, 0, "no results: 0 entries");
}

static void full_marks(void)
{
    /* 9s everywhere: English 18 + maths 18 + EBacc 27 + open 27 = 90. */
    const struct ks4_entry e[] = { S(ENG_LANG, 9), S(ENG_LIT, 9), S(MATHS, 9),
        D(SCIENCE, 9, 9), S(HUMANITIES, 9), S(LANGUAGE, 9), S(NONE, 9), S(NONE, 9) };
    struct ks4_measures m = calc(e, N(e), NULL);
    is_double(m.att8, 90, 1e-9, "full marks: A8 90");
    is_int(m.ebacc5, 1, "full marks: EBacc 5+");
    is_double(m.ebacc_aps, 9, 1e-9, "full marks: EBacc APS 9");
}

static void progress8(void)
{
    /* The pupil of english_both (A8 56: English 12, maths 14, EBacc 18,
     * open 12) in group 21: P8 = (56 - 49.76)/10 = 0.624;
     * English (12 - 10.7)/2 = 0.65; maths (14 - 9.93)/2 = 2.035;
     * EBacc (18 - 14.51)/3 = 1.163333; open (12 - 14.63)/3 = -0.876667. */
    const struct ks4_entry e[] = { S(ENG_LANG, 6), S(ENG_LIT, 5), S(MATHS, 7),
        S(SCIENCE, 7), S(SCIENCE, 6), S(HUMANITIES, 5), S(NONE, 4), S(NONE, 3) };
    struct ks4_measures m = calc(e, N(e), &est21);
    ok(m.has_est, "estimate used");
    is_double(m.est_att8, 49.76, 1e-9, "estimated A8 of group 21");
    is_double(m.p8, 0.624, 1e-9, "P8 (56 - 49.76)/10");
    is_double(m.p8_eng, 0.65, 1e-9, "P8 English (12 - 10.7)/2");
    is_double(m.p8_mat, 2.035, 1e-9, "P8 maths (14 - 9.93)/2");
    is_double(m.p8_ebacc, 3.49 / 3, 1e-9, "P8 EBacc (18 - 14.51)/3");
    is_double(m.p8_open, -2.63 / 3, 1e-9, "P8 open (12 - 14.63)/3");
}

static void prior_groups(void)
{
    /* Three rows of the 2024 table: 13 is 98.5 to 99, 14 is 99.5 to 100,
     * 15 is 100.5 to 101 (prior scores are means of whole numbers: .0 or .5). */
    const struct ks4_estimate t[] = {
        { 13, 98.5, 99, 33.78, 7.73, 6.56, 9.29, 10.19 },
        { 14, 99.5, 100, 35.46, 8.06, 6.95, 9.81, 10.64 },
        { 15, 100.5, 101, 37.27, 8.39, 7.31, 10.39, 11.17 },
    };
    double score;
    ok(ks4_prior_score(99, 100, &score) == 0 && score == 99.5, "prior (99+100)/2 = 99.5");
    is_int(ks4_find_group(t, 3, 99.5)->group, 14, "99.5 is in group 14");
    is_int(ks4_find_group(t, 3, 100)->group, 14, "100 is in group 14 (99.5 to 100)");
    is_int(ks4_find_group(t, 3, 100.5)->group, 15, "100.5 is in group 15");
    is_int(ks4_find_group(t, 3, 99)->group, 13, "99 is in group 13");
    ok(ks4_find_group(t, 3, 101.5) == NULL, "101.5 is in no group of this table");
    ok(ks4_prior_score(-1, 95, &score) == 0 && score == 95, "maths alone: the prior is maths, 95");
    is_int(ks4_find_group(t, 3, score) ? 1 : 0, 0, "95 is in no group of these three rows");
    ok(ks4_prior_score(101, -1, &score) == 0 && score == 101, "reading alone: the prior is reading, 101");
    is_int(ks4_find_group(t, 3, score)->group, 15, "101 is in group 15");
    ok(ks4_prior_score(-1, -1, &score) != 0, "no prior with neither score");
    is_str(ks4_prior_band(99.5), "L", "band L below 100");
    is_str(ks4_prior_band(100), "M", "band M at 100");
    is_str(ks4_prior_band(109.5), "M", "band M at 109.5");
    is_str(ks4_prior_band(110), "H", "band H at 110 (110 and above, the DfE's bands)");
    is_str(ks4_prior_band(110.5), "H", "band H above 110");
}

static void basics_and_ebacc(void)
{
    /* English language 4, literature 3, maths 5, combined 5-4, history 6,
     * Spanish 4. Basics 4+: maths 5 and language 4: yes; 5+: no (English 4).
     * EBacc entered (English language and literature, maths, two science
     * grades, history, Spanish); 4+: 4, 5, science 4.5 and 4.5 (the mean of
     * 5-4 in each), 6, 4: yes; 5+: no.
     * APS = (4 + 5 + 4.5 + 4.5 + 6 + 4)/6 = 28/6. */
    const struct ks4_entry e[] = { S(ENG_LANG, 4), S(ENG_LIT, 3), S(MATHS, 5),
        D(SCIENCE, 5, 4), S(HUMANITIES, 6), S(LANGUAGE, 4) };
    struct ks4_measures m = calc(e, N(e), NULL);
    is_int(m.basics4, 1, "basics 4+");
    is_int(m.basics5, 0, "no basics 5+");
    is_int(m.ebacc_entry, 1, "EBacc entered");
    is_int(m.ebacc4, 1, "EBacc 4+");
    is_int(m.ebacc5, 0, "no EBacc 5+");
    is_double(m.ebacc_aps, 28.0 / 6, 1e-9, "EBacc APS 28/6");
    /* One single science is not two science grades: not entered;
     * APS = (6 + 6 + 7 + 0 + 6 + 6)/6 = 31/6. */
    const struct ks4_entry one[] = { S(ENG_LIT, 6), S(MATHS, 6), S(SCIENCE, 7),
        S(HUMANITIES, 6), S(LANGUAGE, 6) };
    m = calc(one, N(one), NULL);
    is_int(m.ebacc_entry, 0, "one science grade: not entered");
    is_int(m.ebacc4, 0, "not entered: no EBacc 4+");
    is_double(m.ebacc_aps, 31.0 / 6, 1e-9, "EBacc APS with a missing science slot");
    /* English language 6 without literature: the EBacc's English pillar
     * needs both entered, so not entered; with literature 3 added it is,
     * and 4+ is met by language 6 (either English grade counts). */
    const struct ks4_entry lang[] = { S(ENG_LANG, 6), S(MATHS, 6), D(SCIENCE, 6, 6),
        S(HUMANITIES, 6), S(LANGUAGE, 6), S(ENG_LIT, 3) };
    m = calc(lang, N(lang) - 1, NULL);
    is_int(m.ebacc_entry, 0, "English language alone: EBacc not entered");
    is_int(m.ebacc4, 0, "English language alone: no EBacc 4+");
    m = calc(lang, N(lang), NULL);
    is_int(m.ebacc_entry, 1, "language and literature (3) both entered: EBacc entered");
    is_int(m.ebacc4, 1, "EBacc 4+ on language 6");
    /* Combined science counts for the thresholds by the mean of its pair:
     * 4-3 (3.5) misses 4+, 5-4 (4.5) makes 4+ but not 5+, 6-5 (5.5) 5+. */
    struct ks4_entry sci[] = { S(ENG_LANG, 6), S(ENG_LIT, 6), S(MATHS, 6), D(SCIENCE, 4, 3),
        S(HUMANITIES, 6), S(LANGUAGE, 6) };
    m = calc(sci, N(sci), NULL);
    is_int(m.ebacc4, 0, "combined 4-3: no EBacc 4+");
    sci[3] = (struct ks4_entry)D(SCIENCE, 5, 4);
    m = calc(sci, N(sci), NULL);
    is_int(m.ebacc4 * 10 + m.ebacc5, 10, "combined 5-4: EBacc 4+, not 5+");
    sci[3] = (struct ks4_entry)D(SCIENCE, 6, 5);
    m = calc(sci, N(sci), NULL);
    is_int(m.ebacc5, 1, "combined 6-5: EBacc 5+");
}

static void grades(void)
{
    int a, b;
    ok(ks4_grade_parse("7", 0, &a, &b) == 0 && a == 7 && b == -1, "grade 7");
    ok(ks4_grade_parse("U", 0, &a, &b) == 0 && a == 0, "grade U scores 0");
    ok(ks4_grade_parse("6-5", 1, &a, &b) == 0 && a == 6 && b == 5, "double 6-5");
    ok(ks4_grade_parse("U-U", 1, &a, &b) == 0 && a == 0 && b == 0, "double U-U");
    ok(ks4_grade_parse("6-5", 0, &a, &b) != 0, "6-5 is not a single grade");
    ok(ks4_grade_parse("6", 1, &a, &b) != 0, "6 is not a double grade");
    ok(ks4_grade_parse("5-6", 1, &a, &b) != 0, "5-6: the higher comes first");
    ok(ks4_grade_parse("7-5", 1, &a, &b) != 0, "7-5: at most one apart");
    ok(ks4_grade_parse("0", 0, &a, &b) != 0, "0 is not a grade");
    ok(ks4_grade_parse("10", 0, &a, &b) != 0, "10 is not a grade");
    is_double(ks4_points(6, 5), 5.5, 1e-9, "points of 6-5 = 5.5");
}

static void ks2(void)
{
    struct ks2_measures m;
    /* 110, 112, GDS: every standard met, higher too; average 111. */
    ks2_compute(110, 112, KS2_W_GDS, &m);
    ok(m.reading_expected && m.maths_expected && m.writing_expected, "all expected");
    is_int(m.rwm_expected, 1, "RWM expected");
    is_int(m.rwm_higher, 1, "RWM higher: 110, 112 and GDS");
    is_double(m.avg_scaled, 111, 1e-9, "average (110+112)/2");
    /* 109 reading misses the higher standard (110) by one. */
    ks2_compute(109, 115, KS2_W_GDS, &m);
    is_int(m.rwm_higher, 0, "reading 109: not higher");
    is_int(m.rwm_expected, 1, "reading 109: expected");
    /* 99 reading misses the expected standard (100). */
    ks2_compute(99, 105, KS2_W_EXS, &m);
    is_int(m.reading_expected, 0, "reading 99: not expected");
    is_int(m.maths_expected, 1, "maths 105: expected");
    is_int(m.writing_expected, 1, "EXS: writing expected");
    is_int(m.rwm_expected, 0, "RWM needs all three");
    /* WTS is below the expected standard; no scores means no average. */
    ks2_compute(-1, -1, KS2_W_WTS, &m);
    is_int(m.writing_expected, 0, "WTS: writing not expected");
    is_int(m.has_avg, 0, "no scores: no average");
    enum ks2_writing w;
    ok(ks2_writing_parse("GDS", &w) == 0 && w == KS2_W_GDS, "GDS parses");
    ok(ks2_writing_parse("EX", &w) != 0, "EX is not a writing code");
}

int main(void)
{
    english_both();
    english_one();
    sciences();
    leftovers_and_gaps();
    full_marks();
    progress8();
    prior_groups();
    basics_and_ebacc();
    grades();
    ks2();
    return tap_done();
}
