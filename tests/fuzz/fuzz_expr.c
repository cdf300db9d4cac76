/* Fuzz the indicator expression language (collab/expr.h). The first byte
 * picks the level (pupil, result, attendance), the rest is the expression.
 * Beyond memory safety this checks the header's promise that nothing from
 * the text reaches SQL: whatever parses compiles to one SQL expression that
 * SQLite accepts over tables holding exactly the level's columns, with no
 * statement separator, comment or string literal in it. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "collab/expr.h"
#include "collab/util.h"
#include "fuzz.h"

static sqlite3 *db;

/* Tables p, k, q, r, s, a holding every column any level names (their SQL
 * is ALIAS.COLUMN), so that an SQL name not in a column table fails. */
static void open_schema(void)
{
    static const char *const aliases = "pkqrsa";
    struct strbuf sb = STRBUF_INIT;
    FUZZ_ASSERT(sqlite3_open(":memory:", &db) == SQLITE_OK, "sqlite opens");
    for (const char *t = aliases; *t; t++) {
        int first = 1;
        sb_addf(&sb, "CREATE TABLE %c(", *t);
        for (int level = 0; level < 3; level++) {
            size_t n;
            const struct expr_column *c = expr_level_columns(level, &n);
            for (size_t i = 0; i < n; i++) {
                if (c[i].sql[0] != *t || c[i].sql[1] != '.')
                    continue;
                char probe[96];
                snprintf(probe, sizeof probe, "%s ", c[i].sql + 2);
                if (level > 0 && strstr(sb_str(&sb), probe))
                    continue;
                sb_addf(&sb, "%s%s ", first ? "" : ", ", c[i].sql + 2);
                first = 0;
            }
        }
        sb_add(&sb, first ? "unused);" : ");");
    }
    FUZZ_ASSERT(sqlite3_exec(db, sb_str(&sb), NULL, NULL, NULL) == SQLITE_OK,
                "the column tables make a schema");
    sb_free(&sb);
}

static void check_sql(const char *sql)
{
    FUZZ_ASSERT(!strchr(sql, ';'), "no statement separator in the SQL");
    FUZZ_ASSERT(!strchr(sql, '\''), "no string literal in the SQL");
    FUZZ_ASSERT(!strchr(sql, '"'), "no quoted name in the SQL");
    FUZZ_ASSERT(!strstr(sql, "--") && !strstr(sql, "/*"), "no comment in the SQL");
    struct strbuf q = STRBUF_INIT;
    sb_addf(&q, "SELECT %s FROM p, k, q, r, s, a", sql);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v2(db, sb_str(&q), -1, &st, &tail);
    if (rc != SQLITE_OK)
        fprintf(stderr, "fuzz: SQLite refused %s: %s\n", sb_str(&q), sqlite3_errmsg(db));
    FUZZ_ASSERT(rc == SQLITE_OK, "SQLite accepts the SQL of a parsed expression");
    FUZZ_ASSERT(tail && *tail == '\0', "the SQL is one expression");
    sqlite3_finalize(st);
    sb_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!db)
        open_schema();
    size_t ncols;
    const struct expr_column *cols = expr_level_columns(data[0] % 3, &ncols);
    char *text = util_xstrndup((const char *)data + 1, size - 1);
    struct collab_err err;
    int col = -1;
    collab_err_clear(&err);
    struct expr *e = expr_parse(text, cols, ncols, &err, &col);
    if (e) {
        struct strbuf sb = STRBUF_INIT;
        expr_to_sql(e, &sb);
        FUZZ_ASSERT(sb.len > 1 && sb.buf[0] == '(' && sb.buf[sb.len - 1] == ')',
                    "the SQL is parenthesised");
        (void)expr_is_boolean(e);
        check_sql(sb_str(&sb));
        sb_free(&sb);
        expr_free(e);
    } else {
        FUZZ_ASSERT(err.set, "a refusal comes with a message");
        FUZZ_ASSERT(col >= 1 && (size_t)col <= strlen(text) + 1,
                    "the error column is inside the text or just after it");
    }
    free(text);
    return 0;
}
