/* The evaluation view: per area and sub-theme, how the member schools rate
 * the partnership and themselves this term, the spread, the gap between the
 * two and the change since the previous term; see eval_table in eval.h. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collab/access.h"
#include "collab/eval.h"
#include "collab/util.h"
#include "eval_internal.h"
#include "model_internal.h"

#define PRIORITIES 3

/* Running sums of a set of scores. */
struct acc {
    long n;
    double sum, sumsq, min, max;
};

static void acc_add(struct acc *a, int score)
{
    if (score <= 0)
        return;
    if (a->n == 0 || score < a->min)
        a->min = score;
    if (a->n == 0 || score > a->max)
        a->max = score;
    a->n++;
    a->sum += score;
    a->sumsq += (double)score * score;
}

static double acc_mean(const struct acc *a)
{
    return a->n ? a->sum / (double)a->n : NAN;
}

/* Population SD: the responding schools are the partnership, not a sample. */
static double acc_sd(const struct acc *a)
{
    if (!a->n)
        return NAN;
    double m = acc_mean(a), v = a->sumsq / (double)a->n - m * m;
    return v > 0 ? sqrt(v) : 0.0;
}

/* What one row (a sub-theme, or an area pooling its sub-themes) gathers. */
struct row_acc {
    struct acc partner, self, prev;
    struct acc *school;       /* per school column */
};

enum { C_ITEM, C_PARTNER, C_MIN, C_MAX, C_SD, C_SELF, C_GAP, C_CHANGE, C_N, C_SCHOOLS };

static void add_columns(struct model_table *t, const struct eval_ctx *ctx,
                        const long *urns, size_t nurns)
{
    mdl_col(t, "item", "Area / sub-theme", MODEL_COL_TEXT, 0, 0);
    mdl_col(t, "partnership", "Partner", MODEL_COL_NUMBER, 2, 0);
    mdl_col(t, "min", "Min", MODEL_COL_NUMBER, 0, 0);
    mdl_col(t, "max", "Max", MODEL_COL_NUMBER, 0, 0);
    mdl_col(t, "sd", "SD", MODEL_COL_NUMBER, 2, 0);
    mdl_col(t, "self", "Self", MODEL_COL_NUMBER, 2, 0);
    mdl_col(t, "gap", "Gap", MODEL_COL_NUMBER, 2, 1);
    mdl_col(t, "change", "Change", MODEL_COL_NUMBER, 2, 1);
    mdl_col(t, "n", "n", MODEL_COL_NUMBER, 0, 0);
    for (size_t i = 0; i < nurns; i++) {
        const struct cfg_org *o = cfg_school_org(ctx->cfg, urns[i]);
        char id[32];
        snprintf(id, sizeof id, "s%ld", urns[i]);
        mdl_col(t, id, o ? o->name : id + 1, MODEL_COL_NUMBER, 2, 0);
    }
}

static void fill_row(struct model_table *t, const char *key, int kind, const char *label,
                     const struct row_acc *ra, size_t nurns)
{
    struct model_row *r = mdl_row(t, key, kind);
    mdl_set_text(r, C_ITEM, label);
    const struct acc *p = &ra->partner;
    if (p->n) {
        mdl_set_num(r, C_PARTNER, acc_mean(p));
        mdl_set_num(r, C_MIN, p->min);
        mdl_set_num(r, C_MAX, p->max);
        mdl_set_num(r, C_SD, acc_sd(p));
        if (ra->prev.n)
            mdl_set_num(r, C_CHANGE, acc_mean(p) - acc_mean(&ra->prev));
    }
    if (ra->self.n)
        mdl_set_num(r, C_SELF, acc_mean(&ra->self));
    if (p->n && ra->self.n)
        mdl_set_num(r, C_GAP, acc_mean(&ra->self) - acc_mean(p));
    mdl_set_num(r, C_N, (double)p->n);
    for (size_t i = 0; i < nurns; i++) {
        const struct acc *s = &ra->school[i];
        if (!s->n)
            continue;
        struct model_cell *c = &r->cells[C_SCHOOLS + i];
        mdl_set_num(r, (int)(C_SCHOOLS + i), acc_mean(s));
        /* A sub-theme holds one whole score; an area a mean. */
        c->own_format = kind == EVAL_ROW_THEME;
        c->decimals = 0;
    }
}

