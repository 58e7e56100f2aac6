/* th_event.c - record decoding (validate, detect the source kind, find the root, read the time) and cached
 * field access. Invariant: after th_event_decode() returns TH_E_NONE, ev->doc indexes rec->data and
 * ev->root is an object of kind ev->kind; every cached value belongs to the current event (gen check). */
#include "th_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t th_locator_format(const struct th_locator *loc, char *out, size_t outlen)
{
    const char *o = loc->origin ? loc->origin : "<input>";
    int n;
    if (loc->line && loc->record) {
        n = snprintf(out, outlen, "%s:%llu#record=%llu", o, (unsigned long long)loc->line,
                     (unsigned long long)loc->record);
    } else if (loc->line) {
        n = snprintf(out, outlen, "%s:%llu", o, (unsigned long long)loc->line);
    } else if (loc->record) {
        n = snprintf(out, outlen, "%s#record=%llu", o, (unsigned long long)loc->record);
    } else {
        n = snprintf(out, outlen, "%s", o);
    }
    return n < 0 ? 0 : (size_t)n;
}

void th_fcache_init(struct th_fcache *c, uint32_t nslots)
{
    c->gen = 1;
    c->nslots = nslots;
    c->slot_gen = th_xcalloc(nslots ? nslots : 1, sizeof *c->slot_gen);
    c->present = th_xcalloc(nslots ? nslots : 1, sizeof *c->present);
    c->vals = th_xcalloc(nslots ? nslots : 1, sizeof *c->vals);
}

void th_fcache_next(struct th_fcache *c)
{
    if (++c->gen == 0) {
        memset(c->slot_gen, 0, c->nslots * sizeof *c->slot_gen);
        c->gen = 1;
    }
}

void th_fcache_free(struct th_fcache *c)
{
    free(c->slot_gen);
    free(c->present);
    free(c->vals);
    memset(c, 0, sizeof *c);
}

static bool has_key(const struct th_json *doc, uint32_t obj, const char *k)
{
    return th_json_getz(doc, obj, k) != TH_JNONE;
}

static bool looks_cloudtrail(const struct th_json *doc, uint32_t obj)
{
    return has_key(doc, obj, "eventVersion") || (has_key(doc, obj, "eventSource") && has_key(doc, obj, "eventName"));
}

static bool str_startswith(const struct th_json *doc, uint32_t node, const char *prefix)
{
    size_t n = strlen(prefix);
    if (node == TH_JNONE || doc->nodes[node].type != TH_J_STRING || doc->nodes[node].len < n) {
        return false;
    }
    return memcmp(doc->src + doc->nodes[node].off, prefix, n) == 0;
}

static bool looks_k8s_audit(const struct th_json *doc, uint32_t obj)
{
    if (has_key(doc, obj, "auditID")) {
        return true;
    }
    return th_json_str_eq(doc, th_json_getz(doc, obj, "kind"), "Event", 5) &&
           str_startswith(doc, th_json_getz(doc, obj, "apiVersion"), "audit.k8s.io/");
}

enum th_srckind th_event_detect(const struct th_json *doc, uint32_t obj, uint32_t *root)
{
    *root = obj;
    if (looks_cloudtrail(doc, obj)) {
        return TH_SRC_CLOUDTRAIL;
    }
    if (looks_k8s_audit(doc, obj)) {
        return TH_SRC_K8S_AUDIT;
    }
    /* EventBridge "AWS API Call via CloudTrail" (and friends): the record is in "detail". */
    uint32_t detail = th_json_getz(doc, obj, "detail");
    if (has_key(doc, obj, "detail-type") && detail != TH_JNONE && doc->nodes[detail].type == TH_J_OBJECT &&
        looks_cloudtrail(doc, detail)) {
        *root = detail;
        return TH_SRC_CLOUDTRAIL;
    }
    return TH_SRC_UNKNOWN;
}

static int64_t read_time(const struct th_json *doc, uint32_t root, enum th_srckind kind)
{
    static const char *const ct_keys[] = {"eventTime", NULL};
    static const char *const ka_keys[] = {"stageTimestamp", "requestReceivedTimestamp", NULL};
    const char *const *keys = kind == TH_SRC_K8S_AUDIT ? ka_keys : ct_keys;
    for (; *keys; keys++) {
        uint32_t t = th_json_getz(doc, root, *keys);
        int64_t ns;
        if (t != TH_JNONE && doc->nodes[t].type == TH_J_STRING && !(doc->nodes[t].flags & TH_JF_ESCAPED) &&
            th_time_parse_rfc3339(doc->src + doc->nodes[t].off, doc->nodes[t].len, &ns)) {
            return ns;
        }
    }
    return 0;
}

/* The parser's problem with its place: "at column C" of the locator's line for an NDJSON record, "at [line L,]
 * column C of the record" for a record inside an envelope, an array or a multi-line value. */
