/*
 * keys: key names, the key map and the user's keys.yaml. The built-in
 * bindings are the `keys` strings of the action table, written in the same
 * syntax as keys.yaml and parsed by the same code (ui_key_parse).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "collab/util.h"
#include "ui_internal.h"

struct key_name {
    const char *name;
    int key;
};

/* The first name of a key is the one printed. */
static const struct key_name key_names[] = {
    { "Enter", UI_KEY_ENTER }, { "CR", UI_KEY_ENTER }, { "Return", UI_KEY_ENTER },
    { "Esc", UI_KEY_ESC }, { "Escape", UI_KEY_ESC },
    { "Tab", '\t' },
    { "BTab", UI_FN(KEY_BTAB) }, { "S-Tab", UI_FN(KEY_BTAB) }, { "BackTab", UI_FN(KEY_BTAB) },
    { "Up", UI_FN(KEY_UP) }, { "Down", UI_FN(KEY_DOWN) },
    { "Left", UI_FN(KEY_LEFT) }, { "Right", UI_FN(KEY_RIGHT) },
    { "PgUp", UI_FN(KEY_PPAGE) }, { "PageUp", UI_FN(KEY_PPAGE) },
    { "PgDn", UI_FN(KEY_NPAGE) }, { "PageDown", UI_FN(KEY_NPAGE) },
    { "Home", UI_FN(KEY_HOME) }, { "End", UI_FN(KEY_END) },
    { "Backspace", UI_FN(KEY_BACKSPACE) }, { "BS", UI_FN(KEY_BACKSPACE) },
    { "Del", UI_FN(KEY_DC) }, { "Delete", UI_FN(KEY_DC) },
    { "Ins", UI_FN(KEY_IC) },
    { "Space", ' ' }, { "lt", '<' },
};

