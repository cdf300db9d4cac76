#ifndef COLLAB_STORE_INTERNAL_H
#define COLLAB_STORE_INTERNAL_H

#include "collab/store.h"

/* The migrations of a kind: element i takes version i to i + 1. */
const char *const *store_migrations(enum store_kind kind, int *count);

#endif
