/* compile.c - collected ruleset (th_rules.h) -> immutable compiled program (program.h).
 * Per rule: parse the condition, AND the exceptions on as tree nodes, resolve macros and lists on the tree with
 * Falco's visibility, type-check every comparison against the field registry and turn it into a pnode with its
 * constants prepared; parse the output template; derive MITRE from tags. Errors carry file:line:col, the rule's
 * name and a caret. Invariant: a rule is active only if every part of it compiled. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cond_parser.h"
#include "cond_resolve.h"
#include "program.h"

struct slot_key {
    uint16_t id;
    int32_t index;
    char *key;
};

struct compiler {
    const struct th_rule_set *set;
    struct th_ruleset *rs;
    struct th_err *err;
    const struct compiled_rule *cur; /* rule being compiled (diagnostic context) */
    enum th_srckind kind;
    /* macros: parsed once */
    struct th_cond_src *macro_src;
    struct th_cond_node **macro_tree;
    bool *macro_failed, *macro_used;
    /* lists: items as plain C strings */
    const char ***list_items;
    bool *list_used;
    /* slots */
    struct slot_key *slots;
    size_t nslots, capslots;
};

/* ---- positions ---- */

static void map_text(void *ctx, size_t off, const char **file, uint32_t *line, uint32_t *col)
{
    struct th_rpos pos;
    if (th_text_locate(ctx, off, &pos) == 0) {
        *file = pos.file;
        *line = pos.line;
        *col = pos.col;
    }
}

static void src_for_text(struct th_cond_src *src, const struct th_text *t)
{
    src->text = t->str ? t->str : "";
    src->len = t->str ? t->len : 0;
    src->map = map_text;
    src->map_ctx = (void *)t;
}

static void set_item(struct compiler *c, struct th_diag *d)
{
    if (d && c->cur) {
        th_diag_set_item(d, "rule '%s' (%s:%u:%u)", c->cur->name, c->cur->file ? c->cur->file : "?", c->cur->info.line,
                         c->cur->info.col);
    }
}

static void node_error(struct compiler *c, enum th_code code, const struct th_cond_node *n, const char *msg)
{
    set_item(c, th_cond_diag_node(c->err, TH_SEV_ERROR, code, n, "%s", msg));
}

/* ---- resolver callbacks ---- */

static int find_list(void *ctx, const char *name, uint32_t bound, struct th_cond_list_def *out)
{
    struct compiler *c = ctx;
    for (size_t i = 0; i < c->set->n_lists; i++) {
        const struct th_rlist *l = &c->set->lists[i];
        if (strcmp(l->name, name) == 0 && l->index < bound) {
            out->items = c->list_items[i];
            out->n = l->n_items;
            out->bound = l->visibility;
            c->list_used[i] = true;
            return 1;
        }
    }
    return 0;
}

/* A macro whose own condition failed to parse answers TH_COND_MACRO_BROKEN (its error is already reported); one
 * defined after the bound answers TH_COND_MACRO_LATER. Neither counts as a use. */
static int find_macro(void *ctx, const char *name, uint32_t bound, struct th_cond_macro_def *out)
{
    struct compiler *c = ctx;
    for (size_t i = 0; i < c->set->n_macros; i++) {
        const struct th_rmacro *m = &c->set->macros[i];
        if (strcmp(m->name, name) != 0) {
            continue;
        }
        if (m->index >= bound) {
            return TH_COND_MACRO_LATER;
        }
        if (c->macro_failed[i]) {
            return TH_COND_MACRO_BROKEN;
        }
        out->tree = c->macro_tree[i];
        out->resolved = false;
        out->bound = m->visibility;
        c->macro_used[i] = true;
        return 1;
    }
    return 0;
}

static void prepare_macros_and_lists(struct compiler *c)
{
    const struct th_rule_set *set = c->set;
    c->macro_src = th_xcalloc(set->n_macros + 1, sizeof *c->macro_src);
    c->macro_tree = th_xcalloc(set->n_macros + 1, sizeof *c->macro_tree);
    c->macro_failed = th_xcalloc(set->n_macros + 1, sizeof *c->macro_failed);
    c->macro_used = th_xcalloc(set->n_macros + 1, sizeof *c->macro_used);
    for (size_t i = 0; i < set->n_macros; i++) {
        struct th_err local;
        th_err_init(&local);
        src_for_text(&c->macro_src[i], &set->macros[i].cond);
        c->macro_tree[i] = th_cond_parse(&c->macro_src[i], NULL, &local);
        if (!c->macro_tree[i]) {
            c->macro_failed[i] = true;
            for (size_t k = 0; k < local.n; k++) {
                th_diag_set_item(&local.v[k], "macro '%s' (%s:%u:%u)", set->macros[i].name,
                                 set->macros[i].pos.file ? set->macros[i].pos.file : "?", set->macros[i].pos.line,
                                 set->macros[i].pos.col);
            }
        }
        th_err_move(c->err, &local);
        th_err_free(&local);
    }
    c->list_items = th_xcalloc(set->n_lists + 1, sizeof *c->list_items);
    c->list_used = th_xcalloc(set->n_lists + 1, sizeof *c->list_used);
    for (size_t i = 0; i < set->n_lists; i++) {
        const char **v = th_xcalloc(set->lists[i].n_items + 1, sizeof *v);
        for (size_t k = 0; k < set->lists[i].n_items; k++) {
            v[k] = set->lists[i].items[k].s;
        }
        c->list_items[i] = v;
    }
}

