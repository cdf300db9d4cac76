/* The indicator expression language: parsing, precedence, error positions,
 * the SQL it emits, and that SQL evaluated by SQLite. */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "collab/expr.h"
#include "tap.h"

static const struct expr_column *cols(int level, size_t *n)
{
    return expr_level_columns(level, n);
}

/* SQL for text at the pupil level, or the error message ("COL: ...") with
 * the column offset in *col. Caller frees. */
static char *sql_of(const char *text, int level, int *col)
{
    size_t n;
    const struct expr_column *c = cols(level, &n);
    struct collab_err err = { 0 };
    int ec = -1;
    struct expr *e = expr_parse(text, c, n, &err, &ec);
    if (col)
        *col = ec;
    if (!e)
        return util_xstrdup(err.msg);
    struct strbuf sb = STRBUF_INIT;
    expr_to_sql(e, &sb);
    expr_free(e);
    return sb_detach(&sb);
}

static void check_sql(const char *text, const char *want)
{
    char *got = sql_of(text, 0, NULL);
    is_str(got, want, "sql of '%s'", text);
    free(got);
}

static void check_error(const char *text, int level, int want_col, const char *needle)
{
    int col = 0;
    size_t n;
    const struct expr_column *c = cols(level, &n);
    struct collab_err err = { 0 };
    struct expr *e = expr_parse(text, c, n, &err, &col);
    ok(e == NULL, "'%s' is rejected", text);
    expr_free(e);
    is_int(col, want_col, "'%s' error column", text);
    like(err.msg, needle, "'%s' error message", text);
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%d: ", want_col);
    ok(strncmp(err.msg, prefix, strlen(prefix)) == 0, "'%s' message starts with the column",
       text);
}

static int is_boolean(const char *text, int level)
{
    size_t n;
    const struct expr_column *c = cols(level, &n);
    struct collab_err err = { 0 };
    struct expr *e = expr_parse(text, c, n, &err, NULL);
    if (!e)
        return -1;
    int b = expr_is_boolean(e);
    expr_free(e);
    return b;
}

static void test_columns(void)
{
    size_t n;
    const struct expr_column *c = expr_level_columns(0, &n);
    is_int(n, 33, "pupil level has 33 columns");
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].name, "att8") == 0)
            found += strcmp(c[i].sql, "k.att8") == 0;
        if (strcmp(c[i].name, "fsm6") == 0)
            found += strcmp(c[i].sql, "p.fsm6") == 0;
        if (strcmp(c[i].name, "rwm_expected") == 0)
            found += strcmp(c[i].sql, "q.rwm_expected") == 0;
        if (strcmp(c[i].name, "sessions_missed") == 0)
            found += strcmp(c[i].sql, "a.sessions_missed") == 0;
    }
    is_int(found, 4, "pupil columns map to p., k., q. and a.");
    c = expr_level_columns(1, &n);
    is_int(n, 35, "result level adds points and double_award");
    is_str(c[0].sql, "r.points", "points is r.points");
    is_str(c[1].sql, "s.double_award", "double_award is s.double_award");
    c = expr_level_columns(2, &n);
    is_int(n, 33, "attendance level has the pupil columns");
    ok(expr_level_columns(3, &n) == NULL && n == 0, "no fourth level");
}

