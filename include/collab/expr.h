/*
 * expr: the small expression language of indicators.yaml.
 *
 * Grammar (lowest precedence first):
 *   expr    := or
 *   or      := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | cmp
 *   cmp     := sum (("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") sum)?
 *   sum     := term (("+" | "-") term)*
 *   term    := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := NUMBER | COLUMN | FUNC "(" expr ("," expr)* ")" | "(" expr ")"
 * Functions: min(a,b,...), max(a,b,...), abs(a), if(cond,a,b), coalesce(a,b,...),
 * is_null(a). Keywords are lower case. Numbers are decimal (12, 0.5).
 *
 * Columns are looked up in the table for the indicator's level; any other
 * name is an error naming the allowed columns. Nothing from the text reaches
 * SQL: expr_to_sql writes numbers it formatted itself, operators from a fixed
 * table and the column's SQL from the column table. Division is emitted as
 * real division, NULL when the divisor is 0.
 */
#ifndef COLLAB_EXPR_H
#define COLLAB_EXPR_H

#include <stddef.h>

#include "collab/err.h"
#include "collab/util.h"

struct expr;   /* opaque AST, owned by whoever parsed it */

/* A column an expression may use: its name in YAML and the SQL it compiles
 * to, written against the aliases of the publish query (docs/FORMATS.md):
 * p = pupil, k = pupil_ks4, q = pupil_ks2, r = result, s = subject,
 * a = attendance. */
struct expr_column {
    const char *name;
    const char *sql;
    const char *doc;
};

/* Levels match enum cfg_level: 0 pupil, 1 result, 2 attendance. */
const struct expr_column *expr_level_columns(int level, size_t *n);

/* Parse text against a column table. On error returns NULL and fills err
 * with "COL: message" where COL is the 1-based character offset in text;
 * *err_col receives that offset so a loader can report FILE:LINE:COL. */
struct expr *expr_parse(const char *text, const struct expr_column *cols,
                        size_t ncols, struct collab_err *err, int *err_col);

/* Append the SQL for e to sb. The result is a parenthesised SQL expression. */
void expr_to_sql(const struct expr *e, struct strbuf *sb);

/* Non-zero if the expression is a boolean (comparison, and/or/not). */
int expr_is_boolean(const struct expr *e);

void expr_free(struct expr *e);

#endif
