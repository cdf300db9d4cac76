/* Fuzz the CSV reader (collab/csv_reader.h) over a buffer in memory. */
#include "config.h"

#include <string.h>

#include "collab/csv_reader.h"
#include "fuzz.h"

struct seen {
    long records;
    long last_line;
};

/* Touch every byte of every field so a bad length or a missing NUL shows. */
static int visit(const struct csvr_record *rec, void *ctx)
{
    struct seen *s = ctx;
    size_t total = 0;
    FUZZ_ASSERT(rec->nfields >= 1 && rec->nfields <= CSVR_MAX_COLUMNS,
                "a record has 1 to CSVR_MAX_COLUMNS fields");
    for (size_t i = 0; i < rec->nfields; i++) {
        size_t n = strlen(rec->fields[i]);
        FUZZ_ASSERT(n <= CSVR_MAX_FIELD, "no field is longer than CSVR_MAX_FIELD");
        total += n;
    }
    /* >=, not >: a bare CR ends a record but not a line, so two records
     * may start on one line. */
    FUZZ_ASSERT(rec->line >= s->last_line && rec->line >= 1,
                "records come in order, lines counted from 1");
    s->last_line = rec->line;
    s->records++;
    /* Stop early on some inputs so the callback's -1 path is exercised. */
    return total == 7 ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen s = { 0, 0 };
    struct collab_err err;
    collab_err_clear(&err);
    long n = csvr_read_mem((const char *)data, size, "fuzz.csv", visit, &s, &err);
    if (n < 0) {
        FUZZ_ASSERT(err.set || s.records > 0, "a refusal comes with a message");
        FUZZ_ASSERT(strlen(err.msg) < COLLAB_ERR_MAX, "the message fits");
    } else {
        FUZZ_ASSERT(n == s.records, "the count returned is the records reported");
    }
    return 0;
}
