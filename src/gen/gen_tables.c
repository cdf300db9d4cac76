/* The generator's constant tables: subjects, the DfE estimates, national
 * comparators and the word lists fictional names are made from. */
#include "config.h"

#include "gen_internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Effects are grade offsets at the same ability, roughly the spread of
 * subject difficulty in GCSE results; weights make options plausible. */
const struct gen_subject_info gen_subjects[GEN_NSUBJECTS] = {
    [GEN_EN_LANG]   = { "EN_LANG",   0.05, 0 },
    [GEN_EN_LIT]    = { "EN_LIT",    0.15, 0 },
    [GEN_MATHS]     = { "MATHS",     0.00, 0 },
    [GEN_COMB_SCI]  = { "COMB_SCI", -0.20, 0 },
    [GEN_BIOLOGY]   = { "BIOLOGY",   0.25, 0 },
    [GEN_CHEMISTRY] = { "CHEMISTRY", 0.15, 0 },
    [GEN_PHYSICS]   = { "PHYSICS",   0.20, 0 },
    [GEN_COMP_SCI]  = { "COMP_SCI", -0.35, 0 },
    [GEN_HISTORY]   = { "HISTORY",  -0.05, 0 },
    [GEN_GEOGRAPHY] = { "GEOGRAPHY", 0.00, 0 },
    [GEN_FRENCH]    = { "FRENCH",   -0.30, 0 },
    [GEN_GERMAN]    = { "GERMAN",   -0.25, 0 },
    [GEN_SPANISH]   = { "SPANISH",  -0.20, 0 },
    [GEN_ART]       = { "ART",       0.40, 30 },
    [GEN_DT]        = { "DT",       -0.25, 20 },
    [GEN_MUSIC]     = { "MUSIC",     0.15, 10 },
    [GEN_DRAMA]     = { "DRAMA",     0.35, 15 },
    [GEN_PE]        = { "PE",       -0.20, 20 },
    [GEN_RE]        = { "RE",        0.10, 35 },
    [GEN_BUSINESS]  = { "BUSINESS", -0.30, 20 },
    [GEN_FOOD]      = { "FOOD",     -0.10, 15 },
    [GEN_MEDIA]     = { "MEDIA",    -0.10, 10 },
};

/* The DfE KS4 ready-reckoner table of 2024 (MIT licence, see
 * sample-data/LICENSE-ready-reckoner): prior attainment group, KS2 average
 * scaled score range, national average A8 and its four elements. */
