/* rule_test.c - rule test case files: YAML loading, schema checks, YAML node -> JSON text conversion, and the
 * resolution of paths written in case files (format in th_rule_test.h).
 * Invariant: every problem becomes a diagnostic at the file:line:col of the offending node (with the source line
 * and a caret) and loading goes on to find the next one; a file with any error yields no cases. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "th_rule_test.h"

#define MAX_DEPTH 64
#define MAX_JSON_BYTES (64u << 20)
#define TAG_PREFIX "tag:yaml.org,2002:"

struct ld {
    const char *path; /* name used in diagnostics */
    const char *text;
    size_t len;
    yaml_document_t *doc;
    struct th_err *err;
    unsigned errors;
};

/* ---- diagnostics ----------------------------------------------------------------------------------------- */

static void add_snippet(struct th_diag *d, const struct ld *l, const yaml_mark_t *m)
{
    size_t a = 0, line = 0;
    while (a < l->len && line < m->line) {
        if (l->text[a++] == '\n') {
            line++;
        }
    }
    size_t b = a;
    while (b < l->len && l->text[b] != '\n' && l->text[b] != '\r') {
        b++;
    }
    if (b > a) {
        th_diag_set_snippet(d, l->text + a, b - a, (uint32_t)m->column + 1, 1);
    }
}

static void ld_diag(struct ld *l, enum th_sev sev, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void ld_diag(struct ld *l, enum th_sev sev, const yaml_mark_t *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct th_diag *d =
        th_err_addv(l->err, sev, TH_E_SCHEMA, l->path, (uint32_t)m->line + 1, (uint32_t)m->column + 1, fmt, ap);
    va_end(ap);
    add_snippet(d, l, m);
    if (sev == TH_SEV_ERROR) {
        l->errors++;
    }
}
#define ld_error(l, m, ...) ld_diag((l), TH_SEV_ERROR, (m), __VA_ARGS__)

static yaml_node_t *node(const struct ld *l, int id)
{
    return yaml_document_get_node(l->doc, id);
}

static const char *node_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a scalar";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

/* ---- plain scalar resolution (YAML 1.2 core schema) ------------------------------------------------------ */

enum skind { SK_STR, SK_NULL, SK_BOOL, SK_INT, SK_FLOAT, SK_BAD };

static bool all_in(const char *s, size_t n, const char *set)
{
    if (n == 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!strchr(set, s[i]) || s[i] == 0) {
            return false;
        }
    }
    return true;
}

static bool is_one_of(const char *s, size_t n, const char *const *words)
{
    for (size_t i = 0; words[i]; i++) {
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0) {
            return true;
        }
    }
    return false;
}

static void put_digits(struct th_buf *out, const char *d, size_t n)
{
    while (n > 1 && *d == '0') {
        d++;
        n--;
    }
    th_buf_append(out, n ? d : "0", n ? n : 1);
}

/* 0x / 0o integers rendered in decimal; SK_STR when the digits do not fit 64 bits. */
static enum skind radix_int(const char *s, size_t n, int base, struct th_buf *out)
{
    char tmp[80];
    if (n > sizeof tmp - 1) {
        return SK_STR;
    }
    memcpy(tmp, s, n);
    tmp[n] = 0;
    errno = 0;
    unsigned long long v = strtoull(tmp, NULL, base);
    if (errno) {
        return SK_STR;
    }
    th_buf_printf(out, "%llu", v);
    return SK_INT;
}

/* Decimal float: sign? (digits? '.' digits? | digits) exponent?; at least one mantissa digit. */
static enum skind decimal_number(const char *s, size_t n, struct th_buf *out)
{
    size_t i = 0, ib, ie, fb = 0, fe = 0, eb = 0;
    bool neg = false, dot = false, expo = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) {
        neg = s[i] == '-';
        i++;
    }
    ib = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        i++;
    }
    ie = i;
    if (i < n && s[i] == '.') {
        dot = true;
        fb = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        fe = i;
    }
    if (ie == ib && fe == fb) {
        return SK_STR;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        expo = true;
        eb = ++i;
        if (i < n && (s[i] == '-' || s[i] == '+')) {
            i++;
        }
        size_t d0 = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        if (i == d0) {
            return SK_STR;
        }
    }
    if (i != n) {
        return SK_STR;
    }
    if (neg) {
        th_buf_putc(out, '-');
    }
    put_digits(out, s + ib, ie - ib);
    if (dot && fe > fb) {
        th_buf_putc(out, '.');
        th_buf_append(out, s + fb, fe - fb);
    }
    if (expo) {
        th_buf_putc(out, 'e');
        th_buf_append(out, s + eb, n - eb);
    }
    return dot || expo ? SK_FLOAT : SK_INT;
}

