/* `collab gen`: write a deterministic sample data set (gen.h). */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "collab/cli.h"
#include "collab/gen.h"
#include "collab/util.h"

static const char usage_text[] =
    "collab gen --out DIR [--scale sample|group|large|national] [--seed N]\n"
    "           [--schools N] [--pupils N] [--years N] [--first-year Y]\n"
    "           [--primaries N] [--no-names] [--quiet]";

static const char help_text[] =
    "Write a fictional, deterministic data set as CSV files (schools, pupils,\n"
    "results, attendance, estimates, national) into DIR. The same options give\n"
    "the same bytes on every machine.\n\n"
    "  --out DIR          where to write (created when missing)\n"
    "  --scale NAME       sample (8 secondaries, 4 primaries; the default),\n"
    "                     group (20), large (200) or national (3,500 schools)\n"
    "  --seed N           random seed (default 24)\n"
    "  --schools N        secondary schools\n"
    "  --pupils N         mean KS4 pupils per school per year\n"
    "  --years N          academic years\n"
    "  --first-year Y     first year, named by its summer (2017 = 2016/17)\n"
    "  --primaries N      primary schools (KS2 pupils only)\n"
    "  --no-names         leave pupils' display names empty\n"
    "  --quiet            print nothing on success\n";

/* Options that take an integer, written into the field of gen_opts. */
struct int_opt {
    const char *name;
    size_t offset;
};

enum { OPT_SCHOOLS, OPT_PUPILS, OPT_YEARS, OPT_FIRST_YEAR, OPT_PRIMARIES };

static const struct int_opt int_opts[] = {
    [OPT_SCHOOLS] = { "--schools", offsetof(struct gen_opts, schools) },
    [OPT_PUPILS] = { "--pupils", offsetof(struct gen_opts, pupils) },
    [OPT_YEARS] = { "--years", offsetof(struct gen_opts, years) },
    [OPT_FIRST_YEAR] = { "--first-year", offsetof(struct gen_opts, first_year) },
    [OPT_PRIMARIES] = { "--primaries", offsetof(struct gen_opts, primaries) },
};

#define NINT (sizeof int_opts / sizeof int_opts[0])

struct gen_args {
    const char *out, *scale, *seed;
    const char *ints[NINT];
    int no_names, quiet;
};

/* Split "--opt=value" or "--opt value"; returns the value or NULL. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static int parse_args(int argc, char **argv, struct gen_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *v;
        if ((v = opt_value(argc, argv, &i, "--out")))
            a->out = v;
        else if ((v = opt_value(argc, argv, &i, "--scale")))
            a->scale = v;
        else if ((v = opt_value(argc, argv, &i, "--seed")))
            a->seed = v;
        else if (strcmp(argv[i], "--no-names") == 0)
            a->no_names = 1;
        else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
            a->quiet = 1;
        else {
            size_t k = 0;
            for (; k < NINT; k++)
                if ((v = opt_value(argc, argv, &i, int_opts[k].name)))
                    break;
            if (k == NINT) {
                cli_error("gen: unknown or incomplete option '%s'", argv[i]);
                return -1;
            }
            a->ints[k] = v;
        }
    }
    return 0;
}

static int build_opts(const struct gen_args *a, struct gen_opts *o, struct collab_err *err)
{
    gen_opts_default(o);
    if (a->scale && gen_opts_scale(o, a->scale, err) < 0)
        return -1;
    if (a->seed) {
        long seed;
        if (util_parse_long(a->seed, &seed) < 0 || seed < 0)
            return collab_err_set(err, "--seed wants a non-negative integer, not '%s'",
                                  a->seed);
        o->seed = (uint64_t)seed;
    }
    for (size_t k = 0; k < NINT; k++) {
        long v;
        if (!a->ints[k])
            continue;
        if (util_parse_long(a->ints[k], &v) < 0 || v < 0 || v > 1000000)
            return collab_err_set(err, "%s wants a number, not '%s'", int_opts[k].name,
                                  a->ints[k]);
        *(int *)((char *)o + int_opts[k].offset) = (int)v;
    }
    /* Without --first-year, the years end in 2019, the last year with
     * Progress 8 national figures before the pandemic. */
    if (!a->ints[OPT_FIRST_YEAR] && a->ints[OPT_YEARS])
        o->first_year = 2020 - o->years;
    o->names = !a->no_names;
    return gen_opts_check(o, err);
}

int cli_gen(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: %s\n\n%s", usage_text, help_text);
        return COLLAB_EXIT_OK;
    }
    struct gen_args a;
    if (parse_args(argc, argv, &a) < 0)
        return cli_usage(usage_text);
    if (!a.out) {
        cli_error("gen: --out DIR is required");
        return cli_usage(usage_text);
    }
    struct collab_err err;
    collab_err_clear(&err);
    struct gen_opts o;
    if (build_opts(&a, &o, &err) < 0) {
        cli_error("gen: %s", err.msg);
        return COLLAB_EXIT_USAGE;
    }
    struct gen_stats st;
    if (gen_write(&o, a.out, &st, &err) < 0)
        return cli_fail(&err);
    if (!a.quiet)
        fprintf(stderr, "collab: wrote %ld schools, %ld pupils (%ld KS4, %ld KS2), "
                "%ld results, %ld years %d-%d, seed %llu, to %s\n",
                st.schools, st.pupils, st.ks4_pupils, st.ks2_pupils, st.results,
                (long)o.years, o.first_year, o.first_year + o.years - 1,
                (unsigned long long)o.seed, a.out);
    return COLLAB_EXIT_OK;
}
