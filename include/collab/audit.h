/*
 * audit: the record of who viewed or exported pupil-level data and of every
 * refused access (DESIGN.md section 5, rule 6).
 *
 * Each event goes to syslog (authpriv.notice, ident "collab", sent to the
 * local socket directly so that collab knows whether it was taken), which
 * users cannot rewrite, and, where the directory allows it, to the table
 * `audit` in DATA_DIR/audit.db (created mode 0600 on first use), which
 * `collab audit` lists. A view of pupils that neither took is refused
 * (the model's job): the record fails closed.
 */
#ifndef COLLAB_AUDIT_H
#define COLLAB_AUDIT_H

#include "collab/err.h"

/* Where an event was recorded: bits of audit_log's result. */
enum { AUDIT_TABLE = 1, AUDIT_SYSLOG = 2 };

/* Record one event. login is the real unix login, user the collab user acted
 * as (may equal the login's user); action a short word ("refused",
 * "pupils", "act-as", "export"); target what was touched (group id, URN);
 * detail free text. Any string may be NULL. Returns AUDIT_TABLE when the
 * row reached audit.db, | AUDIT_SYSLOG when syslog took it; 0: recorded
 * nowhere. */
int audit_log(const char *data_dir, const char *login, const char *user,
              const char *action, const char *target, const char *detail);

/* A session's audit log: audit.db opened once with its insert prepared, for
 * a process that records many events (the model). audit_sink_open returns
 * NULL when audit.db cannot be written (events then reach syslog only);
 * audit_sink_log accepts NULL and returns like audit_log; the caller closes
 * with audit_sink_close (NULL is fine). */
struct audit_sink;
struct audit_sink *audit_sink_open(const char *data_dir);
int audit_sink_log(struct audit_sink *a, const char *login, const char *user,
                   const char *action, const char *target, const char *detail);
void audit_sink_close(struct audit_sink *a);

struct audit_row {
    long id;
    const char *at, *login, *user, *action, *target, *detail;  /* "" when NULL */
};

/* Call fn for each row of DATA_DIR/audit.db, oldest first, with at >= since
 * (YYYY-MM-DD, NULL for all) and user == user (NULL for all). Strings are
 * valid only during the call. 0, or -1 with err (no store is not an error:
 * it lists nothing). A non-zero return from fn stops the walk. */
int audit_list(const char *data_dir, const char *since, const char *user,
               int (*fn)(const struct audit_row *row, void *arg), void *arg,
               struct collab_err *err);

/* The login of the process's real uid (getpwuid(getuid())), never $USER.
 * Static storage; "" when unknown. */
const char *audit_real_login(void);

#endif
