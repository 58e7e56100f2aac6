/* th_buf.c - growable buffers, allocation helpers and the bump arena (see th_buf.h).
 * Invariant: a th_buf with data != NULL always has data[len] == 0. */
#include "th_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "trailhound: out of memory allocating %zu bytes\n", n);
    abort();
}

void *th_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        oom(n);
    }
    return p;
}

void *th_xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) {
        oom(n * m);
    }
    return p;
}

void *th_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        oom(n);
    }
    return q;
}

char *th_xstrndup(const char *s, size_t n)
{
    char *p = th_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *th_xstrdup(const char *s)
{
    return s ? th_xstrndup(s, strlen(s)) : NULL;
}

char *th_xasprintf(const char *fmt, ...)
{
    struct th_buf b;
    va_list ap;
    th_buf_init(&b);
    va_start(ap, fmt);
    th_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return th_buf_take(&b);
}

void th_buf_init(struct th_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void th_buf_free(struct th_buf *b)
{
    free(b->data);
    th_buf_init(b);
}

void th_buf_reserve(struct th_buf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) {
        cap *= 2;
    }
    b->data = th_xrealloc(b->data, cap);
    b->cap = cap;
}

void th_buf_append(struct th_buf *b, const void *p, size_t n)
{
    th_buf_reserve(b, n);
    if (n) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = 0;
}

void th_buf_putc(struct th_buf *b, char c)
{
    th_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

void th_buf_puts(struct th_buf *b, const char *s)
{
    th_buf_append(b, s, strlen(s));
}

void th_buf_vprintf(struct th_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return;
    }
    th_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void th_buf_printf(struct th_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    th_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void th_buf_json_escape(struct th_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = 0;
    th_buf_reserve(b, n + 2);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        th_buf_append(b, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': th_buf_append(b, "\\\"", 2); break;
        case '\\': th_buf_append(b, "\\\\", 2); break;
        case '\n': th_buf_append(b, "\\n", 2); break;
        case '\r': th_buf_append(b, "\\r", 2); break;
        case '\t': th_buf_append(b, "\\t", 2); break;
        case '\b': th_buf_append(b, "\\b", 2); break;
        case '\f': th_buf_append(b, "\\f", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            th_buf_append(b, u, 6);
        }
        }
    }
    th_buf_append(b, s + start, n - start);
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF) {
            return 0;
        }
    }
    return len;
}

/* Calls emit for each maximal valid run of s, and for U+FFFD in place of each invalid byte. */
static void utf8_runs(struct th_buf *b, const char *s, size_t n, void (*emit)(struct th_buf *, const char *, size_t))
{
    const unsigned char *u = (const unsigned char *)s;
    size_t start = 0, i = 0;
    while (i < n) {
        size_t k = u[i] < 0x80 ? 1 : utf8_seq(u + i, n - i);
        if (k) {
            i += k;
            continue;
        }
        emit(b, s + start, i - start);
        th_buf_append(b, "\xEF\xBF\xBD", 3);
        start = ++i;
    }
    emit(b, s + start, n - start);
}

static void append_raw(struct th_buf *b, const char *s, size_t n)
{
    th_buf_append(b, s, n);
}

void th_buf_utf8_sanitize(struct th_buf *b, const char *s, size_t n)
{
    th_buf_reserve(b, n);
    utf8_runs(b, s, n, append_raw);
}

void th_buf_json_string(struct th_buf *b, const char *s, size_t n)
{
    th_buf_putc(b, '"');
    utf8_runs(b, s, n, th_buf_json_escape);
    th_buf_putc(b, '"');
}

void th_buf_json_member(struct th_buf *b, const char *key, const char *value)
{
    th_buf_printf(b, "\"%s\":", key);
    if (value) {
        th_buf_json_string(b, value, strlen(value));
    } else {
        th_buf_puts(b, "null");
    }
}

char *th_buf_take(struct th_buf *b)
{
    char *p = b->data ? b->data : th_xstrdup("");
    th_buf_init(b);
    return p;
}

/* ---- arena ---- */

struct th_arena_chunk {
    struct th_arena_chunk *next;
    size_t size;
    char data[];
};

void th_arena_init(struct th_arena *a)
{
    a->head = NULL;
    a->p = a->end = NULL;
}

void th_arena_free(struct th_arena *a)
{
    struct th_arena_chunk *c = a->head;
    while (c) {
        struct th_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    th_arena_init(a);
}

void th_arena_reset(struct th_arena *a)
{
    /* keep only the largest chunk (the head is the newest, so find the biggest) */
    struct th_arena_chunk *c = a->head, *best = NULL;
    if (!c) {
        return;
    }
    if (!c->next) {
        a->p = c->data;
        a->end = c->data + c->size;
        return;
    }
    for (; c; c = c->next) {
        if (!best || c->size > best->size) {
            best = c;
        }
    }
    c = a->head;
    while (c) {
        struct th_arena_chunk *n = c->next;
        if (c != best) {
            free(c);
        }
        c = n;
    }
    best->next = NULL;
    a->head = best;
    a->p = best->data;
    a->end = best->data + best->size;
}

void *th_arena_alloc(struct th_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if ((size_t)(a->end - a->p) < n || !a->p) {
        size_t size = a->head ? a->head->size * 2 : 4096;
        while (size < n) {
            size *= 2;
        }
        struct th_arena_chunk *c = th_xmalloc(sizeof *c + size);
        c->size = size;
        c->next = a->head;
        a->head = c;
        a->p = c->data;
        a->end = c->data + size;
    }
    void *r = a->p;
    a->p += n;
    return r;
}

char *th_arena_strndup(struct th_arena *a, const char *s, size_t n)
{
    char *p = th_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}