/* Add e's scores to ra (current term) or to ra->prev. */
static void gather(struct row_acc *ra, const struct eval_entry *e, int previous,
                   const long *urns, size_t nurns)
{
    if (previous) {
        acc_add(&ra->prev, e->partnership_score);
        return;
    }
    acc_add(&ra->partner, e->partnership_score);
    acc_add(&ra->self, e->school_score);
    for (size_t i = 0; i < nurns; i++)
        if (urns[i] == e->urn)
            acc_add(&ra->school[i], e->school_score);
}

struct eval_data {
    struct eval_entry *now, *before;
    size_t nnow, nbefore;
};

/* Gather the rows of one area: each sub-theme, and the area pooling them. */
static void area_rows(struct model_table *t, const struct cfg_eval_area *area,
                      const struct eval_data *d, const long *urns, size_t nurns)
{
    size_t nrows = area->nthemes + 1;
    struct row_acc *ra = util_xcalloc(nrows, sizeof *ra);
    for (size_t i = 0; i < nrows; i++)
        ra[i].school = util_xcalloc(nurns ? nurns : 1, sizeof *ra[i].school);
    for (size_t th = 0; th < area->nthemes; th++) {
        const char *id = area->themes[th].id;
        for (int prev = 0; prev < 2; prev++) {
            const struct eval_entry *e = prev ? d->before : d->now;
            size_t n = prev ? d->nbefore : d->nnow;
            for (size_t i = 0; i < n; i++)
                if (strcmp(e[i].theme, id) == 0) {
                    gather(&ra[th + 1], &e[i], prev, urns, nurns);
                    gather(&ra[0], &e[i], prev, urns, nurns);
                }
        }
    }
    fill_row(t, area->id, EVAL_ROW_AREA, area->title, &ra[0], nurns);
    for (size_t th = 0; th < area->nthemes; th++) {
        char key[256], label[256];
        snprintf(key, sizeof key, "%s/%s", area->id, area->themes[th].id);
        snprintf(label, sizeof label, "  %s", area->themes[th].title);
        fill_row(t, key, EVAL_ROW_THEME, label, &ra[th + 1], nurns);
    }
    for (size_t i = 0; i < nrows; i++)
        free(ra[i].school);
    free(ra);
}

static int by_partner_mean(const void *a, const void *b)
{
    const struct model_row *ra = *(const struct model_row *const *)a;
    const struct model_row *rb = *(const struct model_row *const *)b;
    double x = ra->cells[C_PARTNER].value, y = rb->cells[C_PARTNER].value;
    if (x != y)
        return (x > y) - (x < y);
    return (ra > rb) - (ra < rb);   /* ties in framework order */
}

static int scored(const struct model_row *r)
{
    return r->kind == EVAL_ROW_THEME && !(r->cells[C_PARTNER].flags & CELL_MISSING);
}

static const char *trimmed(const struct model_row *r)
{
    const char *s = r->cells[C_ITEM].text;
    return s + strspn(s, " ");
}

/* The lowest partnership means (ties with the last included), and the
 * widest gap where schools rate themselves above the partnership. */
static void add_findings(struct model_table *t)
{
    const struct model_row **rows = util_xcalloc(t->nrows ? t->nrows : 1, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < t->nrows; i++)
        if (scored(&t->rows[i]))
            rows[n++] = &t->rows[i];
    qsort(rows, n, sizeof *rows, by_partner_mean);
    for (size_t i = 0; i < n; i++) {
        if (i >= PRIORITIES && rows[i]->cells[C_PARTNER].value
                               > rows[PRIORITIES - 1]->cells[C_PARTNER].value)
            break;
        const struct model_cell *c = rows[i]->cells;
        mdl_add_finding(t, "Priority: %s - partnership mean %.2f (range %.0f-%.0f, "
                        "%.0f school%s)", trimmed(rows[i]), c[C_PARTNER].value,
                        c[C_MIN].value, c[C_MAX].value, c[C_N].value,
                        c[C_N].value == 1 ? "" : "s");
    }
    const struct model_row *widest = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct model_cell *g = &rows[i]->cells[C_GAP];
        if (!(g->flags & CELL_MISSING) && g->value > 0
            && (!widest || g->value > widest->cells[C_GAP].value))
            widest = rows[i];
    }
    if (widest)
        mdl_add_finding(t, "Widest gap: %s - schools rate themselves %.2f above the "
                        "partnership", trimmed(widest), widest->cells[C_GAP].value);
    free(rows);
}

