/* Rows kept by a condition on one column, "COL OP VALUE" (model_internal.h,
 * mdl_where): `p8 < -1`, `prior = L`, `flags has FSM6`. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "collab/util.h"
#include "model_internal.h"

enum op { OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_HAS };

static const struct { const char *text; enum op op; } ops[] = {
    { "<=", OP_LE }, { ">=", OP_GE }, { "!=", OP_NE }, { "<", OP_LT }, { ">", OP_GT },
    { "=", OP_EQ }, { "has", OP_HAS },
};

struct cond {
    int col;
    enum op op;
    char *text;     /* the value as written */
    double num;     /* and as a number, for a number column */
};

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

static int find_column(const struct model_table *t, const char *name, size_t len)
{
    for (size_t c = 0; c < t->ncols; c++)
        if ((strlen(t->cols[c].id) == len && strncasecmp(t->cols[c].id, name, len) == 0) ||
            (strlen(t->cols[c].label) == len && strncasecmp(t->cols[c].label, name, len) == 0))
            return (int)c;
    return -1;
}

static int column_error(const struct model_table *t, const char *name, size_t len,
                        struct collab_err *err)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t c = 0; c < t->ncols; c++)
        sb_addf(&sb, "%s%s", c ? ", " : "", t->cols[c].id);
    collab_err_set(err, "where: no column '%.*s' in this view (columns: %s)", (int)len, name,
                   sb_str(&sb));
    sb_free(&sb);
    return -1;
}

static int parse(const struct model_table *t, const char *spec, struct cond *c,
                 struct collab_err *err)
{
    const char *p = skip_space(spec), *name = p;
    while (*p && (isalnum((unsigned char)*p) || *p == '_'))
        p++;
    size_t len = (size_t)(p - name);
    if (!len)
        return collab_err_set(err, "where: '%s' names no column (as in p8 < -1)", spec);
    c->col = find_column(t, name, len);
    if (c->col < 0)
        return column_error(t, name, len, err);
    p = skip_space(p);
    size_t k = 0;
    while (k < sizeof ops / sizeof ops[0] && strncmp(p, ops[k].text, strlen(ops[k].text)) != 0)
        k++;
    if (k == sizeof ops / sizeof ops[0])
        return collab_err_set(err, "where: no operator in '%s' (use < <= > >= = != or has)",
                              spec);
    c->op = ops[k].op;
    const char *v = skip_space(p + strlen(ops[k].text));
    size_t vlen = strlen(v);
    while (vlen && isspace((unsigned char)v[vlen - 1]))
        vlen--;
    if (!vlen)
        return collab_err_set(err, "where: '%s' has no value to compare with", spec);
    c->text = util_xstrndup(v, vlen);
    int number = t->cols[c->col].kind == MODEL_COL_NUMBER;
    if (number && (c->op == OP_HAS || util_parse_double(c->text, &c->num) != 0)) {
        collab_err_set(err, c->op == OP_HAS ? "where: 'has' is for a text column, and %s is "
                       "a number" : "where: column %s holds numbers: '%s' is not one",
                       t->cols[c->col].id, c->text);
        free(c->text);
        return -1;
    }
    return 0;
}

static int compare(double a, double b)
{
    return a < b ? -1 : a > b;
}

static int keeps(const struct model_table *t, const struct model_row *r, const struct cond *c)
{
    const struct model_cell *cell = &r->cells[c->col];
    int cmp;
    if (t->cols[c->col].kind == MODEL_COL_NUMBER) {
        if (cell->flags & (CELL_SUPPRESSED | CELL_MISSING) || isnan(cell->value))
            return 0;   /* no figure is neither below nor above anything */
        cmp = compare(cell->value, c->num);
    } else {
        const char *s = cell->text ? cell->text : "";
        if (c->op == OP_HAS)
            return strcasestr(s, c->text) != NULL;
        cmp = strcasecmp(s, c->text);
    }
    switch (c->op) {
    case OP_LT: return cmp < 0;
    case OP_LE: return cmp <= 0;
    case OP_GT: return cmp > 0;
    case OP_GE: return cmp >= 0;
    case OP_EQ: return cmp == 0;
    case OP_NE: return cmp != 0;
    case OP_HAS: return 0;
    }
    return 0;
}

static void free_row(struct model_table *t, struct model_row *r)
{
    for (size_t c = 0; c < t->ncols; c++)
        free(r->cells[c].text);
    free(r->cells);
    free(r->key);
}

int mdl_where(struct model_table *t, const char *spec, struct collab_err *err)
{
    struct cond c;
    if (parse(t, spec, &c, err) != 0)
        return -1;
    size_t kept = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        if (keeps(t, &t->rows[i], &c))
            t->rows[kept++] = t->rows[i];
        else
            free_row(t, &t->rows[i]);
    }
    t->nrows = kept;
    free(c.text);
    return 0;
}