/* Falco resolves every macro on its own when loading (rule_loader compile_macros_infos), so a reference loop or
 * an undefined macro inside a macro that no rule uses is still a load error. Runs after the rules: a macro used
 * by a rule was already resolved (and its errors reported) in that rule's context. Resolving a macro marks the
 * macros it references as used, as in Falco. Returns the number of macros that failed. */
static unsigned check_unused_macros(struct compiler *c)
{
    struct th_cond_resolver res = {c, find_list, find_macro, NULL};
    unsigned failed = 0;
    for (size_t i = 0; i < c->set->n_macros; i++) {
        const struct th_rmacro *m = &c->set->macros[i];
        if (c->macro_used[i] || c->macro_failed[i]) {
            continue;
        }
        struct th_cond_node *tree = th_cond_clone(c->macro_tree[i]);
        struct th_cond_bounds b = {TH_COND_SEE_ALL, m->visibility};
        size_t before = c->err->n;
        if (th_cond_resolve_bounds(&tree, &res, b, c->err) != 0) {
            failed++;
        }
        for (size_t k = before; k < c->err->n; k++) {
            th_diag_set_item(&c->err->v[k], "macro '%s' (%s:%u:%u)", m->name, m->pos.file ? m->pos.file : "?",
                             m->pos.line, m->pos.col);
        }
        th_cond_free(tree);
    }
    return failed;
}

static void warn_unused(struct compiler *c)
{
    for (size_t i = 0; i < c->set->n_macros; i++) {
        const struct th_rmacro *m = &c->set->macros[i];
        if (!c->macro_used[i] && !c->macro_failed[i]) {
            th_err_add(c->err, TH_SEV_WARNING, TH_W_UNUSED_MACRO, m->pos.file, m->pos.line, m->pos.col,
                       "macro '%s' is not used by any rule or macro", m->name);
        }
    }
    for (size_t i = 0; i < c->set->n_lists; i++) {
        const struct th_rlist *l = &c->set->lists[i];
        if (!c->list_used[i]) {
            th_err_add(c->err, TH_SEV_WARNING, TH_W_UNUSED_LIST, l->pos.file, l->pos.line, l->pos.col,
                       "list '%s' is not used by any rule, macro or list", l->name);
        }
    }
}

static void free_macros_and_lists(struct compiler *c)
{
    for (size_t i = 0; i < c->set->n_macros; i++) {
        th_cond_free(c->macro_tree[i]);
    }
    for (size_t i = 0; i < c->set->n_lists; i++) {
        free(c->list_items[i]);
    }
    free(c->macro_src);
    free(c->macro_tree);
    free(c->macro_failed);
    free(c->macro_used);
    free(c->list_items);
    free(c->list_used);
}

/* ---- fields ---- */

/* Index of (id, index, key) in the slot table, added when new. The table keeps every key (fieldrefs point at
 * them); an index is also the per-event cache slot while it fits, see cache_slot(). */
static size_t slot_for(struct compiler *c, uint16_t id, int32_t index, const char *key)
{
    for (size_t i = 0; i < c->nslots; i++) {
        struct slot_key *s = &c->slots[i];
        if (s->id == id && s->index == index && ((!s->key && !key) || (s->key && key && !strcmp(s->key, key)))) {
            return i;
        }
    }
    if (c->nslots == c->capslots) {
        c->capslots = c->capslots ? c->capslots * 2 : 64;
        c->slots = th_xrealloc(c->slots, c->capslots * sizeof *c->slots);
    }
    c->slots[c->nslots] = (struct slot_key){id, index, key ? th_xstrdup(key) : NULL};
    return c->nslots++;
}

/* Cache slot for a slot-table index: beyond 65534 distinct references, fields are extracted uncached. */
static uint16_t cache_slot(size_t idx)
{
    return idx < TH_NO_SLOT ? (uint16_t)idx : TH_NO_SLOT;
}

