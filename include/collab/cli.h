/*
 * cli: the subcommands of collab (DESIGN.md section 7). Each takes the
 * arguments after its name (argv[0] is the subcommand name) and returns an
 * exit status: COLLAB_EXIT_OK, COLLAB_EXIT_USER or COLLAB_EXIT_USAGE. Only
 * cli/ and ui/ print; messages go to stderr, data to stdout.
 */
#ifndef COLLAB_CLI_H
#define COLLAB_CLI_H

#include <stddef.h>

#include "collab/err.h"

int cli_init(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_gen(int argc, char **argv);
int cli_publish(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_agreement(int argc, char **argv);
int cli_eval(int argc, char **argv);
/* The TUI (no subcommand, or `collab tui`). */
int cli_tui(int argc, char **argv);

/* Defaults, from the environment or the XDG directories (caller frees):
 * source store: $COLLAB_DB, else $XDG_DATA_HOME/collab/source.db
 * data dir:     $COLLAB_DATA, else $XDG_DATA_HOME/collab/data
 * config dir:   $COLLAB_CONFIG, else $XDG_CONFIG_HOME/collab */
char *cli_default_db(void);
char *cli_default_data(void);
char *cli_default_config(void);
/* The shipped sample set (sample-data/), found beside the source tree, in
 * $COLLAB_SAMPLE_DIR, or under the installed data directory. Caller frees;
 * NULL when not found. */
char *cli_sample_dir(void);

/* Print "collab: message" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print err's message as "collab: message" and return COLLAB_EXIT_USER. */
int cli_fail(const struct collab_err *err);
/* Print "usage: ..." to stderr and return COLLAB_EXIT_USAGE. */
int cli_usage(const char *usage);
/* Make the directory that will hold path (mode 0700 for each new part):
 * 0, or -1 with err set. */
int cli_make_parent(const char *path, struct collab_err *err);
/* Remove a store file and its -wal, -shm and -journal files, where they
 * are: before building a store afresh, or after failing to fill a new one. */
void cli_remove_store(const char *path);
/* Non-zero when argv[i] is --help or -h. */
int cli_wants_help(int argc, char **argv);

/* An option that takes a value, and where the value goes. */
struct cli_option {
    const char *name; /* "--data" */
    const char **slot;
};
/* The slot of the option called name among opts[0..n), or NULL. */
const char **cli_option_slot(const struct cli_option *opts, size_t n, const char *name);

struct cfg;
/* Load the config directory dir (NULL: cli_default_config()) into *cfg: 0,
 * or the error printed as cli_fail does and COLLAB_EXIT_USER (nothing to
 * free then). */
int cli_load_config(const char *dir, struct cfg *cfg);
/* Non-zero when s has the shape YYYY-MM-DD (digits and dashes only; the
 * calendar is not checked). */
int cli_valid_date(const char *s);

struct collab_job;
/* Around a long operation (cli_job.c): cli_job_start fills job so that
 * SIGINT and SIGTERM ask the operation to stop (a second one kills) and,
 * when stderr is a terminal, progress is drawn on one line at most ten times
 * a second. cli_job_finish restores the signals, clears the line and returns
 * non-zero when a stop was asked. cli_job_interrupted prints "interrupted:
 * nothing changed" and returns COLLAB_EXIT_INTERRUPTED. With the test
 * hook COLLAB_TEST_HOLD=FILE set, the operation creates FILE at its Nth
 * progress report (COLLAB_TEST_HOLD_AT, default 1) and waits there until it
 * is signalled, so tests interrupt it at a known moment. */
void cli_job_start(struct collab_job *job);
int cli_job_finish(struct collab_job *job);
int cli_job_interrupted(void);

#endif
