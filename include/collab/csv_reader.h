/*
 * csv_reader: RFC 4180 CSV files read with libcsv, one record at a time,
 * for the importers (docs/FORMATS.md "CSV files").
 *
 * The reader accepts quoted fields with embedded commas, quotes and
 * newlines, CRLF or LF line ends, UTF-8 with or without a byte-order mark.
 * It refuses, with "FILE:LINE:COL: what is wrong" where COL is the 1-based
 * field number: UTF-16 (by its byte-order mark or NUL bytes), NUL bytes,
 * bytes that are not UTF-8 (e.g. Windows-1252), control characters other
 * than tab, CR and LF (C0, DEL, C1: terminal escapes), malformed or unterminated
 * quotes, a field over CSVR_MAX_FIELD bytes and a record of more than
 * CSVR_MAX_COLUMNS fields. Each record is reported with the physical line it
 * starts on, which stays right when quoted fields span lines. Blank lines
 * are skipped.
 */
#ifndef COLLAB_CSV_READER_H
#define COLLAB_CSV_READER_H

#include <stddef.h>

#include "collab/err.h"

#define CSVR_MAX_FIELD (1024 * 1024)
#define CSVR_MAX_COLUMNS 1000

/* One record. fields[i] is NUL-terminated, "" for an empty cell; fields and
 * the strings belong to the reader and are valid only during the callback. */
struct csvr_record {
    const char *const *fields;
    size_t nfields;
    long line;              /* line the record starts on, 1-based */
};

/* Called for every record, the header included. Return 0 to go on, or -1 to
 * stop reading (csvr_read then returns -1 and leaves err as the callback
 * left it). */
typedef int (*csvr_record_fn)(const struct csvr_record *rec, void *ctx);

/* Read the file at path (display name `name` in messages, path when NULL)
 * and call fn for each record. Returns the number of records, 0 for an
 * empty file, or -1 with err set. */
long csvr_read(const char *path, const char *name, csvr_record_fn fn, void *ctx,
               struct collab_err *err);

/* The same over a buffer in memory (for tests and fuzzing). */
long csvr_read_mem(const char *buf, size_t len, const char *name,
                   csvr_record_fn fn, void *ctx, struct collab_err *err);

#endif