/* Resolves a FIELD node into ref (ref->key points into the slot table, which lives as long as the ruleset). */
static int resolve_field(struct compiler *c, const struct th_cond_node *f, struct th_fieldref *ref, enum th_ftype *type)
{
    char msg[256];
    int id = th_field_find(f->text, strlen(f->text), c->kind);
    if (id < 0) {
        const char *hint = th_field_suggest(f->text, strlen(f->text), c->kind);
        int other = th_field_find(f->text, strlen(f->text), TH_SRC_UNKNOWN);
        if (other >= 0) {
            snprintf(msg, sizeof msg, "field '%s' does not exist for source %s", f->text, th_srckind_name(c->kind));
        } else if (hint) {
            snprintf(msg, sizeof msg, "unknown field '%s' (did you mean '%s'?)", f->text, hint);
        } else {
            snprintf(msg, sizeof msg, "unknown field '%s'", f->text);
        }
        node_error(c, TH_E_UNKNOWN_FIELD, f, msg);
        return -1;
    }
    const struct th_field_def *def = th_field_by_id((uint16_t)id);
    ref->id = (uint16_t)id;
    ref->index = -1;
    ref->key = NULL;
    ref->keylen = 0;
    if (!f->arg && (def->flags & TH_FF_ARG_REQUIRED)) {
        snprintf(msg, sizeof msg, "field '%s' requires an argument, e.g. %s[...]", f->text, f->text);
        node_error(c, TH_E_TYPE, f, msg);
        return -1;
    }
    if (f->arg && !(def->flags & (TH_FF_ARG_INDEX | TH_FF_ARG_KEY))) {
        snprintf(msg, sizeof msg, "field '%s' takes no argument", f->text);
        node_error(c, TH_E_TYPE, f, msg);
        return -1;
    }
    if (f->arg && (def->flags & TH_FF_ARG_KEY)) {
        size_t idx = slot_for(c, ref->id, -1, f->arg);
        ref->slot = cache_slot(idx);
        ref->key = c->slots[idx].key;
        ref->keylen = (uint32_t)strlen(ref->key);
    } else if (f->arg) {
        char *end;
        long v = strtol(f->arg, &end, 10);
        if (*end || v < 0 || v > INT32_MAX || end == f->arg) {
            snprintf(msg, sizeof msg, "field '%s' takes a numeric index, not '%s'", f->text, f->arg);
            node_error(c, TH_E_TYPE, f, msg);
            return -1;
        }
        ref->index = (int32_t)v;
        ref->slot = cache_slot(slot_for(c, ref->id, ref->index, NULL));
    } else {
        ref->slot = cache_slot(slot_for(c, ref->id, -1, NULL));
    }
    *type = def->type;
    if (ref->index >= 0 && def->type == TH_FT_STRLIST) {
        *type = TH_FT_STR; /* list[i] is one element */
    }
    return 0;
}

static int build_operand(struct compiler *c, const struct th_cond_node *n, struct operand *o)
{
    const struct th_cond_node *chain[TH_MAX_XF + 1];
    size_t depth = 0;
    memset(o, 0, sizeof *o);
    while (n->kind == TH_CN_XFORM || n->kind == TH_CN_VAL) {
        if (n->kind == TH_CN_XFORM) {
            if (depth == TH_MAX_XF) {
                node_error(c, TH_E_TYPE, n, "too many nested transformers (4 at most)");
                return -1;
            }
            if (n->xf != TH_XF_TOLOWER && n->xf != TH_XF_TOUPPER && n->xf != TH_XF_B64 && n->xf != TH_XF_BASENAME &&
                n->xf != TH_XF_LEN) {
                char msg[128];
                snprintf(msg, sizeof msg, "transformer '%s' is not supported yet (tolower, toupper, b64, basename, len are)",
                         th_cond_xform_str(n->xf));
                node_error(c, TH_E_TYPE, n, msg);
                return -1;
            }
            if (n->n != 1) {
                node_error(c, TH_E_TYPE, n, "transformer takes exactly one field");
                return -1;
            }
            chain[depth++] = n;
        }
        n = n->kids[0];
    }
    if (n->kind != TH_CN_FIELD) {
        node_error(c, TH_E_TYPE, n, "expected a field");
        return -1;
    }
    if (resolve_field(c, n, &o->ref, &o->type) < 0) {
        return -1;
    }
    for (size_t i = depth; i-- > 0;) { /* innermost first */
        uint8_t xf = (uint8_t)chain[i]->xf;
        if (xf == TH_XF_LEN) {
            o->type = TH_FT_U64;
        } else if (o->type != TH_FT_STR && o->type != TH_FT_IP) {
            node_error(c, TH_E_TYPE, chain[i], "transformer applies to string fields only");
            return -1;
        }
        o->xf[o->nxf++] = xf;
    }
    return 0;
}

/* ---- constants ---- */

/* Decimal, as Falco reads numbers; out of range is an error, and so is a sign on an unsigned field. */
static int parse_int(const char *s, bool is_unsigned, int64_t *out)
{
    char *end;
    if (!*s || (is_unsigned && (*s == '-' || *s == '+'))) {
        return -1;
    }
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno == ERANGE) {
        return -1;
    }
    *out = v;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        return (c | 0x20) - 'a' + 10;
    }
    return -1;
}

static int hex_decode(const char *s, char **out, size_t *n)
{
    size_t len = strlen(s);
    if (len % 2) {
        return -1;
    }
    char *o = th_xmalloc(len / 2 + 1);
    for (size_t i = 0; i < len; i += 2) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0) {
            free(o);
            return -1;
        }
        o[i / 2] = (char)(hi << 4 | lo);
    }
    o[len / 2] = 0;
    *out = o;
    *n = len / 2;
    return 0;
}

static pcre2_code *compile_regex(struct compiler *c, const struct th_cond_node *at, const char *pat)
{
    int ecode;
    PCRE2_SIZE eoff;
    char msg[300], emsg[200];
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_ANCHORED | PCRE2_ENDANCHORED, &ecode,
                                   &eoff, NULL);
    if (!re) {
        pcre2_get_error_message(ecode, (PCRE2_UCHAR *)emsg, sizeof emsg);
        snprintf(msg, sizeof msg, "invalid regular expression '%s': %s at offset %zu", pat, emsg, (size_t)eoff);
        node_error(c, TH_E_BAD_REGEX, at, msg);
        return NULL;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter where JIT is unavailable */
    return re;
}

