/* rule_reader.c - Falco rules files -> decoded items with positions.
 * libyaml parser events (not its document API, so every node keeps its exact start/end marks) are built into a
 * small arena tree; each top-level sequence element is then checked against the rules-file schema and decoded
 * into a th_ritem handed to the collector (rule_collector.c), in file order.
 * Invariants: the reader knows YAML shapes and positions only (no names/order semantics); a YAML syntax error
 * drops the whole file; a schema error drops only its item, and the next item is read. Never prints. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "rule_items.h"

#define MAX_DEPTH 512

/* ---- YAML events -> tree ---- */

struct kidvec {
    struct th_ynode *node;
    struct th_ynode **v;
    size_t n, cap;
};

struct anchor {
    const char *name;
    struct th_ynode *node;
};

struct builder {
    struct th_arena *arena;
    const char *src;
    size_t src_len;
    size_t ci, bi; /* libyaml marks count characters: character index ci sits at byte bi */
    struct kidvec stack[MAX_DEPTH];
    size_t depth;
    struct anchor *anchors;
    size_t n_anchors;
    struct th_ynode **docs;
    size_t n_docs;
};

static uint32_t byte_col_at(const char *src, size_t i)
{
    size_t j = i;
    while (j > 0 && src[j - 1] != '\n' && src[j - 1] != '\r') {
        j--;
    }
    return (uint32_t)(i - j + 1);
}

static size_t utf8_width(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Byte offset of libyaml's character index ci (marks move forward, so this is amortised linear). */
static size_t byte_at(struct builder *b, size_t ci)
{
    if (ci < b->ci) {
        b->ci = 0;
        b->bi = b->src_len >= 3 && !memcmp(b->src, "\xEF\xBB\xBF", 3) ? 3 : 0;
    }
    while (b->ci < ci && b->bi < b->src_len) {
        b->bi += utf8_width((unsigned char)b->src[b->bi]);
        b->ci++;
    }
    return b->bi < b->src_len ? b->bi : b->src_len;
}

static struct th_ynode *new_node(struct builder *b, enum th_ykind kind, const yaml_event_t *ev)
{
    struct th_ynode *n = th_arena_alloc(b->arena, sizeof *n);
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->line = (uint32_t)ev->start_mark.line + 1;
    n->start = byte_at(b, ev->start_mark.index);
    n->col = byte_col_at(b->src, n->start);
    n->end = byte_at(b, ev->end_mark.index);
    return n;
}

static void push_kid(struct kidvec *k, struct th_ynode *n)
{
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 8;
        k->v = th_xrealloc(k->v, k->cap * sizeof *k->v);
    }
    k->v[k->n++] = n;
}

static void attach(struct builder *b, struct th_ynode *n)
{
    if (b->depth == 0) {
        b->docs = th_xrealloc(b->docs, (b->n_docs + 1) * sizeof *b->docs);
        b->docs[b->n_docs++] = n;
        return;
    }
    push_kid(&b->stack[b->depth - 1], n);
}

static void remember_anchor(struct builder *b, const yaml_char_t *name, struct th_ynode *n)
{
    if (!name) {
        return;
    }
    b->anchors = th_xrealloc(b->anchors, (b->n_anchors + 1) * sizeof *b->anchors);
    b->anchors[b->n_anchors].name = th_arena_strndup(b->arena, (const char *)name, strlen((const char *)name));
    b->anchors[b->n_anchors].node = n;
    b->n_anchors++;
}

static struct th_ynode *find_anchor(const struct builder *b, const yaml_char_t *name)
{
    for (size_t i = b->n_anchors; i-- > 0;) {
        if (strcmp(b->anchors[i].name, (const char *)name) == 0) {
            return b->anchors[i].node;
        }
    }
    return NULL;
}

