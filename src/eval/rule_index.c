/* rule_index.c - candidate-rule index for the evaluator.
 * For each active rule, computes from its compiled condition the values of an index field it can match
 * (CloudTrail: ct.name; k8s audit: ka.target.resource, else ka.verb): `f = X` -> {X}; `f in (...)` -> the set;
 * AND -> the intersection of its constrained children; OR -> the union (unconstrained if any child is);
 * NOT and anything else -> unconstrained. An AND whose constraints have no value in common is never a candidate
 * (it cannot match). Rules constrained by no index field go to the "always" list.
 * Read-only after th_index_build(); per event, candidates = index hits + always, merged in rule order. */
#include <stdlib.h>
#include <string.h>

#include "program.h"

static const char *const index_fields[3][2] = {
    {NULL, NULL},
    {"ct.name", NULL},
    {"ka.target.resource", "ka.verb"},
};

/* A small set of borrowed strings; any = unconstrained. */
struct vset {
    bool any;
    const char **v;
    size_t *len;
    size_t n;
};

static void vset_free(struct vset *s)
{
    free(s->v);
    free(s->len);
    s->v = NULL;
    s->len = NULL;
    s->n = 0;
}

static void vset_add(struct vset *s, const char *p, size_t n)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->len[i] == n && memcmp(s->v[i], p, n) == 0) {
            return;
        }
    }
    s->v = th_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->len = th_xrealloc(s->len, (s->n + 1) * sizeof *s->len);
    s->v[s->n] = p;
    s->len[s->n++] = n;
}

static bool vset_has(const struct vset *s, const char *p, size_t n)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->len[i] == n && memcmp(s->v[i], p, n) == 0) {
            return true;
        }
    }
    return false;
}

static struct vset values_of(const struct pnode *n, int field_id)
{
    struct vset out = {true, NULL, NULL, 0};
    if (n->kind == PN_CMP) {
        if (n->lhs.ref.id != field_id || n->lhs.nxf || n->lhs.ref.key || n->rhs_is_field || n->mod != TH_MOD_NONE) {
            return out;
        }
        if (n->op == TH_OP_EQ && n->str) {
            out.any = false;
            vset_add(&out, n->str, n->strn);
        } else if (n->op == TH_OP_IN && n->items) {
            out.any = false;
            for (size_t i = 0; i < n->nitems; i++) {
                vset_add(&out, n->items[i], n->itemn[i]);
            }
        }
        return out;
    }
    if (n->kind == PN_AND) {
        for (size_t i = 0; i < n->nkids; i++) {
            struct vset k = values_of(n->kids[i], field_id);
            if (k.any) {
                continue;
            }
            if (out.any) {
                out = k;
                continue;
            }
            struct vset both = {false, NULL, NULL, 0};
            for (size_t j = 0; j < out.n; j++) {
                if (vset_has(&k, out.v[j], out.len[j])) {
                    vset_add(&both, out.v[j], out.len[j]);
                }
            }
            vset_free(&out);
            vset_free(&k);
            out = both;
        }
        return out;
    }
    if (n->kind == PN_OR) {
        out.any = false;
        for (size_t i = 0; i < n->nkids; i++) {
            struct vset k = values_of(n->kids[i], field_id);
            if (k.any) {
                vset_free(&out);
                out.any = true;
                return out;
            }
            for (size_t j = 0; j < k.n; j++) {
                vset_add(&out, k.v[j], k.len[j]);
            }
            vset_free(&k);
        }
        return out;
    }
    if (n->kind == PN_CONST && !n->value) {
        out.any = false; /* never matches: no candidates at all */
    }
    return out;
}

static void index_rule(struct th_ruleset *rs, uint32_t r)
{
    struct compiled_rule *cr = &rs->rules[r];
    enum th_srckind kind = cr->info.source;
    for (int f = 0; f < 2 && index_fields[kind][f]; f++) {
        int id = th_field_find(index_fields[kind][f], strlen(index_fields[kind][f]), kind);
        if (id < 0) {
            continue;
        }
        struct vset s = values_of(cr->cond, id);
        if (!s.any) {
            for (size_t i = 0; i < s.n; i++) {
                th_idxmap_add(&rs->by_key[kind][f], s.v[i], s.len[i], r);
            }
            vset_free(&s);
            cr->info.indexed = true;
            return;
        }
    }
    cr->info.indexed = false;
    cr->why_always = th_xasprintf("its condition does not restrict %s%s%s to fixed values",
                                  index_fields[kind][0], index_fields[kind][1] ? " or " : "",
                                  index_fields[kind][1] ? index_fields[kind][1] : "");
    cr->info.why_always = cr->why_always;
    rs->always[kind] = th_xrealloc(rs->always[kind], (rs->nalways[kind] + 1) * sizeof *rs->always[kind]);
    rs->always[kind][rs->nalways[kind]++] = r;
}

void th_index_build(struct th_ruleset *rs)
{
    for (int k = 1; k < 3; k++) {
        for (int f = 0; f < 2 && index_fields[k][f]; f++) {
            int id = th_field_find(index_fields[k][f], strlen(index_fields[k][f]), (enum th_srckind)k);
            rs->key_ref[k][f] = (struct th_fieldref){(uint16_t)(id < 0 ? 0 : id), TH_NO_SLOT, -1, NULL, 0};
        }
    }
    for (uint32_t r = 0; r < rs->nrules; r++) {
        if (rs->rules[r].active && rs->rules[r].info.source != TH_SRC_UNKNOWN) {
            index_rule(rs, r);
        }
    }
}

void th_index_free(struct th_ruleset *rs)
{
    for (int k = 0; k < 3; k++) {
        th_idxmap_free(&rs->by_key[k][0]);
        th_idxmap_free(&rs->by_key[k][1]);
        free(rs->always[k]);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

size_t th_index_candidates(struct th_eval_ctx *ctx, struct th_event *ev)
{
    const struct th_ruleset *rs = ctx->rs;
    enum th_srckind k = ev->kind;
    size_t n = 0;
    if (k == TH_SRC_UNKNOWN) {
        return 0;
    }
    for (int f = 0; f < 2 && index_fields[k][f]; f++) {
        struct th_val v;
        if (!rs->by_key[k][f].n || !th_event_get(ev, &rs->key_ref[k][f], &v) || v.type != TH_FT_STR) {
            continue;
        }
        const struct th_idxmap_entry *e = th_idxmap_get(&rs->by_key[k][f], v.u.s.p, v.u.s.n);
        if (e && e->n) {
            memcpy(ctx->cand + n, e->rules, e->n * sizeof *e->rules);
            n += e->n;
        }
    }
    if (rs->nalways[k]) {
        memcpy(ctx->cand + n, rs->always[k], rs->nalways[k] * sizeof *rs->always[k]);
        n += rs->nalways[k];
    }
    if (n > 1) {
        qsort(ctx->cand, n, sizeof *ctx->cand, cmp_u32); /* a rule is indexed under one field only: no duplicates */
    }
    return n;
}
