/* The long subcommands (import, publish) on a terminal: a progress line on
 * stderr while they run, and Ctrl-C or SIGTERM turned into a stop request
 * (include/collab/job.h) so they roll back instead of dying mid-write. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collab/cli.h"
#include "collab/job.h"

/* Set by the signal handler, read by the operation through its job. */
static volatile sig_atomic_t stop_flag;

static const int caught[] = { SIGINT, SIGTERM };
static struct sigaction previous[sizeof caught / sizeof caught[0]];

/* What the progress line shows and when it was last drawn. */
struct progress {
    int drawn;                  /* a line is on the screen */
    struct timespec last;
};

static struct progress line;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static long ms_since(const struct timespec *t, const struct timespec *now)
{
    return (now->tv_sec - t->tv_sec) * 1000 + (now->tv_nsec - t->tv_nsec) / 1000000;
}

/* 1234567 as "1,234,567". */
static void grouped(long n, char *out, size_t size)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%ld", n < 0 ? 0 : n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* At most ten lines a second: a terminal redrawing every row would cost
 * more than the work it reports. */
static void draw(void *ctx, const char *what, long done, long total, const char *unit)
{
    struct progress *p = ctx;
    struct timespec now;
    char d[32], t[32];
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (p->drawn && ms_since(&p->last, &now) < 100)
        return;
    p->last = now;
    p->drawn = 1;
    grouped(done, d, sizeof d);
    if (total > 0) {
        grouped(total, t, sizeof t);
        fprintf(stderr, "\r%s: %s/%s %s\033[K", what, d, t, unit);
    } else {
        fprintf(stderr, "\r%s: %s %s\033[K", what, d, unit);
    }
    fflush(stderr);
}

/* The test hook COLLAB_TEST_HOLD=FILE: at the Nth progress report
 * (COLLAB_TEST_HOLD_AT, default 1; of those whose `what` is
 * COLLAB_TEST_HOLD_WHAT, when set) the operation creates FILE and waits
 * there, mid-work, until a signal asks it to stop (or kills it). A test
 * then signals at a known moment by polling for FILE instead of guessing
 * a delay, so a busy machine cannot make the signal land early or late. */
struct hold {
    const char *file;
    const char *what;           /* COLLAB_TEST_HOLD_WHAT: count only these */
    long at;                    /* the report to hold at, counting from 1 */
    long seen;
};

static struct hold hold;

/* Ten minutes: a test that never signals ends rather than hangs. */
#define HOLD_MAX_MS (10 * 60 * 1000)

static void hold_here(void)
{
    FILE *f = fopen(hold.file, "w");
    if (f)
        fclose(f);
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    for (long waited = 0; !stop_flag && waited < HOLD_MAX_MS; waited += 10)
        nanosleep(&tick, NULL);
}

static void report(void *ctx, const char *what, long done, long total, const char *unit)
{
    if (hold.file && (!hold.what || strcmp(what, hold.what) == 0) && ++hold.seen == hold.at)
        hold_here();
    if (ctx)
        draw(ctx, what, done, total, unit);
}

static void hold_start(void)
{
    const char *at = getenv("COLLAB_TEST_HOLD_AT");
    memset(&hold, 0, sizeof hold);
    hold.file = getenv("COLLAB_TEST_HOLD");
    if (hold.file && !*hold.file)
        hold.file = NULL;
    hold.what = getenv("COLLAB_TEST_HOLD_WHAT");
    if (hold.what && !*hold.what)
        hold.what = NULL;
    hold.at = at && atol(at) > 0 ? atol(at) : 1;
}

void cli_job_start(struct collab_job *job)
{
    struct sigaction sa;
    memset(job, 0, sizeof *job);
    memset(&line, 0, sizeof line);
    stop_flag = 0;
    job->stop = &stop_flag;
    hold_start();
    if (isatty(STDERR_FILENO))
        job->ctx = &line;
    if (job->ctx || hold.file)
        job->progress = report;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* A second Ctrl-C gets the default action: the user insists, and the
     * stores survive a kill anyway (only temporary files stay behind). */
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
        sigaction(caught[i], &sa, &previous[i]);
}

int cli_job_finish(struct collab_job *job)
{
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
        sigaction(caught[i], &previous[i], NULL);
    if (line.drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        line.drawn = 0;
    }
    return collab_job_stopped(job);
}

int cli_job_interrupted(void)
{
    cli_error("interrupted: nothing changed");
    return COLLAB_EXIT_INTERRUPTED;
}