static int is_null_plain(const char *s, size_t n)
{
    return n == 0 || (n == 1 && s[0] == '~') ||
           (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

static enum th_scalar_style map_style(yaml_scalar_style_t st)
{
    switch (st) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return TH_SCALAR_SINGLE;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return TH_SCALAR_DOUBLE;
    case YAML_LITERAL_SCALAR_STYLE: return TH_SCALAR_LITERAL;
    case YAML_FOLDED_SCALAR_STYLE: return TH_SCALAR_FOLDED;
    default: return TH_SCALAR_PLAIN;
    }
}

/* A scalar's start mark sits on its properties (`&anchor`, `!tag`) when it has some: move to the value. */
static void skip_properties(struct builder *b, struct th_ynode *n)
{
    size_t i = n->start;
    while (i < n->end && (b->src[i] == '&' || b->src[i] == '!')) {
        int verbatim = b->src[i] == '!' && i + 1 < n->end && b->src[i + 1] == '<';
        while (i < n->end && (verbatim ? b->src[i] != '>' : !strchr(" \t\r\n", b->src[i]))) {
            i++;
        }
        i += verbatim;
        while (i < n->end && strchr(" \t\r\n", b->src[i])) {
            n->line += b->src[i] == '\n';
            i++;
        }
    }
    n->start = i;
    n->col = byte_col_at(b->src, i);
}

static void on_scalar(struct builder *b, const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    enum th_scalar_style st = map_style(ev->data.scalar.style);
    int null = st == TH_SCALAR_PLAIN && !ev->data.scalar.tag && is_null_plain(v, len);
    struct th_ynode *n = new_node(b, null ? TH_Y_NULL : TH_Y_SCALAR, ev);
    n->style = st;
    n->str = th_arena_strndup(b->arena, v, len);
    n->len = len;
    if (ev->data.scalar.anchor || ev->data.scalar.tag) {
        skip_properties(b, n);
    }
    remember_anchor(b, ev->data.scalar.anchor, n);
    attach(b, n);
}

static int on_open(struct builder *b, const yaml_event_t *ev, enum th_ykind kind, const yaml_char_t *anchor)
{
    if (b->depth == MAX_DEPTH) {
        return -1;
    }
    struct th_ynode *n = new_node(b, kind, ev);
    remember_anchor(b, anchor, n);
    attach(b, n);
    struct kidvec *k = &b->stack[b->depth++];
    memset(k, 0, sizeof *k);
    k->node = n;
    return 0;
}

static void on_close(struct builder *b, const yaml_event_t *ev)
{
    struct kidvec *k = &b->stack[--b->depth];
    k->node->end = byte_at(b, ev->end_mark.index);
    k->node->n = k->n;
    k->node->kids = th_arena_alloc(b->arena, (k->n ? k->n : 1) * sizeof *k->node->kids);
    if (k->n) {
        memcpy(k->node->kids, k->v, k->n * sizeof *k->v);
    }
    free(k->v);
}

static void builder_free(struct builder *b)
{
    while (b->depth) {
        free(b->stack[--b->depth].v);
    }
    free(b->anchors);
    free(b->docs);
}

/* Quotes source line `line` (1-based) of text with a caret at col, for errors found before any node exists. */
static void yaml_snippet(struct th_diag *d, const char *text, size_t len, uint32_t line, uint32_t col)
{
    size_t a = 0;
    for (uint32_t l = 1; l < line; l++) {
        const char *nl = memchr(text + a, '\n', len - a);
        if (!nl) {
            return;
        }
        a = (size_t)(nl - text) + 1;
    }
    size_t b = a;
    while (b < len && text[b] != '\n' && text[b] != '\r') {
        b++;
    }
    if (a < b || a < len) {
        th_diag_set_snippet(d, text + a, b - a, col <= b - a + 1 ? col : 0, 1);
    }
}

static void yaml_error(const yaml_parser_t *p, const char *file, const char *text, size_t len, struct th_err *err)
{
    const yaml_mark_t *m = &p->problem_mark;
    const yaml_mark_t *cm = &p->context_mark;
    const char *problem = p->problem ? p->problem : "invalid YAML";
    const char *hint = strcmp(problem, "mapping values are not allowed in this context") == 0
                           ? " (check the indentation of this line, or quote a value that contains ': ')"
                           : "";
    uint32_t line = (uint32_t)m->line + 1, col = (uint32_t)m->column + 1;
    struct th_diag *d;
    if (p->context && (cm->line != m->line || cm->column != m->column)) {
        d = th_err_add(err, TH_SEV_ERROR, TH_E_YAML_PARSE, file, line, col, "%s started at line %u column %u: %s%s",
                       p->context, (unsigned)cm->line + 1, (unsigned)cm->column + 1, problem, hint);
    } else if (p->context) {
        d = th_err_add(err, TH_SEV_ERROR, TH_E_YAML_PARSE, file, line, col, "%s %s%s", p->context, problem, hint);
    } else {
        d = th_err_add(err, TH_SEV_ERROR, TH_E_YAML_PARSE, file, line, col, "%s%s", problem, hint);
    }
    yaml_snippet(d, text, len, line, col);
    if (!d->snippet && p->context) { /* e.g. end of stream inside a quoted scalar: show where it started */
        yaml_snippet(d, text, len, (uint32_t)cm->line + 1, (uint32_t)cm->column + 1);
    }
}

/* One event; returns 1 to go on, 0 at stream end, -1 on error (already reported). */
static int on_event(struct builder *b, const yaml_event_t *ev, const char *file, struct th_err *err)
{
    switch (ev->type) {
    case YAML_STREAM_END_EVENT:
        return 0;
    case YAML_SCALAR_EVENT:
        on_scalar(b, ev);
        return 1;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int seq = ev->type == YAML_SEQUENCE_START_EVENT;
        const yaml_char_t *anchor = seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
        if (on_open(b, ev, seq ? TH_Y_SEQ : TH_Y_MAP, anchor) < 0) {
            th_err_add(err, TH_SEV_ERROR, TH_E_YAML_PARSE, file, (uint32_t)ev->start_mark.line + 1,
                       (uint32_t)ev->start_mark.column + 1, "YAML nesting deeper than %d levels", MAX_DEPTH);
            return -1;
        }
        return 1;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        on_close(b, ev);
        return 1;
    case YAML_ALIAS_EVENT: {
        struct th_ynode *n = find_anchor(b, ev->data.alias.anchor);
        if (!n) {
            th_err_add(err, TH_SEV_ERROR, TH_E_YAML_PARSE, file, (uint32_t)ev->start_mark.line + 1,
                       (uint32_t)ev->start_mark.column + 1, "undefined alias '%s'",
                       (const char *)ev->data.alias.anchor);
            return -1;
        }
        attach(b, n);
        return 1;
    }
    default:
        return 1;
    }
}

/* Parses the whole text; on success b->docs holds every document root. Returns 0 or -1 (reported). */
static int build_tree(struct builder *b, const char *text, size_t len, const char *file, struct th_err *err)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        th_err_add(err, TH_SEV_ERROR, TH_E_YAML_PARSE, file, 0, 0, "cannot initialise the YAML parser");
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int rc = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            yaml_error(&p, file, text, len, err);
            rc = -1;
            break;
        }
        int r = on_event(b, &ev, file, err);
        yaml_event_delete(&ev);
        if (r <= 0) {
            rc = r;
            break;
        }
    }
    yaml_parser_delete(&p);
    return rc;
}

/* ---- item decoding ---- */

struct rd {
    struct th_rule_set *set;
    const char *file; /* interned */
    const char *src;
    size_t src_len;
    struct th_err *err;
    unsigned errors; /* errors added for the current item */
    const char *kind; /* "rule", "list", ... for the context line */
    const char *name;
    struct th_rpos item_pos;
};

