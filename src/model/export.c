/* Writing a model_table as an aligned table, CSV, TSV or JSON
 * (docs/REPORT.md describes the CSV and JSON formats). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/model.h"
#include "collab/util.h"

enum model_format model_format_for_path(const char *path)
{
    static const struct { const char *ext; enum model_format fmt; } exts[] = {
        { ".csv", MODEL_FMT_CSV }, { ".tsv", MODEL_FMT_TSV }, { ".json", MODEL_FMT_JSON },
    };
    const char *dot = path ? strrchr(path, '.') : NULL;
    for (size_t i = 0; dot && i < sizeof exts / sizeof exts[0]; i++)
        if (util_strieq(dot, exts[i].ext))
            return exts[i].fmt;
    return MODEL_FMT_TABLE;
}

int model_format_by_name(const char *name, enum model_format *fmt)
{
    static const struct { const char *name; enum model_format fmt; } formats[] = {
        { "table", MODEL_FMT_TABLE }, { "csv", MODEL_FMT_CSV },
        { "tsv", MODEL_FMT_TSV }, { "json", MODEL_FMT_JSON },
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(name, formats[i].name) == 0) {
            *fmt = formats[i].fmt;
            return 0;
        }
    return -1;
}

static void cell_style(const struct model_column *col, const struct model_cell *cell,
                       int *decimals, int *sign)
{
    *decimals = cell->own_format ? cell->decimals : col->decimals;
    *sign = cell->own_format ? cell->show_sign : col->show_sign;
    if (*decimals < 0)
        *decimals = 0;
    if (*decimals > 9)
        *decimals = 9;
}

/* A number as printed: no "-0.0", a + only when asked for. */
static void format_number(double v, int decimals, int sign, char *buf, size_t size)
{
    if (isnan(v)) {
        snprintf(buf, size, "%s", "");
        return;
    }
    if (fabs(v) < 0.5 * pow(10, -decimals))
        v = 0;
    snprintf(buf, size, sign && v > 0 ? "+%.*f" : "%.*f", decimals, v);
}

static void format_trend(const struct model_cell *cell, int decimals, int sign,
                         const char *sep, const char *gap, char *buf, size_t size)
{
    struct strbuf sb = STRBUF_INIT;
    char one[64];
    for (int i = 0; i < cell->ntrend && i < MODEL_TREND_MAX; i++) {
        if (i)
            sb_add(&sb, sep);
        if (isnan(cell->trend[i])) {
            sb_add(&sb, gap);
            continue;
        }
        format_number(cell->trend[i], decimals, sign, one, sizeof one);
        sb_add(&sb, one);
    }
    snprintf(buf, size, "%s", sb_str(&sb));
    sb_free(&sb);
}

void model_cell_format(const struct model_column *col, const struct model_cell *cell,
                       char *buf, size_t size)
{
    int decimals, sign;
    if (size == 0)
        return;
    cell_style(col, cell, &decimals, &sign);
    if (cell->flags & CELL_SUPPRESSED)
        snprintf(buf, size, "x");
    else if (cell->flags & CELL_NA)
        snprintf(buf, size, "n/a");
    else if (cell->flags & CELL_MISSING)
        buf[0] = '\0';
    else if (col->kind == MODEL_COL_TEXT)
        snprintf(buf, size, "%s", cell->text ? cell->text : "");
    else if (col->kind == MODEL_COL_TREND)
        format_trend(cell, decimals, sign, " ", "-", buf, size);
    else
        format_number(cell->value, decimals, sign, buf, size);
}

/* ---- table ---- */

/* Columns of the terminal, counting UTF-8 lead bytes only. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

/* Table cells mark significance after the figure: ^ above, v below; in a
 * column with any mark, unmarked figures keep the mark's room so digits
 * stay aligned. */
static void table_cell(const struct model_column *col, const struct model_cell *cell,
                       int marks, char *buf, size_t size)
{
    model_cell_format(col, cell, buf, size);
    size_t len = strlen(buf);
    if (!marks || len + 3 >= size)
        return;
    char mark = ' ';
    if (cell->flags & CELL_SIG_ABOVE)
        mark = '^';
    else if (cell->flags & CELL_SIG_BELOW)
        mark = 'v';
    snprintf(buf + len, size - len, " %c", mark);
}

static int column_marks(const struct model_table *t, size_t c)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (t->rows[r].cells[c].flags & (CELL_SIG_ABOVE | CELL_SIG_BELOW))
            return 1;
    return 0;
}