/* The term shown, and the latest earlier term with entries (or ""). */
static int pick_terms(const struct eval_ctx *ctx, const char *asked, char *term,
                      char *prev, struct collab_err *err)
{
    char **terms;
    size_t n;
    if (asked && eval_term_check(asked, err) != 0)
        return -1;
    if (eval_terms(ctx, &terms, &n, err) != 0)
        return -1;
    if (asked)
        snprintf(term, EVAL_TERM_MAX, "%s", asked);
    else if (n)
        snprintf(term, EVAL_TERM_MAX, "%s", terms[n - 1]);
    else
        eval_term_current(term, EVAL_TERM_MAX);
    prev[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (eval_term_compare(terms[i], term) < 0)
            snprintf(prev, EVAL_TERM_MAX, "%s", terms[i]);
    eval_terms_free(terms, n);
    return 0;
}

/* Member schools whose own score columns the user sees. */
static size_t school_columns(const struct eval_ctx *ctx, long *urns)
{
    long own = access_user_school(ctx->cfg, ctx->user);
    size_t n = 0;
    char today[16];
    access_today(today, sizeof today);
    for (size_t i = 0; i < ctx->group->nschools; i++)
        if ((!own || ctx->group->schools[i] == own) && !eval_withdrawn(ctx, i, today))
            urns[n++] = ctx->group->schools[i];
    return n;
}

static void describe(struct model_table *t, const struct eval_ctx *ctx,
                     const char *prev, size_t nnow, const char *term)
{
    const struct cfg_eval *ev = &ctx->cfg->eval;
    struct strbuf sb = STRBUF_INIT;
    if (!nnow)
        sb_addf(&sb, "No entries for %s yet. ", term);
    sb_addf(&sb, "Scores %d-%d", ev->scale_min, ev->scale_max);
    if (ev->scale_labels && ev->scale_max >= ev->scale_min)
        sb_addf(&sb, " (%s .. %s)", ev->scale_labels[0],
                ev->scale_labels[ev->scale_max - ev->scale_min]);
    sb_add(&sb, "; gap = self minus partnership; ");
    if (*prev)
        sb_addf(&sb, "change since %s", prev);
    else
        sb_add(&sb, "no earlier term to compare");
    mdl_set_note(t, "%s", sb_str(&sb));
    sb_free(&sb);
}

int eval_table(const struct eval_ctx *ctx, const char *term_asked, struct model_table *t,
               struct collab_err *err)
{
    char term[EVAL_TERM_MAX], prev[EVAL_TERM_MAX];
    struct eval_data d = { 0 };
    memset(t, 0, sizeof *t);
    if (pick_terms(ctx, term_asked, term, prev, err) != 0)
        return -1;
    if (evl_read(ctx, term, 0, &d.now, &d.nnow, err) != 0)
        return -1;
    if (*prev && evl_read(ctx, prev, 0, &d.before, &d.nbefore, err) != 0) {
        eval_entries_free(d.now, d.nnow);
        return -1;
    }
    long *urns = util_xcalloc(ctx->group->nschools + 1, sizeof *urns);
    size_t nurns = school_columns(ctx, urns);
    mdl_table_title(t, "Evaluation: %s, %s", ctx->group->name, term);
    add_columns(t, ctx, urns, nurns);
    for (size_t a = 0; a < ctx->cfg->eval.nareas; a++)
        area_rows(t, &ctx->cfg->eval.areas[a], &d, urns, nurns);
    add_findings(t);
    describe(t, ctx, prev, d.nnow, term);
    free(urns);
    eval_entries_free(d.now, d.nnow);
    eval_entries_free(d.before, d.nbefore);
    return 0;
}

int mdl_view_evaluation(struct model *m, const struct mdl_view_ctx *v,
                        struct model_table *t, struct collab_err *err)
{
    struct eval_ctx ctx;
    eval_ctx_from_model(m, &ctx);
    if (eval_table(&ctx, v->q->term, t, err) != 0)
        return -1;
    if (v->q->sort_col >= 0)
        mdl_sort_rows(t, v->q->sort_col, v->q->sort_desc);
    return 0;
}
