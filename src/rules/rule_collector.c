/* rule_collector.c - decoded items -> th_rule_set, with Falco's collector semantics: names and order,
 * redefinition in place (original index kept), append (one-space concatenation, items at the end, tags union,
 * exception values), override append/replace per key, deprecated standalone `enabled`, priority, source
 * (unknown -> warning, rule kept but flagged), tags (sorted, unique), required_engine_version and
 * required_plugin_versions.
 * Invariants: an item is applied atomically (all checks before any change), so an error leaves the set as it
 * was; set->next_index is Falco's shared counter (index = first definition, visibility = latest change). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rule_items.h"

const struct th_provided_plugin th_provided_plugins[] = {
    {"cloudtrail", "0.17.1"},
    {"k8saudit", "0.18.0"},
    {"k8saudit-eks", "0.12.0"},
    {"json", "0.7.3"},
    {NULL, NULL},
};

struct failed_name {
    enum th_item_kind kind;
    char *name;
};

/* The text of a loaded rules file, kept so diagnostics can quote the exact source line. */
struct source_text {
    const char *file; /* interned */
    char *text;       /* owned */
    size_t len;
};

struct priv {
    char **sources;
    size_t n_sources;
    struct failed_name *failed;
    size_t n_failed;
    struct source_text *texts;
    size_t n_texts;
};

static const char ERROR_NO_PREVIOUS_MACRO[] =
    "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists";
static const char ERROR_NO_PREVIOUS_LIST[] =
    "List uses 'append' or 'override.items: append' but no list by that name already exists";
static const char ERROR_NO_PREVIOUS_RULE_APPEND[] =
    "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists";
static const char ERROR_NO_PREVIOUS_RULE_REPLACE[] =
    "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists";

/* ---- set lifecycle ---- */

struct th_rule_set *th_rules_new(void)
{
    struct th_rule_set *set = th_xcalloc(1, sizeof *set);
    set->priv = th_xcalloc(1, sizeof(struct priv));
    th_rules_add_source(set, "aws_cloudtrail");
    th_rules_add_source(set, "k8s_audit");
    return set;
}

void th_rules_add_source(struct th_rule_set *set, const char *name)
{
    struct priv *p = set->priv;
    p->sources = th_xrealloc(p->sources, (p->n_sources + 1) * sizeof *p->sources);
    p->sources[p->n_sources++] = th_xstrdup(name);
}

static void rstrs_free(struct th_rstr *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].s);
    }
    free(v);
}

void th_rexception_clear(struct th_rexception *ex)
{
    free(ex->name);
    rstrs_free(ex->fields, ex->n_fields);
    rstrs_free(ex->comps, ex->n_comps);
    for (size_t i = 0; i < ex->n_values; i++) {
        for (size_t j = 0; j < ex->values[i].n; j++) {
            free(ex->values[i].items[j].s);
            rstrs_free(ex->values[i].items[j].list, ex->values[i].items[j].n_list);
        }
        free(ex->values[i].items);
    }
    free(ex->values);
    memset(ex, 0, sizeof *ex);
}

static void exceptions_free(struct th_rexception *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        th_rexception_clear(&v[i]);
    }
    free(v);
}

static void rule_clear(struct th_rule *r)
{
    free(r->name);
    th_text_free(&r->cond);
    th_text_free(&r->output);
    th_text_free(&r->desc);
    free(r->source);
    rstrs_free(r->tags, r->n_tags);
    exceptions_free(r->exceptions, r->n_exceptions);
    memset(r, 0, sizeof *r);
}

void th_rules_free(struct th_rule_set *set)
{
    if (!set) {
        return;
    }
    for (size_t i = 0; i < set->n_lists; i++) {
        free(set->lists[i].name);
        rstrs_free(set->lists[i].items, set->lists[i].n_items);
    }
    free(set->lists);
    for (size_t i = 0; i < set->n_macros; i++) {
        free(set->macros[i].name);
        th_text_free(&set->macros[i].cond);
    }
    free(set->macros);
    for (size_t i = 0; i < set->n_rules; i++) {
        rule_clear(&set->rules[i]);
    }
    free(set->rules);
    for (size_t i = 0; i < set->n_plugin_reqs; i++) {
        for (size_t j = 0; j < set->plugin_reqs[i].n_alts; j++) {
            free(set->plugin_reqs[i].alts[j].name);
        }
        free(set->plugin_reqs[i].alts);
    }
    free(set->plugin_reqs);
    for (size_t i = 0; i < set->n_files; i++) {
        free(set->files[i]);
    }
    free(set->files);
    struct priv *p = set->priv;
    for (size_t i = 0; i < p->n_sources; i++) {
        free(p->sources[i]);
    }
    free(p->sources);
    for (size_t i = 0; i < p->n_failed; i++) {
        free(p->failed[i].name);
    }
    free(p->failed);
    for (size_t i = 0; i < p->n_texts; i++) {
        free(p->texts[i].text);
    }
    free(p->texts);
    free(p);
    free(set);
}

