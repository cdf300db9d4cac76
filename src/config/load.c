/* The table-driven mapping walker shared by every config loader. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/util.h"
#include "load.h"

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT "0123456789"

const struct cfg_id_rule cfg_rule_indicator = { LOWER, LOWER DIGIT "_", 32,
                                                "[a-z][a-z0-9_], at most 32 characters" };
const struct cfg_id_rule cfg_rule_name = { LOWER, LOWER DIGIT "_", 64,
                                           "[a-z][a-z0-9_]*" };
const struct cfg_id_rule cfg_rule_slug = { LOWER DIGIT, LOWER DIGIT "-", 64,
                                           "[a-z0-9][a-z0-9-]*" };
const struct cfg_id_rule cfg_rule_key = { LOWER DIGIT, LOWER DIGIT "_-", 64,
                                          "[a-z0-9][a-z0-9_-]*" };
const struct cfg_id_rule cfg_rule_user = { LOWER DIGIT, LOWER DIGIT "_.-", 64,
                                           "[a-z0-9][a-z0-9_.-]*" };
const struct cfg_id_rule cfg_rule_login = { LOWER UPPER DIGIT "_", LOWER UPPER DIGIT "_.-",
                                            64, "a unix login name" };
const struct cfg_id_rule cfg_rule_code = { LOWER UPPER DIGIT, LOWER UPPER DIGIT "_-", 32,
                                           "[A-Za-z0-9][A-Za-z0-9_-]*" };

size_t cfg_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

const char *cfg_closest(const char *word, const char *const *cands, size_t n)
{
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < n; i++) {
        int d = util_edit_distance(word, cands[i]);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}

int cfg_check_id(const char *s, const struct cfg_id_rule *rule)
{
    size_t len = strlen(s);
    if (len == 0 || len > rule->max || !strchr(rule->first, s[0]))
        return -1;
    return strspn(s + 1, rule->rest) == len - 1 ? 0 : -1;
}

static int expect_scalar(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                         const char *want)
{
    if (n->kind == YDOC_SCALAR && !ydoc_is_null(n))
        return 0;
    return ydoc_error(c->doc, n, c->err, "'%s': expected %s, found %s", key, want,
                      ydoc_describe(n));
}

int cfg_scalar_str(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                   char **out)
{
    if (expect_scalar(c, n, key, "a string") < 0)
        return -1;
    free(*out);
    *out = util_xstrdup(n->str);
    return 0;
}

int cfg_scalar_id(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                  const struct cfg_id_rule *rule, char **out)
{
    if (expect_scalar(c, n, key, "an identifier") < 0)
        return -1;
    if (cfg_check_id(n->str, rule) < 0)
        return ydoc_error(c->doc, n, c->err, "'%s': invalid identifier '%.64s' (use %s)",
                          key, n->str, rule->desc);
    free(*out);
    *out = util_xstrdup(n->str);
    return 0;
}

int cfg_scalar_long(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                    long min, long max, long *out)
{
    long v;
    if (n->kind != YDOC_SCALAR || n->style != YDOC_PLAIN || util_parse_long(n->str, &v) < 0)
        return ydoc_error(c->doc, n, c->err, "'%s': expected a number, found %s%.64s%s",
                          key, n->kind == YDOC_SCALAR && !ydoc_is_null(n) ? "'" : "",
                          n->kind == YDOC_SCALAR && !ydoc_is_null(n) ? n->str
                                                                      : ydoc_describe(n),
                          n->kind == YDOC_SCALAR && !ydoc_is_null(n) ? "'" : "");
    if (v < min || v > max)
        return ydoc_error(c->doc, n, c->err, "'%s': %ld is out of range (%ld to %ld)",
                          key, v, min, max);
    *out = v;
    return 0;
}

static int scalar_bool(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                       int *out)
{
    if (n->kind == YDOC_SCALAR && n->style == YDOC_PLAIN) {
        if (strcmp(n->str, "true") == 0) {
            *out = 1;
            return 0;
        }
        if (strcmp(n->str, "false") == 0) {
            *out = 0;
            return 0;
        }
    }
    return ydoc_error(c->doc, n, c->err, "'%s': expected true or false, found %s%.64s%s",
                      key, n->kind == YDOC_SCALAR ? "'" : "",
                      n->kind == YDOC_SCALAR ? n->str : ydoc_describe(n),
                      n->kind == YDOC_SCALAR ? "'" : "");
}

static int names_index(const char *const *names, const char *s, size_t *count)
{
    int found = -1;
    size_t i = 0;
    for (; names[i]; i++)
        if (found < 0 && strcmp(names[i], s) == 0)
            found = (int)i;
    *count = i;
    return found;
}

static int scalar_choice(struct cfg_ctx *c, const struct ydoc_node *n, const char *key,
                         const char *const *names, int *index)
{
    size_t count;
    if (expect_scalar(c, n, key, "a value") < 0)
        return -1;
    *index = names_index(names, n->str, &count);
    if (*index >= 0)
        return 0;
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < count; i++)
        sb_addf(&sb, "%s%s", i ? ", " : "", names[i]);
    const char *near = cfg_closest(n->str, names, count);
    if (near)
        ydoc_error(c->doc, n, c->err, "'%s': unknown value '%.64s' (did you mean '%s'?)",
                   key, n->str, near);
    else
        ydoc_error(c->doc, n, c->err, "'%s': unknown value '%.64s' (expected one of: %s)",
                   key, n->str, sb_str(&sb));
    sb_free(&sb);
    return -1;
}

static int valid_date(const char *s)
{
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    if (strspn(s, "0123456789-") != 10 || y < 1900 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] && !(m == 2 && d == 29 && !leap);
}

static int set_field(struct cfg_ctx *c, const struct cfg_field *f,
                     const struct ydoc_node *v, void *obj)
{
    char *at = (char *)obj + f->off;
    long l;
    int i;
    switch (f->type) {
    case FT_STR:
        return cfg_scalar_str(c, v, f->key, (char **)at);
    case FT_ID:
        return cfg_scalar_id(c, v, f->key, f->rule, (char **)at);
    case FT_CHOICE:
        if (scalar_choice(c, v, f->key, f->names, &i) < 0)
            return -1;
        free(*(char **)at);
        *(char **)at = util_xstrdup(f->names[i]);
        return 0;
    case FT_ENUM:
        return scalar_choice(c, v, f->key, f->names, (int *)at);
    case FT_INT:
        if (cfg_scalar_long(c, v, f->key, f->min, f->max, &l) < 0)
            return -1;
        *(int *)at = (int)l;
        return 0;
    case FT_LONG:
        return cfg_scalar_long(c, v, f->key, f->min, f->max, (long *)at);
    case FT_BOOL:
        return scalar_bool(c, v, f->key, (int *)at);
    case FT_DATE:
        if (expect_scalar(c, v, f->key, "a date (YYYY-MM-DD)") < 0)
            return -1;
        if (!valid_date(v->str))
            return ydoc_error(c->doc, v, c->err,
                              "'%s': expected a date (YYYY-MM-DD), found '%.64s'",
                              f->key, v->str);
        free(*(char **)at);
        *(char **)at = util_xstrdup(v->str);
        return 0;
    case FT_NODE:
        *(const struct ydoc_node **)at = v;
        return 0;
    }
    return -1;
}

static int unknown_key(struct cfg_ctx *c, const struct ydoc_node *k,
                       const struct cfg_field *fields, size_t nfields, const char *what)
{
    const char *keys[64];
    size_t n = nfields < 64 ? nfields : 64;
    for (size_t i = 0; i < n; i++)
        keys[i] = fields[i].key;
    const char *near = cfg_closest(k->str, keys, n);
    if (near)
        return ydoc_error(c->doc, k, c->err, "unknown key '%.64s' in %s (did you mean '%s'?)",
                          k->str, what, near);
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        sb_addf(&sb, "%s%s", i ? ", " : "", keys[i]);
    ydoc_error(c->doc, k, c->err, "unknown key '%.64s' in %s (expected one of: %s)",
               k->str, what, sb_str(&sb));
    sb_free(&sb);
    return -1;
}

int cfg_walk_map(struct cfg_ctx *c, const struct ydoc_node *map,
                 const struct cfg_field *fields, size_t nfields, void *obj,
                 const char *what)
{
    if (map->kind != YDOC_MAP)
        return ydoc_error(c->doc, map, c->err, "expected %s as a mapping (key: value), "
                          "found %s", what, ydoc_describe(map));
    unsigned char seen[64] = { 0 };
    for (size_t i = 0; i < map->n; i++) {
        const struct ydoc_node *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
        size_t f = 0;
        while (f < nfields && strcmp(fields[f].key, k->str) != 0)
            f++;
        if (f == nfields)
            return unknown_key(c, k, fields, nfields, what);
        /* An explicit empty value of an optional key means "not given". */
        if (!fields[f].required && ydoc_is_null(v) && fields[f].type != FT_NODE)
            continue;
        if (set_field(c, &fields[f], v, obj) < 0)
            return -1;
        if (f < sizeof seen)
            seen[f] = 1;
    }
    for (size_t f = 0; f < nfields && f < sizeof seen; f++)
        if (fields[f].required && !seen[f])
            return ydoc_error(c->doc, map, c->err, "missing required key '%s' in %s",
                              fields[f].key, what);
    return 0;
}

