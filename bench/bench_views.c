/*
 * bench_views: the measuring half of bench/run.sh (DESIGN.md section 8).
 *
 *   bench_views views --data DIR --config DIR --combos FILE --urn URN
 *               [--subject CODE] [--user ID] [--pupil-user ID]
 *     Opens the model once and times model_query for every view and every
 *     filter combination of FILE (one line each: the choice per dimension,
 *     0 = all, 1.. = the value index + 1, in filters.yaml order), with
 *     clock_gettime, so that process start-up and config loading are not in
 *     the figure. Prints one line per query:
 *       VIEW <TAB> COMBO <TAB> WALL_US <TAB> CPU_US <TAB> ROWS
 *     (wall time from CLOCK_MONOTONIC, CPU time of the process from
 *     CLOCK_PROCESS_CPUTIME_ID: the sqlite3 shell's .timer reports both too,
 *     and on a busy machine only CPU time compares fairly)
 *     plus "open" lines for model_open and a first "cold" query of each view
 *     (the page cache empty), which are kept apart from the per-filter
 *     figures. Refused or failed queries stop the run (exit 1): a benchmark
 *     that silently measures an error message would measure nothing.
 *
 *   bench_views run [--stdin FILE] -- COMMAND [ARG...]
 *     Runs COMMAND and prints "WALL_US MAXRSS_KB STATUS CPU_US": wall time
 *     with microsecond resolution (/usr/bin/time has 10 ms), the peak
 *     resident set and the user + system time of the child from wait4's
 *     rusage. COMMAND's stdout is discarded.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collab/config.h"
#include "collab/model.h"

#define MAX_COMBOS 4096

struct views_args {
    const char *data, *config, *combos, *subject, *user, *pupil_user;
    long urn;
};

/* One view as the benchmark names it, and how to ask the model for it. */
struct bench_view {
    const char *name;
    enum model_view view;
    int pupil_user;         /* query as the pupil-level user */
};

static const struct bench_view bench_views[] = {
    { "overview", MODEL_VIEW_OVERVIEW, 0 },
    { "subjects", MODEL_VIEW_SUBJECTS, 0 },
    { "subject", MODEL_VIEW_SUBJECT, 0 },
    { "schools", MODEL_VIEW_SCHOOLS, 0 },
    { "similar", MODEL_VIEW_SIMILAR, 0 },
    { "pupils", MODEL_VIEW_PUPILS, 1 },
};

static double clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double now_us(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

static double cpu_us(void)
{
    return clock_us(CLOCK_PROCESS_CPUTIME_ID);
}

static int usage(void)
{
    fputs("usage: bench_views views --data DIR --config DIR --combos FILE --urn URN\n"
          "                         [--subject CODE] [--user ID] [--pupil-user ID]\n"
          "       bench_views run [--stdin FILE] -- COMMAND [ARG...]\n", stderr);
    return 2;
}

static int parse_views_args(int argc, char **argv, struct views_args *a)
{
    static const char *const names[] = { "--data", "--config", "--combos", "--subject",
                                         "--user", "--pupil-user" };
    memset(a, 0, sizeof *a);
    a->subject = "MATHS";
    a->pupil_user = "head";
    const char **slots[] = { &a->data, &a->config, &a->combos, &a->subject, &a->user,
                             &a->pupil_user };
    for (int i = 2; i < argc; i++) {
        size_t k = 0;
        while (k < sizeof names / sizeof names[0] && strcmp(argv[i], names[k]) != 0)
            k++;
        if (i + 1 >= argc)
            return -1;
        if (k < sizeof names / sizeof names[0])
            *slots[k] = argv[++i];
        else if (strcmp(argv[i], "--urn") == 0)
            a->urn = strtol(argv[++i], NULL, 10);
        else
            return -1;
    }
    return a->data && a->config && a->combos && a->urn > 0 ? 0 : -1;
}

/* Read the filter combinations: one line of ndims integers each. */
static size_t read_combos(const char *path, size_t ndims, struct model_filter *out,
                          size_t max)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "bench_views: %s: %s\n", path, strerror(errno));
        return 0;
    }
    size_t n = 0;
    char line[256];
    while (n < max && fgets(line, sizeof line, fp)) {
        char *p = line;
        memset(&out[n], 0, sizeof out[n]);
        for (size_t d = 0; d < ndims && d < MODEL_MAX_DIMS; d++)
            out[n].choice[d] = (int)strtol(p, &p, 10);
        n++;
    }
    fclose(fp);
    return n;
}