const char *th_rules_intern_file(struct th_rule_set *set, const char *file)
{
    for (size_t i = 0; i < set->n_files; i++) {
        if (strcmp(set->files[i], file) == 0) {
            return set->files[i];
        }
    }
    set->files = th_xrealloc(set->files, (set->n_files + 1) * sizeof *set->files);
    set->files[set->n_files] = th_xstrdup(file);
    return set->files[set->n_files++];
}

void th_rules_keep_source(struct th_rule_set *set, const char *file, const char *text, size_t len)
{
    struct priv *p = set->priv;
    struct source_text *t = NULL;
    for (size_t i = 0; i < p->n_texts && !t; i++) {
        t = p->texts[i].file == file ? &p->texts[i] : NULL;
    }
    if (!t) {
        p->texts = th_xrealloc(p->texts, (p->n_texts + 1) * sizeof *p->texts);
        t = &p->texts[p->n_texts++];
        t->text = NULL;
    }
    free(t->text);
    t->file = file;
    t->text = th_xstrndup(text, len);
    t->len = len;
}

int th_rules_source_line(const struct th_rule_set *set, const char *file, uint32_t line, const char **text,
                         size_t *len)
{
    const struct priv *p = set->priv;
    const struct source_text *t = NULL;
    for (size_t i = 0; i < p->n_texts && !t && file; i++) {
        t = strcmp(p->texts[i].file, file) == 0 ? &p->texts[i] : NULL;
    }
    if (!t || line == 0) {
        return -1;
    }
    size_t a = 0;
    for (uint32_t l = 1; l < line; l++) {
        const char *nl = memchr(t->text + a, '\n', t->len - a);
        if (!nl) {
            return -1;
        }
        a = (size_t)(nl - t->text) + 1;
    }
    size_t b = a;
    while (b < t->len && t->text[b] != '\n' && t->text[b] != '\r') {
        b++;
    }
    *text = t->text + a;
    *len = b - a;
    return 0;
}

void th_rules_diag_snippet(const struct th_rule_set *set, struct th_diag *d, uint32_t caret_len)
{
    const char *line;
    size_t len;
    if (!d->loc.file || th_rules_source_line(set, d->loc.file, d->loc.line, &line, &len) < 0) {
        return;
    }
    uint32_t col = d->loc.col && d->loc.col <= len + 1 ? d->loc.col : 0;
    size_t rest = col ? len - (col - 1) : 0;
    if (col && caret_len == 0) { /* the word at the column */
        while (caret_len < rest && !strchr(" \t:,]", line[col - 1 + caret_len])) {
            caret_len++;
        }
    }
    if (caret_len > rest) {
        caret_len = (uint32_t)rest;
    }
    th_diag_set_snippet(d, line, len, col, col ? (caret_len ? caret_len : 1) : 0);
}

/* ---- lookups ---- */

static struct th_rule *find_rule(const struct th_rule_set *set, const char *name)
{
    for (size_t i = 0; i < set->n_rules; i++) {
        if (strcmp(set->rules[i].name, name) == 0) {
            return &set->rules[i];
        }
    }
    return NULL;
}

static struct th_rmacro *find_macro(const struct th_rule_set *set, const char *name)
{
    for (size_t i = 0; i < set->n_macros; i++) {
        if (strcmp(set->macros[i].name, name) == 0) {
            return &set->macros[i];
        }
    }
    return NULL;
}

static struct th_rlist *find_list(const struct th_rule_set *set, const char *name)
{
    for (size_t i = 0; i < set->n_lists; i++) {
        if (strcmp(set->lists[i].name, name) == 0) {
            return &set->lists[i];
        }
    }
    return NULL;
}

const struct th_rule *th_rules_find_rule(const struct th_rule_set *set, const char *name)
{
    return find_rule(set, name);
}

const struct th_rmacro *th_rules_find_macro(const struct th_rule_set *set, const char *name)
{
    return find_macro(set, name);
}

const struct th_rlist *th_rules_find_list(const struct th_rule_set *set, const char *name)
{
    return find_list(set, name);
}

/* ---- small parsers ---- */

static const char *const prio_names[] = {"Emergency", "Alert", "Critical", "Error",
                                         "Warning", "Notice", "Informational", "Debug"};

