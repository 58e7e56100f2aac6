/* th_json.c - validating single-pass JSON scanner and the lookups it answers (see th_json.h).
 * Parsing is iterative (an explicit container stack bounded by limits.max_depth), so hostile nesting cannot
 * overflow the C stack. String bodies, which are most of the bytes of an audit record, are skipped 16 bytes at a
 * time with SSE2: only quotes, backslashes, control bytes and non-ASCII bytes stop the fast loop.
 * Invariant: on success every byte of src was checked against RFC 8259 (including UTF-8 validity and surrogate
 * pairing in \u escapes) and nodes[] holds the tape described in th_json.h; on failure err_* describe the first
 * problem and the tape is unspecified. */
#include "th_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "th_err.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#define TH_JSON_SSE2 1
#endif

#define DEFAULT_MAX_DEPTH 128

void th_json_init(struct th_json *doc)
{
    memset(doc, 0, sizeof *doc);
    doc->limits.max_depth = DEFAULT_MAX_DEPTH;
}

/* Member index: for objects with at least MEMIDX_MIN members, the first lookup builds a small open-addressing
 * hash table of (tag, key node) for every member, so later lookups take one or two probes instead of walking
 * sibling links through the tape. A tag summarises a key in O(1) (length, first, middle and last byte); a tag hit
 * is confirmed with memcmp. Objects with escaped keys are not indexed. Up to MEMIDX_SLOTS objects per document are
 * indexed (direct-mapped by node index). */
#define MEMIDX_MIN 8
#define MEMIDX_SLOTS 8
#define MEMIDX_NONE UINT32_MAX /* slot holds an object that cannot be indexed */

struct th_json_member {
    uint32_t tag;
    uint32_t key; /* key node (>= 1); 0 = empty; the value is key + 1 */
};

struct th_json_memidx {
    uint32_t obj[MEMIDX_SLOTS];
    uint32_t start[MEMIDX_SLOTS];
    uint32_t mask[MEMIDX_SLOTS];
    struct th_json_member *pool;
    uint32_t n, cap;
};

#define key_tag th_json_key_tag

static inline uint32_t tag_hash(uint32_t tag)
{
    return (tag * 2654435761u) >> 16;
}

static void memidx_reset(struct th_json *doc)
{
    if (!doc->idx) {
        doc->idx = th_xcalloc(1, sizeof *doc->idx);
    }
    for (int i = 0; i < MEMIDX_SLOTS; i++) {
        doc->idx->obj[i] = TH_JNONE;
    }
    doc->idx->n = 0;
}

void th_json_free(struct th_json *doc)
{
    if (doc->idx) {
        free(doc->idx->pool);
        free(doc->idx);
        doc->idx = NULL;
    }
    free(doc->nodes);
    doc->nodes = NULL;
    doc->n = doc->cap = 0;
}

/* ---- parser ---- */

struct jp {
    const uint8_t *s, *p, *e;
    struct th_jnode *nodes;
    uint32_t n;
};

static int fail(struct th_json *doc, const struct jp *jp, const uint8_t *at, int code, const char *msg)
{
    doc->err_code = code;
    doc->err_off = (size_t)(at - jp->s);
    doc->err_msg = msg;
    return -1;
}

static inline uint32_t add_node(struct jp *jp, enum th_jtype t, const uint8_t *at)
{
    uint32_t i = jp->n++;
    struct th_jnode *nd = &jp->nodes[i];
    nd->off = (uint32_t)(at - jp->s);
    nd->len = 0;
    nd->next = i + 1;
    nd->type = (uint8_t)t;
    nd->flags = 0;
    nd->count_hint = 0;
    return i;
}

static inline const uint8_t *skip_ws(const uint8_t *p, const uint8_t *e)
{
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
        p++;
    }
    return p;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

static int read_hex4(const uint8_t *p, const uint8_t *e, unsigned *out)
{
    unsigned v = 0;
    if (e - p < 4) {
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0) {
            return -1;
        }
        v = (v << 4) | (unsigned)h;
    }
    *out = v;
    return 0;
}

