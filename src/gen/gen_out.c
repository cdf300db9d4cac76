/* A buffered CSV writer for the generator: one large buffer per file and no
 * allocation per row, so the national scale writes at disk speed; numbers
 * are formatted here, not by printf, so the locale cannot change them. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collab/util.h"
#include "gen_internal.h"

#define GEN_OUT_BUF (1u << 20)

int gen_out_open(struct gen_out *o, const char *dir, const char *name,
                 struct collab_err *err)
{
    memset(o, 0, sizeof *o);
    o->path = util_path_join(dir, name);
    /* pupils' made-up records, but records: private like every store */
    int fd = util_safe_create(o->path, 0600, &o->tmp);
    o->fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!o->fp) {
        collab_err_set(err, "%s: %s", o->path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(o->tmp);
        }
        free(o->path);
        free(o->tmp);
        memset(o, 0, sizeof *o);
        return -1;
    }
    o->cap = GEN_OUT_BUF;
    o->buf = util_xmalloc(o->cap);
    return 0;
}

static void out_flush(struct gen_out *o)
{
    /* A short write sets the stream's error flag; gen_out_commit reports it. */
    if (o->len)
        fwrite(o->buf, 1, o->len, o->fp);
    o->len = 0;
}

void gen_out_mem(struct gen_out *o, const char *s, size_t n)
{
    if (o->len + n > o->cap) {
        out_flush(o);
        if (n > o->cap) {
            fwrite(s, 1, n, o->fp);
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void gen_out_str(struct gen_out *o, const char *s)
{
    gen_out_mem(o, s, strlen(s));
}

void gen_out_char(struct gen_out *o, char c)
{
    if (o->len == o->cap)
        out_flush(o);
    o->buf[o->len++] = c;
}

void gen_out_long(struct gen_out *o, long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    gen_out_mem(o, tmp + i, sizeof tmp - i);
}

static void out_release(struct gen_out *o)
{
    free(o->buf);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

int gen_out_commit(struct gen_out *o, struct collab_err *err)
{
    out_flush(o);
    int bad = ferror(o->fp);
    int saved = errno;
    if (fclose(o->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    o->fp = NULL;
    if (bad) {
        collab_err_set(err, "%s: write failed: %s", o->tmp, strerror(saved));
        unlink(o->tmp);
        out_release(o);
        return -1;
    }
    if (util_safe_commit(o->tmp, o->path) != 0) {
        collab_err_set(err, "%s: %s", o->path, strerror(errno));
        out_release(o);
        return -1;
    }
    out_release(o);
    return 0;
}

void gen_out_abort(struct gen_out *o)
{
    if (o->fp) {
        fclose(o->fp);
        unlink(o->tmp);
    }
    out_release(o);
}