static int set_items(struct compiler *c, struct pnode *p, const struct th_cond_node *list)
{
    p->nitems = list->n;
    p->items = th_xcalloc(list->n + 1, sizeof *p->items);
    p->itemn = th_xcalloc(list->n + 1, sizeof *p->itemn);
    for (size_t i = 0; i < list->n; i++) {
        if (list->kids[i]->kind != TH_CN_STR) {
            node_error(c, TH_E_TYPE, list->kids[i], "list items must be values");
            return -1;
        }
        p->items[i] = th_xstrdup(list->kids[i]->text);
        p->itemn[i] = strlen(p->items[i]);
    }
    return 0;
}

static bool op_valid_for(enum th_ftype t, enum th_cond_op op)
{
    switch (t) {
    case TH_FT_STRLIST: return op == TH_OP_EXISTS || op == TH_OP_IN || op == TH_OP_INTERSECTS;
    case TH_FT_U64:
    case TH_FT_TIME:
        return op == TH_OP_EXISTS || op == TH_OP_IN || op == TH_OP_INTERSECTS || op == TH_OP_EQ || op == TH_OP_NE ||
               th_cond_op_is_num(op);
    case TH_FT_BOOL: return op == TH_OP_EXISTS || op == TH_OP_EQ || op == TH_OP_NE || op == TH_OP_IN || op == TH_OP_INTERSECTS;
    default: return true;
    }
}

static int const_number(struct compiler *c, const struct th_cond_node *v, enum th_ftype t, int64_t *out)
{
    char msg[256];
    if (t == TH_FT_TIME && th_time_parse_rfc3339(v->text, strlen(v->text), out)) {
        return 0;
    }
    if (parse_int(v->text, t == TH_FT_U64, out) == 0) {
        return 0;
    }
    snprintf(msg, sizeof msg, "'%s' is not a %s", v->text, t == TH_FT_TIME ? "time (RFC 3339 or ns)" : "number");
    node_error(c, TH_E_TYPE, v, msg);
    return -1;
}

/* pmatch: a set of path prefixes, so a value is checked by looking up each of its '/' boundaries (O(depth)) instead
 * of comparing with every prefix. */
static void build_prefix_set(struct pnode *p)
{
    th_strset_init(&p->set, p->nitems, false);
    for (size_t i = 0; i < p->nitems; i++) {
        size_t n = p->itemn[i];
        while (n > 1 && p->items[i][n - 1] == '/') {
            n--;
        }
        if (n == 1 && p->items[i][0] == '/') {
            p->root_prefix = true;
        } else if (n) {
            th_strset_add(&p->set, p->items[i], n);
        }
    }
}

static int compile_list_rhs(struct compiler *c, struct pnode *p, const struct th_cond_node *rhs)
{
    if (rhs->kind != TH_CN_LIST) {
        node_error(c, TH_E_TYPE, rhs, "expected a list such as (a, b) or a list name");
        return -1;
    }
    if (set_items(c, p, rhs) < 0) {
        return -1;
    }
    if (p->lhs.type == TH_FT_U64 || p->lhs.type == TH_FT_TIME) {
        p->itemnum = th_xcalloc(p->nitems + 1, sizeof *p->itemnum);
        for (size_t i = 0; i < p->nitems; i++) {
            if (const_number(c, rhs->kids[i], p->lhs.type, &p->itemnum[i]) < 0) {
                return -1;
            }
        }
        return 0;
    }
    if (p->op == TH_OP_PMATCH) {
        build_prefix_set(p);
        return 0;
    }
    th_strset_init(&p->set, p->nitems, false);
    for (size_t i = 0; i < p->nitems; i++) {
        th_strset_add(&p->set, p->items[i], p->itemn[i]);
    }
    return 0;
}

static int compile_scalar_rhs(struct compiler *c, struct pnode *p, const struct th_cond_node *rhs)
{
    char msg[256];
    if (rhs->kind != TH_CN_STR) {
        node_error(c, TH_E_TYPE, rhs, "expected a value");
        return -1;
    }
    switch (p->lhs.type) {
    case TH_FT_U64:
    case TH_FT_TIME:
        return const_number(c, rhs, p->lhs.type, &p->num);
    case TH_FT_BOOL:
        if (strcmp(rhs->text, "true") && strcmp(rhs->text, "false")) {
            snprintf(msg, sizeof msg, "'%s' is not true or false", rhs->text);
            node_error(c, TH_E_TYPE, rhs, msg);
            return -1;
        }
        p->bval = rhs->text[0] == 't';
        return 0;
    default:
        break;
    }
    if (p->op == TH_OP_BCONTAINS || p->op == TH_OP_BSTARTSWITH) {
        if (hex_decode(rhs->text, &p->str, &p->strn) < 0) {
            snprintf(msg, sizeof msg, "'%s' is not a hex byte string", rhs->text);
            node_error(c, TH_E_TYPE, rhs, msg);
            return -1;
        }
        return 0;
    }
    p->str = th_xstrdup(rhs->text);
    p->strn = strlen(p->str);
    if (p->op == TH_OP_REGEX && !(p->re = compile_regex(c, rhs, p->str))) {
        return -1;
    }
    if (p->op == TH_OP_PMATCH) {
        p->items = th_xcalloc(1, sizeof *p->items);
        p->itemn = th_xcalloc(1, sizeof *p->itemn);
        p->items[0] = th_xstrdup(p->str);
        p->itemn[0] = p->strn;
        p->nitems = 1;
        build_prefix_set(p);
    }
    return 0;
}

