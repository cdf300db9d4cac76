/*
 * job: what a long operation (an import, a publish) is given by the command
 * that runs it: somewhere to report how far it has got, and a flag asking it
 * to stop. The operation never prints; the caller decides what a report looks
 * like (src/cli/cli_job.c draws a line on a terminal) and sets the flag from
 * a signal handler.
 *
 * A stopped operation fails (-1 with err set) having rolled back and removed
 * its temporary files, so every store is as it was; the caller tells an
 * interruption from another failure by its own flag. Once an operation has
 * committed it no longer looks at the flag and succeeds.
 */
#ifndef COLLAB_JOB_H
#define COLLAB_JOB_H

#include <signal.h>

struct collab_job {
    /* Called now and then (every few thousand rows, or per file) with what
     * is being done, how much of it is done and, when known, the total (0:
     * unknown), counted in `unit` ("rows", "schools"). NULL: no reports.
     * The strings live only for the call. */
    void (*progress)(void *ctx, const char *what, long done, long total,
                     const char *unit);
    void *ctx;
    /* Non-zero asks the operation to stop. NULL: never. */
    const volatile sig_atomic_t *stop;
};

/* Rows between two progress reports or stop checks in a row loop. */
#define COLLAB_JOB_TICK 4096

/* Has the caller asked job (may be NULL) to stop? */
static inline int collab_job_stopped(const struct collab_job *job)
{
    return job && job->stop && *job->stop;
}

/* Report progress through job (may be NULL). */
static inline void collab_job_progress(const struct collab_job *job, const char *what,
                                       long done, long total, const char *unit)
{
    if (job && job->progress)
        job->progress(job->ctx, what, done, total, unit);
}

#endif