static struct th_rpos npos(const struct rd *r, const struct th_ynode *n)
{
    struct th_rpos p = {r->file, n ? n->line : 0, n ? n->col : 0};
    return p;
}

static void set_context(struct th_diag *d, const struct rd *r)
{
    if (!r->kind) {
        return;
    }
    if (!r->name || !*r->name) {
        th_diag_set_item(d, "%s (%s:%u:%u)", r->kind, r->file, r->item_pos.line, r->item_pos.col);
        return;
    }
    th_diag_set_item(d, "%s '%s' (%s:%u:%u)", r->kind, r->name, r->file, r->item_pos.line, r->item_pos.col);
}

/* Shows the source line of node n under the message, with a caret under the node (first line only). */
static void add_snippet(struct th_diag *d, const struct rd *r, const struct th_ynode *n)
{
    if (!n || n->start >= r->src_len) {
        return;
    }
    size_t a = n->start, b = n->start;
    while (a > 0 && r->src[a - 1] != '\n') {
        a--;
    }
    while (b < r->src_len && r->src[b] != '\n' && r->src[b] != '\r') {
        b++;
    }
    size_t end = n->end < b ? n->end : b;
    uint32_t caret = end > n->start ? (uint32_t)(end - n->start) : 1;
    th_diag_set_snippet(d, r->src + a, b - a, (uint32_t)(n->start - a + 1), caret);
}

static void diag(struct rd *r, enum th_sev sev, enum th_code code, const struct th_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void diag(struct rd *r, enum th_sev sev, enum th_code code, const struct th_ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct th_rpos p = npos(r, n);
    struct th_diag *d = th_err_addv(r->err, sev, code, r->file, p.line, p.col, fmt, ap);
    va_end(ap);
    set_context(d, r);
    add_snippet(d, r, n);
    if (sev == TH_SEV_ERROR) {
        r->errors++;
    }
}

#define SCHEMA_ERR(r, n, ...) diag((r), TH_SEV_ERROR, TH_E_SCHEMA, (n), __VA_ARGS__)

static int key_is(const struct th_ynode *k, const char *key)
{
    return k->kind == TH_Y_SCALAR && strcmp(k->str, key) == 0;
}

/* The value node for key (first occurrence), or NULL. */
static const struct th_ynode *map_get(const struct th_ynode *m, const char *key)
{
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        if (key_is(m->kids[i], key)) {
            return m->kids[i + 1];
        }
    }
    return NULL;
}

static const struct th_ynode *map_key(const struct th_ynode *m, const char *key)
{
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        if (key_is(m->kids[i], key)) {
            return m->kids[i];
        }
    }
    return NULL;
}

/* A required/optional non-empty scalar. Returns the node, or NULL (absent, or error reported). */
static const struct th_ynode *get_scalar(struct rd *r, const struct th_ynode *m, const char *key, int required)
{
    const struct th_ynode *v = map_get(m, key);
    if (!v) {
        if (required) {
            SCHEMA_ERR(r, m, "Item has no mapping for key '%s'", key);
        }
        return NULL;
    }
    if (v->kind == TH_Y_NULL) {
        SCHEMA_ERR(r, map_key(m, key), "Mapping for key '%s' is empty", key);
        return NULL;
    }
    if (v->kind != TH_Y_SCALAR) {
        SCHEMA_ERR(r, v, "Value is not a scalar value: key '%s' takes a single string, not a %s", key,
                   v->kind == TH_Y_SEQ ? "list" : "mapping");
        return NULL;
    }
    if (v->len == 0) {
        SCHEMA_ERR(r, v, "Value must be non-empty");
        return NULL;
    }
    return v;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
    static const char *const no[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Optional bool key. Returns 1 if present and decoded, 0 if absent, -1 on error. */
static int get_bool(struct rd *r, const struct th_ynode *m, const char *key, bool *out)
{
    if (!map_get(m, key)) {
        return 0;
    }
    const struct th_ynode *v = get_scalar(r, m, key, 1);
    if (!v) {
        return -1;
    }
    if (parse_bool(v->str, out) < 0) {
        SCHEMA_ERR(r, v, "Can't decode YAML scalar value");
        return -1;
    }
    return 1;
}

static void text_from(struct rd *r, struct th_text *t, const struct th_ynode *v)
{
    struct th_scalar_src s = {r->src, r->src_len, v->start, v->end, v->line, v->col, v->style};
    th_text_set_scalar(t, r->file, v->str, v->len, &s);
}

static int get_text(struct rd *r, const struct th_ynode *m, const char *key, int required, struct th_text *t)
{
    const struct th_ynode *v = get_scalar(r, m, key, required);
    if (!v) {
        return map_get(m, key) || required ? -1 : 0;
    }
    text_from(r, t, v);
    return 1;
}

static void rstr_push(struct th_rstr **v, size_t *n, const char *s, struct th_rpos pos)
{
    *v = th_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n].s = th_xstrdup(s);
    (*v)[*n].pos = pos;
    (*n)++;
}

static void rstr_free(struct th_rstr *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].s);
    }
    free(v);
}

/* A sequence of scalars (items:, tags:). Returns 1 if present and decoded, 0 if absent, -1 on error. */
static int get_strseq(struct rd *r, const struct th_ynode *m, const char *key, int required, struct th_rstr **out,
                      size_t *n)
{
    const struct th_ynode *v = map_get(m, key);
    if (!v) {
        if (required) {
            SCHEMA_ERR(r, m, "Item has no mapping for key '%s'", key);
            return -1;
        }
        return 0;
    }
    if (v->kind != TH_Y_SEQ) {
        SCHEMA_ERR(r, v->kind == TH_Y_NULL ? map_key(m, key) : v, "Value is not a sequence");
        return -1;
    }
    for (size_t i = 0; i < v->n; i++) {
        const struct th_ynode *e = v->kids[i];
        if (e->kind != TH_Y_SCALAR && e->kind != TH_Y_NULL) {
            SCHEMA_ERR(r, e, "sequence value is not scalar");
            return -1;
        }
        rstr_push(out, n, e->str, npos(r, e));
    }
    return 1;
}