/* Validates one escape starting at the backslash; returns the pointer after it, or NULL (msg set). */
static const uint8_t *check_escape(const uint8_t *p, const uint8_t *e, const char **msg)
{
    unsigned cp, lo;
    if (p + 1 >= e) {
        *msg = "unterminated string";
        return NULL;
    }
    switch (p[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return p + 2;
    case 'u':
        break;
    default:
        *msg = "invalid escape in string";
        return NULL;
    }
    if (read_hex4(p + 2, e, &cp) < 0) {
        *msg = "invalid \\u escape: expected 4 hex digits";
        return NULL;
    }
    p += 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        *msg = "invalid \\u escape: lone low surrogate";
        return NULL;
    }
    if (cp < 0xD800 || cp > 0xDBFF) {
        return p;
    }
    if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || read_hex4(p + 2, e, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) {
        *msg = "invalid \\u escape: high surrogate not followed by a low surrogate";
        return NULL;
    }
    return p + 6;
}

/* Validates one UTF-8 sequence whose lead byte is >= 0x80; returns the pointer after it or NULL. */
static const uint8_t *check_utf8(const uint8_t *p, const uint8_t *e)
{
    uint8_t c = p[0];
    size_t need;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) {
            lo = 0xA0; /* no overlongs */
        } else if (c == 0xED) {
            hi = 0x9F; /* no surrogates */
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) {
            lo = 0x90;
        } else if (c == 0xF4) {
            hi = 0x8F;
        }
    } else {
        return NULL;
    }
    if ((size_t)(e - p) <= need) {
        return NULL;
    }
    if (p[1] < lo || p[1] > hi) {
        return NULL;
    }
    for (size_t i = 2; i <= need; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return NULL;
        }
    }
    return p + need + 1;
}

/* Finds the first byte at or after p that needs attention in a string body: '"', '\\', < 0x20, >= 0x80. */
static inline const uint8_t *scan_plain(const uint8_t *p, const uint8_t *e)
{
#ifdef TH_JSON_SSE2
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), c1f = _mm_set1_epi8(0x1F);
    while (e - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs));
        m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_max_epu8(v, c1f), c1f));
        unsigned mask = (unsigned)_mm_movemask_epi8(m) | (unsigned)_mm_movemask_epi8(v);
        if (mask) {
            return p + __builtin_ctz(mask);
        }
        p += 16;
    }
#endif
    while (p < e && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80) {
        p++;
    }
    return p;
}

/* Parses a string body; jp->p is just after the opening quote. Adds a STRING node. */
static int parse_string(struct th_json *doc, struct jp *jp)
{
    const uint8_t *start = jp->p, *p = jp->p, *e = jp->e;
    uint32_t i = add_node(jp, TH_J_STRING, start);
    uint8_t flags = 0;
    const char *msg = NULL;
    for (;;) {
        p = scan_plain(p, e);
        if (p >= e) {
            return fail(doc, jp, start - 1, TH_E_JSON_SYNTAX, "unterminated string");
        }
        uint8_t c = *p;
        if (c == '"') {
            break;
        }
        if (c == '\\') {
            const uint8_t *q = check_escape(p, e, &msg);
            if (!q) {
                return fail(doc, jp, p, TH_E_JSON_SYNTAX, msg);
            }
            flags |= TH_JF_ESCAPED;
            p = q;
        } else if (c < 0x20) {
            return fail(doc, jp, p, TH_E_JSON_SYNTAX, "control character in string (must be escaped)");
        } else {
            const uint8_t *q = check_utf8(p, e);
            if (!q) {
                return fail(doc, jp, p, TH_E_JSON_UTF8, "invalid UTF-8 byte sequence in string");
            }
            p = q;
        }
    }
    jp->nodes[i].len = (uint32_t)(p - start);
    jp->nodes[i].flags = flags;
    jp->p = p + 1;
    return 0;
}