static int compile_modified(struct compiler *c, struct pnode *p, const struct th_cond_node *rhs)
{
    if (rhs->kind != TH_CN_LIST || set_items(c, p, rhs) < 0) {
        if (rhs->kind != TH_CN_LIST) {
            node_error(c, TH_E_TYPE, rhs, "a modified operator takes a list");
        }
        return -1;
    }
    if (p->op == TH_OP_REGEX) {
        p->res = th_xcalloc(p->nitems + 1, sizeof *p->res);
        for (size_t i = 0; i < p->nitems; i++) {
            if (!(p->res[i] = compile_regex(c, rhs->kids[i], p->items[i]))) {
                return -1;
            }
        }
    }
    return 0;
}

static struct pnode *compile_node(struct compiler *c, const struct th_cond_node *n, uint32_t rule);

/* Falco's LOAD_UNSAFE_NA_CHECK: comparing a field with the literal "<NA>" never tests absence (an absent field
 * makes every comparison false); `not f exists` does. */
static void warn_unsafe_na(struct compiler *c, const struct th_cond_node *n, const struct th_cond_node *rhs)
{
    bool na = rhs->kind == TH_CN_STR && strcmp(rhs->text, "<NA>") == 0;
    for (size_t i = 0; rhs->kind == TH_CN_LIST && i < rhs->n && !na; i++) {
        na = rhs->kids[i]->kind == TH_CN_STR && strcmp(rhs->kids[i]->text, "<NA>") == 0;
    }
    if (na) {
        set_item(c, th_cond_diag_node(c->err, TH_SEV_WARNING, TH_W_UNSAFE_NA, n,
                                      "comparison with \"<NA>\" is unsafe: an absent field makes every comparison false; "
                                      "use 'not <field> exists'"));
    }
}

static struct pnode *compile_cmp(struct compiler *c, const struct th_cond_node *n, struct pnode *p)
{
    char msg[256];
    p->kind = PN_CMP;
    p->op = n->op;
    p->mod = n->mod;
    if (build_operand(c, n->kids[0], &p->lhs) < 0) {
        return NULL;
    }
    if (!op_valid_for(p->lhs.type, p->op)) {
        snprintf(msg, sizeof msg, "operator '%s' is not valid for %s field '%s'%s", th_cond_op_str(p->op),
                 th_ftype_name(p->lhs.type), th_field_by_id(p->lhs.ref.id)->name,
                 p->lhs.type == TH_FT_STRLIST ? " (list fields support exists, in and intersects)" : "");
        node_error(c, TH_E_TYPE, n, msg);
        return NULL;
    }
    if (p->op == TH_OP_EXISTS) {
        return p;
    }
    if (p->mod != TH_MOD_NONE && p->lhs.type != TH_FT_STR && p->lhs.type != TH_FT_IP) {
        snprintf(msg, sizeof msg, "modifier '%s' applies to string fields only, not to %s field '%s'",
                 th_cond_mod_str(p->mod), th_ftype_name(p->lhs.type), th_field_by_id(p->lhs.ref.id)->name);
        node_error(c, TH_E_TYPE, n, msg);
        return NULL;
    }
    const struct th_cond_node *rhs = n->n > 1 ? n->kids[1] : NULL;
    if (!rhs) {
        node_error(c, TH_E_TYPE, n, "missing right-hand side");
        return NULL;
    }
    warn_unsafe_na(c, n, rhs);
    if (rhs->kind == TH_CN_VAL || rhs->kind == TH_CN_XFORM || rhs->kind == TH_CN_FIELD) {
        p->rhs_is_field = true;
        return build_operand(c, rhs, &p->rhs) < 0 ? NULL : p;
    }
    int rc;
    if (p->mod != TH_MOD_NONE) {
        rc = compile_modified(c, p, rhs);
    } else if (p->op == TH_OP_IN || p->op == TH_OP_INTERSECTS || (p->op == TH_OP_PMATCH && rhs->kind == TH_CN_LIST)) {
        rc = compile_list_rhs(c, p, rhs);
    } else {
        rc = compile_scalar_rhs(c, p, rhs);
    }
    return rc < 0 ? NULL : p;
}

static struct pnode *compile_node(struct compiler *c, const struct th_cond_node *n, uint32_t rule)
{
    struct pnode *p = th_xcalloc(1, sizeof *p);
    p->rule = rule;
    switch (n->kind) {
    case TH_CN_AND:
    case TH_CN_OR:
    case TH_CN_NOT:
        p->kind = n->kind == TH_CN_AND ? PN_AND : n->kind == TH_CN_OR ? PN_OR : PN_NOT;
        p->kids = th_xcalloc(n->n + 1, sizeof *p->kids);
        for (size_t i = 0; i < n->n; i++) {
            p->kids[i] = compile_node(c, n->kids[i], rule);
            if (!p->kids[i]) {
                th_pnode_free(p);
                return NULL;
            }
            p->nkids++;
        }
        return p;
    case TH_CN_CMP:
        if (!compile_cmp(c, n, p)) {
            th_pnode_free(p);
            return NULL;
        }
        return p;
    default:
        node_error(c, TH_E_COND_PARSE, n, "expected a comparison");
        th_pnode_free(p);
        return NULL;
    }
}