/* Classifies a plain scalar and, unless it is a string, appends its JSON literal to out. */
static enum skind resolve_plain(const char *s, size_t n, struct th_buf *out)
{
    static const char *const nulls[] = {"null", "Null", "NULL", "~", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    static const char *const bad[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf",
                                      "-.INF", ".nan", ".NaN", ".NAN", NULL};
    if (n == 0 || is_one_of(s, n, nulls)) {
        th_buf_puts(out, "null");
        return SK_NULL;
    }
    if (is_one_of(s, n, trues) || is_one_of(s, n, falses)) {
        th_buf_puts(out, is_one_of(s, n, trues) ? "true" : "false");
        return SK_BOOL;
    }
    if (is_one_of(s, n, bad)) {
        return SK_BAD;
    }
    if (n > 2 && s[0] == '0' && s[1] == 'x' && all_in(s + 2, n - 2, "0123456789abcdefABCDEF")) {
        return radix_int(s + 2, n - 2, 16, out);
    }
    if (n > 2 && s[0] == '0' && s[1] == 'o' && all_in(s + 2, n - 2, "01234567")) {
        return radix_int(s + 2, n - 2, 8, out);
    }
    size_t mark = out->len;
    enum skind k = decimal_number(s, n, out);
    if (k == SK_STR) {
        out->len = mark;
        if (out->data) {
            out->data[mark] = 0;
        }
    }
    return k;
}

/* ---- YAML node -> JSON ----------------------------------------------------------------------------------- */

static void json_string(struct th_buf *out, const char *s, size_t n)
{
    th_buf_putc(out, '"');
    th_buf_json_escape(out, s, n);
    th_buf_putc(out, '"');
}

static int scalar_json(struct ld *l, const yaml_node_t *n, struct th_buf *out)
{
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    const char *tag = n->tag ? (const char *)n->tag : YAML_STR_TAG;
    bool plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (strcmp(tag, YAML_STR_TAG) == 0 && !plain) {
        json_string(out, s, len);
        return 0;
    }
    size_t mark = out->len;
    enum skind k = resolve_plain(s, len, out);
    if (k == SK_BAD) {
        ld_error(l, &n->start_mark, "'%.*s' has no JSON representation (quote it to make it a string)", (int)len, s);
        return -1;
    }
    if (strcmp(tag, YAML_STR_TAG) == 0) {
        if (k == SK_STR) {
            json_string(out, s, len);
        }
        return 0;
    }
    static const struct {
        const char *tag;
        enum skind k1, k2;
    } typed[] = {
        {YAML_NULL_TAG, SK_NULL, SK_NULL},
        {YAML_BOOL_TAG, SK_BOOL, SK_BOOL},
        {YAML_INT_TAG, SK_INT, SK_INT},
        {YAML_FLOAT_TAG, SK_FLOAT, SK_INT},
    };
    for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
        if (strcmp(tag, typed[i].tag) == 0) {
            if (k != typed[i].k1 && k != typed[i].k2) {
                out->len = mark;
                ld_error(l, &n->start_mark, "'%.*s' is not a valid %s", (int)len, s, tag + strlen(TAG_PREFIX));
                return -1;
            }
            return 0;
        }
    }
    out->len = mark;
    ld_error(l, &n->start_mark, "unsupported YAML tag '%s' (events are plain JSON values)", tag);
    return -1;
}

static int node_json(struct ld *l, const yaml_node_t *n, int depth, struct th_buf *out);

static int sequence_json(struct ld *l, const yaml_node_t *n, int depth, struct th_buf *out)
{
    th_buf_putc(out, '[');
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        if (it != n->data.sequence.items.start) {
            th_buf_putc(out, ',');
        }
        if (node_json(l, node(l, *it), depth + 1, out) != 0) {
            return -1;
        }
    }
    th_buf_putc(out, ']');
    return 0;
}

static bool same_scalar(const yaml_node_t *a, const yaml_node_t *b)
{
    return a->data.scalar.length == b->data.scalar.length &&
           memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length) == 0;
}

