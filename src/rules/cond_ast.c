/* cond_ast.c - condition tree: constructors, deep copy, free, walk and the canonical printer.
 * Invariant: a node owns its text, arg and kids; src is borrowed and copied as a pointer. The canonical
 * printer's output parses back (th_cond_parse) to a tree that prints identically. */
#include "cond_ast.h"

#include <stdlib.h>
#include <string.h>

#include "cond_lexer.h"

static const char *const op_names[] = {
#define TH_X_OP(e, s) s,
    TH_COND_OP_LIST(TH_X_OP)
#undef TH_X_OP
};

static const char *const xf_names[] = {
#define TH_X_XF(e, s) s,
    TH_COND_XFORM_LIST(TH_X_XF)
#undef TH_X_XF
};

const char *th_cond_op_str(enum th_cond_op op)
{
    return (unsigned)op < TH_OP_COUNT ? op_names[op] : "?";
}

const char *th_cond_mod_str(enum th_cond_mod mod)
{
    switch (mod) {
    case TH_MOD_ONEOF: return "oneof";
    case TH_MOD_ANYOF: return "anyof";
    case TH_MOD_ALLOF: return "allof";
    default: return "";
    }
}

const char *th_cond_xform_str(enum th_cond_xform xf)
{
    return (unsigned)xf < TH_XF_COUNT ? xf_names[xf] : "?";
}

bool th_cond_op_is_list(enum th_cond_op op)
{
    return op == TH_OP_IN || op == TH_OP_INTERSECTS || op == TH_OP_PMATCH;
}

bool th_cond_op_is_num(enum th_cond_op op)
{
    return op == TH_OP_LT || op == TH_OP_LE || op == TH_OP_GT || op == TH_OP_GE;
}

static int parse_mod(const char *s, size_t n, enum th_cond_mod *mod)
{
    static const enum th_cond_mod mods[] = {TH_MOD_ONEOF, TH_MOD_ANYOF, TH_MOD_ALLOF};
    for (size_t i = 0; i < 3; i++) {
        const char *name = th_cond_mod_str(mods[i]);
        if (strlen(name) == n && memcmp(s, name, n) == 0) {
            *mod = mods[i];
            return 0;
        }
    }
    return -1;
}

static int parse_op_word(const char *s, size_t n, enum th_cond_op *op)
{
    if (n == 2 && memcmp(s, "==", 2) == 0) {
        *op = TH_OP_EQ;
        return 0;
    }
    for (size_t i = 0; i < TH_OP_COUNT; i++) {
        if (strlen(op_names[i]) == n && memcmp(s, op_names[i], n) == 0) {
            *op = (enum th_cond_op)i;
            return 0;
        }
    }
    return -1;
}

static bool op_takes_mod(enum th_cond_op op)
{
    return !th_cond_op_is_list(op) && !th_cond_op_is_num(op) && op != TH_OP_EXISTS;
}

int th_cond_op_parse(const char *s, enum th_cond_op *op, enum th_cond_mod *mod)
{
    const char *w1 = s + strspn(s, " \t");
    size_t n1 = strcspn(w1, " \t");
    const char *w2 = w1 + n1 + strspn(w1 + n1, " \t");
    size_t n2 = strcspn(w2, " \t");
    const char *end = w2 + n2 + strspn(w2 + n2, " \t");
    *mod = TH_MOD_NONE;
    if (*end != '\0' || parse_op_word(w1, n1, op) != 0) {
        return -1;
    }
    if (n2 == 0) {
        return 0;
    }
    return op_takes_mod(*op) && parse_mod(w2, n2, mod) == 0 ? 0 : -1;
}

struct th_cond_node *th_cond_new(enum th_cond_kind kind, const struct th_cond_src *src, uint32_t off, uint32_t len)
{
    struct th_cond_node *n = th_xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->src = src;
    n->off = off;
    n->len = len;
    return n;
}

void th_cond_set_text(struct th_cond_node *node, const char *s, size_t n)
{
    free(node->text);
    node->text = th_xstrndup(s, n);
}

struct th_cond_node *th_cond_new_str(const char *s, size_t n, bool quoted)
{
    struct th_cond_node *node = th_cond_new(TH_CN_STR, NULL, 0, 0);
    th_cond_set_text(node, s, n);
    node->quoted = quoted;
    return node;
}

