#include "config.h"

#include <stdlib.h>

#include "collab/err.h"
#include "collab/util.h"
#include "tap.h"

int main(void)
{
    struct collab_err err = { 0 };
    collab_err_at(&err, "groups.yaml", 12, 5, "unknown key '%s'", "scools");
    is_str(err.msg, "groups.yaml:12:5: unknown key 'scools'", "error with line and column");
    collab_err_at(&err, "pupils.csv", 3, 0, "column urn: not a number");
    is_str(err.msg, "pupils.csv:3: column urn: not a number", "error with a line only");

    struct strbuf sb = STRBUF_INIT;
    sb_add(&sb, "a");
    sb_addf(&sb, "%d-%s", 42, "b");
    is_str(sb_str(&sb), "a42-b", "strbuf appends and formats");
    char *s = sb_detach(&sb);
    is_str(sb_str(&sb), "", "detach leaves the buffer empty");
    free(s);

    long l;
    double d;
    ok(util_parse_long("120", &l) == 0 && l == 120, "parse a whole number");
    ok(util_parse_long("12a", &l) != 0, "refuse trailing junk");
    ok(util_parse_long(" 1", &l) != 0, "refuse a leading space");
    ok(util_parse_double("4.5", &d) == 0 && d == 4.5, "parse a decimal");
    ok(util_parse_double("nan", &d) != 0, "refuse NaN");
    ok(util_strieq("FSM6", "fsm6"), "case-insensitive equality");
    is_int(util_edit_distance("scools", "schools"), 1, "edit distance");
    ok(util_utf8_valid("caf\xc3\xa9", 5), "valid UTF-8");
    ok(!util_utf8_valid("caf\xe9", 4), "Windows-1252 byte is not UTF-8");
    ok(!util_utf8_valid("\xc0\xaf", 2), "overlong encoding is not UTF-8");
    char *p = util_path_join("/a/", "/b");
    is_str(p, "/a/b", "path join keeps one slash");
    free(p);
    return tap_done();
}