/* Warns about every key not in the NULL-terminated list known. */
static void warn_unknown_keys(struct rd *r, const struct th_ynode *m, const char *const *known)
{
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const struct th_ynode *k = m->kids[i];
        int ok = 0;
        for (size_t j = 0; known[j] && !ok; j++) {
            ok = key_is(k, known[j]);
        }
        if (!ok) {
            diag(r, TH_SEV_WARNING, TH_W_UNKNOWN_KEY, k, "Unknown key '%s'. The key will be ignored.",
                 k->kind == TH_Y_SCALAR || k->kind == TH_Y_NULL ? k->str : "?");
        }
    }
}

/* ---- exceptions ---- */

/* fields:/comps: a non-empty string or a sequence of non-empty strings. */
static int get_exc_entry(struct rd *r, const struct th_ynode *v, bool *is_list, struct th_rstr **out, size_t *n)
{
    if (v->kind == TH_Y_SCALAR && v->len) {
        *is_list = false;
        rstr_push(out, n, v->str, npos(r, v));
        return 0;
    }
    if (v->kind != TH_Y_SEQ) {
        SCHEMA_ERR(r, v, v->kind == TH_Y_MAP ? "Value must be a string or a list of strings"
                                             : "Value must be non-empty");
        return -1;
    }
    *is_list = true;
    for (size_t i = 0; i < v->n; i++) {
        const struct th_ynode *e = v->kids[i];
        if (e->kind != TH_Y_SCALAR || e->len == 0) {
            SCHEMA_ERR(r, e, e->kind == TH_Y_SCALAR || e->kind == TH_Y_NULL ? "Value must be non-empty"
                                                                           : "Value must be a string");
            return -1;
        }
        rstr_push(out, n, e->str, npos(r, e));
    }
    return 0;
}

static int decode_exc_val(struct rd *r, const struct th_ynode *e, struct th_rexc_val *val)
{
    memset(val, 0, sizeof *val);
    val->pos = npos(r, e);
    if (e->kind == TH_Y_SCALAR || e->kind == TH_Y_NULL) {
        val->s = th_xstrdup(e->str);
        return 0;
    }
    if (e->kind != TH_Y_SEQ) {
        SCHEMA_ERR(r, e, "Exception value must be a string or a list of strings");
        return -1;
    }
    val->is_list = true;
    for (size_t i = 0; i < e->n; i++) {
        if (e->kids[i]->kind != TH_Y_SCALAR && e->kids[i]->kind != TH_Y_NULL) {
            SCHEMA_ERR(r, e->kids[i], "Exception value list must contain strings");
            return -1;
        }
        rstr_push(&val->list, &val->n_list, e->kids[i]->str, npos(r, e->kids[i]));
    }
    return 0;
}

static int decode_exc_tuple(struct rd *r, const struct th_ynode *e, struct th_rexc_tuple *t)
{
    memset(t, 0, sizeof *t);
    t->pos = npos(r, e);
    if (e->kind != TH_Y_SEQ) {
        t->items = th_xcalloc(1, sizeof *t->items);
        t->n = 1;
        return decode_exc_val(r, e, &t->items[0]);
    }
    t->is_list = true;
    t->items = th_xcalloc(e->n ? e->n : 1, sizeof *t->items);
    for (size_t i = 0; i < e->n; i++) {
        t->n++;
        if (decode_exc_val(r, e->kids[i], &t->items[i]) < 0) {
            return -1;
        }
    }
    return 0;
}

static int decode_exc_values(struct rd *r, const struct th_ynode *v, struct th_rexception *ex)
{
    if (v->kind == TH_Y_NULL) {
        return 0;
    }
    if (v->kind != TH_Y_SEQ) {
        SCHEMA_ERR(r, v, "Rule exception values must be a sequence");
        return -1;
    }
    ex->values = th_xcalloc(v->n ? v->n : 1, sizeof *ex->values);
    for (size_t i = 0; i < v->n; i++) {
        ex->n_values++;
        if (decode_exc_tuple(r, v->kids[i], &ex->values[i]) < 0) {
            return -1;
        }
    }
    return 0;
}

static const char *const exc_keys[] = {"name", "fields", "comps", "values", NULL};

static int decode_exception(struct rd *r, const struct th_ynode *e, int append, struct th_rexc_in *out)
{
    memset(out, 0, sizeof *out);
    out->ex.pos = npos(r, e);
    if (e->kind != TH_Y_MAP) {
        SCHEMA_ERR(r, e, "Rule exception must be a mapping");
        return -1;
    }
    const struct th_ynode *name = get_scalar(r, e, "name", 1);
    if (!name) {
        return -1;
    }
    out->ex.name = th_xstrdup(name->str);
    warn_unknown_keys(r, e, exc_keys);
    const struct th_ynode *f = map_get(e, "fields");
    if (!f && !append) {
        SCHEMA_ERR(r, e, "Item has no mapping for key 'fields'");
        return -1;
    }
    if (f && get_exc_entry(r, f, &out->ex.fields_is_list, &out->ex.fields, &out->ex.n_fields) < 0) {
        return -1;
    }
    out->has_fields = f != NULL;
    const struct th_ynode *c = map_get(e, "comps");
    if (c && get_exc_entry(r, c, &out->ex.comps_is_list, &out->ex.comps, &out->ex.n_comps) < 0) {
        return -1;
    }
    out->has_comps = c != NULL;
    const struct th_ynode *v = map_get(e, "values");
    out->has_values = v != NULL;
    if (!v && append) {
        diag(r, TH_SEV_WARNING, TH_E_VALIDATE, e, "Overriding/appending exception with no values");
    }
    return v ? decode_exc_values(r, v, &out->ex) : 0;
}

