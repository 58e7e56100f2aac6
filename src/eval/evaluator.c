/* evaluator.c - runs compiled conditions against one event.
 * Fields come from th_event_get (lazy, cached per event); transformers write into the context's scratch arena.
 * Invariant: an absent field makes its comparison false for every operator (`!=` included), as in Falco; list
 * fields support exists/in/intersects only (the compiler guarantees it). */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "program.h"
#include "th_base64.h"

static bool has_icase(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (nn == 0) {
        return true;
    }
    for (size_t i = 0; i + nn <= hn; i++) {
        if (strncasecmp(h + i, nd, nn) == 0) {
            return true;
        }
    }
    return false;
}

static char *zdup(struct th_eval_ctx *ctx, const char *p, size_t n)
{
    return th_arena_strndup(&ctx->scratch, p, n);
}

/* Decodes base64 into scratch; false if the text is not base64 (the transformed field is then absent). */
static bool b64_decode(struct th_eval_ctx *ctx, const char *p, size_t n, struct th_sv *out)
{
    unsigned char *o = th_arena_alloc(&ctx->scratch, 3 * (n / 4) + 4);
    long len = th_base64_decode(p, n, o);
    if (len < 0) {
        return false;
    }
    o[len] = 0;
    out->p = (const char *)o;
    out->n = (size_t)len;
    return true;
}

static bool apply_xf(struct th_eval_ctx *ctx, uint8_t xf, struct th_val *v)
{
    if (xf == TH_XF_LEN) {
        int64_t len = v->type == TH_FT_STRLIST ? (int64_t)v->u.list.n : (int64_t)v->u.s.n;
        v->type = TH_FT_U64;
        v->u.i = len;
        return true;
    }
    if (v->type != TH_FT_STR && v->type != TH_FT_IP) {
        return false;
    }
    struct th_sv s = v->u.s;
    if (xf == TH_XF_TOLOWER || xf == TH_XF_TOUPPER) {
        char *o = zdup(ctx, s.p, s.n);
        for (size_t i = 0; i < s.n; i++) {
            if (xf == TH_XF_TOLOWER && o[i] >= 'A' && o[i] <= 'Z') {
                o[i] = (char)(o[i] + 32);
            } else if (xf == TH_XF_TOUPPER && o[i] >= 'a' && o[i] <= 'z') {
                o[i] = (char)(o[i] - 32);
            }
        }
        v->u.s.p = o;
        return true;
    }
    if (xf == TH_XF_BASENAME) {
        const char *slash = s.n ? memrchr(s.p, '/', s.n) : NULL;
        if (slash) {
            v->u.s.n = s.n - (size_t)(slash + 1 - s.p);
            v->u.s.p = slash + 1;
        }
        return true;
    }
    if (xf == TH_XF_B64) {
        return b64_decode(ctx, s.p, s.n, &v->u.s);
    }
    return false;
}

static bool get_operand(struct th_eval_ctx *ctx, const struct operand *o, struct th_event *ev, struct th_val *v)
{
    if (!th_event_get(ev, &o->ref, v)) {
        return false;
    }
    if (v->type == TH_FT_STRLIST && o->type != TH_FT_STRLIST && !(o->nxf && o->xf[0] == TH_XF_LEN)) {
        /* list[i] was compiled as one string: an extractor that answers with the selected element as a
         * one-element list is read as that element */
        if (v->u.list.n == 0) {
            return false;
        }
        struct th_sv first = v->u.list.v[0];
        v->type = TH_FT_STR;
        v->u.s = first;
    }
    for (uint8_t i = 0; i < o->nxf; i++) {
        if (!apply_xf(ctx, o->xf[i], v)) {
            return false;
        }
    }
    return true;
}

static bool glob_match(struct th_eval_ctx *ctx, const char *pat, const char *p, size_t n, bool icase)
{
    return fnmatch(pat, zdup(ctx, p, n), icase ? FNM_CASEFOLD : 0) == 0;
}

static bool regex_match(struct th_eval_ctx *ctx, const pcre2_code *re, const char *p, size_t n)
{
    int rc = pcre2_match(re, (PCRE2_SPTR)p, n, 0, 0, ctx->md, ctx->rs->mctx);
    return rc >= 0;
}