/* ---- exceptions ---- */

struct exc_scratch {
    struct th_cond_exception *ex;
    size_t n;
    void **allocs;
    size_t nallocs, capallocs;
};

static void *exc_alloc(struct exc_scratch *s, size_t n)
{
    if (s->nallocs == s->capallocs) {
        s->capallocs = s->capallocs ? s->capallocs * 2 : 16;
        s->allocs = th_xrealloc(s->allocs, s->capallocs * sizeof *s->allocs);
    }
    return s->allocs[s->nallocs++] = th_xcalloc(n ? n : 1, 1);
}

static void exc_value(struct exc_scratch *s, const struct th_rexc_val *v, struct th_cond_exc_value *out)
{
    if (!v->is_list) {
        out->str = v->s;
        return;
    }
    const char **items = exc_alloc(s, (v->n_list + 1) * sizeof *items);
    for (size_t i = 0; i < v->n_list; i++) {
        items[i] = v->list[i].s;
    }
    out->items = items;
    out->n = v->n_list;
}

static void exc_convert(struct exc_scratch *s, const struct th_rexception *re, struct th_cond_exception *ex)
{
    const char **fields = exc_alloc(s, (re->n_fields + 1) * sizeof *fields);
    const char **comps = exc_alloc(s, (re->n_comps + 1) * sizeof *comps);
    for (size_t i = 0; i < re->n_fields; i++) {
        fields[i] = re->fields[i].s;
    }
    for (size_t i = 0; i < re->n_comps; i++) {
        comps[i] = re->comps[i].s;
    }
    ex->name = re->name;
    ex->fields = fields;
    ex->nfields = re->n_fields;
    ex->comps = re->n_comps ? comps : NULL;
    ex->ncomps = re->n_comps;
    ex->single = !re->fields_is_list;
    ex->file = re->pos.file;
    ex->line = re->pos.line;
    ex->col = re->pos.col;
    if (ex->single) {
        size_t total = 0;
        for (size_t i = 0; i < re->n_values; i++) {
            total += re->values[i].n;
        }
        struct th_cond_exc_value *vals = exc_alloc(s, (total + 1) * sizeof *vals);
        size_t k = 0;
        for (size_t i = 0; i < re->n_values; i++) {
            for (size_t j = 0; j < re->values[i].n; j++) {
                exc_value(s, &re->values[i].items[j], &vals[k++]);
            }
        }
        ex->values = vals;
        ex->nvalues = k;
        return;
    }
    struct th_cond_exc_tuple *tuples = exc_alloc(s, (re->n_values + 1) * sizeof *tuples);
    for (size_t i = 0; i < re->n_values; i++) {
        struct th_cond_exc_value *vals = exc_alloc(s, (re->values[i].n + 1) * sizeof *vals);
        for (size_t j = 0; j < re->values[i].n; j++) {
            exc_value(s, &re->values[i].items[j], &vals[j]);
        }
        tuples[i].v = vals;
        tuples[i].n = re->values[i].n;
    }
    ex->tuples = tuples;
    ex->ntuples = re->n_values;
}

static int apply_exceptions(struct compiler *c, const struct th_rule *r, struct th_cond_node **tree)
{
    struct exc_scratch s = {0};
    struct th_err local;
    int rc = 0;
    if (r->n_exceptions == 0) {
        return 0;
    }
    th_err_init(&local);
    s.ex = exc_alloc(&s, r->n_exceptions * sizeof *s.ex);
    for (size_t i = 0; i < r->n_exceptions; i++) {
        exc_convert(&s, &r->exceptions[i], &s.ex[i]);
    }
    rc = th_cond_exceptions_apply(tree, s.ex, r->n_exceptions, &local);
    for (size_t i = 0; i < local.n; i++) {
        set_item(c, &local.v[i]);
    }
    th_err_move(c->err, &local);
    th_err_free(&local);
    for (size_t i = 0; i < s.nallocs; i++) {
        free(s.allocs[i]);
    }
    free(s.allocs);
    return rc;
}

/* ---- evaluation order ----
 * Conditions have no side effects, so the children of an AND or OR may be evaluated in any order with the same
 * result. Costly tests (fields rendered as JSON text, regular expressions, searches over them) move behind the
 * cheap ones so that a failing AND (or a succeeding OR) stops before them; among cheap tests the author's order
 * is kept, since it usually puts the most selective test first. Costs are rough relative weights. */

static unsigned field_cost(const struct operand *o)
{
    static const char *const rendered[] = {"ct.request", "ct.response", "ct.additionaleventdata", "ct.resources",
                                           "ct.info", "json.obj", "jevt.obj", "evt.plugininfo", NULL};
    const char *name = th_field_by_id(o->ref.id)->name;
    for (size_t i = 0; rendered[i]; i++) {
        if (strcmp(name, rendered[i]) == 0) {
            return 40;
        }
    }
    unsigned cost = o->ref.key ? 3 : 2; /* json.value[...] follows a pointer */
    return cost + 2u * o->nxf;
}

#define COSTLY 20 /* below this, a test keeps its place (see order_by_cost) */

