/* A bounded YAML reader: libyaml parser events to a tree with positions. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "collab/util.h"
#include "yaml_doc.h"

struct builder {
    struct ydoc *doc;
    struct collab_err *err;
    const char *text;
    size_t textlen;
    struct ydoc_node *stack[YDOC_MAX_DEPTH + 1];
    int depth;
    int documents;
};

static void node_free(struct ydoc_node *n)
{
    if (!n)
        return;
    size_t nk = n->kind == YDOC_MAP ? 2 * n->n + (size_t)n->open_key : n->n;
    for (size_t i = 0; i < nk; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->str);
    free(n);
}

void ydoc_free(struct ydoc *doc)
{
    node_free(doc->root);
    free(doc->file);
    memset(doc, 0, sizeof *doc);
}

int ydoc_error(const struct ydoc *doc, const struct ydoc_node *n,
               struct collab_err *err, const char *fmt, ...)
{
    char msg[COLLAB_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return collab_err_at(err, doc->file, n ? n->line : 0, n ? n->col : 0, "%s", msg);
}

static int error_at_mark(struct builder *b, yaml_mark_t mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int error_at_mark(struct builder *b, yaml_mark_t mark, const char *fmt, ...)
{
    char msg[COLLAB_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return collab_err_at(b->err, b->doc->file, (long)mark.line + 1,
                         (long)mark.column + 1, "%s", msg);
}

/* libyaml places encoding errors (bytes that are not UTF-8, control
 * characters) by byte offset only, its mark still at the start: count the
 * lines and characters up to that offset so the message points at the byte. */
static int reader_error(struct builder *b, const yaml_parser_t *parser)
{
    size_t off = parser->problem_offset < b->textlen ? parser->problem_offset : b->textlen;
    yaml_mark_t mark = { off, 0, 0 };
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)b->text[i];
        if (c == '\n') {
            mark.line++;
            mark.column = 0;
        } else if ((c & 0xc0) != 0x80) {
            mark.column++;
        }
    }
    const char *problem = parser->problem ? parser->problem : "invalid text";
    const char *hint = strstr(problem, "UTF-8")
        ? "; the file must be UTF-8, not e.g. Windows-1252" : "";
    if (parser->problem_value >= 0)
        return error_at_mark(b, mark, "%s (byte 0x%02x%s)", problem,
                             (unsigned)parser->problem_value & 0xffu, hint);
    return error_at_mark(b, mark, "%s", problem);
}

/* libyaml's own message, with a hint for the most common cause (a tab). */
static int parser_error(struct builder *b, const yaml_parser_t *parser)
{
    if (parser->error == YAML_READER_ERROR)
        return reader_error(b, parser);
    const char *problem = parser->problem ? parser->problem : "invalid YAML";
    size_t off = parser->problem_mark.index;
    int tab = off < b->textlen && b->text[off] == '\t';
    if (parser->context)
        return error_at_mark(b, parser->problem_mark, "%s %s%s", problem,
                             parser->context,
                             tab ? " (YAML does not allow tabs for indentation)" : "");
    return error_at_mark(b, parser->problem_mark, "%s%s", problem,
                         tab ? " (YAML does not allow tabs for indentation)" : "");
}

static struct ydoc_node *new_node(struct builder *b, enum ydoc_kind kind,
                                  yaml_mark_t mark)
{
    if (b->doc->nnodes >= YDOC_MAX_NODES) {
        error_at_mark(b, mark, "too many YAML nodes (more than %d)", YDOC_MAX_NODES);
        return NULL;
    }
    struct ydoc_node *n = util_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->line = (int)mark.line + 1;
    n->col = (int)mark.column + 1;
    b->doc->nnodes++;
    return n;
}

static void add_item(struct ydoc_node *seq, struct ydoc_node *kid)
{
    seq->kids = util_xrealloc(seq->kids, (seq->n + 1) * sizeof *seq->kids);
    seq->kids[seq->n++] = kid;
}

/* Attach a finished node to the open collection (or make it the root).
 * Mapping keys are counted in pairs: a key is held until its value comes. */
static int attach(struct builder *b, struct ydoc_node *n)
{
    if (b->depth == 0) {
        b->doc->root = n;
        return 0;
    }
    struct ydoc_node *parent = b->stack[b->depth - 1];
    if (parent->kind == YDOC_SEQ) {
        add_item(parent, n);
        return 0;
    }
    size_t have = 2 * parent->n + (size_t)parent->open_key;
    parent->kids = util_xrealloc(parent->kids, (have + 1) * sizeof *parent->kids);
    parent->kids[have] = n;
    if (!parent->open_key) {
        if (n->kind != YDOC_SCALAR) {
            ydoc_error(b->doc, n, b->err, "mapping keys must be plain strings");
            node_free(n);
            return -1;
        }
        for (size_t i = 0; i < parent->n; i++)
            if (strcmp(parent->kids[2 * i]->str, n->str) == 0) {
                ydoc_error(b->doc, n, b->err,
                           "duplicate key '%s' (first at line %d)", n->str,
                           parent->kids[2 * i]->line);
                node_free(n);
                return -1;
            }
        parent->open_key = 1;
    } else {
        parent->open_key = 0;
        parent->n++;
    }
    return 0;
}