static void add_aligned(struct strbuf *line, size_t c, const char *s, size_t width,
                        int right)
{
    size_t w = display_width(s);
    if (c)
        sb_add(line, "  ");
    for (size_t i = w; right && i < width; i++)
        sb_addc(line, ' ');
    sb_add(line, s);
    for (size_t i = w; !right && i < width; i++)
        sb_addc(line, ' ');
}

/* Print a line without its trailing blanks. */
static void put_line(FILE *fp, struct strbuf *line)
{
    while (line->len && line->buf[line->len - 1] == ' ')
        line->buf[--line->len] = '\0';
    fprintf(fp, "%s\n", sb_str(line));
    sb_reset(line);
}

static void write_table(const struct model_table *t, FILE *fp)
{
    size_t nc = t->ncols ? t->ncols : 1;
    size_t *width = util_xcalloc(nc, sizeof *width);
    int *marks = util_xcalloc(nc, sizeof *marks);
    char buf[1024];
    struct strbuf line = STRBUF_INIT;
    for (size_t c = 0; c < t->ncols; c++) {
        marks[c] = column_marks(t, c);
        width[c] = display_width(t->cols[c].label);
        for (size_t r = 0; r < t->nrows; r++) {
            table_cell(&t->cols[c], &t->rows[r].cells[c], marks[c], buf, sizeof buf);
            size_t w = display_width(buf);
            if (w > width[c])
                width[c] = w;
        }
    }
    if (t->title)
        fprintf(fp, "%s\n\n", t->title);
    for (size_t c = 0; c < t->ncols; c++) {
        const char *label = t->cols[c].label;
        if (marks[c] && t->cols[c].kind == MODEL_COL_NUMBER) {
            snprintf(buf, sizeof buf, "%s  ", label);
            label = buf;
        }
        add_aligned(&line, c, label, width[c], t->cols[c].kind == MODEL_COL_NUMBER);
    }
    put_line(fp, &line);
    for (size_t c = 0; c < t->ncols; c++) {
        if (c)
            sb_add(&line, "  ");
        for (size_t i = 0; i < width[c]; i++)
            sb_addc(&line, '-');
    }
    put_line(fp, &line);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            table_cell(&t->cols[c], &t->rows[r].cells[c], marks[c], buf, sizeof buf);
            add_aligned(&line, c, buf, width[c], t->cols[c].kind == MODEL_COL_NUMBER);
        }
        put_line(fp, &line);
    }
    sb_free(&line);
    free(width);
    free(marks);
    if (t->note)
        fprintf(fp, "\n%s\n", t->note);
    if (t->legend)
        fprintf(fp, "%s%s\n", t->note ? "" : "\n", t->legend);
    if (t->nfindings)
        fputs("\nFindings:\n", fp);
    for (size_t i = 0; i < t->nfindings; i++)
        fprintf(fp, "  - %s\n", t->findings[i]);
}

/* ---- CSV and TSV ---- */

/* Text a spreadsheet would run as a formula starts with one of these. */
static int looks_like_formula(const char *s)
{
    return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

/* The value of a cell for CSV/TSV: numbers plain (no +), "x", "" missing. */
static void delimited_value(const struct model_column *col, const struct model_cell *cell,
                            struct strbuf *out)
{
    char buf[1024];
    int decimals, sign;
    cell_style(col, cell, &decimals, &sign);
    sb_reset(out);
    if (cell->flags & CELL_SUPPRESSED) {
        sb_add(out, "x");
        return;
    }
    if (cell->flags & CELL_NA) {    /* does not apply: never read as 0 or as missing */
        sb_add(out, "n/a");
        return;
    }
    if (cell->flags & CELL_MISSING)
        return;
    if (col->kind == MODEL_COL_NUMBER) {
        format_number(cell->value, decimals, 0, buf, sizeof buf);
        sb_add(out, buf);
        return;
    }
    if (col->kind == MODEL_COL_TREND)
        format_trend(cell, decimals, 0, ";", "", buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "%s", cell->text ? cell->text : "");
    if (col->kind == MODEL_COL_TEXT && looks_like_formula(buf))
        sb_addc(out, '\'');
    sb_add(out, buf);
}

static void write_csv_field(FILE *fp, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void write_tsv_field(FILE *fp, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\r' || *s == '\n' ? ' ' : *s, fp);
}

/* Reports mark significance in a column of its own after each number
 * column that has any significant cell: "<id>_sig" holding "above",
 * "below" or "" (docs/REPORT.md). */
static int sig_column(const struct model_table *t, size_t c)
{
    return t->cols[c].kind == MODEL_COL_NUMBER && column_marks(t, c);
}

static const char *sig_text(const struct model_cell *cell)
{
    if (cell->flags & (CELL_SUPPRESSED | CELL_MISSING | CELL_NA))
        return "";
    return cell->flags & CELL_SIG_ABOVE ? "above" : cell->flags & CELL_SIG_BELOW ? "below" : "";
}

static void write_delimited(const struct model_table *t, FILE *fp, int tsv)
{
    const char *eol = tsv ? "\n" : "\r\n";
    char sep = tsv ? '\t' : ',';
    void (*field)(FILE *, const char *) = tsv ? write_tsv_field : write_csv_field;
    struct strbuf v = STRBUF_INIT;
    int *sig = util_xcalloc(t->ncols ? t->ncols : 1, sizeof *sig);
    for (size_t c = 0; c < t->ncols; c++) {
        sig[c] = sig_column(t, c);
        if (c)
            fputc(sep, fp);
        field(fp, t->cols[c].id);
        if (sig[c]) {
            sb_reset(&v);
            sb_addf(&v, "%s_sig", t->cols[c].id);
            fputc(sep, fp);
            field(fp, sb_str(&v));
        }
    }
    fputs(eol, fp);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                fputc(sep, fp);
            delimited_value(&t->cols[c], &t->rows[r].cells[c], &v);
            field(fp, sb_str(&v));
            if (sig[c]) {
                fputc(sep, fp);
                field(fp, sig_text(&t->rows[r].cells[c]));
            }
        }
        fputs(eol, fp);
    }
    free(sig);
    sb_free(&v);
}

