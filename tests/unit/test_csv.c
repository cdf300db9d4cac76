/* The CSV reader (include/collab/csv_reader.h) on small buffers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "collab/csv_reader.h"
#include "collab/util.h"
#include "tap.h"

/* Records flattened as "LINE:f1|f2|...;" for one comparison per case. */
static int collect(const struct csvr_record *rec, void *ctx)
{
    struct strbuf *sb = ctx;
    sb_addf(sb, "%ld:", rec->line);
    for (size_t i = 0; i < rec->nfields; i++)
        sb_addf(sb, "%s%s", i ? "|" : "", rec->fields[i]);
    sb_addc(sb, ';');
    return 0;
}

static long read_str(const char *s, size_t n, struct strbuf *out, struct collab_err *err)
{
    sb_reset(out);
    collab_err_clear(err);
    return csvr_read_mem(s, n, "t.csv", collect, out, err);
}

#define READ(lit, out, err) read_str(lit, sizeof(lit) - 1, out, err)

static void good(void)
{
    struct strbuf sb = STRBUF_INIT;
    struct collab_err err;
    is_int(READ("a,b\n1,2\n", &sb, &err), 2, "two records");
    is_str(sb_str(&sb), "1:a|b;2:1|2;", "plain fields and lines");
    READ("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n", &sb, &err);
    is_str(sb_str(&sb), "1:a|b;2:x, y|say \"hi\";", "CRLF, quoted comma and quotes");
    READ("a,b\n\"two\nlines\",1\n3,4\n", &sb, &err);
    is_str(sb_str(&sb), "1:a|b;2:two\nlines|1;4:3|4;",
           "a record after an embedded newline starts on line 4");
    READ("a,b\n\"x\r\ny\r\nz\",1\r\n\r\n5,6", &sb, &err);
    is_str(sb_str(&sb), "1:a|b;2:x\r\ny\r\nz|1;6:5|6;",
           "CRLF inside quotes, a blank line and no final newline");
    READ("\xef\xbb\xbfurn,name\n1,Caf\xc3\xa9\n", &sb, &err);
    is_str(sb_str(&sb), "1:urn|name;2:1|Caf\xc3\xa9;", "BOM dropped, UTF-8 kept");
    READ("a,,c\n", &sb, &err);
    is_str(sb_str(&sb), "1:a||c;", "empty cell");
    is_int(READ("", &sb, &err), 0, "empty input: no records");
    sb_free(&sb);
}

static void bad(const char *name, const char *s, size_t n, const char *want)
{
    struct strbuf sb = STRBUF_INIT;
    struct collab_err err;
    long rc = read_str(s, n, &sb, &err);
    is_int(rc, -1, "%s: refused", name);
    is_str(err.msg, want, "%s: message", name);
    sb_free(&sb);
}

#define BAD(name, lit, want) bad(name, lit, sizeof(lit) - 1, want)

static void errors(void)
{
    BAD("Windows-1252", "a,b\n1,caf\xe9\n",
        "t.csv:2:2: byte 0xe9 is not UTF-8 (the file must be UTF-8, not e.g. Windows-1252)");
    BAD("bad byte after a quoted newline", "a,b\n1,\"x\ny\x96\"\n",
        "t.csv:3:2: byte 0x96 is not UTF-8 (the file must be UTF-8, not e.g. Windows-1252)");
    BAD("UTF-16 BOM", "\xff\xfe" "a\0,\0b\0", "t.csv:1:1: the file is UTF-16; save it as UTF-8");
    BAD("NUL byte", "a,b\n1,x\0y\n", "t.csv:2:2: NUL byte in the file (is it UTF-16? save it as UTF-8)");
    BAD("unterminated quote", "a,b\n1,2\n3,\"open\nmore\n",
        "t.csv:3:2: quoted field never closed (is the file truncated?)");
    BAD("text after a closing quote", "a,b\n\"x\"y,2\n",
        "t.csv:2:1: malformed quotes (a quote inside an unquoted field, or text after a closing quote)");

    struct strbuf wide = STRBUF_INIT;
    for (int i = 0; i < 1001; i++)
        sb_addf(&wide, "%sc%d", i ? "," : "", i);
    sb_addc(&wide, '\n');
    bad("1001 columns", wide.buf, wide.len, "t.csv:1:1001: more than 1000 columns");
    sb_reset(&wide);
    sb_add(&wide, "a\n\"");
    for (int i = 0; i < CSVR_MAX_FIELD + 10; i++)
        sb_addc(&wide, 'x');
    sb_add(&wide, "\"\n");
    bad("field over 1 MiB", wide.buf, wide.len, "t.csv:2:1: field longer than 1 MiB");
    sb_free(&wide);
}

static int stop_at_two(const struct csvr_record *rec, void *ctx)
{
    (void)ctx;
    return rec->line == 2 ? -1 : 0;
}

static void callback_stops(void)
{
    struct collab_err err;
    collab_err_clear(&err);
    const char s[] = "a\nb\nc\n";
    is_int(csvr_read_mem(s, sizeof s - 1, "t.csv", stop_at_two, NULL, &err), -1,
           "a callback can stop the reading");
    collab_err_clear(&err);
    is_int(csvr_read("/nonexistent/x.csv", NULL, stop_at_two, NULL, &err), -1,
           "missing file refused");
    like(err.msg, "/nonexistent/x.csv: cannot read: ", "missing file named");
}

int main(void)
{
    good();
    errors();
    callback_stops();
    return tap_done();
}