static int decode_exceptions(struct rd *r, const struct th_ynode *m, int append, struct th_ritem *it)
{
    const struct th_ynode *v = map_get(m, "exceptions");
    if (!v || v->kind == TH_Y_NULL) {
        return 0;
    }
    if (v->kind != TH_Y_SEQ) {
        SCHEMA_ERR(r, v, "Rule exceptions must be a sequence");
        return -1;
    }
    it->exceptions = th_xcalloc(v->n ? v->n : 1, sizeof *it->exceptions);
    for (size_t i = 0; i < v->n; i++) {
        struct th_rexc_in *ex = &it->exceptions[it->n_exceptions++];
        if (decode_exception(r, v->kids[i], append, ex) < 0) {
            return -1;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(it->exceptions[j].ex.name, ex->ex.name) == 0) {
                diag(r, TH_SEV_WARNING, TH_E_VALIDATE, v->kids[i],
                     "Multiple definitions of exception '%s' in the same rule", ex->ex.name);
            }
        }
    }
    return 0;
}

void th_ritem_clear(struct th_ritem *it)
{
    rstr_free(it->items, it->n_items);
    rstr_free(it->tags, it->n_tags);
    th_text_free(&it->cond);
    th_text_free(&it->output);
    th_text_free(&it->desc);
    for (size_t i = 0; i < it->n_exceptions; i++) {
        th_rexception_clear(&it->exceptions[i].ex);
    }
    free(it->exceptions);
    for (size_t i = 0; i < it->plugin.n_alts; i++) {
        free(it->plugin.alts[i].name);
    }
    free(it->plugin.alts);
    memset(it, 0, sizeof *it);
}

/* ---- overrides ---- */

struct key_bit {
    const char *key;
    unsigned bit;
};

static const struct key_bit rule_keys[] = {
    {"condition", TH_K_CONDITION}, {"output", TH_K_OUTPUT},
    {"desc", TH_K_DESC},           {"priority", TH_K_PRIORITY},
    {"tags", TH_K_TAGS},           {"exceptions", TH_K_EXCEPTIONS},
    {"enabled", TH_K_ENABLED},     {"warn_evttypes", TH_K_WARN_EVTTYPES},
    {"skip-if-unknown-filter", TH_K_SKIP_UNKNOWN}, {"capture", TH_K_CAPTURE},
    {"capture_duration", TH_K_CAPTURE_DURATION},   {"source", TH_K_SOURCE},
    {"items", TH_K_ITEMS},         {NULL, 0},
};

static unsigned key_bit(const char *key)
{
    for (size_t i = 0; rule_keys[i].key; i++) {
        if (strcmp(rule_keys[i].key, key) == 0) {
            return rule_keys[i].bit;
        }
    }
    return 0;
}

static const char *bit_key(unsigned bit)
{
    for (size_t i = 0; rule_keys[i].key; i++) {
        if (rule_keys[i].bit == bit) {
            return rule_keys[i].key;
        }
    }
    return "?";
}

static void allowed_ops(char *buf, size_t n, unsigned bit, unsigned can_append, unsigned can_replace)
{
    snprintf(buf, n, "%s%s", (can_append & bit) ? "append " : "", (can_replace & bit) ? "replace " : "");
}

/* Reads `override:`; returns 0 (sets it->ovr_append, it->ovr_replace) or -1. */
static int decode_overrides(struct rd *r, const struct th_ynode *m, unsigned can_append, unsigned can_replace,
                            struct th_ritem *it)
{
    const struct th_ynode *o = map_get(m, "override");
    if (!o) {
        return 0;
    }
    if (o->kind != TH_Y_MAP) {
        SCHEMA_ERR(r, o, "Value of 'override' must be a mapping of key to 'append' or 'replace'");
        return -1;
    }
    for (size_t i = 0; i + 1 < o->n; i += 2) {
        const struct th_ynode *k = o->kids[i], *v = o->kids[i + 1];
        const char *key = k->kind == TH_Y_SCALAR ? k->str : "";
        const char *op = v->kind == TH_Y_SCALAR ? v->str : "";
        unsigned bit = key_bit(key);
        if (strcmp(op, "append") == 0 && (bit & can_append)) {
            it->ovr_append |= bit;
        } else if (strcmp(op, "append") == 0) {
            SCHEMA_ERR(r, k, "Key '%s' cannot be appended to, use 'replace' instead", key);
        } else if (strcmp(op, "replace") == 0 && (bit & can_replace)) {
            it->ovr_replace |= bit;
        } else if (strcmp(op, "replace") == 0) {
            SCHEMA_ERR(r, k, "Key '%s' cannot be replaced", key);
        } else {
            char ops[32];
            allowed_ops(ops, sizeof ops, bit, can_append, can_replace);
            SCHEMA_ERR(r, v, "Invalid override operation for key '%s': '%s'. Allowed values are: %s", key, op, ops);
        }
    }
    return r->errors ? -1 : 0;
}

static const char WARNING_APPEND[] =
    "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead.";
static const char WARNING_ENABLED[] =
    "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry "
    "under the 'override' key (i.e. 'enabled: replace').";
static const char ERROR_OVERRIDE_APPEND[] =
    "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: "
    "append') under 'override' instead.";