struct th_cond_node *th_cond_new_field(const char *name, const char *arg, bool arg_quoted)
{
    struct th_cond_node *node = th_cond_new(TH_CN_FIELD, NULL, 0, 0);
    node->text = th_xstrdup(name);
    node->arg = arg ? th_xstrdup(arg) : NULL;
    node->arg_quoted = arg_quoted;
    return node;
}

void th_cond_add(struct th_cond_node *parent, struct th_cond_node *kid)
{
    if (parent->n == parent->cap) {
        parent->cap = parent->cap ? parent->cap * 2 : 2;
        parent->kids = th_xrealloc(parent->kids, parent->cap * sizeof(*parent->kids));
    }
    parent->kids[parent->n++] = kid;
}

struct th_cond_node *th_cond_new_cmp(struct th_cond_node *lhs, enum th_cond_op op, enum th_cond_mod mod,
                                     struct th_cond_node *rhs)
{
    struct th_cond_node *n = th_cond_new(TH_CN_CMP, lhs->src, lhs->off, lhs->len);
    n->op = op;
    n->mod = mod;
    th_cond_add(n, lhs);
    if (rhs) {
        th_cond_add(n, rhs);
        if (rhs->src == lhs->src && rhs->off + rhs->len > n->off) {
            n->len = rhs->off + rhs->len - n->off;
        }
    }
    return n;
}

struct th_cond_node *th_cond_new_not(struct th_cond_node *kid)
{
    struct th_cond_node *n = th_cond_new(TH_CN_NOT, kid->src, kid->off, kid->len);
    th_cond_add(n, kid);
    return n;
}

struct th_cond_node *th_cond_and_take(struct th_cond_node *a, struct th_cond_node *b)
{
    if (!a || !b) {
        return a ? a : b;
    }
    struct th_cond_node *n = th_cond_new(TH_CN_AND, a->src, a->off, a->len);
    th_cond_add(n, a);
    th_cond_add(n, b);
    return n;
}

struct th_cond_node *th_cond_clone(const struct th_cond_node *n)
{
    if (!n) {
        return NULL;
    }
    struct th_cond_node *c = th_xmalloc(sizeof(*c));
    *c = *n;
    c->text = n->text ? th_xstrdup(n->text) : NULL;
    c->arg = n->arg ? th_xstrdup(n->arg) : NULL;
    c->kids = n->n ? th_xmalloc(n->n * sizeof(*c->kids)) : NULL;
    c->cap = n->n;
    for (size_t i = 0; i < n->n; i++) {
        c->kids[i] = th_cond_clone(n->kids[i]);
    }
    return c;
}

void th_cond_free(struct th_cond_node *n)
{
    if (!n) {
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        th_cond_free(n->kids[i]);
    }
    free(n->kids);
    free(n->text);
    free(n->arg);
    free(n);
}

static int walk(const struct th_cond_node *n, unsigned depth, th_cond_walk_fn fn, void *ctx)
{
    int rc = fn(n, depth, ctx);
    if (rc != 0) {
        return rc < 0 ? -1 : 0;
    }
    for (size_t i = 0; i < n->n; i++) {
        if (walk(n->kids[i], depth + 1, fn, ctx) < 0) {
            return -1;
        }
    }
    return 0;
}

int th_cond_walk(const struct th_cond_node *n, th_cond_walk_fn fn, void *ctx)
{
    return n ? walk(n, 0, fn, ctx) : 0;
}

/* ---- canonical printer ---- */

static void put_quoted(struct th_buf *b, const char *s)
{
    th_buf_putc(b, '"');
    for (; *s; s++) {
        switch (*s) {
        case '"': th_buf_puts(b, "\\\""); break;
        case '\\': th_buf_puts(b, "\\\\"); break;
        case '\b': th_buf_puts(b, "\\b"); break;
        case '\f': th_buf_puts(b, "\\f"); break;
        case '\n': th_buf_puts(b, "\\n"); break;
        case '\r': th_buf_puts(b, "\\r"); break;
        case '\t': th_buf_puts(b, "\\t"); break;
        default: th_buf_putc(b, *s);
        }
    }
    th_buf_putc(b, '"');
}

/* A bare value must lex back as exactly itself and must not read as an operator modifier. */
static bool value_needs_quotes(const char *s)
{
    size_t n = strlen(s);
    enum th_cond_mod mod;
    return !th_cond_is_barestr(s, n) || parse_mod(s, n, &mod) == 0;
}

void th_cond_print_value(struct th_buf *b, const char *s, bool force_quotes)
{
    if (force_quotes || value_needs_quotes(s)) {
        put_quoted(b, s);
        return;
    }
    th_buf_puts(b, s);
}