static int key_name_cmp(const char *a, size_t n, const char *b)
{
    return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

static int named_key(const char *s, size_t n, int *key)
{
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (key_name_cmp(s, n, key_names[i].name)) {
            *key = key_names[i].key;
            return 0;
        }
    if ((s[0] == 'C' || s[0] == 'c') && n == 3 && s[1] == '-') {
        int c = s[2];
        if (c >= 'a' && c <= 'z')
            c -= 32;
        if (c >= '@' && c <= '_') {
            *key = UI_CTRL(c);
            return 0;
        }
    }
    if ((s[0] == 'F' || s[0] == 'f') && n >= 2 && n <= 3) {
        long f;
        char num[3] = { s[1], n == 3 ? s[2] : 0, 0 };
        if (util_parse_long(num, &f) == 0 && f >= 1 && f <= 12) {
            *key = UI_FN(KEY_F(f));
            return 0;
        }
    }
    return -1;
}

/* One UTF-8 character at s: its code point and length, or 0. */
static size_t utf8_char(const char *s, int *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t len;
    if (u[0] < 0x80) {
        *cp = u[0];
        return u[0] ? 1 : 0;
    }
    len = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 0;
    if (len == 0 || !util_utf8_valid(s, len))
        return 0;
    *cp = u[0] & (0x7f >> len);
    for (size_t i = 1; i < len; i++)
        *cp = (*cp << 6) | (u[i] & 0x3f);
    return len;
}

size_t ui_key_parse(const char *s, int *key)
{
    if (s[0] == '<') {
        const char *end = strchr(s + 1, '>');
        if (end && end > s + 1 && named_key(s + 1, (size_t)(end - s - 1), key) == 0)
            return (size_t)(end - s) + 1;
    }
    return utf8_char(s, key);
}

int ui_key_next(const char **s, int *key)
{
    while (**s == ' ')
        (*s)++;
    if (!**s)
        return 0;
    size_t used = ui_key_parse(*s, key);
    if (used == 0)
        return -1;
    *s += used;
    return 1;
}

void ui_key_name(int key, char *buf, size_t size)
{
    for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
        if (key_names[i].key == key) {
            snprintf(buf, size, "<%s>", key_names[i].name);
            return;
        }
    if (key >= 1 && key < 32) {
        snprintf(buf, size, "<C-%c>", (char)(key + 'a' - 1));
        return;
    }
    if (key & UI_KEY_FN) {
        int k = key & ~UI_KEY_FN;
        if (k >= KEY_F(1) && k <= KEY_F(12))
            snprintf(buf, size, "<F%d>", k - KEY_F0);
        else
            snprintf(buf, size, "<key-%d>", k);
        return;
    }
    char mb[8] = "";
    if (key < 0x80) {
        mb[0] = (char)key;
    } else if (key < 0x800) {
        mb[0] = (char)(0xc0 | (key >> 6));
        mb[1] = (char)(0x80 | (key & 0x3f));
    } else if (key < 0x10000) {
        mb[0] = (char)(0xe0 | (key >> 12));
        mb[1] = (char)(0x80 | ((key >> 6) & 0x3f));
        mb[2] = (char)(0x80 | (key & 0x3f));
    } else {
        mb[0] = (char)(0xf0 | (key >> 18));
        mb[1] = (char)(0x80 | ((key >> 12) & 0x3f));
        mb[2] = (char)(0x80 | ((key >> 6) & 0x3f));
        mb[3] = (char)(0x80 | (key & 0x3f));
    }
    snprintf(buf, size, "%s", mb);
}

int ui_key_normalize(int key, int is_function)
{
    if (is_function) {
        if (key == KEY_ENTER)
            return UI_KEY_ENTER;
        return UI_FN(key);
    }
    if (key == '\r')
        return UI_KEY_ENTER;
    if (key == 127 || key == 8)
        return UI_FN(KEY_BACKSPACE);
    return key;
}

int ui_keys_read_file(const char *path, int **keys, size_t *nkeys, struct collab_err *err)
{
    char *text = util_read_file(path);
    size_t cap = 0;
    if (!text)
        return collab_err_set(err, "%s: %s", path, strerror(errno));
    *keys = NULL;
    *nkeys = 0;
    const char *s = text;
    long line = 1;
    const char *line_start = s;
    while (*s) {
        int key;
        size_t used;
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            if (*s == '\n') {
                line++;
                line_start = s + 1;
            }
            s++;
            continue;
        }
        used = ui_key_parse(s, &key);
        if (used == 0) {
            free(*keys);
            *keys = NULL;
            collab_err_at(err, path, line, (long)(s - line_start) + 1, "not a key");
            free(text);
            return -1;
        }
        if (*nkeys == cap) {
            cap = cap ? cap * 2 : 64;
            *keys = util_xrealloc(*keys, cap * sizeof **keys);
        }
        (*keys)[(*nkeys)++] = key;
        s += used;
    }
    free(text);
    return 0;
}

/* ---- the key map ---- */

static void unbind_key(struct ui_keymap *km, int key)
{
    for (size_t i = 0; i < km->n; )
        if (km->b[i].key == key)
            memmove(&km->b[i], &km->b[i + 1], (--km->n - i) * sizeof km->b[0]);
        else
            i++;
}

static void unbind_action(struct ui_keymap *km, int action)
{
    for (size_t i = 0; i < km->n; )
        if (km->b[i].action == action)
            memmove(&km->b[i], &km->b[i + 1], (--km->n - i) * sizeof km->b[0]);
        else
            i++;
}

/* A key belongs to one action: binding it takes it from any other. */
static void bind(struct ui_keymap *km, int key, int action)
{
    unbind_key(km, key);
    if (km->n == km->cap) {
        km->cap = km->cap ? km->cap * 2 : 64;
        km->b = util_xrealloc(km->b, km->cap * sizeof km->b[0]);
    }
    km->b[km->n++] = (struct ui_binding){ key, action };
}

/* Bind every key of spec ("j <Down>") to action; the offset of a bad key in
 * *bad, else -1. */
