#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collab/util.h"

static void die_oom(void)
{
    fputs("collab: out of memory\n", stderr);
    exit(1);
}

void *util_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die_oom();
    return p;
}

void *util_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die_oom();
    return p;
}

void *util_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die_oom();
    return q;
}

char *util_xstrdup(const char *s)
{
    return s ? util_xstrndup(s, strlen(s)) : NULL;
}

char *util_xstrndup(const char *s, size_t n)
{
    char *p = util_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void sb_grow(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    sb->buf = util_xrealloc(sb->buf, cap);
    sb->cap = cap;
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
    sb_grow(sb, n);
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_add(struct strbuf *sb, const char *s)
{
    sb_addn(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
    sb_addn(sb, &c, 1);
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    sb_grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(sb, fmt, ap);
    va_end(ap);
}

void sb_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

char *sb_detach(struct strbuf *sb)
{
    char *s = sb->buf ? sb->buf : util_xstrdup("");
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return s;
}

void sb_free(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

const char *sb_str(const struct strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

int util_strieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

int util_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 100;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            d[i][j] = best;
        }
    return d[la][lb];
}

int util_parse_long(const char *s, long *out)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int util_parse_double(const char *s, double *out)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || v != v)
        return -1;
    *out = v;
    return 0;
}

int util_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000, c &= 0x07;
        } else {
            return 0;
        }
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (s[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

char *util_path_join(const char *a, const char *b)
{
    struct strbuf sb = STRBUF_INIT;
    sb_add(&sb, a);
    if (sb.len && sb.buf[sb.len - 1] != '/')
        sb_addc(&sb, '/');
    sb_add(&sb, b[0] == '/' ? b + 1 : b);
    return sb_detach(&sb);
}

char *util_read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        sb_addn(&sb, buf, n);
    fclose(fp);
    return sb_detach(&sb);
}

char *util_xdg_dir(const char *which)
{
    static const struct { const char *name, *env, *fallback; } dirs[] = {
        { "DATA", "XDG_DATA_HOME", ".local/share" },
        { "CONFIG", "XDG_CONFIG_HOME", ".config" },
        { "STATE", "XDG_STATE_HOME", ".local/state" },
        { "CACHE", "XDG_CACHE_HOME", ".cache" },
    };
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (strcmp(which, dirs[i].name) != 0)
            continue;
        const char *base = getenv(dirs[i].env);
        if (base && base[0] == '/')
            return util_path_join(base, "collab");
        /* never a shared directory (/tmp), where anyone could make it first */
        const char *home = getenv("HOME");
        if (!home || home[0] != '/')
            return NULL;
        char *root = util_path_join(home, dirs[i].fallback);
        char *dir = util_path_join(root, "collab");
        free(root);
        return dir;
    }
    return NULL;
}

int util_mkdir_p(const char *path, unsigned mode)
{
    char *p = util_xstrdup(path);
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
                int e = errno;
                free(p);
                errno = e;
                return -1;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    return 0;
}

int util_safe_create(const char *path, unsigned mode, char **tmp)
{
    const char *slash = strrchr(path, '/');
    struct strbuf sb = STRBUF_INIT;
    if (slash)
        sb_addf(&sb, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
    else
        sb_addf(&sb, ".%s.XXXXXX", path);
    char *name = sb_detach(&sb);
    int fd = mkostemp(name, O_CLOEXEC);
    if (fd < 0 || fchmod(fd, (mode_t)(mode & 0777)) != 0) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(name);
        }
        free(name);
        errno = e;
        return -1;
    }
    *tmp = name;
    return fd;
}

int util_safe_commit(const char *tmp, const char *path)
{
    if (rename(tmp, path) == 0)
        return 0;
    int e = errno;
    unlink(tmp);
    errno = e;
    return -1;
}