static inline int is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static int parse_number(struct th_json *doc, struct jp *jp)
{
    const uint8_t *start = jp->p, *p = jp->p, *e = jp->e;
    uint8_t flags = TH_JF_INTEGER;
    if (p < e && *p == '-') {
        p++;
    }
    if (p >= e || !is_digit(*p)) {
        return fail(doc, jp, p, TH_E_JSON_SYNTAX, "invalid number: expected a digit");
    }
    if (*p == '0') {
        p++;
        if (p < e && is_digit(*p)) {
            return fail(doc, jp, p, TH_E_JSON_SYNTAX, "invalid number: leading zero");
        }
    } else {
        while (p < e && is_digit(*p)) {
            p++;
        }
    }
    if (p < e && *p == '.') {
        flags = 0;
        p++;
        if (p >= e || !is_digit(*p)) {
            return fail(doc, jp, p, TH_E_JSON_SYNTAX, "invalid number: expected a digit after '.'");
        }
        while (p < e && is_digit(*p)) {
            p++;
        }
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        flags = 0;
        p++;
        if (p < e && (*p == '+' || *p == '-')) {
            p++;
        }
        if (p >= e || !is_digit(*p)) {
            return fail(doc, jp, p, TH_E_JSON_SYNTAX, "invalid number: expected a digit in the exponent");
        }
        while (p < e && is_digit(*p)) {
            p++;
        }
    }
    uint32_t i = add_node(jp, TH_J_NUMBER, start);
    jp->nodes[i].len = (uint32_t)(p - start);
    jp->nodes[i].flags = flags;
    jp->p = p;
    return 0;
}

static int parse_literal(struct th_json *doc, struct jp *jp, const char *word, size_t n, enum th_jtype t)
{
    if ((size_t)(jp->e - jp->p) < n || memcmp(jp->p, word, n) != 0) {
        return fail(doc, jp, jp->p, TH_E_JSON_SYNTAX, "invalid literal (expected true, false or null)");
    }
    uint32_t i = add_node(jp, t, jp->p);
    jp->nodes[i].len = (uint32_t)n;
    jp->p += n;
    return 0;
}

static int ensure_nodes(struct th_json *doc, size_t n, uint32_t max_depth)
{
    /* In a complete document every value takes at least 2 bytes of text (a number its comma, a container its two
     * brackets) except the last one, so nodes <= n/2 + 2. A document that breaks off early can also hold, per open
     * level (at most max_depth of them), a 1-byte opening bracket and a 1-byte last element: 2 more nodes each. The
     * parse adds nodes without bounds checks, so this bound is what keeps the tape in its buffer. */
    size_t open = max_depth < n ? max_depth : n;
    size_t need = n / 2 + 4 + 2 * open;
    if (need <= doc->cap) {
        return 0;
    }
    size_t cap = doc->cap ? doc->cap : 256;
    while (cap < need) {
        cap *= 2;
    }
    doc->nodes = th_xrealloc(doc->nodes, cap * sizeof *doc->nodes);
    doc->cap = (uint32_t)cap;
    return 0;
}

static void close_container(struct jp *jp, uint32_t top, uint32_t count)
{
    struct th_jnode *nd = &jp->nodes[top];
    nd->len = (uint32_t)(jp->p + 1 - (jp->s + nd->off));
    nd->next = jp->n;
    nd->count_hint = (uint16_t)(count > 65535 ? 65535 : count);
}