static int bind_spec(struct ui_keymap *km, const char *spec, int action, long *bad)
{
    const char *s = spec;
    int key, got;
    *bad = -1;
    while ((got = ui_key_next(&s, &key)) > 0)
        bind(km, key, action);
    if (got < 0)
        *bad = (long)(s - spec);
    return got;
}

/* keys.yaml: `bindings: { action-name: KEYS, ... }`, KEYS a string of key
 * names or a list of them. */
struct keys_yaml {
    yaml_parser_t parser;
    const char *path;
    struct ui_keymap *km;
    const struct cfg *cfg;
    struct collab_err *err;
};

static int yaml_fail(struct keys_yaml *ky, const yaml_mark_t *m, const char *what, const char *arg)
{
    return collab_err_at(ky->err, ky->path, (long)m->line + 1, (long)m->column + 1,
                         "%s%s%s%s", what, arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
}

static int next_event(struct keys_yaml *ky, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&ky->parser, ev))
        return collab_err_at(ky->err, ky->path, (long)ky->parser.problem_mark.line + 1,
                             (long)ky->parser.problem_mark.column + 1, "%s",
                             ky->parser.problem ? ky->parser.problem : "YAML syntax error");
    if (ev->type == YAML_ALIAS_EVENT) {
        yaml_fail(ky, &ev->start_mark, "aliases are not allowed", NULL);
        yaml_event_delete(ev);
        return -1;
    }
    return 0;
}

static const char *closest_action(const char *name)
{
    const char *best = NULL;
    int bestd = 3;
    for (int a = 1; a < ACT_COUNT; a++) {
        int d = util_edit_distance(name, ui_actions[a].name);
        if (d < bestd) {
            bestd = d;
            best = ui_actions[a].name;
        }
    }
    return best;
}

static int bind_value(struct keys_yaml *ky, int action, const yaml_event_t *ev)
{
    long bad;
    const char *v = (const char *)ev->data.scalar.value;
    if (bind_spec(ky->km, v, action, &bad) != 0) {
        yaml_mark_t m = ev->start_mark;
        if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            m.column += (size_t)bad;
        return yaml_fail(ky, &m, "not a key name in", v);
    }
    return 0;
}

static int read_binding(struct keys_yaml *ky, const yaml_event_t *name_ev)
{
    const char *name = (const char *)name_ev->data.scalar.value;
    int action = ui_action_lookup(ky->cfg, name);
    yaml_event_t ev;
    int rc = 0;
    if (action == ACT_NONE) {
        const char *near = closest_action(name);
        char what[160];
        snprintf(what, sizeof what, "unknown action '%s'%s%s%s", name,
                 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        return yaml_fail(ky, &name_ev->start_mark, what, NULL);
    }
    unbind_action(ky->km, action);
    if (next_event(ky, &ev) != 0)
        return -1;
    if (ev.type == YAML_SCALAR_EVENT) {
        rc = bind_value(ky, action, &ev);
    } else if (ev.type == YAML_SEQUENCE_START_EVENT) {
        for (;;) {
            yaml_event_t item;
            if (next_event(ky, &item) != 0) {
                rc = -1;
                break;
            }
            if (item.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&item);
                break;
            }
            rc = item.type == YAML_SCALAR_EVENT ? bind_value(ky, action, &item)
                 : yaml_fail(ky, &item.start_mark, "expected a key name", NULL);
            yaml_event_delete(&item);
            if (rc)
                break;
        }
    } else {
        rc = yaml_fail(ky, &ev.start_mark, "expected a key name or a list of them for", name);
    }
    yaml_event_delete(&ev);
    return rc;
}

