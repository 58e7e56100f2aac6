/* th_field.c - the field registry (all per-source tables behind one id space) and the extraction helpers
 * the tables share (th_fieldx.h).
 * Invariants: ids are positions in the concatenation th_ct_fields + th_ka_fields + th_json_fields + th_evt_fields,
 * built once (pthread_once) and never changed; lookups by name are binary searches over a sorted id index. */
#include "th_field.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th_fieldx.h"

#define TH_FIELD_MAX 1024

static const struct th_field_def *g_defs[TH_FIELD_MAX];
static uint16_t g_sorted[TH_FIELD_MAX]; /* ids ordered by name */
static size_t g_count;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static int cmp_ids(const void *a, const void *b)
{
    const struct th_field_def *x = g_defs[*(const uint16_t *)a];
    const struct th_field_def *y = g_defs[*(const uint16_t *)b];
    int c = strcmp(x->name, y->name);
    if (c) {
        return c;
    }
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static void add_table(const struct th_field_def *t)
{
    for (; t->name; t++) {
        if (g_count >= TH_FIELD_MAX) {
            fprintf(stderr, "trailhound: field registry full (TH_FIELD_MAX=%d)\n", TH_FIELD_MAX);
            abort();
        }
        g_defs[g_count] = t;
        g_sorted[g_count] = (uint16_t)g_count;
        g_count++;
    }
}

static void build(void)
{
    add_table(th_ct_fields);
    add_table(th_ka_fields);
    add_table(th_json_fields);
    add_table(th_evt_fields);
    qsort(g_sorted, g_count, sizeof g_sorted[0], cmp_ids);
}

static void ensure(void)
{
    pthread_once(&g_once, build);
}

size_t th_field_count(void)
{
    ensure();
    return g_count;
}

const struct th_field_def *th_field_by_id(uint16_t id)
{
    ensure();
    return id < g_count ? g_defs[id] : NULL;
}

static int cmp_name(const char *name, size_t n, const char *defname)
{
    int c = strncmp(name, defname, n);
    if (c) {
        return c;
    }
    return defname[n] ? -1 : 0;
}

static bool for_source(const struct th_field_def *d, enum th_srckind src)
{
    return src == TH_SRC_UNKNOWN || (d->sources & TH_SRC_MASK(src)) != 0;
}

int th_field_find(const char *name, size_t n, enum th_srckind src)
{
    ensure();
    size_t lo = 0, hi = g_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_name(name, n, g_defs[g_sorted[mid]]->name) > 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (; lo < g_count && cmp_name(name, n, g_defs[g_sorted[lo]]->name) == 0; lo++) {
        if (for_source(g_defs[g_sorted[lo]], src)) {
            return g_sorted[lo];
        }
    }
    return -1;
}

/* Levenshtein distance, giving up (returning limit + 1) once every cell of a row exceeds limit. */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t limit)
{
    size_t nb = strlen(b);
    size_t row[128];
    if (na >= sizeof row / sizeof row[0] || nb >= sizeof row / sizeof row[0]) {
        return limit + 1;
    }
    if ((na > nb ? na - nb : nb - na) > limit) {
        return limit + 1;
    }
    for (size_t j = 0; j <= nb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0], best = i;
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (row[j - 1] + 1 < v) {
                v = row[j - 1] + 1;
            }
            if (up + 1 < v) {
                v = up + 1;
            }
            row[j] = v;
            diag = up;
            if (v < best) {
                best = v;
            }
        }
        if (best > limit) {
            return limit + 1;
        }
    }
    return row[nb];
}

const char *th_field_suggest(const char *name, size_t n, enum th_srckind src)
{
    ensure();
    const char *best = NULL;
    size_t bestd = 4;
    for (size_t i = 0; i < g_count; i++) {
        const struct th_field_def *d = g_defs[i];
        if (!for_source(d, src)) {
            continue;
        }
        size_t dist = edit_distance(name, n, d->name, bestd - 1);
        if (dist < bestd) {
            bestd = dist;
            best = d->name;
        }
    }
    return best;
}