int th_priority_parse(const char *s, size_t n, enum th_priority *out)
{
    for (size_t i = 0; i < sizeof prio_names / sizeof prio_names[0]; i++) {
        if (strlen(prio_names[i]) == n && strncasecmp(prio_names[i], s, n) == 0) {
            *out = (enum th_priority)i;
            return 0;
        }
    }
    if (n == 4 && strncasecmp(s, "info", 4) == 0) {
        *out = TH_PRIO_INFORMATIONAL;
        return 0;
    }
    return -1;
}

const char *th_priority_name(enum th_priority p)
{
    return (unsigned)p < sizeof prio_names / sizeof prio_names[0] ? prio_names[p] : "Unknown";
}

static int parse_u32(const char **p, uint32_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (*s < '0' || *s > '9') {
        return -1;
    }
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (uint64_t)(*s++ - '0');
        if (v > UINT32_MAX) {
            return -1;
        }
    }
    *out = (uint32_t)v;
    *p = s;
    return 0;
}

int th_semver_parse(const char *s, struct th_semver *out)
{
    const char *p = s;
    if (parse_u32(&p, &out->major) < 0 || *p++ != '.' || parse_u32(&p, &out->minor) < 0 || *p++ != '.' ||
        parse_u32(&p, &out->patch) < 0) {
        return -1;
    }
    return (*p == 0 || *p == '-' || *p == '+') ? 0 : -1;
}

static int semver_cmp(struct th_semver a, struct th_semver b)
{
    if (a.major != b.major) {
        return a.major < b.major ? -1 : 1;
    }
    if (a.minor != b.minor) {
        return a.minor < b.minor ? -1 : 1;
    }
    return a.patch == b.patch ? 0 : (a.patch < b.patch ? -1 : 1);
}

/* Falco/libs compatibility: same major, and have >= required. */
static int semver_compatible(struct th_semver have, struct th_semver req)
{
    return have.major == req.major && semver_cmp(have, req) >= 0;
}

/* ---- diagnostics ---- */

struct ctx {
    struct th_rule_set *set;
    const struct th_ritem *it;
    struct th_err *err;
    const char *kind;
};

static struct th_diag *emit(struct ctx *c, enum th_sev sev, enum th_code code, struct th_rpos pos, const char *fmt,
                            ...) __attribute__((format(printf, 5, 6)));

static struct th_diag *emit(struct ctx *c, enum th_sev sev, enum th_code code, struct th_rpos pos, const char *fmt,
                            ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct th_diag *d = th_err_addv(c->err, sev, code, pos.file, pos.line, pos.col, fmt, ap);
    va_end(ap);
    const char *file = c->it->pos.file ? c->it->pos.file : "";
    if (c->kind && c->it->name && *c->it->name) {
        th_diag_set_item(d, "%s '%s' (%s:%u:%u)", c->kind, c->it->name, file, c->it->pos.line, c->it->pos.col);
    } else if (c->kind) {
        th_diag_set_item(d, "%s (%s:%u:%u)", c->kind, file, c->it->pos.line, c->it->pos.col);
    }
    th_rules_diag_snippet(c->set, d, 0);
    return d;
}

static void mark_failed(struct th_rule_set *set, enum th_item_kind kind, const char *name)
{
    struct priv *p = set->priv;
    if (!name) {
        return;
    }
    p->failed = th_xrealloc(p->failed, (p->n_failed + 1) * sizeof *p->failed);
    p->failed[p->n_failed].kind = kind;
    p->failed[p->n_failed].name = th_xstrdup(name);
    p->n_failed++;
}