/* Common part of list/macro/rule: name, deprecated append flag, overrides. Returns 0 or -1. */
static int read_head(struct rd *r, const struct th_ynode *m, const char *kind, unsigned can_append,
                     unsigned can_replace, struct th_ritem *it, bool *append_flag)
{
    r->kind = kind;
    r->item_pos = npos(r, m);
    it->pos = r->item_pos;
    const struct th_ynode *name = get_scalar(r, m, kind, 1);
    if (!name) {
        return -1;
    }
    it->name = name->str;
    r->name = name->str;
    *append_flag = false;
    if (get_bool(r, m, "append", append_flag) < 0) {
        return -1;
    }
    if (*append_flag) {
        diag(r, TH_SEV_WARNING, TH_W_DEPRECATED, map_key(m, "append"), "%s", WARNING_APPEND);
    }
    if (decode_overrides(r, m, can_append, can_replace, it) < 0) {
        return -1;
    }
    if (*append_flag && (it->ovr_append | it->ovr_replace)) {
        SCHEMA_ERR(r, m, "%s", ERROR_OVERRIDE_APPEND);
        return -1;
    }
    return 0;
}

static const char *const list_keys[] = {"list", "items", "append", "override", NULL};
static const char *const macro_keys[] = {"macro", "condition", "append", "override", NULL};
static const char *const rule_known[] = {"rule", "condition", "output", "desc", "priority", "source", "tags",
                                         "enabled", "exceptions", "warn_evttypes", "skip-if-unknown-filter",
                                         "capture", "capture_duration", "append", "override", NULL};

static void read_list(struct rd *r, const struct th_ynode *m, struct th_ritem *it)
{
    bool append;
    it->kind = TH_ITEM_LIST;
    if (read_head(r, m, "list", TH_K_ITEMS, TH_K_ITEMS, it, &append) < 0) {
        return;
    }
    warn_unknown_keys(r, m, list_keys);
    if (get_strseq(r, m, "items", 1, &it->items, &it->n_items) < 0) {
        return;
    }
    it->has = TH_K_ITEMS;
    it->op = append || (it->ovr_append & TH_K_ITEMS) ? TH_OP_APPEND : TH_OP_DEFINE;
}

static void read_macro(struct rd *r, const struct th_ynode *m, struct th_ritem *it)
{
    bool append;
    it->kind = TH_ITEM_MACRO;
    if (read_head(r, m, "macro", TH_K_CONDITION, TH_K_CONDITION, it, &append) < 0) {
        return;
    }
    warn_unknown_keys(r, m, macro_keys);
    if (get_text(r, m, "condition", 1, &it->cond) < 0) {
        return;
    }
    it->has = TH_K_CONDITION;
    it->op = append || (it->ovr_append & TH_K_CONDITION) ? TH_OP_APPEND : TH_OP_DEFINE;
}

/* Decodes every rule key present (types only) and sets it->has. */
static void read_rule_values(struct rd *r, const struct th_ynode *m, struct th_ritem *it)
{
    static const char *const texts[] = {"condition", "output", "desc"};
    struct th_text *dst[] = {&it->cond, &it->output, &it->desc};
    for (size_t i = 0; i < 3; i++) {
        if (get_text(r, m, texts[i], 0, dst[i]) > 0) {
            it->has |= key_bit(texts[i]);
        }
    }
    const struct th_ynode *v;
    if (map_get(m, "priority") && (v = get_scalar(r, m, "priority", 1))) {
        it->has |= TH_K_PRIORITY;
        it->priority = v->str;
        it->priority_pos = npos(r, v);
    }
    if (map_get(m, "source") && (v = get_scalar(r, m, "source", 1))) {
        it->has |= TH_K_SOURCE;
        it->source = v->str;
        it->source_pos = npos(r, v);
    }
    if (get_strseq(r, m, "tags", 0, &it->tags, &it->n_tags) > 0) {
        it->has |= TH_K_TAGS;
    }
    if (get_bool(r, m, "enabled", &it->enabled) > 0) {
        it->has |= TH_K_ENABLED;
    }
    if (get_bool(r, m, "warn_evttypes", &it->warn_evttypes) > 0) {
        it->has |= TH_K_WARN_EVTTYPES;
    }
    if (get_bool(r, m, "skip-if-unknown-filter", &it->skip_if_unknown_filter) > 0) {
        it->has |= TH_K_SKIP_UNKNOWN;
    }
    bool capture;
    if (get_bool(r, m, "capture", &capture) > 0) {
        it->has |= TH_K_CAPTURE;
    }
    if (map_get(m, "capture_duration") && get_scalar(r, m, "capture_duration", 1)) {
        it->has |= TH_K_CAPTURE_DURATION;
    }
    if (map_get(m, "exceptions")) {
        it->has |= TH_K_EXCEPTIONS;
    }
}

#define RULE_APPENDABLE (TH_K_CONDITION | TH_K_OUTPUT | TH_K_DESC | TH_K_TAGS | TH_K_EXCEPTIONS)
#define RULE_REPLACEABLE                                                                                    \
    (TH_K_CONDITION | TH_K_OUTPUT | TH_K_DESC | TH_K_PRIORITY | TH_K_TAGS | TH_K_EXCEPTIONS | TH_K_ENABLED |  \
     TH_K_WARN_EVTTYPES | TH_K_SKIP_UNKNOWN | TH_K_CAPTURE | TH_K_CAPTURE_DURATION)