int cfg_expect_seq(struct cfg_ctx *c, const struct ydoc_node *n, const char *key)
{
    if (n->kind == YDOC_SEQ)
        return 0;
    return ydoc_error(c->doc, n, c->err, "'%s': expected a list, found %s", key,
                      ydoc_describe(n));
}

int cfg_walk_seq(struct cfg_ctx *c, const struct ydoc_node *seq, const char *key,
                 size_t elem_size, void **arr, size_t *n, cfg_elem_fn fn, void *arg)
{
    if (cfg_expect_seq(c, seq, key) < 0)
        return -1;
    if (seq->n == 0)
        return 0;
    *arr = util_xcalloc(seq->n, elem_size);
    for (size_t i = 0; i < seq->n; i++) {
        void *obj = (char *)*arr + i * elem_size;
        (*n)++;
        if (fn(c, seq->kids[i], obj, arg) < 0)
            return -1;
    }
    return 0;
}

int cfg_expect_root(struct cfg_ctx *c)
{
    const struct ydoc_node *root = c->doc->root;
    if (!root || ydoc_is_null(root))
        return collab_err_at(c->err, c->doc->file, 1, 1,
                             "the file is empty (expected a mapping)");
    if (root->kind != YDOC_MAP)
        return ydoc_error(c->doc, root, c->err,
                          "expected a mapping (key: value) at the top of the file, "
                          "found %s", ydoc_describe(root));
    return 0;
}

void cfg_free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