static int read_bindings(struct keys_yaml *ky)
{
    yaml_event_t ev;
    if (next_event(ky, &ev) != 0)
        return -1;
    if (ev.type != YAML_MAPPING_START_EVENT) {
        yaml_fail(ky, &ev.start_mark, "bindings must be a mapping of action: keys", NULL);
        yaml_event_delete(&ev);
        return -1;
    }
    yaml_event_delete(&ev);
    for (;;) {
        int rc;
        if (next_event(ky, &ev) != 0)
            return -1;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        rc = ev.type == YAML_SCALAR_EVENT ? read_binding(ky, &ev)
             : yaml_fail(ky, &ev.start_mark, "expected an action name", NULL);
        yaml_event_delete(&ev);
        if (rc)
            return -1;
    }
}

static int read_document(struct keys_yaml *ky)
{
    yaml_event_t ev;
    int depth_ok = 1;
    /* stream start, document start, mapping start */
    for (int i = 0; i < 2; i++) {
        if (next_event(ky, &ev) != 0)
            return -1;
        int type = ev.type;
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT)
            return 0;   /* an empty file binds nothing */
    }
    if (next_event(ky, &ev) != 0)
        return -1;
    if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0) {
        yaml_event_delete(&ev);
        return 0;
    }
    if (ev.type != YAML_MAPPING_START_EVENT) {
        yaml_fail(ky, &ev.start_mark, "expected a mapping with 'bindings'", NULL);
        yaml_event_delete(&ev);
        return -1;
    }
    yaml_event_delete(&ev);
    while (depth_ok) {
        int rc;
        if (next_event(ky, &ev) != 0)
            return -1;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (ev.type == YAML_SCALAR_EVENT
            && strcmp((const char *)ev.data.scalar.value, "bindings") == 0)
            rc = read_bindings(ky);
        else
            rc = yaml_fail(ky, &ev.start_mark, "unknown key (expected 'bindings')", NULL);
        yaml_event_delete(&ev);
        if (rc)
            return -1;
    }
    return 0;
}

static int load_user_keys(struct ui_keymap *km, const struct cfg *cfg, const char *path,
                          struct collab_err *err)
{
    FILE *fp = fopen(path, "rb");
    struct keys_yaml ky = { .path = path, .km = km, .cfg = cfg, .err = err };
    int rc;
    if (!fp)
        return errno == ENOENT ? 0 : collab_err_set(err, "%s: %s", path, strerror(errno));
    yaml_parser_initialize(&ky.parser);
    yaml_parser_set_input_file(&ky.parser, fp);
    rc = read_document(&ky);
    yaml_parser_delete(&ky.parser);
    fclose(fp);
    return rc;
}

int ui_keymap_build(struct ui_keymap *km, const struct cfg *cfg,
                    const char *user_file, struct collab_err *err)
{
    long bad;
    memset(km, 0, sizeof *km);
    for (int a = 1; a < ACT_COUNT; a++)
        if (bind_spec(km, ui_actions[a].keys, a, &bad) != 0)
            return collab_err_set(err, "built-in binding of %s is broken", ui_actions[a].name);
    for (size_t d = 0; cfg && d < cfg->nfilters && d < MODEL_MAX_DIMS; d++) {
        int key;
        if (cfg->filters[d].key && ui_key_parse(cfg->filters[d].key, &key) > 0)
            bind(km, key, ACT_FILTER + (int)d);
    }
    if (user_file && load_user_keys(km, cfg, user_file, err) != 0) {
        ui_keymap_free(km);
        return -1;
    }
    return 0;
}

void ui_keymap_free(struct ui_keymap *km)
{
    free(km->b);
    memset(km, 0, sizeof *km);
}

int ui_keymap_lookup(const struct ui_keymap *km, int key)
{
    for (size_t i = 0; i < km->n; i++)
        if (km->b[i].key == key)
            return km->b[i].action;
    return ACT_NONE;
}

void ui_keymap_describe(const struct ui_keymap *km, int action, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < km->n; i++) {
        char name[32];
        if (km->b[i].action != action)
            continue;
        ui_key_name(km->b[i].key, name, sizeof name);
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%s",
                                len ? " " : "", name);
        if (len >= size) {
            buf[size - 1] = '\0';
            return;
        }
    }
}