int th_json_parse(struct th_json *doc, const char *src, size_t n)
{
    uint32_t stack_small[256];
    uint32_t count_small[256];
    uint32_t *stack = stack_small, *counts = count_small;
    uint32_t max_depth = doc->limits.max_depth ? doc->limits.max_depth : DEFAULT_MAX_DEPTH;
    uint32_t sp = 0;
    int rc = -1;
    struct jp jp;

    doc->src = src;
    doc->srclen = n;
    doc->n = 0;
    doc->err_code = 0;
    doc->err_msg = NULL;
    doc->err_off = 0;
    jp.s = (const uint8_t *)src;
    jp.e = jp.s + n;
    if (n >= UINT32_MAX) {
        jp.p = jp.s;
        return fail(doc, &jp, jp.s, TH_E_TOO_LARGE, "document larger than 4 GiB");
    }
    ensure_nodes(doc, n, max_depth);
    memidx_reset(doc);
    jp.nodes = doc->nodes;
    jp.n = 0;
    if (max_depth > 256) {
        stack = th_xmalloc(max_depth * sizeof *stack);
        counts = th_xmalloc(max_depth * sizeof *counts);
    }
    jp.p = skip_ws(jp.s, jp.e);
    if (jp.p >= jp.e) {
        fail(doc, &jp, jp.p, TH_E_JSON_SYNTAX, n ? "only whitespace, expected a JSON value" : "empty input, expected a JSON value");
        goto out;
    }

value:
    if (jp.p >= jp.e) {
        fail(doc, &jp, jp.p, TH_E_JSON_SYNTAX, "unexpected end of input, expected a value");
        goto out;
    }
    switch (*jp.p) {
    case '"':
        jp.p++;
        if (parse_string(doc, &jp) < 0) {
            goto out;
        }
        goto after_value;
    case '{':
    case '[': {
        int is_obj = *jp.p == '{';
        if (sp >= max_depth) {
            fail(doc, &jp, jp.p, TH_E_JSON_DEPTH, "nesting deeper than the limit");
            goto out;
        }
        stack[sp] = add_node(&jp, is_obj ? TH_J_OBJECT : TH_J_ARRAY, jp.p);
        counts[sp] = 0;
        sp++;
        jp.p = skip_ws(jp.p + 1, jp.e);
        if (jp.p < jp.e && *jp.p == (is_obj ? '}' : ']')) {
            sp--;
            close_container(&jp, stack[sp], 0);
            jp.p++;
            goto after_value;
        }
        if (is_obj) {
            goto key;
        }
        goto value;
    }
    case 't':
        if (parse_literal(doc, &jp, "true", 4, TH_J_TRUE) < 0) {
            goto out;
        }
        goto after_value;
    case 'f':
        if (parse_literal(doc, &jp, "false", 5, TH_J_FALSE) < 0) {
            goto out;
        }
        goto after_value;
    case 'n':
        if (parse_literal(doc, &jp, "null", 4, TH_J_NULL) < 0) {
            goto out;
        }
        goto after_value;
    default:
        if (*jp.p == '-' || is_digit(*jp.p)) {
            if (parse_number(doc, &jp) < 0) {
                goto out;
            }
            goto after_value;
        }
        fail(doc, &jp, jp.p, *jp.p >= 0x80 && !check_utf8(jp.p, jp.e) ? TH_E_JSON_UTF8 : TH_E_JSON_SYNTAX,
             "unexpected character, expected a value");
        goto out;
    }

key:
    if (jp.p >= jp.e || *jp.p != '"') {
        fail(doc, &jp, jp.p, TH_E_JSON_SYNTAX, jp.p >= jp.e ? "unexpected end of input, expected an object key" : "expected a string as object key");
        goto out;
    }
    jp.p++;
    if (parse_string(doc, &jp) < 0) {
        goto out;
    }
    jp.p = skip_ws(jp.p, jp.e);
    if (jp.p >= jp.e || *jp.p != ':') {
        fail(doc, &jp, jp.p, TH_E_JSON_SYNTAX, "expected ':' after object key");
        goto out;
    }
    jp.p = skip_ws(jp.p + 1, jp.e);
    goto value;

after_value:
    jp.p = skip_ws(jp.p, jp.e);
    if (sp == 0) {
        if (jp.p != jp.e) {
            fail(doc, &jp, jp.p, TH_E_JSON_SYNTAX, "unexpected text after the JSON value");
            goto out;
        }
        rc = 0;
        goto out;
    }
    counts[sp - 1]++;
    {
        uint32_t top = stack[sp - 1];
        int is_obj = jp.nodes[top].type == TH_J_OBJECT;
        if (jp.p >= jp.e) {
            fail(doc, &jp, jp.p, TH_E_JSON_SYNTAX, is_obj ? "unexpected end of input, expected ',' or '}'" : "unexpected end of input, expected ',' or ']'");
            goto out;
        }
        if (*jp.p == ',') {
            jp.p = skip_ws(jp.p + 1, jp.e);
            if (is_obj) {
                goto key;
            }
            goto value;
        }
        if (*jp.p == (is_obj ? '}' : ']')) {
            sp--;
            close_container(&jp, top, counts[sp]);
            jp.p++;
            goto after_value;
        }
        fail(doc, &jp, jp.p, TH_E_JSON_SYNTAX, is_obj ? "expected ',' or '}' after object member" : "expected ',' or ']' after array element");
        goto out;
    }

out:
    doc->n = jp.n;
    if (stack != stack_small) {
        free(stack);
        free(counts);
    }
    return rc;
}