const char *th_srckind_name(enum th_srckind k)
{
    switch (k) {
    case TH_SRC_CLOUDTRAIL: return "aws_cloudtrail";
    case TH_SRC_K8S_AUDIT: return "k8s_audit";
    default: return "unknown";
    }
}

enum th_srckind th_srckind_parse(const char *name, size_t n)
{
    if (n == 14 && memcmp(name, "aws_cloudtrail", 14) == 0) {
        return TH_SRC_CLOUDTRAIL;
    }
    if (n == 9 && memcmp(name, "k8s_audit", 9) == 0) {
        return TH_SRC_K8S_AUDIT;
    }
    return TH_SRC_UNKNOWN;
}

const char *th_ftype_name(enum th_ftype t)
{
    switch (t) {
    case TH_FT_STR: return "string";
    case TH_FT_U64: return "uint64";
    case TH_FT_BOOL: return "bool";
    case TH_FT_TIME: return "abstime";
    case TH_FT_IP: return "ipaddr";
    case TH_FT_STRLIST: return "list";
    }
    return "unknown";
}

/* ---- extraction helpers (th_fieldx.h) ---- */

uint32_t th_fx_path(const struct th_event *ev, const char *dotted)
{
    return th_json_path(ev->doc, ev->root, dotted);
}

uint32_t th_fx_keys(const struct th_event *ev, const char *const *keys)
{
    uint32_t n = ev->root;
    for (; *keys && n != TH_JNONE; keys++) {
        n = th_json_getz(ev->doc, n, *keys);
    }
    return n;
}

bool th_fx_strview(struct th_event *ev, uint32_t node, struct th_sv *sv)
{
    if (node == TH_JNONE || th_json_type(ev->doc, node) != TH_J_STRING) {
        return false;
    }
    return th_json_str(ev->doc, node, ev->scratch, &sv->p, &sv->n);
}

struct th_buf *th_fx_tmpbuf(void)
{
    static _Thread_local struct th_buf buf;
    th_buf_clear(&buf);
    return &buf;
}

struct th_sv th_fx_keep(struct th_event *ev, const char *p, size_t n)
{
    struct th_sv s = {th_arena_strndup(ev->scratch, p ? p : "", p ? n : 0), p ? n : 0};
    return s;
}

struct th_sv th_fx_render(struct th_event *ev, uint32_t node)
{
    struct th_sv s;
    if (th_fx_strview(ev, node, &s)) {
        return s;
    }
    return th_fx_compact(ev, node);
}

struct th_sv th_fx_compact(struct th_event *ev, uint32_t node)
{
    struct th_buf *b = th_fx_tmpbuf();
    th_json_compact(ev->doc, node, b);
    return th_fx_keep(ev, b->data, b->len);
}

struct th_sv th_fx_concat(struct th_event *ev, const struct th_sv *parts, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += parts[i].n;
    }
    char *p = th_arena_alloc(ev->scratch, total + 1);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].n) {
            memcpy(p + at, parts[i].p, parts[i].n);
        }
        at += parts[i].n;
    }
    p[at] = 0;
    return th_fx_sv(p, total);
}

void th_fx_list_push(struct th_event *ev, struct th_fx_list *l, struct th_sv s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct th_sv *v = th_arena_alloc(ev->scratch, cap * sizeof *v);
        if (l->n) {
            memcpy(v, l->v, l->n * sizeof *v);
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
}

int th_fx_set_list(int32_t index, const struct th_fx_list *l, struct th_val *out)
{
    if (l->n == 0) {
        return 0;
    }
    out->type = TH_FT_STRLIST;
    if (index >= 0) {
        if ((size_t)index >= l->n) {
            return 0;
        }
        out->u.list.v = l->v + index;
        out->u.list.n = 1;
        return 1;
    }
    out->u.list.v = l->v;
    out->u.list.n = l->n;
    return 1;
}
