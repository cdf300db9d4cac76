/*
 * access: the rules of DESIGN.md section 5 that collab applies inside the
 * files a user can read, one function per rule. The model calls them before
 * reading any store, for the TUI and `collab report` alike, so the two cannot
 * disagree about who may see what.
 *
 * Each check returns 1 when allowed, 0 when refused with `why` filled by a
 * message fit to show the user (never -1: a refusal is an answer, not a
 * failure). Auditing the refusal is the caller's job (the model does it).
 * `today` is a date YYYY-MM-DD (consent withdrawals take effect on it).
 */
#ifndef COLLAB_ACCESS_H
#define COLLAB_ACCESS_H

#include "collab/config.h"
#include "collab/err.h"

/* The real user may act as `target` only when an admin (or it is themself). */
int access_act_as(const struct cfg_user *real, const struct cfg_user *target,
                  struct collab_err *why);

/* Rule 1: listed on the group, or a global user of its owning organisation. */
int access_group_listed(const struct cfg_group *g, const struct cfg_user *u,
                        struct collab_err *why);

/* Rule 1, consent: a `schools` group with member schools lacking consent is
 * visible to the owning organisation's users only; the refusal names them. */
int access_group_consent(const struct cfg *cfg, const struct cfg_group *g,
                         const struct cfg_user *u, struct collab_err *why);

/* Rule 2: users of a school whose consent is withdrawn (on or before today)
 * lose the shared views. */
int access_school_withdrawn(const struct cfg *cfg, const struct cfg_user *u,
                            const char *today, struct collab_err *why);

/* All of the group rules above, in order. */
int access_group(const struct cfg *cfg, const struct cfg_group *g,
                 const struct cfg_user *u, const char *today, struct collab_err *why);

/* Rule 3: pupil-level data of school `urn` only for users of that school
 * (their organisation is the school organisation with that URN) holding
 * pupil_level. */
int access_pupils(const struct cfg *cfg, const struct cfg_user *u, long urn,
                  struct collab_err *why);

/* school_level: without it a user sees group-level figures only (the
 * group as a whole, national comparators); any view that shows schools one
 * by one (the Schools and similar-schools views, the per-school rows of a
 * subject, findings naming a school) is refused or left out. `what` names
 * the view for the message. */
int access_school_level(const struct cfg_user *u, const char *what,
                        struct collab_err *why);

/* Rule 5: with league tables off, no ordering by an indicator column.
 * `what` names the column for the message. */
int access_sort(const struct cfg_group *g, int league_tables, const char *what,
                struct collab_err *why);

/* Member schools of g without signed consent on record, as "Name (URN), ..."
 * (caller frees), or NULL when every school has consent. */
char *access_missing_consent(const struct cfg *cfg, const struct cfg_group *g);

/* The URN of the user's own school, or 0 when their organisation is not a
 * school. */
long access_user_school(const struct cfg *cfg, const struct cfg_user *u);

/* Where this machine's unix groups do not enforce the rules above: for
 * each school store (its pupil_unix_group) and group store (its unix_group,
 * or its owner's while a consent is missing), a member the rules refuse
 * (or who could read figures school by school without school_level), or a
 * user the rules allow who is not a member. fn gets one message per
 * finding; returns their number. Unix groups not on this machine are not
 * judged (publish warns of them). */
size_t access_unix_findings(const struct cfg *cfg, const char *today,
                            void (*fn)(void *arg, const char *msg), void *arg);

/* For the data directory and each store in it (*.db, with its -wal and
 * -shm), one line through fn: "NAME MODE OWNER:GROUP read: ...; write: ..."
 * by the file system's rights (the owner, the group's members, or every
 * local user), and, for a group, evaluation or school store, "; can read
 * but the rules refuse: ..." when any reader is one the rules refuse.
 * 0, or -1 with err when the directory cannot be listed. */
int access_file_report(const struct cfg *cfg, const char *data_dir, const char *today,
                       void (*fn)(void *arg, const char *line), void *arg,
                       struct collab_err *err);

/* Today's local date, YYYY-MM-DD, into buf (at least 11 bytes). */
void access_today(char *buf, size_t size);

#endif
