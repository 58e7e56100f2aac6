/* th_json.h - validating single-pass JSON scanner that indexes a document once ("tape") and answers
 * lookups from that index without copying.
 *
 * th_json_parse() checks the whole text against RFC 8259 (structure, string escapes, UTF-8, numbers, depth)
 * and writes one 16-byte node per value into doc->nodes, in document order:
 *   - a container node is followed by its children; node.next is the index just past its whole subtree,
 *     so siblings are reached in O(1) and a lookup never descends into values it skips;
 *   - an object's children alternate key (a STRING node) and value;
 *   - scalars point into the source text (off/len); string nodes exclude the quotes and carry
 *     TH_JF_ESCAPED when the raw text holds a backslash (then th_json_str() unescapes into scratch).
 * Invariants: doc->src is borrowed and must outlive every lookup; node 0 is the root. A doc is reused across
 * parses (its node array grows once and stays), which keeps the per-event hot path allocation-free. Lookups on
 * objects with many members build a small member index on first use (so later lookups need not walk the tape):
 * a doc belongs to one thread at a time.
 *
 * Field extractors must only use this API (never peek at raw bytes): a second backend built from a jansson
 * DOM (tests/unit/json_oracle.c) fills the same tape so every field can be checked against jansson. */
#ifndef TH_JSON_H
#define TH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "th_buf.h"

enum th_jtype {
    TH_J_NULL = 0,
    TH_J_FALSE,
    TH_J_TRUE,
    TH_J_NUMBER,
    TH_J_STRING,
    TH_J_ARRAY,
    TH_J_OBJECT,
};

#define TH_JF_ESCAPED 0x01u /* string node: raw text holds escapes */
#define TH_JF_INTEGER 0x02u /* number node: no fraction or exponent */

#define TH_JNONE UINT32_MAX /* "no node" */

struct th_jnode {
    uint32_t off;  /* byte offset in src: string content (after the quote), number text, or the container's opening bracket */
    uint32_t len;  /* byte length: string content (raw, without quotes), number text, or the whole container text */
    uint32_t next; /* index of the next sibling (just past this node's subtree) */
    uint8_t type;  /* enum th_jtype */
    uint8_t flags; /* TH_JF_* */
    uint16_t count_hint; /* containers: number of members/elements, saturated at 65535 */
};

struct th_json_limits {
    uint32_t max_depth; /* nesting limit; default 128 */
};

struct th_json_memidx; /* lazily built member index (th_json.c) */

struct th_json {
    const char *src; /* borrowed */
    size_t srclen;
    struct th_jnode *nodes;
    uint32_t n, cap;
    struct th_json_limits limits;
    /* set when th_json_parse() fails */
    int err_code;        /* enum th_code: TH_E_JSON_SYNTAX, TH_E_JSON_UTF8, TH_E_JSON_DEPTH, TH_E_TOO_LARGE */
    size_t err_off;      /* byte offset of the problem */
    const char *err_msg; /* static text, e.g. "expected ':' after object key" */
    struct th_json_memidx *idx; /* owned; allocated by th_json_parse, NULL for tapes built elsewhere */
};

void th_json_init(struct th_json *doc);
void th_json_free(struct th_json *doc);
/* Parses src[0..n) as exactly one JSON value (surrounding whitespace allowed). Returns 0, or -1 with err_*
 * set. Documents larger than 4 GiB are refused (TH_E_TOO_LARGE). */
int th_json_parse(struct th_json *doc, const char *src, size_t n);

static inline const struct th_jnode *th_json_node(const struct th_json *doc, uint32_t i)
{
    return &doc->nodes[i];
}
static inline enum th_jtype th_json_type(const struct th_json *doc, uint32_t i)
{
    return (enum th_jtype)doc->nodes[i].type;
}

/* A key's tag: length, first, middle and last byte. O(1); folds to a constant for string literals. */
static inline uint32_t th_json_key_tag(const char *k, size_t n)
{
    if (n == 0) {
        return 0;
    }
    const uint8_t *u = (const uint8_t *)k;
    return ((uint32_t)(n & 0xFF)) | ((uint32_t)u[0] << 8) | ((uint32_t)u[n / 2] << 16) | ((uint32_t)u[n - 1] << 24);
}

