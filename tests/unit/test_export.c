/* Writing tables: aligned text, CSV (RFC 4180, formula-safe), TSV, JSON. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/model.h"
#include "collab/util.h"
#include "tap.h"

static char *dup(const char *s)
{
    return util_xstrdup(s);
}

static void set_col(struct model_column *c, const char *id, const char *label,
                    enum model_col_kind kind, int decimals, int sign)
{
    c->id = dup(id);
    c->label = dup(label);
    c->kind = kind;
    c->decimals = decimals;
    c->show_sign = sign;
    c->sortable = 1;
}

/* school | p8 | pct | trend, three rows: a number row, a suppressed row and
 * a row with a hostile name and a missing figure. */
static void build(struct model_table *t)
{
    memset(t, 0, sizeof *t);
    t->title = dup("Schools: Test, 2019");
    t->note = dup("a note");
    t->ncols = 4;
    t->cols = calloc(4, sizeof *t->cols);
    set_col(&t->cols[0], "school", "School", MODEL_COL_TEXT, 0, 0);
    set_col(&t->cols[1], "p8", "P8", MODEL_COL_NUMBER, 2, 1);
    set_col(&t->cols[2], "pct", "Basics %", MODEL_COL_NUMBER, 1, 0);
    set_col(&t->cols[3], "trend", "Trend", MODEL_COL_TREND, 1, 0);
    t->nrows = 3;
    t->rows = calloc(3, sizeof *t->rows);
    const char *names[] = { "Harbour High", "Small, \"Tiny\" School", "=SUM(A1)" };
    for (size_t r = 0; r < 3; r++) {
        t->rows[r].key = dup(names[r]);
        t->rows[r].cells = calloc(4, sizeof *t->rows[r].cells);
        t->rows[r].cells[0].text = dup(names[r]);
    }
    t->rows[0].cells[1].value = 0.4249;
    t->rows[0].cells[1].flags = CELL_SIG_ABOVE;
    t->rows[0].cells[2].value = 63.26;
    t->rows[0].cells[3].ntrend = 3;
    t->rows[0].cells[3].trend[0] = 60.04;
    t->rows[0].cells[3].trend[1] = NAN;
    t->rows[0].cells[3].trend[2] = 63.26;
    t->rows[1].cells[1].flags = CELL_SUPPRESSED;
    t->rows[1].cells[2].flags = CELL_SUPPRESSED;
    t->rows[1].cells[3].flags = CELL_SUPPRESSED;
    t->rows[2].cells[1].value = -0.5;
    t->rows[2].cells[2].flags = CELL_MISSING;
    t->rows[2].cells[3].flags = CELL_MISSING;
    t->nfindings = 1;
    t->findings = calloc(1, sizeof *t->findings);
    t->findings[0] = dup("Harbour High: P8 +0.42 (n=151), significantly above national (0.00)");
}

static char *render(const struct model_table *t, enum model_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    model_table_write(t, fmt, fp);
    fclose(fp);
    return buf;
}

static void test_cell_format(const struct model_table *t)
{
    char buf[64];
    model_cell_format(&t->cols[1], &t->rows[0].cells[1], buf, sizeof buf);
    is_str(buf, "+0.42", "signed number with the column's decimals");
    model_cell_format(&t->cols[1], &t->rows[1].cells[1], buf, sizeof buf);
    is_str(buf, "x", "suppressed cell prints x");
    model_cell_format(&t->cols[2], &t->rows[2].cells[2], buf, sizeof buf);
    is_str(buf, "", "missing cell prints nothing");
    model_cell_format(&t->cols[3], &t->rows[0].cells[3], buf, sizeof buf);
    is_str(buf, "60.0 - 63.3", "trend: oldest first, - where missing");
    struct model_cell own = { .value = 7.25, .own_format = 1, .decimals = 0, .lo = NAN,
                              .hi = NAN };
    model_cell_format(&t->cols[1], &own, buf, sizeof buf);
    is_str(buf, "7", "a cell's own format overrides the column's");
    struct model_cell negzero = { .value = -0.001, .lo = NAN, .hi = NAN };
    model_cell_format(&t->cols[1], &negzero, buf, sizeof buf);
    is_str(buf, "0.00", "no negative zero");
}

static void test_csv(const struct model_table *t)
{
    char *s = render(t, MODEL_FMT_CSV);
    const char *want =
        "school,p8,p8_sig,pct,trend\r\n"
        "Harbour High,0.42,above,63.3,60.0;;63.3\r\n"
        "\"Small, \"\"Tiny\"\" School\",x,,x,x\r\n"
        "'=SUM(A1),-0.50,,,\r\n";
    is_str(s, want, "CSV: ids header, quoting, x, empty, inert formula, plain negative; "
           "a sig column after a number column with a significant figure");
    free(s);
    s = render(t, MODEL_FMT_TSV);
    like(s, "'=SUM(A1)\t-0.50\t\t\t\n", "TSV: formula made inert, negative kept numeric");
    like(s, "school\tp8\tp8_sig\tpct\ttrend\n", "TSV header");
    free(s);
}

static void test_json(const struct model_table *t)
{
    char *s = render(t, MODEL_FMT_JSON);
    like(s, "{\"title\":\"Schools: Test, 2019\"", "JSON title");
    like(s, "{\"id\":\"p8\",\"label\":\"P8\"}", "JSON columns");
    like(s, "{\"school\":\"Harbour High\",\"p8\":0.42,\"p8_sig\":\"above\",\"pct\":63.3,"
         "\"trend\":[60.0,null,63.3]}",
         "JSON numbers and trend array");
    like(s, "\"school\":\"Small, \\\"Tiny\\\" School\",\"p8\":\"x\"", "JSON escapes, x");
    like(s, "\"p8\":-0.50,\"p8_sig\":\"\",\"pct\":null", "JSON negative number and null");
    like(s, "\"findings\":[\n  \"Harbour High: P8", "JSON findings");
    free(s);
}

static void test_table(const struct model_table *t)
{
    char *s = render(t, MODEL_FMT_TABLE);
    like(s, "Schools: Test, 2019\n\n", "table title");
    like(s, "School                   P8    Basics %  Trend\n", "header aligned");
    like(s, "--------------------  -------  --------  -----------\n", "underline");
    like(s, "Harbour High          +0.42 ^      63.3  60.0 - 63.3\n", "row with sig marker");
    like(s, "Small, \"Tiny\" School      x           x  x\n", "suppressed row, digits aligned");
    like(s, "=SUM(A1)              -0.50\n", "missing cells leave no trailing blanks");
    like(s, "\na note\n", "note after the table");
    like(s, "Findings:\n  - Harbour High", "findings after the note");
    free(s);
}

static void test_format_for_path(void)
{
    is_int(model_format_for_path("out.CSV"), MODEL_FMT_CSV, ".csv");
    is_int(model_format_for_path("a.b.json"), MODEL_FMT_JSON, ".json");
    is_int(model_format_for_path("x.tsv"), MODEL_FMT_TSV, ".tsv");
    is_int(model_format_for_path("report.txt"), MODEL_FMT_TABLE, "other: table");
}

int main(void)
{
    struct model_table t;
    build(&t);
    test_cell_format(&t);
    test_csv(&t);
    test_json(&t);
    test_table(&t);
    test_format_for_path();
    model_table_free(&t);
    return tap_done();
}
