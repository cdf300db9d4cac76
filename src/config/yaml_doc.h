/*
 * yaml_doc: a small, bounded YAML reader for the config loaders.
 *
 * Builds a tree of scalars, sequences and mappings from libyaml's parser
 * events, each node marked with its 1-based line and column, so that every
 * loader can say "FILE:LINE:COL: what is wrong". The reader refuses what a
 * config file never needs and an attacker might use: anchors and aliases,
 * more than one document, non-scalar or duplicate mapping keys, scalars
 * holding NUL, and inputs beyond the caps below.
 *
 * Ownership: the tree, its strings and the file name belong to the ydoc and
 * are released by ydoc_free(). Errors follow err.h (return -1, err filled).
 */
#ifndef COLLAB_CONFIG_YAML_DOC_H
#define COLLAB_CONFIG_YAML_DOC_H

#include <stddef.h>

#include "collab/err.h"

#define YDOC_MAX_BYTES (4u * 1024 * 1024)
#define YDOC_MAX_DEPTH 64
#define YDOC_MAX_SCALAR (64u * 1024)
#define YDOC_MAX_NODES 200000

enum ydoc_kind { YDOC_SCALAR, YDOC_SEQ, YDOC_MAP };

/* How a scalar was written; the loaders use it to tell `null` from "null"
 * and to map an offset inside the text back to a file column. */
enum ydoc_style { YDOC_PLAIN, YDOC_QUOTED, YDOC_BLOCK };

struct ydoc_node {
    enum ydoc_kind kind;
    int line, col;             /* 1-based start position */
    /* scalar */
    char *str;                 /* NUL-terminated, never NULL for a scalar */
    size_t len;
    enum ydoc_style style;
    int multiline;             /* the scalar's source spans several lines */
    /* sequence: n items in kids; mapping: n pairs, kids[2i] key, kids[2i+1] value */
    struct ydoc_node **kids;
    size_t n;
    int open_key;              /* while parsing: a key awaits its value */
};

struct ydoc {
    char *file;                /* the name used in messages */
    struct ydoc_node *root;    /* NULL for an empty document */
    size_t nnodes;
};

/* Read and parse a file. 0, or -1 with err ("FILE:LINE:COL: ..."). */
int ydoc_load_file(const char *path, struct ydoc *doc, struct collab_err *err);

/* Parse text in memory; name is used in messages. 0 or -1 with err. */
int ydoc_load_string(const char *name, const char *text, size_t len,
                     struct ydoc *doc, struct collab_err *err);

void ydoc_free(struct ydoc *doc);

/* Value of key in a mapping, or NULL. */
const struct ydoc_node *ydoc_get(const struct ydoc_node *map, const char *key);

/* Non-zero for a plain scalar meaning null: empty, `~`, `null`. */
int ydoc_is_null(const struct ydoc_node *n);

/* "a mapping", "a sequence", "a string", "null" for messages. */
const char *ydoc_describe(const struct ydoc_node *n);

/* Record "FILE:LINE:COL: message" at node n (the whole file when n is NULL).
 * Always returns -1. */
int ydoc_error(const struct ydoc *doc, const struct ydoc_node *n,
               struct collab_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