/* ---- JSON ---- */

static void json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", fp);
        else if (*p == '\t')
            fputs("\\t", fp);
        else if (*p < 0x20)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

static void json_number(FILE *fp, double v, int decimals)
{
    char buf[64];
    if (isnan(v) || isinf(v)) {
        fputs("null", fp);
        return;
    }
    format_number(v, decimals, 0, buf, sizeof buf);
    fputs(buf, fp);
}

static void json_cell(FILE *fp, const struct model_column *col, const struct model_cell *cell)
{
    int decimals, sign;
    cell_style(col, cell, &decimals, &sign);
    if (cell->flags & CELL_SUPPRESSED)
        fputs("\"x\"", fp);
    else if (cell->flags & CELL_NA)
        fputs("\"n/a\"", fp);
    else if (cell->flags & CELL_MISSING)
        fputs("null", fp);
    else if (col->kind == MODEL_COL_TEXT)
        json_string(fp, cell->text);
    else if (col->kind == MODEL_COL_NUMBER)
        json_number(fp, cell->value, decimals);
    else {
        fputc('[', fp);
        for (int i = 0; i < cell->ntrend && i < MODEL_TREND_MAX; i++) {
            if (i)
                fputc(',', fp);
            json_number(fp, cell->trend[i], decimals);
        }
        fputc(']', fp);
    }
}

static void write_json(const struct model_table *t, FILE *fp)
{
    fputs("{\"title\":", fp);
    json_string(fp, t->title);
    fputs(",\n\"columns\":[", fp);
    for (size_t c = 0; c < t->ncols; c++) {
        fputs(c ? ",\n  {\"id\":" : "\n  {\"id\":", fp);
        json_string(fp, t->cols[c].id);
        fputs(",\"label\":", fp);
        json_string(fp, t->cols[c].label);
        fputc('}', fp);
    }
    fputs("],\n\"rows\":[", fp);
    for (size_t r = 0; r < t->nrows; r++) {
        fputs(r ? ",\n  {" : "\n  {", fp);
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                fputc(',', fp);
            json_string(fp, t->cols[c].id);
            fputc(':', fp);
            json_cell(fp, &t->cols[c], &t->rows[r].cells[c]);
            if (sig_column(t, c)) {
                fprintf(fp, ",\"%s_sig\":", t->cols[c].id);
                json_string(fp, sig_text(&t->rows[r].cells[c]));
            }
        }
        fputc('}', fp);
    }
    fputs("],\n\"note\":", fp);
    if (t->note)
        json_string(fp, t->note);
    else
        fputs("null", fp);
    fputs(",\n\"findings\":[", fp);
    for (size_t i = 0; i < t->nfindings; i++) {
        fputs(i ? ",\n  " : "\n  ", fp);
        json_string(fp, t->findings[i]);
    }
    fputs("]}\n", fp);
}

int model_table_write(const struct model_table *t, enum model_format fmt, FILE *fp)
{
    switch (fmt) {
    case MODEL_FMT_TABLE: write_table(t, fp); break;
    case MODEL_FMT_CSV:   write_delimited(t, fp, 0); break;
    case MODEL_FMT_TSV:   write_delimited(t, fp, 1); break;
    case MODEL_FMT_JSON:  write_json(t, fp); break;
    }
    return ferror(fp) ? -1 : 0;
}