static void test_sql(void)
{
    check_sql("att8", "(k.att8)");
    check_sql("  p8  ", "(k.p8)");
    check_sql("12", "(12)");
    check_sql("0.5", "(0.5)");
    check_sql("0.1", "(0.1)");
    check_sql("1 + 2 * 3", "((1) + ((2) * (3)))");
    check_sql("(1 + 2) * 3", "(((1) + (2)) * (3))");
    check_sql("1 - 2 - 3", "(((1) - (2)) - (3))");
    check_sql("-att8", "(- (k.att8))");
    check_sql("- -1", "(- (- (1)))");
    check_sql("1--1", "((1) - (- (1)))");
    check_sql("sessions_missed / sessions_possible",
              "((a.sessions_missed) * 1.0 / NULLIF((a.sessions_possible), 0))");
    check_sql("att8 >= 40", "((k.att8) >= (40))");
    check_sql("att8 == 40", "((k.att8) = (40))");
    check_sql("att8 != 40", "((k.att8) <> (40))");
    check_sql("att8 <> 40", "((k.att8) <> (40))");
    check_sql("fsm6 = 1 or eal = 1 and cla = 1",
              "(((p.fsm6) = (1)) OR (((p.eal) = (1)) AND ((p.cla) = (1))))");
    check_sql("not fsm6 = 1 and eal = 0",
              "((NOT ((p.fsm6) = (1))) AND ((p.eal) = (0)))");
    check_sql("not not fsm6", "(NOT (NOT (p.fsm6)))");
    check_sql("if(basics4 = 1, 1, 0)",
              "(CASE WHEN ((k.basics4) = (1)) THEN (1) ELSE (0) END)");
    check_sql("min(att8, 50, p8)", "(MIN((k.att8), (50), (k.p8)))");
    check_sql("max(att8,1)", "(MAX((k.att8), (1)))");
    check_sql("abs(p8)", "(ABS((k.p8)))");
    check_sql("coalesce(p8, 0)", "(COALESCE((k.p8), (0)))");
    check_sql("is_null(est_att8)", "((k.est_att8) IS NULL)");
    check_sql("not(fsm6)", "(NOT (p.fsm6))");
}

static void test_boolean(void)
{
    is_int(is_boolean("att8 >= 40", 0), 1, "comparison is boolean");
    is_int(is_boolean("fsm6 and eal", 0), 1, "and is boolean");
    is_int(is_boolean("not fsm6", 0), 1, "not is boolean");
    is_int(is_boolean("is_null(p8)", 0), 1, "is_null is boolean");
    is_int(is_boolean("(att8 > 1)", 0), 1, "parenthesised comparison is boolean");
    is_int(is_boolean("if(fsm6, att8 > 1, p8 > 0)", 0), 1, "if of booleans is boolean");
    is_int(is_boolean("if(fsm6, att8, 0)", 0), 0, "if of numbers is not boolean");
    is_int(is_boolean("basics4", 0), 0, "a bare column is not boolean");
    is_int(is_boolean("att8 + 1", 0), 0, "arithmetic is not boolean");
    is_int(is_boolean("points >= 4", 1), 1, "result-level comparison parses");
    is_int(is_boolean("points", 0), -1, "points is not a pupil column");
}

static void test_errors(void)
{
    check_error("att9", 0, 1, "unknown column 'att9' (did you mean 'att8'?)");
    check_error("att8 + zzzzzz", 0, 8, "unknown column 'zzzzzz'; columns at this level: fsm6");
    check_error("att8 $ 2", 0, 6, "unexpected '$'");
    check_error("(att8 + 1", 0, 10, "expected ')' to close the '(' at column 1");
    check_error("att8 + 1)", 0, 9, "unexpected ')'");
    check_error("att8 +", 0, 7, "found end of expression");
    check_error("", 0, 1, "empty expression");
    check_error("foo(att8)", 0, 1, "unknown function 'foo'");
    check_error("abs(att8, p8)", 0, 1, "abs() takes 1 argument, not 2");
    check_error("min(att8)", 0, 1, "min() takes at least 2 arguments, not 1");
    check_error("1 < 2 < 3", 0, 7, "unexpected '<'");
    check_error("1.", 0, 3, "expected a digit");
    check_error("1e5", 0, 1, "malformed number");
    check_error("att8 AND p8", 0, 6, "unexpected 'AND'");
    check_error("att8); DROP TABLE pupil; --", 0, 5, "unexpected ')'");
    check_error("att8; DROP TABLE pupil", 0, 5, "unexpected ';'");
    check_error("att8 -- comment", 0, 9, "unknown column 'comment'");
    check_error("notable", 0, 1, "unknown column 'notable'");
    check_error("'x'", 0, 1, "found '''");
    check_error("p.fsm6", 0, 1, "unknown column 'p'");
    check_error("fsm6 \xc3\xa9", 0, 6, "character 0xc3");
    check_error("\xc3\xa9 + x", 0, 1, "character 0xc3");
    check_error("sqlite_version()", 0, 1, "unknown function 'sqlite_version'");

    struct strbuf deep = STRBUF_INIT;
    for (int i = 0; i < 200; i++)
        sb_add(&deep, "(");
    sb_add(&deep, "1");
    for (int i = 0; i < 200; i++)
        sb_add(&deep, ")");
    check_error(sb_str(&deep), 0, 65, "nested too deeply");
    sb_reset(&deep);
    for (int i = 0; i < 100000; i++)
        sb_add(&deep, "-");
    sb_add(&deep, "1");
    check_error(sb_str(&deep), 0, 65, "nested too deeply");
    sb_free(&deep);

    char *shallow = sql_of("((((1))))", 0, NULL);
    is_str(shallow, "(1)", "a few parentheses are fine");
    free(shallow);
}

