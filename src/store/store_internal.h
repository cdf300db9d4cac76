#ifndef COLLAB_STORE_INTERNAL_H
#define COLLAB_STORE_INTERNAL_H

#include "collab/store.h"

/* The migrations of a kind: element i takes version i to i + 1. */
const char *const *store_migrations(enum store_kind kind, int *count);

/* Fill a new source store's subject table with the standard GCSE subjects
 * (src/store/subjects.c). 0 or -1 with err. */
int store_seed_subjects(sqlite3 *db, struct collab_err *err);

#endif
