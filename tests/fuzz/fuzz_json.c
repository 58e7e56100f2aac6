/* fuzz_json.c - libFuzzer target: the JSON scanner against jansson on the same bytes.
 * Both must agree on accept/reject, and on accepted input they must see the same tree (types, string bytes,
 * numeric values, member order). Cases jansson cannot represent are skipped: integers or reals out of its range,
 * nesting beyond its limit, duplicate object keys (jansson keeps only the last), raw NUL bytes (jansson stops there),
 * and \u0000 inside object keys (jansson refuses them; they are valid JSON). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "th_json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct th_arena arena;

static int same(const struct th_json *doc, uint32_t n, json_t *j);

static int same_object(const struct th_json *doc, uint32_t n, json_t *j)
{
    if (json_object_size(j) != doc->nodes[n].count_hint) {
        return 2; /* duplicate keys: jansson kept only the last one */
    }
    for (uint32_t k = th_json_first(doc, n); k != TH_JNONE; k = th_json_next(doc, k + 1, n)) {
        const char *key;
        size_t klen;
        th_json_str(doc, k, &arena, &key, &klen);
        if (memchr(key, 0, klen)) {
            return 2; /* jansson cannot hold keys with NUL */
        }
        json_t *v = json_object_getn(j, key, klen);
        int r = v ? same(doc, k + 1, v) : 0;
        if (r != 1) {
            return r;
        }
    }
    return 1;
}

static int same(const struct th_json *doc, uint32_t n, json_t *j)
{
    const char *s;
    size_t len;
    double d;
    switch (th_json_type(doc, n)) {
    case TH_J_NULL: return json_is_null(j);
    case TH_J_TRUE: return json_is_true(j);
    case TH_J_FALSE: return json_is_false(j);
    case TH_J_NUMBER:
        th_json_double(doc, n, &d);
        return json_is_number(j) && (d == json_number_value(j) || (isnan(d) && isnan(json_number_value(j))));
    case TH_J_STRING:
        th_json_str(doc, n, &arena, &s, &len);
        return json_is_string(j) && json_string_length(j) == len && memcmp(json_string_value(j), s, len) == 0;
    case TH_J_ARRAY: {
        size_t i = 0;
        if (!json_is_array(j)) {
            return 0;
        }
        for (uint32_t e = th_json_first(doc, n); e != TH_JNONE; e = th_json_next(doc, e, n), i++) {
            int r = same(doc, e, json_array_get(j, i));
            if (r != 1) {
                return r;
            }
        }
        return i == json_array_size(j);
    }
    case TH_J_OBJECT:
        return json_is_object(j) ? same_object(doc, n, j) : 0;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static struct th_json doc;
    static int init;
    json_error_t jerr;
    if (!init) {
        th_json_init(&doc);
        doc.limits.max_depth = 2048; /* jansson's own limit */
        th_arena_init(&arena);
        init = 1;
    }
    th_arena_reset(&arena);
    if (memchr(data, 0, size)) {
        return 0; /* jansson stops at a raw NUL; both reject it anyway as invalid JSON */
    }
    int ours = th_json_parse(&doc, (const char *)data, size) == 0;
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!j) {
        if (ours && (strstr(jerr.text, "too big") || strstr(jerr.text, "overflow") || strstr(jerr.text, "nesting") ||
                     strstr(jerr.text, "NUL byte in object key"))) {
            return 0; /* valid JSON jansson cannot hold (big numbers, deep nesting, \u0000 in a key) */
        }
        if (ours) {
            abort(); /* we accepted what jansson rejects */
        }
        return 0;
    }
    if (!ours) {
        abort(); /* we rejected valid JSON */
    }
    if (same(&doc, 0, j) == 0) { /* 2 = not comparable, 1 = same */
        abort(); /* the trees differ */
    }
    json_decref(j);
    return 0;
}
