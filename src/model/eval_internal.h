/*
 * Shared between eval.c and view_evaluation.c: reading a term's entries
 * before the visibility rules hide anything (the aggregates need every
 * school's scores even when a user may see only their own).
 */
#ifndef COLLAB_EVAL_INTERNAL_H
#define COLLAB_EVAL_INTERNAL_H

#include "collab/eval.h"

/* Whether the group's i-th school has withdrawn by today: its entries and
 * its column are then left out of everything the group reads. */
int eval_withdrawn(const struct eval_ctx *ctx, size_t i, const char *today);

/* The entries of term for the group's member schools (but those that have
 * withdrawn), in group then
 * framework order; with `visible` set, the parts the user may not see are
 * cleared and flagged. *out malloc'd (eval_entries_free). An absent
 * evaluation store is an error naming it. */
int evl_read(const struct eval_ctx *ctx, const char *term, int visible,
             struct eval_entry **out, size_t *n, struct collab_err *err);

/* Position of theme id in the framework: its area and index, or -1. */
int evl_theme_find(const struct cfg_eval *ev, const char *theme, size_t *area,
                   size_t *index);

#endif
