/* The sample-data generator: its PRNG, its options, and the shape of a
 * generated set as a user importing it would see it. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collab/config.h"
#include "collab/eval.h"
#include "collab/gen.h"
#include "collab/util.h"
#include "tap.h"

static char *read_file(const char *dir, const char *name, size_t *len)
{
    char *path = util_path_join(dir, name);
    FILE *fp = fopen(path, "rb");
    free(path);
    if (!fp)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        sb_addn(&sb, buf, n);
    fclose(fp);
    *len = sb.len;
    return sb_detach(&sb);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = util_path_join(dir, e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static const char *const files[] = {
    "schools.csv", "pupils.csv", "results.csv", "attendance.csv",
    "estimates.csv", "national.csv",
};
#define NFILES (sizeof files / sizeof files[0])

/* 1 when every file of the two directories is byte-identical. */
static int same_files(const char *a, const char *b)
{
    for (size_t i = 0; i < NFILES; i++) {
        size_t la, lb;
        char *x = read_file(a, files[i], &la), *y = read_file(b, files[i], &lb);
        int same = x && y && la == lb && memcmp(x, y, la) == 0;
        free(x);
        free(y);
        if (!same)
            return 0;
    }
    return 1;
}

static void test_rng(void)
{
    /* The reference xoshiro256** output for the state {1, 2, 3, 4}. */
    struct gen_rng r = { { 1, 2, 3, 4 } };
    ok(gen_rng_next(&r) == 11520ULL && gen_rng_next(&r) == 0ULL &&
       gen_rng_next(&r) == 1509978240ULL && gen_rng_next(&r) == 1215971899390074240ULL,
       "xoshiro256** matches the reference sequence");

    struct gen_rng a, b, c;
    gen_rng_seed(&a, 42, 7);
    gen_rng_seed(&b, 42, 7);
    gen_rng_seed(&c, 42, 8);
    int same = 1, differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = gen_rng_next(&a), y = gen_rng_next(&b), z = gen_rng_next(&c);
        same &= x == y;
        differ += x != z;
    }
    ok(same, "same seed and stream give the same sequence");
    ok(differ > 990, "neighbouring streams differ");

    gen_rng_seed(&a, 1, 0);
    double sum = 0, sum2 = 0, nsum = 0, nsum2 = 0, lo = 1, hi = 0;
    long rlo = 100, rhi = -100, hits = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double u = gen_rng_uniform(&a);
        sum += u;
        sum2 += u * u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
        double z = gen_rng_normal(&a);
        nsum += z;
        nsum2 += z * z;
        long k = gen_rng_range(&a, -3, 3);
        rlo = k < rlo ? k : rlo;
        rhi = k > rhi ? k : rhi;
        hits += gen_rng_chance(&a, 0.25);
    }
    ok(lo >= 0.0 && hi < 1.0, "uniform stays in [0, 1)");
    is_double(sum / n, 0.5, 0.005, "uniform mean is 1/2");
    is_double(sum2 / n - (sum / n) * (sum / n), 1.0 / 12, 0.002, "uniform variance is 1/12");
    is_double(nsum / n, 0.0, 0.01, "normal mean is 0");
    is_double(nsum2 / n - (nsum / n) * (nsum / n), 1.0, 0.02, "normal variance is 1");
    ok(rlo == -3 && rhi == 3, "range covers both ends and no more");
    is_double((double)hits / n, 0.25, 0.005, "chance(0.25) hits a quarter of the time");
}