static void print_arg(struct th_buf *b, const struct th_cond_node *n)
{
    if (!n->arg) {
        return;
    }
    size_t len = strlen(n->arg);
    th_buf_putc(b, '[');
    if (len > 0 && th_cond_span_argbare(n->arg, len) == len) {
        th_buf_puts(b, n->arg);
    } else {
        put_quoted(b, n->arg);
    }
    th_buf_putc(b, ']');
}

static void print_node(struct th_buf *b, const struct th_cond_node *n);

static void print_kids(struct th_buf *b, const struct th_cond_node *n, const char *sep)
{
    for (size_t i = 0; i < n->n; i++) {
        th_buf_puts(b, i ? sep : "");
        print_node(b, n->kids[i]);
    }
}

/* Transformer arguments: a string argument lexes back only as a quoted string or a number. */
static void print_xform_args(struct th_buf *b, const struct th_cond_node *n)
{
    for (size_t i = 0; i < n->n; i++) {
        const struct th_cond_node *k = n->kids[i];
        th_buf_puts(b, i ? ", " : "");
        if (k->kind == TH_CN_STR && k->text) {
            th_cond_print_value(b, k->text, !th_cond_is_number(k->text, strlen(k->text)));
            continue;
        }
        print_node(b, k);
    }
}

static void print_logical(struct th_buf *b, const struct th_cond_node *n, const char *sep)
{
    for (size_t i = 0; i < n->n; i++) {
        const struct th_cond_node *k = n->kids[i];
        bool paren = k->kind == TH_CN_AND || k->kind == TH_CN_OR;
        th_buf_puts(b, i ? sep : "");
        th_buf_puts(b, paren ? "(" : "");
        print_node(b, k);
        th_buf_puts(b, paren ? ")" : "");
    }
}

static void print_not(struct th_buf *b, const struct th_cond_node *n)
{
    const struct th_cond_node *k = n->n ? n->kids[0] : NULL;
    bool paren = k && k->kind != TH_CN_CMP && k->kind != TH_CN_MACRO;
    th_buf_puts(b, paren ? "not (" : "not ");
    if (k) {
        print_node(b, k);
    }
    th_buf_puts(b, paren ? ")" : "");
}

static void print_cmp(struct th_buf *b, const struct th_cond_node *n)
{
    if (n->n > 0) {
        print_node(b, n->kids[0]);
    }
    th_buf_putc(b, ' ');
    th_buf_puts(b, th_cond_op_str(n->op));
    if (n->mod != TH_MOD_NONE) {
        th_buf_putc(b, ' ');
        th_buf_puts(b, th_cond_mod_str(n->mod));
    }
    if (n->n > 1) {
        th_buf_putc(b, ' ');
        print_node(b, n->kids[1]);
    }
}

static void print_node(struct th_buf *b, const struct th_cond_node *n)
{
    switch (n->kind) {
    case TH_CN_AND: print_logical(b, n, " and "); break;
    case TH_CN_OR: print_logical(b, n, " or "); break;
    case TH_CN_NOT: print_not(b, n); break;
    case TH_CN_CMP: print_cmp(b, n); break;
    case TH_CN_MACRO:
    case TH_CN_LISTREF: th_buf_puts(b, n->text ? n->text : ""); break;
    case TH_CN_FIELD:
        th_buf_puts(b, n->text ? n->text : "");
        print_arg(b, n);
        break;
    case TH_CN_XFORM:
        th_buf_puts(b, th_cond_xform_str(n->xf));
        th_buf_putc(b, '(');
        print_xform_args(b, n);
        th_buf_putc(b, ')');
        print_arg(b, n);
        break;
    case TH_CN_VAL:
        th_buf_puts(b, "val(");
        print_kids(b, n, ", ");
        th_buf_putc(b, ')');
        break;
    case TH_CN_STR: th_cond_print_value(b, n->text ? n->text : "", false); break;
    case TH_CN_LIST:
        th_buf_putc(b, '(');
        print_kids(b, n, ", ");
        th_buf_putc(b, ')');
        break;
    }
}

void th_cond_print_buf(struct th_buf *b, const struct th_cond_node *n)
{
    if (n) {
        print_node(b, n);
    }
}

char *th_cond_print(const struct th_cond_node *n)
{
    struct th_buf b;
    th_buf_init(&b);
    th_buf_puts(&b, "");
    th_cond_print_buf(&b, n);
    return th_buf_take(&b);
}
