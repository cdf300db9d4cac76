/* The indicator expression language: a recursive-descent parser over the
 * grammar in expr.h and an SQL writer that emits only text it owns. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collab/expr.h"

/* Deep enough for any real indicator, shallow enough that a hostile
 * "((((..." cannot exhaust the stack. */
#define EXPR_MAX_DEPTH 64
#define EXPR_MAX_ARGS 16
/* SQLite's parser stack (YYSTACKDEPTH 100) overflows near 45 nested
 * parentheses, and each level of the tree writes up to two; a chain such as
 * a + a + ... nests without recursion, so the tree's height is capped too. */
#define EXPR_MAX_HEIGHT 16

enum node_kind { N_NUM, N_COL, N_NEG, N_NOT, N_BIN, N_CALL };

enum bin_op {
    OP_OR, OP_AND, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV,
};

struct op_info {
    const char *text;     /* as written in YAML */
    enum bin_op op;
    const char *sql;      /* as emitted */
    int boolean;          /* result is a truth value */
};

/* Longest spellings first so that "<=" is not read as "<". */
static const struct op_info cmp_ops[] = {
    { "==", OP_EQ, "=", 1 }, { "!=", OP_NE, "<>", 1 }, { "<>", OP_NE, "<>", 1 },
    { "<=", OP_LE, "<=", 1 }, { ">=", OP_GE, ">=", 1 },
    { "=", OP_EQ, "=", 1 }, { "<", OP_LT, "<", 1 }, { ">", OP_GT, ">", 1 },
};
static const struct op_info sum_ops[] = {
    { "+", OP_ADD, "+", 0 }, { "-", OP_SUB, "-", 0 },
};
static const struct op_info term_ops[] = {
    { "*", OP_MUL, "*", 0 }, { "/", OP_DIV, NULL, 0 },
};
static const struct op_info or_op = { "or", OP_OR, "OR", 1 };
static const struct op_info and_op = { "and", OP_AND, "AND", 1 };

enum func_id { F_MIN, F_MAX, F_ABS, F_IF, F_COALESCE, F_IS_NULL };

struct func_info {
    const char *name;
    enum func_id id;
    int min_args, max_args;
};

/* SQLite's one-argument min() and max() are aggregates, so at least two. */
static const struct func_info funcs[] = {
    { "min", F_MIN, 2, EXPR_MAX_ARGS },
    { "max", F_MAX, 2, EXPR_MAX_ARGS },
    { "abs", F_ABS, 1, 1 },
    { "if", F_IF, 3, 3 },
    { "coalesce", F_COALESCE, 2, EXPR_MAX_ARGS },
    { "is_null", F_IS_NULL, 1, 1 },
};

struct expr {
    enum node_kind kind;
    double num;
    const struct expr_column *col;
    const struct op_info *op;
    const struct func_info *fn;
    struct expr *kid[EXPR_MAX_ARGS];
    int nkids;
};

struct parser {
    const char *text;
    const char *pos;
    const struct expr_column *cols;
    size_t ncols;
    int depth;
    struct collab_err *err;
    int err_col;
};

static struct expr *parse_or(struct parser *p);

static struct expr *node_new(enum node_kind kind)
{
    struct expr *e = util_xcalloc(1, sizeof *e);
    e->kind = kind;
    return e;
}

void expr_free(struct expr *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->nkids; i++)
        expr_free(e->kid[i]);
    free(e);
}

/* 1-based character (not byte) offset, so the column matches what an editor
 * shows for a UTF-8 line. */