static unsigned op_cost(const struct pnode *p)
{
    unsigned per = 1;
    switch (p->op) {
    case TH_OP_REGEX: per = COSTLY; break;
    case TH_OP_GLOB: case TH_OP_IGLOB: per = 8; break;
    case TH_OP_CONTAINS: case TH_OP_ICONTAINS: case TH_OP_BCONTAINS: case TH_OP_ENDSWITH: per = 4; break;
    default: break;
    }
    return p->mod != TH_MOD_NONE ? per * (unsigned)(p->nitems ? p->nitems : 1) : per;
}

static unsigned node_cost(const struct pnode *p)
{
    unsigned cost = 0;
    switch (p->kind) {
    case PN_CMP:
        return field_cost(&p->lhs) + op_cost(p) + (p->rhs_is_field ? field_cost(&p->rhs) : 0);
    case PN_CONST:
        return 0;
    default:
        for (size_t i = 0; i < p->nkids; i++) {
            cost += node_cost(p->kids[i]);
        }
        return cost;
    }
}

static unsigned sort_key(const struct pnode *p)
{
    unsigned c = node_cost(p);
    return c >= COSTLY ? c : 0;
}

static void order_by_cost(struct pnode *p)
{
    for (size_t i = 0; i < p->nkids; i++) {
        order_by_cost(p->kids[i]);
    }
    if (p->kind != PN_AND && p->kind != PN_OR) {
        return;
    }
    for (size_t i = 1; i < p->nkids; i++) { /* stable insertion sort: children are few */
        struct pnode *k = p->kids[i];
        unsigned c = sort_key(k);
        size_t j = i;
        while (j > 0 && sort_key(p->kids[j - 1]) > c) {
            p->kids[j] = p->kids[j - 1];
            j--;
        }
        p->kids[j] = k;
    }
}

/* ---- rules ---- */

static int compile_output(struct compiler *c, const struct th_rule *r, struct compiled_rule *cr)
{
    struct th_rpos pos = {0};
    size_t erroff = 0;
    th_text_locate(&r->output, 0, &pos);
    struct th_ofmt_pos opos = {pos.file, pos.line, pos.col};
    size_t before = c->err->n;
    enum th_code rc = th_ofmt_parse(&cr->out, r->output.str ? r->output.str : "", r->output.str ? r->output.len : 0,
                                    c->kind, &opos, c->err, &erroff);
    for (size_t i = before; i < c->err->n; i++) {
        set_item(c, &c->err->v[i]);
    }
    if (rc != TH_E_NONE) {
        /* the parser counts lines in the text; the text knows the file position of each byte (folded scalars) */
        if (c->err->n > before && th_text_locate(&r->output, erroff, &pos) == 0) {
            struct th_diag *d = &c->err->v[c->err->n - 1];
            d->loc.line = pos.line;
            d->loc.col = pos.col;
        }
        return -1;
    }
    for (size_t i = 0; i < th_ofmt_nrefs(&cr->out); i++) {
        struct th_fieldref *ref = th_ofmt_ref(&cr->out, i);
        ref->slot = cache_slot(slot_for(c, ref->id, ref->index, ref->key));
    }
    return 0;
}

/* The tag a MITRE warning names ("... tag 'T9999' ..."), so the warning can point at it; NULL if none. */
static const struct th_rstr *tag_named_in(const struct th_rule *r, const char *msg)
{
    for (size_t i = 0; i < r->n_tags; i++) {
        char *quoted = th_xasprintf("tag '%s'", r->tags[i].s);
        bool hit = strstr(msg, quoted) != NULL;
        free(quoted);
        if (hit && r->tags[i].pos.line) {
            return &r->tags[i];
        }
    }
    return NULL;
}

static void compile_mitre(struct compiler *c, const struct th_rule *r, struct compiled_rule *cr)
{
    struct th_err local;
    th_err_init(&local);
    th_mitre_from_tags(cr->info.tags, cr->info.ntags, &cr->mitre, &local);
    for (size_t i = 0; i < local.n; i++) {
        const struct th_rstr *tag = tag_named_in(r, local.v[i].msg);
        set_item(c, &local.v[i]);
        free(local.v[i].loc.file);
        local.v[i].loc.file = tag && tag->pos.file ? th_xstrdup(tag->pos.file) : cr->file ? th_xstrdup(cr->file) : NULL;
        local.v[i].loc.line = tag ? tag->pos.line : cr->info.line;
        local.v[i].loc.col = tag ? tag->pos.col : cr->info.col;
    }
    th_err_move(c->err, &local);
    th_err_free(&local);
    cr->info.mitre = &cr->mitre;
}

static void fill_info(struct compiled_rule *cr, const struct th_rule *r, enum th_srckind kind)
{
    cr->name = th_xstrdup(r->name);
    cr->desc = th_xstrdup(r->desc.str ? r->desc.str : "");
    cr->file = r->pos.file ? th_xstrdup(r->pos.file) : NULL;
    cr->tags = th_xcalloc(r->n_tags + 1, sizeof *cr->tags);
    for (size_t i = 0; i < r->n_tags; i++) {
        cr->tags[i] = th_xstrdup(r->tags[i].s);
    }
    cr->info.name = cr->name;
    cr->info.desc = cr->desc;
    cr->info.priority = r->priority;
    cr->info.source = kind;
    cr->info.tags = (const char *const *)cr->tags;
    cr->info.ntags = r->n_tags;
    cr->info.file = cr->file;
    cr->info.line = r->pos.line;
    cr->info.col = r->pos.col;
    cr->info.enabled = r->enabled;
}

