/* cond_parser.c - recursive-descent parser for Falco conditions, following libsinsp's grammar and lexing facts:
 *   keywords need a following blank or '(' (`or(`, `and(`, `not(`), `not not` toggles, not > and > or;
 *   word operators need a trailing blank, symbol operators none (`ka.verb=get`); values are strings (numbers
 *   are bare strings); field names contain a dot, identifiers (macros, list names) do not.
 * Every parse function returns an owned node or NULL after recording the first error (p->failed); callers
 * free what they built and return NULL too. Depth is bounded (max_depth) so hostile input cannot blow the stack. */
#include "cond_parser.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cond_lexer.h"

struct parser {
    const struct th_cond_src *src;
    const char *s;
    size_t n, pos;
    uint32_t depth, max_depth;
    size_t last_off, last_len; /* last token read, for "unexpected token after 'x'" */
    bool failed;
    struct th_err *err;
    struct th_buf tmp;
};

static const char *const str_ops[] = {"==", "=", "!=", "glob", "iglob", "contains", "icontains", "bcontains",
                                      "startswith", "bstartswith", "endswith", "regex"};
static const enum th_cond_op str_op_ids[] = {TH_OP_EQ,        TH_OP_EQ,          TH_OP_NE,        TH_OP_GLOB,
                                             TH_OP_IGLOB,     TH_OP_CONTAINS,    TH_OP_ICONTAINS, TH_OP_BCONTAINS,
                                             TH_OP_STARTSWITH, TH_OP_BSTARTSWITH, TH_OP_ENDSWITH,  TH_OP_REGEX};
static const char *const num_ops[] = {"<=", "<", ">=", ">"};
static const enum th_cond_op num_op_ids[] = {TH_OP_LE, TH_OP_LT, TH_OP_GE, TH_OP_GT};
static const char *const list_ops[] = {"intersects", "in", "pmatch"};
static const enum th_cond_op list_op_ids[] = {TH_OP_INTERSECTS, TH_OP_IN, TH_OP_PMATCH};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- diagnostics ---- */

static void line_bounds(const char *s, size_t n, size_t off, size_t *start, size_t *end, uint32_t *line)
{
    size_t b = 0;
    uint32_t ln = 1;
    for (size_t i = 0; i < off && i < n; i++) {
        if (s[i] == '\n') {
            ln++;
            b = i + 1;
        }
    }
    size_t e = b;
    while (e < n && s[e] != '\n' && s[e] != '\r' && s[e] != '\0') {
        e++;
    }
    *start = b;
    *end = e;
    *line = ln;
}

__attribute__((format(printf, 7, 0))) static struct th_diag *diag_va(struct th_err *err, enum th_sev sev,
                                                                      enum th_code code, const struct th_cond_src *src,
                                                                      size_t off, size_t caret_len, const char *fmt,
                                                                      va_list ap)
{
    if (!src || !src->text) {
        return th_err_addv(err, sev, code, NULL, 0, 0, fmt, ap);
    }
    size_t start, end;
    uint32_t line;
    off = off > src->len ? src->len : off;
    line_bounds(src->text, src->len, off, &start, &end, &line);
    const char *file = "<cond>";
    uint32_t col = (uint32_t)(off - start + 1);
    if (src->map) {
        file = NULL;
        src->map(src->map_ctx, off, &file, &line, &col);
    }
    struct th_diag *d = th_err_addv(err, sev, code, file, line, col, fmt, ap);
    th_diag_set_snippet(d, src->text + start, end - start, (uint32_t)(off - start + 1),
                        (uint32_t)(caret_len ? caret_len : 1));
    return d;
}

struct th_diag *th_cond_diag(struct th_err *err, enum th_sev sev, enum th_code code, const struct th_cond_src *src,
                             size_t off, size_t caret_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct th_diag *d = diag_va(err, sev, code, src, off, caret_len, fmt, ap);
    va_end(ap);
    return d;
}

struct th_diag *th_cond_diag_node(struct th_err *err, enum th_sev sev, enum th_code code,
                                  const struct th_cond_node *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct th_diag *d = diag_va(err, sev, code, node ? node->src : NULL, node ? node->off : 0,
                                node ? node->len : 0, fmt, ap);
    va_end(ap);
    return d;
}