static int has_failed(const struct th_rule_set *set, enum th_item_kind kind, const char *name)
{
    const struct priv *p = set->priv;
    for (size_t i = 0; i < p->n_failed; i++) {
        if (p->failed[i].kind == kind && strcmp(p->failed[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

/* A missing append/override target: an error, unless the target's own definition failed (already reported). */
static int no_target(struct ctx *c, const char *msg)
{
    if (has_failed(c->set, c->it->kind, c->it->name)) {
        return 0;
    }
    emit(c, TH_SEV_ERROR, TH_E_VALIDATE, c->it->pos, "%s", msg);
    return -1;
}

/* ---- copying helpers ---- */

static struct th_rstr *rstrs_dup(const struct th_rstr *v, size_t n)
{
    struct th_rstr *out = th_xcalloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i].s = th_xstrdup(v[i].s);
        out[i].pos = v[i].pos;
    }
    return out;
}

static void rstrs_append(struct th_rstr **dst, size_t *n, const struct th_rstr *src, size_t m)
{
    *dst = th_xrealloc(*dst, (*n + m + 1) * sizeof **dst);
    for (size_t i = 0; i < m; i++) {
        (*dst)[*n + i].s = th_xstrdup(src[i].s);
        (*dst)[*n + i].pos = src[i].pos;
    }
    *n += m;
}

static void exc_tuples_append(struct th_rexception *dst, const struct th_rexception *src)
{
    dst->values = th_xrealloc(dst->values, (dst->n_values + src->n_values + 1) * sizeof *dst->values);
    for (size_t i = 0; i < src->n_values; i++) {
        const struct th_rexc_tuple *t = &src->values[i];
        struct th_rexc_tuple *o = &dst->values[dst->n_values++];
        *o = *t;
        o->items = th_xcalloc(t->n ? t->n : 1, sizeof *o->items);
        for (size_t j = 0; j < t->n; j++) {
            o->items[j] = t->items[j];
            o->items[j].s = t->items[j].s ? th_xstrdup(t->items[j].s) : NULL;
            o->items[j].list = t->items[j].is_list ? rstrs_dup(t->items[j].list, t->items[j].n_list) : NULL;
        }
    }
}

static void exception_dup(struct th_rexception *dst, const struct th_rexception *src)
{
    memset(dst, 0, sizeof *dst);
    dst->name = th_xstrdup(src->name);
    dst->pos = src->pos;
    dst->fields_is_list = src->fields_is_list;
    dst->fields = rstrs_dup(src->fields, src->n_fields);
    dst->n_fields = src->n_fields;
    dst->comps_is_list = src->comps_is_list;
    dst->comps = rstrs_dup(src->comps, src->n_comps);
    dst->n_comps = src->n_comps;
    exc_tuples_append(dst, src);
}

static int cmp_rstr(const void *a, const void *b)
{
    return strcmp(((const struct th_rstr *)a)->s, ((const struct th_rstr *)b)->s);
}

/* Sorts (strcmp) and removes duplicates, as Falco's std::set<std::string>. */
static void tags_normalise(struct th_rstr *v, size_t *n)
{
    if (*n == 0) {
        return;
    }
    qsort(v, *n, sizeof *v, cmp_rstr);
    size_t w = 1;
    for (size_t i = 1; i < *n; i++) {
        if (strcmp(v[i].s, v[w - 1].s) == 0) {
            free(v[i].s);
            continue;
        }
        v[w++] = v[i];
    }
    *n = w;
}

/* ---- exceptions ---- */

static const char *const cmp_ops[] = {"=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains",
                                      "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob",
                                      "regex", "in", "intersects", "pmatch", "exists", NULL};

static int op_known(const char *op)
{
    for (size_t i = 0; cmp_ops[i]; i++) {
        if (strcmp(cmp_ops[i], op) == 0) {
            return 1;
        }
    }
    /* `<op> oneof|anyof|allof` (libs operator modifiers) */
    const char *sp = strchr(op, ' ');
    if (!sp || (strcmp(sp + 1, "oneof") && strcmp(sp + 1, "anyof") && strcmp(sp + 1, "allof"))) {
        return 0;
    }
    char head[16];
    size_t n = (size_t)(sp - op);
    if (n >= sizeof head) {
        return 0;
    }
    memcpy(head, op, n);
    head[n] = 0;
    return op_known(head) && strchr(head, ' ') == NULL;
}

static struct th_diag *exc_err(struct ctx *c, const struct th_rexception *ex, struct th_rpos pos, const char *msg)
{
    struct th_diag *d = th_err_add(c->err, TH_SEV_ERROR, TH_E_VALIDATE, pos.file, pos.line, pos.col, "%s", msg);
    th_diag_set_item(d, "exception '%s' of rule '%s' (%s:%u:%u)", ex->name, c->it->name, c->it->pos.file,
                     c->it->pos.line, c->it->pos.col);
    th_rules_diag_snippet(c->set, d, 0);
    return d;
}

/* Values tuples of src checked against the fields of ex (ex may be src itself). */
static int check_exc_values(struct ctx *c, const struct th_rexception *ex, const struct th_rexception *src)
{
    for (size_t i = 0; i < src->n_values; i++) {
        const struct th_rexc_tuple *t = &src->values[i];
        if (ex->fields_is_list && (!t->is_list || t->n != ex->n_fields)) {
            exc_err(c, src, t->pos, "Fields and values lists must have equal length");
            return -1;
        }
        if (!ex->fields_is_list && (t->is_list || t->items[0].is_list)) {
            exc_err(c, src, t->pos, "Expected values array to contain a list of strings");
            return -1;
        }
    }
    return 0;
}

/* Falco's validate_exception_info without the field check (the compiler knows the fields). Fills default
 * comps in the copy it returns through out. */
static int check_exception(struct ctx *c, const struct th_rexception *ex)
{
    if (ex->fields_is_list) {
        if (ex->n_comps && (!ex->comps_is_list || ex->n_comps != ex->n_fields)) {
            exc_err(c, ex, ex->pos, "Fields and comps lists must have equal length");
            return -1;
        }
        for (size_t i = 0; i < ex->n_comps; i++) {
            if (!op_known(ex->comps[i].s)) {
                char msg[160];
                snprintf(msg, sizeof msg, "'%.100s' is not a supported comparison operator", ex->comps[i].s);
                exc_err(c, ex, ex->comps[i].pos, msg);
                return -1;
            }
        }
        return check_exc_values(c, ex, ex);
    }
    if (ex->n_comps && ex->comps_is_list) {
        exc_err(c, ex, ex->pos, "Fields and comps must both be strings");
        return -1;
    }
    const char *op = ex->n_comps ? ex->comps[0].s : "in";
    int modifier = op_known(op) && strchr(op, ' ') != NULL;
    if (strcmp(op, "in") && strcmp(op, "pmatch") && strcmp(op, "intersects") && !modifier) {
        exc_err(c, ex, ex->n_comps ? ex->comps[0].pos : ex->pos,
                "When fields is a single value, comps must be one of (in, pmatch, intersects)");
        return -1;
    }
    return check_exc_values(c, ex, ex);
}

static void default_comps(struct th_rexception *ex)
{
    if (ex->n_comps) {
        return;
    }
    free(ex->comps);
    ex->comps_is_list = ex->fields_is_list;
    ex->n_comps = ex->fields_is_list ? ex->n_fields : 1;
    ex->comps = th_xcalloc(ex->n_comps, sizeof *ex->comps);
    for (size_t i = 0; i < ex->n_comps; i++) {
        ex->comps[i].s = th_xstrdup(ex->fields_is_list ? "=" : "in");
        ex->comps[i].pos = ex->pos;
    }
}

/* Copies and checks a full exception list (define / replace). */
static int build_exceptions(struct ctx *c, const struct th_ritem *it, struct th_rexception **out, size_t *n)
{
    *out = th_xcalloc(it->n_exceptions ? it->n_exceptions : 1, sizeof **out);
    *n = 0;
    for (size_t i = 0; i < it->n_exceptions; i++) {
        const struct th_rexc_in *in = &it->exceptions[i];
        if (!in->has_fields) {
            exc_err(c, &in->ex, in->ex.pos, "Rule exception item must have fields property with a list of fields");
            return -1;
        }
        if (check_exception(c, &in->ex) < 0) {
            return -1;
        }
        exception_dup(&(*out)[(*n)++], &in->ex);
        default_comps(&(*out)[*n - 1]);
    }
    return 0;
}

static struct th_rexception *find_exc(struct th_rexception *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].name, name) == 0) {
            return &v[i];
        }
    }
    return NULL;
}