static struct model *open_model(const struct views_args *a, const struct cfg *cfg,
                                const char *user)
{
    struct collab_err err = { .set = 0 };
    struct model_open_args oa = { .data_dir = a->data, .cfg = cfg, .user_id = user };
    double t0 = now_us(), c0 = cpu_us();
    struct model *m = model_open(&oa, &err);
    if (!m) {
        fprintf(stderr, "bench_views: model_open as %s: %s\n", user ? user : "(login)",
                err.msg);
        return NULL;
    }
    printf("open\t%s\t%.1f\t%.1f\t0\n", user ? user : "-", now_us() - t0, cpu_us() - c0);
    return m;
}

/* Time one query; -1 (after a message) when the model refuses or fails. */
static int time_query(struct model *m, const struct bench_view *v, const struct views_args *a,
                      const struct model_filter *f, const char *label)
{
    struct model_query q = { .view = v->view, .sort_col = -1, .urn = a->urn,
                             .subject = a->subject };
    struct model_table t;
    struct collab_err err = { .set = 0 };
    if (f)
        q.filter = *f;
    memset(&t, 0, sizeof t);
    double t0 = now_us(), c0 = cpu_us();
    int rc = model_query(m, &q, &t, &err);
    double us = now_us() - t0, cpu = cpu_us() - c0;
    if (rc != 0) {
        fprintf(stderr, "bench_views: %s (%s): %s\n", v->name, label, err.msg);
        model_table_free(&t);
        return -1;
    }
    printf("%s\t%s\t%.1f\t%.1f\t%zu\n", v->name, label, us, cpu, t.nrows);
    model_table_free(&t);
    return 0;
}

static int run_views(const struct views_args *a, struct model *m[2],
                     const struct model_filter *combos, size_t ncombos)
{
    const size_t nviews = sizeof bench_views / sizeof bench_views[0];
    /* The first query of each view reads its pages from disk into SQLite's
     * cache: reported as "cold", not mixed into the filter figures. */
    for (size_t v = 0; v < nviews; v++)
        if (time_query(m[bench_views[v].pupil_user], &bench_views[v], a, NULL, "cold") != 0)
            return -1;
    for (size_t v = 0; v < nviews; v++) {
        for (size_t c = 0; c < ncombos; c++) {
            char label[32];
            snprintf(label, sizeof label, "%zu", c);
            if (time_query(m[bench_views[v].pupil_user], &bench_views[v], a, &combos[c],
                           label) != 0)
                return -1;
        }
    }
    return 0;
}

static int cmd_views(int argc, char **argv)
{
    struct views_args a;
    if (parse_views_args(argc, argv, &a) != 0)
        return usage();
    struct cfg cfg;
    struct collab_err err = { .set = 0 };
    if (cfg_load_dir(a.config, &cfg, &err) != 0) {
        fprintf(stderr, "bench_views: %s\n", err.msg);
        return 1;
    }
    struct model_filter *combos = calloc(MAX_COMBOS, sizeof *combos);
    size_t ncombos = combos ? read_combos(a.combos, cfg.nfilters, combos, MAX_COMBOS) : 0;
    struct model *m[2] = { NULL, NULL };
    int rc = 1;
    if (ncombos == 0)
        fprintf(stderr, "bench_views: no filter combinations in %s\n", a.combos);
    else if ((m[0] = open_model(&a, &cfg, a.user)) != NULL &&
             (m[1] = open_model(&a, &cfg, a.pupil_user)) != NULL)
        rc = run_views(&a, m, combos, ncombos) == 0 ? 0 : 1;
    if (m[1])
        model_close(m[1]);
    if (m[0])
        model_close(m[0]);
    free(combos);
    cfg_free(&cfg);
    return rc;
}

static void child_exec(const char *stdin_path, char **cmd)
{
    int in = stdin_path ? open(stdin_path, O_RDONLY) : open("/dev/null", O_RDONLY);
    int out = open("/dev/null", O_WRONLY);
    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0)
        _exit(126);
    execvp(cmd[0], cmd);
    fprintf(stderr, "bench_views: %s: %s\n", cmd[0], strerror(errno));
    _exit(127);
}

static int cmd_run(int argc, char **argv)
{
    const char *stdin_path = NULL;
    int i = 2;
    if (i + 1 < argc && strcmp(argv[i], "--stdin") == 0) {
        stdin_path = argv[i + 1];
        i += 2;
    }
    if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc)
        return usage();
    double t0 = now_us();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "bench_views: fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid == 0)
        child_exec(stdin_path, argv + i + 1);
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "bench_views: wait4: %s\n", strerror(errno));
            return 1;
        }
    double us = now_us() - t0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    printf("%.0f %ld %d %.0f\n", us, ru.ru_maxrss, code, cpu);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "views") == 0)
        return cmd_views(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "run") == 0)
        return cmd_run(argc, argv);
    return usage();
}