/* ---- lookups ---- */

uint32_t th_json_first(const struct th_json *doc, uint32_t c)
{
    if (c == TH_JNONE || (doc->nodes[c].type != TH_J_OBJECT && doc->nodes[c].type != TH_J_ARRAY)) {
        return TH_JNONE;
    }
    return doc->nodes[c].next > c + 1 ? c + 1 : TH_JNONE;
}

uint32_t th_json_next(const struct th_json *doc, uint32_t node, uint32_t parent)
{
    uint32_t nx = doc->nodes[node].next;
    return nx < doc->nodes[parent].next ? nx : TH_JNONE;
}

static size_t unescape_into(const char *s, size_t n, char *out);

/* Compares a key node with escapes against key bytes (rare path). */
__attribute__((noinline)) static bool escaped_key_eq(const struct th_json *doc, const struct th_jnode *k,
                                                    const char *key, size_t keylen)
{
    char small[256];
    char *buf = k->len <= sizeof small ? small : th_xmalloc(k->len);
    size_t n = unescape_into(doc->src + k->off, k->len, buf);
    bool eq = n == keylen && memcmp(buf, key, n) == 0;
    if (buf != small) {
        free(buf);
    }
    return eq;
}

/* a[0..n) == b[0..n) for short keys without a library call: two overlapping 8-byte loads cover 8..16 bytes. */
static inline bool bytes_eq(const char *a, const char *b, size_t n)
{
    uint64_t x, y, u, v;
    if (n >= 8 && n <= 16) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        memcpy(&u, a + n - 8, 8);
        memcpy(&v, b + n - 8, 8);
        return ((x ^ y) | (u ^ v)) == 0;
    }
    if (n < 8) {
        for (size_t i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
    return memcmp(a, b, n) == 0;
}

static inline bool key_matches(const struct th_json *doc, const struct th_jnode *kn, const char *key, size_t keylen)
{
    if (kn->flags & TH_JF_ESCAPED) {
        return escaped_key_eq(doc, kn, key, keylen);
    }
    return kn->len == keylen && bytes_eq(doc->src + kn->off, key, keylen);
}

/* Returns the hash table of obj (building it on first use), or NULL when obj cannot be indexed. */
static const struct th_json_member *memidx_table(const struct th_json *doc, uint32_t obj, uint32_t *mask)
{
    struct th_json_memidx *ix = doc->idx;
    const struct th_jnode *nodes = doc->nodes;
    uint32_t slot = obj % MEMIDX_SLOTS;
    if (ix->obj[slot] == obj) {
        *mask = ix->mask[slot];
        return ix->mask[slot] == MEMIDX_NONE ? NULL : ix->pool + ix->start[slot];
    }
    uint32_t size = 16;
    while (size < 2u * nodes[obj].count_hint) {
        size *= 2;
    }
    if (ix->n + size > ix->cap) {
        uint32_t cap = ix->cap ? ix->cap : 1024;
        while (cap < ix->n + size) {
            cap *= 2;
        }
        ix->pool = th_xrealloc(ix->pool, cap * sizeof *ix->pool);
        ix->cap = cap;
    }
    struct th_json_member *t = ix->pool + ix->n;
    memset(t, 0, size * sizeof *t);
    ix->obj[slot] = obj;
    ix->start[slot] = ix->n;
    ix->mask[slot] = size - 1;
    for (uint32_t k = obj + 1, end = nodes[obj].next; k < end; k = nodes[k + 1].next) {
        const struct th_jnode *kn = &nodes[k];
        if (kn->flags & TH_JF_ESCAPED) {
            ix->mask[slot] = MEMIDX_NONE;
            return NULL;
        }
        uint32_t tag = key_tag(doc->src + kn->off, kn->len), h = tag_hash(tag) & (size - 1);
        while (t[h].key) {
            h = (h + 1) & (size - 1);
        }
        t[h] = (struct th_json_member){tag, k};
    }
    ix->n += size;
    *mask = size - 1;
    return t;
}

uint32_t th_json_get_tagged(const struct th_json *doc, uint32_t obj, const char *key, size_t keylen, uint32_t tag)
{
    if (obj == TH_JNONE || doc->nodes[obj].type != TH_J_OBJECT) {
        return TH_JNONE;
    }
    const struct th_jnode *nodes = doc->nodes;
    if (doc->idx && nodes[obj].count_hint >= MEMIDX_MIN && nodes[obj].count_hint < 65535) {
        uint32_t mask;
        const struct th_json_member *t = memidx_table(doc, obj, &mask);
        if (t) {
            uint32_t h = tag_hash(tag) & mask;
            for (; t[h].key; h = (h + 1) & mask) {
                const struct th_jnode *kn = &nodes[t[h].key];
                if (t[h].tag == tag && kn->len == keylen && bytes_eq(doc->src + kn->off, key, keylen)) {
                    return t[h].key + 1;
                }
            }
            return TH_JNONE;
        }
    }
    uint32_t end = nodes[obj].next;
    for (uint32_t k = obj + 1; k < end; k = nodes[k + 1].next) {
        if (key_matches(doc, &nodes[k], key, keylen)) {
            return k + 1;
        }
    }
    return TH_JNONE;
}

uint32_t th_json_path(const struct th_json *doc, uint32_t node, const char *dotted)
{
    const char *p = dotted;
    while (node != TH_JNONE && *p) {
        size_t n = 0;
        while (p[n] && p[n] != '.') {
            n++;
        }
        node = th_json_get(doc, node, p, n);
        p += n + (p[n] == '.');
    }
    return node;
}

int th_jpath_init(struct th_jpath *path, const char *dotted)
{
    const char *p = dotted;
    path->n = 0;
    while (*p) {
        size_t n = 0;
        while (p[n] && p[n] != '.') {
            n++;
        }
        if (path->n == TH_JPATH_MAX) {
            return -1;
        }
        path->seg[path->n].key = p;
        path->seg[path->n].len = (uint32_t)n;
        path->seg[path->n].tag = key_tag(p, n);
        path->n++;
        p += n + (p[n] == '.');
    }
    return 0;
}

uint32_t th_jpath_get(const struct th_json *doc, uint32_t node, const struct th_jpath *path)
{
    for (uint32_t i = 0; i < path->n && node != TH_JNONE; i++) {
        node = th_json_get_tagged(doc, node, path->seg[i].key, path->seg[i].len, path->seg[i].tag);
    }
    return node;
}

uint32_t th_json_index(const struct th_json *doc, uint32_t arr, uint32_t i)
{
    if (arr == TH_JNONE || doc->nodes[arr].type != TH_J_ARRAY) {
        return TH_JNONE;
    }
    for (uint32_t e = th_json_first(doc, arr); e != TH_JNONE; e = th_json_next(doc, e, arr)) {
        if (i-- == 0) {
            return e;
        }
    }
    return TH_JNONE;
}

/* Parses an array index token per RFC 6901: "0" or digits without a leading zero. */
static bool pointer_index(const char *t, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    if (n == 0 || (n > 1 && t[0] == '0')) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((uint8_t)t[i]) || (v = v * 10 + (uint64_t)(t[i] - '0')) > UINT32_MAX) {
            return false;
        }
    }
    *out = (uint32_t)v;
    return true;
}