static bool pmatch_one(const char *prefix, size_t pn, const char *p, size_t n)
{
    if (pn > n || memcmp(prefix, p, pn) != 0) {
        return false;
    }
    return pn == n || p[pn] == '/' || (pn && prefix[pn - 1] == '/');
}

/* One string comparison against one constant (str/strn, or regex re). */
static bool str_op(struct th_eval_ctx *ctx, enum th_cond_op op, const char *p, size_t n, const char *c, size_t cn,
                   const pcre2_code *re)
{
    int cmp;
    switch (op) {
    case TH_OP_EQ: return n == cn && memcmp(p, c, n) == 0;
    case TH_OP_NE: return !(n == cn && memcmp(p, c, n) == 0);
    case TH_OP_CONTAINS: return cn == 0 || (n >= cn && memmem(p, n, c, cn) != NULL);
    case TH_OP_BCONTAINS: return cn == 0 || (n >= cn && memmem(p, n, c, cn) != NULL);
    case TH_OP_ICONTAINS: return has_icase(p, n, c, cn);
    case TH_OP_STARTSWITH:
    case TH_OP_BSTARTSWITH: return n >= cn && memcmp(p, c, cn) == 0;
    case TH_OP_ENDSWITH: return n >= cn && memcmp(p + n - cn, c, cn) == 0;
    case TH_OP_GLOB: return glob_match(ctx, c, p, n, false);
    case TH_OP_IGLOB: return glob_match(ctx, c, p, n, true);
    case TH_OP_REGEX: return regex_match(ctx, re, p, n);
    case TH_OP_PMATCH: return pmatch_one(c, cn, p, n); /* only with a modifier: one prefix at a time */
    case TH_OP_LT: case TH_OP_LE: case TH_OP_GT: case TH_OP_GE:
        cmp = memcmp(p, c, n < cn ? n : cn);
        if (cmp == 0) {
            cmp = n < cn ? -1 : n > cn ? 1 : 0;
        }
        return op == TH_OP_LT ? cmp < 0 : op == TH_OP_LE ? cmp <= 0 : op == TH_OP_GT ? cmp > 0 : cmp >= 0;
    default: return false;
    }
}

static bool num_op(enum th_cond_op op, int64_t a, int64_t b)
{
    switch (op) {
    case TH_OP_EQ: return a == b;
    case TH_OP_NE: return a != b;
    case TH_OP_LT: return a < b;
    case TH_OP_LE: return a <= b;
    case TH_OP_GT: return a > b;
    case TH_OP_GE: return a >= b;
    default: return false;
    }
}

static bool in_set_str(const struct pnode *n, const char *p, size_t len)
{
    return th_strset_has(&n->set, p, len);
}

static bool in_set_num(const struct pnode *n, int64_t v)
{
    for (size_t i = 0; i < n->nitems; i++) {
        if (n->itemnum[i] == v) {
            return true;
        }
    }
    return false;
}

static bool eval_list_field(const struct pnode *n, const struct th_val *v)
{
    if (n->op == TH_OP_EXISTS) {
        return true;
    }
    if (v->u.list.n == 0) {
        return false;
    }
    for (size_t i = 0; i < v->u.list.n; i++) {
        bool in = in_set_str(n, v->u.list.v[i].p, v->u.list.v[i].n);
        if (n->op == TH_OP_INTERSECTS && in) {
            return true;
        }
        if (n->op == TH_OP_IN && !in) {
            return false;
        }
    }
    return n->op == TH_OP_IN;
}

static bool eval_modified(struct th_eval_ctx *ctx, const struct pnode *n, const char *p, size_t len)
{
    size_t hits = 0;
    for (size_t i = 0; i < n->nitems; i++) {
        hits += str_op(ctx, n->op, p, len, n->items[i], n->itemn[i], n->res ? n->res[i] : NULL);
    }
    switch (n->mod) {
    case TH_MOD_ONEOF: return hits == 1;
    case TH_MOD_ANYOF: return hits >= 1;
    case TH_MOD_ALLOF: return hits == n->nitems;
    default: return false;
    }
}

/* True when the value, or the value cut at one of its '/' boundaries, is one of the prefixes. */
static bool eval_pmatch(const struct pnode *n, const char *p, size_t len)
{
    if (n->root_prefix && len && p[0] == '/') {
        return true;
    }
    if (th_strset_has(&n->set, p, len)) {
        return true;
    }
    for (size_t i = len; i-- > 1;) {
        if (p[i] == '/' && th_strset_has(&n->set, p, i)) {
            return true;
        }
    }
    return false;
}

