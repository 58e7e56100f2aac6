/* cond_resolve.c - list and macro resolution on condition trees, and exceptions built as trees.
 * Works on nodes only: a list item or exception value never goes back through text, so quotes, commas and
 * parentheses inside values survive (Falco's text substitution breaks them). Visibility is the caller's:
 * each lookup passes the bound of the definition being resolved. Invariant: a name being expanded is on the
 * expansion stack, so a reference back to it is reported as a loop instead of recursing forever. */
#include "cond_resolve.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cond_lexer.h"
#include "cond_parser.h"

#define MAX_NESTING 256u /* macro/list nesting deeper than this is reported as a loop */

struct rstate {
    const struct th_cond_resolver *r;
    struct th_err *err;
    const char *stack[MAX_NESTING]; /* names being expanded (macros and lists share it; kinds differ) */
    bool stack_macro[MAX_NESTING];
    unsigned depth;
};

static bool on_stack(const struct rstate *rs, const char *name, bool macro)
{
    for (unsigned i = 0; i < rs->depth; i++) {
        if (rs->stack_macro[i] == macro && strcmp(rs->stack[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* "a -> b -> a": the expansion chain from the first expansion of name (same kind) back to name. */
static void loop_chain(const struct rstate *rs, const char *name, bool macro, struct th_buf *b)
{
    unsigned from = 0;
    while (from < rs->depth && !(rs->stack_macro[from] == macro && strcmp(rs->stack[from], name) == 0)) {
        from++;
    }
    for (unsigned i = from; i < rs->depth; i++) {
        th_buf_printf(b, "%s -> ", rs->stack[i]);
    }
    th_buf_puts(b, name);
}

static int push(struct rstate *rs, const struct th_cond_node *at, const char *name, bool macro)
{
    if (on_stack(rs, name, macro) || rs->depth >= MAX_NESTING) {
        struct th_buf chain;
        th_buf_init(&chain);
        if (rs->depth < MAX_NESTING) {
            loop_chain(rs, name, macro, &chain);
        }
        th_cond_diag_node(rs->err, TH_SEV_ERROR, TH_E_MACRO_LOOP, at, "reference loop in %s '%s'%s%s",
                          macro ? "macro" : "list", name, chain.len ? ": " : " (nested too deeply)",
                          chain.len ? chain.data : "");
        th_buf_free(&chain);
        return -1;
    }
    rs->stack[rs->depth] = name;
    rs->stack_macro[rs->depth] = macro;
    rs->depth++;
    return 0;
}

static void mark(const struct rstate *rs, int is_macro, const char *name)
{
    if (rs->r->mark_used) {
        rs->r->mark_used(rs->r->ctx, is_macro, name);
    }
}

static int find_list(const struct rstate *rs, const char *name, uint32_t bound, struct th_cond_list_def *def)
{
    memset(def, 0, sizeof(*def));
    return rs->r->find_list && rs->r->find_list(rs->r->ctx, name, bound, def) == 1;
}

/* A list item or exception value as written in YAML: '"a b"' is unquoted (escapes decoded), anything else is
 * taken literally. Returns an owned STR node, or NULL with the reason in why when the quotes are broken. */
static struct th_cond_node *value_node(const char *raw, char *why, size_t whylen)
{
    size_t n = strlen(raw);
    if (n == 0 || (raw[0] != '"' && raw[0] != '\'')) {
        return th_cond_new_str(raw, n, false);
    }
    struct th_buf b;
    size_t used = 0, eoff = 0;
    th_buf_init(&b);
    th_buf_puts(&b, "");
    int rc = th_cond_lex_quoted(raw, n, &b, &used, &eoff, why, whylen);
    if (rc > 0 && used != n) {
        snprintf(why, whylen, "text after the closing quote");
        rc = -1;
    }
    struct th_cond_node *v = rc > 0 ? th_cond_new_str(b.data, b.len, true) : NULL;
    th_buf_free(&b);
    return v;
}

static void place(struct th_cond_node *n, const struct th_cond_node *at)
{
    n->src = at->src;
    n->off = at->off;
    n->len = at->len;
}

static bool names_list(const struct th_cond_node *item)
{
    return item->kind == TH_CN_STR && !item->quoted && item->text && th_cond_is_ident(item->text, strlen(item->text));
}

/* Appends the items of list `name` (def) to out; item nodes are placed at `at` (the reference). */
static int append_items(struct rstate *rs, struct th_cond_node *out, const char *name,
                        const struct th_cond_list_def *def, const struct th_cond_node *at)
{
    if (push(rs, at, name, false) != 0) {
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < def->n && rc == 0; i++) {
        char why[96];
        struct th_cond_node *v = value_node(def->items[i] ? def->items[i] : "", why, sizeof why);
        struct th_cond_list_def sub;
        if (!v) {
            th_cond_diag_node(rs->err, TH_SEV_ERROR, TH_E_VALIDATE, at, "list '%s': item %s: %s", name,
                              def->items[i], why);
            rc = -1;
        } else if (names_list(v) && find_list(rs, v->text, def->bound, &sub)) {
            mark(rs, 0, v->text);
            rc = append_items(rs, out, v->text, &sub, at);
            th_cond_free(v);
        } else {
            place(v, at);
            th_cond_add(out, v);
        }
    }
    rs->depth--;
    return rc;
}

/* A list literal: bare items naming a visible list are replaced by that list's items. */
static int resolve_list_literal(struct rstate *rs, struct th_cond_node *list, uint32_t bound)
{
    struct th_cond_node **old = list->kids;
    size_t n = list->n;
    int rc = 0;
    list->kids = NULL;
    list->n = list->cap = 0;
    for (size_t i = 0; i < n; i++) {
        struct th_cond_list_def def;
        if (rc == 0 && names_list(old[i]) && find_list(rs, old[i]->text, bound, &def)) {
            mark(rs, 0, old[i]->text);
            rc = append_items(rs, list, old[i]->text, &def, old[i]);
            th_cond_free(old[i]);
            continue;
        }
        th_cond_add(list, old[i]);
    }
    free(old);
    return rc;
}

/* The right-hand side of a list operator: a list name becomes a list literal. */
static int resolve_list_rhs(struct rstate *rs, struct th_cond_node **slot, uint32_t bound)
{
    struct th_cond_node *n = *slot;
    if (n->kind == TH_CN_LIST) {
        return resolve_list_literal(rs, n, bound);
    }
    if (n->kind != TH_CN_LISTREF) {
        return 0;
    }
    struct th_cond_node *list = th_cond_new(TH_CN_LIST, n->src, n->off, n->len);
    struct th_cond_list_def def;
    int rc = 0;
    if (find_list(rs, n->text, bound, &def)) {
        mark(rs, 0, n->text);
        rc = append_items(rs, list, n->text, &def, n);
    } else {
        struct th_cond_node *v = th_cond_new_str(n->text, strlen(n->text), false);
        place(v, n);
        th_cond_add(list, v);
    }
    th_cond_free(n);
    *slot = list;
    return rc;
}

static int resolve_node(struct rstate *rs, struct th_cond_node **slot, struct th_cond_bounds b);

static int expand_macro(struct rstate *rs, struct th_cond_node **slot, struct th_cond_bounds b)
{
    struct th_cond_node *n = *slot;
    struct th_cond_macro_def def;
    memset(&def, 0, sizeof(def));
    if (on_stack(rs, n->text, true)) {
        return push(rs, n, n->text, true);
    }
    int found = rs->r->find_macro ? rs->r->find_macro(rs->r->ctx, n->text, b.macros, &def) : 0;
    if (found == TH_COND_MACRO_BROKEN) {
        th_cond_diag_node(rs->err, TH_SEV_ERROR, TH_E_VALIDATE, n, "macro '%s' used here has errors (see above)",
                          n->text);
        return -1;
    }
    if (found == TH_COND_MACRO_LATER) {
        const char *user = rs->depth ? rs->stack[rs->depth - 1] : NULL;
        th_cond_diag_node(rs->err, TH_SEV_ERROR, TH_E_UNKNOWN_MACRO, n,
                          "Undefined macro '%s' used in filter. (macro '%s' is defined after %s%s%s; a macro can "
                          "only use the macros defined before it)",
                          n->text, n->text, user ? "macro '" : "this macro", user ? user : "", user ? "'" : "");
        return -1;
    }
    if (found != 1 || !def.tree) {
        th_cond_diag_node(rs->err, TH_SEV_ERROR, TH_E_UNKNOWN_MACRO, n, "Undefined macro '%s' used in filter.",
                          n->text);
        return -1;
    }
    mark(rs, 1, n->text);
    struct th_cond_node *copy = th_cond_clone(def.tree);
    int rc = 0;
    if (!def.resolved) {
        if (push(rs, n, n->text, true) != 0) {
            th_cond_free(copy);
            return -1;
        }
        struct th_cond_bounds inner = {def.list_bound ? def.list_bound : TH_COND_SEE_ALL, def.bound};
        rc = resolve_node(rs, &copy, inner);
        rs->depth--;
    }
    if (rc != 0) {
        th_cond_free(copy);
        return -1;
    }
    th_cond_free(n);
    *slot = copy;
    return 0;
}

static int resolve_node(struct rstate *rs, struct th_cond_node **slot, struct th_cond_bounds b)
{
    struct th_cond_node *n = *slot;
    switch (n->kind) {
    case TH_CN_MACRO: return expand_macro(rs, slot, b);
    case TH_CN_AND:
    case TH_CN_OR:
    case TH_CN_NOT:
        for (size_t i = 0; i < n->n; i++) {
            if (resolve_node(rs, &n->kids[i], b) != 0) {
                return -1;
            }
        }
        return 0;
    case TH_CN_CMP:
        if (n->n > 1 && (th_cond_op_is_list(n->op) || n->mod != TH_MOD_NONE)) {
            return resolve_list_rhs(rs, &n->kids[1], b.lists);
        }
        return 0;
    default: return 0;
    }
}

int th_cond_resolve(struct th_cond_node **root, const struct th_cond_resolver *r, uint32_t bound,
                    struct th_err *err)
{
    struct th_cond_bounds b = {bound, bound};
    return th_cond_resolve_bounds(root, r, b, err);
}

int th_cond_resolve_bounds(struct th_cond_node **root, const struct th_cond_resolver *r, struct th_cond_bounds bounds,
                           struct th_err *err)
{
    struct rstate rs;
    memset(&rs, 0, sizeof(rs));
    rs.r = r;
    rs.err = err;
    if (!root || !*root) {
        return 0;
    }
    return resolve_node(&rs, root, bounds);
}

void th_cond_strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i]);
    }
    free(v);
}

int th_cond_list_expand(const struct th_cond_resolver *r, const char *name, uint32_t bound, char ***out, size_t *n,
                        struct th_err *err)
{
    struct rstate rs;
    struct th_cond_list_def def;
    memset(&rs, 0, sizeof(rs));
    rs.r = r;
    rs.err = err;
    *out = NULL;
    *n = 0;
    if (!find_list(&rs, name, bound, &def)) {
        th_err_add(err, TH_SEV_ERROR, TH_E_UNKNOWN_LIST, NULL, 0, 0, "Undefined list '%s'", name);
        return -1;
    }
    struct th_cond_node *list = th_cond_new(TH_CN_LIST, NULL, 0, 0);
    int rc = append_items(&rs, list, name, &def, list);
    if (rc == 0) {
        *out = th_xcalloc(list->n ? list->n : 1, sizeof(char *));
        for (size_t i = 0; i < list->n; i++) {
            (*out)[i] = th_xstrdup(list->kids[i]->text);
        }
        *n = list->n;
    }
    th_cond_free(list);
    return rc;
}

/* ---- exceptions ---- */

static struct th_diag *exc_err(struct th_err *err, const struct th_cond_exception *ex, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static struct th_diag *exc_err(struct th_err *err, const struct th_cond_exception *ex, const char *fmt, ...)
{
    struct th_buf b;
    va_list ap;
    th_buf_init(&b);
    va_start(ap, fmt);
    th_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    struct th_diag *d = th_err_add(err, TH_SEV_ERROR, TH_E_VALIDATE, ex->file, ex->line, ex->col,
                                   "exception '%s': %s", ex->name ? ex->name : "", b.data);
    th_buf_free(&b);
    return d;
}

static void strip_src(struct th_cond_node *n)
{
    n->src = NULL;
    n->off = n->len = 0;
    for (size_t i = 0; i < n->n; i++) {
        strip_src(n->kids[i]);
    }
}

/* Parses field text into an operand tree that does not borrow the text. */
static struct th_cond_node *exc_field(const struct th_cond_exception *ex, const char *text, struct th_err *err)
{
    struct th_cond_src src = {text ? text : "", text ? strlen(text) : 0, NULL, NULL};
    struct th_err tmp;
    th_err_init(&tmp);
    struct th_cond_node *f = th_cond_parse_operand(&src, &tmp);
    if (!f) {
        exc_err(err, ex, "invalid field '%s': %s", src.text, tmp.n ? tmp.v[0].msg : "parse error");
    } else {
        strip_src(f);
    }
    th_err_free(&tmp);
    return f;
}

struct exc_comp {
    enum th_cond_op op;
    enum th_cond_mod mod;
    const char *text;
};

static bool comp_takes_list(const struct exc_comp *c)
{
    return th_cond_op_is_list(c->op) || c->mod != TH_MOD_NONE;
}

static int exc_comp(const struct th_cond_exception *ex, size_t i, struct exc_comp *c, struct th_err *err)
{
    c->text = ex->comps ? ex->comps[i] : (ex->single ? "in" : "=");
    if (!c->text || th_cond_op_parse(c->text, &c->op, &c->mod) != 0 || c->op == TH_OP_EXISTS) {
        exc_err(err, ex, "'%s' is not a supported comparison operator", c->text ? c->text : "");
        return -1;
    }
    if (ex->single && !comp_takes_list(c)) {
        exc_err(err, ex, "comps '%s' cannot be used with a single field: use in, pmatch, intersects or an "
                         "operator with oneof/anyof/allof", c->text);
        return -1;
    }
    return 0;
}

/* Appends one value (string or list of strings) to a list node. */
static int add_list_value(const struct th_cond_exception *ex, struct th_cond_node *list,
                          const struct th_cond_exc_value *v, struct th_err *err)
{
    size_t n = v->str ? 1 : v->n;
    for (size_t i = 0; i < n; i++) {
        const char *raw = v->str ? v->str : v->items[i];
        char why[96];
        struct th_cond_node *s = value_node(raw ? raw : "", why, sizeof why);
        if (!s) {
            exc_err(err, ex, "value %s: %s", raw, why);
            return -1;
        }
        th_cond_add(list, s);
    }
    return 0;
}

/* The right-hand side for one comparison. */
static struct th_cond_node *exc_rhs(const struct th_cond_exception *ex, const struct exc_comp *c, const char *field,
                                    const struct th_cond_exc_value *v, struct th_err *err)
{
    if (comp_takes_list(c)) {
        struct th_cond_node *list = th_cond_new(TH_CN_LIST, NULL, 0, 0);
        if (add_list_value(ex, list, v, err) != 0) {
            th_cond_free(list);
            return NULL;
        }
        return list;
    }
    if (!v->str) {
        exc_err(err, ex, "value for field '%s' is a list, but comps '%s' takes a single value", field, c->text);
        return NULL;
    }
    char why[96];
    struct th_cond_node *s = value_node(v->str, why, sizeof why);
    if (!s) {
        exc_err(err, ex, "value %s: %s", v->str, why);
    }
    return s;
}

static struct th_cond_node *exc_cmp(const struct th_cond_exception *ex, size_t fi, const struct th_cond_exc_value *v,
                                    struct th_err *err)
{
    struct exc_comp c;
    if (exc_comp(ex, fi, &c, err) != 0) {
        return NULL;
    }
    struct th_cond_node *lhs = exc_field(ex, ex->fields[fi], err);
    if (!lhs) {
        return NULL;
    }
    struct th_cond_node *rhs = exc_rhs(ex, &c, ex->fields[fi], v, err);
    if (!rhs) {
        th_cond_free(lhs);
        return NULL;
    }
    return th_cond_new_cmp(lhs, c.op, c.mod, rhs);
}

/* Single-field form: `not f in (v1, v2, ...)`. */
static struct th_cond_node *exc_single(const struct th_cond_exception *ex, struct th_err *err)
{
    struct exc_comp c;
    if (exc_comp(ex, 0, &c, err) != 0) {
        return NULL;
    }
    struct th_cond_node *list = th_cond_new(TH_CN_LIST, NULL, 0, 0);
    for (size_t i = 0; i < ex->nvalues; i++) {
        if (add_list_value(ex, list, &ex->values[i], err) != 0) {
            th_cond_free(list);
            return NULL;
        }
    }
    struct th_cond_node *lhs = exc_field(ex, ex->fields[0], err);
    if (!lhs) {
        th_cond_free(list);
        return NULL;
    }
    return th_cond_new_cmp(lhs, c.op, c.mod, list);
}

/* One tuple: `f1 c1 v1 and f2 c2 v2` (a lone comparison for one field). */
static struct th_cond_node *exc_tuple(const struct th_cond_exception *ex, const struct th_cond_exc_tuple *t,
                                      struct th_err *err)
{
    if (t->n != ex->nfields) {
        exc_err(err, ex, "Fields and values lists must have equal length");
        return NULL;
    }
    struct th_cond_node *and = ex->nfields > 1 ? th_cond_new(TH_CN_AND, NULL, 0, 0) : NULL;
    for (size_t i = 0; i < ex->nfields; i++) {
        struct th_cond_node *cmp = exc_cmp(ex, i, &t->v[i], err);
        if (!cmp) {
            th_cond_free(and);
            return NULL;
        }
        if (!and) {
            return cmp;
        }
        th_cond_add(and, cmp);
    }
    return and;
}

static struct th_cond_node *exc_tuples(const struct th_cond_exception *ex, struct th_err *err)
{
    struct th_cond_node *or = ex->ntuples > 1 ? th_cond_new(TH_CN_OR, NULL, 0, 0) : NULL;
    for (size_t i = 0; i < ex->ntuples; i++) {
        struct th_cond_node *t = exc_tuple(ex, &ex->tuples[i], err);
        if (!t) {
            th_cond_free(or);
            return NULL;
        }
        if (!or) {
            return t;
        }
        th_cond_add(or, t);
    }
    return or;
}

int th_cond_exception_build(const struct th_cond_exception *ex, struct th_cond_node **out, struct th_err *err)
{
    *out = NULL;
    if (ex->nfields == 0 || !ex->fields) {
        exc_err(err, ex, "exception has no fields");
        return -1;
    }
    if (ex->comps && ex->ncomps != ex->nfields) {
        exc_err(err, ex, "Fields and comps lists must have equal length");
        return -1;
    }
    if (ex->single && ex->nfields != 1) {
        exc_err(err, ex, "single-field form takes exactly one field");
        return -1;
    }
    bool empty = ex->single ? ex->nvalues == 0 : ex->ntuples == 0;
    if (empty) {
        return 0;
    }
    struct th_cond_node *body = ex->single ? exc_single(ex, err) : exc_tuples(ex, err);
    if (!body) {
        return -1;
    }
    *out = th_cond_new_not(body);
    return 0;
}

int th_cond_exceptions_apply(struct th_cond_node **root, const struct th_cond_exception *exs, size_t n,
                             struct th_err *err)
{
    struct th_cond_node *and = NULL;
    for (size_t i = 0; i < n; i++) {
        struct th_cond_node *x = NULL;
        if (th_cond_exception_build(&exs[i], &x, err) != 0) {
            th_cond_free(and);
            return -1;
        }
        if (!x) {
            continue;
        }
        if (!and) {
            and = th_cond_new(TH_CN_AND, NULL, 0, 0);
        }
        th_cond_add(and, x);
    }
    if (!and) {
        return 0;
    }
    if (!*root) {
        *root = and;
        return 0;
    }
    /* Put the rule's own condition first: `(<condition>) and not (...) and not (...)`. */
    th_cond_add(and, NULL);
    memmove(and->kids + 1, and->kids, (and->n - 1) * sizeof(*and->kids));
    and->kids[0] = *root;
    place(and, *root);
    *root = and;
    return 0;
}
