#ifndef COLLAB_STORE_INTERNAL_H
#define COLLAB_STORE_INTERNAL_H

#include <sys/stat.h>
#include <time.h>

#include "collab/store.h"

/* The migrations of a kind: element i takes version i to i + 1. */
const char *const *store_migrations(enum store_kind kind, int *count);

/* Fill a new source store's subject table with the standard GCSE subjects
 * (src/store/subjects.c). 0 or -1 with err. */
int store_seed_subjects(sqlite3 *db, struct collab_err *err);

/* checked.c: the per-user record of file versions that passed quick_check.
 * store_checked_before: has this user seen path, exactly as sb describes it
 * (and with no -wal or -journal beside it), pass the check? 1 or 0.
 * store_checked_record: record that it did, unless it changed since sb, has
 * a -wal or -journal, or changed too shortly before started (the time the
 * check began) to be told apart from a later write. Never fails visibly. */
int store_checked_before(const char *path, const struct stat *sb);
void store_checked_record(const char *path, const struct stat *sb,
                          const struct timespec *started);
/* The publisher's record (checked.c): whether the store at path, as sb
 * describes it, is recorded as checked beside it by someone only its owner
 * could be; and record it (0, or -1 with err). */
int store_checked_published(const char *path, const struct stat *sb);
int store_published_record(const char *path, const struct stat *sb, struct collab_err *err);
/* Same device, inode, size, mtime and ctime. */
int store_same_file(const struct stat *a, const struct stat *b);

#endif