/* Falco's override consistency: every override names a present key, every present overridable key has one. */
static void check_override_keys(struct rd *r, const struct th_ynode *m, struct th_ritem *it)
{
    unsigned expected = it->has & (RULE_APPENDABLE | RULE_REPLACEABLE);
    for (unsigned bit = 1; bit <= TH_K_ITEMS; bit <<= 1) {
        const char *key = bit_key(bit);
        if ((it->ovr_append & bit) && !(expected & bit)) {
            SCHEMA_ERR(r, m, "An append override for '%s' was specified but '%s' is not defined", key, key);
        }
        if ((it->ovr_replace & bit) && (!(expected & bit) || (it->ovr_append & bit))) {
            SCHEMA_ERR(r, m, "An replace override for '%s' was specified but '%s' is not defined", key, key);
        }
        if ((expected & bit) && !((it->ovr_append | it->ovr_replace) & bit)) {
            SCHEMA_ERR(r, map_key(m, key), "Unexpected key '%s': no corresponding entry under 'override' is defined.",
                       key);
        }
    }
}

static void require_keys(struct rd *r, const struct th_ynode *m, const struct th_ritem *it, unsigned keys)
{
    static const unsigned order[] = {TH_K_CONDITION, TH_K_OUTPUT, TH_K_DESC, TH_K_PRIORITY};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if ((keys & order[i]) && !(it->has & order[i]) && !map_get(m, bit_key(order[i]))) {
            SCHEMA_ERR(r, m, "Item has no mapping for key '%s'", bit_key(order[i]));
        }
    }
}

static void read_rule(struct rd *r, const struct th_ynode *m, struct th_ritem *it)
{
    bool append;
    it->kind = TH_ITEM_RULE;
    if (read_head(r, m, "rule", RULE_APPENDABLE, RULE_REPLACEABLE, it, &append) < 0) {
        return;
    }
    warn_unknown_keys(r, m, rule_known);
    read_rule_values(r, m, it);
    if (it->ovr_append | it->ovr_replace) {
        it->op = TH_OP_OVERRIDE;
        check_override_keys(r, m, it);
        decode_exceptions(r, m, (it->ovr_append & TH_K_EXCEPTIONS) != 0, it);
        return;
    }
    if (append) {
        it->op = TH_OP_APPEND;
        decode_exceptions(r, m, 1, it);
        return;
    }
    if (!map_get(m, "condition") && !map_get(m, "output") && !map_get(m, "desc") && !map_get(m, "priority")) {
        it->op = TH_OP_ENABLE;
        if (!map_get(m, "enabled")) {
            SCHEMA_ERR(r, m, "Item has no mapping for key 'enabled'");
            return;
        }
        diag(r, TH_SEV_WARNING, TH_W_DEPRECATED, map_key(m, "enabled"), "%s", WARNING_ENABLED);
        return;
    }
    it->op = TH_OP_DEFINE;
    require_keys(r, m, it, TH_K_CONDITION | TH_K_OUTPUT | TH_K_DESC | TH_K_PRIORITY);
    decode_exceptions(r, m, 0, it);
    th_text_trim(&it->output);
}

/* required_engine_version: int N (-> 0.N.0) or "x.y.z". */
static void read_engine_version(struct rd *r, const struct th_ynode *m, struct th_ritem *it)
{
    static const char *const keys[] = {"required_engine_version", NULL};
    it->kind = TH_ITEM_ENGINE_VERSION;
    r->kind = "required_engine_version";
    r->name = "";
    r->item_pos = npos(r, m);
    it->pos = r->item_pos;
    warn_unknown_keys(r, m, keys);
    const struct th_ynode *v = get_scalar(r, m, "required_engine_version", 1);
    if (!v) {
        return;
    }
    char *end;
    errno = 0;
    unsigned long n = strtoul(v->str, &end, 10);
    if (v->str[0] >= '0' && v->str[0] <= '9' && *end == 0 && errno == 0 && n <= UINT32_MAX) {
        it->engine = (struct th_semver){0, (uint32_t)n, 0};
        return;
    }
    if (th_semver_parse(v->str, &it->engine) < 0) {
        SCHEMA_ERR(r, v, "Unable to parse engine version '%s' as a semver string. Expected \"x.y.z\" semver format.",
                   v->str);
    }
}

static int read_plugin_alt(struct rd *r, const struct th_ynode *e, struct th_plugin_req *req)
{
    static const char *const keys[] = {"name", "version", "alternatives", NULL};
    const struct th_ynode *name = get_scalar(r, e, "name", 1);
    const struct th_ynode *ver = name ? get_scalar(r, e, "version", 1) : NULL;
    if (!ver) {
        return -1;
    }
    warn_unknown_keys(r, e, keys);
    req->alts = th_xrealloc(req->alts, (req->n_alts + 1) * sizeof *req->alts);
    struct th_plugin_alt *a = &req->alts[req->n_alts++];
    a->name = th_xstrdup(name->str);
    if (th_semver_parse(ver->str, &a->version) < 0) {
        diag(r, TH_SEV_ERROR, TH_E_VALIDATE, ver, "Invalid required version '%s' for plugin '%s'", ver->str,
             name->str);
        return -1;
    }
    return 0;
}

/* One required_plugin_versions entry: {name, version, alternatives: [{name, version}]}. */
static int read_plugin_entry(struct rd *r, const struct th_ynode *e, struct th_ritem *it)
{
    it->kind = TH_ITEM_PLUGIN_VERSIONS;
    it->pos = npos(r, e);
    it->plugin.pos = it->pos;
    if (e->kind != TH_Y_MAP) {
        SCHEMA_ERR(r, e, "Plugin version must be a mapping");
        return -1;
    }
    if (read_plugin_alt(r, e, &it->plugin) < 0) {
        return -1;
    }
    const struct th_ynode *alts = map_get(e, "alternatives");
    if (!alts) {
        return 0;
    }
    if (alts->kind != TH_Y_SEQ) {
        SCHEMA_ERR(r, alts, "Value of plugin version alternatives must be a sequence");
        return -1;
    }
    for (size_t i = 0; i < alts->n; i++) {
        if (alts->kids[i]->kind != TH_Y_MAP) {
            SCHEMA_ERR(r, alts->kids[i], "Plugin version alternative must be a mapping");
            return -1;
        }
        if (read_plugin_alt(r, alts->kids[i], &it->plugin) < 0) {
            return -1;
        }
    }
    return 0;
}