/* Checks exception appends against prev's exceptions (pass 1 of an append). */
static int check_exc_appends(struct ctx *c, struct th_rule *prev, const struct th_ritem *it)
{
    for (size_t i = 0; i < it->n_exceptions; i++) {
        const struct th_rexc_in *in = &it->exceptions[i];
        const struct th_rexception *old = find_exc(prev->exceptions, prev->n_exceptions, in->ex.name);
        if (!old && !in->has_fields) {
            exc_err(c, &in->ex, in->ex.pos, "Rule exception must have fields property with a list of fields");
            return -1;
        }
        if (!old && !in->has_values) {
            exc_err(c, &in->ex, in->ex.pos, "Rule exception must have values property with a list of values");
            return -1;
        }
        if (!old && check_exception(c, &in->ex) < 0) {
            return -1;
        }
        if (old && in->has_fields) {
            exc_err(c, &in->ex, in->ex.pos, "Can not append exception fields to existing exception, only values");
            return -1;
        }
        if (old && in->has_comps) {
            exc_err(c, &in->ex, in->ex.pos, "Can not append exception comps to existing exception, only values");
            return -1;
        }
        if (old && check_exc_values(c, old, &in->ex) < 0) {
            return -1;
        }
    }
    return 0;
}

static void apply_exc_appends(struct th_rule *prev, const struct th_ritem *it)
{
    for (size_t i = 0; i < it->n_exceptions; i++) {
        const struct th_rexception *src = &it->exceptions[i].ex;
        struct th_rexception *old = find_exc(prev->exceptions, prev->n_exceptions, src->name);
        if (old) {
            exc_tuples_append(old, src);
            continue;
        }
        prev->exceptions = th_xrealloc(prev->exceptions, (prev->n_exceptions + 1) * sizeof *prev->exceptions);
        exception_dup(&prev->exceptions[prev->n_exceptions], src);
        default_comps(&prev->exceptions[prev->n_exceptions]);
        prev->n_exceptions++;
    }
}