static int char_col(const char *text, const char *at)
{
    int col = 1;
    for (const char *s = text; s < at && *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            col++;
    return col;
}

__attribute__((format(printf, 3, 4)))
static struct expr *fail_at(struct parser *p, const char *at, const char *fmt, ...)
{
    char msg[COLLAB_ERR_MAX / 2];
    va_list ap;
    if (p->err_col)         /* keep the first, innermost message */
        return NULL;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->err_col = char_col(p->text, at);
    collab_err_set(p->err, "%d: %s", p->err_col, msg);
    return NULL;
}

static void skip_space(struct parser *p)
{
    while (*p->pos == ' ' || *p->pos == '\t' || *p->pos == '\n' || *p->pos == '\r')
        p->pos++;
}

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static size_t ident_len(const char *s)
{
    size_t n = 0;
    if (!is_ident_start(s[0]))
        return 0;
    while (is_ident_char(s[n]))
        n++;
    return n;
}

/* True (and consumes) if the next token is the keyword kw as a whole word. */
static int accept_word(struct parser *p, const char *kw)
{
    skip_space(p);
    size_t n = strlen(kw);
    if (ident_len(p->pos) == n && strncmp(p->pos, kw, n) == 0) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static int accept_char(struct parser *p, char c)
{
    skip_space(p);
    if (*p->pos == c) {
        p->pos++;
        return 1;
    }
    return 0;
}

static const struct op_info *accept_op(struct parser *p, const struct op_info *ops,
                                       size_t n)
{
    skip_space(p);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(ops[i].text);
        /* A word (and, or) is the whole identifier: "order" is not "or". */
        int word = isalpha((unsigned char)ops[i].text[0]);
        if (strncmp(p->pos, ops[i].text, len) == 0 && (!word || ident_len(p->pos) == len)) {
            p->pos += len;
            return &ops[i];
        }
    }
    return NULL;
}

/* A description of the token at pos for messages, e.g. "';'" or "end of text". */
static void describe_token(const char *pos, char *out, size_t outsz)
{
    if (!*pos) {
        snprintf(out, outsz, "end of expression");
        return;
    }
    size_t n = ident_len(pos);
    if (n == 0)
        n = 1;
    if ((unsigned char)*pos < 0x20 || (unsigned char)*pos >= 0x7f)
        snprintf(out, outsz, "character 0x%02x", (unsigned char)*pos);
    else
        snprintf(out, outsz, "'%.*s'", (int)(n > 32 ? 32 : n), pos);
}

static struct expr *make_bin(const struct op_info *op, struct expr *l, struct expr *r)
{
    struct expr *e = node_new(N_BIN);
    e->op = op;
    e->kid[0] = l;
    e->kid[1] = r;
    e->nkids = 2;
    return e;
}

static const struct func_info *find_func(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (strlen(funcs[i].name) == n && strncmp(funcs[i].name, s, n) == 0)
            return &funcs[i];
    return NULL;
}

static const struct expr_column *find_col(struct parser *p, const char *s, size_t n)
{
    for (size_t i = 0; i < p->ncols; i++)
        if (strlen(p->cols[i].name) == n && strncmp(p->cols[i].name, s, n) == 0)
            return &p->cols[i];
    return NULL;
}

static struct expr *unknown_column(struct parser *p, const char *at, size_t n)
{
    char name[65];
    snprintf(name, sizeof name, "%.*s", (int)(n > 64 ? 64 : n), at);
    const char *best = NULL;
    int best_d = 3;
    for (size_t i = 0; i < p->ncols; i++) {
        int d = util_edit_distance(name, p->cols[i].name);
        if (d < best_d) {
            best_d = d;
            best = p->cols[i].name;
        }
    }
    if (best)
        return fail_at(p, at, "unknown column '%s' (did you mean '%s'?)", name, best);
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < p->ncols; i++) {
        if (i)
            sb_add(&sb, " ");
        sb_add(&sb, p->cols[i].name);
    }
    fail_at(p, at, "unknown column '%s'; columns at this level: %s", name, sb_str(&sb));
    sb_free(&sb);
    return NULL;
}

static struct expr *parse_number(struct parser *p)
{
    const char *start = p->pos;
    char buf[64];
    size_t n = 0;
    while (isdigit((unsigned char)p->pos[n]))
        n++;
    if (p->pos[n] == '.') {
        n++;
        if (!isdigit((unsigned char)p->pos[n]))
            return fail_at(p, start + n, "expected a digit after '.'");
        while (isdigit((unsigned char)p->pos[n]))
            n++;
    }
    if (is_ident_char(p->pos[n]) || p->pos[n] == '.')
        return fail_at(p, start, "malformed number");
    if (n >= sizeof buf)
        return fail_at(p, start, "number too long");
    memcpy(buf, start, n);
    buf[n] = '\0';
    struct expr *e = node_new(N_NUM);
    e->num = strtod(buf, NULL);
    if (!isfinite(e->num)) {
        free(e);
        return fail_at(p, start, "number out of range");
    }
    p->pos += n;
    return e;
}

static struct expr *parse_call(struct parser *p, const struct func_info *fn,
                               const char *at)
{
    struct expr *e = node_new(N_CALL);
    e->fn = fn;
    if (!accept_char(p, ')')) {
        do {
            if (e->nkids == EXPR_MAX_ARGS) {
                expr_free(e);
                return fail_at(p, p->pos, "too many arguments to %s()", fn->name);
            }
            struct expr *a = parse_or(p);
            if (!a) {
                expr_free(e);
                return NULL;
            }
            e->kid[e->nkids++] = a;
        } while (accept_char(p, ','));
        if (!accept_char(p, ')')) {
            char tok[48];
            describe_token(p->pos, tok, sizeof tok);
            expr_free(e);
            return fail_at(p, p->pos, "expected ',' or ')' in %s(), found %s",
                           fn->name, tok);
        }
    }
    if (e->nkids < fn->min_args || e->nkids > fn->max_args) {
        int n = e->nkids;
        expr_free(e);
        if (fn->min_args == fn->max_args)
            return fail_at(p, at, "%s() takes %d argument%s, not %d", fn->name,
                           fn->min_args, fn->min_args == 1 ? "" : "s", n);
        return fail_at(p, at, "%s() takes at least %d arguments, not %d", fn->name,
                       fn->min_args, n);
    }
    return e;
}