static void json_problem(const struct th_json *doc, const struct th_record *rec, char *msg, size_t msglen)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < doc->err_off && i < rec->len; i++) {
        line += rec->data[i] == '\n';
        col = rec->data[i] == '\n' ? 1 : col + 1;
    }
    char at[64];
    bool own_line = rec->loc.line && !rec->loc.record; /* NDJSON: the record is the locator's line */
    if (line == 1) {
        snprintf(at, sizeof at, "at column %zu%s", col, own_line ? "" : " of the record");
    } else {
        snprintf(at, sizeof at, "at line %zu, column %zu of the record", line, col);
    }
    const char *what = doc->err_msg ? doc->err_msg : "invalid JSON";
    switch (doc->err_code) {
    case TH_E_JSON_DEPTH:
        snprintf(msg, msglen, "JSON nested deeper than %u levels (--max-depth) %s; skipped",
                 doc->limits.max_depth ? doc->limits.max_depth : 128u, at);
        return;
    case TH_E_JSON_UTF8:
        snprintf(msg, msglen, "%s %s; skipped", what, at);
        return;
    default:
        snprintf(msg, msglen, "malformed JSON %s: %s; skipped", at, what);
        return;
    }
}

enum th_code th_event_decode(struct th_event *ev, const struct th_record *rec, const struct th_decode_opts *opts,
                             char *msg, size_t msglen)
{
    ev->rec = rec;
    ev->kind = TH_SRC_UNKNOWN;
    ev->root = 0;
    ev->time_ns = 0;
    if (ev->scratch) {
        th_arena_reset(ev->scratch);
    }
    if (ev->cache) {
        th_fcache_next(ev->cache);
    }
    if (opts && opts->max_record_size && rec->len > opts->max_record_size) {
        if (msg) {
            snprintf(msg, msglen, "record of %zu bytes is over the %zu-byte limit (--max-record-size); skipped",
                     rec->len, opts->max_record_size);
        }
        return TH_E_TOO_LARGE;
    }
    if (th_json_parse(ev->doc, rec->data, rec->len) < 0) {
        if (msg) {
            json_problem(ev->doc, rec, msg, msglen);
        }
        return (enum th_code)ev->doc->err_code;
    }
    if (ev->doc->nodes[0].type != TH_J_OBJECT) {
        if (msg) {
            snprintf(msg, msglen, "record is a JSON %s, not an object", ev->doc->nodes[0].type == TH_J_ARRAY ? "array" : ev->doc->nodes[0].type == TH_J_STRING ? "string" : "scalar");
        }
        return TH_E_NOT_OBJECT;
    }
    ev->kind = th_event_detect(ev->doc, 0, &ev->root);
    enum th_srckind force = opts ? opts->force : TH_SRC_UNKNOWN;
    if (force == TH_SRC_UNKNOWN && rec->hint != TH_SRC_UNKNOWN) {
        force = rec->hint;
    }
    if (force != TH_SRC_UNKNOWN) {
        ev->kind = force;
    }
    if (ev->kind == TH_SRC_UNKNOWN) {
        if (msg) {
            snprintf(msg, msglen, "object is neither a CloudTrail record (no eventVersion/eventSource/eventName) nor a k8s audit event (no auditID)");
        }
        return TH_E_UNKNOWN_SOURCE;
    }
    ev->time_ns = read_time(ev->doc, ev->root, ev->kind);
    return TH_E_NONE;
}

int th_event_get(struct th_event *ev, const struct th_fieldref *ref, struct th_val *out)
{
    const struct th_field_def *def = th_field_by_id(ref->id);
    struct th_fcache *c = ev->cache;
    if (c && ref->slot < c->nslots) {
        if (c->slot_gen[ref->slot] == c->gen) {
            *out = c->vals[ref->slot];
            return c->present[ref->slot];
        }
        int present = def->extract(ev, ref, &c->vals[ref->slot]);
        c->slot_gen[ref->slot] = c->gen;
        c->present[ref->slot] = (uint8_t)present;
        *out = c->vals[ref->slot];
        return present;
    }
    return def->extract(ev, ref, out);
}

void th_val_format(const struct th_val *v, struct th_buf *out)
{
    char tbuf[48];
    switch (v->type) {
    case TH_FT_STR:
    case TH_FT_IP:
        th_buf_append(out, v->u.s.p, v->u.s.n);
        break;
    case TH_FT_U64:
        th_buf_printf(out, "%lld", (long long)v->u.i);
        break;
    case TH_FT_BOOL:
        th_buf_puts(out, v->u.b ? "true" : "false");
        break;
    case TH_FT_TIME:
        th_time_format_rfc3339(v->u.i, tbuf, sizeof tbuf);
        th_buf_puts(out, tbuf);
        break;
    case TH_FT_STRLIST:
        th_buf_putc(out, '(');
        for (size_t i = 0; i < v->u.list.n; i++) {
            if (i) {
                th_buf_putc(out, ',');
            }
            th_buf_append(out, v->u.list.v[i].p, v->u.list.v[i].n);
        }
        th_buf_putc(out, ')');
        break;
    }
}