/* ---- lists and macros ---- */

static int collect_list(struct ctx *c)
{
    const struct th_ritem *it = c->it;
    struct th_rlist *prev = find_list(c->set, it->name);
    uint32_t id = c->set->next_index++;
    if (it->op == TH_OP_APPEND) {
        if (!prev) {
            return no_target(c, ERROR_NO_PREVIOUS_LIST);
        }
        rstrs_append(&prev->items, &prev->n_items, it->items, it->n_items);
        prev->visibility = id;
        return 0;
    }
    if (!prev) {
        c->set->lists = th_xrealloc(c->set->lists, (c->set->n_lists + 1) * sizeof *c->set->lists);
        prev = &c->set->lists[c->set->n_lists++];
        memset(prev, 0, sizeof *prev);
        prev->name = th_xstrdup(it->name);
        prev->index = id;
    }
    rstrs_free(prev->items, prev->n_items);
    prev->items = rstrs_dup(it->items, it->n_items);
    prev->n_items = it->n_items;
    prev->pos = it->pos;
    prev->visibility = id;
    return 0;
}

static int collect_macro(struct ctx *c)
{
    const struct th_ritem *it = c->it;
    struct th_rmacro *prev = find_macro(c->set, it->name);
    uint32_t id = c->set->next_index++;
    if (it->op == TH_OP_APPEND) {
        if (!prev) {
            return no_target(c, ERROR_NO_PREVIOUS_MACRO);
        }
        th_text_append(&prev->cond, ' ', &it->cond);
        prev->visibility = id;
        return 0;
    }
    if (!prev) {
        c->set->macros = th_xrealloc(c->set->macros, (c->set->n_macros + 1) * sizeof *c->set->macros);
        prev = &c->set->macros[c->set->n_macros++];
        memset(prev, 0, sizeof *prev);
        prev->name = th_xstrdup(it->name);
        prev->index = id;
    }
    th_text_copy(&prev->cond, &it->cond);
    prev->pos = it->pos;
    prev->visibility = id;
    return 0;
}

/* ---- rules ---- */

static int source_known(const struct th_rule_set *set, const char *src)
{
    const struct priv *p = set->priv;
    for (size_t i = 0; i < p->n_sources; i++) {
        if (strcmp(p->sources[i], src) == 0) {
            return 1;
        }
    }
    return 0;
}

static int parse_priority(struct ctx *c, enum th_priority *out)
{
    if (th_priority_parse(c->it->priority, strlen(c->it->priority), out) == 0) {
        return 0;
    }
    emit(c, TH_SEV_ERROR, TH_E_VALIDATE, c->it->priority_pos,
         "Invalid priority '%s' (expected emergency, alert, critical, error, warning, notice, informational/info "
         "or debug)",
         c->it->priority);
    return -1;
}

static int define_rule(struct ctx *c)
{
    const struct th_ritem *it = c->it;
    const char *source = (it->has & TH_K_SOURCE) ? it->source : "syscall";
    struct th_rule *prev = find_rule(c->set, it->name);
    if (prev && strcmp(prev->source, source) != 0) {
        emit(c, TH_SEV_ERROR, TH_E_VALIDATE, it->pos, "Rule has been re-defined with a different source");
        return -1;
    }
    struct th_rule r;
    memset(&r, 0, sizeof r);
    int bad = parse_priority(c, &r.priority) < 0;
    bad |= build_exceptions(c, it, &r.exceptions, &r.n_exceptions) < 0;
    if (bad) {
        rule_clear(&r);
        return -1;
    }
    r.unknown_source = !source_known(c->set, source);
    if (r.unknown_source) {
        struct th_rpos at = (it->has & TH_K_SOURCE) ? it->source_pos : it->pos;
        emit(c, TH_SEV_WARNING, TH_W_UNKNOWN_SOURCE, at, "Unknown source %s, skipping%s", source,
             (it->has & TH_K_SOURCE) ? " (known sources: aws_cloudtrail, k8s_audit)"
                                     : " (the rule has no 'source' key, so Falco's default 'syscall' applies; add "
                                       "source: aws_cloudtrail or source: k8s_audit)");
    }
    r.name = th_xstrdup(it->name);
    r.pos = it->pos;
    th_text_copy(&r.cond, &it->cond);
    th_text_copy(&r.output, &it->output);
    th_text_copy(&r.desc, &it->desc);
    r.source = th_xstrdup(source);
    r.tags = rstrs_dup(it->tags, it->n_tags);
    r.n_tags = it->n_tags;
    tags_normalise(r.tags, &r.n_tags);
    r.enabled = (it->has & TH_K_ENABLED) ? it->enabled : true;
    r.warn_evttypes = (it->has & TH_K_WARN_EVTTYPES) ? it->warn_evttypes : true;
    r.skip_if_unknown_filter = (it->has & TH_K_SKIP_UNKNOWN) ? it->skip_if_unknown_filter : false;
    r.visibility = c->set->next_index++;
    if (prev) {
        r.index = prev->index;
        rule_clear(prev);
        *prev = r;
        return 0;
    }
    r.index = r.visibility;
    c->set->rules = th_xrealloc(c->set->rules, (c->set->n_rules + 1) * sizeof *c->set->rules);
    c->set->rules[c->set->n_rules++] = r;
    return 0;
}