static bool eval_vs_field(struct th_eval_ctx *ctx, const struct pnode *n, struct th_event *ev, const struct th_val *a)
{
    struct th_val b;
    if (!get_operand(ctx, &n->rhs, ev, &b)) {
        return false;
    }
    if ((a->type == TH_FT_U64 || a->type == TH_FT_TIME) && (b.type == TH_FT_U64 || b.type == TH_FT_TIME)) {
        return num_op(n->op, a->u.i, b.u.i);
    }
    if ((a->type == TH_FT_STR || a->type == TH_FT_IP) && (b.type == TH_FT_STR || b.type == TH_FT_IP)) {
        return str_op(ctx, n->op, a->u.s.p, a->u.s.n, b.u.s.p, b.u.s.n, NULL);
    }
    if (a->type == TH_FT_BOOL && b.type == TH_FT_BOOL) {
        return n->op == TH_OP_EQ ? a->u.b == b.u.b : n->op == TH_OP_NE ? a->u.b != b.u.b : false;
    }
    return false;
}

static bool eval_cmp(struct th_eval_ctx *ctx, const struct pnode *n, struct th_event *ev)
{
    struct th_val v;
    if (!get_operand(ctx, &n->lhs, ev, &v)) {
        return false;
    }
    if (n->op == TH_OP_EXISTS) {
        return true;
    }
    if (n->rhs_is_field) {
        return eval_vs_field(ctx, n, ev, &v);
    }
    switch (v.type) {
    case TH_FT_STRLIST:
        return eval_list_field(n, &v);
    case TH_FT_U64:
    case TH_FT_TIME:
        if (n->op == TH_OP_IN || n->op == TH_OP_INTERSECTS) {
            return in_set_num(n, v.u.i);
        }
        return num_op(n->op, v.u.i, n->num);
    case TH_FT_BOOL:
        if (n->op == TH_OP_IN || n->op == TH_OP_INTERSECTS) {
            return in_set_str(n, v.u.b ? "true" : "false", v.u.b ? 4 : 5);
        }
        return n->op == TH_OP_EQ ? v.u.b == n->bval : v.u.b != n->bval;
    case TH_FT_STR:
    case TH_FT_IP:
        break;
    }
    if (n->mod != TH_MOD_NONE) {
        return eval_modified(ctx, n, v.u.s.p, v.u.s.n);
    }
    if (n->op == TH_OP_IN || n->op == TH_OP_INTERSECTS) {
        return in_set_str(n, v.u.s.p, v.u.s.n);
    }
    if (n->op == TH_OP_PMATCH) {
        return eval_pmatch(n, v.u.s.p, v.u.s.n);
    }
    return str_op(ctx, n->op, v.u.s.p, v.u.s.n, n->str, n->strn, n->re);
}

bool th_pnode_eval(struct th_eval_ctx *ctx, const struct pnode *n, struct th_event *ev)
{
    switch (n->kind) {
    case PN_AND:
        for (size_t i = 0; i < n->nkids; i++) {
            if (!th_pnode_eval(ctx, n->kids[i], ev)) {
                return false;
            }
        }
        return true;
    case PN_OR:
        for (size_t i = 0; i < n->nkids; i++) {
            if (th_pnode_eval(ctx, n->kids[i], ev)) {
                return true;
            }
        }
        return false;
    case PN_NOT:
        return !th_pnode_eval(ctx, n->kids[0], ev);
    case PN_CMP:
        return eval_cmp(ctx, n, ev);
    case PN_CONST:
        return n->value;
    }
    return false;
}

void th_pnode_free(struct pnode *n)
{
    if (!n) {
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        th_pnode_free(n->kids[i]);
    }
    free(n->kids);
    free(n->str);
    for (size_t i = 0; i < n->nitems; i++) {
        free(n->items[i]);
        if (n->res) {
            pcre2_code_free(n->res[i]);
        }
    }
    free(n->items);
    free(n->itemn);
    free(n->itemnum);
    free(n->res);
    th_strset_free(&n->set);
    if (n->re) {
        pcre2_code_free(n->re);
    }
    free(n);
}