/* Run the emitted SQL against a small table shaped like the publish join. */
static double eval_sql(sqlite3 *db, const char *text, int level, int row, int *is_null)
{
    int col = 0;
    char *sql = sql_of(text, level, &col);
    *is_null = 0;
    if (col) {
        printf("# parse failed: %s\n", sql);
        free(sql);
        *is_null = -1;
        return 0;
    }
    char *q = sqlite3_mprintf(
        "SELECT %s FROM p JOIN k ON k.pupil = p.id JOIN q ON q.pupil = p.id "
        "JOIN a ON a.pupil = p.id JOIN r ON r.pupil = p.id JOIN s ON s.code = r.subject "
        "WHERE p.id = %d", sql, row);
    sqlite3_stmt *st = NULL;
    double v = 0;
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
        printf("# prepare failed: %s\n", sqlite3_errmsg(db));
        *is_null = -1;
    } else if (sqlite3_step(st) == SQLITE_ROW) {
        *is_null = sqlite3_column_type(st, 0) == SQLITE_NULL;
        v = sqlite3_column_double(st, 0);
    } else {
        *is_null = -1;
    }
    sqlite3_finalize(st);
    sqlite3_free(q);
    free(sql);
    return v;
}

static void check_value(sqlite3 *db, const char *text, int level, int row, double want)
{
    int null;
    double v = eval_sql(db, text, level, row, &null);
    ok(null == 0, "'%s' on pupil %d is a value", text, row);
    is_double(v, want, 1e-9, "'%s' on pupil %d", text, row);
}

static void check_null(sqlite3 *db, const char *text, int row)
{
    int null;
    eval_sql(db, text, 0, row, &null);
    is_int(null, 1, "'%s' on pupil %d is NULL", text, row);
}