static void append_text(struct th_text *dst, const struct th_text *src)
{
    if (src->str && src->len) {
        th_text_append(dst, ' ', src);
    }
}

/* keys: the keys to append (legacy append: condition and exceptions). */
static int append_rule(struct ctx *c, unsigned keys)
{
    const struct th_ritem *it = c->it;
    struct th_rule *prev = find_rule(c->set, it->name);
    if (!prev) {
        return no_target(c, ERROR_NO_PREVIOUS_RULE_APPEND);
    }
    if (!(keys & (TH_K_CONDITION | TH_K_OUTPUT | TH_K_DESC | TH_K_TAGS | TH_K_EXCEPTIONS))) {
        emit(c, TH_SEV_ERROR, TH_E_VALIDATE, it->pos, "Appended rule must have exceptions or condition property");
        return -1;
    }
    if ((keys & TH_K_EXCEPTIONS) && check_exc_appends(c, prev, it) < 0) {
        return -1;
    }
    if (keys & TH_K_CONDITION) {
        append_text(&prev->cond, &it->cond);
    }
    if (keys & TH_K_OUTPUT) {
        append_text(&prev->output, &it->output);
    }
    if (keys & TH_K_DESC) {
        append_text(&prev->desc, &it->desc);
    }
    if (keys & TH_K_TAGS) {
        rstrs_append(&prev->tags, &prev->n_tags, it->tags, it->n_tags);
        tags_normalise(prev->tags, &prev->n_tags);
    }
    if (keys & TH_K_EXCEPTIONS) {
        apply_exc_appends(prev, it);
    }
    prev->visibility = c->set->next_index++;
    return 0;
}

static int replace_rule(struct ctx *c, unsigned keys)
{
    const struct th_ritem *it = c->it;
    struct th_rule *prev = find_rule(c->set, it->name);
    if (!prev) {
        return no_target(c, ERROR_NO_PREVIOUS_RULE_REPLACE);
    }
    enum th_priority prio = prev->priority;
    struct th_rexception *exs = NULL;
    size_t n_exs = 0;
    if ((keys & TH_K_PRIORITY) && parse_priority(c, &prio) < 0) {
        return -1;
    }
    if ((keys & TH_K_EXCEPTIONS) && build_exceptions(c, it, &exs, &n_exs) < 0) {
        exceptions_free(exs, n_exs);
        return -1;
    }
    if (keys & TH_K_CONDITION) {
        th_text_copy(&prev->cond, &it->cond);
    }
    if (keys & TH_K_OUTPUT) {
        th_text_copy(&prev->output, &it->output);
    }
    if (keys & TH_K_DESC) {
        th_text_copy(&prev->desc, &it->desc);
    }
    if (keys & TH_K_TAGS) {
        rstrs_free(prev->tags, prev->n_tags);
        prev->tags = rstrs_dup(it->tags, it->n_tags);
        prev->n_tags = it->n_tags;
        tags_normalise(prev->tags, &prev->n_tags);
    }
    if (keys & TH_K_EXCEPTIONS) {
        exceptions_free(prev->exceptions, prev->n_exceptions);
        prev->exceptions = exs;
        prev->n_exceptions = n_exs;
    }
    prev->priority = prio;
    prev->enabled = (keys & TH_K_ENABLED) ? it->enabled : prev->enabled;
    prev->warn_evttypes = (keys & TH_K_WARN_EVTTYPES) ? it->warn_evttypes : prev->warn_evttypes;
    prev->skip_if_unknown_filter = (keys & TH_K_SKIP_UNKNOWN) ? it->skip_if_unknown_filter
                                                              : prev->skip_if_unknown_filter;
    prev->visibility = c->set->next_index++;
    return 0;
}

static int enable_rule(struct ctx *c)
{
    struct th_rule *prev = find_rule(c->set, c->it->name);
    if (!prev) {
        return no_target(c, "Rule has 'enabled' key but no rule by that name already exists");
    }
    prev->enabled = c->it->enabled;
    return 0;
}

