/*
 * CSV records through libcsv. libcsv pushes fields and record ends through
 * callbacks; we feed it one physical line at a time (at most SEG_MAX bytes)
 * so that every callback knows the line it happens on, which is how records
 * with quoted newlines still carry the line they start on.
 */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/csv_reader.h"
#include "collab/util.h"

#define SEG_MAX 65536
#define READ_CHUNK 262144

/* libcsv's parser state before any byte of a record was seen (libcsv.c). */
#define LIBCSV_ROW_NOT_BEGUN 0

struct reader {
    struct csv_parser p;
    const char *name;
    csvr_record_fn fn;
    void *ctx;
    struct collab_err *err;
    int failed;
    long line;          /* line of the bytes being fed */
    long rec_line;      /* line the current record starts on */
    long rec_nl;        /* newlines inside the record's finished fields */
    long records;
    char *arena;        /* the record's fields, each NUL-terminated */
    size_t alen, acap;
    size_t *offs;
    const char **ptrs;
    size_t nf, fcap;
};

/* Offset of the first byte that breaks UTF-8 in s, or n if it is valid. */
static size_t utf8_bad_offset(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2; min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3; min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4; min = 0x10000;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        unsigned cp = c & (0x7f >> len);
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += len;
    }
    return n;
}

static long count_nl(const char *s, size_t n)
{
    long k = 0;
    for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))) != NULL; s++)
        k++;
    return k;
}

static void fail_at(struct reader *r, long line, long col, const char *what)
{
    if (r->failed)
        return;
    r->failed = 1;
    collab_err_at(r->err, r->name, line, col, "%s", what);
}

/* Offset of the first control character other than tab, CR and LF (C0,
 * DEL, or C1 as UTF-8 C2 80..9F), or n. Text reaches terminals through
 * report and the TUI, where ESC or CSI would be obeyed, not shown. */
static size_t control_offset(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
            return i;
        if (c == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
            return i;
    }
    return n;
}

/* Is this field's text acceptable? Reports the exact line of a bad byte. */
static int check_text(struct reader *r, const char *s, size_t len)
{
    long col = (long)r->nf + 1;
    const char *nul = memchr(s, '\0', len);
    size_t bad = utf8_bad_offset((const unsigned char *)s, nul ? (size_t)(nul - s) : len);
    char msg[160];
    if (nul && bad == (size_t)(nul - s)) {
        fail_at(r, r->rec_line + r->rec_nl + count_nl(s, bad), col,
                "NUL byte in the file (is it UTF-16? save it as UTF-8)");
        return -1;
    }
    if (bad < len) {
        snprintf(msg, sizeof msg, "byte 0x%02x is not UTF-8 (the file must be "
                 "UTF-8, not e.g. Windows-1252)", (unsigned char)s[bad]);
        fail_at(r, r->rec_line + r->rec_nl + count_nl(s, bad), col, msg);
        return -1;
    }
    if ((bad = control_offset((const unsigned char *)s, len)) < len) {
        snprintf(msg, sizeof msg, "control character 0x%02x in a field (escape "
                 "sequences could rewrite a terminal showing it)",
                 s[bad] == '\xc2' ? (unsigned char)s[bad + 1] : (unsigned char)s[bad]);
        fail_at(r, r->rec_line + r->rec_nl + count_nl(s, bad), col, msg);
        return -1;
    }
    return 0;
}

static void on_field(void *data, size_t len, void *rv)
{
    struct reader *r = rv;
    const char *s = data ? data : "";
    if (r->failed)
        return;
    if (r->nf >= CSVR_MAX_COLUMNS) {
        char msg[80];
        snprintf(msg, sizeof msg, "more than %d columns", CSVR_MAX_COLUMNS);
        fail_at(r, r->rec_line, CSVR_MAX_COLUMNS + 1, msg);
        return;
    }
    if (len > CSVR_MAX_FIELD) {
        fail_at(r, r->rec_line + r->rec_nl, (long)r->nf + 1,
                "field longer than 1 MiB");
        return;
    }
    if (check_text(r, s, len) != 0)
        return;
    if (r->nf == r->fcap) {
        r->fcap = r->fcap ? r->fcap * 2 : 16;
        r->offs = util_xrealloc(r->offs, r->fcap * sizeof *r->offs);
        r->ptrs = util_xrealloc(r->ptrs, r->fcap * sizeof *r->ptrs);
    }
    if (r->alen + len + 1 > r->acap) {
        while (r->alen + len + 1 > r->acap)
            r->acap = r->acap ? r->acap * 2 : 1024;
        r->arena = util_xrealloc(r->arena, r->acap);
    }
    memcpy(r->arena + r->alen, s, len);
    r->arena[r->alen + len] = '\0';
    r->offs[r->nf++] = r->alen;
    r->alen += len + 1;
    r->rec_nl += count_nl(s, len);
}