static int check_anchor(struct builder *b, const yaml_char_t *anchor, yaml_mark_t mark)
{
    if (anchor)
        return error_at_mark(b, mark, "anchors (&%s) are not allowed in config files",
                             (const char *)anchor);
    return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
    if (check_anchor(b, ev->data.scalar.anchor, ev->start_mark) < 0)
        return -1;
    size_t len = ev->data.scalar.length;
    if (len > YDOC_MAX_SCALAR)
        return error_at_mark(b, ev->start_mark, "value too long (%zu bytes; at most %u)",
                             len, YDOC_MAX_SCALAR);
    if (memchr(ev->data.scalar.value, '\0', len))
        return error_at_mark(b, ev->start_mark, "value contains a NUL character");
    struct ydoc_node *n = new_node(b, YDOC_SCALAR, ev->start_mark);
    if (!n)
        return -1;
    n->str = util_xstrndup((const char *)ev->data.scalar.value, len);
    n->len = len;
    switch (ev->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        n->style = YDOC_QUOTED;
        break;
    case YAML_LITERAL_SCALAR_STYLE:
    case YAML_FOLDED_SCALAR_STYLE:
        n->style = YDOC_BLOCK;
        break;
    default:
        n->style = YDOC_PLAIN;
        break;
    }
    n->multiline = ev->end_mark.line != ev->start_mark.line;
    return attach(b, n);
}

static int on_start(struct builder *b, const yaml_event_t *ev, enum ydoc_kind kind)
{
    const yaml_char_t *anchor = kind == YDOC_MAP ? ev->data.mapping_start.anchor
                                                 : ev->data.sequence_start.anchor;
    if (check_anchor(b, anchor, ev->start_mark) < 0)
        return -1;
    if (b->depth >= YDOC_MAX_DEPTH)
        return error_at_mark(b, ev->start_mark, "nesting deeper than %d levels",
                             YDOC_MAX_DEPTH);
    struct ydoc_node *n = new_node(b, kind, ev->start_mark);
    if (!n)
        return -1;
    b->stack[b->depth++] = n;
    return 0;
}

static int on_end(struct builder *b)
{
    return attach(b, b->stack[--b->depth]);
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++b->documents > 1)
            return error_at_mark(b, ev->start_mark,
                                 "only one YAML document is allowed per file");
        return 0;
    case YAML_ALIAS_EVENT:
        return error_at_mark(b, ev->start_mark,
                             "aliases (*%s) are not allowed in config files",
                             (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, ev, YDOC_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, ev, YDOC_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b);
    default:
        return 0;
    }
}

/* On failure, free the collections still open (they are not yet attached). */
static void unwind(struct builder *b)
{
    while (b->depth > 0)
        node_free(b->stack[--b->depth]);
}

int ydoc_load_string(const char *name, const char *text, size_t len,
                     struct ydoc *doc, struct collab_err *err)
{
    memset(doc, 0, sizeof *doc);
    doc->file = util_xstrdup(name);
    struct builder b = { .doc = doc, .err = err, .text = text, .textlen = len };
    if (len > YDOC_MAX_BYTES) {
        ydoc_error(doc, NULL, err, "file too large (more than %u bytes)", YDOC_MAX_BYTES);
        ydoc_free(doc);
        return -1;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        ydoc_error(doc, NULL, err, "cannot initialise the YAML parser");
        ydoc_free(doc);
        return -1;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = 0, done = 0;
    while (!done && rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parser_error(&b, &parser);
            break;
        }
        rc = on_event(&b, &ev);
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (rc < 0) {
        unwind(&b);
        ydoc_free(doc);
    }
    return rc;
}

int ydoc_load_file(const char *path, struct ydoc *doc, struct collab_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return collab_err_at(err, path, 0, 0, "cannot open: %s", strerror(errno));
    /* Read at most one byte past the cap so an oversized file is refused
     * without being read whole. */
    char *buf = util_xmalloc(YDOC_MAX_BYTES + 1);
    size_t len = fread(buf, 1, YDOC_MAX_BYTES + 1, f);
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        free(buf);
        return collab_err_at(err, path, 0, 0, "cannot read: %s", strerror(errno));
    }
    int rc = ydoc_load_string(path, buf, len, doc, err);
    free(buf);
    return rc;
}

const struct ydoc_node *ydoc_get(const struct ydoc_node *map, const char *key)
{
    if (!map || map->kind != YDOC_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->kids[2 * i]->str, key) == 0)
            return map->kids[2 * i + 1];
    return NULL;
}

int ydoc_is_null(const struct ydoc_node *n)
{
    return n->kind == YDOC_SCALAR && n->style == YDOC_PLAIN &&
           (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
            strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

const char *ydoc_describe(const struct ydoc_node *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case YDOC_MAP:
        return "a mapping";
    case YDOC_SEQ:
        return "a list";
    default:
        return ydoc_is_null(n) ? "an empty value" : "a single value";
    }
}