static int mapping_json(struct ld *l, const yaml_node_t *n, int depth, struct th_buf *out)
{
    th_buf_putc(out, '{');
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = node(l, p->key);
        if (k->type != YAML_SCALAR_NODE) {
            ld_error(l, &k->start_mark, "mapping key is %s; JSON object keys must be strings", node_kind(k));
            return -1;
        }
        for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
            const yaml_node_t *kq = node(l, q->key);
            if (kq->type == YAML_SCALAR_NODE && same_scalar(k, kq)) {
                ld_error(l, &k->start_mark, "duplicate key '%.*s' (first at line %zu)", (int)k->data.scalar.length,
                         (const char *)k->data.scalar.value, kq->start_mark.line + 1);
                return -1;
            }
        }
        if (p != n->data.mapping.pairs.start) {
            th_buf_putc(out, ',');
        }
        json_string(out, (const char *)k->data.scalar.value, k->data.scalar.length);
        th_buf_putc(out, ':');
        if (node_json(l, node(l, p->value), depth + 1, out) != 0) {
            return -1;
        }
    }
    th_buf_putc(out, '}');
    return 0;
}

static int node_json(struct ld *l, const yaml_node_t *n, int depth, struct th_buf *out)
{
    if (!n) {
        th_buf_puts(out, "null");
        return 0;
    }
    if (depth > MAX_DEPTH) {
        ld_error(l, &n->start_mark, "nesting deeper than %d levels", MAX_DEPTH);
        return -1;
    }
    if (out->len > MAX_JSON_BYTES) {
        ld_error(l, &n->start_mark, "event larger than %u MiB once converted to JSON (alias expansion?)",
                 MAX_JSON_BYTES >> 20);
        return -1;
    }
    switch (n->type) {
    case YAML_SCALAR_NODE: return scalar_json(l, n, out);
    case YAML_SEQUENCE_NODE: return sequence_json(l, n, depth, out);
    case YAML_MAPPING_NODE: return mapping_json(l, n, depth, out);
    default: th_buf_puts(out, "null"); return 0;
    }
}

/* ---- YAML parsing ---------------------------------------------------------------------------------------- */

static int parse_doc(struct ld *l, yaml_document_t *doc)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        th_err_add(l->err, TH_SEV_ERROR, TH_E_YAML_PARSE, l->path, 0, 0, "cannot initialise the YAML parser");
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)l->text, l->len);
    if (!yaml_parser_load(&p, doc)) {
        const yaml_mark_t *m = &p.problem_mark;
        struct th_diag *d = th_err_add(l->err, TH_SEV_ERROR, TH_E_YAML_PARSE, l->path, (uint32_t)m->line + 1,
                                       (uint32_t)m->column + 1, "%s%s%s", p.context ? p.context : "",
                                       p.context ? " " : "", p.problem ? p.problem : "invalid YAML");
        add_snippet(d, l, m);
        yaml_parser_delete(&p);
        return -1;
    }
    yaml_parser_delete(&p);
    l->doc = doc;
    return 0;
}

int th_rt_yaml_to_json(const char *name, const char *text, size_t len, struct th_buf *out, struct th_err *err)
{
    struct ld l = {name, text, len, NULL, err, 0};
    yaml_document_t doc;
    if (parse_doc(&l, &doc) != 0) {
        return -1;
    }
    int rc = node_json(&l, yaml_document_get_root_node(&doc), 0, out);
    yaml_document_delete(&doc);
    return rc;
}

/* ---- paths ----------------------------------------------------------------------------------------------- */

static char *abs_dir_of(const char *path)
{
    char *abs = realpath(path, NULL);
    if (!abs) {
        char cwd[PATH_MAX];
        abs = path[0] == '/' || !getcwd(cwd, sizeof cwd) ? th_xstrdup(path) : th_xasprintf("%s/%s", cwd, path);
    }
    char *slash = strrchr(abs, '/');
    if (slash == abs) {
        slash[1] = 0;
    } else if (slash) {
        *slash = 0;
    }
    return abs;
}

/* Shortens an absolute path to be relative to the working directory when it lies under it. */
static char *relative_to_cwd(char *p)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        return p;
    }
    size_t n = strlen(cwd);
    if (strncmp(p, cwd, n) == 0 && p[n] == '/' && p[n + 1]) {
        char *r = th_xstrdup(p + n + 1);
        free(p);
        return r;
    }
    return p;
}