static struct expr *parse_name(struct parser *p)
{
    const char *at = p->pos;
    size_t n = ident_len(at);
    p->pos += n;
    const char *after = p->pos;
    if (accept_char(p, '(')) {
        const struct func_info *fn = find_func(at, n);
        if (!fn)
            return fail_at(p, at, "unknown function '%.*s' (functions: min max abs "
                           "if coalesce is_null)", (int)(n > 64 ? 64 : n), at);
        return parse_call(p, fn, at);
    }
    p->pos = after;
    const struct expr_column *col = find_col(p, at, n);
    if (!col)
        return unknown_column(p, at, n);
    struct expr *e = node_new(N_COL);
    e->col = col;
    return e;
}

static struct expr *parse_primary(struct parser *p)
{
    skip_space(p);
    const char *at = p->pos;
    if (isdigit((unsigned char)*at) || (*at == '.' && isdigit((unsigned char)at[1])))
        return parse_number(p);
    if (is_ident_start(*at))
        return parse_name(p);
    if (accept_char(p, '(')) {
        struct expr *e = parse_or(p);
        if (!e)
            return NULL;
        if (!accept_char(p, ')')) {
            char tok[48];
            describe_token(p->pos, tok, sizeof tok);
            expr_free(e);
            return fail_at(p, p->pos, "expected ')' to close the '(' at column %d, "
                           "found %s", char_col(p->text, at), tok);
        }
        return e;
    }
    char tok[48];
    describe_token(at, tok, sizeof tok);
    return fail_at(p, at, "expected a number, column, function or '(', found %s", tok);
}

/* Depth is counted at the recursive entry points so nesting of any kind
 * (parentheses, unary minus, not, call arguments) is bounded. */
static int enter(struct parser *p)
{
    if (++p->depth > EXPR_MAX_DEPTH) {
        fail_at(p, p->pos, "expression nested too deeply (more than %d levels)",
                EXPR_MAX_DEPTH);
        return -1;
    }
    return 0;
}

/* A prefix operator (- or not) over operand(p), one level deeper. */
static struct expr *parse_prefix(struct parser *p, enum node_kind kind,
                                 struct expr *(*operand)(struct parser *))
{
    if (enter(p) < 0)
        return NULL;
    struct expr *k = operand(p);
    p->depth--;
    if (!k)
        return NULL;
    struct expr *e = node_new(kind);
    e->kid[0] = k;
    e->nkids = 1;
    return e;
}

static struct expr *parse_unary(struct parser *p)
{
    skip_space(p);
    if (*p->pos == '-') {
        p->pos++;
        return parse_prefix(p, N_NEG, parse_unary);
    }
    return parse_primary(p);
}

/* term, sum, and, or share one shape: operand (op operand)*, left
 * associative. */
static struct expr *parse_chain(struct parser *p, const struct op_info *ops, size_t n,
                                struct expr *(*operand)(struct parser *))
{
    struct expr *l = operand(p);
    const struct op_info *op;
    while (l && (op = accept_op(p, ops, n)) != NULL) {
        struct expr *r = operand(p);
        if (!r) {
            expr_free(l);
            return NULL;
        }
        l = make_bin(op, l, r);
    }
    return l;
}

static struct expr *parse_term(struct parser *p)
{
    return parse_chain(p, term_ops, sizeof term_ops / sizeof term_ops[0], parse_unary);
}

static struct expr *parse_sum(struct parser *p)
{
    return parse_chain(p, sum_ops, sizeof sum_ops / sizeof sum_ops[0], parse_term);
}

static struct expr *parse_cmp(struct parser *p)
{
    struct expr *l = parse_sum(p);
    if (!l)
        return NULL;
    const struct op_info *op = accept_op(p, cmp_ops, sizeof cmp_ops / sizeof cmp_ops[0]);
    if (!op)
        return l;
    struct expr *r = parse_sum(p);
    if (!r) {
        expr_free(l);
        return NULL;
    }
    return make_bin(op, l, r);
}

static struct expr *parse_not(struct parser *p)
{
    if (!accept_word(p, "not"))
        return parse_cmp(p);
    return parse_prefix(p, N_NOT, parse_not);
}