/* Records the first error only; always returns NULL so callers can `return fail(...)`. */
static struct th_cond_node *fail(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static struct th_cond_node *fail(struct parser *p, size_t off, const char *fmt, ...)
{
    if (p->failed) {
        return NULL;
    }
    p->failed = true;
    size_t caret = off < p->n ? th_cond_span_barestr(p->s + off, p->n - off) : 0;
    va_list ap;
    va_start(ap, fmt);
    diag_va(p->err, TH_SEV_ERROR, TH_E_COND_PARSE, p->src, off, caret ? caret : 1, fmt, ap);
    va_end(ap);
    return NULL;
}

static struct th_cond_node *fail_free(struct parser *p, struct th_cond_node *n)
{
    th_cond_free(n);
    (void)p;
    return NULL;
}

/* ---- token helpers ---- */

static const char *cur(const struct parser *p)
{
    return p->s + p->pos;
}

static size_t left(const struct parser *p)
{
    return p->n - p->pos;
}

static void take(struct parser *p, size_t len)
{
    p->last_off = p->pos;
    p->last_len = len;
    p->pos += len;
}

static bool blank(struct parser *p)
{
    size_t k = th_cond_span_blank(cur(p), left(p));
    p->pos += k;
    return k > 0;
}

static bool at_lit(const struct parser *p, const char *lit)
{
    size_t k = strlen(lit);
    return left(p) >= k && memcmp(cur(p), lit, k) == 0;
}

static bool lit(struct parser *p, const char *s)
{
    if (!at_lit(p, s)) {
        return false;
    }
    take(p, strlen(s));
    return true;
}

/* A word operator or modifier: the word followed by a blank (not consumed). */
static bool word(struct parser *p, const char *w)
{
    size_t k = strlen(w);
    if (!at_lit(p, w) || left(p) <= k || !th_cond_is_blank(cur(p)[k])) {
        return false;
    }
    take(p, k);
    return true;
}

static bool enter(struct parser *p)
{
    if (++p->depth >= p->max_depth) {
        fail(p, p->pos, "exceeded max depth limit of %u", p->max_depth);
        return false;
    }
    return true;
}

static struct th_cond_node *leave(struct parser *p, struct th_cond_node *n)
{
    p->depth--;
    return n;
}

static struct th_cond_node *node_at(struct parser *p, enum th_cond_kind kind, size_t off)
{
    return th_cond_new(kind, p->src, (uint32_t)off, (uint32_t)(p->pos - off));
}

static void extend_to(struct th_cond_node *n, const struct th_cond_node *last)
{
    if (last->off + last->len > n->off) {
        n->len = last->off + last->len - n->off;
    }
}

static void transformer_names(struct th_buf *b)
{
    th_buf_puts(b, "'val'");
    for (int i = 0; i < TH_XF_COUNT; i++) {
        th_buf_printf(b, ", '%s'", th_cond_xform_str((enum th_cond_xform)i));
    }
}

static struct th_cond_node *fail_expected(struct parser *p, const char *what, bool with_xforms)
{
    struct th_buf b;
    th_buf_init(&b);
    th_buf_puts(&b, what);
    if (with_xforms) {
        transformer_names(&b);
    }
    fail(p, p->pos, "%s", b.data);
    th_buf_free(&b);
    return NULL;
}

/* Quoted string at the cursor into p->tmp: 1 read, 0 none, -1 error recorded. */
static int quoted(struct parser *p)
{
    size_t used = 0, eoff = 0;
    char emsg[96];
    th_buf_clear(&p->tmp);
    th_buf_puts(&p->tmp, "");
    int rc = th_cond_lex_quoted(cur(p), left(p), &p->tmp, &used, &eoff, emsg, sizeof emsg);
    if (rc < 0) {
        fail(p, p->pos + eoff, "%s", emsg);
        return -1;
    }
    if (rc > 0) {
        take(p, used);
    }
    return rc;
}

/* ---- operands ---- */

static struct th_cond_node *parse_xform(struct parser *p, size_t off, enum th_cond_xform xf);

/* After the field name: optional [arg]. */
static struct th_cond_node *parse_field_arg(struct parser *p, struct th_cond_node *n)
{
    if (!lit(p, "[")) {
        return n;
    }
    int q = quoted(p);
    if (q < 0) {
        return fail_free(p, n);
    }
    if (q > 0) {
        n->arg = th_xstrndup(p->tmp.data, p->tmp.len);
        n->arg_quoted = true;
    } else {
        size_t k = th_cond_span_argbare(cur(p), left(p));
        if (k == 0) {
            fail(p, p->pos, "expected a valid field argument: a quoted string or a bare string");
            return fail_free(p, n);
        }
        n->arg = th_xstrndup(cur(p), k);
        take(p, k);
    }
    if (!lit(p, "]")) {
        fail(p, p->pos, "expected a ']' token");
        return fail_free(p, n);
    }
    n->len = (uint32_t)(p->pos - n->off);
    return n;
}

/* A field name with optional [arg] at the cursor, or NULL (no error) if there is none. */
static struct th_cond_node *try_field(struct parser *p)
{
    size_t k = th_cond_span_field(cur(p), left(p));
    if (k == 0) {
        return NULL;
    }
    size_t off = p->pos;
    take(p, k);
    struct th_cond_node *n = node_at(p, TH_CN_FIELD, off);
    th_cond_set_text(n, p->s + off, k);
    return parse_field_arg(p, n);
}

/* "tolower(" etc. at the cursor: consumes it and sets *xf. */
static bool xform_open(struct parser *p, enum th_cond_xform *xf)
{
    for (int i = 0; i < TH_XF_COUNT; i++) {
        const char *name = th_cond_xform_str((enum th_cond_xform)i);
        size_t k = strlen(name);
        if (left(p) > k && memcmp(cur(p), name, k) == 0 && cur(p)[k] == '(') {
            take(p, k + 1);
            *xf = (enum th_cond_xform)i;
            return true;
        }
    }
    return false;
}

/* One transformer argument: nested transformer, field, quoted string or number. */
static struct th_cond_node *parse_xform_arg(struct parser *p)
{
    size_t off = p->pos;
    enum th_cond_xform xf;
    if (xform_open(p, &xf)) {
        return parse_xform(p, off, xf);
    }
    struct th_cond_node *f = try_field(p);
    if (f || p->failed) {
        return f;
    }
    int q = quoted(p);
    if (q != 0) {
        if (q < 0) {
            return NULL;
        }
        struct th_cond_node *s = node_at(p, TH_CN_STR, off);
        th_cond_set_text(s, p->tmp.data, p->tmp.len);
        s->quoted = true;
        return s;
    }
    size_t k = th_cond_span_number(cur(p), left(p));
    if (k > 0) {
        take(p, k);
        struct th_cond_node *s = node_at(p, TH_CN_STR, off);
        th_cond_set_text(s, p->s + off, k);
        return s;
    }
    return fail_expected(p, "expected a field or a nested valid transformer: ", true);
}

/* After "name(": arguments, ')' and an optional [arg]. */
static struct th_cond_node *parse_xform(struct parser *p, size_t off, enum th_cond_xform xf)
{
    if (!enter(p)) {
        return NULL;
    }
    struct th_cond_node *n = node_at(p, TH_CN_XFORM, off);
    n->xf = xf;
    do {
        blank(p);
        struct th_cond_node *a = parse_xform_arg(p);
        if (!a) {
            return leave(p, fail_free(p, n));
        }
        th_cond_add(n, a);
        blank(p);
    } while (lit(p, ","));
    if (!lit(p, ")")) {
        fail(p, p->pos, "expected a ')' token closing the transformer");
        return leave(p, fail_free(p, n));
    }
    n->len = (uint32_t)(p->pos - off);
    return leave(p, parse_field_arg(p, n));
}

/* val(field) or a transformer on the right-hand side; NULL without error if neither is there. */
static struct th_cond_node *try_xform_or_val(struct parser *p)
{
    size_t off = p->pos;
    enum th_cond_xform xf;
    if (xform_open(p, &xf)) {
        return parse_xform(p, off, xf);
    }
    if (!lit(p, "val(")) {
        return NULL;
    }
    blank(p);
    struct th_cond_node *f = try_field(p);
    if (!f) {
        return p->failed ? NULL : fail(p, p->pos, "expected a field within 'val' transformer");
    }
    blank(p);
    if (!lit(p, ")")) {
        fail(p, p->pos, "expected a ')' token closing the transformer");
        return fail_free(p, f);
    }
    struct th_cond_node *n = node_at(p, TH_CN_VAL, off);
    th_cond_add(n, f);
    return n;
}

static struct th_cond_node *parse_num_value(struct parser *p)
{
    blank(p);
    size_t off = p->pos;
    struct th_cond_node *x = try_xform_or_val(p);
    if (x || p->failed) {
        return x;
    }
    size_t k = th_cond_span_number(cur(p), left(p));
    if (k == 0) {
        return fail_expected(p, "expected a number value or a field with a valid transformer: ", true);
    }
    take(p, k);
    struct th_cond_node *n = node_at(p, TH_CN_STR, off);
    th_cond_set_text(n, p->s + off, k);
    return n;
}

static struct th_cond_node *parse_str_value(struct parser *p, bool allow_xform)
{
    blank(p);
    size_t off = p->pos;
    if (allow_xform) {
        struct th_cond_node *x = try_xform_or_val(p);
        if (x || p->failed) {
            return x;
        }
    }
    int q = quoted(p);
    if (q < 0) {
        return NULL;
    }
    if (q > 0) {
        struct th_cond_node *n = node_at(p, TH_CN_STR, off);
        th_cond_set_text(n, p->tmp.data, p->tmp.len);
        n->quoted = true;
        return n;
    }
    size_t k = th_cond_span_barestr(cur(p), left(p));
    if (k == 0) {
        return allow_xform ? fail_expected(p, "expected a string value or a field with a valid transformer: ", true)
                           : fail(p, p->pos, "expected a string value");
    }
    take(p, k);
    struct th_cond_node *n = node_at(p, TH_CN_STR, off);
    th_cond_set_text(n, p->s + off, k);
    return n;
}

static bool at_value_start(const struct parser *p)
{
    return left(p) > 0 && (cur(p)[0] == '"' || cur(p)[0] == '\'' || th_cond_span_barestr(cur(p), left(p)) > 0);
}

/* After '(': items separated by ',' then ')'; "()" is an empty list. */
static struct th_cond_node *parse_list_literal(struct parser *p, size_t off)
{
    struct th_cond_node *n = node_at(p, TH_CN_LIST, off);
    blank(p);
    if (at_value_start(p)) {
        do {
            struct th_cond_node *v = parse_str_value(p, false);
            if (!v) {
                return fail_free(p, n);
            }
            th_cond_add(n, v);
            blank(p);
        } while (lit(p, ","));
    }
    if (!lit(p, ")")) {
        fail(p, p->pos, "expected a ')' token");
        return fail_free(p, n);
    }
    n->len = (uint32_t)(p->pos - off);
    return n;
}

static struct th_cond_node *parse_list_value(struct parser *p, bool allow_xform)
{
    blank(p);
    size_t off = p->pos;
    if (lit(p, "(")) {
        return parse_list_literal(p, off);
    }
    if (allow_xform) {
        struct th_cond_node *x = try_xform_or_val(p);
        if (x || p->failed) {
            return x;
        }
    }
    size_t k = th_cond_span_ident(cur(p), left(p));
    if (k == 0) {
        return allow_xform ? fail_expected(p, "expected a list, an identifier, or a field with a valid transformer: ",
                                           true)
                           : fail(p, p->pos, "expected a list or an identifier");
    }
    take(p, k);
    struct th_cond_node *n = node_at(p, TH_CN_LISTREF, off);
    th_cond_set_text(n, p->s + off, k);
    return n;
}

/* ---- checks and expressions ---- */

static int match_op(struct parser *p, const char *const *ops, const enum th_cond_op *ids, size_t n, bool words,
                    enum th_cond_op *op)
{
    for (size_t i = 0; i < n; i++) {
        bool is_word = words && ops[i][0] >= 'a' && ops[i][0] <= 'z';
        if (is_word ? word(p, ops[i]) : lit(p, ops[i])) {
            *op = ids[i];
            return 1;
        }
    }
    return 0;
}

static enum th_cond_mod match_mod(struct parser *p)
{
    static const enum th_cond_mod mods[] = {TH_MOD_ONEOF, TH_MOD_ANYOF, TH_MOD_ALLOF};
    for (size_t i = 0; i < COUNT(mods); i++) {
        if (word(p, th_cond_mod_str(mods[i]))) {
            return mods[i];
        }
    }
    return TH_MOD_NONE;
}

static struct th_cond_node *fail_operator(struct parser *p, const struct th_cond_node *lhs)
{
    struct th_buf b;
    th_buf_init(&b);
    th_buf_puts(&b, "expected a valid check operator");
    if (lhs->len && lhs->off + lhs->len <= p->n) {
        th_buf_printf(&b, " after '%.*s'", (int)lhs->len, p->s + lhs->off);
    }
    th_buf_puts(&b, ": one of 'exists'");
    for (size_t i = 0; i < COUNT(num_ops); i++) {
        th_buf_printf(&b, ", '%s'", num_ops[i]);
    }
    for (size_t i = 0; i < COUNT(str_ops); i++) {
        th_buf_printf(&b, ", '%s'", str_ops[i]);
    }
    for (size_t i = 0; i < COUNT(list_ops); i++) {
        th_buf_printf(&b, ", '%s'", list_ops[i]);
    }
    fail(p, p->pos, "%s", b.data);
    th_buf_free(&b);
    return NULL;
}

/* The operator and right-hand side after an operand (takes lhs). */
static struct th_cond_node *parse_condition(struct parser *p, struct th_cond_node *lhs)
{
    enum th_cond_op op;
    enum th_cond_mod mod = TH_MOD_NONE;
    struct th_cond_node *rhs = NULL;
    blank(p);
    if (lit(p, "exists")) {
        struct th_cond_node *n = th_cond_new_cmp(lhs, TH_OP_EXISTS, TH_MOD_NONE, NULL);
        n->len = (uint32_t)(p->pos - n->off);
        return n;
    }
    if (match_op(p, num_ops, num_op_ids, COUNT(num_ops), false, &op)) {
        rhs = parse_num_value(p);
    } else if (match_op(p, str_ops, str_op_ids, COUNT(str_ops), true, &op)) {
        blank(p);
        mod = match_mod(p);
        rhs = mod != TH_MOD_NONE ? parse_list_value(p, false) : parse_str_value(p, true);
    } else if (match_op(p, list_ops, list_op_ids, COUNT(list_ops), false, &op)) {
        rhs = parse_list_value(p, true);
    } else {
        fail_operator(p, lhs);
    }
    if (!rhs) {
        return fail_free(p, lhs);
    }
    return th_cond_new_cmp(lhs, op, mod, rhs);
}

static struct th_cond_node *parse_or(struct parser *p);

/* After '(': an expression and ')'. */
static struct th_cond_node *parse_embedded(struct parser *p)
{
    if (!enter(p)) {
        return NULL;
    }
    blank(p);
    struct th_cond_node *n = parse_or(p);
    if (!n) {
        return leave(p, NULL);
    }
    blank(p);
    if (!lit(p, ")")) {
        fail(p, p->pos, "expected a ')' token");
        return leave(p, fail_free(p, n));
    }
    return leave(p, n);
}

static struct th_cond_node *parse_check(struct parser *p)
{
    if (!enter(p)) {
        return NULL;
    }
    blank(p);
    size_t off = p->pos;
    if (lit(p, "(")) {
        return leave(p, parse_embedded(p));
    }
    struct th_cond_node *lhs = try_field(p);
    enum th_cond_xform xf;
    if (!lhs && !p->failed && xform_open(p, &xf)) {
        lhs = parse_xform(p, off, xf);
    }
    if (lhs) {
        return leave(p, parse_condition(p, lhs));
    }
    if (p->failed) {
        return leave(p, NULL);
    }
    size_t k = th_cond_span_ident(cur(p), left(p));
    if (k == 0 && p->pos == p->n && p->last_len) {
        return leave(p, fail(p, p->pos, "the condition ends after '%.*s': expected a check after it",
                             (int)p->last_len, p->s + p->last_off));
    }
    if (k == 0) {
        return leave(p, fail(p, p->pos, "expected a '(' token, a field check, or an identifier"));
    }
    if ((k == 3 && (!memcmp(cur(p), "and", 3) || !memcmp(cur(p), "not", 3))) || (k == 2 && !memcmp(cur(p), "or", 2))) {
        return leave(p, fail(p, p->pos, "expected a field check, a macro name or '(' here, not the keyword '%.*s'",
                             (int)k, cur(p)));
    }
    take(p, k);
    struct th_cond_node *m = node_at(p, TH_CN_MACRO, off);
    th_cond_set_text(m, p->s + off, k);
    return leave(p, m);
}

/* "not" followed by at least one blank. */
static bool not_blank(struct parser *p)
{
    if (left(p) < 4 || memcmp(cur(p), "not", 3) != 0 || !th_cond_is_blank(cur(p)[3])) {
        return false;
    }
    take(p, 3);
    blank(p);
    return true;
}

static struct th_cond_node *parse_not(struct parser *p)
{
    if (!enter(p)) {
        return NULL;
    }
    blank(p);
    size_t off = p->pos;
    bool negate = false;
    struct th_cond_node *kid;
    while (not_blank(p)) {
        negate = !negate;
    }
    if (lit(p, "not(")) {
        negate = !negate;
        kid = parse_embedded(p);
    } else {
        kid = parse_check(p);
    }
    if (!kid || !negate) {
        return leave(p, kid);
    }
    struct th_cond_node *n = th_cond_new_not(kid);
    n->off = (uint32_t)off;
    n->len = (uint32_t)(p->pos - off);
    return leave(p, n);
}

typedef struct th_cond_node *(*parse_fn)(struct parser *p);

/* One n-ary level: first (kw (blank next | '(' embedded))*. */
static struct th_cond_node *parse_nary(struct parser *p, const char *kw, enum th_cond_kind kind, parse_fn next)
{
    if (!enter(p)) {
        return NULL;
    }
    blank(p);
    struct th_cond_node *first = next(p);
    struct th_cond_node *n = NULL;
    if (!first) {
        return leave(p, NULL);
    }
    blank(p);
    while (lit(p, kw)) {
        struct th_cond_node *kid = NULL;
        if (blank(p)) {
            kid = next(p);
        } else if (lit(p, "(")) {
            kid = parse_embedded(p);
        } else if (p->pos == p->n) {
            fail(p, p->pos, "the condition ends after '%s': expected a check after it", kw);
        } else {
            fail(p, p->pos, "expected blank or '(' after '%s'", kw);
        }
        if (!kid) {
            th_cond_free(n ? n : first);
            return leave(p, NULL);
        }
        if (!n) {
            n = th_cond_new(kind, p->src, first->off, first->len);
            th_cond_add(n, first);
        }
        th_cond_add(n, kid);
        extend_to(n, kid);
        blank(p);
    }
    return leave(p, n ? n : first);
}

static struct th_cond_node *parse_and(struct parser *p)
{
    return parse_nary(p, "and", TH_CN_AND, parse_not);
}

static struct th_cond_node *parse_or(struct parser *p)
{
    return parse_nary(p, "or", TH_CN_OR, parse_and);
}

/* ---- entry points ---- */

static void parser_init(struct parser *p, const struct th_cond_src *src, uint32_t max_depth, struct th_err *err)
{
    memset(p, 0, sizeof(*p));
    p->src = src;
    p->s = src->text ? src->text : "";
    p->n = src->text ? src->len : 0;
    p->max_depth = max_depth ? max_depth : TH_COND_MAX_DEPTH;
    p->err = err;
    th_buf_init(&p->tmp);
}

static struct th_cond_node *finish(struct parser *p, struct th_cond_node *n)
{
    if (n && p->pos != p->n) {
        fail(p, p->pos, "unexpected token after '%.*s', expecting 'or', 'and'", (int)p->last_len, p->s + p->last_off);
        th_cond_free(n);
        n = NULL;
    }
    th_buf_free(&p->tmp);
    return n;
}

struct th_cond_node *th_cond_parse(const struct th_cond_src *src, const struct th_cond_parse_opts *opts,
                                   struct th_err *err)
{
    struct parser p;
    parser_init(&p, src, opts ? opts->max_depth : 0, err);
    if (p.n == 0) {
        fail(&p, 0, "filter input string is empty");
        return finish(&p, NULL);
    }
    return finish(&p, parse_or(&p));
}

struct th_cond_node *th_cond_parse_operand(const struct th_cond_src *src, struct th_err *err)
{
    struct parser p;
    parser_init(&p, src, 0, err);
    blank(&p);
    size_t off = p.pos;
    enum th_cond_xform xf;
    struct th_cond_node *n = try_field(&p);
    if (!n && !p.failed && xform_open(&p, &xf)) {
        n = parse_xform(&p, off, xf);
    }
    if (!n && !p.failed) {
        fail(&p, p.pos, "expected a field or a field with a valid transformer");
    }
    if (n) {
        blank(&p);
    }
    if (n && p.pos != p.n) {
        fail(&p, p.pos, "unexpected text after the field '%.*s'", (int)(p.pos - off), p.s + off);
        th_cond_free(n);
        n = NULL;
    }
    th_buf_free(&p.tmp);
    return n;
}
