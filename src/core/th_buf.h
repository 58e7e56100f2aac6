/* th_buf.h - growable byte buffers and a bump arena.
 * th_buf: contiguous bytes, always NUL-terminated after len (so data can be used as a C string).
 * th_arena: bump allocator for per-event scratch; th_arena_reset() frees everything at once and keeps the
 * largest chunk, so a steady-state event loop allocates nothing. */
#ifndef TH_BUF_H
#define TH_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct th_buf {
    char *data;
    size_t len, cap;
};

void th_buf_init(struct th_buf *b);
void th_buf_free(struct th_buf *b);
static inline void th_buf_clear(struct th_buf *b)
{
    b->len = 0;
    if (b->data) {
        b->data[0] = 0;
    }
}
/* Makes room for n more bytes (plus the terminating NUL). Aborts on out-of-memory, like every allocator here. */
void th_buf_reserve(struct th_buf *b, size_t n);
void th_buf_append(struct th_buf *b, const void *p, size_t n);
void th_buf_putc(struct th_buf *b, char c);
void th_buf_puts(struct th_buf *b, const char *s);
void th_buf_printf(struct th_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void th_buf_vprintf(struct th_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as the body of a JSON string (no quotes), escaping as RFC 8259 requires. */
void th_buf_json_escape(struct th_buf *b, const char *s, size_t n);
/* Appends s with every invalid UTF-8 sequence (RFC 3629: no overlongs, surrogates, > U+10FFFF) replaced by U+FFFD. */
void th_buf_utf8_sanitize(struct th_buf *b, const char *s, size_t n);
/* Appends s as a complete JSON string: quoted, escaped, invalid UTF-8 replaced by U+FFFD (always valid JSON). */
void th_buf_json_string(struct th_buf *b, const char *s, size_t n);
/* Appends "key":"value" (value as th_buf_json_string), or "key":null when value is NULL. key is written as is. */
void th_buf_json_member(struct th_buf *b, const char *key, const char *value);
/* Returns the data and leaves b empty; the caller frees the result. */
char *th_buf_take(struct th_buf *b);

/* Allocation helpers that abort with a message on out-of-memory. */
void *th_xmalloc(size_t n);
void *th_xcalloc(size_t n, size_t m);
void *th_xrealloc(void *p, size_t n);
char *th_xstrdup(const char *s);
char *th_xstrndup(const char *s, size_t n);
char *th_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct th_arena_chunk;
struct th_arena {
    struct th_arena_chunk *head;
    char *p, *end;
};
void th_arena_init(struct th_arena *a);
void th_arena_free(struct th_arena *a);
void th_arena_reset(struct th_arena *a);
void *th_arena_alloc(struct th_arena *a, size_t n); /* 8-byte aligned, never NULL */
char *th_arena_strndup(struct th_arena *a, const char *s, size_t n);

#endif