static void collect(struct rd *r, struct th_ritem *it)
{
    if (r->errors == 0) {
        th_collect_item(r->set, it, r->err);
    } else if (it->kind >= TH_ITEM_LIST && it->name) {
        th_collect_mark_failed(r->set, it->kind, it->name);
    }
    th_ritem_clear(it);
}

static void read_plugin_versions(struct rd *r, const struct th_ynode *m)
{
    static const char *const keys[] = {"required_plugin_versions", NULL};
    r->kind = "required_plugin_versions";
    r->name = "";
    r->item_pos = npos(r, m);
    warn_unknown_keys(r, m, keys);
    const struct th_ynode *v = map_get(m, "required_plugin_versions");
    if (v->kind != TH_Y_SEQ) {
        SCHEMA_ERR(r, v, "Value of required_plugin_versions must be a sequence");
        return;
    }
    for (size_t i = 0; i < v->n; i++) {
        struct th_ritem it;
        memset(&it, 0, sizeof it);
        r->errors = 0;
        read_plugin_entry(r, v->kids[i], &it);
        collect(r, &it);
    }
}

static void read_item(struct rd *r, const struct th_ynode *m)
{
    struct th_ritem it;
    memset(&it, 0, sizeof it);
    r->errors = 0;
    r->kind = NULL;
    r->name = NULL;
    if (m->kind != TH_Y_MAP) {
        SCHEMA_ERR(r, m, "Unexpected element type. Each element should be a yaml associative array.");
        return;
    }
    if (map_get(m, "required_engine_version")) {
        read_engine_version(r, m, &it);
    } else if (map_get(m, "required_plugin_versions")) {
        read_plugin_versions(r, m);
        return;
    } else if (map_get(m, "list")) {
        read_list(r, m, &it);
    } else if (map_get(m, "macro")) {
        read_macro(r, m, &it);
    } else if (map_get(m, "rule")) {
        read_rule(r, m, &it);
    } else {
        const struct th_ynode *k = m->n ? m->kids[0] : NULL;
        diag(r, TH_SEV_WARNING, TH_W_UNKNOWN_ITEM, k ? k : m,
             "Unknown top level item '%s' (expected rule, macro, list, required_engine_version or "
             "required_plugin_versions); it is ignored",
             k && k->kind == TH_Y_SCALAR ? k->str : "?");
        return;
    }
    collect(r, &it);
}

static void read_doc(struct rd *r, const struct th_ynode *doc)
{
    if (doc->kind == TH_Y_NULL) {
        return;
    }
    r->kind = NULL;
    if (doc->kind == TH_Y_SCALAR) {
        SCHEMA_ERR(r, doc, "Rules content is not yaml");
        return;
    }
    if (doc->kind != TH_Y_SEQ) {
        SCHEMA_ERR(r, doc, "Rules content is not yaml array of objects");
        return;
    }
    for (size_t i = 0; i < doc->n; i++) {
        if (doc->kids[i]->kind != TH_Y_NULL) {
            read_item(r, doc->kids[i]);
        }
    }
}

/* ---- loading entry points ---- */

int th_rules_load_mem(struct th_rule_set *set, const char *name, const char *text, size_t len, struct th_err *err)
{
    unsigned before = err->errors;
    struct th_arena arena;
    struct builder b;
    th_arena_init(&arena);
    memset(&b, 0, sizeof b);
    b.arena = &arena;
    b.src = text;
    b.src_len = len;
    b.bi = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    const char *file = th_rules_intern_file(set, name);
    th_rules_keep_source(set, file, text, len);
    if (build_tree(&b, text, len, file, err) == 0) {
        struct rd r = {set, file, text, len, err, 0, NULL, NULL, {file, 0, 0}};
        for (size_t i = 0; i < b.n_docs; i++) {
            read_doc(&r, b.docs[i]);
        }
    }
    builder_free(&b);
    th_arena_free(&arena);
    return err->errors == before ? 0 : -1;
}

int th_rules_load_string(struct th_rule_set *set, const char *name, const char *text, struct th_err *err)
{
    return th_rules_load_mem(set, name, text, strlen(text), err);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    struct th_buf b;
    th_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        th_buf_append(&b, chunk, n);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        th_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    th_buf_reserve(&b, 1);
    return th_buf_take(&b);
}

int th_rules_load_file(struct th_rule_set *set, const char *path, struct th_err *err)
{
    size_t len = 0;
    char *text = read_all(path, &len);
    if (!text) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, path, 0, 0, "cannot read rules file: %s", strerror(errno));
        return -1;
    }
    int rc = th_rules_load_mem(set, path, text, len, err);
    free(text);
    return rc;
}

static int has_yaml_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(struct th_rule_set *set, const char *path, struct th_err *err)
{
    DIR *d = opendir(path);
    if (!d) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, path, 0, 0, "cannot open rules directory: %s", strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !has_yaml_ext(de->d_name)) {
            continue;
        }
        char *full = th_xasprintf("%s/%s", path, de->d_name);
        struct stat st;
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(full);
            continue;
        }
        names = th_xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = full;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rc |= th_rules_load_file(set, names[i], err);
        free(names[i]);
    }
    free(names);
    return rc ? -1 : 0;
}

int th_rules_load_path(struct th_rule_set *set, const char *path, struct th_err *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, path, 0, 0, "cannot read rules path: %s", strerror(errno));
        return -1;
    }
    return S_ISDIR(st.st_mode) ? load_dir(set, path, err) : th_rules_load_file(set, path, err);
}