char *th_rt_resolve_path(const char *case_path, const char *rel)
{
    struct stat st;
    if (rel[0] == '/') {
        return stat(rel, &st) == 0 ? th_xstrdup(rel) : NULL;
    }
    char *dir = abs_dir_of(case_path);
    char *found = NULL;
    for (;;) {
        char *cand = th_xasprintf("%s%s%s", dir, strcmp(dir, "/") ? "/" : "", rel);
        if (stat(cand, &st) == 0) {
            found = relative_to_cwd(cand);
            break;
        }
        free(cand);
        char *slash = strrchr(dir, '/');
        if (!slash || strcmp(dir, "/") == 0) {
            break;
        }
        if (slash == dir) {
            slash[1] = 0;
        } else {
            *slash = 0;
        }
    }
    free(dir);
    return found;
}

/* ---- case file schema ------------------------------------------------------------------------------------ */

static char *scalar_dup(const yaml_node_t *n)
{
    return th_xstrndup((const char *)n->data.scalar.value, n->data.scalar.length);
}

static bool key_is(const yaml_node_t *k, const char *name)
{
    return k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(name) &&
           memcmp(k->data.scalar.value, name, k->data.scalar.length) == 0;
}

/* A non-empty string scalar, or an error naming what. */
static bool want_string(struct ld *l, const yaml_node_t *n, const char *what)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.length == 0 ||
        (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
         is_one_of((const char *)n->data.scalar.value, n->data.scalar.length,
                   (const char *const[]){"null", "Null", "NULL", "~", NULL}))) {
        ld_error(l, &n->start_mark, "%s must be a non-empty string, not %s", what,
                 n->type == YAML_SCALAR_NODE ? "null" : node_kind(n));
        return false;
    }
    return true;
}

static void load_rules(struct ld *l, const yaml_node_t *v, struct th_rt_file *f)
{
    f->has_rules = true;
    if (v->type != YAML_SCALAR_NODE && v->type != YAML_SEQUENCE_NODE) {
        ld_error(l, &v->start_mark, "rules: must be a list of rules files or directories, not %s", node_kind(v));
        return;
    }
    /* a single path is taken as a one-item list */
    size_t n = v->type == YAML_SCALAR_NODE ? 1 : (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    f->rules = th_xcalloc(n ? n : 1, sizeof *f->rules);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *it = v->type == YAML_SCALAR_NODE ? v : node(l, v->data.sequence.items.start[i]);
        if (!want_string(l, it, "a rules path")) {
            continue;
        }
        char *rel = scalar_dup(it);
        char *p = th_rt_resolve_path(l->path, rel);
        if (!p) {
            ld_error(l, &it->start_mark, "rules path '%s' not found (looked in the case file's directory and its parents)",
                     rel);
        } else {
            f->rules[f->nrules++] = p;
        }
        free(rel);
    }
}

static int add_event(struct ld *l, struct th_rt_case *c, const yaml_node_t *n, size_t cap)
{
    if (n->type != YAML_MAPPING_NODE) {
        ld_error(l, &n->start_mark, "an event must be a mapping (one JSON object), not %s", node_kind(n));
        return -1;
    }
    struct th_buf b;
    th_buf_init(&b);
    if (node_json(l, n, 0, &b) != 0) {
        th_buf_free(&b);
        return -1;
    }
    if (!c->events) {
        c->events = th_xcalloc(cap, sizeof *c->events);
    }
    struct th_rt_event *e = &c->events[c->nevents++];
    e->len = b.len;
    e->json = th_buf_take(&b);
    e->line = (uint32_t)n->start_mark.line + 1;
    e->col = (uint32_t)n->start_mark.column + 1;
    return 0;
}

static void load_events(struct ld *l, struct th_rt_case *c, const yaml_node_t *v)
{
    if (v->type != YAML_SEQUENCE_NODE) {
        ld_error(l, &v->start_mark, "events: must be a list of events (JSON objects), not %s", node_kind(v));
        return;
    }
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n == 0) {
        ld_error(l, &v->start_mark, "events: is empty (a case needs at least one event)");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        add_event(l, c, node(l, v->data.sequence.items.start[i]), n);
    }
}