uint32_t th_json_pointer(const struct th_json *doc, uint32_t node, const char *ptr, size_t n)
{
    char small[256];
    size_t i = 0;
    if (n == 0) {
        return node;
    }
    if (ptr[0] != '/') {
        return TH_JNONE;
    }
    char *tok = n <= sizeof small ? small : th_xmalloc(n);
    while (node != TH_JNONE && i < n) {
        size_t tn = 0;
        i++; /* the '/' */
        while (i < n && ptr[i] != '/') {
            if (ptr[i] == '~' && i + 1 < n && (ptr[i + 1] == '0' || ptr[i + 1] == '1')) {
                tok[tn++] = ptr[i + 1] == '0' ? '~' : '/';
                i += 2;
            } else {
                tok[tn++] = ptr[i++];
            }
        }
        if (doc->nodes[node].type == TH_J_OBJECT) {
            node = th_json_get(doc, node, tok, tn);
        } else if (doc->nodes[node].type == TH_J_ARRAY) {
            uint32_t idx;
            node = pointer_index(tok, tn, &idx) ? th_json_index(doc, node, idx) : TH_JNONE;
        } else {
            node = TH_JNONE;
        }
    }
    if (tok != small) {
        free(tok);
    }
    return node;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Unescapes a validated string body; the output is never longer than the input. */
static size_t unescape_into(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] != '\\') {
            out[o++] = s[i++];
            continue;
        }
        char c = s[i + 1];
        i += 2;
        switch (c) {
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            unsigned cp = 0, lo = 0;
            read_hex4((const uint8_t *)s + i, (const uint8_t *)s + n, &cp);
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                read_hex4((const uint8_t *)s + i + 2, (const uint8_t *)s + n, &lo);
                i += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            o += put_utf8(out + o, cp);
            break;
        }
        default: out[o++] = c; break; /* " \ / */
        }
    }
    return o;
}