static void test_sqlite(void)
{
    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    int rc = sqlite3_exec(db,
        "CREATE TABLE p(id INTEGER, fsm6 INTEGER, eal INTEGER, cla INTEGER,"
        " prior_score REAL, prior_group INTEGER, ks2_reading INTEGER, ks2_maths INTEGER);"
        "CREATE TABLE k(pupil INTEGER, att8 REAL, att8_eng REAL, att8_mat REAL,"
        " att8_ebacc REAL, att8_open REAL, est_att8 REAL, p8 REAL, p8_eng REAL,"
        " p8_mat REAL, p8_ebacc REAL, p8_open REAL, basics4 INTEGER, basics5 INTEGER,"
        " ebacc_entry INTEGER, ebacc_aps REAL, ebacc4 INTEGER, ebacc5 INTEGER,"
        " entries INTEGER);"
        "CREATE TABLE q(pupil INTEGER, rwm_expected INTEGER, rwm_higher INTEGER,"
        " reading_expected INTEGER, maths_expected INTEGER, writing_expected INTEGER,"
        " avg_scaled REAL);"
        "CREATE TABLE a(pupil INTEGER, sessions_possible INTEGER, sessions_missed INTEGER);"
        "CREATE TABLE r(pupil INTEGER, subject TEXT, points REAL);"
        "CREATE TABLE s(code TEXT, double_award INTEGER);"
        "CREATE TABLE pupil(x);"
        "INSERT INTO p VALUES (1, 1, 0, 0, 4.5, 12, 105, 110), (2, 0, 1, 0, 3.9, 8, 99, 101);"
        "INSERT INTO k VALUES (1, 52.5, 10, 12, 15, 15.5, 48.25, 0.43, 0, 0, 0, 0,"
        " 1, 0, 1, 4.2, 1, 0, 9), (2, 31, 6, 8, 9, 8, NULL, NULL, 0, 0, 0, 0,"
        " 0, 0, 0, 2.1, 0, 0, 7);"
        "INSERT INTO q VALUES (1, 1, 0, 1, 1, 1, 105.5), (2, 0, 0, 0, 1, 0, 99.5);"
        "INSERT INTO a VALUES (1, 300, 21), (2, 280, 0);"
        "INSERT INTO r VALUES (1, 'MA', 7), (2, 'SC', 4.5);"
        "INSERT INTO s VALUES ('MA', 0), ('SC', 1);",
        NULL, NULL, NULL);
    is_int(rc, SQLITE_OK, "fixture tables created");

    check_value(db, "att8", 0, 1, 52.5);
    check_value(db, "att8 / 10", 0, 1, 5.25);
    check_value(db, "7 / 2", 0, 1, 3.5);
    check_value(db, "sessions_missed / sessions_possible * 100", 2, 1, 7.0);
    check_value(db, "sessions_missed / sessions_possible * 100", 2, 2, 0.0);
    check_null(db, "att8 / sessions_missed", 2);
    check_value(db, "att8 - est_att8", 0, 1, 4.25);
    check_null(db, "att8 - est_att8", 2);
    check_value(db, "coalesce(p8, -1)", 0, 2, -1.0);
    check_value(db, "is_null(p8)", 0, 2, 1.0);
    check_value(db, "is_null(p8)", 0, 1, 0.0);
    check_value(db, "1 + 2 * 3 - 4 / 2", 0, 1, 5.0);
    check_value(db, "-(1 + 2) * 3", 0, 1, -9.0);
    check_value(db, "basics4 = 1 and fsm6 = 1", 0, 1, 1.0);
    check_value(db, "basics4 = 1 and fsm6 = 1", 0, 2, 0.0);
    check_value(db, "not fsm6 = 1 or eal = 1", 0, 1, 0.0);
    check_value(db, "not (fsm6 = 1 or eal = 1)", 0, 2, 0.0);
    check_value(db, "if(att8 >= 40, 1, 0)", 0, 1, 1.0);
    check_value(db, "if(att8 >= 40, 1, 0)", 0, 2, 0.0);
    check_value(db, "min(att8, 40, ks2_maths)", 0, 1, 40.0);
    check_value(db, "max(att8_eng, att8_mat) * 2", 0, 2, 16.0);
    check_value(db, "abs(p8 - 1)", 0, 1, 0.57);
    check_value(db, "rwm_expected + avg_scaled", 0, 1, 106.5);
    check_value(db, "points >= 4 and double_award = 1", 1, 2, 1.0);
    check_value(db, "points * 2", 1, 1, 14.0);
    check_value(db, "0.1 + 0.2", 0, 1, 0.3);

    /* Whatever the text, a parse failure leaves the pupil table untouched. */
    int col = 0;
    char *msg = sql_of("att8); DROP TABLE pupil; --", 0, &col);
    ok(col > 0, "injection attempt does not parse: %s", msg);
    free(msg);
    sqlite3_stmt *st;
    rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM pupil", -1, &st, NULL);
    is_int(rc, SQLITE_OK, "pupil table still exists");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

int main(void)
{
    test_columns();
    test_sql();
    test_boolean();
    test_errors();
    test_sqlite();
    return tap_done();
}
