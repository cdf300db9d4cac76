/*
 * util: small helpers every module uses: a growable string buffer,
 * checked allocation, string utilities and the XDG / environment paths.
 *
 * Allocation: util_xmalloc and friends never return NULL; on exhaustion they
 * print one line and exit(1) - except that under fault-injection builds
 * (issue 9) callers that must survive allocation failure use plain malloc.
 */
#ifndef COLLAB_UTIL_H
#define COLLAB_UTIL_H

#include <stddef.h>
#include <stdarg.h>

struct strbuf {
    char *buf;      /* NUL-terminated, owned by the strbuf; NULL until used */
    size_t len;
    size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void sb_add(struct strbuf *sb, const char *s);
void sb_addn(struct strbuf *sb, const char *s, size_t n);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_reset(struct strbuf *sb);           /* length 0, keeps memory */
/* Hand the string to the caller (caller frees); leaves sb empty. Never NULL. */
char *sb_detach(struct strbuf *sb);
void sb_free(struct strbuf *sb);
/* The current string, "" when empty (owned by sb). */
const char *sb_str(const struct strbuf *sb);

void *util_xmalloc(size_t n);
void *util_xcalloc(size_t n, size_t size);
void *util_xrealloc(void *p, size_t n);
char *util_xstrdup(const char *s);          /* NULL in, NULL out */
char *util_xstrndup(const char *s, size_t n);

/* Case-insensitive ASCII comparison. */
int util_strieq(const char *a, const char *b);
/* Levenshtein distance, capped at 100; used for "did you mean". */
int util_edit_distance(const char *a, const char *b);
/* Parse a whole string as a number; 0 on success, -1 if not entirely a number. */
int util_parse_long(const char *s, long *out);
int util_parse_double(const char *s, double *out);
/* Non-zero if s is valid UTF-8. */
int util_utf8_valid(const char *s, size_t n);

/* Directory helpers. Returned strings are malloc'd; caller frees.
 * util_xdg_dir("DATA") gives $XDG_DATA_HOME/collab or ~/.local/share/collab;
 * likewise CONFIG (~/.config), STATE (~/.local/state), CACHE (~/.cache);
 * NULL when neither the variable nor HOME is an absolute path (there is
 * then no per-user place, and collab keeps nothing per user). */
char *util_xdg_dir(const char *which);
/* mkdir -p with the given mode for each created component; 0 or -1 (errno). */
int util_mkdir_p(const char *path, unsigned mode);
/* Join two path parts with one '/'. Caller frees. */
char *util_path_join(const char *a, const char *b);
/* The whole of a file as a NUL-terminated string (caller frees); NULL with
 * errno set when it cannot be opened. */
char *util_read_file(const char *path);

/* Writing a file safely, the one way every writer does it: a fresh name
 * beside path (".NAME.XXXXXX" in its directory), created exclusively, so
 * never through a symbolic link nor onto a file already there, with mode
 * `mode`. Returns the open descriptor and sets *tmp (caller frees), or -1
 * with errno. util_safe_commit renames tmp onto path, replacing path
 * itself (a link there is replaced, what it points to untouched); on
 * failure it removes tmp. 0 or -1 with errno. */
int util_safe_create(const char *path, unsigned mode, char **tmp);
int util_safe_commit(const char *tmp, const char *path);

#endif
