/* support_json_oracle.c - builds a th_json tape from a jansson DOM (see support_json_oracle.h).
 * Invariant: node order is document order (jansson keeps object insertion order), a container is followed by its
 * children, next is the index just past the subtree, object children alternate key and value. */
#include "support_json_oracle.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void th_oracle_init(struct th_json_oracle *o)
{
    memset(&o->doc, 0, sizeof o->doc);
    o->doc.limits.max_depth = 128;
    th_buf_init(&o->src);
}

void th_oracle_free(struct th_json_oracle *o)
{
    free(o->doc.nodes);
    th_buf_free(&o->src);
    memset(o, 0, sizeof *o);
}

static uint32_t push_node(struct th_json_oracle *o, enum th_jtype type)
{
    struct th_json *d = &o->doc;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 256;
        d->nodes = th_xrealloc(d->nodes, d->cap * sizeof d->nodes[0]);
    }
    uint32_t i = d->n++;
    memset(&d->nodes[i], 0, sizeof d->nodes[i]);
    d->nodes[i].type = (uint8_t)type;
    d->nodes[i].next = i + 1;
    return i;
}

static void set_text(struct th_json_oracle *o, uint32_t i, const char *p, size_t n)
{
    o->doc.nodes[i].off = (uint32_t)o->src.len;
    o->doc.nodes[i].len = (uint32_t)n;
    th_buf_append(&o->src, p, n);
}

static void emit(struct th_json_oracle *o, json_t *v);

static void emit_string(struct th_json_oracle *o, const char *p, size_t n)
{
    uint32_t i = push_node(o, TH_J_STRING);
    set_text(o, i, p, n);
}

static void emit_number(struct th_json_oracle *o, json_t *v)
{
    char num[64];
    uint32_t i = push_node(o, TH_J_NUMBER);
    if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        o->doc.nodes[i].flags = TH_JF_INTEGER;
    } else {
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
    }
    set_text(o, i, num, strlen(num));
}

static void emit_container(struct th_json_oracle *o, json_t *v)
{
    uint32_t i = push_node(o, json_is_object(v) ? TH_J_OBJECT : TH_J_ARRAY);
    size_t count = json_is_object(v) ? json_object_size(v) : json_array_size(v);
    o->doc.nodes[i].count_hint = (uint16_t)(count > 65535 ? 65535 : count);
    o->doc.nodes[i].off = (uint32_t)o->src.len; /* meaningless but in range */
    o->doc.nodes[i].len = 0;
    if (json_is_object(v)) {
        const char *key;
        size_t keylen;
        json_t *val;
        json_object_keylen_foreach(v, key, keylen, val)
        {
            emit_string(o, key, keylen);
            emit(o, val);
        }
    } else {
        for (size_t k = 0; k < count; k++) {
            emit(o, json_array_get(v, k));
        }
    }
    o->doc.nodes[i].next = o->doc.n;
}

static void emit(struct th_json_oracle *o, json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
    case JSON_ARRAY: emit_container(o, v); break;
    case JSON_STRING: emit_string(o, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER:
    case JSON_REAL: emit_number(o, v); break;
    case JSON_TRUE: push_node(o, TH_J_TRUE); break;
    case JSON_FALSE: push_node(o, TH_J_FALSE); break;
    case JSON_NULL: push_node(o, TH_J_NULL); break;
    }
}

int th_oracle_parse(struct th_json_oracle *o, const char *text, size_t n, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
    o->doc.n = 0;
    th_buf_clear(&o->src);
    if (!root) {
        if (err) {
            snprintf(err, errlen, "jansson: line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        }
        return -1;
    }
    emit(o, root);
    json_decref(root);
    th_buf_putc(&o->src, 0); /* keeps data non-NULL even for an empty side buffer */
    o->src.len--;
    o->doc.src = o->src.data;
    o->doc.srclen = o->src.len;
    return 0;
}