static void test_opts(void)
{
    struct gen_opts o;
    struct collab_err err = { 0 };
    gen_opts_default(&o);
    is_int(o.schools, 8, "default is the sample scale: 8 secondaries");
    is_int(o.primaries, 4, "and 4 primaries");
    is_int(o.first_year, 2017, "from 2017");
    is_int(o.years, 3, "for three years");
    ok(gen_opts_scale(&o, "national", &err) == 0 && o.schools == 3500 && o.years == 3,
       "national scale: 3,500 schools, 3 years");
    ok(gen_opts_scale(&o, "large", &err) == 0 && o.schools == 200 && o.pupils == 175,
       "large scale: 200 schools of ~175");
    ok(gen_opts_scale(&o, "group", &err) == 0 && o.schools == 20 && o.pupils == 150,
       "group scale: 20 schools of ~150");
    ok(gen_opts_scale(&o, "huge", &err) < 0, "unknown scale refused");
    like(err.msg, "national", "and the message lists the scales");
    gen_opts_default(&o);
    o.years = 0;
    ok(gen_opts_check(&o, &err) < 0, "zero years refused");
    like(err.msg, "--years", "naming the option");
    gen_opts_default(&o);
    o.first_year = 2099;
    ok(gen_opts_check(&o, &err) < 0, "years past 2100 refused");
}

/* Split one CSV line (the generator never quotes) into at most max fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == ',') {
            *p = '\0';
            f[n++] = p + 1;
        }
    }
    return n;
}

struct shape {
    long ks4, ks2, fsm6, eal, sen_k, sen_e, female, no_ks2, read_n;
    double read_sum;
    long results, en_maths, bad_pair, pair, ks2_results, unknown;
    long att, pa, bad_att;
    double missed, possible;
    int dup_ids;
};

static int grade_ok(char c)
{
    return c == 'U' || (c >= '1' && c <= '9');
}

static void read_pupils(const char *dir, struct shape *s, char *ks_of, long maxid)
{
    size_t len;
    char *text = read_file(dir, "pupils.csv", &len);
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);   /* header */
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *f[16];
        if (split(line, f, 16) != 14) {
            s->unknown++;
            continue;
        }
        long id = strtol(f[0] + 1, NULL, 10);
        if (id <= 0 || id > maxid || ks_of[id]) {
            s->dup_ids++;
            continue;
        }
        ks_of[id] = f[3][0];
        if (f[3][0] == '2') {
            s->ks2++;
            continue;
        }
        s->ks4++;
        s->fsm6 += f[6][0] == '1';
        s->eal += f[7][0] == '1';
        s->sen_k += f[8][0] == 'K';
        s->sen_e += f[8][0] == 'E';
        s->female += f[5][0] == 'F';
        if (f[11][0]) {
            s->read_sum += atof(f[11]);
            s->read_n++;
        } else {
            s->no_ks2++;
        }
    }
    free(text);
}

static void read_results(const char *dir, struct shape *s, const char *ks_of, long maxid)
{
    size_t len;
    char *text = read_file(dir, "results.csv", &len);
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *f[4];
        if (split(line, f, 4) != 3) {
            s->unknown++;
            continue;
        }
        long id = strtol(f[0] + 1, NULL, 10);
        if (id <= 0 || id > maxid || !ks_of[id]) {
            s->unknown++;
            continue;
        }
        s->results++;
        s->ks2_results += ks_of[id] == '2';
        s->en_maths += strcmp(f[1], "EN_LANG") == 0 || strcmp(f[1], "MATHS") == 0;
        const char *g = f[2];
        if (strcmp(f[1], "COMB_SCI") == 0) {
            s->pair++;
            int hi = g[0] == 'U' ? 0 : g[0] - '0', lo = g[2] == 'U' ? 0 : g[2] - '0';
            if (strlen(g) != 3 || g[1] != '-' || !grade_ok(g[0]) || !grade_ok(g[2]) ||
                hi - lo < 0 || hi - lo > 1 || (hi == 0) != (lo == 0))
                s->bad_pair++;
        } else if (strlen(g) != 1 || !grade_ok(g[0])) {
            s->unknown++;
        }
    }
    free(text);
}

static void read_attendance(const char *dir, struct shape *s, const char *ks_of, long maxid)
{
    size_t len;
    char *text = read_file(dir, "attendance.csv", &len);
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *f[4];
        if (split(line, f, 4) != 3)
            continue;
        long id = strtol(f[0] + 1, NULL, 10);
        long poss = atol(f[1]), miss = atol(f[2]);
        s->att++;
        if (poss < 150 || poss > 330 || miss < 0 || miss > poss)
            s->bad_att++;
        if (id <= 0 || id > maxid || ks_of[id] != '4')
            continue;
        s->possible += (double)poss;
        s->missed += (double)miss;
        s->pa += miss * 10 >= poss;
    }
    free(text);
}