static void load_expect(struct ld *l, struct th_rt_case *c, const yaml_node_t *v)
{
    if (v->type != YAML_SEQUENCE_NODE) {
        ld_error(l, &v->start_mark, "expect: must be a list of rule names ([] when no rule may fire), not %s",
                 v->type == YAML_SCALAR_NODE ? "a single value" : node_kind(v));
        return;
    }
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    c->expect = th_xcalloc(n ? n : 1, sizeof *c->expect);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *it = node(l, v->data.sequence.items.start[i]);
        if (!want_string(l, it, "a rule name in expect:")) {
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < c->nexpect && !dup; j++) {
            dup = strlen(c->expect[j]) == it->data.scalar.length &&
                  memcmp(c->expect[j], it->data.scalar.value, it->data.scalar.length) == 0;
        }
        if (!dup) {
            c->expect[c->nexpect++] = scalar_dup(it);
        }
    }
}

static void load_file_input(struct ld *l, struct th_rt_case *c, const yaml_node_t *v)
{
    if (!want_string(l, v, "file:")) {
        return;
    }
    char *rel = scalar_dup(v);
    c->file = th_rt_resolve_path(l->path, rel);
    if (!c->file) {
        ld_error(l, &v->start_mark, "input file '%s' not found (looked in the case file's directory and its parents)",
                 rel);
    }
    free(rel);
}

/* The keys of one case mapping, found in a first pass so the checks can name them. */
struct case_keys {
    const yaml_node_t *name, *input, *input_key, *expect;
    int input_kind; /* 1 event, 2 events, 3 file */
};

static const char *const input_names[] = {"", "event", "events", "file"};

static void scan_case_keys(struct ld *l, const yaml_node_t *m, struct case_keys *k)
{
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const yaml_node_t *key = node(l, p->key), *val = node(l, p->value);
        const yaml_node_t **slot = NULL;
        int kind = 0;
        if (key_is(key, "name")) {
            slot = &k->name;
        } else if (key_is(key, "expect")) {
            slot = &k->expect;
        } else if (key_is(key, "event") || key_is(key, "events") || key_is(key, "file")) {
            kind = key_is(key, "event") ? 1 : key_is(key, "events") ? 2 : 3;
            if (k->input && k->input_kind == kind) {
                ld_error(l, &key->start_mark, "duplicate key '%s' in a case", input_names[kind]);
                continue;
            }
            if (k->input) {
                ld_error(l, &key->start_mark, "case has both %s and %s (use exactly one of event, events, file)",
                         input_names[k->input_kind], input_names[kind]);
                continue;
            }
            k->input_kind = kind;
            k->input_key = key;
            slot = &k->input;
        } else {
            ld_error(l, &key->start_mark, "unknown key '%.*s' in a case (expected name, event, events, file, expect)",
                     key->type == YAML_SCALAR_NODE ? (int)key->data.scalar.length : 1,
                     key->type == YAML_SCALAR_NODE ? (const char *)key->data.scalar.value : "?");
            continue;
        }
        if (*slot && kind == 0) {
            ld_error(l, &key->start_mark, "duplicate key '%s' in a case", (const char *)key->data.scalar.value);
            continue;
        }
        *slot = val;
    }
}

static void load_case(struct ld *l, const yaml_node_t *m, struct th_rt_case *c)
{
    struct case_keys k = {0};
    c->line = (uint32_t)m->start_mark.line + 1;
    c->col = (uint32_t)m->start_mark.column + 1;
    if (m->type != YAML_MAPPING_NODE) {
        ld_error(l, &m->start_mark, "a case must be a mapping with name, event/events/file and expect, not %s",
                 node_kind(m));
        return;
    }
    scan_case_keys(l, m, &k);
    if (!k.name) {
        ld_error(l, &m->start_mark, "case has no name:");
    } else if (want_string(l, k.name, "name:")) {
        c->name = scalar_dup(k.name);
    }
    const char *nm = c->name ? c->name : "?";
    if (!k.input) {
        ld_error(l, &m->start_mark, "case '%s' has none of event, events, file", nm);
    } else if (k.input_kind == 1) {
        add_event(l, c, k.input, 1);
    } else if (k.input_kind == 2) {
        load_events(l, c, k.input);
    } else {
        load_file_input(l, c, k.input);
    }
    if (!k.expect) {
        ld_error(l, &m->start_mark, "case '%s' has no expect: (write expect: [] when no rule may fire)", nm);
    } else {
        load_expect(l, c, k.expect);
    }
}

