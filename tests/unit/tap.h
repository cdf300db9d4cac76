/*
 * tap.h: a minimal TAP producer for unit tests. Each check prints
 * "ok N - name" or "not ok N - name" (with a diagnostic); tap_done() prints
 * the plan and returns the exit status. automake's tap-driver counts each.
 */
#ifndef COLLAB_TAP_H
#define COLLAB_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3)))
static int tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    tap_count++;
    printf("%s %d - ", cond ? "ok" : "not ok", tap_count);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    if (!cond)
        tap_failed++;
    fflush(stdout);
    return cond;
}

#define ok(cond, ...) tap_ok((cond) != 0, __VA_ARGS__)

/* A diagnostic line ("#   ..."), beside the checks. */
__attribute__((format(printf, 1, 2)))
static inline void diag(const char *fmt, ...)
{
    va_list ap;
    fputs("#   ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

#define is_int(got, want, ...) do { \
    long long g_ = (long long)(got), w_ = (long long)(want); \
    if (!tap_ok(g_ == w_, __VA_ARGS__)) \
        printf("#   got %lld, want %lld (%s:%d)\n", g_, w_, __FILE__, __LINE__); \
} while (0)

#define is_double(got, want, tol, ...) do { \
    double g_ = (got), w_ = (want); \
    if (!tap_ok(fabs(g_ - w_) <= (tol), __VA_ARGS__)) \
        printf("#   got %.6f, want %.6f (%s:%d)\n", g_, w_, __FILE__, __LINE__); \
} while (0)

#define is_str(got, want, ...) do { \
    const char *g_ = (got), *w_ = (want); \
    int same_ = (g_ && w_) ? strcmp(g_, w_) == 0 : g_ == w_; \
    if (!tap_ok(same_, __VA_ARGS__)) \
        printf("#   got \"%s\"\n#  want \"%s\" (%s:%d)\n", g_ ? g_ : "(null)", \
               w_ ? w_ : "(null)", __FILE__, __LINE__); \
} while (0)

#define like(got, needle, ...) do { \
    const char *g_ = (got), *n_ = (needle); \
    if (!tap_ok(g_ && strstr(g_, n_) != NULL, __VA_ARGS__)) \
        printf("#   \"%s\"\n#   does not contain \"%s\" (%s:%d)\n", g_ ? g_ : "(null)", \
               n_, __FILE__, __LINE__); \
} while (0)

static int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