static void test_generated_set(void)
{
    char tmpl[] = "/tmp/collab-gen-XXXXXX";
    char *base = mkdtemp(tmpl);
    ok(base != NULL, "temporary directory");
    if (!base)
        return;
    char *d1 = util_path_join(base, "a"), *d2 = util_path_join(base, "b/c"),
         *d3 = util_path_join(base, "d");
    struct gen_opts o;
    struct gen_stats st;
    struct collab_err err = { 0 };
    gen_opts_default(&o);
    o.schools = 20;
    o.pupils = 120;
    o.primaries = 3;
    ok(gen_write(&o, d1, &st, &err) == 0, "generate 20 secondaries and 3 primaries");
    ok(gen_write(&o, d2, NULL, &err) == 0, "again, into a directory that needs parents");
    ok(same_files(d1, d2), "same options give byte-identical files");
    o.seed++;
    ok(gen_write(&o, d3, NULL, &err) == 0, "generate with another seed");
    ok(!same_files(d1, d3), "another seed gives other data");
    is_int(st.schools, 23, "23 schools written");

    long maxid = st.pupils + 1;
    char *ks_of = calloc((size_t)maxid + 1, 1);
    struct shape s;
    memset(&s, 0, sizeof s);
    read_pupils(d1, &s, ks_of, maxid);
    read_results(d1, &s, ks_of, maxid);
    read_attendance(d1, &s, ks_of, maxid);
    free(ks_of);

    is_int(s.ks4 + s.ks2, st.pupils, "pupils.csv has the reported number of pupils");
    is_int(s.dup_ids, 0, "pupil ids are unique");
    is_int(s.unknown, 0, "every row is well-formed");
    ok(s.ks4 > 20 * 120 * 3 * 0.8 && s.ks4 < 20 * 120 * 3 * 1.2,
       "about 120 KS4 pupils per school per year (%ld)", s.ks4);
    ok(s.ks2 > 0, "primaries have KS2 pupils");
    double n = (double)s.ks4;
    ok(s.fsm6 / n > 0.15 && s.fsm6 / n < 0.40, "FSM6 share %.3f near a quarter", s.fsm6 / n);
    ok(s.eal / n > 0.07 && s.eal / n < 0.30, "EAL share %.3f", s.eal / n);
    ok(s.sen_k / n > 0.08 && s.sen_k / n < 0.17, "SEN support share %.3f", s.sen_k / n);
    ok(s.sen_e / n > 0.01 && s.sen_e / n < 0.05, "EHCP share %.3f", s.sen_e / n);
    ok(s.female / n > 0.45 && s.female / n < 0.55, "girls %.3f", s.female / n);
    ok(s.no_ks2 > 0 && s.no_ks2 / n < 0.08, "a few pupils without KS2 (%ld)", s.no_ks2);
    double read = s.read_sum / (double)s.read_n;
    ok(read > 101 && read < 107, "KS2 reading mean %.1f near 104", read);
    is_int(s.results, st.results, "results.csv has the reported number of rows");
    is_int(s.ks2_results, 0, "KS2 pupils have no results");
    is_int(s.en_maths, 2 * s.ks4, "every KS4 pupil takes English language and maths");
    ok(s.results / n > 9.0 && s.results / n < 11.0, "%.2f results per pupil",
       s.results / n);
    ok(s.pair > n * 0.4 && s.pair < n * 0.85, "combined science for %.2f",
       s.pair / n);
    is_int(s.bad_pair, 0, "double-award grades pair within one grade");
    is_int(s.att, st.pupils, "one attendance row per pupil");
    is_int(s.bad_att, 0, "sessions in range, missed <= possible");
    double absence = s.missed / s.possible, pa = s.pa / n;
    ok(absence > 0.035 && absence < 0.075, "absence rate %.3f near 5%%", absence);
    ok(pa > 0.08 && pa < 0.18, "persistent absence %.3f near 12%%", pa);

    /* A file where the directory should be: a clear error, no crash. */
    char *blocker = util_path_join(base, "file");
    FILE *fp = fopen(blocker, "w");
    if (fp)
        fclose(fp);
    char *under = util_path_join(blocker, "out");
    ok(gen_write(&o, under, NULL, &err) < 0, "refuses to write under a regular file");
    like(err.msg, "file", "and names the path");
    unlink(blocker);
    free(under);
    free(blocker);

    remove_dir(d1);
    remove_dir(d2);
    char *b = util_path_join(base, "b");
    rmdir(b);
    free(b);
    remove_dir(d3);
    rmdir(base);
    free(d1);
    free(d2);
    free(d3);
}