static void load_cases(struct ld *l, const yaml_node_t *v, struct th_rt_file *f)
{
    if (v->type != YAML_SEQUENCE_NODE) {
        ld_error(l, &v->start_mark, "cases: must be a list of cases, not %s", node_kind(v));
        return;
    }
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n == 0) {
        ld_diag(l, TH_SEV_WARNING, &v->start_mark, "cases: is empty");
    }
    f->cases = th_xcalloc(n ? n : 1, sizeof *f->cases);
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = node(l, v->data.sequence.items.start[i]);
        struct th_rt_case *c = &f->cases[f->ncases++];
        load_case(l, item, c);
        for (size_t j = 0; c->name && j + 1 < f->ncases; j++) {
            if (f->cases[j].name && strcmp(f->cases[j].name, c->name) == 0) {
                ld_diag(l, TH_SEV_WARNING, &item->start_mark, "another case is named '%s' (line %u)", c->name,
                        f->cases[j].line);
                break;
            }
        }
    }
}

static void load_top(struct ld *l, struct th_rt_file *f)
{
    const yaml_node_t *root = yaml_document_get_root_node(l->doc);
    const yaml_node_t *rules = NULL, *cases = NULL;
    yaml_mark_t start = {0, 0, 0};
    if (!root) {
        ld_error(l, &start, "empty case file (expected a mapping with cases:)");
        return;
    }
    if (root->type != YAML_MAPPING_NODE) {
        ld_error(l, &root->start_mark, "a case file is a mapping with rules: and cases:, not %s", node_kind(root));
        return;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        const yaml_node_t *key = node(l, p->key), *val = node(l, p->value);
        const yaml_node_t **slot = key_is(key, "rules") ? &rules : key_is(key, "cases") ? &cases : NULL;
        if (!slot) {
            ld_error(l, &key->start_mark, "unknown top-level key '%.*s' (expected rules or cases)",
                     key->type == YAML_SCALAR_NODE ? (int)key->data.scalar.length : 1,
                     key->type == YAML_SCALAR_NODE ? (const char *)key->data.scalar.value : "?");
        } else if (*slot) {
            ld_error(l, &key->start_mark, "duplicate top-level key '%s'", (const char *)key->data.scalar.value);
        } else {
            *slot = val;
        }
    }
    if (rules) {
        load_rules(l, rules, f);
    }
    if (!cases) {
        ld_error(l, &root->start_mark, "case file has no cases:");
        return;
    }
    load_cases(l, cases, f);
}

int th_rt_load_mem(const char *path, const char *text, size_t len, struct th_rt_file *f, struct th_err *err)
{
    struct ld l = {path, text, len, NULL, err, 0};
    yaml_document_t doc;
    memset(f, 0, sizeof *f);
    f->path = th_xstrdup(path);
    if (parse_doc(&l, &doc) != 0) {
        return -1;
    }
    load_top(&l, f);
    yaml_document_delete(&doc);
    if (l.errors) {
        char *keep = f->path;
        f->path = NULL;
        th_rt_file_free(f);
        f->path = keep;
        return -1;
    }
    return 0;
}

int th_rt_load_file(const char *path, struct th_rt_file *f, struct th_err *err)
{
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, path, 0, 0, "cannot read case file: %s", strerror(errno));
        f->path = th_xstrdup(path);
        return -1;
    }
    struct th_buf b;
    char chunk[65536];
    size_t n;
    th_buf_init(&b);
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        th_buf_append(&b, chunk, n);
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        th_err_add(err, TH_SEV_ERROR, TH_E_IO, path, 0, 0, "cannot read case file: read error");
        th_buf_free(&b);
        f->path = th_xstrdup(path);
        return -1;
    }
    int rc = th_rt_load_mem(path, b.data ? b.data : "", b.len, f, err);
    th_buf_free(&b);
    return rc;
}

void th_rt_file_free(struct th_rt_file *f)
{
    if (!f) {
        return;
    }
    for (size_t i = 0; i < f->ncases; i++) {
        struct th_rt_case *c = &f->cases[i];
        for (size_t j = 0; j < c->nevents; j++) {
            free(c->events[j].json);
        }
        free(c->events);
        for (size_t j = 0; j < c->nexpect; j++) {
            free(c->expect[j]);
        }
        free(c->expect);
        free(c->name);
        free(c->file);
    }
    free(f->cases);
    for (size_t i = 0; i < f->nrules; i++) {
        free(f->rules[i]);
    }
    free(f->rules);
    free(f->path);
    memset(f, 0, sizeof *f);
}