#define EST(g, from, to, a8, en, ma, eb, op) \
    { g, from, to, a8, #from, #to, #a8, #en, #ma, #eb, #op }

const struct gen_estimate gen_estimates[] = {
    EST(1, 59, 82, 15.96, 3.86, 2.39, 4.36, 5.34),
    EST(2, 82.5, 86, 16.63, 4.18, 2.5, 4.37, 5.58),
    EST(3, 86.5, 87.5, 19.01, 4.76, 3.07, 4.99, 6.19),
    EST(4, 88, 89, 20.78, 5.14, 3.45, 5.49, 6.7),
    EST(5, 89.5, 90.5, 22, 5.37, 3.75, 5.86, 7.02),
    EST(6, 91, 92, 23.7, 5.73, 4.16, 6.33, 7.47),
    EST(7, 92.5, 93, 25.02, 6.02, 4.48, 6.68, 7.84),
    EST(8, 93.5, 94, 26.42, 6.34, 4.82, 7.05, 8.22),
    EST(9, 94.5, 95, 27.65, 6.55, 5.13, 7.44, 8.53),
    EST(10, 95.5, 96, 29.12, 6.81, 5.51, 7.91, 8.88),
    EST(11, 96.5, 97, 30.24, 7.03, 5.78, 8.2, 9.23),
    EST(12, 97.5, 98, 32.3, 7.46, 6.24, 8.82, 9.78),
    EST(13, 98.5, 99, 33.78, 7.73, 6.56, 9.29, 10.19),
    EST(14, 99.5, 100, 35.46, 8.06, 6.95, 9.81, 10.64),
    EST(15, 100.5, 101, 37.27, 8.39, 7.31, 10.39, 11.17),
    EST(16, 101.5, 102, 38.94, 8.72, 7.68, 10.9, 11.65),
    EST(17, 102.5, 103, 41.02, 9.1, 8.13, 11.59, 12.2),
    EST(18, 103.5, 104, 42.97, 9.47, 8.52, 12.23, 12.75),
    EST(19, 104.5, 105, 45.12, 9.85, 8.97, 12.95, 13.35),
    EST(20, 105.5, 106, 47.45, 10.28, 9.45, 13.74, 13.98),
    EST(21, 106.5, 107, 49.76, 10.7, 9.93, 14.51, 14.63),
    EST(22, 107.5, 108, 52.57, 11.17, 10.53, 15.48, 15.39),
    EST(23, 108.5, 109, 55.3, 11.66, 11.08, 16.38, 16.17),
    EST(24, 109.5, 110, 57.6, 12.06, 11.56, 17.16, 16.81),
    EST(25, 110.5, 111, 60.22, 12.5, 12.12, 18.06, 17.54),
    EST(26, 111.5, 112, 62.86, 12.99, 12.63, 18.91, 18.33),
    EST(27, 112.5, 113, 65.46, 13.39, 13.2, 19.81, 19.07),
    EST(28, 113.5, 114, 68.16, 13.82, 13.77, 20.73, 19.83),
    EST(29, 114.5, 115, 70.6, 14.23, 14.29, 21.53, 20.55),
    EST(30, 115.5, 116, 73.15, 14.6, 14.9, 22.35, 21.3),
    EST(31, 116.5, 117, 75.46, 14.95, 15.42, 23.1, 21.99),
    EST(32, 117.5, 118, 77.26, 15.26, 15.77, 23.69, 22.54),
    EST(33, 118.5, 119, 79.74, 15.7, 16.26, 24.42, 23.36),
    EST(34, 119.5, 120, 82.03, 16.14, 16.71, 25.02, 24.15),
};
const size_t gen_nestimates = COUNT(gen_estimates);

/* England, state-funded schools, 2016/17 to 2018/19 (sample-data/README.md
 * names each source). KS4 all pupils and disadvantaged / not: the DfE's
 * England rows (RECTYPE 7) of 2016/17 final and 2017/18 revised
 * (sample-data/dfe/england_ks4_groups_*.csv) and of england_ks4provisional.csv
 * for 2018/19, whose disadvantaged splits come from the DfE's KS4 national
 * characteristics release as its LA Interactive Tool gives them (DAP_KS4_*);
 * SEN support, EHC plan and no SEN: the LA Interactive Tool
 * (../shared/data/ks4-national-groups/lait_england_all_measures.csv), as
 * are absence and persistent absence of 2017 and 2018 and every KS2 figure
 * but 2019's all pupils (National curriculum assessments at KS2, 2019);
 * absence of 2019: the national secondary row of england_abs.csv. Where no
 * figure was found (EBacc APS in 2017, EAL, gender and prior bands) there
 * is no row: such a figure is not compared. */
#define NAT(y, ind, flt, v) { y, ind, flt, v, 0 }
/* the year's SD of pupil P8 on the all-pupils row only: a group's interval
 * takes it from there (docs/REPORT.md, "Pupil groups") */
#define NAT_P8(y, flt, v) { y, "p8", flt, v, (flt)[0] == '\0' }
const struct gen_national gen_national_rows[] = {
    NAT(2017, "att8", "", "46.3"), NAT(2017, "att8", "fsm6=yes", "37.0"),
    NAT(2017, "att8", "fsm6=no", "49.8"), NAT(2017, "att8", "sen=support", "31.9"),
    NAT(2017, "att8", "sen=ehcp", "13.9"), NAT(2017, "att8", "sen=none", "49.7"),
    NAT_P8(2017, "", "-0.03"), NAT_P8(2017, "fsm6=yes", "-0.40"),
    NAT_P8(2017, "fsm6=no", "0.11"), NAT_P8(2017, "sen=support", "-0.43"),
    NAT_P8(2017, "sen=ehcp", "-1.04"), NAT_P8(2017, "sen=none", "0.07"),
    NAT(2017, "basics4", "", "63.9"), NAT(2017, "basics4", "fsm6=yes", "44.3"),
    NAT(2017, "basics4", "fsm6=no", "71.2"), NAT(2017, "basics5", "", "42.7"),
    NAT(2017, "ebacc_entry", "", "38.2"),
    NAT(2017, "absence", "", "5.35"), NAT(2017, "persistent_absence", "", "13.54"),
    NAT(2017, "rwm_expected", "", "62"), NAT(2017, "rwm_expected", "fsm6=yes", "48"),
    NAT(2017, "rwm_expected", "fsm6=no", "68"), NAT(2017, "rwm_expected", "sen=support", "21"),
    NAT(2017, "rwm_expected", "sen=ehcp", "8"), NAT(2017, "rwm_expected", "sen=none", "71"),
    NAT(2017, "rwm_higher", "", "9"),

    NAT(2018, "att8", "", "46.5"), NAT(2018, "att8", "fsm6=yes", "36.7"),
    NAT(2018, "att8", "fsm6=no", "50.1"), NAT(2018, "att8", "sen=support", "32.2"),
    NAT(2018, "att8", "sen=ehcp", "13.5"), NAT(2018, "att8", "sen=none", "49.9"),
    NAT_P8(2018, "", "-0.02"), NAT_P8(2018, "fsm6=yes", "-0.44"),
    NAT_P8(2018, "fsm6=no", "0.13"), NAT_P8(2018, "sen=support", "-0.43"),
    NAT_P8(2018, "sen=ehcp", "-1.09"), NAT_P8(2018, "sen=none", "0.08"),
    NAT(2018, "basics4", "", "64.2"), NAT(2018, "basics4", "fsm6=yes", "44.5"),
    NAT(2018, "basics4", "fsm6=no", "71.5"), NAT(2018, "basics5", "", "43.3"),
    NAT(2018, "ebacc_entry", "", "38.4"), NAT(2018, "ebacc_aps", "", "4.04"),
    NAT(2018, "absence", "", "5.53"), NAT(2018, "persistent_absence", "", "13.91"),
    NAT(2018, "rwm_expected", "", "65"), NAT(2018, "rwm_expected", "fsm6=yes", "51"),
    NAT(2018, "rwm_expected", "fsm6=no", "71"), NAT(2018, "rwm_expected", "sen=support", "24"),
    NAT(2018, "rwm_expected", "sen=ehcp", "9"), NAT(2018, "rwm_expected", "sen=none", "74"),
    NAT(2018, "rwm_higher", "", "10"),

    NAT(2019, "att8", "", "46.5"), NAT(2019, "att8", "fsm6=yes", "36.7"),
    NAT(2019, "att8", "fsm6=no", "50.3"), NAT(2019, "att8", "sen=support", "32.6"),
    NAT(2019, "att8", "sen=ehcp", "13.7"), NAT(2019, "att8", "sen=none", "49.9"),
    NAT_P8(2019, "", "-0.03"), NAT_P8(2019, "fsm6=yes", "-0.45"),
    NAT_P8(2019, "fsm6=no", "0.13"), NAT_P8(2019, "sen=support", "-0.43"),
    NAT_P8(2019, "sen=ehcp", "-1.17"), NAT_P8(2019, "sen=none", "0.08"),
    NAT(2019, "basics4", "", "64.4"), NAT(2019, "basics4", "fsm6=yes", "44.7"),
    NAT(2019, "basics4", "fsm6=no", "71.8"), NAT(2019, "basics5", "", "43.0"),
    NAT(2019, "ebacc_entry", "", "40.0"), NAT(2019, "ebacc_aps", "", "4.06"),
    NAT(2019, "absence", "", "5.5"), NAT(2019, "persistent_absence", "", "13.7"),
    NAT(2019, "rwm_expected", "", "65"), NAT(2019, "rwm_expected", "fsm6=yes", "51"),
    NAT(2019, "rwm_expected", "fsm6=no", "72"), NAT(2019, "rwm_expected", "sen=support", "25"),
    NAT(2019, "rwm_expected", "sen=ehcp", "9"), NAT(2019, "rwm_expected", "sen=none", "75"),
    NAT(2019, "rwm_higher", "", "11"),
};
const size_t gen_nnational = COUNT(gen_national_rows);

int gen_national_year(int year)
{
    int first = gen_national_rows[0].year, last = gen_national_rows[0].year;
    for (size_t i = 1; i < COUNT(gen_national_rows); i++) {
        if (gen_national_rows[i].year < first)
            first = gen_national_rows[i].year;
        if (gen_national_rows[i].year > last)
            last = gen_national_rows[i].year;
    }
    return year < first ? first : year > last ? last : year;
}

static const struct { int year; const char *sd; } p8_sds[] = {
    { 2017, "1.2297" }, { 2018, "1.2626" }, { 2019, "1.2825" }, { 2024, "1.4163" },
};

const char *gen_p8_sd(int year)
{
    size_t best = 0;
    int best_d = 1 << 30;
    for (size_t i = 0; i < COUNT(p8_sds); i++) {
        int d = year > p8_sds[i].year ? year - p8_sds[i].year : p8_sds[i].year - year;
        if (d < best_d) {   /* ties go to the earlier year */
            best_d = d;
            best = i;
        }
    }
    return p8_sds[best].sd;
}

#define WORDS(name, ...) \
    static const char *const name##_w[] = { __VA_ARGS__ }; \
    const struct gen_wordlist name = { name##_w, COUNT(name##_w) }

WORDS(gen_first_female, "Amelia", "Olivia", "Isla", "Ava", "Mia", "Ivy",
      "Lily", "Isabella", "Rosie", "Sophia", "Grace", "Willow", "Freya",
      "Florence", "Emily", "Ella", "Poppy", "Evie", "Aisha", "Zara", "Maryam",
      "Amira", "Chloe", "Jessica", "Hannah", "Ruby", "Maya", "Priya", "Nia",
      "Zofia", "Leah", "Erin");
WORDS(gen_first_male, "Oliver", "George", "Noah", "Arthur", "Harry", "Leo",
      "Muhammad", "Jack", "Charlie", "Oscar", "Jacob", "Henry", "Thomas",
      "Freddie", "Alfie", "Theo", "William", "Theodore", "Archie", "Joshua",
      "Alexander", "James", "Isaac", "Edward", "Adam", "Yusuf", "Kai", "Reuben",
      "Kacper", "Ethan", "Samuel", "Daniel");
WORDS(gen_places, "Harbour", "Northmoor", "Castlegate", "Riverside",
      "St Aidan's", "Westfield", "Brookside", "Highcliffe", "Millbrook",
      "Kingsway", "Fernhill", "Ashworth", "Oakwood", "Stonebridge",
      "Hollins", "Beacon", "Thornbury", "Marshside", "Elmwood", "Queensbury",
      "St Hilda's", "Langley", "Moorfield", "Redbrook", "Saltmarsh", "Greystone",
      "Lindale", "Carr Lane", "Hawthorn", "Windmill", "Eastcliff", "Bramley",
      "Cedar", "Foxhill", "Larkrise", "Meadowbank", "Newby", "Parkside",
      "Rowan", "Seaview", "Tollgate", "Upton", "Valley", "Wharfedale",
      "Yewtree", "Abbey", "Burnside", "Copperfield", "Dene", "Fairhaven");
WORDS(gen_areas, "Park", "Hill", "Vale", "Green", "Cross", "Heath", "Bridge",
      "Lane", "Mount", "Grange", "Moor", "Bank", "Field", "Wood", "Brook",
      "Common", "Rise", "End", "Court", "Gate");
WORDS(gen_secondary_suffix, "High School", "Academy", "School",
      "Community College", "Church of England Academy", "College",
      "Secondary School", "Catholic High School");
WORDS(gen_primary_suffix, "Primary School", "Primary Academy",
      "Church of England Primary School", "Community Primary School",
      "Junior School", "Catholic Primary School");
WORDS(gen_la_names, "Northmoor", "Southvale", "Eastmarsh", "Westerby",
      "Highdale", "Lowfield", "Kirkholme", "Ravensmoor", "Coldwater",
      "Ashby Vale", "Bransford", "Cleeve", "Dunmere", "Elsworth", "Farrowdale",
      "Glenholme", "Hartmoor", "Ingleby", "Jesmond Vale", "Kelbrook");