static void on_record(int c, void *rv)
{
    struct reader *r = rv;
    (void)c;
    if (r->failed)
        return;
    for (size_t i = 0; i < r->nf; i++)
        r->ptrs[i] = r->arena + r->offs[i];
    struct csvr_record rec = { r->ptrs, r->nf, r->rec_line };
    r->records++;
    if (r->fn(&rec, r->ctx) != 0)
        r->failed = 2;   /* the callback set err itself */
    r->nf = 0;
    r->alen = 0;
    r->rec_nl = 0;
}

static int feed_segment(struct reader *r, const char *s, size_t n)
{
    if (r->p.pstate == LIBCSV_ROW_NOT_BEGUN)
        r->rec_line = r->line;
    if (csv_parse(&r->p, s, n, on_field, on_record, r) != n && !r->failed) {
        if (csv_error(&r->p) == CSV_EPARSE)
            fail_at(r, r->line, (long)r->nf + 1, "malformed quotes (a quote inside "
                    "an unquoted field, or text after a closing quote)");
        else
            fail_at(r, r->line, 0, csv_strerror(csv_error(&r->p)));
    }
    if (!r->failed && r->p.entry_pos > CSVR_MAX_FIELD)
        fail_at(r, r->rec_line + r->rec_nl, (long)r->nf + 1, "field longer than 1 MiB");
    if (n && s[n - 1] == '\n')
        r->line++;
    return r->failed ? -1 : 0;
}

/* Feed a chunk, one line (or SEG_MAX bytes) at a time. */
static int feed(struct reader *r, const char *s, size_t n)
{
    while (n > 0) {
        size_t len = n < SEG_MAX ? n : SEG_MAX;
        const char *nl = memchr(s, '\n', len);
        if (nl)
            len = (size_t)(nl - s) + 1;
        if (feed_segment(r, s, len) != 0)
            return -1;
        s += len;
        n -= len;
    }
    return 0;
}

static int finish(struct reader *r)
{
    long field_line = r->rec_line + r->rec_nl;
    if (csv_fini(&r->p, on_field, on_record, r) != 0 && !r->failed)
        fail_at(r, field_line, (long)r->nf + 1,
                "quoted field never closed (is the file truncated?)");
    return r->failed ? -1 : 0;
}

static void reader_init(struct reader *r, const char *name, csvr_record_fn fn,
                        void *ctx, struct collab_err *err)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->fn = fn;
    r->ctx = ctx;
    r->err = err;
    r->line = 1;
    r->rec_line = 1;
    csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI);
}

static void reader_free(struct reader *r)
{
    csv_free(&r->p);
    free(r->arena);
    free(r->offs);
    free(r->ptrs);
}

/* Handle the byte-order mark of the first chunk; returns bytes to skip. */
static int bom(struct reader *r, const char *s, size_t n, size_t *skip)
{
    const unsigned char *u = (const unsigned char *)s;
    *skip = 0;
    if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
        fail_at(r, 1, 1, "the file is UTF-16; save it as UTF-8");
        return -1;
    }
    if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
        *skip = 3;
    return 0;
}

long csvr_read_mem(const char *buf, size_t len, const char *name,
                   csvr_record_fn fn, void *ctx, struct collab_err *err)
{
    struct reader r;
    size_t skip;
    reader_init(&r, name, fn, ctx, err);
    int rc = bom(&r, buf, len, &skip);
    if (rc == 0)
        rc = feed(&r, buf + skip, len - skip);
    if (rc == 0)
        rc = finish(&r);
    reader_free(&r);
    return rc == 0 ? r.records : -1;
}

long csvr_read(const char *path, const char *name, csvr_record_fn fn, void *ctx,
               struct collab_err *err)
{
    struct reader r;
    if (!name)
        name = path;
    FILE *f = fopen(path, "rb");
    if (!f)
        return collab_err_set(err, "%s: cannot read: %s", name, strerror(errno));
    char *buf = util_xmalloc(READ_CHUNK);
    size_t n, skip = 0;
    int rc = 0, first = 1;
    reader_init(&r, name, fn, ctx, err);
    while (rc == 0 && (n = fread(buf, 1, READ_CHUNK, f)) > 0) {
        if (first && (rc = bom(&r, buf, n, &skip)) != 0)
            break;
        rc = feed(&r, buf + skip, n - skip);
        first = 0;
        skip = 0;
    }
    if (rc == 0 && ferror(f))
        rc = collab_err_set(err, "%s: cannot read: %s", name, strerror(errno));
    if (rc == 0)
        rc = finish(&r);
    fclose(f);
    free(buf);
    reader_free(&r);
    return rc == 0 ? r.records : -1;
}