static struct expr *parse_and(struct parser *p)
{
    return parse_chain(p, &and_op, 1, parse_not);
}

static struct expr *parse_or(struct parser *p)
{
    if (enter(p) < 0)
        return NULL;
    struct expr *l = parse_chain(p, &or_op, 1, parse_and);
    p->depth--;
    return l;
}

static int height(const struct expr *e)
{
    int h = 0;
    for (int i = 0; i < e->nkids; i++) {
        int k = height(e->kid[i]);
        h = k > h ? k : h;
    }
    return h + 1;
}

struct expr *expr_parse(const char *text, const struct expr_column *cols,
                        size_t ncols, struct collab_err *err, int *err_col)
{
    struct parser p = { text, text, cols, ncols, 0, err, 0 };
    if (err_col)
        *err_col = 0;
    skip_space(&p);
    struct expr *e = NULL;
    if (!*p.pos)
        fail_at(&p, p.pos, "empty expression");
    else
        e = parse_or(&p);
    if (e) {
        skip_space(&p);
        if (*p.pos) {
            char tok[48];
            describe_token(p.pos, tok, sizeof tok);
            expr_free(e);
            e = fail_at(&p, p.pos, "unexpected %s after the end of the expression", tok);
        } else if (height(e) > EXPR_MAX_HEIGHT) {
            expr_free(e);
            e = fail_at(&p, text, "expression too complex (more than %d operations "
                        "inside one another)", EXPR_MAX_HEIGHT);
        }
    }
    if (!e && err_col)
        *err_col = p.err_col;
    return e;
}

/* Shortest decimal text that reads back as exactly the same double. */
static void add_number(struct strbuf *sb, double v)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    sb_add(sb, buf);
}

static void call_to_sql(const struct expr *e, struct strbuf *sb)
{
    static const char *const sql_name[] = {
        [F_MIN] = "MIN", [F_MAX] = "MAX", [F_ABS] = "ABS", [F_COALESCE] = "COALESCE",
    };
    switch (e->fn->id) {
    case F_IF:
        sb_add(sb, "(CASE WHEN ");
        expr_to_sql(e->kid[0], sb);
        sb_add(sb, " THEN ");
        expr_to_sql(e->kid[1], sb);
        sb_add(sb, " ELSE ");
        expr_to_sql(e->kid[2], sb);
        sb_add(sb, " END)");
        return;
    case F_IS_NULL:
        sb_add(sb, "(");
        expr_to_sql(e->kid[0], sb);
        sb_add(sb, " IS NULL)");
        return;
    default:
        sb_add(sb, "(");
        sb_add(sb, sql_name[e->fn->id]);
        sb_add(sb, "(");
        for (int i = 0; i < e->nkids; i++) {
            if (i)
                sb_add(sb, ", ");
            expr_to_sql(e->kid[i], sb);
        }
        sb_add(sb, "))");
        return;
    }
}

static void bin_to_sql(const struct expr *e, struct strbuf *sb)
{
    sb_add(sb, "(");
    expr_to_sql(e->kid[0], sb);
    if (e->op->op == OP_DIV) {
        sb_add(sb, " * 1.0 / NULLIF(");
        expr_to_sql(e->kid[1], sb);
        sb_add(sb, ", 0))");
        return;
    }
    sb_addf(sb, " %s ", e->op->sql);
    expr_to_sql(e->kid[1], sb);
    sb_add(sb, ")");
}

void expr_to_sql(const struct expr *e, struct strbuf *sb)
{
    switch (e->kind) {
    case N_NUM:
        sb_add(sb, "(");
        add_number(sb, e->num);
        sb_add(sb, ")");
        break;
    case N_COL:
        sb_add(sb, "(");
        sb_add(sb, e->col->sql);
        sb_add(sb, ")");
        break;
    case N_NEG:
        sb_add(sb, "(- ");
        expr_to_sql(e->kid[0], sb);
        sb_add(sb, ")");
        break;
    case N_NOT:
        sb_add(sb, "(NOT ");
        expr_to_sql(e->kid[0], sb);
        sb_add(sb, ")");
        break;
    case N_BIN:
        bin_to_sql(e, sb);
        break;
    case N_CALL:
        call_to_sql(e, sb);
        break;
    }
}

int expr_is_boolean(const struct expr *e)
{
    switch (e->kind) {
    case N_NOT:
        return 1;
    case N_BIN:
        return e->op->boolean;
    case N_CALL:
        if (e->fn->id == F_IS_NULL)
            return 1;
        if (e->fn->id == F_IF)
            return expr_is_boolean(e->kid[1]) && expr_is_boolean(e->kid[2]);
        return 0;
    default:
        return 0;
    }
}