static double mean_score(const struct eval_entry *e, size_t n, const char *term)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].term, term) == 0) {
            sum += e[i].school_score + e[i].partnership_score;
            k += 2;
        }
    return k ? sum / (double)k : 0;
}

/* The demo's self-evaluation: every school and sub-theme in every term,
 * scores on the scale, the same entries for the same arguments, scores
 * rising term on term, some text, most of it shared. */
static void test_eval_entries(void)
{
    struct cfg_eval_theme themes[] = { { "a1", "A1", "?" }, { "a2", "A2", "?" },
                                       { "b1", "B1", "?" } };
    struct cfg_eval_area areas[] = { { "a", "A", themes, 2 }, { "b", "B", themes + 2, 1 } };
    struct cfg_eval ev = { .scale_min = 1, .scale_max = 4, .areas = areas, .nareas = 2 };
    long urns[] = { 900001, 900002, 900003, 900004, 900005, 900006, 900007, 900008 };
    const char *terms[] = { "2025-autumn", "2026-spring", "2026-summer" };
    struct eval_entry *e, *again;
    size_t n = gen_eval_entries(&ev, urns, 8, terms, 3, 24, &e);
    size_t n2 = gen_eval_entries(&ev, urns, 8, terms, 3, 24, &again);
    is_int((long)n, 8 * 3 * 3, "an entry per school, sub-theme and term");
    int same = n == n2, in_scale = 1, with_text = 0, shared = 0, themes_seen = 0;
    for (size_t i = 0; i < n && same; i++) {
        same = strcmp(e[i].term, again[i].term) == 0 && e[i].urn == again[i].urn &&
               strcmp(e[i].theme, again[i].theme) == 0 &&
               e[i].school_score == again[i].school_score &&
               e[i].partnership_score == again[i].partnership_score &&
               (e[i].strengths == NULL) == (again[i].strengths == NULL) &&
               e[i].shared == again[i].shared;
        in_scale &= e[i].school_score >= 1 && e[i].school_score <= 4 &&
                    e[i].partnership_score >= 1 && e[i].partnership_score <= 4;
        with_text += e[i].strengths != NULL && e[i].development != NULL;
        shared += e[i].shared;
        themes_seen |= strcmp(e[i].theme, "b1") == 0;
    }
    ok(same, "the same arguments give the same entries");
    ok(in_scale, "every score on the framework's scale");
    ok(themes_seen, "sub-themes of every area");
    ok(with_text > (int)n / 5 && with_text < (int)n, "some entries have text (%d of %zu)",
       with_text, n);
    ok(shared > 0 && shared <= with_text && shared > with_text / 3,
       "most of it shared (%d of %d)", shared, with_text);
    double m0 = mean_score(e, n, terms[0]), m2 = mean_score(e, n, terms[2]);
    ok(m2 > m0, "scores rise term on term (mean %.2f to %.2f)", m0, m2);
    struct eval_entry *other;
    size_t n3 = gen_eval_entries(&ev, urns, 8, terms, 3, 25, &other);
    int differs = 0;
    for (size_t i = 0; i < n3 && i < n; i++)
        differs |= other[i].school_score != e[i].school_score;
    ok(differs, "another seed gives other scores");
    eval_entries_free(e, n);
    eval_entries_free(again, n2);
    eval_entries_free(other, n3);
}

int main(void)
{
    test_rng();
    test_opts();
    test_generated_set();
    test_eval_entries();
    return tap_done();
}
