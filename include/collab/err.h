/*
 * err: the one error convention of collab.
 *
 * Functions below ui/ and cli/ never print. They return an int status
 * (0 success, -1 failure) or NULL, and fill a caller-owned struct collab_err.
 * A message that refers to a place in a file is formatted
 * "FILE:LINE:COL: what is wrong" (LINE and COL are 1-based; COL or LINE may be
 * omitted when unknown, giving "FILE:LINE: ..." or "FILE: ...").
 */
#ifndef COLLAB_ERR_H
#define COLLAB_ERR_H

#include <stddef.h>

#define COLLAB_ERR_MAX 2048

/* Exit statuses shared by every subcommand. */
enum collab_exit {
    COLLAB_EXIT_OK = 0,
    COLLAB_EXIT_USER = 1,   /* bad input, refused access, failed operation */
    COLLAB_EXIT_USAGE = 2,  /* bad command line */
    COLLAB_EXIT_INTERRUPTED = 130,  /* stopped by SIGINT/SIGTERM, nothing changed */
};

struct collab_err {
    char msg[COLLAB_ERR_MAX];   /* full, ready-to-print message */
    int set;                    /* non-zero once a message was recorded */
};

/* Record a message (printf-style). Overwrites any earlier message.
 * Always returns -1 so callers can write `return collab_err_set(...)`. */
int collab_err_set(struct collab_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record "FILE:LINE:COL: message"; line or col <= 0 are left out.
 * Always returns -1. */
int collab_err_at(struct collab_err *err, const char *file, long line,
                  long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Prefix the existing message with "prefix: ". Returns -1. */
int collab_err_prefix(struct collab_err *err, const char *prefix);

/* Reset to the empty state. */
void collab_err_clear(struct collab_err *err);

#endif