bool th_json_str(const struct th_json *doc, uint32_t node, struct th_arena *scratch, const char **p, size_t *n)
{
    if (node == TH_JNONE || doc->nodes[node].type != TH_J_STRING) {
        return false;
    }
    const struct th_jnode *nd = &doc->nodes[node];
    if (!(nd->flags & TH_JF_ESCAPED)) {
        *p = doc->src + nd->off;
        *n = nd->len;
        return true;
    }
    char *out = th_arena_alloc(scratch, nd->len + 1);
    *n = unescape_into(doc->src + nd->off, nd->len, out);
    out[*n] = 0;
    *p = out;
    return true;
}

bool th_json_str_eq(const struct th_json *doc, uint32_t node, const char *s, size_t n)
{
    if (node == TH_JNONE || doc->nodes[node].type != TH_J_STRING) {
        return false;
    }
    const struct th_jnode *nd = &doc->nodes[node];
    if (nd->flags & TH_JF_ESCAPED) {
        return escaped_key_eq(doc, nd, s, n);
    }
    return nd->len == n && memcmp(doc->src + nd->off, s, n) == 0;
}

bool th_json_int(const struct th_json *doc, uint32_t node, int64_t *out)
{
    if (node == TH_JNONE || doc->nodes[node].type != TH_J_NUMBER) {
        return false;
    }
    const struct th_jnode *nd = &doc->nodes[node];
    const char *s = doc->src + nd->off;
    if (nd->flags & TH_JF_INTEGER) {
        bool neg = s[0] == '-';
        uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        for (size_t i = neg; i < nd->len; i++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (v > (lim - d) / 10) {
                v = lim;
                break;
            }
            v = v * 10 + d;
        }
        *out = neg ? (int64_t)(0 - v) : (int64_t)v;
        return true;
    }
    double d;
    th_json_double(doc, node, &d);
    if (d >= 9.2233720368547758e18) {
        *out = INT64_MAX;
    } else if (d <= -9.2233720368547758e18) {
        *out = INT64_MIN;
    } else {
        *out = (int64_t)d;
    }
    return true;
}

