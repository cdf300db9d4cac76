#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "collab/err.h"

int collab_err_set(struct collab_err *err, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->set = 1;
    return -1;
}

int collab_err_at(struct collab_err *err, const char *file, long line,
                  long col, const char *fmt, ...)
{
    char where[600];
    char what[COLLAB_ERR_MAX];
    va_list ap;
    if (!err)
        return -1;
    if (line > 0 && col > 0)
        snprintf(where, sizeof where, "%s:%ld:%ld", file, line, col);
    else if (line > 0)
        snprintf(where, sizeof where, "%s:%ld", file, line);
    else
        snprintf(where, sizeof where, "%s", file);
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (snprintf(err->msg, sizeof err->msg, "%s: %s", where, what) >= (int)sizeof err->msg)
        err->msg[sizeof err->msg - 1] = '\0';  /* truncation is acceptable */
    err->set = 1;
    return -1;
}

int collab_err_prefix(struct collab_err *err, const char *prefix)
{
    char old[COLLAB_ERR_MAX];
    if (!err)
        return -1;
    memcpy(old, err->msg, sizeof old);
    if (snprintf(err->msg, sizeof err->msg, "%s: %s", prefix, old) >= (int)sizeof err->msg)
        err->msg[sizeof err->msg - 1] = '\0';
    err->set = 1;
    return -1;
}

void collab_err_clear(struct collab_err *err)
{
    if (err) {
        err->msg[0] = '\0';
        err->set = 0;
    }
}