/* The lookup with the key's tag precomputed (hot paths resolve their keys once). */
uint32_t th_json_get_tagged(const struct th_json *doc, uint32_t obj, const char *key, size_t keylen, uint32_t tag);

/* Object member lookup by key (exact bytes, escapes in stored keys handled). Returns the value node or TH_JNONE
 * (also when obj is TH_JNONE or not an object). */
static inline uint32_t th_json_get(const struct th_json *doc, uint32_t obj, const char *key, size_t keylen)
{
    return th_json_get_tagged(doc, obj, key, keylen, th_json_key_tag(key, keylen));
}
/* Shorthand for a NUL-terminated key (inline, so strlen of a literal folds to a constant). */
static inline uint32_t th_json_getz(const struct th_json *doc, uint32_t obj, const char *key)
{
    return th_json_get(doc, obj, key, __builtin_strlen(key));
}
/* A dotted path split and tagged once (at rule-compile or program start), then followed per event without
 * re-scanning the text. Keys are borrowed from the string given to th_jpath_init. */
#define TH_JPATH_MAX 8
struct th_jpath {
    uint32_t n;
    struct {
        const char *key;
        uint32_t len, tag;
    } seg[TH_JPATH_MAX];
};
int th_jpath_init(struct th_jpath *path, const char *dotted); /* -1 if deeper than TH_JPATH_MAX */
uint32_t th_jpath_get(const struct th_json *doc, uint32_t node, const struct th_jpath *path);

/* Follows a dotted path of plain keys ("userIdentity.sessionContext.sessionIssuer.userName"). */
uint32_t th_json_path(const struct th_json *doc, uint32_t node, const char *dotted);
/* RFC 6901 JSON pointer ("" is the node itself; "/a/0/b"; ~0 and ~1 escapes). */
uint32_t th_json_pointer(const struct th_json *doc, uint32_t node, const char *ptr, size_t n);
/* Array element i, or TH_JNONE. */
uint32_t th_json_index(const struct th_json *doc, uint32_t arr, uint32_t i);

/* Iteration: first child (first key for objects, first element for arrays) or TH_JNONE; th_json_next() gives
 * the sibling after node inside parent, or TH_JNONE. Arrays: for (e = first(a); e != TH_JNONE; e = next(e, a)).
 * Objects: for (k = first(o); k != TH_JNONE; k = next(k + 1, o)), the value of key k being node k + 1. */
uint32_t th_json_first(const struct th_json *doc, uint32_t container);
uint32_t th_json_next(const struct th_json *doc, uint32_t node, uint32_t parent);

/* String view of a STRING node. Zero-copy when the string has no escapes; otherwise unescaped into scratch
 * (valid until scratch is reset). Returns false if the node is not a string. */
bool th_json_str(const struct th_json *doc, uint32_t node, struct th_arena *scratch, const char **p, size_t *n);
/* True if node is a string equal to s[0..n). */
bool th_json_str_eq(const struct th_json *doc, uint32_t node, const char *s, size_t n);
/* Integer value of a NUMBER node (fractions truncated toward zero, saturated to int64). */
bool th_json_int(const struct th_json *doc, uint32_t node, int64_t *out);
bool th_json_double(const struct th_json *doc, uint32_t node, double *out);
/* Bool value of TRUE/FALSE nodes. */
bool th_json_bool(const struct th_json *doc, uint32_t node, bool *out);

/* Appends the compact JSON text of a node (no insignificant whitespace, strings re-escaped canonically).
 * This is what ct.request, json.value[...] on objects and ka.* non-string values render as. */
void th_json_compact(const struct th_json *doc, uint32_t node, struct th_buf *out);
/* Value rendered as Falco's json plugin does: strings unquoted (unescaped), everything else compact JSON. */
void th_json_render(const struct th_json *doc, uint32_t node, struct th_buf *out);

/* Human-readable error, e.g. "line 1, column 17: expected ',' or '}' after object member". Computes the
 * line/column from err_off. */
void th_json_errstr(const struct th_json *doc, char *out, size_t outlen);

#endif