bool th_json_double(const struct th_json *doc, uint32_t node, double *out)
{
    char small[64];
    if (node == TH_JNONE || doc->nodes[node].type != TH_J_NUMBER) {
        return false;
    }
    const struct th_jnode *nd = &doc->nodes[node];
    char *buf = nd->len < sizeof small ? small : th_xmalloc(nd->len + 1);
    memcpy(buf, doc->src + nd->off, nd->len);
    buf[nd->len] = 0;
    *out = strtod(buf, NULL);
    if (buf != small) {
        free(buf);
    }
    return true;
}

bool th_json_bool(const struct th_json *doc, uint32_t node, bool *out)
{
    if (node == TH_JNONE) {
        return false;
    }
    if (doc->nodes[node].type == TH_J_TRUE) {
        *out = true;
        return true;
    }
    if (doc->nodes[node].type == TH_J_FALSE) {
        *out = false;
        return true;
    }
    return false;
}

static void compact_string(const struct th_json *doc, const struct th_jnode *nd, struct th_buf *out)
{
    th_buf_putc(out, '"');
    if (nd->flags & TH_JF_ESCAPED) {
        char small[256];
        char *buf = nd->len <= sizeof small ? small : th_xmalloc(nd->len);
        size_t n = unescape_into(doc->src + nd->off, nd->len, buf);
        th_buf_json_escape(out, buf, n);
        if (buf != small) {
            free(buf);
        }
    } else {
        th_buf_json_escape(out, doc->src + nd->off, nd->len);
    }
    th_buf_putc(out, '"');
}

void th_json_compact(const struct th_json *doc, uint32_t node, struct th_buf *out)
{
    if (node == TH_JNONE) {
        return;
    }
    const struct th_jnode *nd = &doc->nodes[node];
    switch (nd->type) {
    case TH_J_NULL: th_buf_append(out, "null", 4); return;
    case TH_J_TRUE: th_buf_append(out, "true", 4); return;
    case TH_J_FALSE: th_buf_append(out, "false", 5); return;
    case TH_J_NUMBER: th_buf_append(out, doc->src + nd->off, nd->len); return;
    case TH_J_STRING: compact_string(doc, nd, out); return;
    case TH_J_ARRAY:
        th_buf_putc(out, '[');
        for (uint32_t e = th_json_first(doc, node); e != TH_JNONE; e = th_json_next(doc, e, node)) {
            if (e != node + 1) {
                th_buf_putc(out, ',');
            }
            th_json_compact(doc, e, out);
        }
        th_buf_putc(out, ']');
        return;
    case TH_J_OBJECT:
        th_buf_putc(out, '{');
        for (uint32_t k = th_json_first(doc, node); k != TH_JNONE; k = th_json_next(doc, k + 1, node)) {
            if (k != node + 1) {
                th_buf_putc(out, ',');
            }
            compact_string(doc, &doc->nodes[k], out);
            th_buf_putc(out, ':');
            th_json_compact(doc, k + 1, out);
        }
        th_buf_putc(out, '}');
        return;
    }
}

void th_json_render(const struct th_json *doc, uint32_t node, struct th_buf *out)
{
    if (node == TH_JNONE) {
        return;
    }
    const struct th_jnode *nd = &doc->nodes[node];
    if (nd->type != TH_J_STRING) {
        th_json_compact(doc, node, out);
        return;
    }
    if (!(nd->flags & TH_JF_ESCAPED)) {
        th_buf_append(out, doc->src + nd->off, nd->len);
        return;
    }
    th_buf_reserve(out, nd->len);
    out->len += unescape_into(doc->src + nd->off, nd->len, out->data + out->len);
    out->data[out->len] = 0;
}

void th_json_errstr(const struct th_json *doc, char *out, size_t outlen)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < doc->err_off && i < doc->srclen; i++) {
        if (doc->src[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    snprintf(out, outlen, "line %zu, column %zu: %s", line, col, doc->err_msg ? doc->err_msg : "invalid JSON");
}
