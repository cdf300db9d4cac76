/*
 * load: the table-driven walker shared by the config loaders (internal to
 * src/config/).
 *
 * A loader describes each YAML mapping as a const table of fields (key, type,
 * where the value goes in the target struct, whether it is required) and
 * lets cfg_walk_map check types, unknown keys (with a did-you-mean) and
 * missing keys. Lists of mappings go through cfg_walk_seq, which grows a
 * zeroed array one element at a time so that a failure part-way leaves an
 * array the caller can free element by element.
 *
 * Errors: every function returns 0 or -1 with c->err set to
 * "FILE:LINE:COL: message".
 */
#ifndef COLLAB_CONFIG_LOAD_H
#define COLLAB_CONFIG_LOAD_H

#include <stddef.h>

#include "collab/config.h"
#include "yaml_doc.h"

struct cfg_ctx {
    const struct ydoc *doc;
    struct collab_err *err;
};

/* Which characters an identifier may use. */
struct cfg_id_rule {
    const char *first;     /* allowed first characters */
    const char *rest;      /* allowed later characters */
    size_t max;            /* longest allowed, in bytes */
    const char *desc;      /* for messages: "[a-z][a-z0-9_]{0,31}" */
};

extern const struct cfg_id_rule cfg_rule_indicator, cfg_rule_name, cfg_rule_slug,
    cfg_rule_key, cfg_rule_user, cfg_rule_login, cfg_rule_code;

enum cfg_field_type {
    FT_STR,      /* char *: any non-empty scalar */
    FT_ID,       /* char *: scalar matching .rule */
    FT_CHOICE,   /* char *: one of .names */
    FT_ENUM,     /* int: index into .names */
    FT_INT,      /* int in [.min, .max] */
    FT_LONG,     /* long in [.min, .max] */
    FT_BOOL,     /* int: true / false */
    FT_DATE,     /* char *: YYYY-MM-DD */
    FT_NODE,     /* const struct ydoc_node *: handled by the caller */
};

struct cfg_field {
    const char *key;
    enum cfg_field_type type;
    size_t off;                      /* offset in the target struct */
    int required;
    const char *const *names;        /* FT_CHOICE, FT_ENUM: NULL-terminated */
    long min, max;                   /* FT_INT, FT_LONG */
    const struct cfg_id_rule *rule;  /* FT_ID */
};

/* The four members every field sets, for designated table rows:
 * { CFG_FIELD("id", FT_ID, offsetof(T, id), 1), .rule = &cfg_rule_name } */
#define CFG_FIELD(k, t, o, r) .key = (k), .type = (t), .off = (o), .required = (r)

/* Fill obj from a mapping node described by fields. what names the mapping
 * in messages ("indicator", "the file"). */
int cfg_walk_map(struct cfg_ctx *c, const struct ydoc_node *map,
                 const struct cfg_field *fields, size_t nfields, void *obj,
                 const char *what);

/* Callback for one list element: fill the zeroed obj from node. */
typedef int (*cfg_elem_fn)(struct cfg_ctx *c, const struct ydoc_node *node,
                           void *obj, void *arg);

/* Walk a list: *arr grows to *n elements of elem_size, each zeroed and then
 * filled by fn. On failure the element being filled is already counted. */
int cfg_walk_seq(struct cfg_ctx *c, const struct ydoc_node *seq, const char *key,
                 size_t elem_size, void **arr, size_t *n, cfg_elem_fn fn, void *arg);

/* Require a list node; "KEY: expected a list". */
int cfg_expect_seq(struct cfg_ctx *c, const struct ydoc_node *n, const char *key);
/* Require a mapping at the top of a file (also reports an empty file). */
int cfg_expect_root(struct cfg_ctx *c);

/* Scalar conversions with typed error messages naming key. */
int cfg_scalar_long(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                    long min, long max, long *out);
int cfg_scalar_str(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                   char **out);
int cfg_scalar_id(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                  const struct cfg_id_rule *rule, char **out);
int cfg_check_id(const char *s, const struct cfg_id_rule *rule);

/* The candidate within edit distance 2 of word, or NULL. */
const char *cfg_closest(const char *word, const char *const *cands, size_t n);

/* Number of UTF-8 characters in s. */
size_t cfg_utf8_len(const char *s);

/* Free helpers for the sections of struct cfg (each leaves the section empty). */
void cfg_free_indicators(struct cfg *cfg);
void cfg_free_filters(struct cfg *cfg);
void cfg_free_groups(struct cfg *cfg);
void cfg_free_eval(struct cfg *cfg);
void cfg_free_strv(char **v, size_t n);

#endif
