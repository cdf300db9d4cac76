#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collab/err.h"
#include "collab/util.h"
#include "tap.h"

/* util_safe_create/commit: a link at the target is replaced, what it
 * points to untouched; the temporary is fresh, beside it, with the mode. */
static void safe_writes(void)
{
    char dir[] = "/tmp/collab-test-common.XXXXXX";
    if (!mkdtemp(dir)) {
        ok(0, "mkdtemp");
        return;
    }
    char *target = util_path_join(dir, "out.csv"), *victim = util_path_join(dir, "victim");
    FILE *v = fopen(victim, "w");
    fputs("precious", v);
    fclose(v);
    ok(symlink(victim, target) == 0, "a link planted at the target");
    char *tmp = NULL;
    int fd = util_safe_create(target, 0640, &tmp);
    ok(fd >= 0, "safe create beside it");
    struct stat sb;
    ok(fd >= 0 && fstat(fd, &sb) == 0 && (sb.st_mode & 0777) == 0640, "with the mode asked");
    ok(tmp && strncmp(tmp, dir, strlen(dir)) == 0 && strstr(tmp, "/.out.csv.") != NULL,
       "a dot name in the same directory");
    ok(fd >= 0 && write(fd, "new", 3) == 3 && close(fd) == 0, "written");
    ok(util_safe_commit(tmp, target) == 0, "committed");
    char *text = util_read_file(victim);
    is_str(text, "precious", "what the link pointed to is untouched");
    free(text);
    ok(lstat(target, &sb) == 0 && S_ISREG(sb.st_mode), "the target is a file now, not the link");
    text = util_read_file(target);
    is_str(text, "new", "holding what was written");
    free(text);
    unlink(target);
    unlink(victim);
    rmdir(dir);
    free(tmp);
    free(target);
    free(victim);

    const char *home = getenv("HOME");
    char *saved = home ? util_xstrdup(home) : NULL;
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    ok(util_xdg_dir("STATE") == NULL, "no HOME and no XDG variable: no per-user place");
    setenv("HOME", "relative", 1);
    ok(util_xdg_dir("STATE") == NULL, "nor with a relative HOME");
    if (saved)
        setenv("HOME", saved, 1);
    free(saved);
}

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
    safe_writes();
    return tap_done();
}
