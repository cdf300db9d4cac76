/*
 * draw: putting text into a fixed number of columns. Data are UTF-8 whatever
 * the locale says, so strings are decoded here; on a non-UTF-8 terminal a
 * character outside ASCII is shown as '?' rather than as raw bytes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui_internal.h"

#define UI_PUT_MAX 512

/* Decode s into code points (invalid bytes become U+FFFD); count in *n. */
static void decode(const char *s, wchar_t *out, int *n, int max)
{
    const unsigned char *u = (const unsigned char *)s;
    *n = 0;
    while (*u && *n < max) {
        int len = *u < 0x80 ? 1 : *u >= 0xf0 ? 4 : *u >= 0xe0 ? 3 : *u >= 0xc0 ? 2 : 0;
        unsigned cp = len == 1 ? *u : len ? (unsigned)(*u & (0x7f >> len)) : 0xfffd;
        int ok = len > 0;
        for (int i = 1; ok && i < len; i++) {
            if ((u[i] & 0xc0) != 0x80)
                ok = 0;
            else
                cp = (cp << 6) | (u[i] & 0x3f);
        }
        if (!ok) {
            cp = 0xfffd;
            len = 1;
        }
        out[(*n)++] = (wchar_t)cp;
        u += len;
    }
}

static int char_width(const struct ui_glyphs *g, wchar_t c)
{
    int w;
    if (c < 32 || c == 127)
        return 1;    /* shown as '?' */
    if (!g->utf8)
        return 1;
    w = wcwidth(c);
    return w < 0 ? 1 : w;
}

int ui_text_width(const struct ui_glyphs *g, const char *s)
{
    wchar_t wc[UI_PUT_MAX];
    int n, w = 0;
    decode(s ? s : "", wc, &n, UI_PUT_MAX);
    for (int i = 0; i < n; i++)
        w += char_width(g, wc[i]);
    return w;
}

static wchar_t displayable(const struct ui_glyphs *g, wchar_t c)
{
    if (c < 32 || c == 127 || (!g->utf8 && c > 126))
        return L'?';
    return c;
}

int ui_put(const struct ui_glyphs *g, WINDOW *w, int y, int x, const char *s,
           int width, enum ui_align align, attr_t attr)
{
    wchar_t wc[UI_PUT_MAX], out[UI_PUT_MAX + 8];
    int n, total = 0, used = 0, len = 0, clipped = 0;
    if (width <= 0)
        return 0;
    decode(s ? s : "", wc, &n, UI_PUT_MAX);
    for (int i = 0; i < n; i++)
        total += char_width(g, wc[i]);
    if (total > width) {
        clipped = 1;
        total = width;
    }
    int pad = width - total;
    int left = align == UI_RIGHT ? pad : align == UI_CENTER ? pad / 2 : 0;
    for (int i = 0; i < left && len < UI_PUT_MAX; i++, used++)
        out[len++] = L' ';
    for (int i = 0; i < n && len < UI_PUT_MAX; i++) {
        int cw = char_width(g, wc[i]);
        if (clipped && used + cw > left + width - 1)
            break;
        out[len++] = displayable(g, wc[i]);
        used += cw;
    }
    if (clipped) {
        out[len++] = g->utf8 ? L'\u2026' : L'~';
        used++;
    }
    while (used < width && len < UI_PUT_MAX + 7) {
        out[len++] = L' ';
        used++;
    }
    out[len] = L'\0';
    wattr_on(w, attr, NULL);
    mvwaddnwstr(w, y, x, out, len);
    wattr_off(w, attr, NULL);
    return width;
}