static int compile_rule(struct compiler *c, const struct th_rule *r, uint32_t idx, const struct th_compile_opts *o)
{
    struct compiled_rule *cr = &c->rs->rules[idx];
    struct th_cond_src src;
    struct th_cond_resolver res = {c, find_list, find_macro, NULL};
    c->kind = th_srckind_parse(r->source ? r->source : "", r->source ? strlen(r->source) : 0);
    fill_info(cr, r, c->kind);
    c->cur = cr;
    src_for_text(&src, &r->cond);
    size_t before = c->err->n;
    struct th_cond_node *tree = th_cond_parse(&src, NULL, c->err);
    if (tree && apply_exceptions(c, r, &tree) == 0 && th_cond_resolve(&tree, &res, TH_COND_SEE_ALL, c->err) == 0) {
        cr->cond_str = th_cond_print(tree);
        cr->cond = compile_node(c, tree, idx);
        if (cr->cond) {
            order_by_cost(cr->cond);
        }
    }
    for (size_t i = before; i < c->err->n; i++) {
        if (!c->err->v[i].item) {
            set_item(c, &c->err->v[i]);
        }
    }
    th_cond_free(tree);
    int out_rc = compile_output(c, r, cr);
    compile_mitre(c, r, cr);
    c->cur = NULL;
    if (!cr->cond || out_rc != 0) {
        return -1;
    }
    cr->active = r->enabled && r->priority <= o->min_priority;
    return 0;
}

/* Every diagnostic from start on that points into a rules file quotes that file's line, with the caret at its
 * column: a condition or output written over several lines, folded, or appended from another file is shown as
 * the user wrote it, not as the joined text. */
static void quote_sources(const struct th_rule_set *set, struct th_err *err, size_t start)
{
    for (size_t i = start; i < err->n; i++) {
        struct th_diag *d = &err->v[i];
        th_rules_diag_snippet(set, d, d->snippet ? d->caret_len : 0);
    }
}

struct th_ruleset *th_ruleset_compile(const struct th_rule_set *set, const struct th_compile_opts *opts,
                                      struct th_err *err)
{
    size_t start = err->n;
    struct compiler c;
    struct th_compile_opts defaults = {TH_PRIO_DEBUG, false};
    const struct th_compile_opts *o = opts ? opts : &defaults;
    unsigned failed = 0;
    memset(&c, 0, sizeof c);
    c.set = set;
    c.err = err;
    c.rs = th_xcalloc(1, sizeof *c.rs);
    c.rs->rules = th_xcalloc(set->n_rules + 1, sizeof *c.rs->rules);
    prepare_macros_and_lists(&c);
    for (size_t i = 0; i < set->n_rules; i++) {
        const struct th_rule *r = &set->rules[i];
        if (r->unknown_source) {
            continue;
        }
        if (compile_rule(&c, r, (uint32_t)c.rs->nrules, o) != 0) {
            failed++;
        }
        c.rs->nrules++;
    }
    failed += check_unused_macros(&c);
    warn_unused(&c);
    quote_sources(set, err, start);
    free_macros_and_lists(&c);
    c.rs->nslots = (uint32_t)(c.nslots < TH_NO_SLOT ? c.nslots : TH_NO_SLOT);
    /* the slot table's keys are referenced by fieldrefs: keep them with the ruleset */
    c.rs->slot_keys = c.slots;
    c.rs->nslot_keys = c.nslots;
    c.rs->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(c.rs->mctx, 100000);
    th_index_build(c.rs);
    if (failed && !o->skip_invalid) {
        th_ruleset_free(c.rs);
        return NULL;
    }
    return c.rs;
}

void th_ruleset_free(struct th_ruleset *rs)
{
    if (!rs) {
        return;
    }
    for (size_t i = 0; i < rs->nrules; i++) {
        struct compiled_rule *cr = &rs->rules[i];
        th_pnode_free(cr->cond);
        th_ofmt_free(&cr->out);
        th_mitre_set_free(&cr->mitre);
        for (size_t k = 0; k < cr->info.ntags; k++) {
            free(cr->tags[k]);
        }
        free(cr->tags);
        free(cr->name);
        free(cr->desc);
        free(cr->file);
        free(cr->why_always);
        free(cr->cond_str);
    }
    struct slot_key *keys = rs->slot_keys;
    for (size_t i = 0; i < rs->nslot_keys; i++) {
        free(keys[i].key);
    }
    free(rs->slot_keys);
    th_index_free(rs);
    if (rs->mctx) {
        pcre2_match_context_free(rs->mctx);
    }
    free(rs->rules);
    free(rs);
}

size_t th_ruleset_count(const struct th_ruleset *rs)
{
    return rs->nrules;
}

const struct th_rule_info *th_ruleset_rule(const struct th_ruleset *rs, size_t i)
{
    return &rs->rules[i].info;
}

void th_ruleset_condition_str(const struct th_ruleset *rs, size_t i, struct th_buf *out)
{
    if (rs->rules[i].cond_str) {
        th_buf_puts(out, rs->rules[i].cond_str);
    }
}