static int collect_rule(struct ctx *c)
{
    const struct th_ritem *it = c->it;
    switch (it->op) {
    case TH_OP_DEFINE:
        return define_rule(c);
    case TH_OP_APPEND:
        return append_rule(c, it->has & (TH_K_CONDITION | TH_K_EXCEPTIONS));
    case TH_OP_ENABLE:
        return enable_rule(c);
    case TH_OP_OVERRIDE:
        if (it->ovr_append && append_rule(c, it->ovr_append) < 0) {
            return -1;
        }
        return it->ovr_replace ? replace_rule(c, it->ovr_replace) : 0;
    }
    return 0;
}

/* ---- versions ---- */

static int collect_engine_version(struct ctx *c)
{
    struct th_semver have = {TH_ENGINE_VERSION_MAJOR, TH_ENGINE_VERSION_MINOR, TH_ENGINE_VERSION_PATCH};
    struct th_semver req = c->it->engine;
    if (!semver_compatible(have, req)) {
        emit(c, TH_SEV_ERROR, TH_E_ENGINE_VERSION, c->it->pos,
             "Rules require engine version %u.%u.%u, but engine version is %u.%u.%u", req.major, req.minor,
             req.patch, have.major, have.minor, have.patch);
        return -1;
    }
    if (semver_cmp(c->set->required_engine, req) < 0) {
        c->set->required_engine = req;
    }
    return 0;
}

static int plugin_provided(const struct th_plugin_alt *a)
{
    for (size_t i = 0; th_provided_plugins[i].name; i++) {
        struct th_semver have;
        if (strcmp(th_provided_plugins[i].name, a->name) == 0 &&
            th_semver_parse(th_provided_plugins[i].version, &have) == 0 && semver_compatible(have, a->version)) {
            return 1;
        }
    }
    return 0;
}

static int collect_plugin_req(struct ctx *c)
{
    const struct th_plugin_req *req = &c->it->plugin;
    int ok = 0;
    for (size_t i = 0; i < req->n_alts; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(req->alts[i].name, req->alts[j].name) == 0) {
                emit(c, TH_SEV_ERROR, TH_E_VALIDATE, req->pos,
                     "Defined multiple alternative version requirements for plugin '%s'", req->alts[i].name);
                return -1;
            }
        }
        ok |= plugin_provided(&req->alts[i]);
    }
    if (!ok) {
        struct th_buf b;
        th_buf_init(&b);
        for (size_t i = 0; i < req->n_alts; i++) {
            th_buf_printf(&b, "%s%s (>= %u.%u.%u)", i ? ", " : "", req->alts[i].name, req->alts[i].version.major,
                          req->alts[i].version.minor, req->alts[i].version.patch);
        }
        emit(c, TH_SEV_ERROR, TH_E_ENGINE_VERSION, req->pos, "Plugin requirement not satisfied, must load one of: %s",
             b.data);
        th_buf_free(&b);
        return -1;
    }
    c->set->plugin_reqs = th_xrealloc(c->set->plugin_reqs, (c->set->n_plugin_reqs + 1) * sizeof *c->set->plugin_reqs);
    struct th_plugin_req *dst = &c->set->plugin_reqs[c->set->n_plugin_reqs++];
    dst->pos = req->pos;
    dst->n_alts = req->n_alts;
    dst->alts = th_xcalloc(req->n_alts ? req->n_alts : 1, sizeof *dst->alts);
    for (size_t i = 0; i < req->n_alts; i++) {
        dst->alts[i].name = th_xstrdup(req->alts[i].name);
        dst->alts[i].version = req->alts[i].version;
    }
    return 0;
}

int th_collect_item(struct th_rule_set *set, const struct th_ritem *it, struct th_err *err)
{
    static const char *const kinds[] = {"required_engine_version", "required_plugin_versions", "list", "macro",
                                        "rule"};
    struct ctx c = {set, it, err, kinds[it->kind]};
    int rc = 0;
    switch (it->kind) {
    case TH_ITEM_ENGINE_VERSION:
        return collect_engine_version(&c);
    case TH_ITEM_PLUGIN_VERSIONS:
        return collect_plugin_req(&c);
    case TH_ITEM_LIST:
        rc = collect_list(&c);
        break;
    case TH_ITEM_MACRO:
        rc = collect_macro(&c);
        break;
    case TH_ITEM_RULE:
        rc = collect_rule(&c);
        break;
    }
    if (rc < 0) {
        mark_failed(set, it->kind, it->name);
    }
    return rc;
}

void th_collect_mark_failed(struct th_rule_set *set, enum th_item_kind kind, const char *name)
{
    mark_failed(set, kind, name);
}
